"""Writes of insights: a KPI's baseline, with its provenance, each audited.

A baseline is data, not a constant in the code: entered by staff with its source named (the admin,
``enter_baseline``), or computed from the platform's own rollups for a chosen baseline period
(``compute_baseline``; ``manage.py compute_kpi_baseline``). A KPI with no baseline has none."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.calendar import local_date
from yiwang.core.errors import InvalidInput, NotFound
from yiwang.core.services import record_audit
from yiwang.core.text import field_text
from yiwang.core.users import User
from yiwang.insights import selectors
from yiwang.insights.errors import InsightsErrorCode as Code
from yiwang.insights.kpis import BY_CODE, PERCENT, KpiDefinition
from yiwang.insights.models import BaselineSource, KpiSetting

MAX_BASELINE_DAYS = 3 * 366


def _definition(code: str) -> KpiDefinition:
    d = BY_CODE.get(str(code or ""))
    if d is None:
        raise NotFound(Code.KPI_NOT_FOUND, _("没有代码为 %(code)s 的指标。") % {"code": str(code)[:32]})
    return d


def _setting(d: KpiDefinition) -> KpiSetting:
    setting = KpiSetting.objects.select_for_update().filter(code=d.code).first()
    return setting if setting is not None else KpiSetting(code=d.code, target=d.default_target)


def _who(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def check_baseline_value(d: KpiDefinition, value: float) -> None:
    if value < 0:
        raise InvalidInput(Code.TARGET_INVALID, _("基线值不能为负数。"), {"field": "baseline"})
    if d.unit == PERCENT and value > 100:
        raise InvalidInput(Code.TARGET_INVALID, _("百分比不能超过 100。"), {"field": "baseline"})


def enter_baseline(*, actor: User | None, code: str, value: float, source: str,
                   demo: bool = False, now: dt.datetime | None = None) -> KpiSetting:
    """Staff enter a baseline and name where it comes from (``source``, e.g. "2025 年度政务服务统计
    年报"); ``demo`` only for the demo seeder's figures."""
    d = _definition(code)
    check_baseline_value(d, value)
    note = field_text(source, KpiSetting, "baseline_note")
    if not note:
        raise InvalidInput(Code.BASELINE_SOURCE_REQUIRED, _("请写明基线的来源，例如“2025 年度政务服务统计年报”。"),
                           {"field": "baseline_note"})
    now = now or timezone.now()
    with transaction.atomic():
        setting = _setting(d)
        setting.baseline, setting.baseline_note = float(value), note
        setting.baseline_source, setting.baseline_demo = BaselineSource.ENTERED, demo
        setting.baseline_start = setting.baseline_end = None
        setting.baseline_recorded_at, setting.baseline_recorded_by = now, _who(actor)
        setting.save()
        record_audit(actor=actor, at=now, event_type="kpi_baseline_entered", subject_type="kpi_setting",
                     subject_id=d.code, details={"baseline": setting.baseline, "source": setting.baseline_note,
                                                 "demo": demo})
    return setting


def compute_baseline(*, actor: User | None, code: str, start: dt.date, end: dt.date,
                     now: dt.datetime | None = None) -> KpiSetting:
    """The KPI's value over ``start``..``end`` (local dates, both included) from the rollups, recorded
    as its baseline with the period and the counts behind it. Refused for a period that is not over
    yet or that has nothing to count."""
    d = _definition(code)
    now = now or timezone.now()
    if start > end:
        raise InvalidInput(Code.PERIOD_INVALID, _("基线期的开始日期不能晚于结束日期。"), {"from": start.isoformat()})
    if end >= local_date(now):
        raise InvalidInput(Code.PERIOD_INVALID, _("基线期须已结束（结束日期早于今天）。"), {"to": end.isoformat()})
    if (end - start).days >= MAX_BASELINE_DAYS:
        raise InvalidInput(Code.PERIOD_TOO_LONG, _("基线期不能超过三年。"), {"from": start.isoformat()})
    sums = selectors.rollup_sums(start=start, end=end)
    value = d.value(sums)
    if value is None:
        raise InvalidInput(Code.BASELINE_NO_DATA, _("%(start)s 至 %(end)s 平台上没有可计算“%(name)s”的数据，无法计算基线。") % {
            "start": start.isoformat(), "end": end.isoformat(), "name": d.name}, {"code": d.code})
    numerator, denominator = round(d.numerator(sums), 2), round(d.denominator(sums), 2)
    with transaction.atomic():
        setting = _setting(d)
        setting.baseline, setting.baseline_source, setting.baseline_demo = value, BaselineSource.COMPUTED, False
        setting.baseline_start, setting.baseline_end = start, end
        setting.baseline_note = f"平台数据 {start.isoformat()} 至 {end.isoformat()}：{numerator:g} / {denominator:g}"[:200]
        setting.baseline_recorded_at, setting.baseline_recorded_by = now, _who(actor)
        setting.save()
        record_audit(actor=actor, at=now, event_type="kpi_baseline_computed", subject_type="kpi_setting",
                     subject_id=d.code, details={"baseline": value, "from": start.isoformat(), "to": end.isoformat(),
                                                 "numerator": numerator, "denominator": denominator})
    return setting
