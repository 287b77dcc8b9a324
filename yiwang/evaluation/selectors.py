"""Reads of 好差评: a person's ratings, a department's rectifications and reviews, and the statistics.

The formulas (one home; docs/evaluation.md repeats them for readers):

- valid ratings = ``Rating.counted`` (not voided by 申诉复核, not superseded by their own 追评);
- satisfaction (满意率) = 好评 / valid ratings (好 = levels 4–5);
- 差评率 = 差评 / valid ratings (差 = levels 1–2);
- 整改率 = closed rectifications / rectifications not cancelled (a voided rating cancels its own);
- 回访率 = rectifications with a 回访 / rectifications replied or closed.
A rate over nothing is ``None`` (shown as “—”), never 0 % or 100 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from yiwang.appeals.models import Appeal
from yiwang.cases.models import Case, CaseStatus
from yiwang.core.users import User
from yiwang.evaluation import permissions
from yiwang.evaluation.models import (
    Grade,
    Rating,
    RatingChannel,
    RatingReview,
    Rectification,
    RectificationStatus,
    ReviewStatus,
    Subject,
    WindowVisit,
)

GROUPS = {
    "item": ("item_id", "item__name"),
    "department": ("department_id", "department__name"),
    "window": ("window", "window"),
    "staff": ("staff_id", "staff__username"),
}


def rate(part: int, whole: int) -> Decimal | None:
    """A share in per cent, one decimal; ``None`` when there is nothing to share."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    key: Any
    label: str
    ratings: int
    good: int
    medium: int
    bad: int
    voided: int
    rectifications: int
    rectified: int
    replied: int
    called_back: int

    @property
    def satisfaction(self) -> Decimal | None:
        return rate(self.good, self.ratings)

    @property
    def bad_rate(self) -> Decimal | None:
        return rate(self.bad, self.ratings)

    @property
    def rectification_rate(self) -> Decimal | None:
        return rate(self.rectified, self.rectifications)

    @property
    def callback_rate(self) -> Decimal | None:
        return rate(self.called_back, self.replied)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "ratings": self.ratings, "good": self.good,
                "medium": self.medium, "bad": self.bad, "voided": self.voided,
                "satisfaction": self.satisfaction, "bad_rate": self.bad_rate,
                "rectifications": self.rectifications, "rectification_rate": self.rectification_rate,
                "callback_rate": self.callback_rate}


def _period(qs: QuerySet, field: str, since: dt.datetime | None, until: dt.datetime | None) -> QuerySet:
    if since is not None:
        qs = qs.filter(**{f"{field}__gte": since})
    if until is not None:
        qs = qs.filter(**{f"{field}__lt": until})
    return qs


def statistics(*, by: str, since: dt.datetime | None = None, until: dt.datetime | None = None,
               department_ids: list[int] | None = None, item_id: int | None = None) -> list[Figures]:
    """Figures per item, department, window or staff member (``by``), over ratings made in the period.
    Two grouped queries (ratings, rectifications), whatever the number of groups."""
    key, label = GROUPS[by]
    ratings = _period(Rating.objects.all(), "created_at", since, until)
    rectifications = _period(Rectification.objects.all(), "rating__created_at", since, until)
    if department_ids is not None:
        ratings = ratings.filter(department_id__in=department_ids)
        rectifications = rectifications.filter(rating__department_id__in=department_ids)
    if item_id is not None:
        ratings, rectifications = ratings.filter(item_id=item_id), rectifications.filter(rating__item_id=item_id)
    if by in ("item", "staff"):
        ratings = ratings.filter(**{f"{key}__isnull": False})
    if by == "window":
        ratings = ratings.exclude(window="")
    counted = Q(counted=True)
    rows = (ratings.values(key, label).order_by(key)
            .annotate(n=Count("id", filter=counted), good=Count("id", filter=counted & Q(grade=Grade.GOOD)),
                      medium=Count("id", filter=counted & Q(grade=Grade.MEDIUM)),
                      bad=Count("id", filter=counted & Q(grade=Grade.BAD)),
                      voided=Count("id", filter=Q(voided_at__isnull=False))))
    live = ~Q(status=RectificationStatus.CANCELLED)
    replied = Q(status__in=[RectificationStatus.REPLIED, RectificationStatus.CLOSED])
    rect_key = f"rating__{key}"
    rect_rows = {r[rect_key]: r for r in (
        rectifications.values(rect_key).order_by(rect_key)
        .annotate(n=Count("id", filter=live), closed=Count("id", filter=Q(status=RectificationStatus.CLOSED)),
                  replied=Count("id", filter=replied),
                  called=Count("id", filter=replied & Q(callback_at__isnull=False))))}
    out = []
    for row in rows:
        r = rect_rows.get(row[key], {})
        out.append(Figures(key=row[key], label=str(row[label] or ""), ratings=row["n"], good=row["good"],
                           medium=row["medium"], bad=row["bad"], voided=row["voided"],
                           rectifications=r.get("n", 0), rectified=r.get("closed", 0),
                           replied=r.get("replied", 0), called_back=r.get("called", 0)))
    return sorted(out, key=lambda f: (-f.ratings, f.label))


def totals(figures: list[Figures]) -> Figures:
    """The sum of the rows (of one grouping where every rating has a group: department)."""
    return Figures(key=None, label="", **{f: sum(getattr(x, f) for x in figures) for f in (
        "ratings", "good", "medium", "bad", "voided", "rectifications", "rectified", "replied", "called_back")})


def item_figures(item_id: int) -> dict[str, Any]:
    """What the public guide page of an item shows: its satisfaction and its published rectifications."""
    rows = statistics(by="item", item_id=item_id)
    figures = rows[0] if rows else None
    published = list(Rectification.objects.filter(rating__item_id=item_id, status=RectificationStatus.CLOSED)
                     .exclude(published_outcome="").order_by("-closed_at")
                     .values("closed_at", "published_outcome", "rating__level")[:5])
    return {"figures": figures, "published": published}


# -- a person's ratings --------------------------------------------------------------------------------


def ratings_of_case(case: Case) -> list[Rating]:
    return list(Rating.objects.filter(subject=Subject.CASE, case=case).order_by("created_at", "id"))


def case_rating_offer(user: User, case: Case) -> dict[str, Any] | None:
    """What the applicant's case page offers about 好差评: nothing before 办结 or to someone who may
    not rate the case; else the online rating already given (with its 追评), or an invitation."""
    if case.status != CaseStatus.CLOSED or not permissions.may_rate_case(user, case):
        return None
    given = [r for r in ratings_of_case(case) if r.channel == RatingChannel.ONLINE and r.rater_id == user.pk]
    return {"case": case, "ratings": given}


def case_token_page(case: Case, channel: str) -> dict[str, Any]:
    """What the signed-link page of a case shows: whether it is closed, whether this channel has
    rated it already, and the window visit opened for it that may still be rated (一次一评)."""
    from django.utils import timezone

    rated = Rating.objects.filter(subject=Subject.CASE, case=case, channel=channel, follow_up_of__isnull=True).exists()
    visit = (WindowVisit.objects.filter(case=case, expires_at__gt=timezone.now())
             .exclude(pk__in=Rating.objects.filter(subject=Subject.VISIT, follow_up_of__isnull=True)
                      .values("visit_id")).order_by("-opened_at").first())
    return {"case": case, "closed": case.status == CaseStatus.CLOSED, "rated": rated, "visit": visit}


def ratings_of_appeal(appeal: Appeal) -> list[Rating]:
    return list(Rating.objects.filter(subject=Subject.APPEAL, appeal=appeal).order_by("created_at", "id"))


def rated_numbers(user: User) -> set[str]:
    """Numbers of the cases and appeals the user has rated online (for 我的评价)."""
    rows = Rating.objects.filter(rater=user, follow_up_of__isnull=True).values_list("case__number", "appeal__number")
    return {case or appeal for case, appeal in rows if case or appeal}


def follow_up_allowed(rating: Rating, user: User) -> bool:
    return (rating.rater_id == user.pk and rating.follow_up_of_id is None and rating.voided_at is None
            and not Rating.objects.filter(follow_up_of=rating).exists())


# -- staff ---------------------------------------------------------------------------------------------


def visible_departments(user: User) -> list[int] | None:
    """Departments whose ratings the user sees; ``None`` = all (supervisors)."""
    if permissions.may_supervise(user):
        return None
    return permissions.rated_departments(user)


def rectifications_for(user: User, *, status: str | None = None) -> QuerySet[Rectification]:
    qs = Rectification.objects.select_related("rating", "rating__item", "rating__case", "rating__appeal",
                                              "department")
    departments = visible_departments(user)
    if departments is not None:
        qs = qs.filter(department_id__in=departments)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_at", "id")


def ratings_for(user: User, *, grade: str | None = None) -> QuerySet[Rating]:
    qs = Rating.objects.select_related("item", "department", "case", "appeal", "staff")
    departments = visible_departments(user)
    if departments is not None:
        qs = qs.filter(department_id__in=departments)
    if grade:
        qs = qs.filter(grade=grade)
    return qs.order_by("-created_at", "-id")


def pending_reviews(user: User) -> QuerySet[RatingReview]:
    qs = RatingReview.objects.select_related("rating", "rating__item", "department", "requested_by")
    departments = visible_departments(user)
    if departments is not None:
        qs = qs.filter(department_id__in=departments)
    return qs.filter(status=ReviewStatus.PENDING).order_by("-requested_at", "-id")
