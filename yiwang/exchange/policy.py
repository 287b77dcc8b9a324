"""The gateway's policy: the ONE place that decides which fields of which resource a consumer may
receive. The negative list, sharing classes, subscriptions (status, expiry, fields, masking),
credential scope, daily quotas and per-minute rates are all checked here, and nowhere else.

A department reading its own resource is the source, not a consumer: for its own case (免提交,
channel ``case``) and for comparing its own pushes with its own authoritative fields (一数一源,
channel ``ingest``) it needs no subscription (``owner_read``). Every other read by the provider
(its staff on the gateway or pages, its systems with an API key) still needs one, as before. An
owner read is decided here like any other and written to the access log like any other.

Every refusal is a ``DomainError`` whose code names the rule. What the gateway remembers of the
policy in a process is used only under a version token read in the same statement as the row
(``gateway.remembered``): a negative-list entry or a revocation takes effect on the very next
lookup, in every process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from yiwang.core.models import Department
from yiwang.core.users import User
from yiwang.exchange import gateway
from yiwang.exchange.errors import ExchangeErrorCode as Code
from yiwang.exchange.gateway import Catalogue
from yiwang.exchange.models import (
    ApiCredential,
    Channel,
    DataResource,
    ResourceField,
    SharingClass,
    Subscription,
    SubscriptionStatus,
)


@dataclass(frozen=True)
class Consumer:
    """Who asks: a department, through an API credential or a staff member (or a case).

    A credential's consumer may come from what the process remembered (``read_under``: the policy
    token it was read under); the lookup checks that token before it decides (``key_digest``)."""

    department: Department
    credential: ApiCredential | None = None
    user: User | None = None
    key_digest: str = ""
    read_under: str | None = None


@dataclass
class Decision:
    """What a lookup may return. ``subscription`` is None only for an owner read (``owner_read``):
    nothing is then counted against a subscription's quota, and nothing is masked or withheld."""

    resource: DataResource
    subscription: Subscription | None
    fields: list[ResourceField]
    mask: dict[str, str]
    withheld: list[dict[str, str]] = field(default_factory=list)

    @property
    def owner(self) -> bool:
        return self.subscription is None


# The channels on which a department reads its own resource without a subscription: its own
# cases' 免提交 facts, and 一数一源 comparisons of its own pushes. Not the gateway (``api``) nor a
# staff member's page (``web``): those reads are made by people and systems that a steward grants
# one by one, and an API key reaches only the subscriptions it was issued for.
OWNER_CHANNELS = (Channel.CASE, Channel.INGEST)


def owner_read(consumer: Consumer, catalogue: Catalogue, channel: str) -> bool:
    """The department that provides the resource reads it for its own case (or its own 一数一源
    check): it is the source, so no subscription, negative list, sharing class or mask applies —
    those rules govern what leaves the department. Never through an API credential."""
    return (consumer.credential is None and channel in OWNER_CHANNELS
            and consumer.department.pk == catalogue.resource.provider_id)


def load_resource(code: str) -> Catalogue:
    """The resource, its provider and its fields, each flagged when an active negative-list entry
    names it (one query; see ``gateway``), or ``unknown_resource``."""
    return require_catalogue(gateway.load_catalogue(code), code)


def require_catalogue(catalogue: Catalogue | None, code: str) -> Catalogue:
    if catalogue is None:
        raise NotFound(Code.UNKNOWN_RESOURCE, _("数据资源 %(code)s 不存在或未发布。") % {"code": code}, {"resource": code})
    return catalogue


def unknown_fields(catalogue: Catalogue, names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in catalogue.fields]
    if unknown:
        raise InvalidInput(
            Code.UNKNOWN_FIELD,
            _("数据资源 %(code)s 没有数据项：%(fields)s。") % {"code": catalogue.resource.code, "fields": "、".join(unknown)},
            {"resource": catalogue.resource.code, "unknown_fields": unknown, "known_fields": list(catalogue.fields)},
        )


def shareability(catalogue: Catalogue, names: Sequence[str]) -> list[dict[str, str]]:
    """The fields among ``names`` that may never leave the provider, each with the rule's code."""
    out = []
    for name in names:
        f = catalogue.fields[name]
        if catalogue.resource_listed or f.listed:  # type: ignore[attr-defined]  # an attribute added to the row here for the page or the policy check
            out.append({"field": name, "code": Code.FIELD_NEGATIVE_LISTED,
                        "scope": "resource" if catalogue.resource_listed else "field"})
        elif f.sharing_class == SharingClass.NONE:
            out.append({"field": name, "code": Code.FIELD_NOT_SHAREABLE, "scope": "field"})
    return out


def refuse_unshareable(catalogue: Catalogue, names: Sequence[str]) -> None:
    problems = shareability(catalogue, names)
    listed = [p["field"] for p in problems if p["code"] == Code.FIELD_NEGATIVE_LISTED]
    if listed:
        raise Forbidden(
            Code.FIELD_NEGATIVE_LISTED,
            _("数据项 %(fields)s 列入%(provider)s的负面清单，不予共享。")
            % {"fields": "、".join(_label(catalogue, listed)), "provider": catalogue.resource.provider.name},
            {"resource": catalogue.resource.code, "fields": listed, "scope": problems[0]["scope"]},
        )
    closed = [p["field"] for p in problems]
    if closed:
        raise Forbidden(
            Code.FIELD_NOT_SHAREABLE,
            _("数据项 %(fields)s 的共享类型为“不予共享”。") % {"fields": "、".join(_label(catalogue, closed))},
            {"resource": catalogue.resource.code, "fields": closed},
        )


def _label(catalogue: Catalogue, names: Sequence[str]) -> list[str]:
    return [f"{catalogue.fields[n].label}（{n}）" for n in names]


def _subscription_refusal(subs: list[Subscription], catalogue: Catalogue, consumer: Consumer, now: dt.datetime) -> DomainError:
    code = catalogue.resource.code
    if any(s.status == SubscriptionStatus.APPROVED and s.is_expired(now) for s in subs):
        expired = max(s.expires_at for s in subs if s.status == SubscriptionStatus.APPROVED and s.expires_at)
        return Forbidden(Code.SUBSCRIPTION_EXPIRED, _("对 %(code)s 的共享订阅已于 %(at)s 到期，请重新申请。")
                         % {"code": code, "at": timezone.localtime(expired).strftime("%Y-%m-%d %H:%M")},
                         {"resource": code, "expired_at": expired.isoformat()})
    if any(s.status == SubscriptionStatus.REVOKED for s in subs):
        return Forbidden(Code.SUBSCRIPTION_REVOKED, _("对 %(code)s 的共享订阅已被提供部门撤销。") % {"code": code},
                         {"resource": code})
    if any(s.status == SubscriptionStatus.PENDING for s in subs):
        return Forbidden(Code.SUBSCRIPTION_PENDING, _("对 %(code)s 的共享申请尚在审核中。") % {"code": code},
                         {"resource": code})
    return Forbidden(Code.NO_SUBSCRIPTION, _("%(dept)s 没有 %(code)s 的有效共享订阅，请先提出共享申请。")
                     % {"dept": consumer.department.name, "code": code}, {"resource": code})


def decide(
    *, consumer: Consumer, catalogue: Catalogue, subscriptions: list[Subscription], field_names: Sequence[str] | None,
    now: dt.datetime, channel: str = Channel.API,
) -> Decision:
    """Which fields of the catalogue's resource this consumer may receive now, and how they are masked.

    An owner read (``owner_read``: the provider itself, for its own case or 一数一源 check) gets the
    named fields, or every field when none are named, in clear and uncounted.

    ``field_names`` empty or None means "what my subscription allows": fields that the negative
    list or the sharing class close are then left out and named in ``withheld``; named fields
    that are closed refuse the whole lookup. ``subscriptions``: the consumer's subscriptions to
    the resource as read with the catalogue (``gateway.read_for_lookup``: in the credential's
    scope when a credential asks), newest first."""
    resource = catalogue.resource
    names = list(dict.fromkeys(field_names or []))
    unknown_fields(catalogue, names)
    if consumer.credential is not None and consumer.credential.department_id != consumer.department.pk:
        raise Forbidden(Code.WRONG_DEPARTMENT_KEY, _("接口凭据属于其他部门，不能代表 %(dept)s 查询。")
                        % {"dept": consumer.department.name}, {"resource": resource.code})
    if owner_read(consumer, catalogue, channel):
        chosen_fields = [catalogue.fields[n] for n in (names or list(catalogue.fields))]
        return Decision(resource=resource, subscription=None, fields=chosen_fields, mask={})
    if names:
        refuse_unshareable(catalogue, names)
    if consumer.credential is not None:  # a key reaches only the subscriptions it was issued for
        if not subscriptions:
            raise Forbidden(
                Code.WRONG_DEPARTMENT_KEY,
                _("此接口凭据（%(dept)s）未授权查询%(provider)s的数据资源 %(code)s。")
                % {"dept": consumer.department.name, "provider": resource.provider.name, "code": resource.code},
                {"resource": resource.code, "credential_department": consumer.department.code,
                 "provider": resource.provider.code},
            )
    active = [s for s in subscriptions if s.is_active(now)]
    if not active:
        raise _subscription_refusal(subscriptions, catalogue, consumer, now)
    withheld: list[dict[str, str]] = []
    if names:
        chosen = next((s for s in active if set(names) <= set(s.fields)), None)
        if chosen is None:
            allowed = set().union(*(s.fields for s in active))
            missing = [n for n in names if n not in allowed]
            if not missing:  # no single subscription covers them all
                missing = [n for n in names if n not in active[0].fields]
            raise Forbidden(
                Code.FIELD_NOT_SUBSCRIBED,
                _("未订阅数据项：%(fields)s。") % {"fields": "、".join(_label(catalogue, missing))},
                {"resource": resource.code, "fields": missing, "subscribed": sorted(allowed)},
            )
    else:
        chosen = active[0]
        wanted = [n for n in chosen.fields if n in catalogue.fields]
        withheld = shareability(catalogue, wanted)
        closed = {w["field"] for w in withheld}
        names = [n for n in wanted if n not in closed]
        if not names:
            refuse_unshareable(catalogue, wanted)
    clear = set(chosen.clear_fields or [])
    fields = [catalogue.fields[n] for n in names]
    mask = {f.name: f.mask_rule for f in fields if f.mask_rule and f.name not in clear}
    return Decision(resource=resource, subscription=chosen, fields=fields, mask=mask, withheld=withheld)


def refuse_use(subscription: Subscription, catalogue: Catalogue, consumer: Consumer, now: dt.datetime,
               own_case: bool = False) -> DomainError:
    """The refusal when the use of an active subscription could not be counted (``gateway.record_served``
    found it spent, revoked or expired at the moment of the write): which rule, read now.
    ``own_case``: 免提交 for an applicant's own case, counted against its own daily allowance."""
    state = gateway.usage_state(subscription.pk)
    code = catalogue.resource.code
    if state is None or state["status"] != SubscriptionStatus.APPROVED or (
            state["expires_at"] is not None and state["expires_at"] <= now):
        current = Subscription(pk=subscription.pk, status=state["status"] if state else SubscriptionStatus.REVOKED,
                               expires_at=state["expires_at"] if state else None)
        return _subscription_refusal([current], catalogue, consumer, now)
    day = timezone.localdate(now)
    if own_case:
        return Forbidden(Code.QUOTA_EXHAUSTED, _("今日办件免提交调用次数已达订阅限额（%(quota)s 次），请明日再试或申请提高限额。")
                         % {"quota": state["case_daily_quota"]},
                         {"resource": code, "case_daily_quota": state["case_daily_quota"]})
    if state["day"] == day and state["day_count"] >= state["daily_quota"]:
        return Forbidden(Code.QUOTA_EXHAUSTED, _("今日调用次数已达订阅限额（%(quota)s 次），请明日再试或申请提高限额。")
                         % {"quota": state["daily_quota"]}, {"resource": code, "daily_quota": state["daily_quota"]})
    return DomainError(Code.RATE_LIMITED, _("调用过于频繁：超过每分钟 %(rate)s 次的上限，请稍后再试。")
                       % {"rate": state["rate_per_minute"]},
                       {"resource": code, "rate_per_minute": state["rate_per_minute"],
                        "retry_after_seconds": 60 - int(now.timestamp()) % 60},
                       status=429)


def may_compare(
    *, consumer: Consumer, catalogue: Catalogue, subscriptions: list[Subscription], field_name: str, now: dt.datetime,
) -> tuple[Decision | None, dict[str, str] | None]:
    """Whether a provider's push may compare its own values with ``field_name`` of a resource
    (一数一源 conflict check): ``(decision, None)`` or ``(None, refusal)``. Its own resource is an
    owner read (``decision.subscription`` None); another department's needs a subscription.

    A comparison answers "does my value equal theirs?" for every row, so it reveals exactly as much
    as reading the field in clear: it is allowed only when ``decide`` would serve the field to the
    pushing department *unmasked* (not negative-listed, shareable, an active subscription naming it
    in its ``clear_fields``). A masked grant is not enough: a match/mismatch answer confirms a
    guessed value that the mask hides."""
    try:
        decision = decide(consumer=consumer, catalogue=catalogue, subscriptions=subscriptions,
                          field_names=[field_name], now=now, channel=Channel.INGEST)
    except DomainError as exc:
        return None, {"code": exc.code, "message": exc.message}
    if field_name in decision.mask:
        return None, {"code": Code.FIELD_MASKED, "message": _(
            "订阅只以脱敏方式提供数据项 %(field)s：逐行比对会泄露被遮盖的内容，未比对。") % {"field": field_name}}
    return decision, None


# ------------------------------------------------------------------------------ why a person is looked up
#
# A staff member (not a system with an API key, not an application fetching its own 免提交 facts)
# who looks a person up must say why, in one of two ways: name a case they handle whose applicant
# (or a person named in its form) is the one looked up, or give a documented reason from a short
# list with a text, which the provider's steward reviews afterwards (``LookupReview``). References
# are typed (kind + number). The app that owns a kind of record says whether a reference of its
# kind justifies the lookup: it registers a check at start-up (``cases`` registers "case"; an
# ``appeals`` app would register "appeal"), so that data sharing never imports the apps above it.

MIN_REASON_CHARS = 8


@dataclass(frozen=True)
class Reference:
    kind: str
    number: str

    def __str__(self) -> str:  # what the access log keeps: a case is its bare number, as before
        return self.number if self.kind == "case" else f"{self.kind}:{self.number}"


ReferenceCheck = Callable[[Consumer, Reference, str], None]
"""``check(consumer, reference, subject_index)``: returns if the reference justifies looking up the
person with that blind index; raises the refusal (a ``DomainError``) otherwise."""

_REFERENCE_CHECKS: dict[str, ReferenceCheck] = {}


def register_reference_check(kind: str, check: ReferenceCheck) -> None:
    """Called from the owning app's ``AppConfig.ready``."""
    _REFERENCE_CHECKS[kind] = check


def reference_kinds() -> list[str]:
    return sorted(_REFERENCE_CHECKS)


@dataclass(frozen=True)
class Justification:
    reference: Reference | None = None
    reason_code: str = ""
    reason_text: str = ""


def needs_justification(consumer: Consumer, resource: DataResource, channel: str) -> bool:
    """A person's data (keyed by citizen ID) looked up by a staff member on the gateway or a page."""
    from yiwang.exchange.models import KeyKind

    return (consumer.user is not None and consumer.credential is None and channel != Channel.CASE
            and resource.key_kind == KeyKind.CITIZEN_ID)


def justify(*, consumer: Consumer, resource: DataResource, channel: str, justification: Justification,
            subject_index: str) -> str:
    """Check why this lookup is made; return ``""`` (no justification needed), the reference's kind
    (e.g. ``"case"``: a case the looker handles names the person) or ``"reason"`` (served, then
    reviewed). Raises the refusal otherwise."""
    if not needs_justification(consumer, resource, channel):
        return ""
    ref = justification.reference
    if ref is not None and ref.number.strip():
        check = _REFERENCE_CHECKS.get(ref.kind)
        if check is None:
            raise InvalidInput(Code.REFERENCE_KIND_UNSUPPORTED, _("暂不支持以“%(kind)s”作为查询依据，请注明办件编号。")
                               % {"kind": ref.kind[:20]}, {"kind": ref.kind[:20], "supported": reference_kinds()})
        check(consumer, ref, subject_index)
        return ref.kind
    from yiwang.exchange.models import LookupReason

    code, text = justification.reason_code.strip(), justification.reason_text.strip()
    if not code and not text:
        raise InvalidInput(Code.JUSTIFICATION_REQUIRED, _(
            "查询个人数据须注明您承办的办件编号，或选择查询理由并写明说明（事后由数据管理员复核）。"),
            {"reason_codes": list(LookupReason.values), "reference_kinds": reference_kinds()})
    if code not in LookupReason.values:
        raise InvalidInput(Code.UNKNOWN_REASON_CODE, _("查询理由类别无效。"),
                           {"reason_code": code[:40], "reason_codes": list(LookupReason.values)})
    if len(text) < MIN_REASON_CHARS:
        raise InvalidInput(Code.JUSTIFICATION_REQUIRED, _("请写明查询理由（至少 %(n)s 个字）。") % {"n": MIN_REASON_CHARS},
                           {"field": "reason", "min_length": MIN_REASON_CHARS})
    return "reason"
