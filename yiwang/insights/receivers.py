"""The events the KPI rollups follow (connected in ``InsightsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from yiwang.insights import rollup


def on_case_recorded(sender: Any, case: Any, event_type: str = "", department: Any = None, **kwargs: Any) -> None:
    rollup.record_case(case, event_type=event_type, department=department)


def on_case_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    rollup.forget_case(instance.pk)


def on_appeal_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        rollup.record_appeal(instance)


def on_appeal_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    rollup.forget_appeal(instance.pk)
