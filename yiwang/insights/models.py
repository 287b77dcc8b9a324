"""The KPIs' settings (target, baseline) and the rollups the figures are read from.

Figures never scan ``cases_case`` or ``appeals_appeal``: each case and appeal has one *fact* row
(what it contributes: its day, department, item and flags), kept by ``yiwang.insights.rollup`` as
events happen; the fact's contribution is added to ``DailyRollup`` (one row per day, department
and item, integer counters). A change of a case subtracts its old contribution and adds its new one.
``manage.py rebuild_kpi_rollups`` recomputes both tables from scratch.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaselineSource(models.TextChoices):
    """Where a KPI's baseline came from. A KPI with no baseline has none (the page says so)."""

    ENTERED = "entered", _("人工录入")
    COMPUTED = "computed", _("平台数据计算")


class KpiSetting(models.Model):
    """The target and the baseline of one KPI (the code is one of ``yiwang.insights.kpis``).

    The baseline is data with its provenance: entered by staff with its source named
    (``baseline_note``, e.g. 2025 年度政务服务统计年报), or computed from the platform's rollups over
    ``baseline_start``..``baseline_end`` (``insights.services.compute_baseline``); who recorded it and
    when; ``baseline_demo`` marks a demo figure (the demo seeder's)."""

    code = models.CharField(_("指标代码"), max_length=32, unique=True)
    target = models.FloatField(_("目标值"))
    baseline = models.FloatField(_("基线值"), null=True, blank=True)
    baseline_note = models.CharField(_("基线说明"), max_length=200, blank=True,
                                     help_text=_("基线的来源，例如：2025 年度政务服务统计年报"))
    baseline_source = models.CharField(_("基线来源"), max_length=16, choices=BaselineSource.choices, blank=True)
    baseline_start = models.DateField(_("基线期起"), null=True, blank=True)
    baseline_end = models.DateField(_("基线期止"), null=True, blank=True)
    baseline_demo = models.BooleanField(_("演示数据"), default=False)
    baseline_recorded_at = models.DateTimeField(_("基线记录时间"), null=True, blank=True)
    baseline_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="+", verbose_name=_("基线记录人"))

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
    # 好差评 (evaluation): counted ratings and their 好评, on the day they were given; rectifications
    # of 差评 (not cancelled) and those closed, on the day they were opened
    "ratings", "ratings_good", "rectifications", "rectified",
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
    ratings = models.BigIntegerField(default=0)
    ratings_good = models.BigIntegerField(default=0)
    rectifications = models.BigIntegerField(default=0)
    rectified = models.BigIntegerField(default=0)

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


class RatingFact(models.Model):
    """What one 好差评 rating contributes (``evaluation.Rating``): counted or not, 好评 or not."""

    rating_id = models.BigIntegerField(primary_key=True)
    number = models.CharField(max_length=40, blank=True, help_text="The rated case's or appeal's number, or the visit")
    department_id = models.IntegerField()
    item_id = models.IntegerField()
    day = models.DateField()
    counted = models.BooleanField(default=True)
    good = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["department_id", "day"], name="insights_ratingfact_dept_idx"),
                   models.Index(fields=["day"], name="insights_ratingfact_day_idx")]


class RectificationFact(models.Model):
    """What one rectification of a 差评 contributes (``evaluation.Rectification``)."""

    rectification_id = models.BigIntegerField(primary_key=True)
    number = models.CharField(max_length=40, blank=True)
    department_id = models.IntegerField()
    item_id = models.IntegerField()
    day = models.DateField()
    counted = models.BooleanField(default=True, help_text="False: cancelled (its rating was voided)")
    closed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["department_id", "day"], name="insights_rectfact_dept_idx"),
                   models.Index(fields=["day"], name="insights_rectfact_day_idx")]
