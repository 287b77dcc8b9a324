"""Pages of the management platform (管理平台): the plan with its Gantt chart and lights, a task,
the 三单, the budget against spend, the report archive. Thin: permissions, selectors and services
do the work; the programme office sees the forms, leaders the same pages without them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.calendar import local_date
from yiwang.core.downloads import file_download
from yiwang.core.errors import Conflict, DomainError, InvalidInput
from yiwang.core.http import AuthenticatedRequest
from yiwang.programme import permissions, planning, report, selectors, services
from yiwang.programme.errors import ProgrammeErrorCode as Code
from yiwang.programme.models import Programme


def _denied(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "programme/denied.html", {"reason": exc.message}, status=exc.status)


def _open(request: AuthenticatedRequest) -> Programme:
    permissions.require_read(request.user)
    return selectors.current_programme()


def _today() -> dt.date:
    return local_date(timezone.now())


def _context(request: AuthenticatedRequest, **extra: Any) -> dict[str, Any]:
    return {"may_edit": permissions.may_edit(request.user), "rules": planning.rules(), **extra}


@login_required
def overview(request: AuthenticatedRequest) -> HttpResponse:
    """The plan: lights, milestones, the Gantt chart with the critical path, and a list of tasks
    that reads on a phone."""
    try:
        programme = _open(request)
    except DomainError as exc:
        return _denied(request, exc)
    view = selectors.programme_view(programme, _today())
    return render(request, "programme/overview.html", _context(
        request, view=view, gantt=selectors.gantt_data(view),
        counts={light: view.count(light) for light in (planning.RED, planning.YELLOW, planning.GREEN, planning.DONE)},
        reached=sum(1 for m in view.milestones if m.status == "reached")))


@login_required
def task_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """One task: its dates, light and links; the programme office records progress and adds a
    dependency here."""
    try:
        programme = _open(request)
        task = selectors.task_by_code(programme, code)
    except DomainError as exc:
        return _denied(request, exc)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "progress":
                raw = (request.POST.get("progress") or "").strip()
                if not raw.isdigit():
                    raise InvalidInput(Code.INVALID_PROGRESS, _("进度必须是 0 到 100 之间的整数。"))
                services.update_progress(actor=request.user, task=task, progress=int(raw))
            elif action == "dependency":
                predecessor = selectors.task_by_code(programme, (request.POST.get("predecessor") or "").strip())
                services.add_dependency(actor=request.user, predecessor=predecessor, successor=task)
            else:
                raise InvalidInput(Code.INVALID_PROGRESS, _("未知操作。"))
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已保存。"))
            return redirect("programme:task", code=task.code)
    view = selectors.programme_view(programme, _today())
    row = next(r for r in view.tasks if r.task.pk == task.pk)
    successors = [r for r in view.tasks if task.code in r.predecessors]
    others = [r.task for r in view.tasks if r.task.pk != task.pk and r.task.code not in row.predecessors]
    return render(request, "programme/task.html", _context(request, row=row, successors=successors, others=others,
                                                          error=error), status=error.status if error else 200)


@login_required
def lists(request: AuthenticatedRequest, kind: str) -> HttpResponse | FileResponse:
    """The 三单: task list, responsibility list, deadline list; ``?format=xlsx`` as a workbook."""
    try:
        programme = _open(request)
    except DomainError as exc:
        return _denied(request, exc)
    if kind not in selectors.LISTS:
        return render(request, "programme/denied.html", {"reason": _("没有这个清单。")}, status=404)
    rows = selectors.list_rows(selectors.programme_view(programme, _today()), kind)
    if request.GET.get("format") == "xlsx":
        import io

        return file_download(io.BytesIO(report.list_xlsx(kind, rows)), filename=f"programme-{kind}.xlsx",
                             content_type=report.XLSX)
    return render(request, "programme/lists.html", _context(request, kind=kind, rows=rows, title=report.list_title(kind),
                                                           kinds=[(k, report.list_title(k)) for k in selectors.LISTS]))


@login_required
def budget(request: AuthenticatedRequest) -> HttpResponse:
    """Budget lines against actual spend (成本动态监控); the programme office enters spend or
    imports it from Excel."""
    try:
        programme = _open(request)
    except DomainError as exc:
        return _denied(request, exc)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "spend":
                line = selectors.budget_line_by_code(programme, request.POST.get("line", ""))
                try:
                    spent_on = dt.date.fromisoformat((request.POST.get("spent_on") or "").strip())
                except ValueError:
                    raise InvalidInput(Code.INVALID_DATE, _("日期应为 YYYY-MM-DD 格式的日期。")) from None
                services.record_spend(actor=request.user, line=line, amount=request.POST.get("amount", ""),
                                      spent_on=spent_on, note=request.POST.get("note", ""))
                messages.success(request, _("已登记支出。"))
            elif action == "import":
                upload = request.FILES.get("file")
                if upload is None:
                    raise InvalidInput(Code.IMPORT_REJECTED, _("请选择要导入的 Excel 文件。"))
                result = services.import_spend(actor=request.user, programme=programme, upload=upload, size=upload.size)
                messages.success(request, _("已导入 %(rows)d 条支出，合计 %(total)s 元。") % {
                    "rows": result.rows, "total": result.total})
            else:
                raise InvalidInput(Code.IMPORT_REJECTED, _("未知操作。"))
        except DomainError as exc:
            error = exc
        else:
            return redirect("programme:budget")
    rows = selectors.budget_rows(programme)
    view_planned = sum((r.line.planned for r in rows), start=0)
    view_spent = sum((r.spent for r in rows), start=0)
    return render(request, "programme/budget.html", _context(
        request, rows=rows, planned=view_planned, spent=view_spent, error=error, today=_today(),
        columns=[_(c) for c in services.IMPORT_COLUMNS]), status=error.status if error else 200)


@login_required
def reports(request: AuthenticatedRequest) -> HttpResponse:
    """The archive of weekly reports; the programme office generates this week's again."""
    try:
        programme = _open(request)
    except DomainError as exc:
        return _denied(request, exc)
    if request.method == "POST":
        try:
            based_on = int(request.POST.get("based_on_version", ""))
        except ValueError:
            based_on = None  # a form from before the field existed: generate as asked
        try:
            weekly = services.generate_weekly_report(actor=request.user, programme=programme,
                                                     based_on_version=based_on)
        except Conflict as exc:  # pressed twice: the first press archived it; say so, keep one report
            messages.info(request, exc.message)
            return redirect("programme:reports")
        except DomainError as exc:
            return _denied(request, exc)
        messages.success(request, _("已生成 %(week)s 起一周的周报（第 %(version)d 版）。") % {
            "week": weekly.week_start.isoformat(), "version": weekly.version})
        return redirect("programme:reports")
    archive = selectors.reports_of(programme)
    latest = selectors.latest_report(programme, archive[0].week_start) if archive else None
    try:
        this_week, pending = selectors.this_weeks_report(programme, _today()), None
    except DomainError as exc:
        this_week, pending = None, exc.message
    return render(request, "programme/reports.html", _context(request, archive=archive, latest=latest,
                                                              this_week=this_week, pending=pending))


@login_required
def this_week_file(request: AuthenticatedRequest, fmt: str) -> HttpResponse | FileResponse:
    """This week's archived report; a GET never generates one (404 saying when it will be)."""
    if fmt not in ("pdf", "xlsx"):
        return render(request, "programme/denied.html", {"reason": _("周报只有 PDF 和 Excel 两种格式。")}, status=404)
    try:
        weekly = selectors.this_weeks_report(_open(request), _today())
    except DomainError as exc:
        return _denied(request, exc)
    return report.report_download(weekly, fmt)


@login_required
def report_file(request: AuthenticatedRequest, report_id: int, fmt: str) -> HttpResponse | FileResponse:
    if fmt not in ("pdf", "xlsx"):
        return render(request, "programme/denied.html", {"reason": _("周报只有 PDF 和 Excel 两种格式。")}, status=404)
    try:
        weekly = selectors.report_by_id(_open(request), report_id)
    except DomainError as exc:
        return _denied(request, exc)
    return report.report_download(weekly, fmt)
