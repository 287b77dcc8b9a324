"""The KPIs' settings (target, baseline) and the rollups the figures are read from.

Figures never scan ``cases_case`` or ``appeals_appeal``: each case and appeal has one *fact* row
(what it contributes: its day, department, item and flags), kept by ``yiwang.insights.rollup`` as
events happen; the fact's contribution is added to ``DailyRollup`` (one row per day, department
and item, integer counters). A change of a case subtracts its old contribution and adds its new one.
``manage.py rebuild_kpi_rollups`` recomputes both tables from scratch.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KpiSetting(models.Model):
    """The target and the baseline of one KPI (the code is one of ``yiwang.insights.kpis``)."""

    code = models.CharField(_("指标代码"), max_length=32, unique=True)
    target = models.FloatField(_("目标值"))
    baseline = models.FloatField(_("基线值"), null=True, blank=True)
    baseline_note = models.CharField(_("基线说明"), max_length=200, blank=True,
                                     help_text=_("基线的来源，例如：试点前一年（2025 年）全年数据"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("指标目标与基线")
        verbose_name_plural = _("指标目标与基线")

    def __str__(self) -> str:
        return self.code


# The counters of DailyRollup, in one place: the facts, the upsert and the rebuild use this list.
COUNTERS = (
    # cases, on the day they were submitted
    "submitted", "online", "window", "one_window", "automated", "materials", "shared", "licence",
    # cases, on the day they were closed (办结)
    "closed", "same_day", "in_time", "handling_seconds",
    # appeals, on the day they were received (merged duplicates count nowhere)
    "appeals", "dispatched", "auto_dispatched", "appeals_done",
    # appeals, on the day they were closed
    "appeals_closed", "appeals_in_time", "appeals_seconds",
)


class DailyRollup(models.Model):
    """Counters of one day (local date), department and item (0: an appeal, which has no item).

    Plain integer keys, no foreign keys: the row is a sum, updated by an upsert on every change,
    and must not lock or cascade with the departments and items it counts."""

    day = models.DateField()
    department_id = models.IntegerField(help_text="core.Department id; 0 when none (an appeal not dispatched)")
    item_id = models.IntegerField(help_text="catalog.ServiceItem id; 0 for appeals")
    submitted = models.BigIntegerField(default=0)
    online = models.BigIntegerField(default=0)
    window = models.BigIntegerField(default=0)
    one_window = models.BigIntegerField(default=0)
    automated = models.BigIntegerField(default=0)
    materials = models.BigIntegerField(default=0)
    shared = models.BigIntegerField(default=0)
    licence = models.BigIntegerField(default=0)
    closed = models.BigIntegerField(default=0)
    same_day = models.BigIntegerField(default=0)
    in_time = models.BigIntegerField(default=0)
    handling_seconds = models.BigIntegerField(default=0)
    appeals = models.BigIntegerField(default=0)
    dispatched = models.BigIntegerField(default=0)
    auto_dispatched = models.BigIntegerField(default=0)
    appeals_done = models.BigIntegerField(default=0)
    appeals_closed = models.BigIntegerField(default=0)
    appeals_in_time = models.BigIntegerField(default=0)
    appeals_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "department_id", "item_id"], name="insights_daily_key")]
        indexes = [models.Index(fields=["department_id", "day"], name="insights_daily_dept_idx")]


class CaseFact(models.Model):
    """What one case contributes to the rollup, as last added; also the drill-down's index."""

    case_id = models.BigIntegerField(primary_key=True)
    number = models.CharField(max_length=32, blank=True)
    department_id = models.IntegerField()
    item_id = models.IntegerField()
    submitted_day = models.DateField()
    closed_day = models.DateField(null=True)
    online = models.BooleanField(default=False)
    window = models.BooleanField(default=False)
    one_window = models.BooleanField(default=False)
    automated = models.BooleanField(default=False)
    materials = models.IntegerField(default=0)
    shared = models.IntegerField(default=0)
    licence = models.IntegerField(default=0)
    same_day = models.BooleanField(default=False)
    in_time = models.BooleanField(default=False)
    handling_seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["department_id", "submitted_day"], name="insights_casefact_sub_idx"),
            models.Index(fields=["department_id", "closed_day"], name="insights_casefact_close_idx"),
            models.Index(fields=["submitted_day"], name="insights_casefact_day_idx"),
            models.Index(fields=["closed_day"], name="insights_casefact_cday_idx"),
        ]


class AppealFact(models.Model):
    """What one appeal contributes to the rollup, as last added; also the drill-down's index."""

    appeal_id = models.BigIntegerField(primary_key=True)
    number = models.CharField(max_length=20, blank=True)
    department_id = models.IntegerField()
    received_day = models.DateField(null=True, help_text="Null: merged into another appeal, counts nowhere")
    closed_day = models.DateField(null=True)
    dispatched = models.BooleanField(default=False)
    auto_dispatched = models.BooleanField(default=False)
    in_time = models.BooleanField(default=False)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["department_id", "received_day"], name="insights_appealfact_recv_idx"),
            models.Index(fields=["received_day"], name="insights_appealfact_day_idx"),
            models.Index(fields=["closed_day"], name="insights_appealfact_cday_idx"),
        ]
