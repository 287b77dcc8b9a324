"""GET /api/v1/kpi/summary, the drill-down and the series: who may read them, and bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.core.calendar import local_date
from yiwang.insights.models import KpiSetting
from yiwang.testing import case_factories, factories
from yiwang.testing.http import assert_error, bearer

pytestmark = pytest.mark.django_db

KEYS = {"code", "name", "value", "target", "baseline", "unit", "met"}


@pytest.fixture
def client():
    return Client()


def test_summary_follows_the_cases_and_the_configured_target(world, client):
    auth = bearer(client, "supervisor")
    today = local_date(timezone.now()).isoformat()
    before = {k["code"]: k for k in client.get(f"/api/v1/kpi/summary?from={today}&to={today}", **auth).json()}
    assert KEYS <= set(before["online_rate"]) and before["online_rate"]["value"] is None

    case_factories.apply_online(world.citizen, world.applicant, world.item)
    response = client.get(f"/api/v1/kpi/summary?from={today}&to={today}", **auth)
    assert response.status_code == 200
    kpi = {k["code"]: k for k in response.json()}["online_rate"]
    assert kpi["value"] == 100.0 and kpi["target"] == 95.0 and kpi["met"] is True and kpi["unit"] == "%"

    KpiSetting.objects.create(code="online_rate", target=100.5, baseline=60)
    kpi = {k["code"]: k for k in client.get(f"/api/v1/kpi/summary?from={today}&to={today}", **auth).json()}["online_rate"]
    assert kpi["target"] == 100.5 and kpi["met"] is False and kpi["baseline"] == 60

    drill = client.get(f"/api/v1/kpi/online_rate/cases?from={today}&to={today}", **auth).json()
    assert [e["number"] for e in drill["entries"]] == [world.applicant.cases.get().number]
    assert drill["entries"][0]["counted"] is True
    series = client.get("/api/v1/kpi/online_rate/series?period=month", **auth).json()
    assert series["grain"] == "day" and 100.0 in series["values"]


def test_a_department_head_sees_only_their_department(world, client):
    auth = bearer(client, "scjg_head")
    ok = client.get("/api/v1/kpi/summary?department=SCJG", **auth)
    assert ok.status_code == 200
    assert_error(client.get("/api/v1/kpi/summary?department=GA", **auth), 403, "department_not_yours")
    # without a department the head gets their own, never the county's
    case_factories.apply_online(world.citizen, world.applicant, world.item)
    own = {k["code"]: k for k in client.get("/api/v1/kpi/summary", **auth).json()}
    assert own["online_rate"]["denominator"] == 1


@pytest.mark.parametrize("username", ["clerk", "scjg_reviewer", "citizen"])
def test_others_are_refused(world, client, username):
    assert_error(client.get("/api/v1/kpi/summary", **bearer(client, username)), 403, "kpi_not_allowed")


def test_anonymous_is_refused(world, client):
    assert client.get("/api/v1/kpi/summary").status_code == 401


@pytest.mark.parametrize(("query", "status", "code"), [
    ("from=2026-03-10&to=2026-03-01", 422, "period_invalid"),
    ("from=2026-03-10", 422, "period_invalid"),
    ("from=2020-01-01&to=2026-01-01", 422, "period_too_long"),
    ("from=not-a-date&to=2026-01-01", 422, "validation_failed"),
    ("period=decade", 422, "validation_failed"),
    ("department=NOPE", 404, "department_not_found"),
    ("department=" + "x" * 500, 422, "validation_failed"),
    ("item=NOPE", 404, "item_not_found"),
    ("department=%27%3B%20DROP%20TABLE%20cases_case%3B--", 404, "department_not_found"),
])
def test_bad_input_is_a_4xx_with_a_message(world, client, query, status, code):
    assert_error(client.get(f"/api/v1/kpi/summary?{query}", **bearer(client, "supervisor")), status, code)


def test_drill_down_of_an_unknown_kpi_and_bad_paging(world, client):
    auth = bearer(client, "supervisor")
    assert_error(client.get("/api/v1/kpi/nope/cases", **auth), 404, "kpi_not_found")
    assert_error(client.get("/api/v1/kpi/nope/series", **auth), 404, "kpi_not_found")
    assert_error(client.get("/api/v1/kpi/sla_rate/cases?limit=0", **auth), 422, "validation_failed")
    assert_error(client.get("/api/v1/kpi/sla_rate/cases?offset=-1", **auth), 422, "validation_failed")


def test_supervisor_without_department_sees_the_county(world, client):
    factories.department("GA")
    case_factories.apply_online(world.citizen, world.applicant, world.item)
    kpis = {k["code"]: k for k in client.get("/api/v1/kpi/summary", **bearer(client, "supervisor")).json()}
    assert kpis["online_rate"]["denominator"] == 1
