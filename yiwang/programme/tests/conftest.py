"""A small plan for the programme's tests, built through the models and the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from yiwang.programme import services
from yiwang.programme.models import Dependency, Milestone, Phase, Programme, Task
from yiwang.testing import factories

TODAY = dt.date(2026, 12, 6)
NOW = timezone.make_aware(dt.datetime(2026, 12, 6, 10, 0))


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@dataclass
class Plan:
    programme: Programme
    office: Any
    leader: Any
    head: Any
    tasks: dict[str, Task]
    milestones: dict[str, Milestone]


def make_plan() -> Plan:
    """A → B → D and A → C → D; A done, B on time, C late (red), D not started. C is the longer
    branch, so A, C, D are critical and B has float."""
    office = factories.user("office", ZWFW="pmo")
    leader = factories.user("leader", ZWFW="leader")
    head = factories.user("scjg_head", SCJG="head")
    programme = Programme.objects.create(code="P", name="试点", starts_on=day(-60), ends_on=day(60))
    phase = Phase.objects.create(programme=programme, code="BUILD", name="建设", starts_on=day(-60), ends_on=day(60))
    milestones = {
        "M1": Milestone.objects.create(programme=programme, phase=phase, code="M1", name="方案批复", due_on=day(-30)),
        "M2": Milestone.objects.create(programme=programme, phase=phase, code="M2", name="平台上线", due_on=day(40)),
    }

    def task(code: str, start: int, end: int, progress: int, owner: str = "ZWFW") -> Task:
        return Task.objects.create(programme=programme, phase=phase, code=code, name=f"任务{code}",
                                   owner=factories.department(owner), starts_on=day(start), ends_on=day(end),
                                   progress=progress)

    tasks = {"A": task("A", -60, -31, 100), "B": task("B", -30, 9, 80),
             "C": task("C", -30, 19, 10, owner="SCJG"), "D": task("D", 20, 40, 0)}
    for p, s in (("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")):
        Dependency.objects.create(predecessor=tasks[p], successor=tasks[s])
    return Plan(programme, office, leader, head, tasks, milestones)


@pytest.fixture
def plan(db: Any) -> Plan:
    return make_plan()


@pytest.fixture
def budget(plan: Plan) -> Plan:
    services.set_budget_line(actor=plan.office, programme=plan.programme, code="B1", name="平台开发", planned="1000",
                             department_id=factories.department("SCJG").pk, now=NOW)
    services.set_budget_line(actor=plan.office, programme=plan.programme, code="B2", name="培训", planned="500", now=NOW)
    return plan
