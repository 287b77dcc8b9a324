"""Demo: the KPIs' targets and baselines (the pilot plan's targets; baselines as the county's
figures of the year before the pilot would be entered), then the rollups rebuilt from the seeded
cases and appeals (the seeders write some rows in bulk, without the events the rollup follows)."""

from __future__ import annotations

from typing import Any

from yiwang.insights import rollup
from yiwang.insights.kpis import DEFINITIONS
from yiwang.insights.models import KpiSetting

BASELINE_NOTE = "试点前一年（2025 年）全年数据（演示值）"


def seed_insights() -> dict[str, Any]:
    created = 0
    for d in DEFINITIONS:
        _, made = KpiSetting.objects.get_or_create(
            code=d.code, defaults={"target": d.default_target, "baseline": d.default_baseline,
                                   "baseline_note": BASELINE_NOTE})
        created += made
    return {"kpi_settings": created, **rollup.rebuild()}
