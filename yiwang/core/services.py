"""Writes owned by ``core``: audit records, applicants, API tokens, the calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.calendar import invalidate_calendar_cache
from yiwang.core.errors import CoreErrorCode, DomainError, InvalidInput
from yiwang.core.ids import citizen_id_problem, normalize_id, uscc_problem
from yiwang.core.models import (
    ApiToken,
    Applicant,
    ApplicantKind,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    CalendarYearStatus,
    Department,
)


def record_audit(
    *,
    actor: AbstractBaseUser | None,
    event_type: str,
    subject_type: str,
    subject_id: Any,
    details: dict[str, Any] | None = None,
    actor_department: Department | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Write one audit record; call inside the transaction of the change it records.

    ``at`` is the business time of the change (the services' ``now``); it defaults to now."""
    return AuditEvent.objects.create(
        created_at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_department=actor_department,
        event_type=event_type,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details or {},
    )


def validate_applicant_id(*, kind: str, id_number: str) -> str:
    """Return the normalised ID number or raise a coded error naming what is wrong with it."""
    value = normalize_id(id_number)
    if kind == ApplicantKind.PERSON:
        problem = citizen_id_problem(value)
        if problem:
            raise InvalidInput(
                CoreErrorCode.INVALID_CITIZEN_ID,
                _("公民身份号码无效（%(problem)s）：请核对 18 位号码及校验位。") % {"problem": _problem_label(problem)},
                {"field": "id_number", "problem": problem},
            )
    elif kind == ApplicantKind.ORGANISATION:
        problem = uscc_problem(value)
        if problem:
            raise InvalidInput(
                CoreErrorCode.INVALID_USCC,
                _("统一社会信用代码无效（%(problem)s）：请核对 18 位代码及校验位。") % {"problem": _problem_label(problem)},
                {"field": "id_number", "problem": problem},
            )
    else:
        raise InvalidInput(CoreErrorCode.VALIDATION_FAILED, _("申请人类型无效。"), {"field": "kind"})
    return value


def _problem_label(problem: str) -> str:
    return {"format": _("格式错误"), "birth_date": _("出生日期错误"), "check_digit": _("校验位错误")}.get(problem, problem)


def register_applicant(
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    name: str,
    id_number: str,
    phone: str = "",
    address: str = "",
    legal_representative: str = "",
    user: AbstractBaseUser | None = None,
) -> Applicant:
    """Find the applicant with this ID number, or register a new one (e.g. a walk-in at the window)."""
    value = validate_applicant_id(kind=kind, id_number=id_number)
    if not (name or "").strip():
        raise InvalidInput(CoreErrorCode.VALIDATION_FAILED, _("请填写申请人名称。"), {"field": "name"})
    with transaction.atomic():
        existing = Applicant.objects.select_for_update().with_id_number(kind, value).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                applicant = Applicant.objects.create(
                    kind=kind,
                    name=name.strip(),
                    id_number=value,
                    phone=phone,
                    address=address,
                    legal_representative=legal_representative,
                    user=user,
                )
        except IntegrityError:
            return Applicant.objects.with_id_number(kind, value).get()
        record_audit(
            actor=actor,
            event_type="applicant_registered",
            subject_type="applicant",
            subject_id=applicant.pk,
            details={"kind": kind},
        )
        return applicant


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(*, username: str, password: str) -> str:
    """Check the credentials and return a new bearer token (only its digest is stored)."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise DomainError(CoreErrorCode.BAD_CREDENTIALS, _("用户名或密码错误。"), status=401)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            user=user,
            digest=_digest(token),
            expires_at=timezone.now() + dt.timedelta(hours=settings.YIWANG_TOKEN_TTL_HOURS),
        )
        record_audit(actor=user, event_type="api_token_issued", subject_type="user", subject_id=user.pk)
    return token


def user_for_token(token: str) -> AbstractBaseUser | None:
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return row.user if row else None


def set_calendar_day(*, actor: AbstractBaseUser | None, date: dt.date, is_working_day: bool, name: str = "") -> CalendarDay:
    """Declare a holiday or a make-up working day (调休)."""
    with transaction.atomic():
        day, _created = CalendarDay.objects.update_or_create(
            date=date, defaults={"is_working_day": is_working_day, "name": name}
        )
        record_audit(
            actor=actor,
            event_type="calendar_day_set",
            subject_type="calendar",
            subject_id=date.isoformat(),
            details={"is_working_day": is_working_day, "name": name},
        )
    invalidate_calendar_cache()
    return day


def set_calendar_year(*, actor: AbstractBaseUser | None, year: int, status: str, source: str = "") -> CalendarYear:
    """Declare a year's holidays entered (``confirmed``, or ``provisional`` until checked against the
    State Council's notice): deadlines may then run into it."""
    with transaction.atomic():
        row, _created = CalendarYear.objects.update_or_create(year=year, defaults={"status": status, "source": source})
        record_audit(actor=actor, event_type="calendar_year_set", subject_type="calendar", subject_id=str(year),
                     details={"status": status, "source": source})
    invalidate_calendar_cache()
    return row


def load_statutory_calendar(*, actor: AbstractBaseUser | None = None, years: list[int] | None = None) -> dict[str, int]:
    """Write the published national calendar (``yiwang.core.holidays_cn``) into the database:
    idempotent, audited, and never downgrading a year an operator has confirmed in the admin
    (their corrections of a provisional year stay)."""
    from yiwang.core.holidays_cn import STATUTORY_CALENDAR, exceptions_of

    counts = {"days_set": 0, "years_set": 0, "years_kept": 0}
    for year in sorted(years or STATUTORY_CALENDAR):
        data = STATUTORY_CALENDAR[year]
        existing_year = CalendarYear.objects.filter(year=year).first()
        if existing_year and existing_year.status == CalendarYearStatus.CONFIRMED and data["status"] != "confirmed":
            counts["years_kept"] += 1
            continue
        days = exceptions_of(year)
        stored = {d.date: (d.is_working_day, d.name) for d in CalendarDay.objects.filter(date__year=year)}
        for date, (working, name) in sorted(days.items()):
            if stored.get(date) != (working, name):
                set_calendar_day(actor=actor, date=date, is_working_day=working, name=name)
                counts["days_set"] += 1
        if existing_year is None or (existing_year.status, existing_year.source) != (data["status"], data["source"]):
            set_calendar_year(actor=actor, year=year, status=data["status"], source=data["source"])
            counts["years_set"] += 1
    return counts
