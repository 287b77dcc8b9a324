"""Working-day arithmetic (工作日) over the statutory calendar, with make-up working days (调休).

A day is a working day when the calendar says so, or else when it is Monday to Friday. Deadlines
fall at the end (local midnight, Asia/Shanghai) of the N-th working day after the start day.

The calendar knows the years entered as ``CalendarYear`` (``manage.py load_calendar`` loads the
published ones). Asking about a day after the last of them raises ``CalendarYearUnknown`` instead
of taking holidays for working days: a deadline computed that way would be a promise the county
cannot keep, and nobody would notice until the holiday came.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import CoreErrorCode, DomainError

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_CACHE_SECONDS = 60.0
_lock = threading.Lock()
_cache: dict[str, object] = {"loaded_at": 0.0, "days": {}, "last_year": None}


class CalendarYearUnknown(DomainError):
    """A working day was asked about in a year whose holidays have not been entered."""

    status = 409

    def __init__(self, day: dt.date, last_year: int | None):
        if last_year is None:
            message = _("工作日历尚未录入任何年度的节假日，无法计算办理时限。请管理员在管理后台录入（或运行 "
                        "manage.py load_calendar）。")
        else:
            message = _("工作日历只录入到 %(last)d 年，无法计算 %(year)d 年的办理时限。请管理员按国务院办公厅的"
                        "节假日安排录入 %(year)d 年的节假日和调休。") % {"last": last_year, "year": day.year}
        super().__init__(CoreErrorCode.CALENDAR_YEAR_UNKNOWN, message,
                         {"date": day.isoformat(), "last_known_year": last_year})


def _load() -> dict[str, object]:
    now = time.monotonic()
    with _lock:
        if now - float(_cache["loaded_at"]) > _CACHE_SECONDS:  # type: ignore[arg-type]  # the calendar cache is a dict[str, object]; _load() sets each key to one fixed type
            from yiwang.core.models import CalendarDay, CalendarYear

            _cache["days"] = dict(CalendarDay.objects.values_list("date", "is_working_day"))
            _cache["last_year"] = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
            _cache["loaded_at"] = now
        return _cache


def _overrides() -> dict[dt.date, bool]:
    return _load()["days"]  # type: ignore[return-value]  # the calendar cache is a dict[str, object]; _load() sets each key to one fixed type


def last_known_year() -> int | None:
    """The last year whose holidays have been entered (None: none yet)."""
    return _load()["last_year"]  # type: ignore[return-value]  # the calendar cache is a dict[str, object]; _load() sets each key to one fixed type


def invalidate_calendar_cache() -> None:
    with _lock:
        _cache["loaded_at"] = 0.0


def is_working_day(day: dt.date) -> bool:
    """Raises ``CalendarYearUnknown`` for a day after the last year the calendar knows."""
    state = _load()
    last_year = state["last_year"]
    if last_year is None or day.year > last_year:  # type: ignore[operator]  # the calendar cache is a dict[str, object]; _load() sets each key to one fixed type
        raise CalendarYearUnknown(day, last_year)  # type: ignore[arg-type]  # the calendar cache is a dict[str, object]; _load() sets each key to one fixed type
    override = state["days"].get(day)  # type: ignore[attr-defined]  # the calendar cache is a dict[str, object]; _load() sets each key to one fixed type
    if override is not None:
        return override
    return day.weekday() < 5


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date()


def local_today() -> dt.date:
    """The county's date now, by this server's clock (``timezone.now``). Not ``dt.date.today()``:
    that reads the process's zone (Asia/Shanghai only because Django sets ``TZ`` from
    ``TIME_ZONE``) and a clock pinned through ``timezone.now`` does not move it."""
    return local_date(timezone.now())


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted).

    With ``days == 0`` the answer is ``start`` when it is a working day, else the next working day.
    """
    day = start
    if days <= 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The working day that lies ``days`` working days before ``end``."""
    day = end
    remaining = days
    while remaining > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in the half-open range (``start``, ``end``]; 0 when ``end <= start``."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def end_of_day(day: dt.date) -> dt.datetime:
    """The instant a local day ends (next local midnight), as an aware datetime."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LOCAL_TZ)


def deadline_after(start: dt.datetime, days: int) -> dt.datetime:
    """The end of the ``days``-th working day after the local day of ``start``."""
    return end_of_day(add_working_days(local_date(start), days))


def extend_deadline(deadline: dt.datetime, days: int) -> dt.datetime:
    """Move a deadline ``days`` working days later (used when a paused clock resumes)."""
    if days <= 0:
        return deadline
    last_day = local_date(deadline - dt.timedelta(microseconds=1))
    return end_of_day(add_working_days(last_day, days))


def warning_threshold_days(promised_days: int) -> int:
    """Working days before the deadline at which a case turns yellow: one day, or 20 % of the
    promised time when that is longer."""
    return max(1, math.floor(promised_days * 0.2))


def warning_at(deadline: dt.datetime, promised_days: int) -> dt.datetime:
    """The instant from which at most the warning threshold of working days is left."""
    last_day = local_date(deadline - dt.timedelta(microseconds=1))
    return end_of_day(subtract_working_days(last_day, warning_threshold_days(promised_days)))


def paused_working_days(paused_at: dt.datetime, resumed_at: dt.datetime) -> int:
    """Working days a clock stood still: those that began while it was paused."""
    return working_days_between(local_date(paused_at), local_date(resumed_at))


def horizon_warnings(today: dt.date | None = None) -> list[str]:
    """What an operator must do about the calendar's horizon: enter the next year once the last
    known one is in its final two months, and check every provisional year still ahead."""
    from yiwang.core.models import CalendarYear, CalendarYearStatus

    today = today or local_today()
    years = list(CalendarYear.objects.filter(year__gte=today.year).order_by("year"))
    last = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    warnings = []
    if last is None:
        warnings.append(_("工作日历尚未录入任何年度，无法计算办理时限：请运行 manage.py load_calendar 或在“工作日历年度”中录入。"))
    elif last < today.year or (last == today.year and today >= dt.date(last, 11, 1)):
        warnings.append(_("工作日历只录入到 %(last)d 年：%(next)d 年的办理时限将无法计算。国务院办公厅公布 %(next)d 年节假日安排后，"
                          "请在“工作日历例外”中录入节假日和调休，并在“工作日历年度”中登记。") % {"last": last, "next": last + 1})
    for year in years:
        if year.status == CalendarYearStatus.PROVISIONAL:
            warnings.append(_("%(year)d 年的工作日历为暂定（%(source)s）：请对照国务院办公厅通知核对节假日和调休，确认后将该年度标为“已确认”。")
                            % {"year": year.year, "source": year.source or "—"})
    return warnings
