"""Writes of data sharing, one function per use case: publish resources, keep the negative list,
request / approve / refuse / revoke subscriptions, issue credentials, serve lookups through the
gateway (also for cases, 免提交), and ingest datasets (``yiwang.exchange.ingest``).

Every function takes keyword-only arguments and the acting person (``actor``; ``None`` is the
system: demo seed, management commands). Each is one transaction with its audit record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, CoreErrorCode, DomainError, Forbidden, InvalidInput
from yiwang.core.models import Applicant, Department
from yiwang.core.services import record_audit
from yiwang.core.text import bounded_text, field_text, max_chars
from yiwang.core.users import User
from yiwang.crypto.primitives import sm3_hex
from yiwang.exchange import gateway, policy
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.ingest import IngestResult, ingest_dataset  # noqa: F401  (re-exported use case)
from yiwang.exchange.metrics import count_lookup
from yiwang.exchange.models import (
    AccessLog,
    ApiCredential,
    Channel,
    DataResource,
    DataRow,
    Dataset,
    DatasetStatus,
    KeyKind,
    LookupReview,
    MaterialProof,
    NegativeListEntry,
    Outcome,
    ResourceField,
    Subscription,
    SubscriptionStatus,
)
from yiwang.exchange.permissions import require_member, require_steward
from yiwang.exchange.rows import apply_mask, key_index, key_indexes, mask_key, normalize_lookup_key, unseal

CREDENTIAL_PREFIX = "yw_ex_"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# ------------------------------------------------------------------------------ catalogue


def publish_resource(
    *,
    actor: User | None,
    code: str,
    name: str,
    provider: Department,
    key_kind: str,
    key_field: str,
    fields: Sequence[dict[str, Any]],
    description: str = "",
    key_label: str = "",
    update_cycle: str = "",
) -> DataResource:
    """Publish a resource in the catalogue, or bring its description and fields up to date.

    ``fields`` are dicts of ``ResourceField`` attributes (``name`` and ``label`` required;
    ``source`` = ``"RESOURCE.field"`` names the authoritative source for 一数一源 checks)."""
    require_steward(actor, provider)
    if key_kind not in KeyKind.values:
        raise InvalidInput(Code.UNKNOWN_FIELD, _("查询标识类型无效。"), {"key_kind": key_kind})
    if key_field not in {f["name"] for f in fields}:
        raise InvalidInput(Code.UNKNOWN_FIELD, _("标识字段 %(f)s 不在数据项中。") % {"f": key_field}, {"key_field": key_field})
    with transaction.atomic():
        resource, created = DataResource.objects.select_for_update().get_or_create(
            code=code, defaults={"name": name, "provider": provider, "key_kind": key_kind, "key_field": key_field}
        )
        if not created and resource.provider_id != provider.pk:
            raise Conflict(Code.DUPLICATE_ENTRY, _("资源代码 %(code)s 已由其他部门使用。") % {"code": code}, {"resource": code})
        resource.name, resource.description, resource.key_kind, resource.key_field = name, description, key_kind, key_field
        resource.key_label, resource.update_cycle, resource.updated_at = key_label, update_cycle, timezone.now()
        resource.save()
        for order, spec in enumerate(fields):
            values = {k: v for k, v in spec.items() if k not in ("name", "source")}
            values["sort_order"] = order
            if "source" in spec and spec["source"]:
                src_code, src_field = spec["source"].split(".")
                values["source_field"] = ResourceField.objects.filter(resource__code=src_code, name=src_field).first()
            ResourceField.objects.update_or_create(resource=resource, name=spec["name"], defaults=values)
        record_audit(actor=actor, event_type="exchange_resource_published", subject_type="exchange_resource",
                     subject_id=resource.code, actor_department=provider,
                     details={"created": created, "fields": [f["name"] for f in fields]})
    return resource


# ------------------------------------------------------------------------------ negative list


def text_limits() -> dict[str, int]:
    """The most characters each free text of the exchange pages may have (the models' ``max_length``),
    for the forms to say; the services refuse more, never cut it."""
    return {"negative_reason": max_chars(NegativeListEntry, "reason"),
            "negative_legal_basis": max_chars(NegativeListEntry, "legal_basis"),
            "purpose": max_chars(Subscription, "purpose"), "legal_basis": max_chars(Subscription, "legal_basis"),
            "decision_reason": max_chars(Subscription, "decision_reason"),
            "dataset_reason": max_chars(Dataset, "decision_reason"), "review_note": max_chars(LookupReview, "note")}


def add_negative_entry(
    *, actor: User | None, resource: DataResource, field_name: str | None, reason: str, legal_basis: str = "",
    now: dt.datetime | None = None,
) -> NegativeListEntry:
    """List a whole resource (``field_name`` None) or one field on the negative list (负面清单)."""
    require_steward(actor, resource.provider)
    reason = field_text(reason, NegativeListEntry, "reason")
    legal_basis = field_text(legal_basis, NegativeListEntry, "legal_basis")
    if not reason:
        raise InvalidInput(Code.REASON_REQUIRED, _("请填写列入负面清单的理由。"), {"field": "reason"})
    with transaction.atomic():
        f = None
        if field_name:
            f = ResourceField.objects.filter(resource=resource, name=field_name).first()
            if f is None:
                raise InvalidInput(Code.UNKNOWN_FIELD, _("数据资源 %(code)s 没有数据项 %(f)s。")
                                   % {"code": resource.code, "f": field_name}, {"unknown_fields": [field_name]})
        if NegativeListEntry.objects.filter(resource=resource, field=f, lifted_at__isnull=True).exists():
            raise Conflict(Code.DUPLICATE_ENTRY, _("该项已在负面清单中。"), {"resource": resource.code, "field": field_name})
        entry = NegativeListEntry.objects.create(resource=resource, field=f, reason=reason,
                                                 legal_basis=legal_basis, created_by=_user(actor), created_at=_now(now))
        record_audit(actor=actor, event_type="exchange_negative_entry_added", subject_type="exchange_resource",
                     subject_id=resource.code, actor_department=resource.provider, at=entry.created_at,
                     details={"entry": entry.pk, "field": field_name or "*", "reason": entry.reason})
    return entry


def lift_negative_entry(*, actor: User | None, entry: NegativeListEntry, now: dt.datetime | None = None) -> NegativeListEntry:
    require_steward(actor, entry.resource.provider)
    with transaction.atomic():
        entry = NegativeListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.lifted_at is not None:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该负面清单条目已移出。"), {"entry": entry.pk})
        entry.lifted_at, entry.lifted_by = _now(now), _user(actor)
        entry.save(update_fields=["lifted_at", "lifted_by"])
        record_audit(actor=actor, event_type="exchange_negative_entry_lifted", subject_type="exchange_resource",
                     subject_id=entry.resource.code, actor_department=entry.resource.provider, at=entry.lifted_at,
                     details={"entry": entry.pk, "field": entry.field.name if entry.field is not None else "*"})
    return entry


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


# ------------------------------------------------------------------------------ subscriptions


def request_subscription(
    *, actor: User | None, consumer: Department, resource: DataResource, fields: Sequence[str],
    purpose: str, legal_basis: str, clear_fields: Sequence[str] = (), now: dt.datetime | None = None,
) -> Subscription:
    """A consuming department asks for ``fields`` of ``resource`` for a purpose, citing a legal basis."""
    require_member(actor, consumer)
    if consumer.pk == resource.provider_id:
        raise InvalidInput(Code.OWN_RESOURCE, _("本部门的数据资源无需申请共享。"), {"resource": resource.code})
    purpose = field_text(purpose, Subscription, "purpose")
    legal_basis = field_text(legal_basis, Subscription, "legal_basis")
    if not purpose or not legal_basis:
        raise InvalidInput(Code.PURPOSE_REQUIRED, _("请写明用途和依据（法律法规或文件）。"),
                           {"fields": [n for n, v in (("purpose", purpose), ("legal_basis", legal_basis)) if not (v or "").strip()]})
    names = list(dict.fromkeys(fields))
    if not names:
        raise InvalidInput(Code.UNKNOWN_FIELD, _("请至少选择一个数据项。"), {"field": "fields"})
    catalogue = policy.load_resource(resource.code)
    policy.unknown_fields(catalogue, names)
    policy.refuse_unshareable(catalogue, names)
    if set(clear_fields) - set(names):
        raise InvalidInput(Code.UNKNOWN_FIELD, _("不脱敏数据项须在申请数据项之中。"), {"clear_fields": list(clear_fields)})
    with transaction.atomic():
        sub = Subscription.objects.create(
            resource=resource, consumer=consumer, fields=names, clear_fields=list(clear_fields), purpose=purpose,
            legal_basis=legal_basis, requested_by=_user(actor), requested_at=_now(now),
        )
        record_audit(actor=actor, event_type="exchange_subscription_requested", subject_type="exchange_subscription",
                     subject_id=sub.pk, actor_department=consumer, at=sub.requested_at,
                     details={"resource": resource.code, "fields": names, "clear_fields": sub.clear_fields,
                              "purpose": sub.purpose})
    return sub


def _locked(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().select_related("resource__provider", "consumer").get(pk=subscription.pk)


def approve_subscription(
    *, actor: User | None, subscription: Subscription, expires_at: dt.datetime | None,
    daily_quota: int = 10_000, rate_per_minute: int = 600, fields: Sequence[str] | None = None,
    clear_fields: Sequence[str] | None = None, reason: str = "", now: dt.datetime | None = None,
    case_daily_quota: int | None = None,
) -> Subscription:
    """The provider's steward approves, possibly narrowing the fields; sets expiry, quota and rate.

    Unmasked access is granted only field by field and only as asked: ``clear_fields`` names the
    fields the steward agrees to provide in clear, a subset of those the request asked in clear and
    of the approved fields; ``None`` (not given) grants none. The audit record names exactly what
    was asked and what was granted."""
    now = _now(now)
    require_steward(actor, subscription.resource.provider)
    reason = field_text(reason, Subscription, "decision_reason", field="reason")
    if expires_at is not None and expires_at <= now:
        raise InvalidInput(Code.SUBSCRIPTION_EXPIRED, _("有效期须晚于现在。"), {"field": "expires_at"})
    case_daily_quota = daily_quota if case_daily_quota is None else case_daily_quota
    if daily_quota < 1 or rate_per_minute < 1 or case_daily_quota < 1:
        raise InvalidInput(Code.QUOTA_EXHAUSTED, _("调用限额须为正数。"), {"field": "daily_quota"})
    with transaction.atomic():
        sub = _locked(subscription)
        if not SubscriptionStatus.can_decide(sub.status):
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该共享申请已处理（%(s)s）。") % {"s": sub.get_status_display()},
                           {"status": sub.status})
        names = list(fields) if fields is not None else list(sub.fields)
        if set(names) - set(sub.fields) or not names:
            raise InvalidInput(Code.FIELD_NOT_SUBSCRIBED, _("批准的数据项须为申请数据项的一部分。"), {"fields": names})
        catalogue = policy.load_resource(sub.resource.code)
        policy.refuse_unshareable(catalogue, names)
        asked_clear = list(sub.clear_fields or [])
        clear = list(dict.fromkeys(clear_fields or []))
        beyond = [n for n in clear if n not in asked_clear or n not in names]
        if beyond:
            raise InvalidInput(Code.FIELD_NOT_SUBSCRIBED,
                               _("只能对申请以原值提供、且已批准的数据项同意不脱敏：%(fields)s 不在其中。") % {"fields": "、".join(beyond)},
                               {"clear_fields": beyond, "asked_clear_fields": asked_clear, "fields": names})
        sub.fields, sub.clear_fields, sub.status = names, clear, SubscriptionStatus.APPROVED
        sub.expires_at, sub.daily_quota, sub.rate_per_minute = expires_at, daily_quota, rate_per_minute
        sub.case_daily_quota = case_daily_quota
        sub.decided_by, sub.decided_at, sub.decision_reason = _user(actor), now, reason
        sub.save()
        record_audit(actor=actor, event_type="exchange_subscription_approved", subject_type="exchange_subscription",
                     subject_id=sub.pk, actor_department=sub.resource.provider, at=now,
                     details={"resource": sub.resource.code, "consumer": sub.consumer.code, "fields": names,
                              "clear_fields": clear, "clear_fields_asked": asked_clear,
                              "expires_at": expires_at.isoformat() if expires_at else None,
                              "daily_quota": daily_quota, "rate_per_minute": rate_per_minute,
                              "case_daily_quota": case_daily_quota})
    return sub


def refuse_subscription(*, actor: User | None, subscription: Subscription, reason: str,
                        now: dt.datetime | None = None) -> Subscription:
    now = _now(now)
    require_steward(actor, subscription.resource.provider)
    reason = field_text(reason, Subscription, "decision_reason", field="reason")
    if not reason:
        raise InvalidInput(Code.REASON_REQUIRED, _("拒绝共享申请须写明理由。"), {"field": "reason"})
    with transaction.atomic():
        sub = _locked(subscription)
        if not SubscriptionStatus.can_decide(sub.status):
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该共享申请已处理（%(s)s）。") % {"s": sub.get_status_display()},
                           {"status": sub.status})
        sub.status, sub.decided_by, sub.decided_at, sub.decision_reason = SubscriptionStatus.REFUSED, _user(actor), now, reason
        sub.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        record_audit(actor=actor, event_type="exchange_subscription_refused", subject_type="exchange_subscription",
                     subject_id=sub.pk, actor_department=sub.resource.provider, at=now,
                     details={"resource": sub.resource.code, "consumer": sub.consumer.code, "reason": sub.decision_reason})
    return sub


def revoke_subscription(*, actor: User | None, subscription: Subscription, reason: str,
                        now: dt.datetime | None = None) -> Subscription:
    now = _now(now)
    require_steward(actor, subscription.resource.provider)
    reason = field_text(reason, Subscription, "decision_reason", field="reason")
    if not reason:
        raise InvalidInput(Code.REASON_REQUIRED, _("撤销共享订阅须写明理由。"), {"field": "reason"})
    with transaction.atomic():
        sub = _locked(subscription)
        if not SubscriptionStatus.can_revoke(sub.status):
            raise Conflict(Code.ILLEGAL_TRANSITION, _("只有已批准的订阅可以撤销（当前：%(s)s）。") % {"s": sub.get_status_display()},
                           {"status": sub.status})
        sub.status, sub.revoked_at, sub.decision_reason = SubscriptionStatus.REVOKED, now, reason
        sub.save(update_fields=["status", "revoked_at", "decision_reason"])
        record_audit(actor=actor, event_type="exchange_subscription_revoked", subject_type="exchange_subscription",
                     subject_id=sub.pk, actor_department=sub.resource.provider, at=now,
                     details={"resource": sub.resource.code, "consumer": sub.consumer.code, "reason": sub.decision_reason})
    return sub


# ------------------------------------------------------------------------------ credentials


def credential_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_credential(
    *, actor: User | None, department: Department, name: str, subscriptions: Sequence[Subscription],
    expires_at: dt.datetime | None = None,
) -> tuple[ApiCredential, str]:
    """An API key for a consuming system, scoped to some of its department's subscriptions.
    The key is returned once; only its SHA-256 digest is stored."""
    require_member(actor, department)
    subs = list(subscriptions)
    if not subs:
        raise InvalidInput(Code.NO_SUBSCRIPTION, _("接口凭据须至少授权一个共享订阅。"), {"field": "subscriptions"})
    foreign = [s.pk for s in subs if s.consumer_id != department.pk]
    if foreign:
        raise Forbidden(Code.WRONG_DEPARTMENT_KEY, _("只能授权本部门的共享订阅。"), {"subscriptions": foreign})
    key = CREDENTIAL_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        cred = ApiCredential.objects.create(department=department, name=name.strip() or _("未命名系统"),
                                            prefix=key[: len(CREDENTIAL_PREFIX) + 4], digest=credential_digest(key),
                                            created_by=_user(actor), expires_at=expires_at)
        cred.subscriptions.set(subs)
        record_audit(actor=actor, event_type="exchange_credential_issued", subject_type="exchange_credential",
                     subject_id=cred.pk, actor_department=department,
                     details={"name": cred.name, "subscriptions": [s.pk for s in subs]})
    return cred, key


def revoke_credential(*, actor: User | None, credential: ApiCredential, now: dt.datetime | None = None) -> ApiCredential:
    require_member(actor, credential.department)
    with transaction.atomic():
        cred = ApiCredential.objects.select_for_update().get(pk=credential.pk)
        if cred.revoked_at is None:
            cred.revoked_at = _now(now)
            cred.save(update_fields=["revoked_at"])
            record_audit(actor=actor, event_type="exchange_credential_revoked", subject_type="exchange_credential",
                         subject_id=cred.pk, actor_department=cred.department, at=cred.revoked_at)
    return cred


def consumer_for_key(key: str, *, now: dt.datetime | None = None, remembered: bool = False) -> policy.Consumer | None:
    """The consumer an API key stands for (its department, its subscription scope), or None.

    ``remembered``: as this process last read it, unchecked — only for ``lookup``, which checks
    it against the policy token in the same statement that reads the row."""
    if not key or not key.startswith(CREDENTIAL_PREFIX):
        return None
    digest = credential_digest(key)
    holder, token = gateway.remembered_key_holder(digest) if remembered else gateway.key_holder(digest)
    if holder is None or not holder.live(_now(now)):
        return None
    return policy.Consumer(department=holder.department, credential=holder.credential, key_digest=digest,
                           read_under=token)


class KeyNoLongerValid(DomainError):
    """The API key was revoked (or expired) since this process last read it: as if never valid."""

    def __init__(self) -> None:
        super().__init__(CoreErrorCode.NOT_AUTHENTICATED, _("接口凭据无效、已过期或已被撤销。"), {}, status=401)


def _checked(consumer: policy.Consumer, token: str | None, now: dt.datetime) -> policy.Consumer:
    """A remembered key's consumer, checked under the policy token the lookup read."""
    if not consumer.key_digest or (consumer.read_under is not None and consumer.read_under == token):
        return consumer
    holder = gateway.holder_now(consumer.key_digest, consumer.read_under, token)
    if holder is None or not holder.live(now):
        raise KeyNoLongerValid()
    return policy.Consumer(department=holder.department, credential=holder.credential, key_digest=consumer.key_digest,
                           read_under=token)


# ------------------------------------------------------------------------------ the gateway


@dataclass
class LookupResult:
    resource: str
    resource_name: str
    provider: str
    provider_name: str
    version: int
    found: bool
    data: dict[str, Any]
    masked: list[str]
    withheld: list[dict[str, str]]
    fetched_at: dt.datetime
    response_sm3: str
    access_id: int
    purpose: str
    case_reference: str = ""
    labels: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource, "resource_name": self.resource_name, "provider": self.provider,
            "provider_name": self.provider_name, "version": self.version, "found": self.found, "data": self.data,
            "masked": self.masked, "withheld": self.withheld, "fetched_at": self.fetched_at.isoformat(),
            "response_sm3": self.response_sm3, "access_id": self.access_id, "purpose": self.purpose,
            "case_reference": self.case_reference,
        }


def _response_hash(body: dict[str, Any]) -> str:
    return sm3_hex(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode())


def _log(
    *, consumer: policy.Consumer | None, actor: User | None, resource: DataResource | None, resource_code: str,
    subscription: Subscription | None, subject: tuple[str, str] | None, requested: list[str], returned: list[str],
    purpose: str, case_reference: str, outcome: str, code: str, response_sm3: str, channel: str, now: dt.datetime,
) -> AccessLog:
    log = AccessLog.objects.create(
        created_at=now, consumer=consumer.department if consumer else None,
        provider_id=resource.provider_id if resource else None, resource=resource, resource_code=resource_code[:40],
        subscription=subscription, credential=consumer.credential if consumer else None, actor=_user(actor),
        channel=channel, subject_index=subject[0] if subject else "", subject_masked=subject[1] if subject else "",
        fields_requested=requested, fields_returned=returned, purpose=purpose[:300], case_reference=case_reference[:64],
        outcome=outcome, refusal_code=code, response_sm3=response_sm3,
    )
    record_audit(
        actor=actor, event_type="exchange_lookup_refused" if outcome == Outcome.REFUSED else "exchange_lookup_served",
        subject_type="exchange_access", subject_id=log.pk, at=now,
        actor_department=consumer.department if consumer else None,
        details=_audit_details(consumer=consumer, resource=resource, resource_code=resource_code, returned=returned,
                               purpose=purpose, case_reference=case_reference, outcome=outcome, code=code,
                               response_sm3=response_sm3, channel=channel),
    )
    return log


def _audit_details(
    *, consumer: policy.Consumer | None, resource: DataResource | None, resource_code: str, returned: list[str],
    purpose: str, case_reference: str, outcome: str, code: str, response_sm3: str, channel: str,
) -> dict[str, Any]:
    return {"resource": resource_code, "consumer": consumer.department.code if consumer else None,
            "provider": resource.provider.code if resource else None, "fields": returned, "purpose": purpose,
            "case": case_reference, "outcome": outcome, "code": code, "response_sm3": response_sm3, "channel": channel}


def _user_id(actor: User | None) -> int | None:
    user = _user(actor)
    return user.pk if user is not None else None


def lookup(
    *, consumer: policy.Consumer, resource_code: str, key: Any, fields: Sequence[str] | None = None, purpose: str = "",
    case_reference: str = "", actor: User | None = None, channel: str = Channel.API,
    now: dt.datetime | None = None, justification: policy.Justification | None = None,
) -> LookupResult:
    """Serve one lookup through the gateway's policy; every outcome (refusals too) is logged and
    audited with the SM3 hash of the response. Raises the refusal's ``DomainError``.

    Reads first (catalogue, subscriptions, row: one round trip on PostgreSQL), decides, then
    counts the use and writes the access log and audit event in one atomic statement."""
    now = _now(now)
    # what the access log and its review keep, whole or refused (before anything is read or logged)
    purpose = bounded_text(purpose, field="purpose", label=_("用途"), max_chars=max_chars(AccessLog, "purpose"))
    case_reference = bounded_text(case_reference, field="case_reference", label=_("办件编号"),
                                  max_chars=max_chars(AccessLog, "case_reference"))
    if justification is not None:
        justification = replace(justification, reason_text=bounded_text(
            justification.reason_text, field="reason", label=_("理由说明"),
            max_chars=max_chars(LookupReview, "reason_text")))
    requested = list(dict.fromkeys(fields or []))
    state: dict[str, Any] = {}
    snapshot = gateway.read_for_lookup(
        resource_code=resource_code, consumer_department_id=consumer.department.pk,
        credential_id=consumer.credential.pk if consumer.credential is not None else None, key_indexes=key_indexes(key))
    checked = _checked(consumer, snapshot.token, now)  # raises, unlogged, for a key revoked since
    if checked.department.pk != consumer.department.pk or checked.credential != consumer.credential:
        snapshot = gateway.read_for_lookup(
            resource_code=resource_code, consumer_department_id=checked.department.pk,
            credential_id=checked.credential.pk if checked.credential is not None else None, key_indexes=key_indexes(key))
    consumer = checked
    if justification is None:  # a bare case number is a reference to a case
        justification = policy.Justification(
            reference=policy.Reference("case", case_reference.strip()) if (case_reference or "").strip() else None)
    elif justification.reference is not None:
        case_reference = str(justification.reference)
    try:
        catalogue = policy.require_catalogue(snapshot.catalogue, resource_code)
        resource = state["resource"] = catalogue.resource
        value = normalize_lookup_key(resource.key_kind, key)
        state["subject"] = (key_index(resource.key_kind, value), mask_key(resource.key_kind, value))
        why = policy.justify(consumer=consumer, resource=resource, channel=channel, justification=justification,
                             subject_index=state["subject"][0])
        decision = policy.decide(consumer=consumer, catalogue=catalogue, subscriptions=snapshot.subscriptions,
                                 field_names=requested, now=now, channel=channel)
        state["subscription"] = decision.subscription
        use_purpose = (purpose or "").strip() or (
            decision.subscription.purpose if decision.subscription is not None else _("本部门使用本部门数据"))
        if resource.current_version == 0:
            raise Conflict(Code.RESOURCE_EMPTY, _("数据资源 %(code)s 尚未导入数据。") % {"code": resource.code},
                           {"resource": resource.code})
        row = snapshot.row
        data: dict[str, Any] = {}
        if row is not None:
            stored = dict(row[0])
            if row[1] and any(f.is_personal for f in decision.fields):
                stored.update(unseal(row[1], context=resource.seal_context))
            for f in decision.fields:
                data[f.name] = apply_mask(decision.mask.get(f.name, ""), stored.get(f.name))
        returned = [f.name for f in decision.fields] if row is not None else []
        body = {"resource": resource.code, "version": resource.current_version, "found": row is not None,
                "data": data, "fetched_at": now.isoformat(), "purpose": use_purpose, "case": case_reference}
        digest = _response_hash(body)
        outcome = Outcome.SERVED if row is not None else Outcome.NOT_FOUND
        served = gateway.ServedAccess(
            now=now, subscription_id=decision.subscription.pk if decision.subscription is not None else None,
            consumer=consumer.department, provider=resource.provider,
            resource=resource, credential=consumer.credential, actor_id=_user_id(actor), channel=channel,
            subject_index=state["subject"][0], subject_masked=state["subject"][1], fields_requested=requested or returned,
            fields_returned=returned, purpose=use_purpose, case_reference=case_reference, outcome=outcome,
            response_sm3=digest, audit_event="exchange_lookup_served",
            audit_details=_audit_details(consumer=consumer, resource=resource, resource_code=resource.code,
                                         returned=returned, purpose=use_purpose, case_reference=case_reference,
                                         outcome=outcome, code="", response_sm3=digest, channel=channel))
        if why == "reason":  # the access and its review are written together, or neither
            served.audit_details["reason_code"] = justification.reason_code
            with transaction.atomic():
                access_id = gateway.record_served(served)
                if access_id is not None:
                    LookupReview.objects.create(
                        access_id=access_id, provider=resource.provider, consumer=consumer.department, actor=_user(actor),
                        reason_code=justification.reason_code.strip(), reason_text=justification.reason_text,
                        created_at=now)
        else:
            access_id = gateway.record_served(served)
        if access_id is None:  # the counter refused: only a subscription's use can be (an owner read is written)
            if decision.subscription is None:
                raise RuntimeError(f"the access log of an owner read of {resource.code} was not written")
            raise policy.refuse_use(decision.subscription, catalogue, consumer, now, own_case=channel == Channel.CASE)
        count_lookup(outcome)
    except DomainError as exc:
        with transaction.atomic():
            _log(consumer=consumer, actor=actor, resource=state.get("resource"), resource_code=resource_code,
                 subscription=state.get("subscription"), subject=state.get("subject"), requested=requested, returned=[],
                 purpose=(purpose or "").strip(), case_reference=case_reference, outcome=Outcome.REFUSED, code=exc.code,
                 response_sm3="", channel=channel, now=now)
        count_lookup(Outcome.REFUSED, exc.code)
        raise
    return LookupResult(
        resource=resource.code, resource_name=resource.name, provider=resource.provider.code,
        provider_name=resource.provider.name, version=resource.current_version, found=row is not None, data=data,
        masked=[n for n in decision.mask if n in data], withheld=decision.withheld, fetched_at=now,
        response_sm3=digest, access_id=access_id, purpose=use_purpose, case_reference=case_reference,
        labels={f.name: f.label for f in decision.fields},
    )


# ------------------------------------------------------------------------------ reviews of reasoned lookups


def review_lookup(*, actor: User | None, review: LookupReview, verdict: str, note: str = "",
                  now: dt.datetime | None = None) -> LookupReview:
    """The provider's steward reviews a lookup made with a documented reason instead of a case:
    ``reviewed`` (the reason holds) or ``flagged`` (it does not; a note is required)."""
    from yiwang.exchange.models import ReviewStatus

    now = _now(now)
    require_steward(actor, review.provider)
    if verdict not in (ReviewStatus.REVIEWED, ReviewStatus.FLAGGED):
        raise InvalidInput(Code.ILLEGAL_TRANSITION, _("复核结论须为“已复核”或“有疑问”。"), {"verdict": verdict[:20]})
    note = field_text(note, LookupReview, "note")
    if verdict == ReviewStatus.FLAGGED and not note:
        raise InvalidInput(Code.REASON_REQUIRED, _("标记有疑问须写明复核意见。"), {"field": "note"})
    with transaction.atomic():
        locked = LookupReview.objects.select_for_update().select_related("provider").get(pk=review.pk)
        if locked.status != ReviewStatus.PENDING:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该查询已复核（%(s)s）。") % {"s": locked.get_status_display()},
                           {"status": locked.status})
        locked.status, locked.reviewed_by, locked.reviewed_at, locked.note = verdict, _user(actor), now, note
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "note"])
        record_audit(actor=actor, event_type=f"exchange_lookup_{verdict}", subject_type="exchange_access",
                     subject_id=locked.access_id, actor_department=locked.provider, at=now,
                     details={"review": locked.pk, "reason_code": locked.reason_code, "note": locked.note})
    return locked


# ------------------------------------------------------------------------------ cases (免提交)


@dataclass
class SharedFacts:
    """Facts fetched for a case, with their provenance: what the case record shows."""

    found: bool
    facts: dict[str, Any]
    labels: dict[str, str]
    resource: str
    resource_name: str
    provider: str
    provider_name: str
    version: int
    fetched_at: dt.datetime
    response_sm3: str
    access_id: int

    def provenance(self) -> dict[str, Any]:
        return {"resource": self.resource, "resource_name": self.resource_name, "provider": self.provider,
                "provider_name": self.provider_name, "version": self.version, "fetched_at": self.fetched_at.isoformat(),
                "response_sm3": self.response_sm3, "access_id": self.access_id}


def fetch_for_case(
    *, consumer_department: Department, resource_code: str, key: str, fields: Sequence[str], purpose: str,
    case_reference: str, actor: User | None, now: dt.datetime | None = None,
) -> SharedFacts:
    """Fetch ``fields`` of one person's or organisation's row for a case (免提交), through the same
    policy, counters, access log and audit as the gateway; raises the gateway's refusal errors."""
    if not (case_reference or "").strip():
        raise InvalidInput(Code.PURPOSE_REQUIRED, _("为办件调取共享数据须注明办件编号。"), {"field": "case_reference"})
    result = lookup(consumer=policy.Consumer(department=consumer_department, user=actor), resource_code=resource_code,
                    key=key, fields=fields, purpose=purpose, case_reference=case_reference, actor=actor,
                    channel=Channel.CASE, now=now)
    return SharedFacts(found=result.found, facts=result.data, labels=result.labels, resource=result.resource,
                       resource_name=result.resource_name, provider=result.provider, provider_name=result.provider_name,
                       version=result.version, fetched_at=result.fetched_at, response_sm3=result.response_sm3,
                       access_id=result.access_id)


@dataclass
class MaterialProven:
    material_id: int
    material_name: str
    proven: bool
    facts: SharedFacts | None
    reason: str = ""
    code: str = ""


def _condition_holds(proof: MaterialProof, facts: SharedFacts) -> bool:
    if not facts.found:
        return False
    if proof.condition == MaterialProof.Condition.FIELD_EQUALS:
        return str(facts.facts.get(proof.condition_field, "")) == proof.condition_value
    if proof.condition == MaterialProof.Condition.FIELD_NONEMPTY:
        return facts.facts.get(proof.condition_field) not in (None, "")
    return True


def prove_materials(
    *, item: Any, applicant: Applicant, consumer_department: Department, case_reference: str,
    actor: User | None, now: dt.datetime | None = None, material_ids: set[int] | None = None,
) -> list[MaterialProven]:
    """For each material of ``item`` that data sharing can prove for ``applicant`` (only those in
    ``material_ids`` when given), fetch the facts for this case and check the proof's condition. A
    refusal (no subscription, negative list, quota) leaves the material to be uploaded: it is
    reported, never raised."""
    from yiwang.exchange.selectors import materials_provable_by_sharing

    out: list[MaterialProven] = []
    for proof in materials_provable_by_sharing(item=item, applicant=applicant):
        if material_ids is not None and proof.material_id not in material_ids:
            continue
        fields = list(dict.fromkeys([*proof.fields, *([proof.condition_field] if proof.condition_field else [])]))
        try:
            facts = fetch_for_case(consumer_department=consumer_department, resource_code=proof.resource.code,
                                   key=applicant.id_number, fields=fields, purpose=_("办件免提交：%(m)s") % {"m": proof.material.name},
                                   case_reference=case_reference, actor=actor, now=now)
        except DomainError as exc:
            out.append(MaterialProven(material_id=proof.material_id, material_name=proof.material.name, proven=False,
                                      facts=None, reason=exc.message, code=exc.code))
            continue
        holds = _condition_holds(proof, facts)
        out.append(MaterialProven(
            material_id=proof.material_id, material_name=proof.material.name, proven=holds, facts=facts,
            reason="" if holds else (_("共享数据中无此申请人的记录。") if not facts.found else _("共享数据不满足条件。")),
            code="" if holds else ("not_found" if not facts.found else "condition_not_met"),
        ))
    return out


# ------------------------------------------------------------------------------ held datasets


def _held(dataset: Dataset) -> tuple[Dataset, DataResource]:
    ds = Dataset.objects.select_for_update().select_related("resource__provider").get(pk=dataset.pk)
    if ds.status != DatasetStatus.HELD:
        raise Conflict(Code.ILLEGAL_TRANSITION, _("该数据集版本不在待确认状态（%(s)s）。") % {"s": ds.get_status_display()},
                       {"status": ds.status})
    resource = DataResource.objects.select_for_update().get(pk=ds.resource_id)
    return ds, resource


def confirm_dataset(*, actor: User | None, dataset: Dataset, reason: str = "",
                    now: dt.datetime | None = None) -> Dataset:
    """The provider's steward confirms a held push (``ingest.hold_reasons``): it becomes current.
    Refused when a newer version has become current meanwhile (confirming would roll data back)."""
    now = _now(now)
    require_steward(actor, dataset.resource.provider)
    reason = field_text(reason, Dataset, "decision_reason", field="reason")
    with transaction.atomic():
        ds, resource = _held(dataset)
        if resource.current_version > ds.version:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("已有更新的版本 %(v)s 成为当前版本：不能再确认此旧版本。")
                           % {"v": resource.current_version}, {"current_version": resource.current_version})
        ds.status, ds.decided_by, ds.decided_at, ds.decision_reason = DatasetStatus.LOADED, _user(actor), now, reason
        ds.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        DataResource.objects.filter(pk=resource.pk).update(current_version=ds.version, row_count=ds.rows_loaded, updated_at=now)
        record_audit(actor=actor, event_type="exchange_dataset_confirmed", subject_type="exchange_resource",
                     subject_id=resource.code, actor_department=ds.resource.provider, at=now,
                     details={"dataset": ds.pk, "version": ds.version, "rows_loaded": ds.rows_loaded,
                              "rows_rejected": ds.rows_rejected, "reason": ds.decision_reason})
    return ds


def discard_dataset(*, actor: User | None, dataset: Dataset, reason: str = "",
                    now: dt.datetime | None = None) -> Dataset:
    """The steward discards a held push: its rows are deleted and the current version stays."""
    now = _now(now)
    require_steward(actor, dataset.resource.provider)
    reason = field_text(reason, Dataset, "decision_reason", field="reason")
    with transaction.atomic():
        ds, resource = _held(dataset)
        DataRow.objects.filter(resource_id=resource.pk, version=ds.version).delete()
        ds.status, ds.decided_by, ds.decided_at, ds.decision_reason = DatasetStatus.DISCARDED, _user(actor), now, reason
        ds.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        record_audit(actor=actor, event_type="exchange_dataset_discarded", subject_type="exchange_resource",
                     subject_id=resource.code, actor_department=ds.resource.provider, at=now,
                     details={"dataset": ds.pk, "version": ds.version, "reason": ds.decision_reason})
    return ds


# ------------------------------------------------------------------------------ key rotation


def reseal_rows(*, actor: User | None, resource: DataResource, batch_size: int = 2000) -> int:
    """Re-encrypt the sealed values of every row of ``resource`` (all versions) that an older field
    key made, under the newest key of the ring; return how many changed. Each batch is one
    transaction; a row changed meanwhile is left for the next run. Safe to interrupt and re-run.

    (``crypto.rotate_field_keys`` cannot do these: each resource binds its own context into its tokens.)"""
    from yiwang.crypto.fields import needs_reencryption, reencrypt

    require_steward(actor, resource.provider)
    context, changed, last = resource.seal_context, 0, 0
    while True:
        batch = list(DataRow.objects.filter(resource=resource, pk__gt=last).exclude(sealed="")
                     .order_by("pk").values_list("pk", "sealed")[:batch_size])
        if not batch:
            break
        last = batch[-1][0]
        with transaction.atomic():
            for pk, token in batch:
                if needs_reencryption(token):
                    changed += DataRow.objects.filter(pk=pk, sealed=token).update(sealed=reencrypt(token, context=context))
    if changed:
        record_audit(actor=actor, event_type="exchange_rows_resealed", subject_type="exchange_resource",
                     subject_id=resource.code, actor_department=resource.provider, details={"rows": changed})
    return changed
