"""Credit API (``/api/v1/credit/...``): a subject's credit, its signed report, entering records and
list entries, repairs and commitment checks. Thin: permissions, services and selectors do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from yiwang.core.bounds import DbId
from yiwang.core.errors import Forbidden, NotFound
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import Department
from yiwang.core.schemas import ERRORS, PUBLIC_ERRORS
from yiwang.credit import permissions, selectors, services
from yiwang.credit.errors import CreditErrorCode as Code
from yiwang.credit.ingest import import_credit_dataset
from yiwang.credit.models import CreditReport, CreditSubject
from yiwang.credit.report import issue_report, signed_pdf, verify_report
from yiwang.exchange.models import Dataset

router = Router(tags=["credit"])


class CreditSubjectRef(Schema):
    kind: str
    code: str
    name: str
    id_number: str | None


class CreditListEntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    reason: str
    legal_basis: str
    department: str
    severity: str
    starts_on: str
    ends_on: str | None
    ended_on: str | None
    in_force: bool


class CreditRecordOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    decision_no: str
    source_department: str
    basis: str
    severity: str
    decided_on: str
    publish_due: str | None
    published_on: str
    published_late: bool | None
    publicity_end: str
    status: str
    in_force: bool
    ended_on: str | None
    commitment_status: str
    source: str


class CreditSubjectOut(Schema):
    subject: CreditSubjectRef
    as_of: str
    level: str | None = Field(description="A/B/C/D by the level rules; null when the register has no file on the subject")
    level_rules_version: str
    level_reasons: list[str]
    facts: dict[str, Any]
    lists: list[CreditListEntryOut]
    records: list[CreditRecordOut]


class CreditReportOut(CreditSubjectOut):
    number: str
    issued_at: str
    verify_url: str
    sm3: str
    signature: str = Field(description="SM2-with-SM3 over the statement in docs/credit.md, base64 DER")
    key_id: str


class CreditReportCheckOut(Schema):
    number: str
    valid: bool
    subject_code: str
    subject_name: str
    level: str | None
    issued_at: dt.datetime


class CreditRecordIn(Schema):
    subject_kind: str = Field(max_length=8)
    subject_code: str = Field(max_length=40)
    subject_name: str = Field("", max_length=200)
    department: str = Field(max_length=20, description="source department code")
    kind: str = Field(max_length=12)
    title: str = Field(max_length=300)
    basis: str = Field(max_length=2000)
    decided_on: dt.date
    decision_no: str = Field("", max_length=100)
    severity: str = Field("", max_length=8)
    publicity_end: dt.date | None = None


class CreditListEntryIn(Schema):
    subject_kind: str = Field(max_length=8)
    subject_code: str = Field(max_length=40)
    subject_name: str = Field("", max_length=200)
    department: str = Field(max_length=20)
    kind: str = Field(max_length=6)
    reason: str = Field(max_length=300)
    legal_basis: str = Field(max_length=2000)
    starts_on: dt.date
    ends_on: dt.date | None = None
    severity: str = Field("", max_length=8)
    min_period_end: dt.date | None = None


class CreditCreatedOut(Schema):
    id: int


class CreditRepairIn(Schema):
    record_id: int | None = None
    list_entry_id: int | None = None
    statement: str = Field(max_length=4000)


class CreditRepairDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=services.NOTE_CHARS)


class CreditRepairOut(Schema):
    id: int
    status: str
    department: str


class CreditCommitmentCheckIn(Schema):
    kept: bool
    note: str = Field("", max_length=services.NOTE_CHARS)


def _viewable(request: AuthenticatedRequest, code: str) -> CreditSubject:
    # refused before the lookup: whether another subject has a file is not the asker's business
    if not permissions.is_credit_staff(request.user) and not permissions.code_is_own(request.user, code):
        raise Forbidden(Code.NOT_YOUR_SUBJECT, _("只能查询本人或本单位的信用信息；查询他人信用须有信用查询权限。"))
    subject = selectors.subject_by_code(code)
    if not permissions.may_view_subject(request.user, subject):
        raise Forbidden(Code.NOT_YOUR_SUBJECT, _("只能查询本人或本单位的信用信息；查询他人信用须有信用查询权限。"))
    return subject


def _subject_body(request: AuthenticatedRequest, subject: CreditSubject) -> dict[str, Any]:
    view = selectors.subject_view(subject, timezone.now())
    return selectors.report_body(view, show_id_number=permissions.may_see_id_number(request.user, subject))


def _department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(Code.INVALID_RECORD, _("没有代码为 %(code)s 的部门。") % {"code": code[:20]})
    return department


@router.get("/credit/subjects/{code}", response={200: CreditSubjectOut, **ERRORS})
def credit_subject(request: AuthenticatedRequest, code: str) -> dict[str, Any]:
    """A subject's credit level, red/black list entries and records: credit staff, or the subject
    itself. ``code``: a unified social credit code, a citizen ID number, or a person's public code."""
    return _subject_body(request, _viewable(request, code))


@router.get("/credit/subjects/{code}/report", response={200: CreditReportOut, **ERRORS},
            openapi_extra={"responses": {200: {"description": "The signed report (JSON, or PDF with ?format=pdf)",
                                               "content": {"application/pdf": {"schema": {"type": "string",
                                                                                          "format": "binary"}}}}}})
def credit_report(request: AuthenticatedRequest, code: str, format: str = "json") -> Any:  # noqa: A002 - the contract's name
    """Issue a signed credit report (信用报告). ``?format=pdf`` answers the PDF, its SM3 and SM2
    signature in ``X-Content-SM3`` / ``X-Signature-SM2``."""
    subject = _viewable(request, code)
    report, _view = issue_report(actor=request.user, subject=subject)
    if format == "pdf":
        pdf, digest, signature = signed_pdf(report)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
        response["X-Content-SM3"] = digest
        response["X-Signature-SM2"] = signature
        response["X-Key-Id"] = report.key_id
        return response
    return {**report.body, "sm3": report.sm3, "signature": report.signature, "key_id": report.key_id}


@router.get("/credit/reports/{number}/verify", auth=None, url_name="credit_verify_report",
            response={200: CreditReportCheckOut, **PUBLIC_ERRORS})
def credit_verify_report(request: HttpRequest, number: str) -> dict[str, Any]:
    """Public check of a report's number: whether the kept report still verifies (SM3 + SM2), with
    the subject's public code, name and level — nothing personal."""
    report = CreditReport.objects.select_related("subject").filter(number=number[:40]).first()
    if report is None:
        raise NotFound(Code.SUBJECT_NOT_FOUND, _("没有这个编号的信用报告。"))
    return {"number": report.number, "valid": verify_report(report), "subject_code": report.subject.public_code,
            "subject_name": report.subject.name, "level": report.body.get("level"), "issued_at": report.issued_at}


class CreditImportOut(Schema):
    dataset: int
    version: int
    created: int
    skipped: int
    rejected_count: int
    rejected: list[dict[str, str]] = Field(default_factory=list, description="Up to 100 rows not converted, with why")


@router.post("/credit/datasets/{dataset_id}/import", response={200: CreditImportOut, **ERRORS})
def credit_import_dataset(request: AuthenticatedRequest, dataset_id: DbId) -> dict[str, Any]:
    """Turn a loaded version of a credit resource into records (a held one once its steward has
    confirmed it): the providing department's steward or credit staff."""
    dataset = Dataset.objects.select_related("resource__provider").filter(pk=dataset_id).first()
    if dataset is None:
        raise NotFound(Code.INGEST_REJECTED, _("没有这个数据集版本。"))
    result = import_credit_dataset(actor=request.user, dataset=dataset)
    return {"dataset": dataset.pk, "version": dataset.version, "created": result.created, "skipped": result.skipped,
            "rejected_count": result.rejected_count,
            "rejected": [{k: str(v) for k, v in row.items()} for row in result.rejected]}


@router.post("/credit/records", response={201: CreditCreatedOut, **ERRORS})
def credit_add_record(request: AuthenticatedRequest, payload: CreditRecordIn) -> Status:
    """Enter a credit record by hand (credit staff of the source department)."""
    record = services.add_record(
        actor=request.user, subject_kind=payload.subject_kind, subject_number=payload.subject_code,
        subject_name=payload.subject_name, department=_department(payload.department),
        data=services.RecordInput(kind=payload.kind, title=payload.title, basis=payload.basis,
                                  decided_on=payload.decided_on, decision_no=payload.decision_no,
                                  severity=payload.severity, publicity_end=payload.publicity_end))
    return Status(201, {"id": record.pk})


@router.post("/credit/list-entries", response={201: CreditCreatedOut, **ERRORS})
def credit_add_list_entry(request: AuthenticatedRequest, payload: CreditListEntryIn) -> Status:
    """Put a subject on the red or black list (credit staff of the deciding department)."""
    entry = services.add_list_entry(
        actor=request.user, subject_kind=payload.subject_kind, subject_number=payload.subject_code,
        subject_name=payload.subject_name, department=_department(payload.department), kind=payload.kind,
        reason=payload.reason, legal_basis=payload.legal_basis, starts_on=payload.starts_on, ends_on=payload.ends_on,
        severity=payload.severity, min_period_end=payload.min_period_end)
    return Status(201, {"id": entry.pk})


@router.post("/credit/subjects/{code}/repairs", response={201: CreditRepairOut, **ERRORS})
def credit_request_repair(request: AuthenticatedRequest, code: str, payload: CreditRepairIn) -> Status:
    """The subject (or credit staff for it) applies for credit repair of one record or black-list entry."""
    subject = _viewable(request, code)
    repair = services.request_repair(actor=request.user, subject=subject, statement=payload.statement,
                                     record_id=payload.record_id, list_entry_id=payload.list_entry_id)
    return Status(201, {"id": repair.pk, "status": repair.status, "department": repair.department.name})


@router.post("/credit/repairs/{repair_id}/decision", response={200: CreditRepairOut, **ERRORS})
def credit_decide_repair(request: AuthenticatedRequest, repair_id: int, payload: CreditRepairDecisionIn) -> dict[str, Any]:
    """The source department approves (publicity ends early) or refuses a repair."""
    repair = services.decide_repair(actor=request.user, repair_id=repair_id, approve=payload.approve, note=payload.note)
    return {"id": repair.pk, "status": repair.status, "department": repair.department.name}


@router.post("/credit/commitments/{record_id}/check", response={200: CreditCreatedOut, **ERRORS})
def credit_check_commitment(request: AuthenticatedRequest, record_id: int, payload: CreditCommitmentCheckIn) -> dict[str, int]:
    """Check a commitment (告知承诺) after the fact: kept or broken."""
    record = services.check_commitment(actor=request.user, record_id=record_id, kept=payload.kept, note=payload.note)
    return {"id": record.pk}
