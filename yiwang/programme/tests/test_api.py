"""The programme API: the contract's two reads, the writes, and bad input on purpose."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.test import Client
from openpyxl import load_workbook

from yiwang.programme import selectors
from yiwang.programme.models import Dependency, Spend, WeeklyReport
from yiwang.programme.tests.conftest import TODAY, day
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db


def test_leaders_read_the_milestones(plan):
    client = Client()
    response = client.get("/api/v1/programme/milestones", **bearer(client, "leader"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(m["code"], m["status"]) for m in body] == [("M1", "overdue"), ("M2", "upcoming")]
    assert body[0]["phase"] == "BUILD" and body[0]["reached_on"] is None


def test_citizens_clerks_and_strangers_do_not_see_the_programme(plan):
    client = Client()
    assert_error(client.get("/api/v1/programme/milestones"), 401, "not_authenticated")
    factories.user("clerk", ZWFW="clerk")
    factories.citizen()
    for username in ("clerk", "citizen"):
        assert_error(client.get("/api/v1/programme/milestones", **bearer(client, username)), 403, "programme_not_allowed")


def test_the_tasks_carry_their_light_and_the_critical_path(plan):
    client = Client()
    auth = bearer(client, "scjg_head")
    # the API forecasts from the day it is asked on: ask on the plan's TODAY (noon in Shanghai), or
    # the test fails on any other date (it did, run just after local midnight)
    noon = dt.datetime.combine(TODAY, dt.time(4), tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=noon):
        body = client.get("/api/v1/programme/tasks", **auth).json()
    assert [(t["code"], t["light"], t["critical"]) for t in body] == [
        ("A", "done", True), ("B", "green", False), ("C", "red", True), ("D", "red", True)]
    assert body[3]["predecessors"] == ["B", "C"]
    rows = {r.task.code: r for r in selectors.task_rows(plan.programme, TODAY)}
    assert [(t["forecast_starts_on"], t["forecast_ends_on"]) for t in body] == [
        (rows[c].forecast_start.isoformat(), rows[c].forecast_end.isoformat()) for c in "ABCD"]
    # C (10 % of 50 days, 45 days of work left) finishes on day 44, not 19: D, planned for days 20–40,
    # is forecast for days 45–65, and red for its 25-day slip though its own progress is on time
    assert (rows["C"].forecast_end, rows["D"].forecast_start, rows["D"].forecast_end) == (day(44), day(45), day(65))
    assert rows["D"].light == "red" and rows["D"].slip_days == 25 and rows["D"].critical
    assert (rows["B"].forecast_end, rows["B"].slip_days, rows["B"].critical) == (day(9), 0, False)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_weekly_report_downloads_as_pdf_or_excel_once_the_office_has_generated_it(plan, fmt):
    client = Client()
    body = assert_error(client.get(f"/api/v1/programme/report/weekly?format={fmt}", **bearer(client, "leader")),
                        404, "programme_report_not_found")
    assert body["details"]["scheduled_at"] and not WeeklyReport.objects.exists()  # a GET generated nothing
    assert_error(post_json(client, "/api/v1/programme/reports", {}, bearer(client, "leader")), 403,
                 "programme_not_allowed")
    assert post_json(client, "/api/v1/programme/reports", {}, bearer(client, "office")).status_code == 201
    response = client.get(f"/api/v1/programme/report/weekly?format={fmt}", **bearer(client, "leader"))
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content)
    assert "attachment" in response["Content-Disposition"] and response["Content-Security-Policy"]
    if fmt == "pdf":
        assert response["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    else:
        assert load_workbook(io.BytesIO(content)).sheetnames[0] == "总体情况"
    assert WeeklyReport.objects.count() == 1


@pytest.mark.parametrize("query, status", [("format=docx", 422), ("format=", 422), ("format=PDF%00", 400)])
def test_a_report_format_other_than_pdf_or_xlsx_is_refused(plan, query, status):
    client = Client()
    # 400: a NUL is refused with the request (yiwang.core.middleware)
    assert_error(client.get(f"/api/v1/programme/report/weekly?{query}", **bearer(client, "leader")), status,
                 "validation_failed")
    assert not WeeklyReport.objects.exists()


def test_a_cycle_through_the_api_is_refused_with_the_cycle_named(plan):
    client = Client()
    auth = bearer(client, "office")
    body = assert_error(post_json(client, "/api/v1/programme/tasks/A/dependencies", {"predecessor": "D"}, auth),
                        422, "programme_dependency_cycle")
    assert body["details"]["cycle"][0] == body["details"]["cycle"][-1]
    assert_error(post_json(client, "/api/v1/programme/tasks/C/dependencies", {"predecessor": "C"}, auth),
                 422, "programme_dependency_cycle")
    assert_error(post_json(client, "/api/v1/programme/tasks/C/dependencies", {"predecessor": "ZZ"}, auth),
                 404, "programme_task_not_found")
    response = post_json(client, "/api/v1/programme/tasks/C/dependencies", {"predecessor": "B"}, auth)
    assert response.status_code == 201 and response.json()["predecessors"] == ["A", "B"]
    assert Dependency.objects.count() == 5


def test_leaders_cannot_write(plan):
    client = Client()
    auth = bearer(client, "leader")
    assert_error(post_json(client, "/api/v1/programme/tasks/C/progress", {"progress": 50}, auth), 403, "programme_not_allowed")
    assert_error(client.post("/api/v1/programme/reports", **auth), 403, "programme_not_allowed")


@pytest.mark.parametrize("progress", [-1, 101, "lots"])
def test_progress_out_of_range_is_a_422(plan, progress):
    client = Client()
    assert_error(post_json(client, "/api/v1/programme/tasks/C/progress", {"progress": progress}, bearer(client, "office")),
                 422, "validation_failed")


@pytest.mark.parametrize(("amount", "code"), [("-100", "programme_invalid_amount"), (0, "programme_invalid_amount"),
                                              ("NaN", "validation_failed"), ("1.234", "programme_invalid_amount")])
def test_negative_zero_or_malformed_spend_is_refused(budget, amount, code):
    client = Client()
    response = post_json(client, "/api/v1/programme/budget/B1/spend",
                         {"amount": amount, "spent_on": "2026-12-01", "note": "x"}, bearer(client, "office"))
    assert_error(response, 422, code)
    assert not Spend.objects.exists()


def test_spend_is_entered_and_the_line_turns_red_when_overrun(budget):
    client = Client()
    response = post_json(client, "/api/v1/programme/budget/B1/spend", {"amount": "1200.00", "spent_on": "2026-12-01"},
                         bearer(client, "office"))
    assert response.status_code == 201, response.content
    assert response.json()["line"]["light"] == "red" and response.json()["line"]["spent"] == "1200.00"


def test_a_generation_sent_twice_with_the_version_seen_archives_one_report_and_the_second_is_a_409(plan):
    client = Client()
    auth = bearer(client, "office")
    first = client.post("/api/v1/programme/reports?based_on_version=0", **auth)
    assert first.status_code == 201 and first.json()["version"] == 1
    body = assert_error(client.post("/api/v1/programme/reports?based_on_version=0", **auth), 409,
                        "programme_report_already_generated")
    assert body["details"]["version"] == 1 and "没有重复生成" in body["message"]
    assert WeeklyReport.objects.count() == 1
    assert client.post("/api/v1/programme/reports?based_on_version=1", **auth).status_code == 201
    assert_error(client.post("/api/v1/programme/reports?based_on_version=-1", **auth), 422,
                 "programme_invalid_format")
    assert_error(client.post("/api/v1/programme/reports?based_on_version=x", **auth), 422, "validation_failed")
    assert WeeklyReport.objects.count() == 2
