"""The demo seeder: targets and baselines once (idempotent), and the rollups rebuilt from cases
that were written in bulk, without the events the rollup follows."""

from __future__ import annotations

import pytest

from yiwang.cases.models import Case
from yiwang.insights.demo import seed_insights
from yiwang.insights.kpis import DEFINITIONS
from yiwang.insights.models import CaseFact, KpiSetting
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def test_seeder_is_idempotent_and_rebuilds(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    CaseFact.objects.all().delete()  # as if the case had been bulk-inserted
    first = seed_insights()
    assert first["kpi_settings"] == len(DEFINITIONS) and first["cases"] == Case.objects.count()
    assert CaseFact.objects.filter(case_id=case.pk).exists()
    again = seed_insights()
    assert again["kpi_settings"] == 0 and KpiSetting.objects.count() == len(DEFINITIONS)
