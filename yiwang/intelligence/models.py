"""Classifier versions, labelled examples (staff corrections, imports, history) and category routes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import Department


class ClassifierModel(models.Model):
    """One trained version of the dispatch classifier; at most one is active.

    The fitted pipeline is stored in the database (``ClassifierArtifact``, so that every web process
    and machine loads the same bytes) with its SHA-256 and an HMAC of the digest here;
    ``classifier.load`` checks both before unpickling. Rows are never updated after training except
    ``is_active``, ``activated_at`` and ``min_confidence``.
    """

    version = models.PositiveIntegerField(_("版本"), unique=True)
    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("训练人"))
    is_active = models.BooleanField(_("当前启用"), default=False)
    # When this version last became the active one: a rollback returns to the version activated
    # most recently before the current one.
    activated_at = models.DateTimeField(_("最近启用时间"), null=True, blank=True, editable=False)
    labels = models.JSONField(_("类别"), default=list)
    metrics = models.JSONField(_("评估指标"), default=dict, blank=True,
                               help_text=_("留出集上的准确率、宏平均 F1 和各类别指标"))
    training_data = models.JSONField(_("训练数据摘要"), default=dict, blank=True)
    min_confidence = models.FloatField(
        _("自动分拨置信度阈值"), null=True, blank=True,
        help_text=_("低于此置信度转人工分拨；留空则使用系统设置 YIWANG_DISPATCH_MIN_CONFIDENCE"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    signature = models.CharField(_("签名"), max_length=64, editable=False)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"), default=0, editable=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_classifier"),
            models.CheckConstraint(
                condition=Q(min_confidence__isnull=True) | Q(min_confidence__gte=0, min_confidence__lte=1),
                name="classifier_min_confidence_range",
            ),
        ]
        verbose_name = _("分拨分类模型")
        verbose_name_plural = _("分拨分类模型")

    def __str__(self) -> str:
        return f"v{self.version}"


class ClassifierArtifact(models.Model):
    """The pickled pipeline of one version, in a table of its own so that reading which version is
    active never touches megabytes (SQLite would walk a blob's overflow pages to reach later columns)."""

    model = models.OneToOneField(ClassifierModel, primary_key=True, on_delete=models.CASCADE,
                                 related_name="artifact")
    data = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("分拨模型数据")
        verbose_name_plural = _("分拨模型数据")


class ExampleSource(models.TextChoices):
    CORRECTION = "correction", _("人工纠正")
    IMPORT = "import", _("导入")
    HISTORY = "history", _("历史办结")


class LabelledExample(models.Model):
    """A message with the category a person says is right: what the next model learns from."""

    title = models.CharField(_("标题"), max_length=500)
    body = models.TextField(_("内容"), blank=True)
    label = models.CharField(_("类别"), max_length=64, db_index=True)
    predicted = models.CharField(_("模型预测"), max_length=64, blank=True)
    model_version = models.PositiveIntegerField(_("模型版本"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=ExampleSource.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("标注人"))
    created_at = models.DateTimeField(_("标注时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("标注样本")
        verbose_name_plural = _("标注样本")

    def __str__(self) -> str:
        return f"{self.label}: {self.title[:30]}"


class CategoryRoute(models.Model):
    """Where a category is dispatched: the classifier's label → the department that handles it."""

    category = models.CharField(_("类别"), max_length=64, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("承办部门"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["category"]
        verbose_name = _("类别分拨路由")
        verbose_name_plural = _("类别分拨路由")

    def __str__(self) -> str:
        return f"{self.category} → {self.department}"
