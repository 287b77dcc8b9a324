"""Data-sharing endpoints (``/api/v1/exchange/...``): the catalogue, the negative list,
subscriptions, credentials, the gateway, usage logs and dataset ingestion. Thin adapters.

Systems authenticate with ``X-Api-Key: yw_ex_…`` (an exchange credential); staff with a bearer
token or the browser session, naming the department they act for where they hold several.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pydantic
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import APIKeyHeader

from yiwang.core.auth import API_AUTH
from yiwang.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from yiwang.core.models import Department
from yiwang.core.pagination import CountNextPagination, offset_field
from yiwang.core.schemas import ERRORS as COMMON_ERRORS
from yiwang.core.schemas import ErrorOut
from yiwang.core.users import User
from yiwang.exchange import policy, pushes, selectors, services
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.models import (
    AccessLog,
    ApiCredential,
    Dataset,
    DatasetPush,
    DatasetStatus,
    NegativeListEntry,
    Subscription,
)
from yiwang.exchange.permissions import is_steward, require_member, require_steward


class ExchangeKey(APIKeyHeader):
    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> policy.Consumer | None:
        return services.consumer_for_key(key or "")


class GatewayKey(APIKeyHeader):
    """The gateway's key check: as this process last read the key; ``services.lookup`` checks it
    against the policy token before deciding (one statement fewer for every lookup)."""

    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> policy.Consumer | None:
        return services.consumer_for_key(key or "", remembered=True)


# Ids as path parameters and in bodies: bounded, so that no number reaches the database too big for it.
Id = Annotated[int, Path(..., ge=1, le=2**63 - 1)]
BodyId = Annotated[int, Field(ge=1, le=2**63 - 1)]

router = Router(tags=["exchange"], auth=[ExchangeKey(), *API_AUTH])  # staff: yiwang.core.auth


ERRORS = {**COMMON_ERRORS, 429: ErrorOut}  # 429: over a subscription's rate or daily quota


# ------------------------------------------------------------------------------ helpers


def _user(request: HttpRequest) -> User | None:
    return None if isinstance(request.auth, policy.Consumer) else request.auth  # type: ignore[attr-defined]  # django-ninja sets request.auth after authentication; HttpRequest's stubs do not have it


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if user is None:
        raise Forbidden("permission_denied", _("此操作须由工作人员登录后进行，接口凭据不能执行。"))
    return user


def _department(code: str) -> Department:
    dept = Department.objects.filter(code=code).first()
    if dept is None:
        raise NotFound("department_not_found", _("部门 %(code)s 不存在。") % {"code": code}, {"department": code})
    return dept


def _consumer(request: HttpRequest, department: str | None) -> policy.Consumer:
    """The consumer of a gateway call: the credential's department, or a staff member's."""
    if isinstance(request.auth, policy.Consumer):  # type: ignore[attr-defined]  # django-ninja sets request.auth after authentication; HttpRequest's stubs do not have it
        consumer = request.auth  # type: ignore[attr-defined]  # django-ninja sets request.auth after authentication; HttpRequest's stubs do not have it
        if department and department != consumer.department.code:
            raise Forbidden(Code.WRONG_DEPARTMENT_KEY, _("接口凭据属于%(dept)s，不能代表 %(other)s 查询。")
                            % {"dept": consumer.department.name, "other": department}, {"department": department})
        return consumer
    user = _staff(request)
    depts = selectors.my_departments(user)
    if department:
        dept = _department(department)
        require_member(user, dept)
    elif len({d.pk for d in depts}) == 1:
        dept = depts[0]
    else:
        raise InvalidInput(Code.NOT_A_MEMBER, _("请用 consumer_department 指明代表哪个部门查询。"),
                           {"departments": sorted({d.code for d in depts})})
    return policy.Consumer(department=dept, user=user)


def _subscription(request: HttpRequest, pk: int) -> Subscription:
    sub = selectors.subscription_for(_staff(request), pk)
    if sub is None:
        raise NotFound(Code.SUBSCRIPTION_NOT_FOUND, _("共享订阅不存在或与您的部门无关。"), {"id": pk})
    return sub


# ------------------------------------------------------------------------------ schemas


class FieldOut(Schema):
    name: str
    label: str
    field_type: str
    standard: str
    allowed_values: list[Any]
    required: bool
    sharing_class: str
    sensitivity: str
    mask_rule: str
    negative_listed: bool


class ResourceOut(Schema):
    code: str
    name: str
    provider: str
    provider_name: str
    description: str
    key_kind: str
    key_field: str
    version: int
    row_count: int
    negative_listed: bool
    fields: list[FieldOut]


def _resource_out(r: Any) -> dict[str, Any]:
    return {
        "code": r.code, "name": r.name, "provider": r.provider.code, "provider_name": r.provider.name,
        "description": r.description, "key_kind": r.key_kind, "key_field": r.key_field, "version": r.current_version,
        "row_count": r.row_count, "negative_listed": r.listed,
        "fields": [{"name": f.name, "label": f.label, "field_type": f.field_type, "standard": f.standard,
                    "allowed_values": f.allowed_values, "required": f.required, "sharing_class": f.sharing_class,
                    "sensitivity": f.sensitivity, "mask_rule": f.mask_rule, "negative_listed": r.listed or f.listed}
                   for f in r.fields.all()],
    }


class NegativeOut(Schema):
    id: int
    resource: str
    resource_name: str
    provider: str
    field: str | None
    field_label: str | None
    reason: str
    legal_basis: str
    created_at: dt.datetime


def _negative_out(e: NegativeListEntry) -> dict[str, Any]:
    return {"id": e.pk, "resource": e.resource.code, "resource_name": e.resource.name, "provider": e.resource.provider.code,
            "field": e.field.name if e.field is not None else None, "field_label": e.field.label if e.field is not None else None,
            "reason": e.reason, "legal_basis": e.legal_basis, "created_at": e.created_at}


class NegativeIn(Schema):
    resource: str = Field(..., max_length=40)
    field: str | None = Field(None, max_length=40, description="Empty: the whole resource")
    reason: str = Field(..., max_length=300)
    legal_basis: str = Field("", max_length=300)


class SubscriptionIn(Schema):
    resource: str = Field(..., max_length=40)
    consumer_department: str | None = Field(None, max_length=32)
    fields: list[str] = Field(..., min_length=1, max_length=100)
    clear_fields: list[str] = Field(default_factory=list, max_length=100)
    purpose: str = Field(..., max_length=300)
    legal_basis: str = Field(..., max_length=300)


class ApproveIn(Schema):
    expires_at: dt.datetime | None = None
    daily_quota: int = Field(10_000, ge=1, le=10_000_000)
    rate_per_minute: int = Field(600, ge=1, le=1_000_000)
    case_daily_quota: int | None = Field(None, ge=1, le=10_000_000,
                                         description="免提交 for applicants' own cases: its own daily allowance, no per-minute rate (default: daily_quota)")
    fields: list[str] | None = Field(None, max_length=100, description="Narrow the requested fields (as SubscriptionIn)")
    clear_fields: list[str] | None = Field(None, max_length=100)
    reason: str = Field("", max_length=300)


class SubscriptionReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class SubscriptionOut(Schema):
    id: int
    resource: str
    resource_name: str
    provider: str
    consumer: str
    consumer_name: str
    fields: list[str]
    clear_fields: list[str]
    field_labels: dict[str, str] = Field(..., description="Each field's name → its label (中文名称), to show instead of the name")
    purpose: str
    legal_basis: str
    status: str
    active: bool
    expires_at: dt.datetime | None
    daily_quota: int
    rate_per_minute: int
    used_today: int
    total_count: int
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str


def _sub_out(s: Subscription) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    if not hasattr(s, "field_rows"):
        selectors.with_field_labels([s])
    return {"id": s.pk, "resource": s.resource.code, "resource_name": s.resource.name, "provider": s.resource.provider.code,
            "consumer": s.consumer.code, "consumer_name": s.consumer.name, "fields": s.fields, "clear_fields": s.clear_fields,
            "field_labels": {name: label for name, label, _clear in s.field_rows},  # type: ignore[attr-defined]  # an attribute added to the row here for the page or the policy check
            "purpose": s.purpose, "legal_basis": s.legal_basis, "status": s.status, "active": s.is_active(now),
            "expires_at": s.expires_at, "daily_quota": s.daily_quota, "rate_per_minute": s.rate_per_minute,
            "used_today": s.day_count if s.day == timezone.localdate(now) else 0, "total_count": s.total_count,
            "requested_at": s.requested_at, "decided_at": s.decided_at, "decision_reason": s.decision_reason}


class CredentialIn(Schema):
    department: str | None = Field(None, max_length=32)
    name: str = Field(..., max_length=100)
    subscriptions: list[BodyId] = Field(..., min_length=1, max_length=100)
    expires_at: dt.datetime | None = None


class CredentialOut(Schema):
    id: int
    department: str
    name: str
    prefix: str
    subscriptions: list[int]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    key: str | None = Field(None, description="Shown once, at issue; only its digest is stored")


def _cred_out(c: ApiCredential, key: str | None = None) -> dict[str, Any]:
    return {"id": c.pk, "department": c.department.code, "name": c.name, "prefix": c.prefix,
            "subscriptions": [s.pk for s in c.subscriptions.all()], "created_at": c.created_at,
            "expires_at": c.expires_at, "revoked_at": c.revoked_at, "key": key}


class LookupReferenceIn(Schema):
    kind: str = Field("case", max_length=20, description="What the lookup is for: `case` (an appeal later)")
    number: str = Field(..., max_length=64)


class LookupIn(Schema):
    resource: str = Field(..., max_length=40)
    key: str | None = Field(None, max_length=64, description="Citizen ID, credit code or the resource's declared key")
    fields: list[str] = Field(default_factory=list, max_length=100)
    purpose: str = Field("", max_length=300)
    case_reference: str = Field("", max_length=64, description="Shorthand for reference {kind: case, number}")
    reference: LookupReferenceIn | None = None
    reason_code: str = Field("", max_length=16, description="Without a case: emergency, enforcement, in_person, "
                                                             "data_check or other (reviewed by the provider's steward)")
    reason: str = Field("", max_length=300)
    consumer_department: str | None = Field(None, max_length=32)


class LookupOut(Schema):
    resource: str
    resource_name: str
    provider: str
    provider_name: str
    version: int
    found: bool
    data: dict[str, Any]
    masked: list[str]
    withheld: list[dict[str, str]]
    fetched_at: str
    response_sm3: str
    access_id: int
    purpose: str
    case_reference: str


class AccessOut(Schema):
    id: int
    at: dt.datetime
    consumer: str | None
    consumer_name: str | None
    provider: str | None
    resource: str
    fields_returned: list[str]
    purpose: str
    case_reference: str
    outcome: str
    refusal_code: str
    subject: str
    response_sm3: str
    channel: str


def _access_out(a: AccessLog) -> dict[str, Any]:
    return {"id": a.pk, "at": a.created_at, "consumer": a.consumer.code if a.consumer is not None else None,
            "consumer_name": a.consumer.name if a.consumer is not None else None,
            "provider": a.provider.code if a.provider is not None else None, "resource": a.resource_code,
            "fields_returned": a.fields_returned, "purpose": a.purpose, "case_reference": a.case_reference,
            "outcome": a.outcome, "refusal_code": a.refusal_code, "subject": a.subject_masked,
            "response_sm3": a.response_sm3, "channel": a.channel}


class DatasetOut(Schema):
    id: int
    resource: str
    version: int
    status: str
    file_name: str
    file_format: str
    encoding: str
    file_sha256: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    duplicates: int
    conflicts: int
    received_at: dt.datetime
    seconds: float
    report: dict[str, Any]


def _dataset_out(d: Dataset) -> dict[str, Any]:
    return {"id": d.pk, "resource": d.resource.code, "version": d.version, "status": d.status, "file_name": d.file_name,
            "file_format": d.file_format, "encoding": d.encoding, "file_sha256": d.file_sha256, "rows_read": d.rows_read,
            "rows_loaded": d.rows_loaded, "rows_rejected": d.rows_rejected, "duplicates": d.duplicates,
            "conflicts": d.conflicts, "received_at": d.received_at, "seconds": d.seconds, "report": d.report}


# ------------------------------------------------------------------------------ catalogue, negative list


@router.get("/exchange/resources", response={200: list[ResourceOut], **ERRORS})
def list_resources(request: HttpRequest) -> list[dict[str, Any]]:
    """The resource catalogue (资源目录): fields, sharing classes, sensitivity, negative-list marks."""
    return [_resource_out(r) for r in selectors.catalogue()]


@router.get("/exchange/resources/{code}", response={200: ResourceOut, **ERRORS})
def get_resource(request: HttpRequest, code: str) -> dict[str, Any]:
    resource = selectors.resource_by_code(code)
    if resource is None:
        raise NotFound(Code.UNKNOWN_RESOURCE, _("数据资源 %(code)s 不存在。") % {"code": code}, {"resource": code})
    return _resource_out(resource)


@router.get("/exchange/negative-list", response={200: list[NegativeOut], **ERRORS})
def list_negative(request: HttpRequest) -> list[dict[str, Any]]:
    """The negative list (负面清单), shown to providers and consumers alike."""
    return [_negative_out(e) for e in selectors.negative_list()]


@router.post("/exchange/negative-list", response={201: NegativeOut, **ERRORS})
def add_negative(request: HttpRequest, payload: NegativeIn) -> Status:
    resource = get_object_or_404(selectors.catalogue(), code=payload.resource)
    entry = services.add_negative_entry(actor=_staff(request), resource=resource, field_name=payload.field or None,
                                        reason=payload.reason, legal_basis=payload.legal_basis)
    return Status(201, _negative_out(entry))


@router.delete("/exchange/negative-list/{entry_id}", response={200: NegativeOut, **ERRORS})
def lift_negative(request: HttpRequest, entry_id: Id) -> dict[str, Any]:
    entry = get_object_or_404(NegativeListEntry.objects.select_related("resource__provider", "field"), pk=entry_id)
    return _negative_out(services.lift_negative_entry(actor=_staff(request), entry=entry))


# ------------------------------------------------------------------------------ subscriptions, credentials


@router.get("/exchange/subscriptions", response={200: list[SubscriptionOut], **ERRORS})
def list_subscriptions(request: HttpRequest, direction: str = "all") -> list[dict[str, Any]]:
    """``direction``: ``incoming`` (to my stewarded departments), ``outgoing`` (my departments'), or ``all``."""
    user = _staff(request)
    rows: dict[int, Subscription] = {}
    if direction in ("all", "incoming"):
        rows.update({s.pk: s for s in selectors.incoming_subscriptions(user)})
    if direction in ("all", "outgoing"):
        rows.update({s.pk: s for s in selectors.outgoing_subscriptions(user)})
    return [_sub_out(s) for s in selectors.with_field_labels(sorted(rows.values(), key=lambda s: -s.pk))]


@router.post("/exchange/subscriptions", response={201: SubscriptionOut, **ERRORS})
def request_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status:
    user = _staff(request)
    consumer = _consumer(request, payload.consumer_department).department
    resource = selectors.resource_by_code(payload.resource)
    if resource is None:
        raise NotFound(Code.UNKNOWN_RESOURCE, _("数据资源 %(code)s 不存在。") % {"code": payload.resource})
    sub = services.request_subscription(actor=user, consumer=consumer, resource=resource, fields=payload.fields,
                                        clear_fields=payload.clear_fields, purpose=payload.purpose,
                                        legal_basis=payload.legal_basis)
    return Status(201, _sub_out(sub))


@router.post("/exchange/subscriptions/{sub_id}/approve", response={200: SubscriptionOut, **ERRORS})
def approve(request: HttpRequest, sub_id: Id, payload: ApproveIn) -> dict[str, Any]:
    sub = services.approve_subscription(actor=_staff(request), subscription=_subscription(request, sub_id),
                                        expires_at=payload.expires_at, daily_quota=payload.daily_quota,
                                        rate_per_minute=payload.rate_per_minute, fields=payload.fields,
                                        clear_fields=payload.clear_fields, reason=payload.reason,
                                        case_daily_quota=payload.case_daily_quota)
    return _sub_out(sub)


@router.post("/exchange/subscriptions/{sub_id}/refuse", response={200: SubscriptionOut, **ERRORS})
def refuse(request: HttpRequest, sub_id: Id, payload: SubscriptionReasonIn) -> dict[str, Any]:
    return _sub_out(services.refuse_subscription(actor=_staff(request), subscription=_subscription(request, sub_id),
                                                 reason=payload.reason))


@router.post("/exchange/subscriptions/{sub_id}/revoke", response={200: SubscriptionOut, **ERRORS})
def revoke(request: HttpRequest, sub_id: Id, payload: SubscriptionReasonIn) -> dict[str, Any]:
    return _sub_out(services.revoke_subscription(actor=_staff(request), subscription=_subscription(request, sub_id),
                                                 reason=payload.reason))


@router.get("/exchange/credentials", response={200: list[CredentialOut], **ERRORS})
def list_credentials(request: HttpRequest) -> list[dict[str, Any]]:
    return [_cred_out(c) for c in selectors.credentials_of(_staff(request))]


@router.post("/exchange/credentials", response={201: CredentialOut, **ERRORS})
def issue_credential(request: HttpRequest, payload: CredentialIn) -> Status:
    """Issue an API key for a consuming system; the key is in this response only."""
    user = _staff(request)
    dept = _consumer(request, payload.department).department
    subs = list(Subscription.objects.filter(pk__in=payload.subscriptions))
    if len(subs) != len(set(payload.subscriptions)):
        raise NotFound(Code.SUBSCRIPTION_NOT_FOUND, _("部分共享订阅不存在。"), {"subscriptions": payload.subscriptions})
    cred, key = services.issue_credential(actor=user, department=dept, name=payload.name, subscriptions=subs,
                                          expires_at=payload.expires_at)
    return Status(201, _cred_out(cred, key))


@router.post("/exchange/credentials/{cred_id}/revoke", response={200: CredentialOut, **ERRORS})
def revoke_credential(request: HttpRequest, cred_id: Id) -> dict[str, Any]:
    cred = get_object_or_404(selectors.credentials_of(_staff(request)), pk=cred_id)
    return _cred_out(services.revoke_credential(actor=_staff(request), credential=cred))


# ------------------------------------------------------------------------------ the gateway


def _lookup(request: HttpRequest, payload: LookupIn) -> JsonResponse:
    consumer = _consumer(request, payload.consumer_department)
    if payload.key is None or not payload.key.strip():
        # absent key: refused (and logged) by the gateway like any malformed one
        payload.key = ""
    ref = payload.reference
    if ref is None and payload.case_reference.strip():
        ref = LookupReferenceIn(kind="case", number=payload.case_reference)
    justification = policy.Justification(
        reference=policy.Reference(ref.kind.strip(), ref.number.strip()) if ref is not None else None,
        reason_code=payload.reason_code, reason_text=payload.reason)
    result = services.lookup(consumer=consumer, resource_code=payload.resource, key=payload.key, fields=payload.fields,
                             purpose=payload.purpose, case_reference=payload.case_reference, actor=_user(request),
                             justification=justification)
    # LookupOut documents this answer; the service builds it in that shape, so it is not validated again
    return JsonResponse(result.as_dict())


GATEWAY_AUTH = [GatewayKey(), *API_AUTH]


@router.post("/exchange/lookup", response={200: LookupOut, **ERRORS}, auth=GATEWAY_AUTH)
def lookup(request: HttpRequest, payload: LookupIn) -> JsonResponse:
    """The gateway: one row by citizen ID, credit code or declared key, with only the subscribed,
    non-negative-listed fields, masked where the rules say so. Refusals name the rule."""
    return _lookup(request, payload)


@router.get("/exchange/lookup", response={200: LookupOut, **ERRORS}, auth=GATEWAY_AUTH)
def lookup_get(request: HttpRequest, resource: str = Query(..., max_length=40), key: str = Query("", max_length=64),
               fields: str = Query("", max_length=4100, description="Comma-separated; at most 100 names"),
               purpose: str = Query("", max_length=300), case_reference: str = Query("", max_length=64),
               consumer_department: str | None = Query(None, max_length=32),
               reference_kind: str = Query("case", max_length=16), reference_number: str = Query("", max_length=64),
               reason_code: str = Query("", max_length=16), reason: str = Query("", max_length=300)) -> JsonResponse:
    """The same as POST, with ``fields`` comma-separated and the reference as ``reference_kind`` / ``reference_number``."""
    try:
        payload = LookupIn(
            resource=resource, key=key, fields=[f for f in fields.split(",") if f.strip()], purpose=purpose,
            case_reference=case_reference, consumer_department=consumer_department, reason_code=reason_code, reason=reason,
            reference=LookupReferenceIn(kind=reference_kind, number=reference_number) if reference_number else None)
    except pydantic.ValidationError as exc:  # e.g. more than 100 names: the same 422 as the POST body's
        raise ValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from exc
    return _lookup(request, payload)


# ------------------------------------------------------------------------------ usage


class UsageQuery(Schema):
    department: str | None = Field(None, max_length=32)
    role: str = Field("provider", pattern="^(provider|consumer)$")
    limit: int = Field(100, ge=1, le=1000, description="Log rows per page")
    offset: int = offset_field()


# The filters travel with the page parameters (one query schema): the paginated view is wrapped, and
# Ninja would read a second query schema's annotation in the wrapper's module, not this one.
@router.get("/exchange/access-logs", response={200: list[AccessOut], **ERRORS})
@paginate(CountNextPagination, query=UsageQuery, shape=_access_out, pass_parameter="q")
def access_logs(request: HttpRequest, **kwargs: Any) -> Any:
    """Who used our data (``role=provider``: stewards), or our department's lookups (``consumer``),
    newest first, a page at a time (follow ``next``)."""
    q: UsageQuery = kwargs["q"]
    user = _staff(request)
    if q.role == "provider":
        ids = selectors.steward_departments(user)
        if not ids:
            raise Forbidden(Code.NOT_STEWARD, _("只有数据管理员可以查看本部门数据的使用情况。"))
        rows = selectors.provider_usage(ids)
    else:
        rows = selectors.consumer_usage([d.pk for d in selectors.my_departments(user)])
    if q.department:
        rows = rows.filter(**{f"{q.role}__code": q.department})
    return rows


@router.get("/exchange/my-data-usage", response={200: list[AccessOut], **ERRORS})
def my_data_usage(request: HttpRequest) -> list[dict[str, Any]]:
    """数据使用记录: who accessed the signed-in applicant's own data, and why (the newest 500)."""
    user = _staff(request)
    applicant = getattr(user, "applicant", None)
    if applicant is None:
        raise Forbidden("permission_denied", _("当前账号不是申请人账号。"))
    return [_access_out(a) for a in selectors.subject_usage(applicant)[:500]]


# ------------------------------------------------------------------------------ ingestion


class PushErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class PushOut(Schema):
    id: int
    resource: str
    status: str = Field(..., description="queued, loading, done or failed")
    url: str = Field(..., description="Poll this URL (GET) for the push's status")
    duplicate: bool = Field(False, description="The same file was already queued or loading: this is that push")
    file_name: str
    file_format: str
    encoding: str
    sha256: str
    size: int
    pushed_by: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    attempts: int
    error: PushErrorOut | None = Field(None, description="Why a failed push failed (the current version is unchanged)")
    dataset: DatasetOut | None = Field(None, description="Once done (or refused for no valid row): the version and its quality report")


def _push_out(p: DatasetPush, *, duplicate: bool = False) -> dict[str, Any]:
    return {"id": p.pk, "resource": p.resource.code, "status": p.status,
            "url": reverse("api-v1:exchange_push", kwargs={"push_id": p.pk}), "duplicate": duplicate,
            "file_name": p.file_name, "file_format": p.file_format, "encoding": p.encoding, "sha256": p.sha256,
            "size": p.size, "pushed_by": p.pushed_by.get_username() if p.pushed_by is not None else None,
            "created_at": p.created_at, "started_at": p.started_at, "finished_at": p.finished_at, "attempts": p.attempts,
            "error": {"code": p.error_code, "message": p.error_message, "details": p.error_details} if p.error_code else None,
            "dataset": _dataset_out(p.dataset) if p.dataset is not None else None}


def _stewarded_resource(request: HttpRequest, code: str) -> tuple[User, Any]:
    user = _staff(request)
    resource = selectors.resource_by_code(code)
    if resource is None:
        raise NotFound(Code.UNKNOWN_RESOURCE, _("数据资源 %(code)s 不存在。") % {"code": code}, {"resource": code})
    return user, resource


@router.post("/exchange/resources/{code}/datasets", response={201: DatasetOut, 202: PushOut, 413: ErrorOut, **ERRORS})
def upload_dataset(request: HttpRequest, code: str, file: File[UploadedFile],
                   encoding: Form[str] = "", file_format: Form[str] = "") -> Status:
    """Push a dataset (CSV, .xlsx, JSON array, JSON Lines) as the next version of the resource.

    A small file is loaded at once: 201 with the quality report when rows loaded; 422 with the
    report when none was valid. A larger one (over ``YIWANG_DATASET_SYNC_BYTES``, 5 MB by default)
    is queued for the worker: 202 with the push, whose ``url`` to poll gives its status and, once
    done, the dataset with its report. The same file pushed again while it is queued or loading is
    answered with that push (``duplicate``)."""
    user, resource = _stewarded_resource(request, code)
    result = pushes.push_dataset(actor=user, resource=resource, upload=file, file_format=file_format or None,
                                 encoding=encoding or None)
    if isinstance(result, pushes.Queued):
        return Status(202, _push_out(result.push, duplicate=result.duplicate))
    ingested = result.ingested
    if ingested.dataset.status == DatasetStatus.REJECTED:
        raise InvalidInput(Code.NO_VALID_ROWS, pushes.no_valid_rows_message(),
                           {"dataset": ingested.dataset.pk, "report": {k: v for k, v in ingested.report.items() if k != "errors"},
                            "errors": ingested.report["errors"][:50]})
    return Status(201, _dataset_out(ingested.dataset))


@router.get("/exchange/resources/{code}/pushes", response={200: list[PushOut], **ERRORS})
def list_pushes(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The resource's last 50 queued pushes (stewards of the provider)."""
    user, resource = _stewarded_resource(request, code)
    require_steward(user, resource.provider)
    return [_push_out(p) for p in selectors.pushes_of(resource)[:50]]


@router.get("/exchange/pushes/{push_id}", response={200: PushOut, **ERRORS}, url_name="exchange_push")
def get_push(request: HttpRequest, push_id: Id) -> dict[str, Any]:
    """A queued push: ``queued``, ``loading``, ``done`` (with the dataset and its quality report) or
    ``failed`` (with the error's code and message; the current version is unchanged)."""
    user = _staff(request)
    push = selectors.push_by_id(push_id)
    if push is None:
        raise NotFound(Code.PUSH_NOT_FOUND, _("数据推送 %(id)s 不存在。") % {"id": push_id}, {"id": push_id})
    if not is_steward(user, push.resource.provider):
        raise Forbidden(Code.NOT_STEWARD, _("只有提供部门的数据管理员可以查看数据推送。"), {"id": push_id})
    return _push_out(push)


@router.get("/exchange/datasets/{dataset_id}", response={200: DatasetOut, **ERRORS})
def get_dataset(request: HttpRequest, dataset_id: Id) -> dict[str, Any]:
    dataset = get_object_or_404(Dataset.objects.select_related("resource__provider"), pk=dataset_id)
    if not is_steward(_staff(request), dataset.resource.provider):
        raise Forbidden(Code.NOT_STEWARD, _("只有提供部门的数据管理员可以查看数据集质量报告。"))
    return _dataset_out(dataset)


class DatasetDecisionIn(Schema):
    reason: str = Field("", max_length=300)


def _held_dataset(request: HttpRequest, dataset_id: int) -> tuple[User, Dataset]:
    user = _staff(request)
    dataset = get_object_or_404(Dataset.objects.select_related("resource__provider"), pk=dataset_id)
    if not is_steward(user, dataset.resource.provider):
        raise Forbidden(Code.NOT_STEWARD, _("只有提供部门的数据管理员可以确认或弃用数据集版本。"))
    return user, dataset


@router.post("/exchange/datasets/{dataset_id}/confirm", response={200: DatasetOut, **ERRORS})
def confirm_dataset(request: HttpRequest, dataset_id: Id, payload: DatasetDecisionIn) -> dict[str, Any]:
    """A held push (``status: held``: too many rows rejected, or far fewer rows than the current
    version) becomes the current version (the provider's stewards)."""
    user, dataset = _held_dataset(request, dataset_id)
    return _dataset_out(services.confirm_dataset(actor=user, dataset=dataset, reason=payload.reason))


@router.post("/exchange/datasets/{dataset_id}/discard", response={200: DatasetOut, **ERRORS})
def discard_dataset(request: HttpRequest, dataset_id: Id, payload: DatasetDecisionIn) -> dict[str, Any]:
    """A held push is discarded: its rows are deleted and the current version stays."""
    user, dataset = _held_dataset(request, dataset_id)
    return _dataset_out(services.discard_dataset(actor=user, dataset=dataset, reason=payload.reason))


__all__ = ["router", "DomainError"]
