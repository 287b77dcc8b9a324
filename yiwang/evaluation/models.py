"""好差评: ratings of every service, window visits, rectifications of 差评 and appeals against ratings.

The tables ``insights`` reads (KPIs) are documented here; the formulas live in ``selectors.py``.

- ``Rating``: one evaluation of one service — a closed case (一事一评), a window visit (一次一评)
  or a closed appeal — on one channel. ``level`` 1–5, ``grade`` 好/中/差 derived from it and stored
  (for rollups), ``counted`` = it enters the statistics (not voided by a 申诉复核, not superseded by
  its own 追评). Satisfaction = 好 / counted ratings.
- ``WindowVisit``: one visit at a window, opened by the clerk (optionally for the case accepted);
  the hall tablet and the receipt QR rate it through a signed one-time token.
- ``Rectification``: one 整改 task per 差评, for the responsible department, with deadline, reply,
  回访 and published outcome.
- ``RatingReview``: 申诉复核 — a department asks to void a rating, a supervisor decides.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.appeals.models import Appeal
from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceItem
from yiwang.core.models import Department


class Level(models.IntegerChoices):
    """The five levels of the national 好差评 scheme."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class Grade(models.TextChoices):
    """好 = levels 4–5, 中 = 3, 差 = 1–2."""

    GOOD = "good", _("好评")
    MEDIUM = "medium", _("中评")
    BAD = "bad", _("差评")

    @classmethod
    def of(cls, level: int) -> Grade:
        if level >= Level.SATISFIED:
            return cls.GOOD
        if level == Level.BASIC:
            return cls.MEDIUM
        return cls.BAD


class Subject(models.TextChoices):
    CASE = "case", _("办件")
    VISIT = "visit", _("窗口服务")
    APPEAL = "appeal", _("诉求")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("网上评价")
    TABLET = "tablet", _("窗口评价器")
    RECEIPT_QR = "qr", _("回执二维码")
    API = "api", _("接口")


class Indicator(models.TextChoices):
    """What a person rates beside the overall level; online ones for cases and appeals, window ones
    for visits. Each is rated 1–5 like the level."""

    OVERALL = "overall", _("整体满意度")
    EFFICIENCY = "efficiency", _("办事效率")
    GUIDE = "guide", _("指南准确")
    CONVENIENCE = "convenience", _("便捷度")
    ATTITUDE = "attitude", _("服务态度")
    COMPETENCE = "competence", _("服务水平")


ONLINE_INDICATORS = (Indicator.OVERALL, Indicator.EFFICIENCY, Indicator.GUIDE, Indicator.CONVENIENCE)
WINDOW_INDICATORS = (Indicator.OVERALL, Indicator.ATTITUDE, Indicator.COMPETENCE)


class WindowVisit(models.Model):
    """One visit at a window (一次一评). The clerk opens it (for the case just accepted, or a
    consultation without a case); the hall tablet shows its rating page and the window receipt
    carries its QR code. Both carry a signed token naming the visit; the visit is rated once,
    whichever comes first, and not after ``expires_at``."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="window_visits")
    window = models.CharField(_("窗口"), max_length=20, help_text=_("窗口号，如 3号窗口"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="window_visits")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="window_visits")
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["clerk", "opened_at"], name="eval_visit_clerk_idx")]
        verbose_name = _("窗口服务")
        verbose_name_plural = _("窗口服务")

    def __str__(self) -> str:
        return f"{self.window} #{self.pk}"


class Rating(models.Model):
    """One rating (评价) of one service on one channel.

    - What is rated: ``subject`` and exactly one of ``case`` / ``visit`` / ``appeal`` (a visit may
      also name the case it served, through ``visit.case``; the visit's rating is about the window,
      the case's about the whole service).
    - ``level`` 1–5 (``Level``), ``grade`` its 好/中/差 (stored so rollups group on it),
      ``indicators`` {indicator code: 1–5} (``Indicator``), ``comment``.
    - Who is rated: ``department`` (responsible: the case's department, the window's department,
      the appeal's lead department), ``item`` (cases only), ``window`` (window label, visits and
      cases accepted at a window), ``staff`` (the clerk served by; never shown to that staff member
      or their colleagues — only supervisors see it, and statistics per staff member).
    - ``rater``: the person who rated, when signed in (tablet and QR ratings are anonymous).
    - ``follow_up_of``: this is the one 追评 of that rating; the original then has
      ``counted=False`` and this one takes its place in the statistics.
    - ``voided_at``: a 申诉复核 voided it (``RatingReview``); ``counted=False`` too.
    - ``counted``: in the statistics (not voided, not superseded by a 追评). Rollups filter on it.
    """

    subject = models.CharField(_("评价对象"), max_length=8, choices=Subject.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    visit = models.ForeignKey(WindowVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    channel = models.CharField(_("评价渠道"), max_length=8, choices=RatingChannel.choices)
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    grade = models.CharField(_("好差评"), max_length=8, choices=Grade.choices)
    indicators = models.JSONField(_("评价指标"), default=dict, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="ratings")
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    window = models.CharField(_("窗口"), max_length=20, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="ratings_received")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="ratings_given")
    created_at = models.DateTimeField(_("评价时间"), db_index=True)
    follow_up_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="follow_up", verbose_name=_("追评自"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    counted = models.BooleanField(_("计入统计"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="eval_rating_level_range"),
            models.CheckConstraint(
                condition=(Q(subject="case", case__isnull=False, visit__isnull=True, appeal__isnull=True)
                           | Q(subject="visit", visit__isnull=False, appeal__isnull=True)
                           | Q(subject="appeal", appeal__isnull=False, case__isnull=True, visit__isnull=True)),
                name="eval_rating_one_subject"),
            # One rating per case (appeal) per channel; the 追评 is the only second one.
            models.UniqueConstraint(fields=["case", "channel"], name="eval_rating_case_channel_unique",
                                    condition=Q(subject="case", follow_up_of__isnull=True)),
            models.UniqueConstraint(fields=["appeal", "channel"], name="eval_rating_appeal_channel_unique",
                                    condition=Q(subject="appeal", follow_up_of__isnull=True)),
            # One rating per visit, whichever of tablet and QR comes first.
            models.UniqueConstraint(fields=["visit"], name="eval_rating_visit_unique",
                                    condition=Q(subject="visit", follow_up_of__isnull=True)),
        ]
        indexes = [
            models.Index(fields=["department", "counted", "created_at"], name="eval_rating_dept_idx"),
            models.Index(fields=["item", "counted", "created_at"], name="eval_rating_item_idx"),
            models.Index(fields=["staff", "counted"], name="eval_rating_staff_idx"),
        ]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.subject_number} {self.level}"

    @property
    def subject_number(self) -> str:
        if self.subject == Subject.CASE and self.case_id:
            return str(self.case)
        if self.subject == Subject.APPEAL and self.appeal is not None:
            return self.appeal.number
        return str(self.visit) if self.visit_id else ""


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    REPLIED = "replied", _("已答复，待回访")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已撤销（评价作废）")


class CallbackResult(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")
    UNREACHABLE = "unreachable", _("未联系上")


class Rectification(models.Model):
    """整改: one per 差评, for the rating's responsible department.

    ``due_at`` = created + ``EVALUATION_RECTIFICATION_DAYS`` working days (default 15). The
    department replies (``reply``, required before closing); a 回访 (``callback_at``,
    ``callback_result``) is due within one working day of the reply (``callback_due_at``); closing
    publishes ``published_outcome``. A rating voided by 申诉复核 cancels its rectification.
    整改率 = closed / (all − cancelled); 回访率 = with callback / (replied or closed)."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rectifications")
    status = models.CharField(_("状态"), max_length=10, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(_("整改期限"))
    reply = models.TextField(_("整改答复"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    callback_due_at = models.DateTimeField(_("回访期限"), null=True, blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_result = models.CharField(_("回访结果"), max_length=16, choices=CallbackResult.choices, blank=True)
    callback_note = models.TextField(_("回访记录"), blank=True)
    callback_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    published_outcome = models.TextField(_("公开的整改结果"), blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["department", "status", "due_at"], name="eval_rect_dept_idx")]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"整改 #{self.pk}"

    def can_reply(self) -> bool:
        return self.status in (RectificationStatus.OPEN, RectificationStatus.REPLIED)

    def can_record_callback(self) -> bool:
        return self.status == RectificationStatus.REPLIED

    def can_close(self) -> bool:
        return self.status == RectificationStatus.REPLIED and bool(self.reply.strip())


class ReviewReason(models.TextChoices):
    MALICIOUS = "malicious", _("恶意差评")
    MISTAKEN = "mistaken", _("误评（评价对象有误）")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    UPHELD = "upheld", _("申诉成立，评价作废")
    REJECTED = "rejected", _("申诉不成立")


class RatingReview(models.Model):
    """申诉复核: the rated department asks to void a rating (malicious or mistaken); a supervisor
    decides. Both the request and the decision are kept; an upheld review voids the rating (it
    leaves the statistics) and cancels its rectification. One pending review per rating."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="reviews")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rating_reviews")
    reason_kind = models.CharField(_("申诉理由"), max_length=10, choices=ReviewReason.choices)
    reason = models.TextField(_("申诉说明"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(_("复核结果"), max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.PENDING)
    decision = models.TextField(_("复核意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rating"], condition=Q(status="pending"),
                                    name="eval_review_one_pending"),
        ]
        verbose_name = _("申诉复核")
        verbose_name_plural = _("申诉复核")

    def __str__(self) -> str:
        return f"复核 #{self.pk}"

    def can_decide(self) -> bool:
        return self.status == ReviewStatus.PENDING
