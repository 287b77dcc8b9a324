"""Demo ratings: most closed cases and appeals rated, mostly good; some 差评 with their
rectifications in every state; window visits rated on the hall tablet.

Idempotent and deterministic: a rated case or appeal is skipped, and whether (and how) one is rated
depends only on its number (one seeded generator per case)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from yiwang.appeals.models import Appeal, AppealStatus
from yiwang.cases.models import Case, CaseStatus, Channel
from yiwang.core.models import Role, StaffRole
from yiwang.evaluation import services
from yiwang.evaluation.models import (
    ONLINE_INDICATORS,
    WINDOW_INDICATORS,
    Rating,
    RatingChannel,
    Rectification,
    Subject,
)

LIMIT = 800
GOOD_COMMENTS = ["办理很快，工作人员很耐心", "网上就办好了，不用跑腿", "指南写得清楚", "", "", "", "服务很好"]
MEDIUM_COMMENTS = ["还可以，等待时间有点长", "材料要求可以再简化", ""]
BAD_COMMENTS = ["来回跑了两次，材料清单没写清楚", "等了很久没人答复", "窗口人员态度不好", "系统经常打不开"]
REPLIES = ["已核实情况，对相关人员进行了提醒，并修订了办事指南中的材料说明。",
           "已优化叫号与分流流程，高峰期增开窗口。", "已联系申请人说明情况并致歉，完善了一次性告知。"]


def _level(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.62:
        return 5
    if roll < 0.86:
        return 4
    if roll < 0.93:
        return 3
    return rng.choice((1, 2))


def _indicators(rng: random.Random, level: int, names: tuple) -> dict[str, int]:
    return {str(n.value): max(1, min(5, level + rng.choice((-1, 0, 0, 0, 1)))) for n in names}


def _comment(rng: random.Random, level: int) -> str:
    return rng.choice(GOOD_COMMENTS if level >= 4 else MEDIUM_COMMENTS if level == 3 else BAD_COMMENTS)


def _staff_of(department_id: int, role: str) -> Any:
    row = StaffRole.objects.filter(department_id=department_id, role=role).select_related("user").first()
    return row.user if row else None


def _rectify(rng: random.Random, rating: Rating, now: dt.datetime, supervisor: Any) -> None:
    """Move the 差评's rectification to a random state: open, replied, called back or closed."""
    rectification = Rectification.objects.filter(rating=rating).first()
    head = _staff_of(rating.department_id, Role.HEAD) or _staff_of(rating.department_id, Role.DECIDER)
    if rectification is None or head is None:
        return
    stage = rng.choice(("open", "replied", "called", "closed", "closed", "closed"))
    replied_at = min(rating.created_at + dt.timedelta(days=rng.randint(1, 8)), now)
    if stage == "open":
        return
    services.reply_rectification(actor=head, rectification_id=rectification.pk, reply=rng.choice(REPLIES), now=replied_at)
    if stage in ("called", "closed") and supervisor is not None:
        services.record_rectification_callback(actor=supervisor, rectification_id=rectification.pk,
                                               result=rng.choice(("satisfied", "satisfied", "basic")),
                                               note="电话回访", now=min(replied_at + dt.timedelta(hours=20), now))
    if stage == "closed":
        services.close_rectification(actor=head, rectification_id=rectification.pk,
                                     now=min(replied_at + dt.timedelta(days=1), now))


def seed_evaluation(*, now: dt.datetime | None = None, case_share: float = 0.8,
                    appeal_share: float = 0.6) -> dict[str, Any]:
    """Rate about ``case_share`` of the closed cases and ``appeal_share`` of the closed appeals."""
    now = now or timezone.now()
    supervisor_role = StaffRole.objects.filter(role=Role.SUPERVISOR).select_related("user").first()
    supervisor = supervisor_role.user if supervisor_role else None
    counts = {"ratings": 0, "visits": 0}
    cases = (Case.objects.filter(status=CaseStatus.CLOSED, closed_at__isnull=False, ratings__isnull=True)
             .select_related("item", "department").order_by("closed_at", "id")[:LIMIT])
    for case in cases:
        if case.closed_at is None:  # the query excludes these; the check tells the type checker
            continue
        # one generator per case: a case left unrated stays unrated when the seeder runs again
        rng = random.Random(f"evaluation:{case.number}")
        if rng.random() >= case_share:  # not everyone rates
            continue
        level = _level(rng)
        at = min(case.closed_at + dt.timedelta(hours=rng.randint(1, 72)), now)
        rating = services.record_rating(Rating(
            subject=Subject.CASE, case=case, channel=rng.choice((RatingChannel.ONLINE, RatingChannel.ONLINE,
                                                                 RatingChannel.API)),
            level=level, indicators=_indicators(rng, level, ONLINE_INDICATORS), comment=_comment(rng, level),
            department=case.department, item=case.item, staff_id=services.accepting_clerk_id(case),
            rater=case.applicant.user), now=at)
        counts["ratings"] += 1
        if rating.grade == "bad":
            _rectify(rng, rating, now, supervisor)
        if case.channel == Channel.WINDOW and case.accepted_at and rng.random() < 0.7:
            clerk = StaffRole.objects.filter(user_id=case.submitted_by_id, role=Role.CLERK).exists()
            if clerk:
                visit = services.open_visit(actor=case.submitted_by, window=f"{case.submitted_by_id % 8 + 1}号窗口",
                                            case_number=case.number, now=case.accepted_at)
                level = _level(rng)
                services.rate_visit(token=services.visit_token(visit), level=level,
                                    indicators=_indicators(rng, level, WINDOW_INDICATORS),
                                    comment=_comment(rng, level), now=case.accepted_at + dt.timedelta(minutes=3))
                counts["visits"] += 1
    appeals = (Appeal.objects.filter(status=AppealStatus.CLOSED, closed_at__isnull=False, ratings__isnull=True)
               .exclude(lead_department__isnull=True).order_by("closed_at", "id")[:LIMIT])
    for appeal in appeals:
        if appeal.closed_at is None or appeal.lead_department_id is None:  # the query excludes these
            continue
        rng = random.Random(f"evaluation:{appeal.number}")
        if rng.random() >= appeal_share:
            continue
        level = _level(rng)
        reporter = appeal.reports.exclude(reporter_user__isnull=True).values_list("reporter_user", flat=True).first()
        rating = services.record_rating(Rating(
            subject=Subject.APPEAL, appeal=appeal, channel=RatingChannel.ONLINE, level=level,
            indicators=_indicators(rng, level, ONLINE_INDICATORS), comment=_comment(rng, level),
            department_id=appeal.lead_department_id, staff_id=appeal.replied_by_id, rater_id=reporter),
            now=min(appeal.closed_at + dt.timedelta(hours=rng.randint(1, 48)), now))
        counts["ratings"] += 1
        if rating.grade == "bad":
            _rectify(rng, rating, now, supervisor)
    return counts
