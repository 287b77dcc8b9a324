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
    assert closed["handling_time"].value is not None and closed["handling_time"].met is True
    assert closed["handling_time"].denominator == 1
    _close(world, second)
    assert _by_code(kpi_summary(start=today, end=today))["sla_rate"].denominator == 2

    # another department's figures do not include them; another period neither
    from yiwang.core.models import Department

    ga = Department.objects.get(code="GA")
    assert _by_code(kpi_summary(start=today, end=today, department=ga))["online_rate"].value is None
    yesterday = today - dt.timedelta(days=1)
    assert _by_code(kpi_summary(start=yesterday, end=yesterday))["online_rate"].value is None
