"""The pilot's KPIs for the weekly report, read from ``insights`` (the one home of their
definitions, targets and baselines) and made plain JSON for the report's archived snapshot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from yiwang.insights.selectors import kpi_summary


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def kpi_rows(*, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Every KPI over ``start``..``end`` (both included), names in Chinese: the archived report is
    a record in the platform's working language."""
    with translation.override("zh-hans"):
        return [{"code": str(k.code), "name": str(k.name), "value": _round(k.value), "target": _round(k.target),
                 "baseline": _round(k.baseline), "unit": str(k.unit or ""), "met": k.met}
                for k in kpi_summary(start=start, end=end)]
