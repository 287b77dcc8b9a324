"""A KPI's baseline is data with its provenance: entered by staff with its source named (admin,
audited), or computed from the platform's rollups for a past baseline period; a KPI without one
says so instead of showing an invented figure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from yiwang.cases import services as cases
from yiwang.cases.models import Channel
from yiwang.core.errors import InvalidInput, NotFound
from yiwang.core.models import AuditEvent
from yiwang.insights import services
from yiwang.insights.demo import seed_insights
from yiwang.insights.models import KpiSetting
from yiwang.insights.selectors import kpi_summary
from yiwang.testing import case_factories
from yiwang.testing.http import bearer

pytestmark = pytest.mark.django_db

# a past baseline period: March 2026, cases submitted on its Mondays (09:00 in Shanghai)
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def _kpis(**scope):
    return {k.code: k for k in kpi_summary(start=scope.get("start", START), end=scope.get("end", END))}


def _three_online_one_window(world):
    for week in range(3):
        case_factories.apply_online(world.citizen, world.applicant, world.item, now=MONDAY + dt.timedelta(days=7 * week))
    refs = case_factories.required_material_refs(world.clerk, world.item)
    cases.submit_application(actor=world.clerk, item=world.item, applicant=world.applicant,
                             form_data={"shop_name": "青禾小馆"}, materials=refs, channel=Channel.WINDOW, now=MONDAY)


def test_a_kpi_without_a_baseline_says_so_and_shows_no_figure(world):
    kpi = _kpis()["online_rate"]
    assert kpi.baseline is None and kpi.baseline_source == "" and kpi.baseline_provenance == "未设置基线"
    client = Client()
    body = client.get(f"/api/v1/kpi/summary?from={START}&to={END}", **bearer(client, "supervisor")).json()
    row = next(k for k in body if k["code"] == "online_rate")
    assert row["baseline"] is None and row["baseline_provenance"] == "未设置基线"


def test_a_baseline_computed_from_a_past_period_records_its_period_and_counts(world):
    _three_online_one_window(world)
    setting = services.compute_baseline(actor=None, code="online_rate", start=START, end=END)
    assert (setting.baseline, setting.baseline_source, setting.baseline_start, setting.baseline_end) == (
        75.0, "computed", START, END)
    assert "3 / 4" in setting.baseline_note
    kpi = _kpis(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))["online_rate"]
    assert kpi.baseline == 75.0 and kpi.baseline_provenance == "平台数据计算：2026-03-01 至 2026-03-31"
    event = AuditEvent.objects.get(event_type="kpi_baseline_computed", subject_id="online_rate")
    assert event.details["numerator"] == 3 and event.details["denominator"] == 4
    # it is a figure of its period, not a constant: more data in the period, another value when recomputed
    case_factories.apply_online(world.citizen, world.applicant, world.item, now=MONDAY)
    assert services.compute_baseline(actor=None, code="online_rate", start=START, end=END).baseline == 80.0


@pytest.mark.parametrize(("code", "start", "end", "error", "code_out"), [
    ("online_rate", dt.date(2025, 1, 1), dt.date(2025, 1, 31), InvalidInput, "kpi_baseline_no_data"),
    ("online_rate", END, START, InvalidInput, "period_invalid"),
    ("online_rate", START, dt.date(2099, 1, 1), InvalidInput, "period_invalid"),
    ("online_rate", dt.date(2020, 1, 1), END, InvalidInput, "period_too_long"),
    ("no_such_kpi", START, END, NotFound, "kpi_not_found"),
])
def test_a_baseline_that_cannot_be_computed_is_refused_and_nothing_recorded(world, code, start, end, error, code_out):
    _three_online_one_window(world)
    with pytest.raises(error) as caught:
        services.compute_baseline(actor=None, code=code, start=start, end=end)
    assert caught.value.code == code_out and caught.value.message
    assert not KpiSetting.objects.exists() and not AuditEvent.objects.filter(event_type__startswith="kpi_baseline").exists()


def test_an_entered_baseline_names_its_source(world):
    with pytest.raises(InvalidInput) as caught:
        services.enter_baseline(actor=None, code="online_rate", value=60, source="  ")
    assert caught.value.code == "kpi_baseline_source_required"
    with pytest.raises(InvalidInput):
        services.enter_baseline(actor=None, code="online_rate", value=120, source="年报")
    services.enter_baseline(actor=None, code="online_rate", value=61.5, source="2025 年度政务服务统计年报")
    kpi = _kpis()["online_rate"]
    assert (kpi.baseline, kpi.baseline_source, kpi.baseline_demo) == (61.5, "entered", False)
    assert kpi.baseline_provenance == "人工录入：2025 年度政务服务统计年报"
    assert AuditEvent.objects.filter(event_type="kpi_baseline_entered", subject_id="online_rate").count() == 1


def test_a_baseline_source_over_its_column_is_refused_and_at_it_is_kept_whole(world):
    """Before, ``enter_baseline`` stored ``source[:200]``: the provenance said less than was entered."""
    with pytest.raises(InvalidInput) as caught:
        services.enter_baseline(actor=None, code="online_rate", value=60, source="年" * 201)
    assert caught.value.code == "text_too_long" and caught.value.details["field"] == "baseline_note"
    assert not KpiSetting.objects.exists() and not AuditEvent.objects.filter(event_type="kpi_baseline_entered").exists()
    services.enter_baseline(actor=None, code="online_rate", value=60, source="年" * 200)
    assert KpiSetting.objects.get().baseline_note == "年" * 200


def test_the_admin_requires_the_source_and_records_who_entered_the_baseline(world):
    admin = get_user_model().objects.create_superuser("kpi_admin", "kpi@example.org", "Pw-kpi-2026-x")
    client = Client()
    client.force_login(admin)
    form = {"code": "online_rate", "target": "95", "baseline": "58", "baseline_note": ""}
    response = client.post("/admin/insights/kpisetting/add/", form)
    assert response.status_code == 200 and "请写明基线的来源" in response.content.decode()
    assert not KpiSetting.objects.exists()
    response = client.post("/admin/insights/kpisetting/add/", {**form, "baseline_note": "2025 年度政务服务统计年报"})
    assert response.status_code == 302
    setting = KpiSetting.objects.get()
    assert (setting.baseline, setting.baseline_source, setting.baseline_recorded_by) == (58.0, "entered", admin)
    assert AuditEvent.objects.filter(subject_type="kpisetting", actor=admin).exists()


def test_the_demo_baselines_are_marked_as_demo_figures_and_the_page_says_where_each_came_from(world):
    seed_insights()
    kpi = _kpis()["handling_time"]
    assert kpi.baseline == 12.0 and kpi.baseline_demo and "演示数据" in kpi.baseline_provenance
    client = Client()
    client.force_login(world.supervisor)
    page = client.get("/insights/").content.decode()
    assert "演示数据" in page and "baseline-source demo" in page
    KpiSetting.objects.filter(code="instant_rate").update(baseline=None)
    assert "未设置基线" in client.get("/insights/").content.decode()


def test_the_command_computes_baselines_for_a_period(world):
    _three_online_one_window(world)
    call_command("compute_kpi_baseline", "online_rate", "--from", "2026-03-01", "--to", "2026-03-31", verbosity=0)
    assert KpiSetting.objects.get(code="online_rate").baseline == 75.0
