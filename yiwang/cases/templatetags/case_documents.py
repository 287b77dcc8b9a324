"""``{% case_documents case %}``: the case's documents (signed PDFs) and printable receipts, for the
applicant's and the staff's case pages (callers have already checked the viewer may see the case)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from yiwang.cases.documents import case_documents as documents_of
from yiwang.cases.models import Case, CaseStatus, DocumentKind

register = template.Library()


def printable_receipts(case: Case) -> list[tuple[str, str, str]]:
    """(kind, label, url) of each receipt the case has to print, the newest event first."""
    receipts = []
    if case.status == CaseStatus.REJECTED:
        receipts.append(DocumentKind.REJECTION_NOTICE)
    if case.accepted_at is not None:
        receipts.append(DocumentKind.ACCEPTANCE_RECEIPT)
    if case.corrections.exists():
        receipts.append(DocumentKind.CORRECTION_NOTICE)
    return [(kind, str(DocumentKind(kind).label), reverse("cases:receipt", args=[case.number, kind]))
            for kind in receipts]


@register.inclusion_tag("cases/_case_documents.html")
def case_documents(case: Case) -> dict[str, Any]:
    return {"case": case, "documents": documents_of(case), "receipts": printable_receipts(case)}
