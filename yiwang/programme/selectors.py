"""Reads of the programme: the plan with each task's light and place on the critical path, the
milestones, the budget against spend, the 三单, the report archive and the weekly snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from yiwang.core.errors import NotFound
from yiwang.programme import planning
from yiwang.programme.errors import ProgrammeErrorCode as Code
from yiwang.programme.models import BudgetLine, Dependency, Milestone, Phase, Programme, Task, WeeklyReport

CENT = Decimal("0.01")
LIGHT_ORDER = {planning.DONE: 0, planning.GREEN: 1, planning.YELLOW: 2, planning.RED: 3}


def current_programme() -> Programme:
    """The programme the platform shows: the one that started last (there is one pilot today)."""
    programme = Programme.objects.first()
    if programme is None:
        raise NotFound(Code.NO_PROGRAMME, _("还没有建立试点项目计划。"))
    return programme


def task_by_code(programme: Programme, code: str) -> Task:
    task = Task.objects.select_related("owner", "phase").filter(programme=programme, code=code[:32]).first()
    if task is None:
        raise NotFound(Code.TASK_NOT_FOUND, _("没有编号为 %(code)s 的任务。") % {"code": code[:32]})
    return task


def milestone_by_code(programme: Programme, code: str) -> Milestone:
    milestone = Milestone.objects.filter(programme=programme, code=code[:32]).first()
    if milestone is None:
        raise NotFound(Code.MILESTONE_NOT_FOUND, _("没有编号为 %(code)s 的里程碑。") % {"code": code[:32]})
    return milestone


def budget_line_by_code(programme: Programme, code: str) -> BudgetLine:
    line = BudgetLine.objects.filter(programme=programme, code=code[:32]).first()
    if line is None:
        raise NotFound(Code.BUDGET_LINE_NOT_FOUND, _("没有编码为 %(code)s 的预算科目。") % {"code": code[:32]})
    return line


def dependency_edges(programme: Programme) -> list[tuple[int, int]]:
    return list(Dependency.objects.filter(successor__programme=programme).values_list("predecessor_id", "successor_id"))


@dataclass
class TaskRow:
    task: Task
    light: str
    expected: int
    critical: bool
    float_days: int
    earliest_start: dt.date
    earliest_finish: dt.date
    forecast_start: dt.date  # every task has a forecast (planning.forecast)
    forecast_end: dt.date
    predecessors: list[str] = field(default_factory=list)

    @property
    def slip_days(self) -> int:
        """Days the forecast finish passes the planned end (0 when on time or early)."""
        return max(0, (self.forecast_end - self.task.ends_on).days)


@dataclass
class MilestoneRow:
    milestone: Milestone
    status: str  # reached, overdue, due (within 7 days), upcoming


@dataclass
class BudgetRow:
    line: BudgetLine
    spent: Decimal
    light: str

    @property
    def remaining(self) -> Decimal:
        return self.line.planned - self.spent

    @property
    def percent(self) -> int:
        return int(self.spent * 100 / self.line.planned) if self.line.planned else (100 if self.spent else 0)


@dataclass
class ProgrammeView:
    programme: Programme
    today: dt.date
    phases: list[Phase]
    tasks: list[TaskRow]
    milestones: list[MilestoneRow]
    budget: list[BudgetRow]

    def count(self, light: str) -> int:
        return sum(1 for row in self.tasks if row.light == light)

    @property
    def planned_total(self) -> Decimal:
        return sum((row.line.planned for row in self.budget), Decimal(0))

    @property
    def spent_total(self) -> Decimal:
        return sum((row.spent for row in self.budget), Decimal(0))

    @property
    def critical_path(self) -> list[TaskRow]:
        return [row for row in self.tasks if row.critical]


def milestone_status(milestone: Milestone, today: dt.date) -> str:
    if milestone.reached_on:
        return "reached"
    if milestone.due_on < today:
        return "overdue"
    if (milestone.due_on - today).days <= 7:
        return "due"
    return "upcoming"


def milestone_rows(programme: Programme, today: dt.date) -> list[MilestoneRow]:
    return [MilestoneRow(m, milestone_status(m, today))
            for m in Milestone.objects.filter(programme=programme).select_related("phase")]


def budget_rows(programme: Programme) -> list[BudgetRow]:
    rule = planning.rules()
    lines = list(BudgetLine.objects.filter(programme=programme).select_related("department")
                 .annotate(spent_sum=Sum("spends__amount")))
    rows = []
    for line in lines:
        # SQLite's SUM drops the column's scale: the same two decimals on both databases
        spent = Decimal(line.spent_sum or 0).quantize(CENT)
        rows.append(BudgetRow(line, spent, planning.budget_light(planned=line.planned, spent=spent, rule=rule)))
    return rows


def task_rows(programme: Programme, today: dt.date) -> list[TaskRow]:
    rule = planning.rules()
    tasks = list(Task.objects.filter(programme=programme).select_related("owner", "phase", "milestone"))
    edges = dependency_edges(programme)
    # the critical path and the lights on the forecast: a late task pushes its successors
    predicted = planning.forecast({t.pk: (t.starts_on, t.ends_on, t.progress) for t in tasks}, edges, today)
    schedule = planning.critical_path(predicted, edges)
    code_of = {t.pk: t.code for t in tasks}
    preds: dict[int, list[str]] = {}
    for predecessor, successor in edges:
        preds.setdefault(successor, []).append(code_of[predecessor])
    rows = []
    for t in tasks:
        s = schedule[t.pk]
        light = planning.task_light(starts_on=t.starts_on, ends_on=t.ends_on, progress=t.progress, today=today, rule=rule)
        rows.append(TaskRow(
            task=t, light=planning.slip_light(light, planned_end=t.ends_on, forecast_end=predicted[t.pk][1], rule=rule),
            expected=planning.expected_progress(t.starts_on, t.ends_on, today), critical=s.critical,
            float_days=s.float_days, earliest_start=s.earliest_start, earliest_finish=s.earliest_finish,
            predecessors=sorted(preds.get(t.pk, [])), forecast_start=predicted[t.pk][0],
            forecast_end=predicted[t.pk][1]))
    return rows


def programme_view(programme: Programme, today: dt.date) -> ProgrammeView:
    return ProgrammeView(programme=programme, today=today, phases=list(programme.phases.all()),
                         tasks=task_rows(programme, today), milestones=milestone_rows(programme, today),
                         budget=budget_rows(programme))


# The 三单: task list (任务清单), responsibility list (责任清单, by owner department), deadline list
# (时限清单, by planned end, unfinished first).
LISTS = ("tasks", "responsibility", "deadlines")


def list_rows(view: ProgrammeView, kind: str) -> list[TaskRow]:
    rows = list(view.tasks)
    if kind == "responsibility":
        rows.sort(key=lambda r: (r.task.owner.sort_order, r.task.owner.code, r.task.starts_on, r.task.code))
    elif kind == "deadlines":
        rows.sort(key=lambda r: (r.light == planning.DONE, r.task.ends_on, r.task.code))
    return rows


def gantt_data(view: ProgrammeView) -> dict[str, Any]:
    """What the Gantt chart draws (static/programme/gantt.js): one row per task, in plan order."""
    return {"today": view.today.isoformat(), "tasks": [{
        "code": r.task.code, "name": r.task.name, "owner": r.task.owner.display_name,
        "start": r.task.starts_on.isoformat(), "end": r.task.ends_on.isoformat(), "progress": r.task.progress,
        "forecast_start": r.forecast_start.isoformat(), "forecast_end": r.forecast_end.isoformat(), "slip": r.slip_days,
        "light": r.light, "critical": r.critical, "predecessors": r.predecessors} for r in view.tasks],
        "milestones": [{"name": m.milestone.name, "date": m.milestone.due_on.isoformat(), "status": m.status}
                       for m in view.milestones]}


def reports_of(programme: Programme) -> list[WeeklyReport]:
    return list(WeeklyReport.objects.filter(programme=programme).defer("pdf", "xlsx", "snapshot")
                .select_related("generated_by"))


def latest_report(programme: Programme, week_start: dt.date) -> WeeklyReport | None:
    return WeeklyReport.objects.filter(programme=programme, week_start=week_start).order_by("-version").first()


def report_schedule() -> tuple[int, dt.time]:
    """When the scheduled job archives the week's report: ``PROGRAMME_REPORT_WEEKDAY`` (0 = Monday,
    default 4, Friday) and ``PROGRAMME_REPORT_TIME`` ("HH:MM", local time, default 17:00): what cron
    runs ``weekly_programme_report`` at (docs/deployment.md). Only used to tell people when."""
    from django.conf import settings

    weekday = int(getattr(settings, "PROGRAMME_REPORT_WEEKDAY", 4))
    hour, minute = (int(x) for x in str(getattr(settings, "PROGRAMME_REPORT_TIME", "17:00")).split(":"))
    return weekday, dt.time(hour, minute)


def this_weeks_report(programme: Programme, today: dt.date) -> WeeklyReport:
    """This week's latest archived report. A GET never makes one: the scheduled job does, or the
    programme office on purpose (a POST); until then a 404 that says when."""
    week = today - dt.timedelta(days=today.weekday())
    report = latest_report(programme, week)
    if report is None:
        weekday, at = report_schedule()
        when = week + dt.timedelta(days=weekday)
        raise NotFound(Code.REPORT_NOT_FOUND,
                       _("%(week)s 起这一周的周报尚未生成：定时任务将于 %(when)s %(time)s 生成并存档；"
                         "项目办也可以在“周进度报告”页面立即生成。")
                       % {"week": week.isoformat(), "when": when.isoformat(), "time": at.strftime("%H:%M")},
                       {"week_start": week.isoformat(), "scheduled_at": f"{when.isoformat()}T{at.strftime('%H:%M')}"})
    return report


def report_by_id(programme: Programme, report_id: int) -> WeeklyReport:
    report = WeeklyReport.objects.filter(programme=programme, pk=report_id).first()
    if report is None:
        raise NotFound(Code.REPORT_NOT_FOUND, _("没有这份周报。"))
    return report


def previous_report(programme: Programme, week_start: dt.date) -> WeeklyReport | None:
    """The last report of an earlier week: what this week's changes are measured against."""
    return (WeeklyReport.objects.filter(programme=programme, week_start__lt=week_start)
            .order_by("-week_start", "-version").first())


def yuan(amount: Decimal) -> str:
    """An amount as the report writes it: yuan with two decimals (the databases differ in scale)."""
    return str(Decimal(amount).quantize(CENT))


def snapshot(view: ProgrammeView, kpis: list[dict[str, Any]]) -> dict[str, Any]:
    """The state a weekly report records, as JSON: what next week's report compares against."""
    return {
        "programme": {"code": view.programme.code, "name": view.programme.name},
        "as_of": view.today.isoformat(),
        "tasks": [{"code": r.task.code, "name": r.task.name, "phase": r.task.phase.name, "owner": r.task.owner.name,
                   "starts_on": r.task.starts_on.isoformat(), "ends_on": r.task.ends_on.isoformat(),
                   "progress": r.task.progress, "expected": r.expected, "light": r.light, "critical": r.critical}
                  for r in view.tasks],
        "milestones": [{"code": m.milestone.code, "name": m.milestone.name, "due_on": m.milestone.due_on.isoformat(),
                        "reached_on": m.milestone.reached_on.isoformat() if m.milestone.reached_on else None,
                        "status": m.status} for m in view.milestones],
        "budget": [{"code": b.line.code, "name": b.line.name, "planned": yuan(b.line.planned), "spent": yuan(b.spent),
                    "light": b.light} for b in view.budget],
        "kpis": kpis,
    }


def changes_since(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """What changed since the previous report: progress deltas, new warnings (a task whose light
    got worse, to yellow or red), milestones reached, spend per line and in total."""
    previous = previous or {}
    before_tasks = {t["code"]: t for t in previous.get("tasks", [])}
    progress, warnings = [], []
    for t in current["tasks"]:
        old = before_tasks.get(t["code"])
        old_progress = old["progress"] if old else 0
        if t["progress"] != old_progress:
            progress.append({"code": t["code"], "name": t["name"], "from": old_progress, "to": t["progress"]})
        old_light = old["light"] if old else planning.GREEN
        if t["light"] in (planning.YELLOW, planning.RED) and LIGHT_ORDER[t["light"]] > LIGHT_ORDER[old_light]:
            warnings.append({"code": t["code"], "name": t["name"], "from": old_light, "to": t["light"]})
    reached_before = {m["code"] for m in previous.get("milestones", []) if m["reached_on"]}
    reached = [{"code": m["code"], "name": m["name"], "reached_on": m["reached_on"]}
               for m in current["milestones"] if m["reached_on"] and m["code"] not in reached_before]
    before_spend = {b["code"]: Decimal(b["spent"]) for b in previous.get("budget", [])}
    spend = [{"code": b["code"], "name": b["name"], "delta": yuan(Decimal(b["spent"]) - before_spend.get(b["code"], Decimal(0)))}
             for b in current["budget"] if Decimal(b["spent"]) != before_spend.get(b["code"], Decimal(0))]
    total_now = sum((Decimal(b["spent"]) for b in current["budget"]), Decimal(0))
    total_before = sum(before_spend.values(), Decimal(0))
    return {"previous_as_of": previous.get("as_of"), "progress": progress, "new_warnings": warnings,
            "milestones_reached": reached, "spend": spend, "spend_total_delta": yuan(total_now - total_before)}
