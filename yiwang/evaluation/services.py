"""Writes of 好差评: rating, 追评, window visits, rectification (整改) and 申诉复核.

Every function is one transaction with its audit record. Ratings are anonymous to the rated: the
audit record names the subject and the level, never the rater (the rater's id is on the row only,
for the one-rating rules).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from yiwang.appeals.models import Appeal, AppealStatus
from yiwang.cases.models import Case, CaseStatus
from yiwang.core.calendar import deadline_after
from yiwang.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from yiwang.core.models import AuditEvent, Department, Role
from yiwang.core.selectors import staff_roles_of
from yiwang.core.services import record_audit
from yiwang.core.text import bounded_text, normalise_line_breaks
from yiwang.core.users import User
from yiwang.evaluation import permissions
from yiwang.evaluation.errors import EvaluationErrorCode as Code
from yiwang.evaluation.models import (
    ONLINE_INDICATORS,
    WINDOW_INDICATORS,
    CallbackResult,
    Grade,
    Indicator,
    Rating,
    RatingChannel,
    RatingReview,
    Rectification,
    RectificationStatus,
    ReviewReason,
    ReviewStatus,
    Subject,
    WindowVisit,
)

MAX_COMMENT = 1000
MAX_TEXT = 2000
VISIT_SALT = "yiwang.evaluation.visit"
CASE_SALT = "yiwang.evaluation.case"
# channels a signed-in person or a system rates a case or an appeal on; the tablet and the receipt
# QR rate window visits through their token
SUBJECT_CHANNELS = (RatingChannel.ONLINE, RatingChannel.API)
# channels a case is rated on through its signed link: the receipt's QR code, the 办结 notice's link
CASE_TOKEN_CHANNELS = (RatingChannel.RECEIPT_QR, RatingChannel.ONLINE)
VISIT_CHANNELS = (RatingChannel.TABLET, RatingChannel.RECEIPT_QR)


# -- input -----------------------------------------------------------------------------------------


def _bad(code: str, message: str, **details: Any) -> InvalidInput:
    return InvalidInput(code, message, details)


def clean_level(level: object) -> int:
    if isinstance(level, bool) or not isinstance(level, int | str):
        raise _bad(Code.LEVEL_INVALID, _("评价等级须为 1 到 5 的整数（5 非常满意，1 非常不满意）。"), field="level")
    try:
        value = int(level)
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise _bad(Code.LEVEL_INVALID, _("评价等级须为 1 到 5 的整数（5 非常满意，1 非常不满意）。"), field="level")
    return value


def clean_indicators(indicators: object, allowed: tuple[Indicator, ...]) -> dict[str, int]:
    if indicators in (None, ""):
        return {}
    if not isinstance(indicators, dict):
        raise _bad(Code.INDICATORS_INVALID, _("评价指标格式不正确。"), field="indicators")
    names = {str(i.value) for i in allowed}
    cleaned: dict[str, int] = {}
    for key, value in indicators.items():
        if key not in names:
            raise _bad(Code.INDICATORS_INVALID,
                       _("评价指标“%(key)s”不适用，可选：%(options)s。") % {
                           "key": str(key)[:30], "options": "、".join(str(i.label) for i in allowed)},
                       field="indicators", allowed=sorted(names))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise _bad(Code.INDICATORS_INVALID,
                       _("评价指标“%(label)s”的分值须为 1 到 5 的整数。") % {"label": Indicator(key).label},
                       field="indicators")
        cleaned[key] = value
    return cleaned


def clean_comment(comment: object) -> str:
    text = normalise_line_breaks(str(comment or "")).strip()  # a line break counts one, as the form's script counts it
    if len(text) > MAX_COMMENT:
        raise _bad(Code.COMMENT_TOO_LONG, _("评价内容不能超过 %(n)d 字。") % {"n": MAX_COMMENT}, field="comment")
    return text


def clean_channel(channel: object, allowed: tuple[RatingChannel, ...]) -> str:
    text = str(channel or "").strip()
    if text not in {str(c.value) for c in allowed}:
        raise _bad(Code.CHANNEL_INVALID, _("评价渠道“%(value)s”无效，可选：%(options)s。") % {
            "value": text[:20], "options": "、".join(f"{c.value}（{c.label}）" for c in allowed)},
            field="channel", allowed=[c.value for c in allowed])
    return text


def clean_rating(level: object, indicators: object, comment: object, channel: object,
                 allowed_indicators: tuple[Indicator, ...], channels: tuple[RatingChannel, ...]) -> dict[str, Any]:
    """The fields a person gives when rating, checked: level, indicators, comment, channel."""
    return {"level": clean_level(level), "indicators": clean_indicators(indicators, allowed_indicators),
            "comment": clean_comment(comment), "channel": clean_channel(channel, channels)}


def _clean_text(value: object, *, code: str, message: str, max_chars: int = MAX_TEXT) -> str:
    text = normalise_line_breaks(str(value or "")).strip()
    if not text:
        raise _bad(code, message)
    if len(text) > max_chars:
        raise _bad(code, _("内容不能超过 %(n)d 字。") % {"n": max_chars})
    return text


# -- ratings ---------------------------------------------------------------------------------------


def accepting_clerk_id(case: Case) -> int | None:
    """The clerk who accepted the case at the window (受理): the staff member the applicant met."""
    return (AuditEvent.objects.filter(event_type="case_accepted", subject_type="case", subject_id=str(case.pk))
            .order_by("created_at").values_list("actor_id", flat=True).first())


def _create(rating: Rating, *, now: dt.datetime, actor: User | None) -> Rating:
    """Save a new rating (its grade from its level), open the rectification of a 差评, audit."""
    rating.grade = Grade.of(rating.level)
    rating.created_at = now
    try:
        with transaction.atomic():  # a savepoint: the unique constraints decide races
            rating.save()
    except IntegrityError as exc:
        raise _already_rated() from exc
    # one rectification per 差评: a bad 追评 of a 差评 already being rectified adds none
    if rating.grade == Grade.BAD and not (
            rating.follow_up_of_id and Rectification.objects.filter(rating_id=rating.follow_up_of_id).exists()):
        _open_rectification(rating, now=now)
    record_audit(actor=actor, at=now, event_type="rating_created", subject_type="rating", subject_id=rating.pk,
                 actor_department=rating.department,
                 details={"subject": rating.subject, "number": rating.subject_number, "channel": rating.channel,
                          "level": rating.level, "grade": rating.grade, "follow_up_of": rating.follow_up_of_id})
    return rating


def record_rating(rating: Rating, *, now: dt.datetime, actor: User | None = None) -> Rating:
    """Save a rating built elsewhere with the rules of ``_create`` (grade, rectification, audit):
    for the demo seeder and for imports of ratings collected by another system. The caller has
    checked who rated and what; the unique constraints still refuse a second rating (409)."""
    with transaction.atomic():
        return _create(rating, now=now, actor=actor)


def _already_rated() -> Conflict:
    return Conflict(Code.ALREADY_RATED, _("已经通过该渠道评价过，同一渠道只能评价一次；如需补充意见，可以追评一次。"))


def _open_rectification(rating: Rating, *, now: dt.datetime) -> Rectification:
    days = settings.YIWANG_EVALUATION_RECTIFICATION_DAYS
    rectification = Rectification.objects.create(rating=rating, department=rating.department, created_at=now,
                                                  due_at=deadline_after(now, days))
    record_audit(actor=None, at=now, event_type="rectification_opened", subject_type="rectification",
                 subject_id=rectification.pk, actor_department=rating.department,
                 details={"rating": rating.pk, "due_at": rectification.due_at.isoformat(), "days": days})
    return rectification


def _case_for_rating(number: str) -> Case:
    case = (Case.objects.select_related("applicant", "agent", "item", "department")
            .filter(number=str(number or "")[:32]).first())
    if case is None:
        raise NotFound(Code.CASE_NOT_FOUND, _("办件 %(number)s 不存在。") % {"number": str(number)[:32]})
    return case


def rate_case(*, actor: User, number: str, level: object, indicators: object = None, comment: object = "",
              channel: object = RatingChannel.ONLINE, now: dt.datetime | None = None) -> Rating:
    """一事一评: the applicant (or agent) rates a closed case, once per channel."""
    case = _case_for_rating(number)
    if not permissions.may_rate_case(actor, case):
        raise Forbidden(Code.NOT_YOUR_CASE, _("只能评价本人（或本人代办）的办件。"))
    values = clean_rating(level, indicators, comment, channel, ONLINE_INDICATORS, SUBJECT_CHANNELS)
    return _rate_closed_case(case.pk, values, actor=actor, now=now or timezone.now())


def _rate_closed_case(case_id: int, values: dict[str, Any], *, actor: User | None,
                      now: dt.datetime) -> Rating:
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("item", "department").get(pk=case_id)
        if case.status != CaseStatus.CLOSED:
            raise Conflict(Code.NOT_CLOSED, _("办件 %(number)s 尚未办结（当前：%(status)s），办结后才能评价。") % {
                "number": case.number, "status": case.get_status_display()}, {"status": case.status})
        if Rating.objects.filter(subject=Subject.CASE, case=case, channel=values["channel"],
                                 follow_up_of__isnull=True).exists():
            raise _already_rated()
        visit = case.window_visits.order_by("opened_at").first()
        rating = Rating(subject=Subject.CASE, case=case, department=case.department,
                        item=case.item, window=visit.window if visit else "", staff_id=accepting_clerk_id(case),
                        rater=actor, **values)
        return _create(rating, now=now, actor=actor)


# Rating links that rate without a sign-in carry a short signed token: "<where><id>[.<day>].<signature>".
# ``where`` names the channel the link rates on, signed with the subject so that each link rates on
# its own channel only (editing a link cannot move a rating to another channel in the statistics);
# the id in base 36; the signature the first 16 characters (96 bits) of the base64url HMAC-SHA256 of
# the rest (SECRET_KEY, a salt per kind of subject, so that one kind's token is no other's).
#
# A case's link is sent by SMS (docs/notifications.md: 70 characters a message, 67 a part of a long
# one), so it is short (about 25 characters): "q" (the receipt's QR code: channel 回执二维码) or "n"
# (the 办结 notice: 网上评价), the case id and the day it was made (days since 1970-01-01 UTC, for the
# expiry). A window visit's link: "t" (the hall tablet: 窗口评价器) or "q" (the visit's QR code: 回执二维码)
# and the visit id; no day, as the visit expires by itself (``WindowVisit.expires_at``).
TOKEN_CHANNELS = {"q": RatingChannel.RECEIPT_QR, "n": RatingChannel.ONLINE}
VISIT_TOKEN_CHANNELS = {"t": RatingChannel.TABLET, "q": RatingChannel.RECEIPT_QR}
_LINK_TOKEN = re.compile(r"([a-z])([0-9a-z]{1,13})(?:\.([0-9a-z]{1,6}))?\.([A-Za-z0-9_-]{16})")
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS36[r] + out
        if not n:
            return out


def _link_signature(salt: str, payload: str) -> str:
    digest = salted_hmac(salt, payload, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:16]


def _link_token(salt: str, where: str, pk: int, day: int | None = None) -> str:
    payload = f"{where}{_base36(pk)}" + (f".{_base36(day)}" if day is not None else "")
    return f"{payload}.{_link_signature(salt, payload)}"


def _read_link_token(salt: str, token: str, places: Iterable[str]) -> tuple[str, int, int | None] | None:
    """``(where, id, day)`` of a token ``_link_token(salt, …)`` made with one of ``places``, or None
    for anything else (malformed, another place, another salt, a wrong signature)."""
    found = _LINK_TOKEN.fullmatch(str(token or "")[:200])
    if found is None or found[1] not in places:
        return None
    where, pk, day, signature = found.groups()
    payload = f"{where}{pk}" + (f".{day}" if day is not None else "")
    if not constant_time_compare(signature, _link_signature(salt, payload)):
        return None
    return where, int(pk, 36), int(day, 36) if day is not None else None


def case_token(case: Case, where: str = "q") -> str:
    """A signed token naming the case and the channel its link rates on (``where``: "q" the
    receipt's QR code, "n" the 办结 notice), for the link printed on its receipt and sent in its
    notice; it expires ``YIWANG_EVALUATION_CASE_TOKEN_DAYS`` after it was made. Whoever holds the
    receipt or the notice may rate the case with it, anonymously, on that channel."""
    if where not in TOKEN_CHANNELS:
        raise ValueError(f"unknown rating link place {where!r}")
    return _link_token(CASE_SALT, where, case.pk, int(time.time()) // 86400)


def _invalid_token() -> NotFound:
    return NotFound(Code.TOKEN_INVALID, _("评价链接无效，请核对回执上的二维码或通知中的链接。"))


def _expired_token() -> Conflict:
    return Conflict(Code.TOKEN_EXPIRED, _("评价链接已过期（自打印或发送之日起 %(d)d 天内有效），请登录一网通办在办件页面评价。") % {
        "d": settings.YIWANG_EVALUATION_CASE_TOKEN_DAYS})


def read_case_token(token: str) -> tuple[Case, str]:
    """The case a rating link names and the channel it rates on (signed into the token). Only the
    short form is a token: the Django-signed one of the retired ``/evaluation/c/…?via=`` links is
    refused like any other malformed token (``old_case_link_refused`` answers those links)."""
    read = _read_link_token(CASE_SALT, token, TOKEN_CHANNELS)
    if read is None:
        raise _invalid_token()
    where, pk, day = read
    if day is None:  # a case's token carries the day it was made
        raise _invalid_token()
    if int(time.time()) // 86400 - day > settings.YIWANG_EVALUATION_CASE_TOKEN_DAYS:
        raise _expired_token()
    case = Case.objects.select_related("item", "department").filter(pk=pk).first()
    if case is None:
        raise _invalid_token()
    return case, TOKEN_CHANNELS[where]


def old_case_link_refused() -> DomainError:
    """The answer to a link of the retired form ``/evaluation/c/<token>/?via=…``: its channel was
    not signed (editing ``via`` rated the same case twice), so it rates nothing, whatever its token
    says; none reached a citizen before the short signed ``/r/`` links replaced it."""
    return DomainError(Code.LINK_RETIRED, _("这是旧版评价链接，已停止使用。请使用最新短信或回执上的评价链接，"
                                            "或登录后在“我的办件”中评价。"), status=410)


def case_for_token(token: str) -> Case:
    return read_case_token(token)[0]


def rate_case_by_token(*, token: str, level: object, indicators: object = None, comment: object = "",
                       now: dt.datetime | None = None) -> Rating:
    """一事一评 through the signed link of the case's receipt (QR) or 办结 notice: on the channel the
    link names (nothing else chooses it), once per channel, once the case is closed, anonymous."""
    case, channel = read_case_token(token)
    values = clean_rating(level, indicators, comment, channel, ONLINE_INDICATORS, CASE_TOKEN_CHANNELS)
    return _rate_closed_case(case.pk, values, actor=None, now=now or timezone.now())


def rate_appeal(*, actor: User, number: str, level: object, indicators: object = None,
                comment: object = "", channel: object = RatingChannel.ONLINE, now: dt.datetime | None = None) -> Rating:
    """A reporter rates a closed appeal, once per channel (beside the appeal's own 回访, which the
    hotline records and which may reopen it: see docs/evaluation.md)."""
    appeal = Appeal.objects.filter(number=str(number or "")[:20]).first()
    if appeal is None:
        raise NotFound(Code.APPEAL_NOT_FOUND, _("诉求 %(number)s 不存在。") % {"number": str(number)[:20]})
    if not permissions.may_rate_appeal(actor, appeal):
        raise Forbidden(Code.NOT_YOUR_APPEAL, _("只能评价本人反映的诉求。"))
    values = clean_rating(level, indicators, comment, channel, ONLINE_INDICATORS, SUBJECT_CHANNELS)
    now = now or timezone.now()
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != AppealStatus.CLOSED:
            raise Conflict(Code.NOT_CLOSED, _("诉求 %(number)s 尚未办结（当前：%(status)s），办结后才能评价。") % {
                "number": appeal.number, "status": appeal.get_status_display()}, {"status": appeal.status})
        department_id = appeal.lead_department_id or appeal.first_contact_department_id
        if department_id is None:
            raise Conflict(Code.NOT_CLOSED, _("诉求 %(number)s 没有承办部门，无法评价。") % {"number": appeal.number})
        if Rating.objects.filter(subject=Subject.APPEAL, appeal=appeal, channel=values["channel"],
                                 follow_up_of__isnull=True).exists():
            raise _already_rated()
        rating = Rating(subject=Subject.APPEAL, appeal=appeal, department_id=department_id,
                        staff_id=appeal.replied_by_id, rater=actor, **values)
        return _create(rating, now=now, actor=actor)


def follow_up_rating(*, actor: User, rating_id: int, level: object, indicators: object = None,
                     comment: object = "", now: dt.datetime | None = None) -> Rating:
    """追评: one more rating of the same service by its rater; it takes the original's place in the
    statistics (the original stays, marked not counted)."""
    original = Rating.objects.select_related("case", "appeal").filter(pk=rating_id).first()
    if original is None or original.rater_id is None or original.rater_id != actor.pk:
        raise NotFound(Code.RATING_NOT_FOUND, _("没有找到您的这条评价。"))
    level_value = clean_level(level)
    cleaned_indicators = clean_indicators(indicators, ONLINE_INDICATORS)
    cleaned_comment = clean_comment(comment)
    now = now or timezone.now()
    with transaction.atomic():
        original = Rating.objects.select_for_update().get(pk=original.pk)
        if original.follow_up_of_id is not None or Rating.objects.filter(follow_up_of=original).exists():
            raise Conflict(Code.FOLLOW_UP_TAKEN, _("每条评价只能追评一次。"))
        if original.voided_at is not None:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该评价已经复核作废，不能追评。"))
        rating = Rating(subject=original.subject, case=original.case, appeal=original.appeal, visit=original.visit,
                        channel=original.channel, level=level_value, indicators=cleaned_indicators,
                        comment=cleaned_comment, department=original.department, item=original.item,
                        window=original.window, staff_id=original.staff_id, rater=actor, follow_up_of=original)
        try:
            with transaction.atomic():
                Rating.objects.filter(pk=original.pk).update(counted=False)
                rating = _create(rating, now=now, actor=actor)
        except Conflict as exc:
            raise Conflict(Code.FOLLOW_UP_TAKEN, _("每条评价只能追评一次。")) from exc
        return rating


# -- window visits ----------------------------------------------------------------------------------


def open_visit(*, actor: User, window: object, case_number: object = "",
               now: dt.datetime | None = None) -> WindowVisit:
    """The clerk opens a visit for the person in front of them (optionally for the case accepted);
    the tablet and the receipt rate it through ``visit_token``."""
    department = next((r.department for r in staff_roles_of(actor) if r.role == Role.CLERK), None)
    if department is None:
        raise Forbidden(Code.NOT_A_CLERK, _("只有综合窗口人员可以发起窗口评价。"))
    label = _clean_text(window, code=Code.REASON_REQUIRED, message=_("请填写窗口号，例如“3号窗口”。"), max_chars=20)
    case = None
    if str(case_number or "").strip():
        case = _case_for_rating(str(case_number).strip())
    now = now or timezone.now()
    with transaction.atomic():
        visit = WindowVisit.objects.create(
            department=department, window=label, clerk=actor, case=case, opened_at=now,
            expires_at=now + dt.timedelta(hours=settings.YIWANG_EVALUATION_VISIT_TOKEN_HOURS))
        record_audit(actor=actor, at=now, event_type="window_visit_opened", subject_type="window_visit",
                     subject_id=visit.pk, actor_department=department,
                     details={"window": label, "case": case.number if case else ""})
    return visit


def visit_token(visit: WindowVisit, where: str = "t") -> str:
    """A signed token naming the visit and the channel its link rates on (``where``: "t" the hall
    tablet the clerk opens it on, "q" the visit's QR code); it expires with the visit. Not guessable,
    not forgeable, and its channel cannot be edited (``_link_token``)."""
    if where not in VISIT_TOKEN_CHANNELS:
        raise ValueError(f"unknown visit link place {where!r}")
    return _link_token(VISIT_SALT, where, visit.pk)


def read_visit_token(token: str, *, now: dt.datetime | None = None,
                     places: Iterable[str] = tuple(VISIT_TOKEN_CHANNELS)) -> tuple[WindowVisit, str]:
    """The visit a rating link names and the channel it rates on (signed into the token); ``places``:
    the channels' letters accepted here (the QR image is made of a QR link's token only)."""
    read = _read_link_token(VISIT_SALT, token, places)
    visit = None
    if read is not None and read[2] is None:
        visit = WindowVisit.objects.select_related("department", "case", "case__item").filter(pk=read[1]).first()
    if read is None or visit is None:
        raise NotFound(Code.TOKEN_INVALID, _("评价链接无效，请重新扫描窗口评价二维码。"))
    if (now or timezone.now()) > visit.expires_at:
        raise Conflict(Code.TOKEN_EXPIRED, _("评价链接已过期（办理后 %(h)d 小时内有效）。") % {
            "h": settings.YIWANG_EVALUATION_VISIT_TOKEN_HOURS})
    return visit, VISIT_TOKEN_CHANNELS[read[0]]


def old_visit_link_refused() -> DomainError:
    """The answer to a link of the retired form ``/evaluation/v/<token>/?via=…``: its channel (评价器
    or 回执二维码) was not signed, so editing ``via`` moved the rating between the channels in the
    statistics. It rates nothing, whatever its token says; such links lived 72 hours at most."""
    return DomainError(Code.LINK_RETIRED, _("这是旧版窗口评价链接，已停止使用。请重新扫描窗口的评价二维码，"
                                            "或请窗口工作人员重新发起评价。"), status=410)


def rate_visit(*, token: str, level: object, indicators: object = None, comment: object = "",
               now: dt.datetime | None = None) -> Rating:
    """一次一评: the person served rates the window visit, once, on the channel its link names (the
    tablet or the visit's QR code: nothing else chooses it)."""
    now = now or timezone.now()
    visit, channel = read_visit_token(token, now=now)
    values = clean_rating(level, indicators, comment, channel, WINDOW_INDICATORS, VISIT_CHANNELS)
    with transaction.atomic():
        visit = WindowVisit.objects.select_for_update(of=("self",)).select_related("case").get(pk=visit.pk)
        if Rating.objects.filter(subject=Subject.VISIT, visit=visit, follow_up_of__isnull=True).exists():
            raise Conflict(Code.ALREADY_RATED, _("本次窗口服务已经评价过，感谢您的参与。"))
        rating = Rating(subject=Subject.VISIT, visit=visit, case=visit.case,
                        department_id=visit.department_id, item=visit.case.item if visit.case else None,
                        window=visit.window, staff_id=visit.clerk_id, **values)
        return _create(rating, now=now, actor=None)


# -- rectification (整改) ----------------------------------------------------------------------------


def _rectification(pk: int) -> Rectification:
    rectification = Rectification.objects.select_for_update().filter(pk=pk).first()
    if rectification is None:
        raise NotFound(Code.RECTIFICATION_NOT_FOUND, _("整改任务 %(id)s 不存在。") % {"id": pk})
    return rectification


def _department_or_supervisor(actor: User, department_id: int) -> None:
    if not (permissions.may_handle_department(actor, department_id) or permissions.may_supervise(actor)):
        raise Forbidden(Code.NOT_YOUR_DEPARTMENT, _("只有被评价部门的工作人员或电子监察人员可以办理。"))


def _illegal(rectification: Rectification, action: str) -> Conflict:
    return Conflict(Code.ILLEGAL_TRANSITION, _("整改任务当前状态为“%(status)s”，不能%(action)s。") % {
        "status": rectification.get_status_display(), "action": action}, {"status": rectification.status})


def reply_rectification(*, actor: User, rectification_id: int, reply: object,
                        now: dt.datetime | None = None) -> Rectification:
    """The department answers the 差评 (整改答复); the 回访 is then due within one working day."""
    text = _clean_text(reply, code=Code.REPLY_REQUIRED, message=_("请填写整改答复：查明的情况和整改措施。"))
    now = now or timezone.now()
    with transaction.atomic():
        rectification = _rectification(rectification_id)
        if not permissions.may_handle_department(actor, rectification.department_id):
            raise Forbidden(Code.NOT_YOUR_DEPARTMENT, _("只有被评价部门的工作人员可以答复整改。"))
        if not rectification.can_reply():
            raise _illegal(rectification, _("答复"))
        rectification.reply, rectification.replied_at, rectification.replied_by = text, now, actor
        rectification.callback_due_at = deadline_after(now, 1)
        rectification.status = RectificationStatus.REPLIED
        rectification.save(update_fields=["reply", "replied_at", "replied_by", "callback_due_at", "status"])
        record_audit(actor=actor, at=now, event_type="rectification_replied", subject_type="rectification",
                     subject_id=rectification.pk, actor_department=rectification.department,
                     details={"on_time": now <= rectification.due_at})
    return rectification


def record_rectification_callback(*, actor: User, rectification_id: int, result: object,
                                  note: object = "", now: dt.datetime | None = None) -> Rectification:
    """回访: a supervisor (or the service centre's staff) calls the person back after the reply."""
    if not permissions.may_supervise(actor):
        raise Forbidden(Code.NOT_A_SUPERVISOR, _("回访由电子监察人员记录。"))
    value = str(result or "")
    if value not in CallbackResult.values:
        raise _bad(Code.ILLEGAL_TRANSITION, _("回访结果无效，可选：%(options)s。") % {
            "options": "、".join(str(c.label) for c in CallbackResult)}, field="result")
    note_text = bounded_text(note, field="note", label=_("回访记录"), max_chars=MAX_TEXT)
    now = now or timezone.now()
    with transaction.atomic():
        rectification = _rectification(rectification_id)
        if not rectification.can_record_callback():
            raise _illegal(rectification, _("回访"))
        rectification.callback_at, rectification.callback_result = now, value
        rectification.callback_note, rectification.callback_by = note_text, actor
        rectification.save(update_fields=["callback_at", "callback_result", "callback_note", "callback_by"])
        record_audit(actor=actor, at=now, event_type="rectification_called_back", subject_type="rectification",
                     subject_id=rectification.pk, actor_department=rectification.department,
                     details={"result": value, "on_time": bool(rectification.callback_due_at
                                                               and now <= rectification.callback_due_at)})
    return rectification


def close_rectification(*, actor: User, rectification_id: int, published_outcome: object = "",
                        now: dt.datetime | None = None) -> Rectification:
    """办结 the rectification and publish its outcome (by default the reply). Never without a reply."""
    now = now or timezone.now()
    given = bounded_text(published_outcome, field="published_outcome", label=_("公开的整改结果"), max_chars=MAX_TEXT)
    with transaction.atomic():
        rectification = _rectification(rectification_id)
        _department_or_supervisor(actor, rectification.department_id)
        if not rectification.reply.strip():
            raise Conflict(Code.REPLY_REQUIRED, _("整改尚未答复，不能办结：请先填写整改答复。"))
        if not rectification.can_close():
            raise _illegal(rectification, _("办结"))
        outcome = given or rectification.reply
        rectification.status, rectification.closed_at, rectification.closed_by = RectificationStatus.CLOSED, now, actor
        rectification.published_outcome = outcome
        rectification.save(update_fields=["status", "closed_at", "closed_by", "published_outcome"])
        record_audit(actor=actor, at=now, event_type="rectification_closed", subject_type="rectification",
                     subject_id=rectification.pk, actor_department=rectification.department,
                     details={"called_back": rectification.callback_at is not None})
    return rectification


# -- 申诉复核 -----------------------------------------------------------------------------------------


def request_review(*, actor: User, rating_id: int, reason_kind: object, reason: object,
                   now: dt.datetime | None = None) -> RatingReview:
    """The rated department asks to void a malicious or mistaken rating."""
    rating = Rating.objects.filter(pk=rating_id).first()
    if rating is None:
        raise NotFound(Code.RATING_NOT_FOUND, _("评价 %(id)s 不存在。") % {"id": rating_id})
    if not permissions.may_handle_department(actor, rating.department_id):
        raise Forbidden(Code.NOT_YOUR_DEPARTMENT, _("只有被评价部门的工作人员可以申请复核。"))
    kind = str(reason_kind or "")
    if kind not in ReviewReason.values:
        raise _bad(Code.REASON_REQUIRED, _("请选择申诉理由：%(options)s。") % {
            "options": "、".join(str(c.label) for c in ReviewReason)}, field="reason_kind")
    text = _clean_text(reason, code=Code.REASON_REQUIRED, message=_("请写明申请复核的理由和依据。"))
    now = now or timezone.now()
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.voided_at is not None:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该评价已经作废。"))
        if RatingReview.objects.filter(rating=rating, status=ReviewStatus.PENDING).exists():
            raise Conflict(Code.REVIEW_PENDING, _("该评价已有待复核的申请。"))
        department = Department.objects.get(pk=rating.department_id)
        review = RatingReview.objects.create(rating=rating, department=department, reason_kind=kind, reason=text,
                                             requested_by=actor, requested_at=now)
        record_audit(actor=actor, at=now, event_type="rating_review_requested", subject_type="rating_review",
                     subject_id=review.pk, actor_department=department,
                     details={"rating": rating.pk, "reason_kind": kind})
    return review


def decide_review(*, actor: User, review_id: int, uphold: bool, decision: object,
                  now: dt.datetime | None = None) -> RatingReview:
    """A supervisor decides: upheld voids the rating (it leaves the statistics; its rectification is
    cancelled; a voided 追评 gives the statistics back to the original), rejected keeps it."""
    if not permissions.may_supervise(actor):
        raise Forbidden(Code.NOT_A_SUPERVISOR, _("只有电子监察人员可以作出复核决定。"))
    text = _clean_text(decision, code=Code.REASON_REQUIRED, message=_("请填写复核意见。"))
    now = now or timezone.now()
    with transaction.atomic():
        review = RatingReview.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise NotFound(Code.REVIEW_NOT_FOUND, _("复核申请 %(id)s 不存在。") % {"id": review_id})
        if not review.can_decide():
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该复核申请已经作出决定。"))
        if review.requested_by_id == actor.pk:
            raise Forbidden(Code.NOT_A_SUPERVISOR, _("不能复核自己提出的申请。"))
        review.status = ReviewStatus.UPHELD if uphold else ReviewStatus.REJECTED
        review.decision, review.decided_by, review.decided_at = text, actor, now
        review.save(update_fields=["status", "decision", "decided_by", "decided_at"])
        if uphold:
            _void(review.rating_id, now=now)
        record_audit(actor=actor, at=now, event_type="rating_review_decided", subject_type="rating_review",
                     subject_id=review.pk, details={"rating": review.rating_id, "status": review.status})
    return review


def _void(rating_id: int, *, now: dt.datetime) -> None:
    rating = Rating.objects.select_for_update().get(pk=rating_id)
    was_counted = rating.counted
    Rating.objects.filter(pk=rating.pk).update(voided_at=now, counted=False)
    if was_counted and rating.follow_up_of_id is not None:  # the original counts again, unless voided itself
        Rating.objects.filter(pk=rating.follow_up_of_id, voided_at__isnull=True).update(counted=True)
    Rectification.objects.filter(rating_id=rating.pk).exclude(status=RectificationStatus.CLOSED).update(
        status=RectificationStatus.CANCELLED)
