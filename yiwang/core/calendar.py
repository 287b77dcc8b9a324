"""Working-day arithmetic (工作日) over the statutory calendar, with make-up working days (调休).

A day is a working day when the calendar says so, or else when it is Monday to Friday. Deadlines
fall at the end (local midnight, Asia/Shanghai) of the N-th working day after the start day.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_CACHE_SECONDS = 60.0
_lock = threading.Lock()
_cache: dict[str, object] = {"loaded_at": 0.0, "days": {}}


def _overrides() -> dict[dt.date, bool]:
    now = time.monotonic()
    with _lock:
        if now - float(_cache["loaded_at"]) > _CACHE_SECONDS:  # type: ignore[arg-type]
            from yiwang.core.models import CalendarDay

            _cache["days"] = dict(CalendarDay.objects.values_list("date", "is_working_day"))
            _cache["loaded_at"] = now
        return _cache["days"]  # type: ignore[return-value]


def invalidate_calendar_cache() -> None:
    with _lock:
        _cache["loaded_at"] = 0.0


def is_working_day(day: dt.date) -> bool:
    override = _overrides().get(day)
    if override is not None:
        return override
    return day.weekday() < 5


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date()


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
