"""The dashboard, the drill-down, the Excel export and the weekly PDF, as a supervisor and a head
use them, and refused to everyone else."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_dashboard_shows_each_kpi_with_target_baseline_and_definition(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    page = _client(world.supervisor).get("/insights/?period=month")
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("online_rate", "handling_time", "satisfaction", "rectification_rate", "sharing_rate", "manual_rate"):
        assert f'id="kpi-{code}"' in html
    assert "网办率" in html and "期内提交的办件中，网上申请的件数" in html and "kpi-data" in html
    drill = _client(world.supervisor).get("/insights/kpi/online_rate/?period=month")
    assert drill.status_code == 200 and case.number in drill.content.decode()


def test_head_sees_own_department_and_is_refused_another(world):
    head = _client(world.head)
    assert head.get("/insights/").status_code == 200
    refused = head.get("/insights/?department=GA")
    assert refused.status_code == 403 and "本部门" in refused.content.decode()


@pytest.mark.parametrize("path", ["/insights/", "/insights/kpi/sla_rate/", "/insights/export.xlsx",
                                  "/insights/report/weekly.pdf"])
def test_others_are_refused(world, path):
    assert _client(world.clerk).get(path).status_code == 403
    assert _client(world.citizen).get(path).status_code == 403


@pytest.mark.parametrize(("query", "status"), [("from=2026-13-40&to=2026-01-01", 422), ("department=NOPE", 404),
                                               ("chart=nope", 404), ("period=year", 422),
                                               ("from=2026-03-02&to=2026-03-01", 422)])
def test_bad_input_on_the_page_is_a_4xx_page(world, query, status):
    response = _client(world.supervisor).get(f"/insights/?{query}")
    assert response.status_code == status and 'role="alert"' in response.content.decode()


def test_bad_page_number_and_unknown_kpi_on_drill_down(world):
    c = _client(world.supervisor)
    assert c.get("/insights/kpi/online_rate/?page=abc").status_code == 422
    assert c.get("/insights/kpi/nope/").status_code == 404


def test_excel_export_has_the_figures(world):
    case_factories.apply_online(world.citizen, world.applicant, world.item)
    response = _client(world.supervisor).get("/insights/export.xlsx?period=month")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = {r[1]: r for r in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert rows["online_rate"][2] == 100.0 and rows["online_rate"][4] == 95.0
    assert len(book.worksheets) == 2  # the county's figures per department too


def test_weekly_pdf(world):
    response = _client(world.supervisor).get("/insights/report/weekly.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert _client(world.supervisor).get("/insights/report/weekly.pdf?week=bad").status_code == 422
