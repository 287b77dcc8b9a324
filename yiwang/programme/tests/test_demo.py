"""The demo programme: the plan around today, some tasks late, milestones reached, one overrun,
last week's report archived; a second run changes nothing."""

from __future__ import annotations

import pytest

from yiwang.core.demo import DEPARTMENTS
from yiwang.core.models import Notification
from yiwang.programme import selectors
from yiwang.programme.demo import seed_programme
from yiwang.programme.models import Programme, Spend, Task, WeeklyReport
from yiwang.programme.tests.conftest import NOW
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def test_the_demo_plan_has_late_tasks_reached_milestones_and_one_overrun(db):
    for code, name, _en, centre in DEPARTMENTS:
        factories.department(code, name, centre=centre)
    factories.user("ga_head", GA="head")
    summary = seed_programme(now=NOW)
    assert summary["tasks"] == 16 and summary["milestones"] == 6
    view = selectors.programme_view(Programme.objects.get(), NOW.date())
    assert [p.name for p in view.phases] == ["准备", "建设", "试运行", "验收"]
    assert view.count("red") >= 2 and view.count("yellow") >= 1
    assert sum(1 for m in view.milestones if m.status == "reached") == 2
    assert [b.line.code for b in view.budget if b.light == "red"] == ["B03"]
    assert view.critical_path and view.critical_path[-1].task.code == "T16"
    assert WeeklyReport.objects.count() == 1  # last week's
    assert Notification.objects.filter(kind="programme_task_escalated", recipient__username="ga_head").exists()
    # a second run changes nothing
    counts = (Task.objects.count(), Spend.objects.count(), WeeklyReport.objects.count(), Notification.objects.count())
    assert seed_programme(now=NOW) == {"programme": 0}
    assert counts == (Task.objects.count(), Spend.objects.count(), WeeklyReport.objects.count(), Notification.objects.count())
