"""Programme API (``/api/v1/programme/...``): milestones, tasks with their lights and the critical
path, progress and dependencies, budget and spend, and the weekly report. Thin: permissions,
services and selectors do the work. Reading needs the programme office, a leader, a department
head or a supervisor; writing needs the programme office."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import FileResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from yiwang.core.calendar import local_date
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.schemas import ERRORS
from yiwang.core.text import max_chars
from yiwang.programme import permissions, selectors, services
from yiwang.programme.models import Spend, WeeklyReport
from yiwang.programme.report import XLSX, report_download

router = Router(tags=["programme"])


class ProgrammeMilestoneOut(Schema):
    code: str
    name: str
    phase: str
    due_on: dt.date
    reached_on: dt.date | None
    status: str = Field(description="reached, overdue, due (within 7 days) or upcoming")


class ProgrammeTaskOut(Schema):
    code: str
    name: str
    phase: str
    owner: str = Field(description="owner department's code")
    starts_on: dt.date
    ends_on: dt.date
    progress: int
    expected_progress: int = Field(description="share of the planned days elapsed, per cent")
    light: str = Field(description="red, yellow, green or done (rules in docs/programme.md)")
    critical: bool = Field(description="on the critical path (zero total float, calendar days)")
    float_days: int
    predecessors: list[str]
    forecast_starts_on: dt.date = Field(description="forecast start: a late predecessor pushes it (docs/programme.md)")
    forecast_ends_on: dt.date = Field(description="forecast finish, on which the critical path and the light are computed")


class ProgrammeProgressIn(Schema):
    progress: int = Field(ge=0, le=100)


class ProgrammeDependencyIn(Schema):
    predecessor: str = Field(max_length=32, description="code of the task that must finish first")


class ProgrammeMilestoneReachedIn(Schema):
    reached_on: dt.date


class ProgrammeBudgetLineOut(Schema):
    code: str
    name: str
    department: str | None
    planned: Decimal
    spent: Decimal
    light: str = Field(description="red when spent exceeds the budget, yellow from 90 % (configurable)")


class ProgrammeSpendIn(Schema):
    amount: Decimal = Field(description="yuan, positive, at most two decimals")
    spent_on: dt.date
    note: str = Field("", max_length=max_chars(Spend, "note"))


class ProgrammeSpendOut(Schema):
    id: int
    line: ProgrammeBudgetLineOut


class ProgrammeReportOut(Schema):
    id: int
    week_start: dt.date
    version: int
    generated_at: dt.datetime


def _programme(request: AuthenticatedRequest) -> Any:
    permissions.require_read(request.user)
    return selectors.current_programme()


def _task_out(row: selectors.TaskRow) -> dict[str, Any]:
    t = row.task
    return {"code": t.code, "name": t.name, "phase": t.phase.code, "owner": t.owner.code, "starts_on": t.starts_on,
            "ends_on": t.ends_on, "progress": t.progress, "expected_progress": row.expected, "light": row.light,
            "critical": row.critical, "float_days": row.float_days, "predecessors": row.predecessors,
            "forecast_starts_on": row.forecast_start, "forecast_ends_on": row.forecast_end}


def _line_out(row: selectors.BudgetRow) -> dict[str, Any]:
    return {"code": row.line.code, "name": row.line.name, "planned": row.line.planned, "spent": row.spent,
            "department": row.line.department.code if row.line.department else None, "light": row.light}


FILE_RESPONSES = {"responses": {200: {"description": "The report file", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}}}}}}


@router.get("/programme/milestones", response={200: list[ProgrammeMilestoneOut], **ERRORS})
def programme_milestones(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """The programme's milestones, with whether each is reached, overdue, due within 7 days or upcoming."""
    programme = _programme(request)
    return [{"code": r.milestone.code, "name": r.milestone.name, "phase": r.milestone.phase.code,
             "due_on": r.milestone.due_on, "reached_on": r.milestone.reached_on, "status": r.status}
            for r in selectors.milestone_rows(programme, local_date(timezone.now()))]


@router.get("/programme/tasks", response={200: list[ProgrammeTaskOut], **ERRORS})
def programme_tasks(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """Every task with its warning light and its place on the critical path."""
    programme = _programme(request)
    return [_task_out(r) for r in selectors.task_rows(programme, local_date(timezone.now()))]


@router.post("/programme/tasks/{code}/progress", response={200: ProgrammeTaskOut, **ERRORS})
def programme_task_progress(request: AuthenticatedRequest, code: str, payload: ProgrammeProgressIn) -> dict[str, Any]:
    """Record a task's progress (programme office)."""
    programme = _programme(request)
    task = services.update_progress(actor=request.user, task=selectors.task_by_code(programme, code),
                                    progress=payload.progress)
    return next(_task_out(r) for r in selectors.task_rows(programme, local_date(timezone.now())) if r.task.pk == task.pk)


@router.post("/programme/tasks/{code}/dependencies", response={201: ProgrammeTaskOut, **ERRORS})
def programme_task_dependency(request: AuthenticatedRequest, code: str, payload: ProgrammeDependencyIn) -> Status:
    """Make the task wait for another one (finish-to-start). A task that would depend on itself, or
    a link that closes a cycle, is refused (422, the cycle in ``details.cycle``)."""
    programme = _programme(request)
    successor = selectors.task_by_code(programme, code)
    services.add_dependency(actor=request.user, predecessor=selectors.task_by_code(programme, payload.predecessor),
                            successor=successor)
    row = next(r for r in selectors.task_rows(programme, local_date(timezone.now())) if r.task.pk == successor.pk)
    return Status(201, _task_out(row))


@router.post("/programme/milestones/{code}/reached", response={200: ProgrammeMilestoneOut, **ERRORS})
def programme_milestone_reached(request: AuthenticatedRequest, code: str, payload: ProgrammeMilestoneReachedIn) -> dict[str, Any]:
    """Record that a milestone was reached (programme office)."""
    programme = _programme(request)
    m = services.reach_milestone(actor=request.user, milestone=selectors.milestone_by_code(programme, code),
                                 reached_on=payload.reached_on)
    return {"code": m.code, "name": m.name, "phase": m.phase.code, "due_on": m.due_on, "reached_on": m.reached_on,
            "status": "reached"}


@router.get("/programme/budget", response={200: list[ProgrammeBudgetLineOut], **ERRORS})
def programme_budget(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """Budget lines against actual spend (成本动态监控)."""
    return [_line_out(r) for r in selectors.budget_rows(_programme(request))]


@router.post("/programme/budget/{code}/spend", response={201: ProgrammeSpendOut, **ERRORS})
def programme_spend(request: AuthenticatedRequest, code: str, payload: ProgrammeSpendIn) -> Status:
    """Enter actual spend against a budget line (programme office); a negative or zero amount is refused."""
    programme = _programme(request)
    spend = services.record_spend(actor=request.user, line=selectors.budget_line_by_code(programme, code),
                                  amount=payload.amount, spent_on=payload.spent_on, note=payload.note)
    row = next(r for r in selectors.budget_rows(programme) if r.line.pk == spend.line_id)
    return Status(201, {"id": spend.pk, "line": _line_out(row)})


@router.get("/programme/report/weekly", response={200: None, **ERRORS}, openapi_extra=FILE_RESPONSES,
            url_name="programme_weekly_report")
def programme_weekly_report(request: AuthenticatedRequest, format: Literal["pdf", "xlsx"] = "pdf") -> FileResponse:  # noqa: A002 - the contract's name
    """This week's progress report (周进度报告) as PDF or Excel, as archived by the scheduled job
    (``weekly_programme_report``) or by the programme office (``POST /programme/reports``). A GET
    never generates one: a week with no report yet answers 404 ``programme_report_not_found``,
    saying when the job will generate it (``details.scheduled_at``)."""
    programme = _programme(request)
    return report_download(selectors.this_weeks_report(programme, local_date(timezone.now())), format)


@router.get("/programme/reports", response={200: list[ProgrammeReportOut], **ERRORS})
def programme_reports(request: AuthenticatedRequest) -> list[WeeklyReport]:
    """The archive of weekly reports, newest first."""
    return selectors.reports_of(_programme(request))


@router.post("/programme/reports", response={201: ProgrammeReportOut, **ERRORS})
def programme_generate_report(request: AuthenticatedRequest, based_on_version: int | None = None) -> Status:
    """Generate this week's report again (programme office): a new version; earlier ones are kept.

    ``?based_on_version=N``: the week's latest version the caller has seen (0: none). When another
    version was archived since, nothing is generated: 409 ``programme_report_already_generated``
    (a request sent twice archives one report). Without it, every request adds a version."""
    report = services.generate_weekly_report(actor=request.user, programme=_programme(request),
                                             based_on_version=based_on_version)
    return Status(201, report)


@router.get("/programme/reports/{report_id}", response={200: None, **ERRORS}, openapi_extra=FILE_RESPONSES)
def programme_report_file(request: AuthenticatedRequest, report_id: int, format: Literal["pdf", "xlsx"] = "pdf") -> FileResponse:  # noqa: A002
    """An archived report, as it was generated."""
    return report_download(selectors.report_by_id(_programme(request), report_id), format)
