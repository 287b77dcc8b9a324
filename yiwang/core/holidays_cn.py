"""The national statutory calendar (全国年节及纪念日放假办法 and the State Council General Office's
yearly notice, 国务院办公厅关于 YYYY 年部分节假日安排的通知): per year, the days off and the
make-up working days (调休), with where they come from and whether they are confirmed.

Data, not code: `load_statutory_calendar` (``manage.py load_calendar``; ``seed_demo`` calls it)
writes these years into ``CalendarDay`` / ``CalendarYear``. Deadlines are refused past the last year
loaded, so add the next year here (or in the admin) each November, when the notice is published.
Weekend days inside a holiday are listed with the holiday's name, as the notices count them.

2027 is PROVISIONAL. When this file was written (December 2026) the 2027 notice could not be
checked from here, so 2027 holds only what the law fixes by itself: the statutory days of the
办法 as revised in 2024 (元旦 1 day; 春节 除夕 and 初一–初三; 清明 1; 劳动节 May 1–2; 端午 1; 中秋 1;
国庆 Oct 1–3) on their 2027 dates (lunar dates: 除夕 Feb 5, 端午 Jun 9, 中秋 Sep 15; 清明 Apr 5),
with a statutory day that falls on a weekend made up on the next working day (补假, as the 办法
requires). The notice will add bridging days and make-up working weekends (调休) that cannot be known
in advance: an operator must compare 2027 with the published notice, correct it in the admin
(工作日历例外) and mark the year confirmed (工作日历年度).
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict


class YearData(TypedDict):
    status: str  # "confirmed" | "provisional"
    source: str
    holidays: list[tuple[str, str, str]]  # first day, last day, name (days off)
    makeup: list[tuple[str, str]]  # make-up working days (调休上班), weekend days only


STATUTORY_CALENDAR: dict[int, YearData] = {
    2025: {
        "status": "confirmed",
        "source": "国务院办公厅关于2025年部分节假日安排的通知",
        "holidays": [
            ("2025-01-01", "2025-01-01", "元旦"),
            ("2025-01-28", "2025-02-04", "春节"),
            ("2025-04-04", "2025-04-06", "清明节"),
            ("2025-05-01", "2025-05-05", "劳动节"),
            ("2025-05-31", "2025-06-02", "端午节"),
            ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
        ],
        "makeup": [
            ("2025-01-26", "春节调休上班"),
            ("2025-02-08", "春节调休上班"),
            ("2025-04-27", "劳动节调休上班"),
            ("2025-09-28", "国庆节、中秋节调休上班"),
            ("2025-10-11", "国庆节、中秋节调休上班"),
        ],
    },
    2026: {
        "status": "confirmed",
        "source": "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）",
        "holidays": [
            ("2026-01-01", "2026-01-03", "元旦"),
            ("2026-02-15", "2026-02-23", "春节"),
            ("2026-04-04", "2026-04-06", "清明节"),
            ("2026-05-01", "2026-05-05", "劳动节"),
            ("2026-06-19", "2026-06-21", "端午节"),
            ("2026-09-25", "2026-09-27", "中秋节"),
            ("2026-10-01", "2026-10-07", "国庆节"),
        ],
        "makeup": [
            ("2026-01-04", "元旦调休上班"),
            ("2026-02-14", "春节调休上班"),
            ("2026-02-28", "春节调休上班"),
            ("2026-05-09", "劳动节调休上班"),
            ("2026-09-20", "国庆节调休上班"),
            ("2026-10-10", "国庆节调休上班"),
        ],
    },
    2027: {
        "status": "provisional",
        "source": "暂定：按《全国年节及纪念日放假办法》（2024年修订）推算，未含国务院办公厅2027年通知的调休安排，须核对确认",
        "holidays": [
            ("2027-01-01", "2027-01-01", "元旦"),
            ("2027-02-05", "2027-02-10", "春节（含补假）"),  # 除夕 Fri 5, 初一–初三 Sat 6–Mon 8, 补假 Tue 9, Wed 10
            ("2027-04-05", "2027-04-05", "清明节"),
            ("2027-05-01", "2027-05-04", "劳动节（含补假）"),  # May 1–2 fall on Sat–Sun: 补假 Mon 3, Tue 4
            ("2027-06-09", "2027-06-09", "端午节"),
            ("2027-09-15", "2027-09-15", "中秋节"),
            ("2027-10-01", "2027-10-05", "国庆节（含补假）"),  # Oct 2–3 fall on Sat–Sun: 补假 Mon 4, Tue 5
        ],
        "makeup": [],
    },
}


def exceptions_of(year: int) -> dict[dt.date, tuple[bool, str]]:
    """The days of ``year`` that differ from the Monday–Friday rule: date → (worked, name)."""
    data = STATUTORY_CALENDAR[year]
    days: dict[dt.date, tuple[bool, str]] = {}
    for first, last, name in data["holidays"]:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            days[day] = (False, name)
            day += dt.timedelta(days=1)
    for date, name in data["makeup"]:
        days[dt.date.fromisoformat(date)] = (True, name)
    return days
