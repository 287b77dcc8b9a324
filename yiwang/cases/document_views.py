"""Pages for a case's documents: download (PDF), the printable receipts (HTML, A4, no navigation),
and the public progress page reached by the QR code on every receipt. Thin: the rules live in
``yiwang.cases.documents`` and the case-visibility selector."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yiwang.cases import selectors
from yiwang.cases.documents import MAX_ID, document_for_viewer, ensure_query_code, progress_url, public_case
from yiwang.cases.models import CaseStatus, CorrectionNotice, DocumentKind
from yiwang.cases.rating import RECEIPT, rating_link
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.ids import mask_id_number


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """Download a document; 404 for anyone who may not see its case."""
    try:
        document = document_for_viewer(request.user, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(document.file.open("rb"), content_type="application/pdf",
                            filename=f"{document.case.number}-{document.title}.pdf")
    response["X-Content-SHA256"] = document.sha256
    return response


def receipt_context(case: Any, kind: str, correction: CorrectionNotice | None) -> dict[str, Any]:
    """What a printed receipt says, from the case's state now: an open case shows its deadline;
    a finished, refused or withdrawn one says so and promises nothing."""
    finished = case.status in CaseStatus.terminal_states()
    url = progress_url(case)
    return {
        "case": case,
        "kind": kind,
        "kind_label": DocumentKind(kind).label,
        "correction": correction,
        "finished": finished,
        "masked_id": mask_id_number(case.applicant.id_number),
        "query_code": ensure_query_code(case),
        "progress_url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=3, border=2),
        "printed_at": timezone.now(),
        "document": case.documents.filter(kind=kind, correction=correction).first(),
        **_rating_qr(case, kind),
    }


def _rating_qr(case: Any, kind: str) -> dict[str, Any]:
    """The 受理回执's second QR code: where to rate the case (好差评), from the app that takes ratings."""
    link = rating_link(case, RECEIPT) if kind == DocumentKind.ACCEPTANCE_RECEIPT else None
    if link is None:
        return {"rating_url": "", "rating_qr_svg": ""}
    return {"rating_url": link.url, "rating_qr_svg": segno.make(link.url, error="m").svg_inline(scale=3, border=2)}


@login_required
def receipt(request: AuthenticatedRequest, number: str, kind: str) -> HttpResponse:
    """A printable receipt (受理回执, 一次性告知书, 不予受理决定书) of a case the user may see."""
    if kind not in DocumentKind.receipts():
        raise Http404
    try:
        case = selectors.case_for_viewer(request.user, number)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    correction = None
    if kind == DocumentKind.ACCEPTANCE_RECEIPT and case.accepted_at is None:
        raise Http404
    if kind == DocumentKind.REJECTION_NOTICE and case.status != CaseStatus.REJECTED:
        raise Http404
    if kind == DocumentKind.CORRECTION_NOTICE:
        corrections = case.corrections.prefetch_related("materials").order_by("-requested_at")
        wanted = request.GET.get("correction", "")
        if wanted and not (wanted.isdigit() and 0 < int(wanted) <= MAX_ID):
            raise Http404
        correction = corrections.filter(pk=int(wanted)).first() if wanted else corrections.first()
        if correction is None:
            raise Http404
    return render(request, "cases/receipt.html", receipt_context(case, kind, correction))


def progress(request: HttpRequest) -> HttpResponse:
    """The public progress page (办件进度查询): number and query code in, status out. No personal
    data; a wrong pair is refused with the same answer as an unknown number."""
    number, code = request.GET.get("n", ""), request.GET.get("c", "")
    case = public_case(number, code) if number or code else None
    status = 200
    if (number or code) and case is None:
        status = 404
    return render(request, "cases/progress.html", {"case": case, "number": number[:32], "asked": bool(number or code),
                                                   "open": case is not None and case.is_open}, status=status)
