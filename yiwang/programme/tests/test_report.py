"""The weekly report: built from the programme and the KPIs, archived, compared with last week."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from yiwang.core.errors import NotFound
from yiwang.core.models import AuditEvent
from yiwang.programme import selectors, services
from yiwang.programme.models import WeeklyReport
from yiwang.programme.tests.conftest import NOW

pytestmark = pytest.mark.django_db
LAST_WEEK = NOW - dt.timedelta(days=7)


def _sheet(report: WeeklyReport, title: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(bytes(report.xlsx)), read_only=True)
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


def test_the_report_lists_the_changes_since_last_weeks_report(budget):
    # given last week's report
    office, programme = budget.office, budget.programme
    services.generate_weekly_report(actor=office, programme=programme, now=LAST_WEEK)
    # when this week C progresses, B slips into yellow territory, M1 is reached and B1 is spent
    services.update_progress(actor=office, task=budget.tasks["C"], progress=40, now=NOW)
    services.update_progress(actor=office, task=budget.tasks["B"], progress=60, now=NOW)
    services.reach_milestone(actor=office, milestone=budget.milestones["M1"], reached_on=NOW.date(), now=NOW)
    services.record_spend(actor=office, line=selectors.budget_line_by_code(programme, "B1"), amount="250.5",
                          spent_on=NOW.date(), now=NOW)
    report = services.generate_weekly_report(actor=office, programme=programme, now=NOW)
    # then
    changes = report.snapshot["changes"]
    assert changes["previous_as_of"] == LAST_WEEK.date().isoformat()
    assert {(c["code"], c["from"], c["to"]) for c in changes["progress"]} == {("C", 10, 40), ("B", 80, 60)}
    assert [(w["code"], w["to"]) for w in changes["new_warnings"]] == [("B", "yellow")]
    assert [m["code"] for m in changes["milestones_reached"]] == ["M1"]
    assert changes["spend"] == [{"code": "B1", "name": "平台开发", "delta": "250.50"}]
    assert changes["spend_total_delta"] == "250.50"
    # the KPIs come from insights, over the pilot so far
    assert {k["code"] for k in report.snapshot["kpis"]} and report.snapshot["kpi_period"][0] == programme.starts_on.isoformat()
    # and both files say so
    assert bytes(report.pdf).startswith(b"%PDF")
    changed = _sheet(report, "本周变化")
    assert ("进度变化", "C 任务C", "10% → 40%") in changed and ("里程碑达成", "M1 方案批复", NOW.date().isoformat()) in changed
    assert len(_sheet(report, "试点指标")) == len(report.snapshot["kpis"]) + 1


def test_reports_are_archived_as_versions_and_never_overwritten(plan):
    first = services.generate_weekly_report(actor=plan.office, programme=plan.programme, now=NOW)
    services.update_progress(actor=plan.office, task=plan.tasks["C"], progress=90, now=NOW)
    second = services.generate_weekly_report(actor=plan.office, programme=plan.programme, now=NOW)
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert next(t for t in first.snapshot["tasks"] if t["code"] == "C")["progress"] == 10
    assert [r.pk for r in selectors.reports_of(plan.programme)] == [second.pk, first.pk]
    assert AuditEvent.objects.filter(event_type="programme_report_generated").count() == 2


def test_a_read_of_a_week_with_no_report_is_a_404_saying_when_and_archives_nothing(plan, settings):
    settings.PROGRAMME_REPORT_WEEKDAY, settings.PROGRAMME_REPORT_TIME = 4, "17:30"
    with pytest.raises(NotFound) as caught:
        selectors.this_weeks_report(plan.programme, NOW.date())
    week = NOW.date() - dt.timedelta(days=NOW.date().weekday())
    friday = week + dt.timedelta(days=4)
    assert caught.value.code == "programme_report_not_found"
    assert f"{friday.isoformat()} 17:30" in caught.value.message
    assert caught.value.details == {"week_start": week.isoformat(), "scheduled_at": f"{friday.isoformat()}T17:30"}
    assert not WeeklyReport.objects.exists() and not AuditEvent.objects.filter(
        event_type="programme_report_generated").exists()


def test_the_scheduled_job_archives_the_week_once_and_reads_then_find_it(plan):
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("weekly_programme_report", stdout=io.StringIO())
        call_command("weekly_programme_report", stdout=io.StringIO())  # the week has one: kept
    first = selectors.this_weeks_report(plan.programme, NOW.date())
    assert WeeklyReport.objects.count() == 1 and first.generated_by is None
    assert selectors.this_weeks_report(plan.programme, NOW.date() - dt.timedelta(days=NOW.date().weekday())).pk == first.pk
    with pytest.raises(NotFound):  # next week has none until the job runs again
        selectors.this_weeks_report(plan.programme, NOW.date() + dt.timedelta(days=7))
    later = services.generate_weekly_report(actor=plan.office, programme=plan.programme, now=NOW + dt.timedelta(days=7))
    assert later.snapshot["changes"]["previous_as_of"] == NOW.date().isoformat()


def test_a_formula_typed_into_a_name_stays_text_in_the_workbook(plan):
    plan.tasks["D"].name = '=HYPERLINK("http://evil.example","x")'
    plan.tasks["D"].save()
    report = services.generate_weekly_report(actor=plan.office, programme=plan.programme, now=NOW)
    book = load_workbook(io.BytesIO(bytes(report.xlsx)))
    cell = next(c for row in book["任务进度"].iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"
