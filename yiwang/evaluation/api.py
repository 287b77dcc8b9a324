"""好差评 API: rate a closed case or appeal (``POST /evaluations``), add the one 追评, and for staff:
statistics, rectifications (reply, 回访, close) and 申诉复核.

No ``from __future__ import annotations`` here: django-ninja resolves ``Query[...]`` at import."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from yiwang.core.errors import Forbidden, InvalidInput
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.schemas import ERRORS
from yiwang.evaluation import permissions, selectors, services
from yiwang.evaluation.errors import EvaluationErrorCode as Code
from yiwang.evaluation.models import Rating, RatingReview, Rectification

router = Router(tags=["evaluation"])

MAX_ID = 2**31 - 1


class EvaluationIn(Schema):
    case_number: str | None = Field(None, max_length=32, description="The closed case rated (一事一评)")
    appeal_number: str | None = Field(None, max_length=20, description="Or the closed appeal rated")
    level: int = Field(description="1 非常不满意 … 5 非常满意; 好 = 4–5, 中 = 3, 差 = 1–2")
    indicators: dict[str, int] = Field(default_factory=dict, description=(
        "Optional, each 1–5: overall (整体满意度), efficiency (办事效率), guide (指南准确), convenience (便捷度)"))
    comment: str = Field("", max_length=1000)
    channel: Literal["online", "api"] = Field("api", description="online (网上) or api (a partner system)")


class EvaluationFollowUpIn(Schema):
    level: int = Field(description="1–5")
    indicators: dict[str, int] = Field(default_factory=dict)
    comment: str = Field("", max_length=1000)


class EvaluationOut(Schema):
    id: int
    subject: str = Field(description="case, visit or appeal")
    number: str = Field(description="The case's or the appeal's number")
    channel: str
    level: int
    grade: str = Field(description="good (好评), medium (中评), bad (差评)")
    indicators: dict[str, int]
    comment: str
    created_at: dt.datetime
    follow_up_of: int | None
    counted: bool = Field(description="In the statistics: not voided by 申诉复核, not superseded by a 追评")
    voided: bool
    rectification: str | None = Field(description="Status of the 差评's rectification, if any")


def evaluation_out(rating: Rating) -> dict[str, Any]:
    rectification = Rectification.objects.filter(rating=rating).values_list("status", flat=True).first()
    return {"id": rating.pk, "subject": rating.subject, "number": rating.subject_number, "channel": rating.channel,
            "level": rating.level, "grade": rating.grade, "indicators": rating.indicators, "comment": rating.comment,
            "created_at": rating.created_at, "follow_up_of": rating.follow_up_of_id, "counted": rating.counted,
            "voided": rating.voided_at is not None, "rectification": rectification}


@router.post("/evaluations", response={201: EvaluationOut, **ERRORS})
def create_evaluation(request: AuthenticatedRequest, payload: EvaluationIn) -> Status:
    """Rate a closed case or a closed appeal, as its applicant (or agent) or reporter. One rating
    per case (appeal) per channel: a second is 409 ``already_rated``; a case not closed is 409
    ``not_closed``; someone else's is 403; a level outside 1–5 is 422 ``level_invalid``. A 差评
    opens a rectification for the responsible department."""
    if bool(payload.case_number) == bool(payload.appeal_number):
        raise InvalidInput(Code.SUBJECT_REQUIRED, _("请提供 case_number（办件编号）或 appeal_number（诉求编号）之一。"))
    if payload.case_number:
        rating = services.rate_case(actor=request.user, number=payload.case_number, level=payload.level,
                                    indicators=payload.indicators, comment=payload.comment, channel=payload.channel)
    else:
        rating = services.rate_appeal(actor=request.user, number=payload.appeal_number or "", level=payload.level,
                                      indicators=payload.indicators, comment=payload.comment, channel=payload.channel)
    return Status(201, evaluation_out(rating))


@router.post("/evaluations/{rating_id}/follow-up", response={201: EvaluationOut, **ERRORS})
def create_follow_up(request: AuthenticatedRequest, rating_id: int, payload: EvaluationFollowUpIn) -> Status:
    """追评: one more rating of the same service by whoever gave this one; it replaces it in the
    statistics. A second 追评 is 409 ``follow_up_taken``."""
    rating = services.follow_up_rating(actor=request.user, rating_id=min(max(rating_id, 0), MAX_ID),
                                       level=payload.level, indicators=payload.indicators, comment=payload.comment)
    return Status(201, evaluation_out(rating))


class EvaluationStatisticsQuery(Schema):
    by: Literal["item", "department", "window", "staff"] = "department"
    date_from: dt.date | None = Field(None, alias="from", description="Ratings made on or after (UTC day)")
    date_to: dt.date | None = Field(None, alias="to", description="Ratings made before (UTC day)")


class EvaluationFiguresOut(Schema):
    key: str | None
    label: str
    ratings: int = Field(description="Valid ratings (counted)")
    good: int
    medium: int
    bad: int
    voided: int
    satisfaction: Decimal | None = Field(description="好评 / valid ratings, per cent; null when none")
    bad_rate: Decimal | None = Field(description="差评 / valid ratings, per cent")
    rectifications: int
    rectification_rate: Decimal | None = Field(description="closed / rectifications not cancelled, per cent")
    callback_rate: Decimal | None = Field(description="回访 done / rectifications replied, per cent")


def _staff_only(user: Any) -> None:
    if not permissions.may_see_evaluation_pages(user):
        raise Forbidden(Code.NOT_YOUR_DEPARTMENT, _("只有部门工作人员和电子监察人员可以查看评价统计。"))


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) if day else None


@router.get("/evaluations/statistics", response={200: list[EvaluationFiguresOut], **ERRORS})
def statistics(request: AuthenticatedRequest, query: Query[EvaluationStatisticsQuery]) -> list[dict[str, Any]]:
    """Satisfaction, 差评率, 整改率, 回访率 per item, department, window or staff member, over the
    user's departments (supervisors: all). Per staff member: supervisors and heads only."""
    user = request.user
    _staff_only(user)
    if query.by == "staff" and not permissions.may_see_staff(user):
        raise Forbidden(Code.NOT_A_SUPERVISOR, _("按工作人员的统计只有电子监察人员和部门负责人可以查看。"))
    rows = selectors.statistics(by=query.by, since=_day_start(query.date_from), until=_day_start(query.date_to),
                                department_ids=selectors.visible_departments(user))
    return [{**f.as_dict(), "key": None if f.key is None else str(f.key)} for f in rows]


class RectificationReplyIn(Schema):
    reply: str = Field(max_length=2000)


class RectificationCallbackIn(Schema):
    result: Literal["satisfied", "basic", "not_satisfied", "unreachable"]
    note: str = Field("", max_length=services.MAX_TEXT)


class RectificationCloseIn(Schema):
    published_outcome: str = Field("", max_length=services.MAX_TEXT, description="Published on the item's guide; default: the reply")


class RectificationOut(Schema):
    id: int
    rating: int
    department: str
    status: str
    due_at: dt.datetime
    reply: str
    callback_due_at: dt.datetime | None
    callback_at: dt.datetime | None
    callback_result: str
    closed_at: dt.datetime | None
    published_outcome: str


def rectification_out(r: Rectification) -> dict[str, Any]:
    return {"id": r.pk, "rating": r.rating_id, "department": r.department.code, "status": r.status,
            "due_at": r.due_at, "reply": r.reply, "callback_due_at": r.callback_due_at,
            "callback_at": r.callback_at, "callback_result": r.callback_result, "closed_at": r.closed_at,
            "published_outcome": r.published_outcome}


def _clamp(pk: int) -> int:
    return min(max(pk, 0), MAX_ID)


@router.post("/evaluations/rectifications/{rectification_id}/reply", response={200: RectificationOut, **ERRORS})
def reply(request: AuthenticatedRequest, rectification_id: int, payload: RectificationReplyIn) -> dict[str, Any]:
    """The rated department answers the 差评; the 回访 is due within one working day."""
    return rectification_out(services.reply_rectification(
        actor=request.user, rectification_id=_clamp(rectification_id), reply=payload.reply))


@router.post("/evaluations/rectifications/{rectification_id}/callback", response={200: RectificationOut, **ERRORS})
def callback(request: AuthenticatedRequest, rectification_id: int, payload: RectificationCallbackIn) -> dict[str, Any]:
    """A supervisor records the 回访 after the reply."""
    return rectification_out(services.record_rectification_callback(
        actor=request.user, rectification_id=_clamp(rectification_id), result=payload.result, note=payload.note))


@router.post("/evaluations/rectifications/{rectification_id}/close", response={200: RectificationOut, **ERRORS})
def close(request: AuthenticatedRequest, rectification_id: int, payload: RectificationCloseIn) -> dict[str, Any]:
    """Close and publish the outcome; without a reply: 409 ``reply_required``."""
    return rectification_out(services.close_rectification(
        actor=request.user, rectification_id=_clamp(rectification_id), published_outcome=payload.published_outcome))


class RatingReviewIn(Schema):
    reason_kind: Literal["malicious", "mistaken"]
    reason: str = Field(max_length=2000)


class ReviewDecisionIn(Schema):
    uphold: bool = Field(description="true: the rating is voided and leaves the statistics")
    decision: str = Field(max_length=2000)


class RatingReviewOut(Schema):
    id: int
    rating: int
    status: str
    reason_kind: str
    reason: str
    requested_at: dt.datetime
    decision: str
    decided_at: dt.datetime | None


def review_out(r: RatingReview) -> dict[str, Any]:
    return {"id": r.pk, "rating": r.rating_id, "status": r.status, "reason_kind": r.reason_kind, "reason": r.reason,
            "requested_at": r.requested_at, "decision": r.decision, "decided_at": r.decided_at}


@router.post("/evaluations/{rating_id}/review", response={201: RatingReviewOut, **ERRORS})
def request_review(request: AuthenticatedRequest, rating_id: int, payload: RatingReviewIn) -> Status:
    """申诉复核: the rated department asks to void a malicious or mistaken rating."""
    return Status(201, review_out(services.request_review(
        actor=request.user, rating_id=_clamp(rating_id), reason_kind=payload.reason_kind, reason=payload.reason)))


@router.post("/evaluations/reviews/{review_id}/decision", response={200: RatingReviewOut, **ERRORS})
def decide_review(request: AuthenticatedRequest, review_id: int, payload: ReviewDecisionIn) -> dict[str, Any]:
    """A supervisor decides a 申诉复核."""
    return review_out(services.decide_review(actor=request.user, review_id=_clamp(review_id), uphold=payload.uphold,
                                             decision=payload.decision))
