"""The statutory calendar for tests: the real 2026 holidays and make-up working days (调休),
declared through the real service, and local (Asia/Shanghai) instants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yiwang.core.calendar import LOCAL_TZ
from yiwang.core.services import set_calendar_day


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware instant on the county's wall clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def declare_days(first: dt.date, last: dt.date, *, working: bool, name: str, actor: Any = None) -> None:
    day = first
    while day <= last:
        set_calendar_day(actor=actor, date=day, is_working_day=working, name=name)
        day += dt.timedelta(days=1)


def observe_2026_holidays(actor: Any = None) -> None:
    """春节 Feb 15–23 off with Feb 14 (Sat) and Feb 28 (Sat) worked; 国庆 Oct 1–7 off with Sep 20
    (Sun) and Oct 10 (Sat) worked, as the State Council published them."""
    declare_days(dt.date(2026, 2, 15), dt.date(2026, 2, 23), working=False, name="春节", actor=actor)
    for makeup in (dt.date(2026, 2, 14), dt.date(2026, 2, 28)):
        set_calendar_day(actor=actor, date=makeup, is_working_day=True, name="春节调休")
    declare_days(dt.date(2026, 10, 1), dt.date(2026, 10, 7), working=False, name="国庆节", actor=actor)
    for makeup in (dt.date(2026, 9, 20), dt.date(2026, 10, 10)):
        set_calendar_day(actor=actor, date=makeup, is_working_day=True, name="国庆调休")
