"""/metrics counts open appeals by the SLA light of ``selectors.sla_light_q`` (its one home)."""

from __future__ import annotations

from django.utils import timezone

from yiwang.appeals.models import Urgency
from yiwang.appeals.tests.conftest import submit
from yiwang.testing.metrics import scrape, value


def test_open_appeals_are_counted_by_light(county):
    # two appeals received in March (long overdue), one emergency just now (two hours to go)
    overdue = [submit(county.citizen).appeal,
               submit(county.citizen, urgency=Urgency.EMERGENCY, body="学校门口的路灯坏了一个月，晚上孩子放学很危险，请尽快修复。",
                      address="某县东岭乡中心小学门口").appeal]
    submit(county.citizen, urgency=Urgency.EMERGENCY, now=timezone.now())
    assert all(a.due_at < timezone.now() and a.is_open() for a in overdue)

    found = scrape()

    assert {light: value(found, "yiwang_appeals_open", light=light) for light in ("green", "yellow", "red")} == {
        "green": 1, "yellow": 0, "red": 2}
    assert value(found, "yiwang_metrics_collector_up", collector="appeals") == 1
