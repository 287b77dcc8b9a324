"""Use cases of ``appeals``: intake from every channel, dispatch (派单), return (退单), closure,
call-back (回访), supervision (催办, escalation). Each is one transaction with its audit record.

Classification comes from ``yiwang.intelligence.services.classify_appeal``; a dispatcher's
correction is kept here (``AppealCorrection``) and passed to intelligence's ``record_correction``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yiwang.appeals import deadlines, geo, permissions
from yiwang.appeals.errors import AppealErrorCode as Code
from yiwang.appeals.gazetteer import geocode
from yiwang.appeals.models import (
    Appeal,
    AppealAssignment,
    AppealCallback,
    AppealChannel,
    AppealCorrection,
    AppealPhoto,
    AppealReport,
    AppealStatus,
    AppealType,
    AssignmentRole,
    Rating,
    ReporterNotice,
    Urgency,
)
from yiwang.core import calendar
from yiwang.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from yiwang.core.models import Department, Notification, Role, StaffRole
from yiwang.core.selectors import staff_roles_of
from yiwang.core.services import record_audit
from yiwang.core.text import bounded_text
from yiwang.core.users import User

logger = logging.getLogger(__name__)

TITLE_MAX = 200
REASON_MAX = 1000
NAME_MAX = 60
ADDRESS_MAX = 300


def text_limits() -> dict[str, int]:
    """The most characters (code points, as ``clean_text`` counts them) each text of an appeal may
    have, for the forms to say (their ``maxlength``, held in characters by the site's script)."""
    return {"title": TITLE_MAX, "body": settings.YIWANG_APPEALS_MAX_TEXT, "address": ADDRESS_MAX, "name": NAME_MAX}


# Input ------------------------------------------------------------------------------------------

def _bad(field: str, message: str, code: str = Code.TEXT_REQUIRED, **details: Any) -> InvalidInput:
    return InvalidInput(code, message, {"field": field, **details})


def clean_text(value: object, *, field: str, label: str, required: bool, max_chars: int) -> str:
    """Text as a person typed it, held by ``core.text.bounded_text`` (trimmed, line breaks as LF,
    too long or holding a control character or a lone surrogate refused, never cut or dropped),
    and present when ``required``."""
    text = bounded_text(value, field=field, label=label, max_chars=max_chars)
    if required and not text:
        raise _bad(field, _("请填写%(label)s。") % {"label": label})
    return text


def clean_choice(value: object, choices: type[models.TextChoices], *, field: str, label: str, default: str | None = None) -> str:
    text = str(value or "").strip() or (default or "")
    if text not in choices.values:
        raise _bad(field, _("%(label)s“%(value)s”无效，可选：%(options)s。") % {
            "label": label, "value": text[:40], "options": "、".join(str(c.label) for c in choices)},
            Code.CHOICE_INVALID, allowed=list(choices.values))
    return text


def clean_location(latitude: object, longitude: object, address: object) -> tuple[float | None, float | None, str]:
    """A point (WGS-84 degrees, both or neither) and/or an address; at least one of them."""
    address_text = clean_text(address, field="address", label=_("地址"), required=False, max_chars=ADDRESS_MAX)
    lat_given = latitude not in (None, "")
    lng_given = longitude not in (None, "")
    if lat_given != lng_given:
        raise _bad("latitude" if not lat_given else "longitude", _("经度和纬度须同时提供。"), Code.LOCATION_INVALID)
    lat = lng = None
    if lat_given:
        try:
            lat, lng = float(latitude), float(longitude)  # type: ignore[arg-type]  # anything float() refuses raises TypeError or ValueError, answered below as bad input
        except (TypeError, ValueError):
            raise _bad("latitude", _("经纬度须是数字。"), Code.LOCATION_INVALID) from None
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            raise _bad("latitude", _("纬度须在 -90 到 90 之间（收到 %(value)s）。") % {"value": str(latitude)[:20]},
                       Code.LOCATION_INVALID)
        if not (math.isfinite(lng) and -180 <= lng <= 180):
            raise _bad("longitude", _("经度须在 -180 到 180 之间（收到 %(value)s）。") % {"value": str(longitude)[:20]},
                       Code.LOCATION_INVALID)
    if lat is None and not address_text:
        raise _bad("address", _("请在地图上选择位置，或填写地址。"), Code.LOCATION_REQUIRED)
    return lat, lng, address_text


def clean_phone(value: object) -> str:
    text = str(value or "").strip().replace(" ", "").replace("-", "")
    if text and (len(text) > 20 or not text.lstrip("+").isdigit()):
        raise _bad("phone", _("联系电话只能包含数字（可带区号、+）。"), Code.CONTACT_INVALID)
    return text


def clean_email(value: object) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    text = str(value or "").strip()
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise _bad("email", _("电子邮箱格式不正确。"), Code.CONTACT_INVALID) from None
    return text


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_COUNT = 3
PHOTO_SIGNATURES = {"image/jpeg": (b"\xff\xd8\xff", "jpg"), "image/png": (b"\x89PNG\r\n\x1a\n", "png")}


def clean_photos(files: Iterable[Any]) -> list[tuple[bytes, str, str]]:
    """(content, content type, extension) of each photo: JPEG or PNG by their first bytes (the name
    and the declared type are not trusted), at most 3, each at most 5 MB."""
    files = [f for f in files if f is not None]
    if len(files) > PHOTO_MAX_COUNT:
        raise _bad("photos", _("最多上传 %(n)d 张照片。") % {"n": PHOTO_MAX_COUNT}, Code.CHOICE_INVALID)
    photos = []
    for f in files:
        if f.size > PHOTO_MAX_BYTES:
            raise _bad("photos", _("照片“%(name)s”超过 5 MB。") % {"name": str(f.name)[:60]}, Code.TEXT_TOO_LONG)
        content = f.read()
        kind = next((ct for ct, (magic, _ext) in PHOTO_SIGNATURES.items() if content.startswith(magic)), None)
        if kind is None:
            raise _bad("photos", _("“%(name)s”不是 JPEG 或 PNG 照片。") % {"name": str(f.name)[:60]}, Code.CHOICE_INVALID)
        photos.append((content, kind, PHOTO_SIGNATURES[kind][1]))
    return photos


# Intake -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Intake:
    """What a channel hands in. Views, the API, Open311 and the sensor listener all build one."""

    channel: str
    title: str
    body: str = ""
    appeal_type: str = AppealType.COMPLAINT
    urgency: str = Urgency.NORMAL
    is_complex: bool = False
    latitude: Any = None
    longitude: Any = None
    address: str = ""
    district: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    category: str = ""  # set by channels that know it (a sensor's type); otherwise the classifier proposes
    department: str = ""  # likewise, the department code that owns that category
    partner: str = ""
    media_url: str = ""
    attributes: dict[str, Any] | None = None
    source_device: str = ""


def _new_token() -> str:
    return secrets.token_urlsafe(18)[:24]


def _number(received_at: dt.datetime, pk: int) -> str:
    return f"{calendar.local_date(received_at):%Y%m%d}{pk:07d}"


def _intake_department(actor: User | None, channel: str) -> Department | None:
    """首接负责: a call or a grid report is first received by the agent's or grid worker's department."""
    if actor is None or channel not in (AppealChannel.HOTLINE, AppealChannel.GRID):
        return None
    wanted = Role.AGENT if channel == AppealChannel.HOTLINE else Role.GRID
    for role in staff_roles_of(actor):
        if role.role in (wanted, Role.DISPATCHER):
            return role.department
    return None


def _district_of_address(address: str) -> str:
    """The town of an address typed without a point, placed by the county's gazetteer ('' when it
    names no known place): the board counts it under its town instead of 未定位. The appeal keeps
    only the address as typed; the point is worked out again when it is needed."""
    place = geocode(address) if address else None
    return geo.district_of(place.latitude, place.longitude) if place else ""


def submit_appeal(*, actor: User | None, intake: Intake, photos: Iterable[Any] = (),
                  now: dt.datetime | None = None) -> AppealReport:
    """Register one report as a new appeal, classify it, and dispatch it when the classifier may
    (else it waits in the dispatcher's queue with the top alternatives). Returns the report (its
    ``token`` lets the reporter follow the appeal; ``report.appeal`` is the appeal)."""
    from yiwang.intelligence.services import classify_appeal

    now = now or timezone.now()
    channel = clean_choice(intake.channel, AppealChannel, field="channel", label=_("来源渠道"))
    if channel == AppealChannel.HOTLINE and not (actor and permissions.takes_calls(actor)):
        raise Forbidden(Code.NOT_AN_AGENT, _("只有12345热线坐席可以登记来电。"))
    if channel == AppealChannel.GRID and not (actor and permissions.is_grid_worker(actor)):
        raise Forbidden(Code.NOT_AN_AGENT, _("只有网格员可以上报事件。"))
    max_text = settings.YIWANG_APPEALS_MAX_TEXT
    title = clean_text(intake.title, field="title", label=_("标题"), required=True, max_chars=TITLE_MAX)
    body = clean_text(intake.body, field="body", label=_("诉求内容"), required=False, max_chars=max_text)
    appeal_type = clean_choice(intake.appeal_type, AppealType, field="appeal_type", label=_("诉求类型"))
    urgency = clean_choice(intake.urgency, Urgency, field="urgency", label=_("紧急程度"), default=Urgency.NORMAL)
    lat, lng, address = clean_location(intake.latitude, intake.longitude, intake.address)
    district = clean_text(intake.district, field="district", label=_("乡镇（街道）"), required=False, max_chars=40)
    name = clean_text(intake.reporter_name, field="name", label=_("姓名"), required=False, max_chars=NAME_MAX)
    phone = clean_phone(intake.reporter_phone)
    email = clean_email(intake.reporter_email)
    photo_files = clean_photos(photos)
    district = district or geo.district_of(lat, lng) or _district_of_address(address)

    if intake.category:
        suggestion = None
        category, lead_code = intake.category, intake.department
    else:
        suggestion = classify_appeal(title=title, body=body)
        category = suggestion.category or ""
        lead_code = (suggestion.department or "") if suggestion.dispatch else ""
    lead = Department.objects.filter(code=lead_code).first() if lead_code else None
    deadline = deadlines.compute(start=now, urgency=urgency, is_complex=intake.is_complex,
                                 text=f"{category} {title} {body}")
    with transaction.atomic():
        appeal = Appeal.objects.create(
            number=f"T{secrets.token_hex(9)}", title=title, body=body, appeal_type=appeal_type, urgency=urgency,
            is_complex=intake.is_complex, channel=channel, status=AppealStatus.TRIAGE,
            latitude=lat, longitude=lng, address=address, district=district,
            category=category if lead else "", suggested_category=category,
            suggested_department=(suggestion.department or "") if suggestion else lead_code,
            confidence=suggestion.confidence if suggestion else None,
            alternatives=[a.__dict__ for a in suggestion.alternatives] if suggestion else [],
            classifier_version=suggestion.model_version if suggestion else None,
            triage_reason="" if lead else ((suggestion.reason if suggestion else None) or "no_route"),
            first_contact_department=_intake_department(actor, channel),
            received_at=now, deadline_rule=deadline.rule, due_at=deadline.due_at, warn_at=deadline.warn_at,
            source_device=intake.source_device[:64],
        )
        appeal.number = _number(now, appeal.pk)  # the placeholder above fits the column and is unique
        appeal.save(update_fields=["number"])
        reporter_user = actor if channel == AppealChannel.PORTAL and actor and actor.is_authenticated else None
        report = AppealReport.objects.create(
            appeal=appeal, original_appeal=appeal, channel=channel, received_at=now, text=f"{title}\n{body}".strip(),
            reporter_name=name, reporter_phone=phone, reporter_email=email, reporter_user=reporter_user,
            taken_by=actor if actor is not None and actor.is_authenticated and reporter_user is None else None,
            token=_new_token(), partner=intake.partner[:60], media_url=intake.media_url[:500],
            attributes=intake.attributes or {})
        for content, content_type, ext in photo_files:
            photo = AppealPhoto(report=report, content_type=content_type, size=len(content),
                                sha256=hashlib.sha256(content).hexdigest())
            photo.file.save(f"{secrets.token_hex(12)}.{ext}", ContentFile(content), save=False)
            photo.save()
        record_audit(actor=actor, event_type="appeal_received", subject_type="appeal", subject_id=appeal.number, at=now,
                     details={"channel": channel, "type": appeal_type, "urgency": urgency, "report": report.pk,
                              "suggested_category": category, "confidence": appeal.confidence,
                              "model_version": appeal.classifier_version, "deadline_rule": deadline.rule,
                              "partner": intake.partner[:60], "photos": len(photo_files)})
        primary = find_duplicate_of(appeal)
        if primary is not None:  # the same matter, already open: one appeal, one more report
            _merge(appeal, primary, actor=actor, now=now, automatic=True)
        elif lead is not None:
            _assign(appeal, actor=None, category=category, lead=lead, co=[], now=now, auto=True)
    report.appeal = appeal
    return report


# Dispatch ---------------------------------------------------------------------------------------

def _locked(number: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().filter(number=str(number or "")[:20]).first()
    if appeal is None:
        raise NotFound(Code.APPEAL_NOT_FOUND, _("工单 %(number)s 不存在。") % {"number": str(number)[:20]})
    return appeal


def _department(code: str, field: str) -> Department:
    department = Department.objects.filter(code=str(code or "").strip()[:32]).first()
    if department is None:
        raise InvalidInput(Code.DEPARTMENT_NOT_FOUND, _("部门“%(code)s”不存在。") % {"code": str(code)[:32]},
                           {"field": field})
    return department


def catch_all_department() -> Department:
    code = settings.YIWANG_APPEALS_CATCH_ALL_DEPARTMENT
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise Conflict(Code.DEPARTMENT_NOT_FOUND,
                       _("兜底部门（代码 %(code)s）尚未建立，请管理员先在“部门”中添加。") % {"code": code}, {"code": code})
    return department


def _staff_of(department_ids: Iterable[int | None], roles: Iterable[str] | None = None) -> dict[int | None, list[int]]:
    """The staff of each department (an appeal not yet led by one has none)."""
    query = StaffRole.objects.filter(department__in=set(department_ids)).exclude(
        role__in=[Role.DISPATCHER, Role.AGENT, Role.GRID])
    if roles is not None:
        query = query.filter(role__in=list(roles))
    found: dict[int | None, list[int]] = {}
    for row in query.order_by("user_id"):
        if row.user_id not in found.setdefault(row.department_id, []):
            found[row.department_id].append(row.user_id)
    return found


def _notify_staff(user_ids: Iterable[int], *, kind: str, appeal: Appeal, title: str, body: str,
                  params: dict[str, Any]) -> None:
    Notification.objects.bulk_create([
        Notification(recipient_id=uid, kind=kind, title=title, message=body, params=params,
                     case_number=appeal.number, link=f"/work/appeals/{appeal.number}/")
        for uid in sorted(set(user_ids))])


def tell_reporters(appeal: Appeal, *, kind: str, title: str, body: str, params: dict[str, Any],
                   now: dt.datetime, reports: Iterable[AppealReport] | None = None) -> int:
    """Every reporter of the appeal is told (where they follow it, and a 消息 if they have an account).
    ``body`` is a Chinese template (``%(name)s``) translated when shown."""
    rows = list(reports if reports is not None else appeal.reports.all())
    ReporterNotice.objects.bulk_create([ReporterNotice(report=r, created_at=now, kind=kind, message=body, params=params)
                                        for r in rows])
    Notification.objects.bulk_create([
        Notification(recipient_id=r.reporter_user_id, kind=kind, title=title, message=body, params=params,
                     case_number=appeal.number, link=f"/appeals/follow/{r.token}/")
        for r in rows if r.reporter_user_id])
    return len(rows)


def _assign(appeal: Appeal, *, actor: User | None, category: str, lead: Department,
            co: list[Department], now: dt.datetime, auto: bool) -> None:
    AppealAssignment.objects.filter(appeal=appeal, active=True).update(active=False)
    AppealAssignment.objects.bulk_create(
        [AppealAssignment(appeal=appeal, department=lead, role=AssignmentRole.LEAD, assigned_at=now,
                          assigned_by=actor if actor is not None and actor.is_authenticated else None)]
        + [AppealAssignment(appeal=appeal, department=d, role=AssignmentRole.CO, assigned_at=now,
                            assigned_by=actor if actor is not None and actor.is_authenticated else None) for d in co])
    appeal.status = AppealStatus.HANDLING
    appeal.lead_department = lead
    appeal.category = category
    appeal.dispatched_at = now
    appeal.auto_dispatched = auto
    if appeal.first_contact_department_id is None:
        appeal.first_contact_department = lead
    appeal.save(update_fields=["status", "lead_department", "category", "dispatched_at", "auto_dispatched",
                               "first_contact_department"])
    record_audit(actor=actor, event_type="appeal_dispatched", subject_type="appeal", subject_id=appeal.number, at=now,
                 details={"lead": lead.code, "co": [d.code for d in co], "category": category, "automatic": auto})
    staff = _staff_of([lead.pk] + [d.pk for d in co])
    _notify_staff((u for users in staff.values() for u in users), kind="appeal_dispatched", appeal=appeal,
                  title=gettext_noop("新诉求工单"), body=gettext_noop("工单 %(number)s「%(title)s」已派至贵部门，请在 %(due)s 前办结。"),
                  params={"number": appeal.number, "title": appeal.title[:60],
                          "due": timezone.localtime(appeal.due_at).strftime("%Y-%m-%d %H:%M")})


def dispatch_appeal(*, actor: User, number: str, category: str, lead: str = "",
                    co: Iterable[str] = (), catch_all: bool = False, now: dt.datetime | None = None) -> Appeal:
    """派单 by a dispatcher: a lead department (主办), any co-handlers (协办); with ``catch_all`` or no
    lead, the county government's catch-all department (兜底). Where the dispatcher chose another
    category or department than the classifier proposed, the correction is kept as training data."""
    from yiwang.intelligence.selectors import known_categories

    if not permissions.is_dispatcher(actor):
        raise Forbidden(Code.NOT_A_DISPATCHER, _("只有派单员可以派单。"))
    now = now or timezone.now()
    category = clean_text(category, field="category", label=_("类别"), required=True, max_chars=64)
    known = known_categories()
    if known and category not in known:
        raise InvalidInput(Code.CATEGORY_UNKNOWN, _("类别“%(category)s”不存在，请从列表中选择。") % {"category": category},
                           {"field": "category", "allowed": sorted(known)})
    lead_department = catch_all_department() if catch_all or not str(lead or "").strip() else _department(lead, "lead")
    co_departments = []
    for code in dict.fromkeys(c for c in co if str(c).strip()):
        department = _department(code, "co")
        if department.pk == lead_department.pk:
            raise InvalidInput(Code.CO_HANDLER_IS_LEAD, _("协办部门不能与主办部门相同。"), {"field": "co"})
        co_departments.append(department)
    with transaction.atomic():
        appeal = _locked(number)
        if appeal.status != AppealStatus.TRIAGE:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("工单 %(number)s 当前为「%(status)s」，不在待派单队列中。") % {
                "number": appeal.number, "status": appeal.get_status_display()}, {"status": appeal.status})
        _assign(appeal, actor=actor, category=category, lead=lead_department, co=co_departments, now=now, auto=False)
        if appeal.suggested_category and (category != appeal.suggested_category
                                          or lead_department.code != appeal.suggested_department):
            _record_correction(appeal, actor=actor, category=category, department=lead_department.code, now=now)
    return appeal


def _record_correction(appeal: Appeal, *, actor: User, category: str, department: str,
                       now: dt.datetime) -> AppealCorrection:
    from yiwang.intelligence.services import record_correction

    example_id = None
    if category != appeal.suggested_category:
        try:
            with transaction.atomic():
                example_id = record_correction(actor=actor, title=appeal.title, body=appeal.body,
                                               predicted=appeal.suggested_category, corrected=category,
                                               model_version=appeal.classifier_version).pk
        except DomainError as exc:  # a category intelligence does not know: kept here only
            logger.info("Correction of %s kept in appeals only: %s", appeal.number, exc.code)
    correction = AppealCorrection.objects.create(
        appeal=appeal, created_at=now, actor=actor, suggested_category=appeal.suggested_category,
        suggested_department=appeal.suggested_department, category=category, department=department,
        model_version=appeal.classifier_version, labelled_example_id=example_id)
    record_audit(actor=actor, event_type="appeal_classification_corrected", subject_type="appeal",
                 subject_id=appeal.number, at=now,
                 details={"suggested": appeal.suggested_category, "category": category,
                          "suggested_department": appeal.suggested_department, "department": department,
                          "labelled_example": example_id})
    return correction


def return_appeal(*, actor: User, number: str, reason: str, now: dt.datetime | None = None) -> Appeal:
    """退单: the lead department sends the appeal back with a reason, once per department; it goes
    back to the dispatcher's queue. The catch-all department (兜底) cannot return one."""
    now = now or timezone.now()
    reason = clean_text(reason, field="reason", label=_("退单理由"), required=True, max_chars=REASON_MAX)
    with transaction.atomic():
        appeal = _locked(number)
        if appeal.status != AppealStatus.HANDLING:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("工单 %(number)s 当前为「%(status)s」，不能退单。") % {
                "number": appeal.number, "status": appeal.get_status_display()}, {"status": appeal.status})
        department = appeal.lead_department  # handles() holds only for an appeal with a lead department
        if department is None or not permissions.handles(actor, appeal):
            raise Forbidden(Code.NOT_YOUR_APPEAL, _("只有主办部门可以退单。"))
        if department.code == settings.YIWANG_APPEALS_CATCH_ALL_DEPARTMENT:
            raise Conflict(Code.CATCH_ALL_CANNOT_RETURN, _("兜底部门不能退单，须牵头办理。"))
        if AppealAssignment.objects.filter(appeal=appeal, department=department, returned_at__isnull=False).exists():
            raise Conflict(Code.ALREADY_RETURNED,
                           _("%(department)s 已退过一次此工单，不能再次退单，请办理。") % {"department": department.name},
                           {"department": department.code})
        lead_row = AppealAssignment.objects.get(appeal=appeal, active=True, role=AssignmentRole.LEAD)
        try:
            with transaction.atomic():
                AppealAssignment.objects.filter(pk=lead_row.pk).update(returned_at=now, return_reason=reason)
        except IntegrityError:  # a concurrent return by the same department got there first
            raise Conflict(Code.ALREADY_RETURNED, _("该部门已退过此工单。")) from None
        AppealAssignment.objects.filter(appeal=appeal, active=True).update(active=False)
        appeal.status = AppealStatus.TRIAGE
        appeal.lead_department = None
        appeal.triage_reason = "returned"
        appeal.save(update_fields=["status", "lead_department", "triage_reason"])
        record_audit(actor=actor, event_type="appeal_returned", subject_type="appeal", subject_id=appeal.number,
                     at=now, actor_department=department, details={"department": department.code, "reason": reason})
        dispatchers = StaffRole.objects.filter(role=Role.DISPATCHER).values_list("user_id", flat=True)
        _notify_staff(dispatchers, kind="appeal_returned", appeal=appeal, title=gettext_noop("退单待重新派单"),
                      body=gettext_noop("%(department)s 退回工单 %(number)s：%(reason)s"),
                      params={"department": department.name, "number": appeal.number, "reason": reason[:200]})
    return appeal


# Closure and call-back --------------------------------------------------------------------------

def close_appeal(*, actor: User, number: str, reply: str, now: dt.datetime | None = None) -> Appeal:
    """The lead department replies (办理答复) and closes; a call-back falls due within one working day."""
    now = now or timezone.now()
    reply = clean_text(reply, field="reply", label=_("办理答复"), required=True,
                       max_chars=settings.YIWANG_APPEALS_MAX_TEXT)
    with transaction.atomic():
        appeal = _locked(number)
        if appeal.status != AppealStatus.HANDLING:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("工单 %(number)s 当前为「%(status)s」，不能办结。") % {
                "number": appeal.number, "status": appeal.get_status_display()}, {"status": appeal.status})
        if not permissions.handles(actor, appeal):
            raise Forbidden(Code.NOT_YOUR_APPEAL, _("只有主办部门可以答复办结。"))
        appeal.status = AppealStatus.CLOSED
        appeal.closed_at = now
        appeal.reply = reply
        appeal.replied_by = actor
        appeal.callback_due_at = calendar.deadline_after(now, 1)
        appeal.callback_at = None
        appeal.rating = ""
        appeal.save(update_fields=["status", "closed_at", "reply", "replied_by", "callback_due_at", "callback_at",
                                   "rating"])
        record_audit(actor=actor, event_type="appeal_closed", subject_type="appeal", subject_id=appeal.number, at=now,
                     actor_department=appeal.lead_department, details={"overdue": now > appeal.due_at})
        tell_reporters(appeal, kind="appeal_closed", title=gettext_noop("诉求已办结"), now=now,
                       body=gettext_noop("您反映的工单 %(number)s 已办结，答复：%(reply)s"),
                       params={"number": appeal.number, "reply": reply[:300]})
    return appeal


def record_callback(*, actor: User, number: str, rating: str, note: str = "",
                    now: dt.datetime | None = None) -> Appeal:
    """回访: the reporter's rating of a closed appeal. Not satisfied reopens it, once."""
    if not permissions.takes_calls(actor):
        raise Forbidden(Code.NOT_AN_AGENT, _("只有12345热线坐席或派单员可以登记回访。"))
    now = now or timezone.now()
    rating = clean_choice(rating, Rating, field="rating", label=_("回访评价"))
    note = clean_text(note, field="note", label=_("回访记录"), required=False, max_chars=REASON_MAX)
    with transaction.atomic():
        appeal = _locked(number)
        if appeal.status != AppealStatus.CLOSED:
            raise Conflict(Code.NOT_CLOSED, _("工单 %(number)s 尚未办结（当前「%(status)s」），不能回访评价。") % {
                "number": appeal.number, "status": appeal.get_status_display()}, {"status": appeal.status})
        if appeal.rating:
            raise Conflict(Code.ALREADY_RATED, _("工单 %(number)s 已回访评价过。") % {"number": appeal.number})
        reopen = rating == Rating.NOT_SATISFIED and appeal.reopen_count == 0
        AppealCallback.objects.create(appeal=appeal, created_at=now, actor=actor, rating=rating, note=note,
                                      on_time=appeal.callback_due_at is None or now <= appeal.callback_due_at,
                                      reopened=reopen)
        appeal.callback_at = now
        appeal.rating = rating
        fields = ["callback_at", "rating"]
        if reopen:
            deadline = deadlines.compute(start=now, urgency=appeal.urgency, is_complex=appeal.is_complex,
                                         text=f"{appeal.category} {appeal.title} {appeal.body}")
            appeal.status = AppealStatus.HANDLING
            appeal.reopen_count = F("reopen_count") + 1
            appeal.due_at, appeal.warn_at, appeal.deadline_rule = deadline.due_at, deadline.warn_at, deadline.rule
            appeal.closed_at = None
            appeal.urged_at = appeal.escalated_at = None
            fields += ["status", "reopen_count", "due_at", "warn_at", "deadline_rule", "closed_at", "urged_at",
                       "escalated_at"]
        appeal.save(update_fields=fields)
        record_audit(actor=actor, event_type="appeal_called_back", subject_type="appeal", subject_id=appeal.number,
                     at=now, details={"rating": rating, "reopened": reopen})
        if reopen:
            record_audit(actor=actor, event_type="appeal_reopened", subject_type="appeal", subject_id=appeal.number,
                         at=now, details={"due_at": appeal.due_at.isoformat()})
            staff = _staff_of([appeal.lead_department_id])
            _notify_staff(staff.get(appeal.lead_department_id, []), kind="appeal_reopened", appeal=appeal,
                          title=gettext_noop("工单重办"), body=gettext_noop("工单 %(number)s 回访不满意，已退回重办。"), params={"number": appeal.number})
    appeal.refresh_from_db()
    return appeal


# Supervision ------------------------------------------------------------------------------------

def supervise_appeals(*, now: dt.datetime | None = None) -> dict[str, int]:
    """催办 at the deadline (the lead department's staff are told), escalation to its head once the
    appeal is ``YIWANG_APPEALS_ESCALATE_AFTER_HOURS`` past it. Each appeal is urged and escalated
    once per deadline (a reopened appeal starts over). Idempotent; run by the worker or
    ``manage.py supervise_appeals``."""
    now = now or timezone.now()
    escalate_before = now - dt.timedelta(hours=settings.YIWANG_APPEALS_ESCALATE_AFTER_HOURS)
    counts = {"urged": 0, "escalated": 0}
    with transaction.atomic():
        to_urge = list(Appeal.objects.select_for_update(skip_locked=True).filter(
            status=AppealStatus.HANDLING, due_at__lte=now, urged_at__isnull=True).order_by("due_at")[:1000])
        staff = _staff_of({a.lead_department_id for a in to_urge})
        for appeal in to_urge:
            _notify_staff(staff.get(appeal.lead_department_id, []), kind="appeal_urged", appeal=appeal, title=gettext_noop("催办"),
                          body=gettext_noop("工单 %(number)s「%(title)s」已到办理时限，请尽快办结。"),
                          params={"number": appeal.number, "title": appeal.title[:60]})
            record_audit(actor=None, event_type="appeal_urged", subject_type="appeal", subject_id=appeal.number,
                         at=now, details={"department": appeal.lead_department_id, "due_at": appeal.due_at.isoformat()})
        Appeal.objects.filter(pk__in=[a.pk for a in to_urge]).update(urged_at=now)
        counts["urged"] = len(to_urge)
        to_escalate = list(Appeal.objects.select_for_update(skip_locked=True).filter(
            status=AppealStatus.HANDLING, due_at__lte=escalate_before, escalated_at__isnull=True,
            urged_at__isnull=False).order_by("due_at")[:1000])
        heads = _staff_of({a.lead_department_id for a in to_escalate}, roles=[Role.HEAD])
        for appeal in to_escalate:
            _notify_staff(heads.get(appeal.lead_department_id, []), kind="appeal_escalated", appeal=appeal,
                          title=gettext_noop("超期升级"), body=gettext_noop("工单 %(number)s「%(title)s」已超期，升级至部门负责人督办。"),
                          params={"number": appeal.number, "title": appeal.title[:60]})
            record_audit(actor=None, event_type="appeal_escalated", subject_type="appeal", subject_id=appeal.number,
                         at=now, details={"department": appeal.lead_department_id})
        Appeal.objects.filter(pk__in=[a.pk for a in to_escalate]).update(escalated_at=now)
        counts["escalated"] = len(to_escalate)
    return counts


# Open311 partner keys -----------------------------------------------------------------------------

def open311_key_hash(key: str) -> str:
    # A key is 32 random bytes: a plain digest is enough (nothing to guess from); the raw key is never stored.
    return hashlib.sha256(str(key or "").encode("utf-8", "surrogatepass")).hexdigest()


def issue_open311_key(*, actor: User | None, name: str) -> tuple[Any, str]:
    """A new partner and its key (returned once, never stored). A revoked partner of the same name
    is given a new key; an active one is refused (revoke it first)."""
    from yiwang.appeals.models import Open311Partner

    name = clean_text(name, field="name", label=_("合作系统名称"), required=True, max_chars=60)
    key = "o311_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        partner = Open311Partner.objects.select_for_update().filter(name=name).first()
        if partner is not None and partner.revoked_at is None:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("合作系统“%(name)s”已有有效密钥；如需更换请先吊销。") % {"name": name})
        if partner is None:
            partner = Open311Partner(name=name)
        partner.key_prefix, partner.key_hash, partner.revoked_at = key[:12], open311_key_hash(key), None
        partner.save()
        record_audit(actor=actor, event_type="open311_key_issued", subject_type="open311_partner", subject_id=name,
                     details={"prefix": partner.key_prefix})
    return partner, key


def revoke_open311_key(*, actor: User | None, name: str, now: dt.datetime | None = None) -> Any:
    from yiwang.appeals.models import Open311Partner

    with transaction.atomic():
        partner = Open311Partner.objects.select_for_update().filter(name=str(name)[:60]).first()
        if partner is None:
            raise NotFound(Code.APPEAL_NOT_FOUND, _("没有名为“%(name)s”的合作系统。") % {"name": str(name)[:60]})
        if partner.revoked_at is None:
            partner.revoked_at = now or timezone.now()
            partner.save(update_fields=["revoked_at"])
            record_audit(actor=actor, event_type="open311_key_revoked", subject_type="open311_partner",
                         subject_id=partner.name, details={"prefix": partner.key_prefix})
    return partner


def open311_partner_for(key: str) -> Any:
    from yiwang.appeals.models import Open311Partner

    if not key or len(key) > 200:
        return None
    return Open311Partner.objects.filter(key_hash=open311_key_hash(key), revoked_at__isnull=True).first()


# Duplicates -------------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def _same_address(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return "".join(ch for ch in text if not ch.isspace() and ch not in "，,。.-—()（）")

    return bool(a) and norm(a) == norm(b)


def find_duplicate_of(appeal: Appeal) -> Appeal | None:
    """The open appeal this one repeats: same category, received within the duplicate window
    (``APPEALS_DUPLICATE_WINDOW_HOURS``) and within ``APPEALS_DUPLICATE_RADIUS_M`` metres. A report
    that typed only an address is placed by the county's gazetteer (``gazetteer.geocode``: a house
    number, a crossing, a community or a landmark; then the radius is at least the place's own
    uncertainty); an address the gazetteer cannot place is compared as text. The oldest such appeal
    wins, so that every repeat joins one."""
    category = appeal.category or appeal.suggested_category
    if not category:
        return None
    window = dt.timedelta(hours=settings.YIWANG_APPEALS_DUPLICATE_WINDOW_HOURS)
    candidates = (Appeal.objects.filter(status__in=AppealStatus.open_states(),
                                        received_at__gte=appeal.received_at - window,
                                        received_at__lte=appeal.received_at + window)
                  .filter(models.Q(category=category) | models.Q(category="", suggested_category=category))
                  .exclude(pk=appeal.pk).order_by("received_at", "id"))
    radius = settings.YIWANG_APPEALS_DUPLICATE_RADIUS_M
    here: tuple[float, float] | None
    if appeal.latitude is not None and appeal.longitude is not None:  # given together (clean_location)
        here, reach = (appeal.latitude, appeal.longitude), float(radius)
    else:
        placed = geocode(appeal.address) if appeal.address else None
        here, reach = ((placed.latitude, placed.longitude), max(float(radius), placed.uncertainty_m)) if placed else (None, 0.0)
    if here is not None:
        # a box first (indexed columns, a few candidates), the exact distance after
        dlat = reach / 111_000
        dlng = reach / (111_000 * max(0.1, math.cos(math.radians(here[0]))))
        for other in candidates.filter(latitude__range=(here[0] - dlat, here[0] + dlat),
                                       longitude__range=(here[1] - dlng, here[1] + dlng))[:200]:
            if distance_m(here[0], here[1], other.latitude, other.longitude) <= reach:  # type: ignore[arg-type]  # the range filter leaves only rows with a point
                return other
    if not appeal.address and here is None:
        return None
    # Reports that gave only an address: placed by the gazetteer where it can, else the same address
    # text decides; two points that are far apart are two places whatever the addresses say.
    address_only = candidates.exclude(address="")
    if appeal.latitude is not None:
        address_only = address_only.filter(latitude__isnull=True)
    for other in address_only[:500]:
        if appeal.address and _same_address(appeal.address, other.address):
            return other
        there = geocode(other.address) if other.latitude is None else None
        if here is not None and there is not None and distance_m(
                here[0], here[1], there.latitude, there.longitude) <= max(reach, there.uncertainty_m):
            return other
    return None


def _merge(duplicate: Appeal, primary: Appeal, *, actor: User | None, now: dt.datetime,
           automatic: bool) -> None:
    moved = list(AppealReport.objects.filter(appeal=duplicate))
    AppealReport.objects.filter(appeal=duplicate).update(appeal=primary)
    duplicate.status = AppealStatus.MERGED
    duplicate.merged_into = primary
    duplicate.merged_at = now
    duplicate.merged_automatically = automatic
    duplicate.save(update_fields=["status", "merged_into", "merged_at", "merged_automatically"])
    # the matter's place is what its reports say together: a point or an address one report lacks
    # and another gives is kept, so that later reports of either kind find the matter
    place_fields = []
    if primary.latitude is None and duplicate.latitude is not None:
        primary.latitude, primary.longitude = duplicate.latitude, duplicate.longitude
        place_fields += ["latitude", "longitude"]
    if not primary.address and duplicate.address:
        primary.address = duplicate.address
        place_fields.append("address")
    if place_fields:
        primary.save(update_fields=place_fields)
    # the matter is as urgent as its most urgent report
    if duplicate.due_at < primary.due_at:
        primary.due_at, primary.warn_at = duplicate.due_at, min(primary.warn_at, duplicate.warn_at)
        primary.urgency, primary.deadline_rule = duplicate.urgency, duplicate.deadline_rule
        primary.save(update_fields=["due_at", "warn_at", "urgency", "deadline_rule"])
    details = {"into": primary.number, "reports": [r.pk for r in moved], "automatic": automatic}
    record_audit(actor=actor, event_type="appeal_merged", subject_type="appeal", subject_id=duplicate.number,
                 at=now, details=details)
    record_audit(actor=actor, event_type="appeal_absorbed", subject_type="appeal", subject_id=primary.number,
                 at=now, details={"from": duplicate.number, "reports": [r.pk for r in moved]})
    tell_reporters(primary, kind="appeal_merged", title=gettext_noop("诉求已合并办理"), now=now, reports=moved,
                   body=gettext_noop("您反映的问题与工单 %(number)s 是同一件事，已合并办理，进度以该工单为准。"),
                   params={"number": primary.number})


def merge_appeals(*, actor: User, number: str, into: str, now: dt.datetime | None = None) -> Appeal:
    """A dispatcher merges an open appeal into another open one (the same matter)."""
    if not permissions.is_dispatcher(actor):
        raise Forbidden(Code.NOT_A_DISPATCHER, _("只有派单员可以合并工单。"))
    now = now or timezone.now()
    if str(number) == str(into):
        raise InvalidInput(Code.ILLEGAL_TRANSITION, _("不能把工单合并到它自己。"), {"field": "into"})
    with transaction.atomic():
        duplicate, primary = _locked(number), _locked(into)
        for a in (duplicate, primary):
            if a.status not in AppealStatus.open_states():
                raise Conflict(Code.ILLEGAL_TRANSITION, _("工单 %(number)s 当前为「%(status)s」，不能合并。") % {
                    "number": a.number, "status": a.get_status_display()}, {"status": a.status})
        AppealAssignment.objects.filter(appeal=duplicate, active=True).update(active=False)
        _merge(duplicate, primary, actor=actor, now=now, automatic=False)
    return primary


def unmerge_appeal(*, actor: User, number: str, now: dt.datetime | None = None) -> Appeal:
    """Undo a merge: the appeal gets its own reports back and returns to the dispatcher's queue;
    its reporters are told."""
    if not permissions.is_dispatcher(actor):
        raise Forbidden(Code.NOT_A_DISPATCHER, _("只有派单员可以撤销合并。"))
    now = now or timezone.now()
    with transaction.atomic():
        appeal = _locked(number)
        primary = appeal.merged_into
        if appeal.status != AppealStatus.MERGED or primary is None:
            raise Conflict(Code.ILLEGAL_TRANSITION, _("工单 %(number)s 未被合并。") % {"number": appeal.number})
        reports = list(AppealReport.objects.filter(original_appeal=appeal))
        AppealReport.objects.filter(original_appeal=appeal).update(appeal=appeal)
        appeal.status, appeal.merged_into, appeal.merged_at = AppealStatus.TRIAGE, None, None
        appeal.lead_department, appeal.triage_reason = None, "unmerged"
        appeal.save(update_fields=["status", "merged_into", "merged_at", "lead_department", "triage_reason"])
        record_audit(actor=actor, event_type="appeal_unmerged", subject_type="appeal", subject_id=appeal.number,
                     at=now, details={"from": primary.number, "reports": [r.pk for r in reports]})
        tell_reporters(appeal, kind="appeal_unmerged", title=gettext_noop("诉求已单独办理"), now=now, reports=reports,
                       body=gettext_noop("经核实，您反映的问题与工单 %(other)s 不是同一件事，已恢复为工单 %(number)s 单独办理。"),
                       params={"other": primary.number, "number": appeal.number})
    return appeal
