"""The pilot's KPIs: one definition each (formula over the rollup's counters, source tables,
direction), the one home of every rule the dashboard, the API, the exports and the weekly report show.

Every value is computed from ``DailyRollup`` sums over the period (and department, item); a KPI
whose denominator is 0 has no value (``None``) and no verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yiwang.cases.selectors import material_counts
from yiwang.evaluation.selectors import rate as evaluation_rate

Sums = dict[str, int]

PERCENT = "%"


@dataclass(frozen=True)
class KpiDefinition:
    code: str
    name: Promise
    unit: str
    comparison: str  # "gte": value ≥ target is met; "lte": value ≤ target; "lt": value < target
    numerator: Callable[[Sums], float]
    denominator: Callable[[Sums], float]
    formula: Promise
    sources: str
    drill: str  # the drill-down list: "cases_submitted", "cases_closed", "appeals_received", "appeals_closed", "ratings"
    scale: float = 100.0  # numerator / denominator × scale (percentages); 1/86400 for days, 1/3600 for hours
    default_target: float = 0.0
    # The target is this share of the baseline (handling time: "target −60 %" → 0.4), not a set figure:
    # it moves with the configured baseline and there is none without a baseline (``target_for``).
    target_from_baseline: float | None = None
    default_baseline: float | None = None  # the demo seeder's baseline (marked as a demo figure); never shown otherwise
    per_item: bool = True  # False: the KPI's data has no service item (appeals)
    # the share's one home when another app owns the rule (好差评: ``evaluation.selectors.rate``)
    rate: Callable[[int, int], float | None] | None = None

    def value(self, sums: Sums) -> float | None:
        den = self.denominator(sums)
        if not den:
            return None
        if self.rate is not None:
            return self.rate(int(self.numerator(sums)), int(den))
        return round(self.numerator(sums) / den * self.scale, 2)

    def target_for(self, set_target: float | None, baseline: float | None) -> float | None:
        """The target to hold the value against: the set one (``KpiSetting.target`` or the default),
        or, for a KPI whose target derives from its baseline, baseline × ``target_from_baseline``
        (``None`` without a baseline: never an invented figure)."""
        if self.target_from_baseline is None:
            return set_target
        return None if baseline is None else round(baseline * self.target_from_baseline, 2)

    def met(self, value: float | None, target: float | None) -> bool | None:
        if value is None or target is None:
            return None
        if self.comparison == "gte":
            return value >= target
        if self.comparison == "lt":
            return value < target
        return value <= target


def _no_upload(s: Sums) -> float:
    counts = material_counts({"shared": s["shared"], "licence": s["licence"],
                              "upload": s["materials"] - s["shared"] - s["licence"]})
    return counts["shared"] + counts["from_licences"]


def _evaluation_rate(part: int, whole: int) -> float | None:
    value = evaluation_rate(part, whole)
    return None if value is None else float(value)


DAYS = _("天")
HOURS = _("小时")

DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        "handling_time", _("平均办理时长"), "days", "lte",
        lambda s: s["handling_seconds"], lambda s: s["closed"],
        _("期内办结办件的（办结时间 − 提交时间）之和 ÷ 期内办结办件数，以自然日计；目标为基线压减 60%。"),
        "cases_case.submitted_at, closed_at, status = closed", "cases_closed",
        scale=1 / 86400, default_baseline=12.0, target_from_baseline=0.4),
    KpiDefinition(
        "instant_rate", _("即办率"), PERCENT, "gte",
        lambda s: s["same_day"], lambda s: s["closed"],
        _("期内办结办件中，提交当日即办结的件数 ÷ 期内办结件数。"),
        "cases_case.submitted_at, closed_at (Asia/Shanghai 日期)", "cases_closed",
        default_target=50.0, default_baseline=20.0),
    KpiDefinition(
        "online_rate", _("网办率"), PERCENT, "gte",
        lambda s: s["online"], lambda s: s["submitted"],
        _("期内提交的办件中，网上申请的件数 ÷ 期内提交件数。"),
        "cases_case.channel, submitted_at", "cases_submitted",
        default_target=95.0, default_baseline=60.0),
    KpiDefinition(
        "one_window_rate", _("一窗受理覆盖率"), PERCENT, "gte",
        lambda s: s["one_window"], lambda s: s["window"],
        _("期内窗口申请的办件中，由政务服务中心综合窗口人员收件的件数 ÷ 期内窗口申请件数。"),
        "cases_case.channel; core_auditevent（case_submitted 的操作部门）; core_department.is_service_centre",
        "cases_submitted", default_target=90.0, default_baseline=40.0),
    KpiDefinition(
        "no_upload_rate", _("免提交（免证办）材料占比"), PERCENT, "gte",
        _no_upload, lambda s: s["materials"],
        _("期内提交办件的材料中，经数据共享获取（免提交）或取自电子证照库（免证办）的份数 ÷ 材料总份数（与 /api/v1/kpi/materials 同一规则）。"),
        "cases_casematerial.source, cases_case.submitted_at", "cases_submitted",
        default_target=50.0, default_baseline=10.0),
    KpiDefinition(
        "manual_rate", _("人工干预率"), PERCENT, "lt",
        lambda s: (s["submitted"] - s["automated"]) + (s["dispatched"] - s["auto_dispatched"]),
        lambda s: s["submitted"] + s["dispatched"],
        _("（期内提交办件中非秒批的件数 + 期内受理诉求中人工派单的件数）÷（期内提交办件数 + 期内已派单诉求数）；办件部分为 /api/v1/kpi/automation 的补数。"),
        "cases_case.decided_by_rules, submitted_at; appeals_appeal.auto_dispatched, dispatched_at, received_at",
        "cases_submitted", default_target=20.0, default_baseline=100.0),
    KpiDefinition(
        "sharing_rate", _("数据共享率"), PERCENT, "gte",
        lambda s: s["shared"], lambda s: s["materials"],
        _("期内提交办件的材料中，经数据共享获取（免提交）的份数 ÷ 材料总份数。"),
        "cases_casematerial.source = shared, cases_case.submitted_at", "cases_submitted",
        default_target=90.0, default_baseline=5.0),
    KpiDefinition(
        "satisfaction", _("满意率（好差评）"), PERCENT, "gte",
        lambda s: s["ratings_good"], lambda s: s["ratings"],
        _("期内给出的有效评价（未经申诉复核作废、未被追评取代）中，好评（非常满意、满意）条数 ÷ 有效评价条数（与好差评统计同一规则）。"),
        "evaluation_rating.grade, counted, created_at, department, item", "ratings",
        default_target=90.0, default_baseline=85.0, rate=_evaluation_rate),
    KpiDefinition(
        "rectification_rate", _("差评整改率"), PERCENT, "gte",
        lambda s: s["rectified"], lambda s: s["rectifications"],
        _("期内产生的差评整改（不含因评价作废而撤销的）中，已整改办结的件数 ÷ 整改件数（与好差评统计同一规则）。"),
        "evaluation_rectification.status, created_at, department", "rectifications",
        default_target=100.0, default_baseline=60.0, rate=_evaluation_rate),
    KpiDefinition(
        "sla_rate", _("按时办结率"), PERCENT, "gte",
        lambda s: s["in_time"], lambda s: s["closed"],
        _("期内办结办件中，在承诺时限（含补正顺延）内办结的件数 ÷ 期内办结件数。"),
        "cases_case.closed_at, due_at, status = closed", "cases_closed",
        default_target=98.0, default_baseline=85.0),
    KpiDefinition(
        "appeal_closure_rate", _("诉求办结率"), PERCENT, "gte",
        lambda s: s["appeals_done"], lambda s: s["appeals"],
        _("期内受理的诉求（不含被合并的重复件）中，已办结的件数 ÷ 期内受理件数。"),
        "appeals_appeal.received_at, status", "appeals_received",
        default_target=95.0, default_baseline=80.0, per_item=False),
    KpiDefinition(
        "appeal_closure_time", _("诉求平均办结时长"), "hours", "lte",
        lambda s: s["appeals_seconds"], lambda s: s["appeals_closed"],
        _("期内办结诉求的（办结时间 − 受理时间）之和 ÷ 期内办结件数，以小时计。"),
        "appeals_appeal.received_at, closed_at, status = closed", "appeals_closed",
        scale=1 / 3600, default_target=72.0, default_baseline=120.0, per_item=False),
)

BY_CODE = {d.code: d for d in DEFINITIONS}

UNIT_LABELS = {PERCENT: "%", "days": DAYS, "hours": HOURS}
