"""/metrics counts open cases by the SLA light of ``selectors.sla_light_q`` (its one home)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.cases.models import Case, CaseStatus
from yiwang.testing import case_factories
from yiwang.testing.metrics import scrape, value

pytestmark = pytest.mark.django_db


def test_open_cases_are_counted_by_light_and_closed_ones_not_at_all(world):
    now = timezone.now()
    day = dt.timedelta(days=1)
    cases = [case_factories.apply_online(world.citizen, world.applicant, world.item, key=f"k{n}") for n in range(5)]
    Case.objects.filter(pk=cases[0].pk).update(warn_at=now + day, due_at=now + 2 * day)          # green
    Case.objects.filter(pk=cases[1].pk).update(warn_at=now - day, due_at=now + day)              # yellow
    Case.objects.filter(pk__in=[cases[2].pk, cases[3].pk]).update(warn_at=now - 2 * day, due_at=now - day)  # red
    Case.objects.filter(pk=cases[3].pk).update(status=CaseStatus.CORRECTION)                    # paused, not red
    Case.objects.filter(pk=cases[4].pk).update(status=CaseStatus.CLOSED, warn_at=now - 2 * day, due_at=now - day)

    found = scrape()

    assert {light: value(found, "yiwang_cases_open", light=light) for light in ("green", "yellow", "red", "paused")} == {
        "green": 1, "yellow": 1, "red": 1, "paused": 1}
    assert value(found, "yiwang_metrics_collector_up", collector="cases") == 1
