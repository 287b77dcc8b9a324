"""Material pre-review (材料预审) of the files attached to cases: OCR in the background, findings for
the clerk. Advisory only: what the pre-review finds, and whether it runs at all, never blocks,
delays or fails a case (its findings are for the clerk to weigh).

Queue it with the transaction of the service that attached the material (the task then exists if
and only if the material was committed; ``yiwang.core.enqueue``)::

    enqueue_with_transaction(prereview_material_task, material.id)

The one exception is the database itself: when the task queue is a table of the case's own
database, its row is a statement of the submission's transaction, and a database error there
(the connection lost, a deadlock, the disk full) fails that transaction, and so the submission,
as any other statement of it would (``enqueue_with_transaction`` re-raises ``DatabaseError``: the
transaction cannot go on after it). The applicant gets the same answer as for any database error
and submits again; nothing half-written is kept. A queue the backend refuses for any other reason
is logged, and the case goes on without its pre-review.

The task OCRs the file (``yiwang.intelligence.ocr``), reads the fields its catalogue material type
declares and cross-checks them against the case (``yiwang.intelligence.prereview``), then replaces
the material's ``MaterialFinding`` rows and its ``MaterialReview`` in one transaction, audited.
Any failure of OCR (bad file, engine error, timeout) becomes a finding of kind ``ocr_failed``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, QuerySet, Value
from django.utils import timezone, translation
from django_tasks import task

from yiwang.cases.models import CaseMaterial, FindingKind, MaterialFinding, MaterialReview, ReviewStatus
from yiwang.core.models import ApplicantKind
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.services import record_audit
from yiwang.intelligence import ocr
from yiwang.intelligence.prereview import Expected, Finding, MaterialProfile, profile_for, review

logger = logging.getLogger(__name__)

OCR_CONTENT_TYPES = {"image/jpeg", "image/png", "application/pdf"}

# Form fields (``Case.form_data`` keys used by the catalogue's items) that name what a material shows.
FORM_KEYS: dict[str, tuple[str, ...]] = {
    "company_name": ("company_name", "shop_name", "enterprise_name", "org_name", "institution"),
    "uscc": ("uscc", "registration_number", "credit_code", "unified_social_credit_code"),
    "legal_rep": ("legal_representative", "legal_rep_name", "legal_rep"),
    "licence_number": ("licence_number", "license_number", "permit_number", "certificate_number"),
}


def _form_value(form: dict[str, Any], key: str) -> str:
    for name in FORM_KEYS.get(key, ()):
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def expected_for(material: CaseMaterial, profile: MaterialProfile) -> Expected:
    """What the case says this material should show. Unknown stays empty and is not checked: a
    clerk is better served by no finding than by a wrong one."""
    case = material.case
    if case is None:
        return Expected()
    applicant = case.applicant
    form = case.form_data or {}
    title = material.material.name if material.material else ""
    person_name = person_id = ""
    if "受托人" in title or "委托" in title or "代理人" in title:
        pass  # an agent's papers: whose they are is not on the case
    elif "法定代表人" in title or "负责人" in title:
        person_name = applicant.legal_representative or _form_value(form, "legal_rep")
    elif applicant.kind == ApplicantKind.PERSON:
        person_name, person_id = applicant.name, applicant.id_number
    elif profile.person_document:
        person_name = applicant.legal_representative
    if applicant.kind == ApplicantKind.ORGANISATION:
        # The organisation's own papers show the organisation of record (a shop name on the form
        # may be a trade name); a person's (个体工商户) show the business the form names.
        company_name, uscc = applicant.name, applicant.id_number
        legal_rep = applicant.legal_representative or _form_value(form, "legal_rep")
    else:
        company_name, uscc = _form_value(form, "company_name"), _form_value(form, "uscc")
        legal_rep = _form_value(form, "legal_rep")
    return Expected(name=person_name, citizen_id=person_id, company_name=company_name, uscc=uscc,
                    legal_rep=legal_rep, licence_number=_form_value(form, "licence_number"))


def start_prereview(*, material: CaseMaterial, now: dt.datetime) -> MaterialReview:
    """Mark the material's pre-review as running (the window queue shows it as pending), with its
    audit record, in one transaction."""
    try:
        with transaction.atomic():
            rev, _created = MaterialReview.objects.get_or_create(material=material)
    except IntegrityError:  # another worker created it between our read and write
        rev = MaterialReview.objects.get(material=material)
    with transaction.atomic():
        MaterialReview.objects.filter(pk=rev.pk).update(status=ReviewStatus.PENDING, started_at=now, finished_at=None)
        record_audit(actor=None, event_type="material_prereview_started", subject_type="case_material",
                     subject_id=material.pk, details={"case": material.case_id}, at=now)
    return rev


class PrereviewState:
    """A case's pre-review as the window sees it (``prereview_states``)."""

    NONE = "none"          # nothing reviewed (no uploaded files, or pre-review not run)
    PENDING = "pending"    # a file is still being read
    FINDINGS = "findings"  # at least one finding for the clerk to weigh
    CLEAN = "clean"        # every file reviewed (or skipped), nothing found


@dataclass(frozen=True)
class CasePrereview:
    state: str
    findings: int
    pending: int


FINDINGS_KEY = "#findings"  # no review status is spelled so (statuses are words)


def _counted(**cases: Any) -> QuerySet:
    """``(case id, FINDINGS_KEY or review status, count)`` for the cases ``cases`` filters materials
    by (``case_id=`` or ``case_id__in=``): the findings counted per case and the reviews counted per
    case and status, as one ``UNION ALL``."""
    where = {f"material__{name}": value for name, value in cases.items()}
    counted_findings = (
        MaterialFinding.objects.filter(**where)
        .values("material__case_id").annotate(n=Count("id"), key=Value(FINDINGS_KEY, output_field=CharField()))
        .values_list("material__case_id", "key", "n").order_by()
    )
    counted_reviews = (
        MaterialReview.objects.filter(**where)
        .values("material__case_id", "status").annotate(n=Count("id"))
        .values_list("material__case_id", "status", "n").order_by()
    )
    return counted_findings.union(counted_reviews, all=True)


# Acceptance reads one case's pre-review under the case lock: compiled once per connection
# (core/precompiled.py); a page of the window queue reads several (``case_id__in``) as a queryset.
_COUNTED_ONE = PrecompiledQuery(lambda case_id: _counted(case_id=case_id), case_id=int)


def prereview_states(case_ids: list[int]) -> dict[int, CasePrereview]:
    """Pre-review of each case in one query (the window queue shows a page of them; acceptance
    reads it under the case lock): the findings counted per case and the reviews counted per case
    and status, as one ``UNION ALL``. Findings are open until a new pre-review of the file replaces
    them; an OCR failure is a finding (the clerk must read the file)."""
    findings: Counter[int] = Counter()
    reviews: dict[int, Counter[str]] = {}
    rows = _COUNTED_ONE.fetch(case_id=case_ids[0]) if len(case_ids) == 1 else _counted(case_id__in=case_ids)
    for case_id, key, n in rows:
        if key == FINDINGS_KEY:
            findings[case_id] += n
        else:
            reviews.setdefault(case_id, Counter())[key] += n
    states = {}
    for case_id in case_ids:
        counted = reviews.get(case_id, Counter())
        pending = counted[ReviewStatus.PENDING]
        if findings[case_id]:
            state = PrereviewState.FINDINGS
        elif pending:
            state = PrereviewState.PENDING
        elif counted:
            state = PrereviewState.CLEAN
        else:
            state = PrereviewState.NONE
        states[case_id] = CasePrereview(state=state, findings=findings[case_id], pending=pending)
    return states


def _save(
    material: CaseMaterial,
    *,
    status: str,
    findings: list[Finding],
    now: dt.datetime,
    profile: str = "",
    engine: str = "",
    pages_total: int = 0,
    pages_read: int = 0,
    fields: dict[str, Any] | None = None,
    duration_ms: int = 0,
    error: str = "",
) -> MaterialReview:
    """Replace the material's findings and review, with the audit record, in one transaction."""
    with transaction.atomic():
        rev = MaterialReview.objects.select_for_update().get(material=material)
        MaterialFinding.objects.filter(material=material).delete()
        MaterialFinding.objects.bulk_create([
            MaterialFinding(
                material=material, kind=f.kind, field=f.field, expected=f.expected[:200], found=f.found[:200],
                confidence=None if f.confidence is None else min(1.0, max(0.0, float(f.confidence))),
                page=f.page, message=f.message, created_at=now,
            )
            for f in findings
        ])
        rev.status = status
        rev.profile = profile
        rev.engine = engine[:120]
        rev.pages_total = pages_total
        rev.pages_read = pages_read
        rev.fields = fields or {}
        rev.duration_ms = duration_ms
        rev.error = error[:300]
        rev.finished_at = now
        rev.save()
        record_audit(
            actor=None,
            event_type="material_prereviewed",
            subject_type="case_material",
            subject_id=material.pk,
            details={
                "case": material.case_id,
                "status": status,
                "profile": profile,
                "engine": engine,
                "findings": dict(Counter(f.kind for f in findings)),
                "duration_ms": duration_ms,
            },
            at=now,
        )
    return rev


def prereview_material(
    *, material_id: int, today: dt.date | None = None, engine: ocr.Engine | None = None
) -> MaterialReview | None:
    """OCR one material file and record what pre-review finds; returns its review, or None when the
    material no longer exists. Never raises for a bad file or a failing engine. Findings are stored
    in the site's language whoever's request started the review (the case page says them again in
    the reader's: ``MaterialFinding.display_message``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _prereview_material(material_id=material_id, today=today, engine=engine)


def _prereview_material(
    *, material_id: int, today: dt.date | None, engine: ocr.Engine | None
) -> MaterialReview | None:
    material = CaseMaterial.objects.select_related("case__applicant", "material").filter(pk=material_id).first()
    if material is None:
        return None
    now = timezone.now()
    today = today or timezone.localdate(now)
    start_prereview(material=material, now=now)
    profile = profile_for(material.material.name) if material.material else None
    if profile is None:
        return _save(material, status=ReviewStatus.SKIPPED, findings=[], now=timezone.now(),
                     error="该材料类型未声明需核对的字段")
    if not getattr(settings, "YIWANG_OCR_ENABLED", True):
        return _save(material, status=ReviewStatus.SKIPPED, findings=[], now=timezone.now(), profile=profile.key,
                     error="材料预审未启用")
    if material.content_type not in OCR_CONTENT_TYPES:
        return _save(material, status=ReviewStatus.SKIPPED, findings=[], now=timezone.now(), profile=profile.key,
                     error=f"{material.content_type} 文件暂不支持预审")

    started = time.perf_counter()
    try:
        with material.file.open("rb") as fh:
            data = fh.read()
        doc = ocr.read_document(data, engine=engine)
    except ocr.OcrError as exc:
        finding = Finding(FindingKind.OCR_FAILED, f"材料预审未完成：{exc.message}请人工审核该材料。")
        return _save(material, status=ReviewStatus.FAILED, findings=[finding], now=timezone.now(),
                     profile=profile.key, duration_ms=int((time.perf_counter() - started) * 1000),
                     error=f"{exc.code}: {exc.message}")
    except Exception as exc:  # a bug or a missing file must not stop the worker, nor the case
        logger.exception("pre-review of material %s failed", material_id)
        finding = Finding(FindingKind.OCR_FAILED, "材料预审未完成：系统内部错误，请人工审核该材料。")
        return _save(material, status=ReviewStatus.FAILED, findings=[finding], now=timezone.now(),
                     profile=profile.key, duration_ms=int((time.perf_counter() - started) * 1000),
                     error=f"{type(exc).__name__}: {exc}")

    extracted, findings = review(doc, profile, expected_for(material, profile), today=today)
    fields = {k: {"value": v.value, "confidence": v.confidence, "page": v.page} for k, v in extracted.items()}
    return _save(material, status=ReviewStatus.DONE, findings=findings, now=timezone.now(), profile=profile.key,
                 engine=doc.engine, pages_total=doc.total_pages, pages_read=len(doc.pages), fields=fields,
                 duration_ms=int((time.perf_counter() - started) * 1000))


@task()
def prereview_material_task(material_id: int) -> None:
    """Background pre-review of one material: ``prereview_material_task.enqueue(material.id)``."""
    prereview_material(material_id=material_id)
