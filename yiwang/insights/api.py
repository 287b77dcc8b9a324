"""The pilot's KPIs: ``GET /kpi/summary`` (the contract of issue #13), ``GET /kpi/{code}/cases``
(the drill-down) and ``GET /kpi/{code}/series``. Supervisors see the county and every department;
a department head sees their own department.

No ``from __future__ import annotations`` here: django-ninja resolves ``Query[...]`` at import."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from yiwang.core.http import AuthenticatedRequest
from yiwang.core.replica import read_from_replica
from yiwang.core.schemas import ERRORS
from yiwang.insights import scope, selectors

router = Router(tags=["insights"])


class InsightsKpiQuery(Schema):
    from_: dt.date | None = Field(None, alias="from", description="First day (local date), included; "
                                  "default: the current month")
    to: dt.date | None = Field(None, description="Last day, included (at most three years after ``from``)")
    period: Literal["week", "month", "quarter"] | None = Field(
        None, description="The current week, month or quarter (instead of from/to)")
    department: str | None = Field(None, max_length=32, description="Department code")
    item: str | None = Field(None, max_length=40, description="Service item code")


class InsightsKpiOut(Schema):
    code: str
    name: str
    value: float | None = Field(description="None when nothing was counted in the period")
    target: float | None = Field(description="None when it derives from a baseline that is not set")
    target_provenance: str = Field(description="where the target comes from when it derives from the baseline "
                                               "(handling time: baseline × 0.4), in the reader's language; "
                                               "empty for a set target")
    baseline: float | None = Field(description="None when no baseline is set (never a default)")
    baseline_source: str = Field(description="entered (by staff, source named), computed (from the platform's "
                                             "rollups for a baseline period), or empty without a baseline")
    baseline_provenance: str = Field(description="where the baseline came from, in the reader's language")
    baseline_demo: bool = Field(description="the baseline is a demo figure")
    unit: str
    met: bool | None = Field(description="Value meets target (≥, ≤ or < by the KPI); None without a value")
    numerator: float
    denominator: float
    definition: str = Field(description="Formula, in the reader's language")
    sources: str = Field(description="Source tables and columns")
    comparison: str = Field(description="gte, lte or lt: how the value is held against the target")


def _scope(request: AuthenticatedRequest, q: InsightsKpiQuery) -> scope.Scope:
    return scope.resolve(request.user, start=q.from_, end=q.to, period=q.period or "",
                         department=q.department or "", item=q.item or "")


@router.get("/kpi/summary", response={200: list[InsightsKpiOut], **ERRORS})
@read_from_replica
def kpi_summary(request: AuthenticatedRequest, q: Query[InsightsKpiQuery]) -> list[dict[str, Any]]:
    """Every KPI of the pilot over the period, beside its target and baseline, from the rollups."""
    s = _scope(request, q)
    return [k.as_dict() for k in selectors.kpi_summary(start=s.start, end=s.end, department=s.department, item=s.item)]


class InsightsDrillEntryOut(Schema):
    kind: Literal["case", "appeal", "rating", "rectification"]
    number: str
    day: dt.date = Field(description="The day the KPI counts it on (submitted, closed or received)")
    department: str
    counted: bool = Field(description="Counted in the numerator as well as the denominator")
    detail: str


class InsightsDrillOut(Schema):
    code: str
    entries: list[InsightsDrillEntryOut]
    limit: int
    offset: int


class InsightsDrillQuery(InsightsKpiQuery):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


@router.get("/kpi/{code}/cases", response={200: InsightsDrillOut, **ERRORS})
@read_from_replica
def kpi_cases(request: AuthenticatedRequest, code: str, q: Query[InsightsDrillQuery]) -> dict[str, Any]:
    """The cases (or appeals) behind one KPI over the period, newest first, a page at a time."""
    s = _scope(request, q)
    scope.kpi_definition(code)
    return selectors.drill_down(code=code, start=s.start, end=s.end, department=s.department, item=s.item,
                                limit=q.limit, offset=q.offset)


class InsightsSeriesOut(Schema):
    code: str
    grain: str = Field(description="day, week or month")
    labels: list[str]
    values: list[float | None]
    target: float | None


@router.get("/kpi/{code}/series", response={200: InsightsSeriesOut, **ERRORS})
@read_from_replica
def kpi_series(request: AuthenticatedRequest, code: str, q: Query[InsightsKpiQuery]) -> dict[str, Any]:
    """One KPI over the period by day, week or month (by the period's length), for a chart."""
    s = _scope(request, q)
    scope.kpi_definition(code)
    return selectors.kpi_series(code=code, start=s.start, end=s.end, department=s.department, item=s.item)
