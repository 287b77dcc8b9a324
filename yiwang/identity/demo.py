"""Identity's demo data: the service centre's subscriptions for online real-name checks, the demo
accounts at their levels (reached through the real checks, not written in), items that require a
level, and one authorisation (委托代办).

Idempotent: a second run creates nothing. Needs ``seed_core``, ``seed_catalog`` and ``seed_exchange``.

| account    | level | how |
| ---------- | ----- | --- |
| citizen    | L2    | checked online against 公安's population resource (the gateway, logged) |
| citizen2   | L3    | checked online, then in person at the window by ``clerk`` |
| enterprise | L2    | checked online against 市场监管's enterprise registry |

``citizen2`` has authorised ``citizen`` to apply for 住房公积金提取（租房） and 无犯罪记录证明 on
their behalf. Items that require L2 or L3 are listed in ``LEVELS``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from yiwang.core.models import Applicant, Department, RealNameLevel
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.identity import services
from yiwang.identity.models import Authorisation, RealName, Verification, VerificationMethod, VerificationOutcome
from yiwang.identity.permissions import level_of

# item name → the real-name level an online application needs
LEVELS: dict[str, int] = {
    "住房公积金提取（购买自住住房）": RealNameLevel.L2,
    "住房公积金提取（租房）": RealNameLevel.L2,
    "不动产抵押登记": RealNameLevel.L2,
    "无犯罪记录证明": RealNameLevel.L2,
    "户口迁移（迁出）": RealNameLevel.L2,
    "不动产继承登记": RealNameLevel.L3,
    "户口注销（死亡）": RealNameLevel.L3,
    "普通护照签发": RealNameLevel.L3,
}

# what the service centre (the consumer of online checks) subscribes to, with the compared fields in clear
SUBSCRIPTIONS: list[tuple[str, list[str], str]] = [
    ("GA_RKJBXX", ["name", "gender"], "实名核验（L2）：核对账号持有人的姓名、性别与公民身份号码"),
    ("SCJG_QYDJXX", ["name", "legal_representative", "status"], "实名核验（L2）：核对企业名称、法定代表人与登记状态"),
]
AUTHORISED_ITEMS = ["住房公积金提取（租房）", "无犯罪记录证明"]


def _subscriptions(actor: User | None, centre: Department, now: dt.datetime) -> int:
    from yiwang.exchange import services as exchange
    from yiwang.exchange.models import DataResource, Subscription

    made = 0
    for code, fields, purpose in SUBSCRIPTIONS:
        resource = DataResource.objects.filter(code=code).first()
        if resource is None or Subscription.objects.filter(consumer=centre, resource=resource, purpose=purpose).exists():
            continue
        sub = exchange.request_subscription(actor=actor, consumer=centre, resource=resource, fields=fields,
                                            clear_fields=fields, purpose=purpose,
                                            legal_basis="《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》",
                                            now=now - dt.timedelta(days=27))
        exchange.approve_subscription(actor=actor, subscription=sub, expires_at=now + dt.timedelta(days=365 * 2),
                                      daily_quota=5000, rate_per_minute=120, clear_fields=fields,
                                      reason="实名核验须比对原值，同意以原值提供所列数据项。", now=now - dt.timedelta(days=26))
        made += 1
    return made


def _registered(applicant: Applicant, now: dt.datetime) -> None:
    """A demo account counts as registered (L1): the row and its record, as ``register_person`` writes."""
    if RealName.objects.filter(applicant=applicant).exists():
        return
    RealName.objects.create(applicant=applicant, level=RealNameLevel.L1, registered_at=now, updated_at=now)
    Verification.objects.create(applicant=applicant, level=RealNameLevel.L1, method=VerificationMethod.REGISTRATION,
                                outcome=VerificationOutcome.PASSED, note="演示账号", at=now)


def seed_identity(*, actor: User | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    from yiwang.catalog.models import ServiceItem

    now = now or timezone.now()
    counts = dict.fromkeys(("subscriptions", "levels_raised", "items_levelled", "authorisations"), 0)
    centre = Department.objects.filter(is_service_centre=True).first()
    if centre is None:
        raise RuntimeError("seed_core must run first: no service centre department")
    counts["subscriptions"] = _subscriptions(actor, centre, now)
    for name, level in LEVELS.items():
        counts["items_levelled"] += ServiceItem.objects.filter(name=name).exclude(required_level=level).update(
            required_level=level)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["citizen", "citizen2", "enterprise",
                                                                                   "clerk"])}
    for username in ("citizen", "citizen2", "enterprise"):
        user = users.get(username)
        applicant = getattr(user, "applicant", None) if user is not None else None
        if user is None or applicant is None:
            continue
        _registered(applicant, now - dt.timedelta(days=20))
        if level_of(applicant) < RealNameLevel.L2:
            services.verify_online(actor=user, now=now - dt.timedelta(days=19))  # through the gateway, logged
            counts["levels_raised"] += 1
    elder = getattr(users.get("citizen2"), "applicant", None)
    clerk = users.get("clerk")
    if elder is not None and clerk is not None and level_of(elder) < RealNameLevel.L3:
        services.verify_at_window(actor=clerk, applicant=elder, document_checked=True,
                                  note="居民身份证原件，人证一致（演示）", now=now - dt.timedelta(days=18))
        counts["levels_raised"] += 1
    citizen = getattr(users.get("citizen"), "applicant", None)
    if elder is not None and citizen is not None and not Authorisation.objects.filter(principal=elder,
                                                                                        agent=citizen).exists():
        codes = list(ServiceItem.objects.filter(name__in=AUTHORISED_ITEMS).values_list("code", flat=True))
        services.grant_authorisation(actor=users["citizen2"], principal=elder, agent_id_number=citizen.id_number,
                                     agent_name=citizen.name, all_items=False, item_codes=codes,
                                     valid_until=now + dt.timedelta(days=180), now=now - dt.timedelta(days=17))
        counts["authorisations"] += 1
    if any(counts.values()):
        record_audit(actor=actor, event_type="demo_identity_seeded", subject_type="demo", subject_id="identity",
                     details=dict(counts))
    return {"counts": counts}
