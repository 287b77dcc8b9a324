"""Changing the programme through its services: who may, what is refused, what is audited."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import AuditEvent, Notification
from yiwang.programme import selectors, services
from yiwang.programme.models import Dependency, Spend
from yiwang.programme.tests.conftest import NOW, TODAY
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def test_the_view_lights_each_task_and_marks_the_critical_path(plan):
    view = selectors.programme_view(plan.programme, TODAY)
    lights = {r.task.code: r.light for r in view.tasks}
    # D is on time by its own progress (not started) but the late C pushes it 25 days: red
    assert lights == {"A": "done", "B": "green", "C": "red", "D": "red"}
    assert [r.task.code for r in view.critical_path] == ["A", "C", "D"]
    # on the forecast C ends on day 44 (not 19), so B (ends day 9) may slip 35 days, not 10
    assert next(r for r in view.tasks if r.task.code == "B").float_days == 35


def test_the_programme_office_records_progress_and_it_is_audited(plan):
    services.update_progress(actor=plan.office, task=plan.tasks["C"], progress=60, now=NOW)
    plan.tasks["C"].refresh_from_db()
    assert plan.tasks["C"].progress == 60
    event = AuditEvent.objects.get(event_type="programme_task_progressed")
    assert event.details == {"code": "C", "from": 10, "to": 60} and event.actor_id == plan.office.pk


@pytest.mark.parametrize("progress", [-1, 101, True, "50"])
def test_progress_outside_0_to_100_is_refused(plan, progress):
    with pytest.raises(InvalidInput):
        services.update_progress(actor=plan.office, task=plan.tasks["C"], progress=progress, now=NOW)


def test_leaders_heads_and_clerks_cannot_change_the_plan(plan):
    clerk = factories.user("clerk", ZWFW="clerk")
    for user in (plan.leader, plan.head, clerk):
        with pytest.raises(Forbidden):
            services.update_progress(actor=user, task=plan.tasks["C"], progress=60, now=NOW)
    assert not AuditEvent.objects.filter(event_type="programme_task_progressed").exists()


def test_a_task_that_depends_on_itself_is_refused(plan):
    with pytest.raises(InvalidInput) as refused:
        services.add_dependency(actor=plan.office, predecessor=plan.tasks["B"], successor=plan.tasks["B"])
    assert refused.value.details["cycle"] == ["B", "B"] and "B → B" in refused.value.message


def test_a_link_that_closes_a_cycle_is_refused_with_the_cycle_named(plan):
    # given A → B → D; when D → A is added
    with pytest.raises(InvalidInput) as refused:
        services.add_dependency(actor=plan.office, predecessor=plan.tasks["D"], successor=plan.tasks["A"])
    # then the cycle is named, and nothing was written
    cycle = refused.value.details["cycle"]
    assert cycle[0] == cycle[-1] and {"A", "D"} <= set(cycle)
    assert " → ".join(cycle) in refused.value.message
    assert Dependency.objects.count() == 4


def test_a_new_link_moves_the_critical_path_and_a_duplicate_is_a_conflict(plan):
    services.add_dependency(actor=plan.office, predecessor=plan.tasks["B"], successor=plan.tasks["C"])
    critical = [r.task.code for r in selectors.programme_view(plan.programme, TODAY).critical_path]
    assert critical == ["A", "B", "C", "D"]
    assert AuditEvent.objects.filter(event_type="programme_dependency_added").count() == 1
    with pytest.raises(Conflict):
        services.add_dependency(actor=plan.office, predecessor=plan.tasks["B"], successor=plan.tasks["C"])


def test_a_red_task_is_escalated_to_its_owners_heads_once_and_audited(plan):
    # given C (SCJG) is red; SCJG has one head
    assert services.escalate_red_tasks(now=NOW) == 1
    note = Notification.objects.get(kind="programme_task_escalated")
    assert note.recipient_id == plan.head.pk and note.params["code"] == "C"
    assert "C" in note.rendered_body() and "10%" in note.rendered_body()
    assert AuditEvent.objects.get(event_type="programme_task_escalated").details["heads_notified"] == 1
    # when the job runs again, nobody is told twice
    assert services.escalate_red_tasks(now=NOW) == 0
    assert Notification.objects.filter(kind="programme_task_escalated").count() == 1


def test_a_milestone_is_reached_once_and_not_in_the_future(plan):
    with pytest.raises(InvalidInput):
        services.reach_milestone(actor=plan.office, milestone=plan.milestones["M1"], reached_on=TODAY + dt.timedelta(days=1), now=NOW)
    services.reach_milestone(actor=plan.office, milestone=plan.milestones["M1"], reached_on=TODAY, now=NOW)
    with pytest.raises(Conflict):
        services.reach_milestone(actor=plan.office, milestone=plan.milestones["M1"], reached_on=TODAY, now=NOW)
    assert [r.status for r in selectors.milestone_rows(plan.programme, TODAY)] == ["reached", "upcoming"]


@pytest.mark.parametrize("amount", ["-1", "-0.01", "0", "abc", "NaN", "Infinity", "1.001", "1e20"])
def test_a_negative_zero_or_malformed_amount_is_refused(budget, amount):
    line = selectors.budget_line_by_code(budget.programme, "B1")
    with pytest.raises(InvalidInput):
        services.record_spend(actor=budget.office, line=line, amount=amount, spent_on=TODAY, now=NOW)
    if amount != "0":  # a budget line may be planned at nothing; spend must be positive
        with pytest.raises(InvalidInput):
            services.set_budget_line(actor=budget.office, programme=budget.programme, code="B9", name="x", planned=amount)
    assert not Spend.objects.exists()
    assert not selectors.budget_rows(budget.programme)[0].spent


def test_an_overrun_alerts_the_office_and_the_lines_heads_once(budget):
    line = selectors.budget_line_by_code(budget.programme, "B1")
    services.record_spend(actor=budget.office, line=line, amount="900", spent_on=TODAY, now=NOW)
    assert [r.light for r in selectors.budget_rows(budget.programme)] == ["yellow", "green"]
    assert not Notification.objects.filter(kind="programme_budget_overrun").exists()
    services.record_spend(actor=budget.office, line=line, amount="100.01", spent_on=TODAY, now=NOW)
    services.record_spend(actor=budget.office, line=line, amount="50", spent_on=TODAY, now=NOW)
    assert selectors.budget_rows(budget.programme)[0].light == "red"
    alerted = set(Notification.objects.filter(kind="programme_budget_overrun").values_list("recipient_id", flat=True))
    assert alerted == {budget.office.pk, budget.head.pk}
    assert AuditEvent.objects.filter(event_type="programme_budget_overrun_alerted").count() == 1


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


HEADER = ["科目编码", "支出日期", "金额（元）", "说明"]


def test_spend_is_imported_from_excel_in_one_batch(budget):
    upload = _workbook([HEADER, ["B1", dt.datetime(2026, 12, 1), 300, "首付款"], ["B2", "2026-12-02", "120.50", None], []])
    result = services.import_spend(actor=budget.office, programme=budget.programme, upload=upload, now=NOW)
    assert result.rows == 2 and result.total == Decimal("420.50")
    assert sorted(Spend.objects.values_list("line__code", "amount")) == [("B1", Decimal("300")), ("B2", Decimal("120.50"))]
    assert AuditEvent.objects.get(event_type="programme_spend_imported").details["rows"] == 2


def test_an_import_with_a_wrong_column_is_refused_naming_the_row_and_column(budget):
    upload = _workbook([["科目编码", "支出日期", "金额", "说明"], ["B1", "2026-12-01", 300, ""]])
    with pytest.raises(InvalidInput) as refused:
        services.import_spend(actor=budget.office, programme=budget.programme, upload=upload, now=NOW)
    assert refused.value.details["row"] == 1 and refused.value.details["column"] == "C"
    assert "第 1 行第 C 列" in refused.value.message and "金额（元）" in refused.value.message


@pytest.mark.parametrize(("row", "column"), [
    (["B1", "2026-12-01", -5, ""], "C"),          # a negative amount
    (["B1", "2026-12-01", "三百", ""], "C"),       # not a number
    (["B7", "2026-12-01", 5, ""], "A"),           # no such budget line
    (["B1", "12/01/2026", 5, ""], "B"),           # not a date
    (["B1", "2027-01-01", 5, ""], "B"),           # in the future
    (["B1", "2026-12-01", 5, "说" * 201], "D"),    # a note over its 200 characters: refused, not cut
])
def test_a_bad_row_refuses_the_whole_file_and_nothing_is_half_imported(budget, row, column):
    upload = _workbook([HEADER, ["B2", "2026-12-01", 10, "good row first"], row])
    with pytest.raises(InvalidInput) as refused:
        services.import_spend(actor=budget.office, programme=budget.programme, upload=upload, now=NOW)
    assert refused.value.details == {**refused.value.details, "row": 3, "column": column}
    assert f"第 3 行第 {column} 列" in refused.value.message
    assert not Spend.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(budget):
    with pytest.raises(InvalidInput):
        services.import_spend(actor=budget.office, programme=budget.programme, upload=io.BytesIO(b"PK\x03\x04 not a zip"), now=NOW)
    with pytest.raises(InvalidInput):
        services.import_spend(actor=budget.office, programme=budget.programme, upload=_workbook([HEADER]), now=NOW)


def test_a_sheet_longer_than_the_limit_is_refused_even_if_its_rows_are_blank(budget, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_MAX_ROWS", 3)
    rows = [HEADER, ["B1", "2026-12-01", 1, ""], [], [], ["B1", "2026-12-01", 1, ""]]
    with pytest.raises(InvalidInput) as refused:
        services.import_spend(actor=budget.office, programme=budget.programme, upload=_workbook(rows), now=NOW)
    assert refused.value.details["row"] == 5 and not Spend.objects.exists()


def test_a_spend_note_of_the_limit_is_kept_whole_and_one_over_is_refused(budget):
    """Before, the note was stored as ``note[:200]``: the record said less than was written."""
    line = selectors.budget_line_by_code(budget.programme, "B1")
    with pytest.raises(InvalidInput) as refused:
        services.record_spend(actor=budget.office, line=line, amount="10", spent_on=TODAY, note="说" * 201, now=NOW)
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "note"
    assert "200" in refused.value.message
    assert not Spend.objects.exists() and not AuditEvent.objects.filter(event_type="programme_spend_recorded").exists()
    note = "首付款\r\n" + "说" * 196
    services.record_spend(actor=budget.office, line=line, amount="10", spent_on=TODAY, note=note, now=NOW)
    assert Spend.objects.get().note == note.replace("\r\n", "\n")
