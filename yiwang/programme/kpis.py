"""The pilot's KPIs for the weekly report, read from ``insights`` (the one home of their
definitions) and made plain JSON for the report's archived snapshot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def kpi_rows(*, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    from yiwang.insights.selectors import kpi_summary

    return [{"code": str(k.code), "name": str(k.name), "value": _plain(k.value), "target": _plain(k.target),
             "baseline": _plain(k.baseline), "unit": str(k.unit or ""), "met": k.met}
            for k in kpi_summary(start=start, end=end)]
