"""A closed case and a closed appeal, reached through the real services, for the rating tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from yiwang.appeals import services as appeals
from yiwang.appeals.models import AppealChannel
from yiwang.cases import services as cases
from yiwang.cases.models import CaseStep, StepStatus
from yiwang.intelligence import services as intelligence
from yiwang.testing import case_factories, factories

# a Monday morning in Shanghai (2026-03-02 09:00 +08:00)
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def close_case(world: Any, case: Any) -> Any:
    cases.accept_application(actor=world.clerk, case_id=case.pk)
    for user, name in ((world.reviewer, "审查"), (world.decider, "决定")):
        step = CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)
        cases.complete_step(actor=user, case_id=case.pk, step_id=step.pk, decision="approve")
    cases.deliver_result(actor=world.clerk, case_id=case.pk, method="electronic")
    case.refresh_from_db()
    return case


@dataclass
class Place:
    world: Any
    case: Any  # closed, the citizen's
    open_case: Any  # accepted, not closed
    appeal: Any  # closed, reported by the citizen
    open_appeal: Any  # handling
    jt_staff: Any
    dispatcher: Any


def _appeal(reporter: Any, dispatcher: Any, staff: Any, *, close: bool) -> Any:
    intake = appeals.Intake(channel=AppealChannel.PORTAL, title="城关镇人民路路灯不亮",
                            body="人民路路灯已经连续一周不亮，晚上出行不安全，请尽快维修。", address="城关镇人民路1号")
    appeal = appeals.submit_appeal(actor=reporter, intake=intake).appeal
    appeals.dispatch_appeal(actor=dispatcher, number=appeal.number, category="交通运输", lead="JT")
    if close:
        appeals.close_appeal(actor=staff, number=appeal.number, reply="已修复路灯，并安排每周巡查。")
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def place(world: Any) -> Place:
    factories.department("JT", "交通运输局")
    factories.department("RX", "12345热线中心")
    intelligence.set_category_route(actor=None, category="交通运输", department_code="JT")
    dispatcher = factories.user("dispatcher", RX="dispatcher")
    jt_staff = factories.user("jt_staff", JT="reviewer")
    case = close_case(world, case_factories.apply_online(world.citizen, world.applicant, world.item))
    open_case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    cases.accept_application(actor=world.clerk, case_id=open_case.pk)
    return Place(world=world, case=case, open_case=open_case, jt_staff=jt_staff, dispatcher=dispatcher,
                 appeal=_appeal(world.citizen, dispatcher, jt_staff, close=True),
                 open_appeal=_appeal(world.citizen, dispatcher, jt_staff, close=False))
