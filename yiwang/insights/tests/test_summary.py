"""The KPI summary moves with the platform's data, through the real case services."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.cases import services
from yiwang.cases.models import CaseStep, StepStatus
from yiwang.core.calendar import local_date
from yiwang.insights.selectors import kpi_summary
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def _by_code(kpis):
    return {k.code: k for k in kpis}


def _today():
    from django.utils import timezone

    return local_date(timezone.now())


def _close(world, case):
    services.accept_application(actor=world.clerk, case_id=case.pk)
    for name in ("审查", "决定"):
        step = CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)
        actor = world.reviewer if name == "审查" else world.decider
        services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")
    services.deliver_result(actor=world.clerk, case_id=case.pk, method="electronic")


def test_figures_move_as_cases_are_submitted_and_closed(world):
    today = _today()
    empty = _by_code(kpi_summary(start=today, end=today))
    assert empty["online_rate"].value is None and empty["online_rate"].met is None
    assert empty["handling_time"].value is None

    first = case_factories.apply_online(world.citizen, world.applicant, world.item)
    second = case_factories.apply_online(world.citizen, world.applicant, world.item)
    after_submission = _by_code(kpi_summary(start=today, end=today))
    assert after_submission["online_rate"].value == 100.0
    assert after_submission["online_rate"].denominator == 2
    assert after_submission["manual_rate"].value == 100.0  # nothing decided by rules yet
    assert after_submission["sla_rate"].value is None  # nothing closed yet

    _close(world, first)
    closed = _by_code(kpi_summary(start=today, end=today))
    assert closed["sla_rate"].value == 100.0 and closed["sla_rate"].denominator == 1
    assert closed["instant_rate"].value == 100.0  # closed the day it came in
    # no baseline set: the handling time has no target, hence no verdict (its target derives from the baseline)
    assert closed["handling_time"].value is not None and closed["handling_time"].met is None
    assert closed["handling_time"].denominator == 1
    _close(world, second)
    assert _by_code(kpi_summary(start=today, end=today))["sla_rate"].denominator == 2

    # another department's figures do not include them; another period neither
    from yiwang.core.models import Department

    ga = Department.objects.get(code="GA")
    assert _by_code(kpi_summary(start=today, end=today, department=ga))["online_rate"].value is None
    yesterday = today - dt.timedelta(days=1)
    assert _by_code(kpi_summary(start=yesterday, end=yesterday))["online_rate"].value is None


def test_one_window_coverage_counts_window_cases_taken_in_at_the_service_centre(world):
    from yiwang.cases.models import Channel
    from yiwang.testing import factories

    today = _today()
    own_window = factories.user("scjg_clerk", SCJG="clerk")  # a department's own window, not the centre's
    for clerk in (world.clerk, own_window):
        refs = case_factories.required_material_refs(clerk, world.item)
        services.submit_application(actor=clerk, item=world.item, applicant=world.applicant,
                                    form_data={"shop_name": "青禾小馆"}, materials=refs, channel=Channel.WINDOW)
    case_factories.apply_online(world.citizen, world.applicant, world.item)  # not a window case: not counted
    kpi = _by_code(kpi_summary(start=today, end=today))["one_window_rate"]
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)
    online = _by_code(kpi_summary(start=today, end=today))["online_rate"]
    assert (online.numerator, online.denominator) == (1, 3)


def test_the_handling_time_target_is_the_configured_baseline_cut_by_sixty_percent(world):
    """Issue #13: "average handling time (baseline configurable …; target −60 %)": the target is
    baseline × 0.4, moves with the baseline, has none without one, and says where it comes from."""
    from django.test import Client

    from yiwang.insights import services as insights
    from yiwang.insights.models import KpiSetting
    from yiwang.testing.http import bearer

    today = _today()
    _close(world, case_factories.apply_online(world.citizen, world.applicant, world.item))
    kpi = _by_code(kpi_summary(start=today, end=today))["handling_time"]
    assert kpi.value is not None and kpi.target is None and kpi.met is None
    assert kpi.target_provenance == "目标为基线压减 60%；未设置基线，无法计算目标"

    insights.enter_baseline(actor=None, code="handling_time", value=12.0, source="2025 年度政务服务统计年报")
    kpi = _by_code(kpi_summary(start=today, end=today))["handling_time"]
    assert (kpi.target, kpi.met) == (4.8, True)
    assert kpi.target_provenance == "目标 = 基线 12 × 0.4（压减 60%）"

    insights.enter_baseline(actor=None, code="handling_time", value=7.5, source="2025 年度政务服务统计年报（修订）")
    KpiSetting.objects.filter(code="handling_time").update(target=1.0)  # a figure typed in the admin is not used
    assert _by_code(kpi_summary(start=today, end=today))["handling_time"].target == 3.0

    client = Client()
    body = client.get(f"/api/v1/kpi/summary?from={today}&to={today}", **bearer(client, "supervisor")).json()
    row = next(k for k in body if k["code"] == "handling_time")
    assert (row["target"], row["baseline"]) == (3.0, 7.5)
    assert row["target_provenance"] == "目标 = 基线 7.5 × 0.4（压减 60%）"
    client.force_login(world.supervisor)
    assert "目标 = 基线 7.5 × 0.4（压减 60%）" in client.get(f"/insights/?from={today}&to={today}").content.decode()
    series = client.get(f"/api/v1/kpi/handling_time/series?from={today}&to={today}", **bearer(client, "supervisor"))
    assert series.status_code == 200 and series.json()["target"] == 3.0


def test_a_case_rated_from_its_receipt_and_from_its_notice_counts_once_per_channel(world):
    """docs/evaluation.md: one rating per case per channel, each valid rating counts once; the
    KPI's satisfaction agrees with 好差评's own statistics for a case rated on both links."""
    from yiwang.cases.rating import NOTICE, RECEIPT, rating_link
    from yiwang.core.errors import Conflict
    from yiwang.evaluation import services as evaluation
    from yiwang.evaluation.selectors import statistics

    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    _close(world, case)
    tokens = {where: rating_link(case, where).url.rsplit("/r/", 1)[1] for where in (RECEIPT, NOTICE)}
    evaluation.rate_case_by_token(token=tokens[RECEIPT], level=5)
    evaluation.rate_case_by_token(token=tokens[NOTICE], level=1)
    with pytest.raises(Conflict):
        evaluation.rate_case_by_token(token=tokens[RECEIPT], level=1)
    from yiwang.evaluation.models import Rating

    day = local_date(Rating.objects.earliest("created_at").created_at)  # not "today": midnight may pass
    kpi = _by_code(kpi_summary(start=day, end=day))["satisfaction"]
    figures = statistics(by="item", item_id=case.item_id)[0]
    assert (kpi.numerator, kpi.denominator, kpi.value) == (1, 2, 50.0)
    assert (figures.good, figures.ratings) == (1, 2)
