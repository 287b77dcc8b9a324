"""Reads of the KPIs: the summary (``kpi_summary``, which ``programme`` calls for the weekly
report), the series for the charts, and the drill-down to the cases and appeals behind a figure.
Every figure is a sum over ``DailyRollup`` rows, never a scan of the cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from yiwang.catalog.models import ServiceItem
from yiwang.core.models import Department, Role
from yiwang.core.selectors import is_supervisor, staff_roles_of
from yiwang.core.users import User
from yiwang.insights.kpis import BY_CODE, DEFINITIONS, UNIT_LABELS, KpiDefinition
from yiwang.insights.models import (
    COUNTERS,
    AppealFact,
    BaselineSource,
    CaseFact,
    DailyRollup,
    KpiSetting,
    RatingFact,
    RectificationFact,
)


@dataclass(frozen=True)
class Kpi:
    """One KPI over a period: its value beside its target and baseline; ``met`` None when there is
    no value (nothing to count in the period). ``numerator``/``denominator`` are the counts behind
    the value (for a time, the total seconds and the number of closed cases or appeals)."""

    code: str
    name: str
    value: float | None
    target: float | None
    baseline: float | None
    unit: str
    met: bool | None
    numerator: float
    denominator: float
    definition: str
    sources: str
    drill: str
    comparison: str
    baseline_source: str = ""  # "entered", "computed", or "" when there is no baseline
    baseline_provenance: str = ""  # where the baseline came from, in the reader's language
    baseline_demo: bool = False
    target_provenance: str = ""  # where the target comes from when it derives from the baseline

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows(*, start: dt.date, end: dt.date, department: Department | None, item: ServiceItem | None
          ) -> QuerySet[DailyRollup]:
    rows = DailyRollup.objects.filter(day__gte=start, day__lte=end)
    if department is not None:
        rows = rows.filter(department_id=department.pk)
    if item is not None:
        rows = rows.filter(item_id=item.pk)
    return rows


def rollup_sums(*, start: dt.date, end: dt.date, department: Department | None = None,
                item: ServiceItem | None = None) -> dict[str, int]:
    totals = _rows(start=start, end=end, department=department, item=item).aggregate(**{c: Sum(c) for c in COUNTERS})
    return {c: int(totals[c] or 0) for c in COUNTERS}


def settings_by_code() -> dict[str, KpiSetting]:
    return {s.code: s for s in KpiSetting.objects.all()}


def baseline_provenance(setting: KpiSetting | None) -> str:
    """Where a KPI's baseline came from, or that it has none (never an invented one)."""
    if setting is None or setting.baseline is None:
        return _("未设置基线")
    if setting.baseline_source == BaselineSource.COMPUTED and setting.baseline_start and setting.baseline_end:
        text = _("平台数据计算：%(start)s 至 %(end)s") % {"start": setting.baseline_start.isoformat(),
                                                     "end": setting.baseline_end.isoformat()}
    else:
        text = _("人工录入：%(source)s") % {"source": setting.baseline_note or _("未注明来源")}
    return f"{text}（{_('演示数据')}）" if setting.baseline_demo else text


def target_of(d: KpiDefinition, setting: KpiSetting | None) -> tuple[float | None, str]:
    """A KPI's target and, when it derives from the baseline (``KpiDefinition.target_from_baseline``),
    where it comes from in the reader's language; the one home of the target (summary, series,
    exports, the weekly report)."""
    baseline = setting.baseline if setting is not None else None
    target = d.target_for(setting.target if setting is not None else d.default_target, baseline)
    if d.target_from_baseline is None:
        return target, ""
    cut = f"{round((1 - d.target_from_baseline) * 100):g}"
    if target is None:
        return None, _("目标为基线压减 %(cut)s%%；未设置基线，无法计算目标") % {"cut": cut}
    return target, _("目标 = 基线 %(baseline)s × %(factor)s（压减 %(cut)s%%）") % {
        "baseline": f"{baseline:g}", "factor": f"{d.target_from_baseline:g}", "cut": cut}


def _kpi(d: KpiDefinition, sums: dict[str, int], setting: KpiSetting | None) -> Kpi:
    value = d.value(sums)
    target, target_provenance = target_of(d, setting)
    baseline = setting.baseline if setting is not None else None
    return Kpi(code=d.code, name=str(d.name), value=value, target=target, baseline=baseline,
               baseline_source=(setting.baseline_source or BaselineSource.ENTERED)
               if setting is not None and baseline is not None else "",
               baseline_provenance=baseline_provenance(setting),
               baseline_demo=bool(setting is not None and baseline is not None and setting.baseline_demo),
               unit=str(UNIT_LABELS.get(d.unit, d.unit)), met=d.met(value, target),
               numerator=round(d.numerator(sums), 2), denominator=round(d.denominator(sums), 2),
               definition=str(d.formula), sources=d.sources, drill=d.drill, comparison=d.comparison,
               target_provenance=target_provenance)


def kpi_summary(*, start: dt.date, end: dt.date, department: Department | None = None,
                item: ServiceItem | None = None) -> list[Kpi]:
    """Every KPI over ``start``..``end`` (local dates, both included), for one department or item
    or all; each beside its target and baseline (``KpiSetting``, or the definition's default).

    With an item, the appeals' KPIs (which have no item) have no value."""
    sums = rollup_sums(start=start, end=end, department=department, item=item)
    settings = settings_by_code()
    out = []
    for d in DEFINITIONS:
        kpi_sums = sums if (item is None or d.per_item) else dict.fromkeys(COUNTERS, 0)
        out.append(_kpi(d, kpi_sums, settings.get(d.code)))
    return out


# --------------------------------------------------------------------------- periods and series


PERIODS = ("week", "month", "quarter")


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The current week (Monday–Sunday), month or quarter containing ``today``."""
    if period == "week":
        start = today - dt.timedelta(days=today.weekday())
        return start, start + dt.timedelta(days=6)
    if period == "month":
        start = today.replace(day=1)
    else:
        start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    months = 1 if period == "month" else 3
    year, month = divmod(start.month - 1 + months, 12)
    return start, dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


def _bucket(day: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def kpi_series(*, code: str, start: dt.date, end: dt.date, department: Department | None = None,
               item: ServiceItem | None = None) -> dict[str, Any]:
    """One KPI by day (≤ 31 days), week (≤ 26 weeks) or month, for the line chart."""
    d = BY_CODE[code]
    span = (end - start).days + 1
    grain = "day" if span <= 31 else "week" if span <= 26 * 7 else "month"
    rows = (_rows(start=start, end=end, department=department, item=item if d.per_item else None)
            .values("day").annotate(**{c: Sum(c) for c in COUNTERS}).order_by("day"))
    buckets: dict[dt.date, dict[str, int]] = {}
    day = start
    while day <= end:  # every bucket of the period, the empty ones too (no value: a gap in the line)
        buckets.setdefault(_bucket(day, grain), dict.fromkeys(COUNTERS, 0))
        day += dt.timedelta(days=1)
    for r in rows:
        b = buckets.setdefault(_bucket(r["day"], grain), dict.fromkeys(COUNTERS, 0))
        for c in COUNTERS:
            b[c] += int(r[c] or 0)
    setting = settings_by_code().get(code)
    return {"code": code, "grain": grain,
            "labels": [b.isoformat() for b in buckets],
            "values": [d.value(s) for s in buckets.values()],
            "target": target_of(d, setting)[0]}


def kpi_by_department(*, code: str, start: dt.date, end: dt.date, departments: list[Department]) -> list[dict[str, Any]]:
    """One KPI per department, for the bar chart (one grouped query)."""
    d = BY_CODE[code]
    rows = (DailyRollup.objects.filter(day__gte=start, day__lte=end, department_id__in=[x.pk for x in departments])
            .values("department_id").annotate(**{c: Sum(c) for c in COUNTERS}))
    by_dept = {r["department_id"]: {c: int(r[c] or 0) for c in COUNTERS} for r in rows}
    return [{"department": x.display_name, "code": x.code, "value": d.value(by_dept[x.pk]) if x.pk in by_dept else None}
            for x in departments]


# --------------------------------------------------------------------------- who may see what


LEADER_ROLES = (Role.HEAD,)


def visible_departments(user: User) -> list[Department] | None:
    """None: every department (电子监察 supervisors, superusers); a list: the departments a 部门负责人
    leads (they see their own figures only); [] for anyone else (refused)."""
    if not user.is_authenticated:
        return []
    if is_supervisor(user):
        return None
    ids = {r.department_id for r in staff_roles_of(user) if r.role in LEADER_ROLES}
    return list(Department.objects.filter(pk__in=ids))


# --------------------------------------------------------------------------- drill-down


_Fact = TypeVar("_Fact", RatingFact, RectificationFact)


def _in_scope(rows: QuerySet[_Fact], department: Department | None, item: ServiceItem | None) -> QuerySet[_Fact]:
    if department is not None:
        rows = rows.filter(department_id=department.pk)
    if item is not None:
        rows = rows.filter(item_id=item.pk)
    return rows


def drill_down(*, code: str, start: dt.date, end: dt.date, department: Department | None = None,
               item: ServiceItem | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The cases (or appeals) a KPI counted in its denominator over the period, newest first, each
    with whether it counts in the numerator; read from the facts the rollup keeps (indexed by
    department and day), so a page costs the same at ten million cases as at ten."""
    d = BY_CODE[code]
    if d.drill.startswith("cases"):
        field = "submitted_day" if d.drill == "cases_submitted" else "closed_day"
        rows = CaseFact.objects.filter(**{f"{field}__gte": start, f"{field}__lte": end})
        if department is not None:
            rows = rows.filter(department_id=department.pk)
        if item is not None:
            rows = rows.filter(item_id=item.pk)
        rows = rows.filter(_case_denominator(code))
        order = ["-" + field, "-case_id"]
        page = list(rows.order_by(*order)[offset:offset + limit])
        entries = [{"kind": "case", "number": f.number, "day": getattr(f, field), "department_id": f.department_id,
                    "counted": _case_counted(code, f), "detail": _case_detail(code, f)} for f in page]
    elif d.drill == "ratings":
        ratings = _in_scope(RatingFact.objects.filter(day__gte=start, day__lte=end, counted=True), department, item)
        entries = [{"kind": "rating", "number": f.number, "day": f.day, "department_id": f.department_id,
                    "counted": f.good, "detail": ""} for f in ratings.order_by("-day", "-pk")[offset:offset + limit]]
    elif d.drill == "rectifications":
        rectifications = _in_scope(RectificationFact.objects.filter(day__gte=start, day__lte=end, counted=True),
                                   department, item)
        entries = [{"kind": "rectification", "number": f.number, "day": f.day, "department_id": f.department_id,
                    "counted": f.closed, "detail": ""}
                   for f in rectifications.order_by("-day", "-pk")[offset:offset + limit]]
    else:
        field = "received_day" if d.drill == "appeals_received" else "closed_day"
        appeals = AppealFact.objects.filter(**{f"{field}__gte": start, f"{field}__lte": end})
        if department is not None:
            appeals = appeals.filter(department_id=department.pk)
        if item is not None:
            appeals = appeals.none()
        entries = [{"kind": "appeal", "number": f.number, "day": getattr(f, field), "department_id": f.department_id,
                    "counted": _appeal_counted(code, f), "detail": _appeal_detail(code, f)}
                   for f in appeals.order_by("-" + field, "-appeal_id")[offset:offset + limit]]
    names = dict(Department.objects.filter(pk__in={e["department_id"] for e in entries}).values_list("pk", "name"))
    for e in entries:
        e["department"] = names.get(e.pop("department_id"), "")
    return {"code": code, "entries": entries, "limit": limit, "offset": offset}


def _case_denominator(code: str) -> Q:
    if code == "one_window_rate":
        return Q(window=True)
    if code in ("no_upload_rate", "sharing_rate"):
        return Q(materials__gt=0)
    return Q()


def _case_counted(code: str, f: CaseFact) -> bool:
    return {
        "handling_time": True, "instant_rate": f.same_day, "online_rate": f.online, "one_window_rate": f.one_window,
        "no_upload_rate": bool(f.shared or f.licence), "manual_rate": not f.automated, "sharing_rate": bool(f.shared),
        "sla_rate": f.in_time,
    }.get(code, False)


def _case_detail(code: str, f: CaseFact) -> str:
    if code == "handling_time":
        return f"{f.handling_seconds / 86400:.2f}"
    if code in ("no_upload_rate", "sharing_rate"):
        return f"{f.shared}+{f.licence}/{f.materials}"
    return ""


def _appeal_counted(code: str, f: AppealFact) -> bool:
    return f.closed_day is not None if code == "appeal_closure_rate" else True


def _appeal_detail(code: str, f: AppealFact) -> str:
    return f"{f.seconds / 3600:.1f}" if code == "appeal_closure_time" and f.closed_day else ""
