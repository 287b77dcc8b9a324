"""Pages: the KPI dashboard (filters, figures beside targets and baselines, definitions, charts),
the drill-down of one KPI, the Excel export and the weekly PDF. Thin: the scope (period,
department, item and who may see them) is resolved by ``scope.resolve``, figures come from
``selectors``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import DomainError, InvalidInput
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.replica import read_from_replica
from yiwang.insights import exports, scope, selectors
from yiwang.insights.errors import InsightsErrorCode as Code
from yiwang.insights.kpis import DEFINITIONS

PAGE = 50


def _date(request: HttpRequest, name: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise InvalidInput(Code.PERIOD_INVALID, _("日期格式应为 YYYY-MM-DD。"), {"field": name}) from None


def _scope(request: AuthenticatedRequest) -> scope.Scope:
    return scope.resolve(request.user, start=_date(request, "from"), end=_date(request, "to"),
                         period=request.GET.get("period", "").strip()[:10],
                         department=request.GET.get("department", "").strip(), item=request.GET.get("item", "").strip())


def _scope_label(s: scope.Scope) -> str:
    parts = [s.department.display_name if s.department else str(_("全县"))]
    if s.item:
        parts.append(s.item.name)
    return " · ".join(parts)


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "insights/error.html", {"message": exc.message}, status=exc.status)


def _query(s: scope.Scope) -> str:
    from urllib.parse import urlencode

    params = {"from": s.start.isoformat(), "to": s.end.isoformat()}
    if s.department and s.all_departments:
        params["department"] = s.department.code
    if s.item:
        params["item"] = s.item.code
    return urlencode(params)


@login_required
@read_from_replica
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    try:
        s = _scope(request)
        chart_code = request.GET.get("chart", "online_rate")
        scope.kpi_definition(chart_code)
    except DomainError as exc:
        return _error(request, exc)
    kpis = selectors.kpi_summary(start=s.start, end=s.end, department=s.department, item=s.item)
    series = selectors.kpi_series(code=chart_code, start=s.start, end=s.end, department=s.department, item=s.item)
    bars = (selectors.kpi_by_department(code=chart_code, start=s.start, end=s.end, departments=s.departments)
            if s.all_departments and s.department is None else [])
    chart = {"labels": series["labels"], "values": series["values"], "target": series["target"],
             "bar_labels": [b["department"] for b in bars], "bar_values": [b["value"] for b in bars]}
    return render(request, "insights/dashboard.html", {
        "kpis": kpis, "scope": s, "scope_label": _scope_label(s), "query": _query(s), "chart": chart,
        "chart_code": chart_code, "chart_name": next(k.name for k in kpis if k.code == chart_code),
        "definitions": DEFINITIONS, "period": request.GET.get("period", ""),
    })


@login_required
@read_from_replica
def drill(request: AuthenticatedRequest, code: str) -> HttpResponse:
    try:
        s = _scope(request)
        scope.kpi_definition(code)
        page = max(1, min(2000, int(request.GET.get("page", "1") or 1)))
    except ValueError:
        return _error(request, InvalidInput(Code.PERIOD_INVALID, _("页码应为正整数。")))
    except DomainError as exc:
        return _error(request, exc)
    kpi = next(k for k in selectors.kpi_summary(start=s.start, end=s.end, department=s.department, item=s.item)
               if k.code == code)
    result = selectors.drill_down(code=code, start=s.start, end=s.end, department=s.department, item=s.item,
                                  limit=PAGE + 1, offset=(page - 1) * PAGE)
    entries = result["entries"][:PAGE]
    return render(request, "insights/drill.html", {
        "kpi": kpi, "scope": s, "scope_label": _scope_label(s), "entries": entries, "page": page,
        "has_next": len(result["entries"]) > PAGE, "query": _query(s),
    })


@login_required
def export_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    try:
        s = _scope(request)
    except DomainError as exc:
        return _error(request, exc)
    kpis = selectors.kpi_summary(start=s.start, end=s.end, department=s.department, item=s.item)
    per: list[tuple[str, Any]] = []
    if s.all_departments and s.department is None:
        per = [(d.display_name, selectors.kpi_summary(start=s.start, end=s.end, department=d)) for d in s.departments]
    body = exports.kpi_workbook(kpis=kpis, start=s.start, end=s.end, scope_label=_scope_label(s), by_department=per)
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="kpi-{s.start:%Y%m%d}-{s.end:%Y%m%d}.xlsx"'
    return response


@login_required
def weekly_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """The week containing ``week`` (a date; default today), Monday to Sunday, beside the week before."""
    try:
        day = _date(request, "week") or timezone.localdate()
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
        s = scope.resolve(request.user, start=start, end=end, department=request.GET.get("department", "").strip())
    except DomainError as exc:
        return _error(request, exc)
    kpis = selectors.kpi_summary(start=s.start, end=s.end, department=s.department)
    previous = selectors.kpi_summary(start=s.start - dt.timedelta(days=7), end=s.end - dt.timedelta(days=7),
                                     department=s.department)
    body = exports.weekly_report_pdf(kpis=kpis, previous=previous, start=s.start, end=s.end,
                                     scope_label=_scope_label(s), generated=timezone.localtime())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kpi-weekly-{s.start:%Y%m%d}.pdf"'
    return response
