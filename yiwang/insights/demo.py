"""Demo: the KPIs' targets (the pilot plan's) and demo baselines, entered through the service and
marked as demo figures (the page says so; the county enters its own, with their source), then the
rollups rebuilt from the seeded cases and appeals (the seeders write some rows in bulk, without the
events the rollup follows)."""

from __future__ import annotations

from typing import Any

from yiwang.insights import rollup, services
from yiwang.insights.kpis import DEFINITIONS
from yiwang.insights.models import KpiSetting

BASELINE_NOTE = "演示数据，非本县统计；上线前请录入试点前一年（2025 年度政务服务统计年报）的数值"


def seed_insights() -> dict[str, Any]:
    created = 0
    for d in DEFINITIONS:
        setting, made = KpiSetting.objects.get_or_create(code=d.code, defaults={"target": d.default_target})
        created += made
        if setting.baseline is None and d.default_baseline is not None:
            services.enter_baseline(actor=None, code=d.code, value=d.default_baseline, source=BASELINE_NOTE, demo=True)
    return {"kpi_settings": created, **rollup.rebuild()}
