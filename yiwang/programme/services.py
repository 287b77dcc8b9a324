"""Every change of the programme: one function per use case, one transaction with its audit record.

Escalations (a task turned red → the owner department's heads) and overrun alerts (a budget line
spent past its budget → the programme office and the line's department heads) go out once each,
as cases escalate an overdue step once."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yiwang.core.calendar import local_date
from yiwang.core.errors import Conflict, InvalidInput
from yiwang.core.models import Notification, Role, StaffRole
from yiwang.core.services import record_audit
from yiwang.core.text import field_text
from yiwang.core.users import User
from yiwang.programme import permissions, planning, selectors
from yiwang.programme.errors import ProgrammeErrorCode as Code
from yiwang.programme.models import BudgetLine, Dependency, Milestone, Programme, Spend, SpendSource, Task, WeeklyReport

MAX_AMOUNT = Decimal("999999999999.99")


def _lock_programme(programme: Programme) -> Programme:
    # one lock per programme for graph changes and imports: two offices adding A→B and B→A at the
    # same time would each see no cycle
    return Programme.objects.select_for_update().get(pk=programme.pk)


def update_progress(*, actor: User, task: Task, progress: int, now: dt.datetime | None = None) -> Task:
    permissions.require_edit(actor)
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise InvalidInput(Code.INVALID_PROGRESS, _("进度必须是 0 到 100 之间的整数。"))
    now = now or timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        before = task.progress
        task.progress = progress
        task.save(update_fields=["progress"])
        record_audit(actor=actor, at=now, event_type="programme_task_progressed", subject_type="programme_task",
                     subject_id=task.pk, details={"code": task.code, "from": before, "to": progress})
    return task


def add_dependency(*, actor: User, predecessor: Task, successor: Task,
                   now: dt.datetime | None = None) -> Dependency:
    """Finish-to-start: ``successor`` waits for ``predecessor``. A task depending on itself, or a
    link that closes a cycle, is refused with the cycle named."""
    permissions.require_edit(actor)
    if predecessor.programme_id != successor.programme_id:
        raise InvalidInput(Code.DEPENDENCY_CYCLE, _("只能在同一试点项目的任务之间建立依赖。"))
    now = now or timezone.now()
    with transaction.atomic():
        programme = _lock_programme(successor.programme)
        cycle: list[int] | None
        if predecessor.pk == successor.pk:
            cycle = [predecessor.pk, successor.pk]
        else:
            edges = selectors.dependency_edges(programme)
            if (predecessor.pk, successor.pk) in edges:
                raise Conflict(Code.DEPENDENCY_EXISTS, _("任务 %(b)s 已经依赖任务 %(a)s。") % {
                    "a": predecessor.code, "b": successor.code})
            cycle = planning.find_cycle([*edges, (predecessor.pk, successor.pk)])
        if cycle:
            codes = dict(Task.objects.filter(pk__in=cycle).values_list("pk", "code"))
            named = " → ".join(codes[pk] for pk in cycle)
            raise InvalidInput(Code.DEPENDENCY_CYCLE, _("不能建立该依赖：会形成循环依赖（%(cycle)s）。") % {"cycle": named},
                               {"cycle": [codes[pk] for pk in cycle]})
        link = Dependency.objects.create(predecessor=predecessor, successor=successor)
        record_audit(actor=actor, at=now, event_type="programme_dependency_added", subject_type="programme_task",
                     subject_id=successor.pk, details={"predecessor": predecessor.code, "successor": successor.code})
    return link


def remove_dependency(*, actor: User, predecessor: Task, successor: Task,
                      now: dt.datetime | None = None) -> None:
    permissions.require_edit(actor)
    now = now or timezone.now()
    with transaction.atomic():
        deleted, _rows = Dependency.objects.filter(predecessor=predecessor, successor=successor).delete()
        if deleted:
            record_audit(actor=actor, at=now, event_type="programme_dependency_removed", subject_type="programme_task",
                         subject_id=successor.pk, details={"predecessor": predecessor.code, "successor": successor.code})


def reach_milestone(*, actor: User, milestone: Milestone, reached_on: dt.date,
                    now: dt.datetime | None = None) -> Milestone:
    permissions.require_edit(actor)
    now = now or timezone.now()
    if reached_on > local_date(now):
        raise InvalidInput(Code.INVALID_DATE, _("达成日期不能晚于今天。"))
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.reached_on:
            raise Conflict(Code.INVALID_DATE, _("里程碑「%(name)s」已于 %(date)s 达成。") % {
                "name": milestone.name, "date": milestone.reached_on.isoformat()})
        milestone.reached_on = reached_on
        milestone.save(update_fields=["reached_on"])
        record_audit(actor=actor, at=now, event_type="programme_milestone_reached", subject_type="programme_milestone",
                     subject_id=milestone.pk, details={"code": milestone.code, "reached_on": reached_on.isoformat()})
    return milestone


def _heads_of(department_ids: set[int]) -> dict[int, list[int]]:
    heads: dict[int, list[int]] = {}
    for row in StaffRole.objects.filter(role=Role.HEAD, department__in=department_ids).order_by("user_id"):
        heads.setdefault(row.department_id, []).append(row.user_id)
    return heads


def escalate_red_tasks(*, now: dt.datetime | None = None) -> int:
    """Notify the owner department's heads of every task whose light is red, once per task
    (``Task.escalated_at``), each escalation audited. Run by the ``escalate_programme`` task."""
    now = now or timezone.now()
    today = local_date(now)
    with transaction.atomic():
        candidates = list(Task.objects.select_for_update(skip_locked=True, of=("self",)).select_related("owner")
                          .filter(escalated_at__isnull=True, progress__lt=100, starts_on__lte=today))
        # the page's light (own dates and progress, raised by the forecast slip): one rule
        lights = {row.task.pk: row.light for programme_id in {t.programme_id for t in candidates}
                  for row in selectors.task_rows(Programme(pk=programme_id), today)}
        red = [t for t in candidates if lights.get(t.pk) == planning.RED]
        heads = _heads_of({t.owner_id for t in red})
        notes = []
        for task in red:
            recipients = heads.get(task.owner_id, [])
            params = {"code": task.code, "name": task.name, "progress": task.progress,
                      "expected": planning.expected_progress(task.starts_on, task.ends_on, today),
                      "end": task.ends_on.isoformat()}
            notes += [Notification(recipient_id=user_id, kind="programme_task_escalated", params=params,
                                   title=gettext_noop("试点任务红色预警"),
                                   message=gettext_noop("试点任务 %(code)s「%(name)s」进度 %(progress)s%%，应达 %(expected)s%%，"
                                                        "计划完成日期 %(end)s，请督办。"),
                                   link=f"/work/programme/tasks/{task.code}/") for user_id in recipients]
            record_audit(actor=None, at=now, event_type="programme_task_escalated", subject_type="programme_task",
                         subject_id=task.pk, actor_department=task.owner,
                         details={**params, "heads_notified": len(recipients)})
        Notification.objects.bulk_create(notes)
        Task.objects.filter(pk__in=[t.pk for t in red]).update(escalated_at=now)
    return len(red)


# -- budget and spend (成本动态监控) ---------------------------------------------------------------

def parse_amount(value: Any, *, allow_zero: bool = False) -> Decimal:
    """A positive amount in yuan with at most two decimals (zero too if ``allow_zero``: a budget
    line may be planned at nothing), or InvalidInput."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(Code.INVALID_AMOUNT, _("金额必须是数字。")) from None
    if not amount.is_finite():
        raise InvalidInput(Code.INVALID_AMOUNT, _("金额必须是数字。"))
    if amount < 0:
        raise InvalidInput(Code.INVALID_AMOUNT, _("金额不能为负数。"))
    if amount == 0 and not allow_zero:
        raise InvalidInput(Code.INVALID_AMOUNT, _("金额必须大于零。"))
    if amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:  # type: ignore[operator]  # exponent is an int for a finite Decimal; non-finite amounts are refused before
        raise InvalidInput(Code.INVALID_AMOUNT, _("金额最多两位小数，且不超过一万亿元。"))
    return amount


def set_budget_line(*, actor: User, programme: Programme, code: str, name: str, planned: Any,
                    department_id: int | None = None, now: dt.datetime | None = None) -> BudgetLine:
    """Create a budget line or change its planned amount (a negative amount is refused)."""
    permissions.require_edit(actor)
    amount = parse_amount(planned, allow_zero=True)
    code, name = (code or "").strip()[:32], (name or "").strip()[:200]
    if not code or not name:
        raise InvalidInput(Code.INVALID_AMOUNT, _("预算科目须有编码和名称。"))
    now = now or timezone.now()
    with transaction.atomic():
        line, created = BudgetLine.objects.select_for_update().get_or_create(
            programme=programme, code=code, defaults={"name": name, "planned": amount, "department_id": department_id})
        before = None if created else str(line.planned)
        if not created:
            line.name, line.planned, line.department_id = name, amount, department_id
            line.save(update_fields=["name", "planned", "department"])
        record_audit(actor=actor, at=now, event_type="programme_budget_line_set", subject_type="programme_budget_line",
                     subject_id=line.pk, details={"code": code, "from": before, "to": str(amount)})
        _alert_overruns(programme, [line.pk], now)
    return line


def record_spend(*, actor: User, line: BudgetLine, amount: Any, spent_on: dt.date, note: str = "",
                 now: dt.datetime | None = None) -> Spend:
    permissions.require_edit(actor)
    value = parse_amount(amount)
    note = field_text(note, Spend, "note")
    now = now or timezone.now()
    if spent_on > local_date(now):
        raise InvalidInput(Code.INVALID_DATE, _("支出日期不能晚于今天。"))
    with transaction.atomic():
        spend = Spend.objects.create(line=line, amount=value, spent_on=spent_on, note=note,
                                     source=SpendSource.ENTERED, created_by=actor)
        record_audit(actor=actor, at=now, event_type="programme_spend_recorded", subject_type="programme_budget_line",
                     subject_id=line.pk, details={"code": line.code, "amount": str(value), "spent_on": spent_on.isoformat()})
        _alert_overruns(line.programme, [line.pk], now)
    return spend


# Spend import (Excel): the first sheet, a header row with exactly these columns, one spend a row.
IMPORT_COLUMNS = (gettext_noop("科目编码"), gettext_noop("支出日期"), gettext_noop("金额（元）"), gettext_noop("说明"))
IMPORT_MAX_ROWS = 5000
IMPORT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    batch: str
    rows: int
    total: Decimal


def _cell_name(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _refuse(row: int, column: int, problem: str) -> InvalidInput:
    header = _(IMPORT_COLUMNS[column - 1]) if column <= len(IMPORT_COLUMNS) else ""
    return InvalidInput(Code.IMPORT_REJECTED, _("第 %(row)d 行第 %(col)s 列（%(header)s）：%(problem)s 未导入任何数据。") % {
        "row": row, "col": _cell_name(row, column)[:-len(str(row))], "header": header, "problem": problem},
        {"row": row, "column": _cell_name(row, column)[:-len(str(row))], "cell": _cell_name(row, column),
         "problem": problem})


def import_spend(*, actor: User, programme: Programme, upload: IO[bytes], size: int | None = None,
                 now: dt.datetime | None = None) -> ImportResult:
    """Import actual spend from an Excel workbook (.xlsx). Every row is checked before anything is
    written; the first bad cell refuses the whole file, named by row and column. Nothing is
    half-imported. The workbook is read as data (openpyxl, read-only, no formulas evaluated)."""
    import zipfile

    from openpyxl import load_workbook

    permissions.require_edit(actor)
    now = now or timezone.now()
    if size is not None and size > IMPORT_MAX_BYTES:
        raise InvalidInput(Code.IMPORT_REJECTED, _("文件不能超过 5 MB。"))
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise InvalidInput(Code.IMPORT_REJECTED, _("无法读取该文件：请上传 Excel（.xlsx）文件。")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        for column, expected in enumerate(IMPORT_COLUMNS, start=1):
            found = header[column - 1] if column <= len(header) else None
            if (str(found).strip() if found is not None else "") not in (expected, _(expected)):
                raise _refuse(1, column, _("表头应为「%(expected)s」，实为「%(found)s」。") % {
                    "expected": _(expected), "found": "" if found is None else str(found)[:40]})
        lines = {line.code: line for line in BudgetLine.objects.filter(programme=programme)}
        today = local_date(now)
        parsed: list[tuple[BudgetLine, dt.date, Decimal, str]] = []
        for number, values in enumerate(rows, start=2):
            # counted on every row, empty ones too: a sheet of a million blank rows is refused, not walked
            if number > IMPORT_MAX_ROWS + 1:
                raise _refuse(number, 1, _("一次最多导入 %(max)d 行。") % {"max": IMPORT_MAX_ROWS})
            values = tuple(values)[:len(IMPORT_COLUMNS)]
            values = values + (None,) * (len(IMPORT_COLUMNS) - len(values))
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            code, spent_on, amount, note = values[:4]
            line = lines.get(str(code).strip() if code is not None else "")
            if line is None:
                raise _refuse(number, 1, _("没有编码为「%(code)s」的预算科目。") % {"code": str(code or "")[:32]})
            if isinstance(spent_on, dt.datetime):
                spent_on = spent_on.date()
            elif isinstance(spent_on, str):
                try:
                    spent_on = dt.date.fromisoformat(spent_on.strip())
                except ValueError:
                    spent_on = None
            if not isinstance(spent_on, dt.date):
                raise _refuse(number, 2, _("日期应为 YYYY-MM-DD 格式的日期。"))
            if spent_on > today:
                raise _refuse(number, 2, _("支出日期不能晚于今天。"))
            if amount is None or isinstance(amount, bool):
                raise _refuse(number, 3, _("金额必须是数字。"))
            try:
                value = parse_amount(amount)
            except InvalidInput as exc:
                raise _refuse(number, 3, exc.message) from None
            try:
                text = field_text(note, Spend, "note")
            except InvalidInput as exc:  # refused as the whole file is, naming the cell; never cut
                raise _refuse(number, 4, exc.message) from None
            parsed.append((line, spent_on, value, text))
    finally:
        workbook.close()
    if not parsed:
        raise InvalidInput(Code.IMPORT_REJECTED, _("文件中没有支出数据。"))
    batch = uuid.uuid4().hex[:16]
    total = sum((p[2] for p in parsed), Decimal(0))
    with transaction.atomic():
        _lock_programme(programme)
        Spend.objects.bulk_create([Spend(line=line, spent_on=day, amount=value, note=note, source=SpendSource.IMPORTED,
                                         import_batch=batch, created_by=actor) for line, day, value, note in parsed])
        record_audit(actor=actor, at=now, event_type="programme_spend_imported", subject_type="programme",
                     subject_id=programme.pk, details={"batch": batch, "rows": len(parsed), "total": str(total)})
        _alert_overruns(programme, sorted({p[0].pk for p in parsed}), now)
    return ImportResult(batch=batch, rows=len(parsed), total=total)


def _alert_overruns(programme: Programme, line_ids: list[int], now: dt.datetime) -> None:
    """Inside the caller's transaction: lines now spent past their budget and not yet alerted
    notify the programme office and the line's department heads, once; a line brought back
    within budget (budget raised) is re-armed."""
    lines = list(BudgetLine.objects.select_for_update(of=("self",)).filter(pk__in=line_ids).select_related("department"))
    spent = dict(Spend.objects.filter(line__in=line_ids).values("line").annotate(s=Sum("amount")).values_list("line", "s"))
    office = list(StaffRole.objects.filter(role=Role.PMO).values_list("user_id", flat=True).distinct())
    for line in lines:
        total = spent.get(line.pk) or Decimal(0)
        if total <= line.planned:
            if line.overrun_alerted_at is not None:
                BudgetLine.objects.filter(pk=line.pk).update(overrun_alerted_at=None)
            continue
        if line.overrun_alerted_at is not None:
            continue
        recipients = set(office)
        if line.department_id:
            recipients |= set(_heads_of({line.department_id}).get(line.department_id, []))
        params = {"code": line.code, "name": line.name, "planned": str(line.planned), "spent": str(total),
                  "over": str(total - line.planned)}
        Notification.objects.bulk_create([Notification(
            recipient_id=user_id, kind="programme_budget_overrun", params=params, title=gettext_noop("预算超支预警"),
            message=gettext_noop("预算科目 %(code)s「%(name)s」预算 %(planned)s 元，已支出 %(spent)s 元，超支 %(over)s 元。"),
            link="/work/programme/budget/") for user_id in sorted(recipients)])
        record_audit(actor=None, at=now, event_type="programme_budget_overrun_alerted", subject_type="programme_budget_line",
                     subject_id=line.pk, details={**params, "notified": len(recipients)})
        BudgetLine.objects.filter(pk=line.pk).update(overrun_alerted_at=now)


# -- weekly report (周进度报告) ---------------------------------------------------------------------

def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _already_generated(latest: WeeklyReport | None, based_on_version: int) -> Conflict:
    if latest is None:  # the version asked about does not exist (a stale or forged form)
        return Conflict(Code.REPORT_ALREADY_GENERATED, _("本周周报的版本已变化，请刷新页面后再生成。"),
                        {"version": 0, "based_on_version": based_on_version})
    return Conflict(Code.REPORT_ALREADY_GENERATED, _(
        "本周周报刚刚已生成（第 %(version)d 版，%(at)s），没有重复生成。如需再生成新版本，请在页面刷新后再点击“重新生成”。") % {
        "version": latest.version, "at": timezone.localtime(latest.generated_at).strftime("%H:%M:%S")},
        {"version": latest.version, "report_id": latest.pk, "based_on_version": based_on_version})


def generate_weekly_report(*, actor: User | None, programme: Programme, now: dt.datetime | None = None,
                           check_permission: bool = True, reuse_existing: bool = False,
                           based_on_version: int | None = None) -> WeeklyReport:
    """Build this week's report from the programme and the KPIs, compare it with the last report
    of an earlier week, render PDF and Excel and archive all three; a second run in the same week
    adds a version. ``check_permission=False`` only for the scheduled job and the demo seeder.

    ``based_on_version``: the week's latest version the person saw when they asked (0: none). If
    another version was archived since (the same button pressed twice, two people at once), nothing
    is generated: 409 ``programme_report_already_generated`` naming the version that was, so a
    double click never archives the same week twice."""
    from yiwang.programme import kpis, report

    if check_permission:
        permissions.require_edit(actor)
    if based_on_version is not None and based_on_version < 0:
        raise InvalidInput(Code.INVALID_FORMAT, _("周报版本号不能为负数。"), {"field": "based_on_version"})
    now = now or timezone.now()
    today = local_date(now)
    week = week_start_of(today)
    view = selectors.programme_view(programme, today)
    # the KPIs from the programme's start to the report's day: the pilot's targets are judged on
    # the whole pilot, not on one week's handful of cases
    state = selectors.snapshot(view, kpis.kpi_rows(start=programme.starts_on, end=today))
    state["kpi_period"] = [programme.starts_on.isoformat(), today.isoformat()]
    with transaction.atomic():
        _lock_programme(programme)
        existing = selectors.latest_report(programme, week) if reuse_existing else None
        if existing is not None:  # another request archived it while this one waited for the lock
            return existing
        if based_on_version is not None:
            latest = selectors.latest_report(programme, week)
            if (latest.version if latest else 0) != based_on_version:
                raise _already_generated(latest, based_on_version)
        previous = selectors.previous_report(programme, week)
        state["changes"] = selectors.changes_since(state, previous.snapshot if previous else None)
        state["week_start"] = week.isoformat()
        version = WeeklyReport.objects.filter(programme=programme, week_start=week).count() + 1
        state["version"] = version
        weekly = WeeklyReport.objects.create(
            programme=programme, week_start=week, version=version, generated_at=now,
            generated_by=actor if actor is not None and actor.is_authenticated else None, snapshot=state,
            pdf=report.render_pdf(state), xlsx=report.render_xlsx(state))
        record_audit(actor=actor, at=now, event_type="programme_report_generated", subject_type="programme_report",
                     subject_id=weekly.pk, details={"week_start": week.isoformat(), "version": version})
    return weekly
