"""The management platform's pages: who sees what, the forms, bad input shown on the page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from yiwang.programme.models import Spend, WeeklyReport
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def _as(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_leaders_read_the_plan_without_the_forms_and_clerks_are_refused(plan):
    page = _as("leader").get("/work/programme/").content.decode()
    assert "任务C" in page and 'id="gantt"' in page and "关键路径" in page
    task = _as("leader").get("/work/programme/tasks/C/").content.decode()
    assert "progress-form" not in task
    assert "progress-form" in _as("office").get("/work/programme/tasks/C/").content.decode()
    factories.user("clerk", ZWFW="clerk")
    assert _as("clerk").get("/work/programme/").status_code == 403
    assert Client().get("/work/programme/").status_code == 302


def test_a_leader_posting_progress_is_refused_and_nothing_changes(plan):
    response = _as("leader").post("/work/programme/tasks/C/", {"action": "progress", "progress": "90"})
    assert response.status_code == 403
    plan.tasks["C"].refresh_from_db()
    assert plan.tasks["C"].progress == 10


@pytest.mark.parametrize("value", ["abc", "-5", "101", ""])
def test_bad_progress_on_the_page_is_a_422_with_the_reason(plan, value):
    response = _as("office").post("/work/programme/tasks/C/", {"action": "progress", "progress": value})
    assert response.status_code == 422 and "0 到 100" in response.content.decode()


def test_a_cycle_on_the_page_is_refused_with_the_cycle_named(plan):
    response = _as("office").post("/work/programme/tasks/A/", {"action": "dependency", "predecessor": "D"})
    assert response.status_code == 422
    assert "循环依赖" in response.content.decode()
    ok = _as("office").post("/work/programme/tasks/C/", {"action": "dependency", "predecessor": "B"})
    assert ok.status_code == 302


def test_the_three_lists_export_to_excel_and_an_unknown_list_is_404(plan):
    client = _as("leader")
    page = client.get("/work/programme/lists/responsibility/").content.decode()
    assert "责任清单" in page
    response = client.get("/work/programme/lists/deadlines/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    # unfinished first, by planned end: B (ends day 9), C, D, then A (done)
    assert [r[0] for r in rows[1:]] == ["B", "C", "D", "A"]
    assert client.get("/work/programme/lists/everything/").status_code == 404


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("spend.xlsx", out.getvalue())


def test_an_import_with_a_wrong_column_shows_the_row_and_column_and_imports_nothing(budget):
    upload = _xlsx([["科目编码", "日期", "金额（元）", "说明"], ["B1", "2026-12-01", 10, ""]])
    response = _as("office").post("/work/programme/budget/", {"action": "import", "file": upload})
    assert response.status_code == 422
    assert "第 1 行第 B 列" in response.content.decode() and not Spend.objects.exists()
    good = _xlsx([["科目编码", "支出日期", "金额（元）", "说明"], ["B1", "2026-12-01", 10, ""]])
    assert _as("office").post("/work/programme/budget/", {"action": "import", "file": good}).status_code == 302
    assert Spend.objects.count() == 1


def test_negative_spend_on_the_page_is_refused(budget):
    response = _as("office").post("/work/programme/budget/", {"action": "spend", "line": "B1", "amount": "-3",
                                                              "spent_on": "2026-12-01"})
    assert response.status_code == 422 and "负数" in response.content.decode()
    response = _as("office").post("/work/programme/budget/", {"action": "spend", "line": "B1", "amount": "3",
                                                              "spent_on": "yesterday"})
    assert response.status_code == 422 and not Spend.objects.exists()


def test_this_weeks_report_is_a_404_saying_when_until_it_is_generated_and_a_get_generates_nothing(plan):
    client = _as("leader")
    page = client.get("/work/programme/reports/").content.decode()
    assert 'id="this-week-pending"' in page and "定时任务将于" in page and 'id="this-week-pdf"' not in page
    response = client.get("/work/programme/reports/this-week.pdf")
    assert response.status_code == 404 and "定时任务将于" in response.content.decode()
    assert client.get("/work/programme/reports/this-week.exe").status_code == 404
    assert not WeeklyReport.objects.exists()
    assert _as("office").post("/work/programme/reports/").status_code == 302
    assert 'id="this-week-pdf"' in client.get("/work/programme/reports/").content.decode()
    response = client.get("/work/programme/reports/this-week.xlsx")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(WeeklyReport.objects.get().xlsx)


def test_the_archive_lists_reports_and_serves_them_again(plan):
    assert _as("leader").post("/work/programme/reports/").status_code == 403
    assert _as("office").post("/work/programme/reports/").status_code == 302
    report = WeeklyReport.objects.get()
    client = _as("leader")
    assert f"/work/programme/reports/{report.pk}.pdf" in client.get("/work/programme/reports/").content.decode()
    response = client.get(f"/work/programme/reports/{report.pk}.pdf")
    assert b"".join(response.streaming_content) == bytes(report.pdf)
    assert client.get(f"/work/programme/reports/{report.pk}.exe").status_code == 404
    assert client.get("/work/programme/reports/999999.pdf").status_code == 404


def test_the_gantt_data_and_the_task_list_carry_planned_and_forecast_dates(plan):
    import json
    import re

    from yiwang.programme import selectors

    response = _as("leader").get("/work/programme/")
    page = response.content.decode()
    data = json.loads(re.search(r'<script id="gantt-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    rows = {r.task.code: r for r in selectors.task_rows(plan.programme, response.context["view"].today)}
    d = next(t for t in data["tasks"] if t["code"] == "D")
    assert (d["start"], d["end"]) == (plan.tasks["D"].starts_on.isoformat(), plan.tasks["D"].ends_on.isoformat())
    assert (d["forecast_start"], d["forecast_end"], d["slip"]) == (
        rows["D"].forecast_start.isoformat(), rows["D"].forecast_end.isoformat(), rows["D"].slip_days)
    assert d["slip"] > 0 and d["forecast_start"] > d["start"]  # pushed by the late C
    assert "推迟" in page and 'class="muted forecast slipping"' in page


def test_generate_pressed_twice_archives_one_report_and_says_the_first_press_made_it(plan):
    """A double click posts the same form twice: the second post names the version the page showed
    (none yet), finds the one the first post archived, generates nothing and says so."""
    office = _as("office")
    form = office.get("/work/programme/reports/").content.decode()
    assert 'name="based_on_version" value="0"' in form
    first = office.post("/work/programme/reports/", {"based_on_version": "0"})
    second = office.post("/work/programme/reports/", {"based_on_version": "0"}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert WeeklyReport.objects.count() == 1
    assert "本周周报刚刚已生成（第 1 版" in second.content.decode() and "没有重复生成" in second.content.decode()
    # regenerating on purpose, from the page that shows version 1, still adds a version (once)
    assert 'name="based_on_version" value="1"' in second.content.decode()
    office.post("/work/programme/reports/", {"based_on_version": "1"})
    office.post("/work/programme/reports/", {"based_on_version": "1"})
    assert sorted(WeeklyReport.objects.values_list("version", flat=True)) == [1, 2]
