"""Case endpoints: uploads, applications, case detail and timeline, tasks, window actions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from yiwang.cases import permissions, selectors, services
from yiwang.cases.documents import case_documents
from yiwang.cases.documents_api import DocumentOut
from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.exports import XLSX, red_list_response
from yiwang.cases.models import Case, CaseStatus, CaseStep, Channel
from yiwang.cases.services.common import (
    ACCEPT_NOTE_CHARS,
    DECISION_TEXT_CHARS,
    DELIVERY_DETAIL_CHARS,
    SUPPLY_NOTE_CHARS,
    WITHDRAW_REASON_CHARS,
)
from yiwang.cases.services.credit import findings_of as credit_findings_of
from yiwang.cases.services.eligibility import check_eligibility
from yiwang.cases.services.packages import submit_package
from yiwang.cases.services.uploads import SIGNATURES
from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.labels import step_label
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.packages import package_guide
from yiwang.catalog.selectors import item_for_application
from yiwang.core.bounds import MAX_DB_INT, DbId
from yiwang.core.errors import Forbidden, InvalidInput, NotFound
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import Applicant
from yiwang.core.pagination import CountNextPagination, offset_field
from yiwang.core.schemas import ERRORS as COMMON_ERRORS
from yiwang.core.schemas import ErrorOut
from yiwang.core.selectors import is_supervisor
from yiwang.core.services import register_applicant
from yiwang.identity.selectors import applicant_of, usable_authorisations
from yiwang.licenses.selectors import licences_for_case

router = Router(tags=["cases"])


ERRORS = {**COMMON_ERRORS, 413: ErrorOut, 507: ErrorOut}  # 413: an upload over the size limit; 507: disk full


class UploadOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str


class MaterialIn(Schema):
    material_id: DbId
    upload_id: DbId


class LicenceMaterialIn(Schema):
    material_id: DbId
    licence_number: str = Field(..., min_length=1, max_length=40,
                                description="A licence of yours (GET /licences/offerable?item_code=…) used instead of an upload")


class ApplicantIn(Schema):
    kind: str = Field(..., pattern="^(person|org)$")
    name: str = Field(..., min_length=1, max_length=Applicant._meta.get_field("name").max_length)
    id_number: str = Field(..., min_length=1, max_length=18)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=300)
    legal_representative: str = Field("", max_length=Applicant._meta.get_field("legal_representative").max_length)


# Limits on free text: the services' own (what the audit record keeps whole; a longer text is a 422)
FORM_VALUE_CHARS = 2000  # services.intake.clean_form refuses a longer text value


class ApplicationIn(Schema):
    item_code: str = Field(..., max_length=ServiceItem._meta.get_field("code").max_length)
    form: dict[str, Any] = Field(default_factory=dict, description="The item's form fields by name (see "
                                 f"``form_schema`` of GET /items/{{code}}); a text value has at most {FORM_VALUE_CHARS} "
                                 "characters")
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50)
    licences: list[LicenceMaterialIn] = Field(default_factory=list, max_length=50, description=(
        "免证办: materials taken from your licence library instead of uploaded; choosing one is your consent "
        "to its use for this case (recorded with the licence's verification status at the time)"))
    applicant: ApplicantIn | None = Field(None, description="Walk-in applicant; clerks at the window only")
    on_behalf_of: DbId | None = Field(None, description="委托代办: the id of an authorisation you hold (GET "
                                      "/identity/authorisations); the case's applicant is then its principal")


class CaseStepOut(Schema):
    id: int
    name: str
    department: str
    role: str
    status: str
    opened_at: dt.datetime
    due_at: dt.datetime
    sla: str
    completed_at: dt.datetime | None
    decision: str
    comment: str


class TimelineOut(Schema):
    at: dt.datetime
    event: str
    label: str
    department: str
    details: dict


class CaseMaterialOut(Schema):
    id: int
    material_id: int | None
    material: str
    name: str
    size: int
    source: str
    uploaded_at: dt.datetime


class CorrectionNoticeOut(Schema):
    requested_at: dt.datetime
    note: str
    materials: list[str]
    answered_at: dt.datetime | None


class ApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    phone: str
    address: str


class CaseLicenceOut(Schema):
    number: str
    name: str
    status: str
    url: str


class CreditFindingOut(Schema):
    stage: str
    rule_set: str
    rule_set_version: int
    rule_id: str
    outcome: str
    outcome_label: str
    reason: str
    reason_en: str = Field("", description="The rule's reason in English, when its table gives one (reason_en)")
    pending_material: str
    pending_resolved_at: dt.datetime | None
    ledger_index: int | None = Field(None, description="Findings recorded before 2026-12: their own ledger entry")
    proof_audit_id: int | None = Field(
        None, description="The audit event carrying this evaluation's proof to the ledger (the case's timeline "
                          "event of the evaluation; credit_rules_evaluated before 2026-12-06) "
                          "(inclusion proof: /api/v1/ledger/proofs/inclusion?reference=audit:<id>)")
    evaluated_at: dt.datetime


class CaseOut(Schema):
    number: str
    item_code: str
    item_name: str
    department: str
    applicant: ApplicantOut
    agent: ApplicantOut | None = Field(None, description="委托代办: who applied for the applicant, if someone did")
    channel: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    closed_at: dt.datetime | None
    promised_days: int
    due_at: dt.datetime
    paused_days: int
    sla: str
    current_step: str
    current_department: str | None
    outcome: str
    reject_reason: str
    delivery_method: str
    form: dict
    process_version: int
    steps: list[CaseStepOut]
    materials: list[CaseMaterialOut]
    corrections: list[CorrectionNoticeOut]
    timeline: list[TimelineOut]
    documents: list[DocumentOut]
    licences: list[CaseLicenceOut] = Field(default_factory=list, description="Licences this case issued (电子证照)")
    credit_findings: list[CreditFindingOut]


class CaseActionStepOut(Schema):
    id: int
    name: str
    department: str
    role: str
    due_at: dt.datetime
    complete: str = Field(..., description="POST here to complete this step (its approvers only)")


class CaseActionLinksOut(Schema):
    case: str = Field(..., description="The full case: GET /cases/{number}")


class CaseActionOut(Schema):
    """What an action answers since 2026-12 (issue #14): the case's state after the action; the full
    case (steps, materials, timeline, documents …) is at ``links.case``."""

    number: str
    status: str
    status_label: str
    outcome: str
    due_at: dt.datetime
    current_step: str
    current_department: str | None
    open_steps: list[CaseActionStepOut]
    next_actions: list[str] = Field(..., description="What the case allows now (accept, correction, reject, supply, "
                                    "withdraw, complete, deliver); who may do each is checked when it is done")
    links: CaseActionLinksOut


class CaseSummary(Schema):
    number: str
    item_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    due_at: dt.datetime
    sla: str
    current_step: str
    current_department: str | None


class TaskOut(Schema):
    id: int
    case_number: str
    item_name: str
    applicant: str
    name: str
    department: str
    role: str
    opened_at: dt.datetime
    due_at: dt.datetime
    sla: str


class DecisionIn(Schema):
    decision: str = Field(..., pattern="^(approve|deny|return)$")
    comment: str = Field("", max_length=DECISION_TEXT_CHARS)


class CorrectionNoticeIn(Schema):
    material_ids: list[int] = Field(default_factory=list, max_length=50,
                                    description="Ids of the item's materials to hand in again (GET /items/{code})")
    note: str = Field("", max_length=DECISION_TEXT_CHARS, description="Everything else that is missing, in words")


class SupplyIn(Schema):
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50)
    form: dict[str, Any] = Field(default_factory=dict, description=f"Corrected form fields; text values at most "
                                 f"{FORM_VALUE_CHARS} characters")
    note: str = Field("", max_length=SUPPLY_NOTE_CHARS)


class RejectIn(Schema):
    reason: str = Field("", max_length=DECISION_TEXT_CHARS, description="Required: the reason the applicant reads")


class WithdrawIn(Schema):
    reason: str = Field("", max_length=WITHDRAW_REASON_CHARS)


class NoteIn(Schema):
    note: str = Field("", max_length=ACCEPT_NOTE_CHARS)


class AcceptIn(Schema):
    note: str = Field("", max_length=ACCEPT_NOTE_CHARS)
    acknowledge_findings: bool = Field(
        False, description="Accept although material pre-review (材料预审) has open findings: the clerk has "
                           "checked them. Without it such a case is refused with 409 prereview_findings_open.")


class EligibilityIn(Schema):
    form: dict[str, Any] = Field(default_factory=dict, description="The application form as filled so far")


class EligibilityRuleOut(Schema):
    rule: int = Field(..., description="Row number in the item's rule table (0: the item's own applicant scope)")
    reason: str
    fields: list[dict[str, str]] = Field(default_factory=list, description="Pending: the empty fields it waits for")
    why: str = Field("", description="Deferred: shared (checked with shared data at submission) or manual")


class EligibilityFieldOut(Schema):
    name: str
    shown: bool
    required: bool


class EligibilityOut(Schema):
    item: str
    status: str = Field(..., description="no_rules | fails | incomplete | undetermined | passes")
    message: str
    rules_version: int | None
    failing: list[EligibilityRuleOut]
    pending: list[EligibilityRuleOut]
    deferred: list[EligibilityRuleOut]
    field_problems: list[dict[str, str]]
    fields: list[EligibilityFieldOut]


class DeliveryIn(Schema):
    method: str = Field(..., pattern="^(window|post|electronic)$")
    detail: str = Field("", max_length=DELIVERY_DETAIL_CHARS)


class BoardRowOut(Schema):
    key: int
    label: str
    green: int
    yellow: int
    red: int
    paused: int
    total: int
    service_centre: bool


class UrgeIn(Schema):
    note: str = Field(..., max_length=2000)
    step_id: int | None = Field(None, ge=1, le=2**63 - 1)


class UrgeOut(Schema):
    number: str
    department: str
    heads_notified: int


def applicant_out(applicant: Applicant, full: bool) -> dict[str, str]:
    view = permissions.applicant_view(applicant, full)
    return {k: view[k] for k in ("kind", "name", "id_number", "phone", "address")}


def step_out(step: CaseStep, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": step.pk, "name": step_label(step.name), "department": step.department.display_name, "role": step.role,
        "status": step.status, "opened_at": step.opened_at, "due_at": step.due_at,
        "sla": selectors.sla_light(status=step.case.status if step.status == "open" else "closed",
                                   due_at=step.due_at, warn_at=step.warn_at, now=now),
        "completed_at": step.completed_at, "decision": step.decision, "comment": step.comment,
    }


def case_out(user: Any, case: Case) -> dict[str, Any]:
    now = timezone.now()
    full = permissions.may_see_personal_data(user, case)
    return {
        "number": case.number, "item_code": case.item.code, "item_name": case.item.name,
        "department": case.department.display_name, "applicant": applicant_out(case.applicant, full),
        "agent": applicant_out(case.agent, full) if case.agent_id else None,
        "channel": case.channel, "status": case.status, "status_label": str(case.get_status_display()),
        "submitted_at": case.submitted_at, "accepted_at": case.accepted_at, "decided_at": case.decided_at,
        "closed_at": case.closed_at, "promised_days": case.promised_days, "due_at": case.due_at,
        "paused_days": case.paused_days,
        "sla": selectors.sla_light(status=case.status, due_at=case.due_at, warn_at=case.warn_at, now=now),
        "current_step": step_label(case.current_step),
        "current_department": case.current_department.display_name if case.current_department else None,
        "outcome": case.outcome, "reject_reason": case.reject_reason, "delivery_method": case.delivery_method,
        "form": permissions.masked_form(case, full), "process_version": case.process_version.version,
        "steps": [step_out(s, now) for s in selectors.case_steps(case)],
        "materials": [
            {"id": m.pk, "material_id": m.material_id, "material": m.material.name if m.material else "",
             "name": m.original_name, "size": m.size, "source": m.source, "uploaded_at": m.uploaded_at}
            for m in case.materials.select_related("material")
        ],
        "corrections": [
            {"requested_at": c.requested_at, "note": c.note, "materials": [m.name for m in c.materials.all()],
             "answered_at": c.answered_at}
            for c in case.corrections.prefetch_related("materials")
        ],
        "timeline": [
            {"at": t.at, "event": t.event_type, "label": t.label, "department": t.department, "details": t.details}
            for t in selectors.case_timeline(case, viewer=user)
        ],
        "documents": [
            {"kind": d.kind, "name": _(d.title), "url": reverse("api-v1:download_document", args=[d.pk]),
             "sha256": d.sha256}
            for d in case_documents(case)
        ],
        "licences": [
            {"number": lic.number, "name": lic.licence_type.name, "status": lic.status,
             "url": reverse("api-v1:get_licence", args=[lic.number])}
            for lic in licences_for_case(case.number or "")
        ],
        "credit_findings": [
            {"stage": f.stage, "rule_set": f.rule_version.rule_set.key, "rule_set_version": f.rule_version.version,
             "rule_id": f.rule_id, "outcome": f.outcome, "outcome_label": str(f.get_outcome_display()),
             "reason": f.reason, "reason_en": f.reason_en, "pending_material": f.pending_material,
             "pending_resolved_at": f.pending_resolved_at, "ledger_index": f.ledger_index,
             "proof_audit_id": f.audit_event_id, "evaluated_at": f.evaluated_at}
            for f in credit_findings_of(case)
        ],
    }


# the status labels (lazy, translated when made str) by value, as ``get_status_display()`` finds
# them: it builds this dict again on every call, hashing each lazy label (~40 µs an answer, issue #14)
_STATUS_LABELS = dict(CaseStatus.choices)


def case_action_out(case: Case) -> dict[str, Any]:
    """The compact answer of an action, from the case the service returned: no query unless the
    service left its open steps unknown (``selectors.open_steps_after_action``)."""
    department = case.current_department if case.current_department_id else None
    return {
        "number": case.number, "status": case.status, "status_label": str(_STATUS_LABELS.get(case.status, case.status)),
        "outcome": case.outcome, "due_at": case.due_at, "current_step": step_label(case.current_step),
        "current_department": department.display_name if department else None,
        "open_steps": [
            {"id": s.pk, "name": step_label(s.name), "department": s.department.display_name, "role": s.role,
             "due_at": s.due_at, "complete": reverse("api-v1:complete_task", args=[s.pk])}
            for s in selectors.open_steps_after_action(case)
        ],
        "next_actions": selectors.next_actions(case),
        "links": {"case": reverse("api-v1:get_case", args=[case.number])},
    }


def _case_id(user: Any, number: str) -> int:
    return selectors.case_for_viewer(user, number).pk


def _refs(materials: list[MaterialIn]) -> list[services.MaterialRef]:
    return [services.MaterialRef(material_id=m.material_id, upload_id=m.upload_id) for m in materials]


def _upload_description() -> str:
    # Built from what stage_upload checks, so the contract cannot promise another size or format.
    formats = ", ".join(f.upper() for f in sorted(SIGNATURES))
    return (f"Upload one material file ({formats}; at most {settings.YIWANG_MAX_UPLOAD_BYTES // (1024 * 1024)} MB, "
            "the server's YIWANG_MAX_UPLOAD_BYTES); attach it with its id when applying. A larger file is "
            "answered 413 ``file_too_large``, a file whose content is not its extension's 422.")


@router.post("/uploads", response={201: UploadOut, **ERRORS}, description=_upload_description())
def upload_material(request: AuthenticatedRequest, file: File[UploadedFile]) -> Status:
    m = services.stage_upload(actor=request.user, file=file)
    return Status(201, {"id": m.pk, "name": m.original_name, "size": m.size, "content_type": m.content_type,
                 "sha256": m.sha256})


@router.post("/applications", response={200: CaseActionOut, 201: CaseActionOut, **ERRORS})
def create_application(
    request: AuthenticatedRequest, payload: ApplicationIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=1,
                                         max_length=Case._meta.get_field("idempotency_key").max_length),
) -> Status:
    """Apply for an item. Send an ``Idempotency-Key`` header: a retry with the same key returns
    the first case (200) instead of creating another (201)."""
    user = request.user
    item = item_for_application(payload.item_code)
    if item is None:
        raise NotFound(CatalogErrorCode.ITEM_NOT_FOUND, _("事项 %(code)s 不存在。") % {"code": payload.item_code})
    if payload.applicant is not None:
        if not selectors.is_clerk(user):
            raise Forbidden(CaseErrorCode.NOT_A_CLERK, _("只有窗口人员可以代为录入其他申请人的申请。"))
        applicant = register_applicant(actor=user, **payload.applicant.dict())
        channel = Channel.WINDOW
    else:
        profile = applicant_of(user)  # with its real-name level, which the submission checks
        if profile is None:
            raise InvalidInput(CaseErrorCode.NO_APPLICANT_PROFILE,
                               _("当前账号没有申请人信息；窗口代录请填写 applicant。"))
        applicant = profile
        if payload.on_behalf_of is not None:
            held = next((a for a in usable_authorisations(applicant) if a.pk == payload.on_behalf_of), None)
            if held is None:
                raise Forbidden("not_authorised_agent", _("该委托不存在、已撤销或已过期，不能代为申请。"))
            applicant = held.principal  # submit_application checks the scope and the agent's level
        channel = Channel.ONLINE
    case, created = services.submit_application(
        actor=user, item=item, applicant=applicant, form_data=payload.form, materials=_refs(payload.materials),
        licences=[services.LicenceRef(material_id=m.material_id, licence_number=m.licence_number) for m in payload.licences],
        channel=channel, idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, case_action_out(case))


class CasePageQuery(Schema):
    limit: int = Field(50, ge=1, le=200, description="Cases per page")
    offset: int = offset_field()


class TaskPageQuery(Schema):
    limit: int = Field(100, ge=1, le=500, description="Tasks per page")
    offset: int = offset_field()


def case_summary_out(c: Case) -> dict[str, Any]:
    return {"number": c.number, "item_name": c.item.name, "status": c.status,
            "status_label": str(c.get_status_display()), "submitted_at": c.submitted_at, "due_at": c.due_at,
            "sla": selectors.sla_light(status=c.status, due_at=c.due_at, warn_at=c.warn_at, now=timezone.now()),
            "current_step": step_label(c.current_step),
            "current_department": c.current_department.display_name if c.current_department else None}


def task_out(s: CaseStep) -> dict[str, Any]:
    return {"id": s.pk, "case_number": s.case.number, "item_name": s.case.item.name,
            "applicant": permissions.applicant_view(s.case.applicant, full=False)["name"],
            "name": step_label(s.name), "department": s.department.display_name, "role": s.role, "opened_at": s.opened_at,
            "due_at": s.due_at,
            "sla": selectors.sla_light(status=s.case.status, due_at=s.due_at, warn_at=s.warn_at, now=timezone.now())}


@router.get("/cases", response={200: list[CaseSummary], **ERRORS})
@paginate(CountNextPagination, query=CasePageQuery, shape=case_summary_out)
def list_my_cases(request: AuthenticatedRequest) -> Any:
    """The signed-in applicant's own cases, newest first, a page at a time (follow ``next``)."""
    return selectors.applicant_cases(request.user)


@router.get("/cases/{number}", response={200: CaseOut, **ERRORS})
def get_case(request: AuthenticatedRequest, number: str) -> dict[str, Any]:
    """A case with its steps, materials, corrections and timeline; personal data masked for
    staff who do not handle it."""
    return case_out(request.user, selectors.case_for_viewer(request.user, number))


@router.get("/tasks", response={200: list[TaskOut], **ERRORS})
@paginate(CountNextPagination, query=TaskPageQuery, shape=task_out)
def list_my_tasks(request: AuthenticatedRequest) -> Any:
    """The approver's inbox: open steps of their department and role, most urgent first, a page at
    a time (follow ``next``)."""
    return selectors.my_tasks(request.user)


@router.post("/tasks/{step_id}/complete", response={200: CaseActionOut, **ERRORS})
def complete_task(request: AuthenticatedRequest, step_id: Annotated[int, Path(..., ge=0, le=MAX_DB_INT)], payload: DecisionIn) -> dict[str, Any]:
    """Complete a step with ``approve`` or ``deny``, or ``return`` it to the previous step. Answers
    the case's state after it (the full case: ``links.case``)."""
    case = services.complete_step(actor=request.user, step_id=step_id, decision=payload.decision,
                                  comment=payload.comment)
    return case_action_out(case)


def _window_action(request: AuthenticatedRequest, number: str, action: Any, **kwargs: Any) -> dict[str, Any]:
    case_id = _case_id(request.user, number)
    result = action(actor=request.user, case_id=case_id, **kwargs)
    return case_action_out(result if isinstance(result, Case) else result.case)


@router.post("/cases/{number}/accept", response={200: CaseActionOut, **ERRORS})
def accept(request: AuthenticatedRequest, number: str, payload: AcceptIn) -> dict[str, Any]:
    """Window: accept the application (受理). When material pre-review has open findings, send
    ``acknowledge_findings: true`` after checking them (recorded in the audit record); otherwise
    409 ``prereview_findings_open``."""
    # by number: the service checks the viewer under its lock, no read of the case before it
    case = services.accept_application(actor=request.user, number=number, note=payload.note,
                                       acknowledge_findings=payload.acknowledge_findings)
    return case_action_out(case)


@router.post("/items/{code}/eligibility", response={200: EligibilityOut, **ERRORS})
def item_eligibility(request: HttpRequest, code: str, payload: EligibilityIn) -> dict[str, Any]:
    """Before submitting: which of the item's 秒批 rules already fail for the signed-in applicant
    and this (perhaps half-filled) form, which wait for an empty field, which are checked at
    submission; and whether each form field is shown and required. Writes nothing and reads no
    shared data."""
    item = ServiceItem.objects.filter(code=code[:40]).first()
    if item is None:
        raise NotFound(CatalogErrorCode.ITEM_NOT_FOUND, _("事项 %(code)s 不存在。") % {"code": code[:40]})
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise InvalidInput(CaseErrorCode.NOT_YOUR_CASE, _("当前账号没有申请人信息，无法预检申请条件。"))
    result = check_eligibility(item=item, applicant=applicant, form=payload.form)
    return {**{k: getattr(result, k) for k in ("item", "status", "message", "rules_version", "field_problems")},
            **{k: [vars(r) for r in getattr(result, k)] for k in ("failing", "pending", "deferred")},
            "fields": [{"name": n, "shown": s.shown, "required": s.required} for n, s in result.fields.items()]}


@router.post("/cases/{number}/correction", response={200: CaseActionOut, **ERRORS})
def ask_correction(request: HttpRequest, number: str, payload: CorrectionNoticeIn) -> dict[str, Any]:
    """Window: ask once for everything missing (一次性告知); pauses the clock."""
    return _window_action(request, number, services.request_correction, material_ids=payload.material_ids,
                          note=payload.note)


@router.post("/cases/{number}/reject", response={200: CaseActionOut, **ERRORS})
def reject(request: HttpRequest, number: str, payload: RejectIn) -> dict[str, Any]:
    """Window: do not accept (不予受理), with a reason."""
    return _window_action(request, number, services.reject_application, reason=payload.reason)


@router.post("/cases/{number}/supply", response={200: CaseActionOut, **ERRORS})
def supply(request: HttpRequest, number: str, payload: SupplyIn) -> dict[str, Any]:
    """Applicant: answer the correction notice (补正); the clock resumes."""
    return _window_action(request, number, services.supply_correction, materials=_refs(payload.materials),
                          form_data=payload.form, note=payload.note)


@router.post("/cases/{number}/withdraw", response={200: CaseActionOut, **ERRORS})
def withdraw(request: HttpRequest, number: str, payload: WithdrawIn) -> dict[str, Any]:
    """Applicant: withdraw (撤回) before a decision."""
    return _window_action(request, number, services.withdraw_application, reason=payload.reason)


@router.post("/cases/{number}/deliver", response={200: CaseActionOut, **ERRORS})
def deliver(request: AuthenticatedRequest, number: str, payload: DeliveryIn) -> dict[str, Any]:
    """Window: deliver the result (统一出件); the case closes (办结)."""
    case = services.deliver_result(actor=request.user, number=number, method=payload.method, detail=payload.detail)
    return case_action_out(case)


@router.get("/supervision/board", response={200: list[BoardRowOut], **ERRORS})
def board(request: AuthenticatedRequest, department: int | None = Query(None, ge=1, le=2**63 - 1)) -> list[dict[str, Any]]:
    """电子监察: open cases green/yellow/red by department, or by item within one department."""
    if not is_supervisor(request.user):
        raise Forbidden("permission_denied", _("只有电子监察人员可以查看监察看板。"))
    return [{**r.__dict__, "total": r.total} for r in selectors.supervision_board(department_id=department)]


@router.get("/supervision/red-list.xlsx", response={**ERRORS},
            openapi_extra={"responses": {"200": {"description": "The red list workbook",
                                                 "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def red_list(request: AuthenticatedRequest) -> HttpResponse:
    """电子监察: overdue cases (红灯) as an Excel workbook, applicants' names masked."""
    if not is_supervisor(request.user):
        raise Forbidden("permission_denied", _("只有电子监察人员可以查看监察看板。"))
    return red_list_response(selectors.red_list())


@router.post("/cases/{number}/urge", response={200: UrgeOut, **ERRORS})
def urge(request: AuthenticatedRequest, number: str, payload: UrgeIn) -> dict[str, Any]:
    """电子监察: urge (督办) the department that answers for an open case, or one open step."""
    case = selectors.case_for_viewer(request.user, number)
    result = services.urge_case(actor=request.user, case_id=case.pk, note=payload.note, step_id=payload.step_id)
    return {"number": case.number, "department": result["department"].display_name, "heads_notified": result["heads_notified"]}


class AutomationItemOut(Schema):
    item_code: str
    item_name: str
    submitted: int
    decided_by_rules: int
    rate: float


class AutomationOverallOut(Schema):
    submitted: int
    decided_by_rules: int
    rate: float


class AutomationOut(Schema):
    overall: AutomationOverallOut
    items: list[AutomationItemOut]


@router.get("/kpi/automation", response={200: AutomationOut, **ERRORS})
def automation(request: AuthenticatedRequest, since: dt.datetime | None = None) -> dict[str, Any]:
    """Share of cases decided without a person (秒批), per item and overall: the complement of the
    manual-intervention rate (人工干预率)."""
    if not is_supervisor(request.user):
        raise Forbidden("permission_denied", _("只有电子监察人员可以查看指标。"))
    return selectors.automation_rates(since=since)


class MaterialsKpiOut(Schema):
    materials: int = Field(description="Materials of submitted cases")
    uploaded: int = Field(description="Uploaded online or scanned at the window")
    shared: int = Field(description="Obtained by data sharing (免提交)")
    from_licences: int = Field(description="Taken from the applicant's licence library (免证办)")
    rate: float = Field(description="(shared + from_licences) / materials")


@router.get("/kpi/materials", response={200: MaterialsKpiOut, **ERRORS})
def materials_kpi(request: AuthenticatedRequest, since: dt.datetime | None = None) -> dict[str, Any]:
    """Share of materials obtained without an upload (免提交 + 免证办), for supervisors."""
    if not is_supervisor(request.user):
        raise Forbidden("permission_denied", _("只有电子监察人员可以查看指标。"))
    return selectors.materials_without_upload(since=since)


# ------------------------------------------------------------------------ 一件事 package applications


class PackageApplicationIn(Schema):
    package_code: str = Field(..., max_length=40)
    form: dict[str, Any] = Field(default_factory=dict, description="The package's combined form fields by name (see "
                                 "``form_schema`` of GET /packages/{code})")
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50,
                                        description="``material_id``: a material ``id`` of GET /packages/{code}")
    optional_items: list[str] = Field(default_factory=list, max_length=20,
                                      description="Codes of the optional member items to apply for too")


class PackageCaseOut(Schema):
    number: str
    item_code: str
    item_name: str
    department: str
    status: str
    status_label: str


class PackageApplicationOut(Schema):
    number: str
    package_code: str
    package_name: str
    submitted_at: dt.datetime
    cases_total: int
    cases_finished: int
    done: bool
    cases: list[PackageCaseOut]
    materials: list[str]


def package_application_out(application: Any) -> dict[str, Any]:
    progress = selectors.package_progress(application)
    return {
        "number": application.number, "package_code": application.package.code, "package_name": application.package.name,
        "submitted_at": application.submitted_at, "cases_total": progress["cases"],
        "cases_finished": progress["finished"], "done": progress["done"],
        "cases": [{"number": m.case.number, "item_code": m.case.item.code, "item_name": m.case.item.name,
                   "department": m.case.item.department.display_name, "status": m.case.status,
                   "status_label": str(m.case.get_status_display())} for m in application.members.all()],
        "materials": [m.name for m in application.materials.all()],
    }


@router.post("/package-applications", response={200: PackageApplicationOut, 201: PackageApplicationOut, **ERRORS})
def create_package_application(
    request: AuthenticatedRequest, payload: PackageApplicationIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=1, max_length=100),
) -> Status:
    """Apply for a 一件事 package once: one case per member item is created behind the window, all
    under the returned package number. A retry with the same ``Idempotency-Key`` returns the first
    application (200)."""
    user = request.user
    package = package_guide(payload.package_code)
    if package is None:
        raise NotFound(CatalogErrorCode.PACKAGE_NOT_FOUND, _("一件事 %(code)s 不存在。") % {"code": payload.package_code})
    applicant = getattr(user, "applicant", None)
    if applicant is None:
        raise InvalidInput(CaseErrorCode.NO_APPLICANT_PROFILE, _("当前账号没有申请人信息，不能申请。"))
    application, created = submit_package(
        actor=user, package=package, applicant=applicant, form_data=payload.form, materials=_refs(payload.materials),
        optional_items=payload.optional_items, channel=Channel.ONLINE, idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, package_application_out(selectors.package_application_for(user, application.number)))


@router.get("/package-applications/{number}", response={200: PackageApplicationOut, **ERRORS})
def get_package_application(request: AuthenticatedRequest, number: str) -> dict[str, Any]:
    """A package application and where each of its member cases stands."""
    return package_application_out(selectors.package_application_for(request.user, number))
