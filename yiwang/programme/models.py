"""The pilot as a programme (管理平台): phases, milestones, tasks and their finish-to-start
dependencies, budget lines and the spend against them, and the archive of weekly reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import Department


class Programme(models.Model):
    """One programme (the pilot); the platform shows the current one (``selectors.current_programme``)."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("试点项目")
        verbose_name_plural = _("试点项目")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="programme_ends_after_start")]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A phase of the plan: 准备, 建设, 试运行, 验收."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "starts_on"]
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="phase_unique_code")]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A milestone (里程碑): due on a date, reached when the programme office records it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    phase = models.ForeignKey(Phase, on_delete=models.RESTRICT, related_name="milestones")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    due_on = models.DateField(_("计划日期"))
    reached_on = models.DateField(_("达成日期"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["due_on", "sort_order"]
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="milestone_unique_code")]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A task of the plan (任务): one owner department, planned dates (calendar days, both
    inclusive), progress in per cent. Its warning light is computed (``warnings.py``), never stored."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks")
    phase = models.ForeignKey(Phase, on_delete=models.RESTRICT, related_name="tasks")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    owner = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="programme_tasks",
                              verbose_name=_("责任部门"))
    starts_on = models.DateField(_("计划开始"))
    ends_on = models.DateField(_("计划完成"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    deliverable = models.CharField(_("交付成果"), max_length=200, blank=True)
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    # escalated to the owner department's heads when it turned red: once per task (as cases
    # escalate an overdue step once), kept so the report can say when
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["starts_on", "sort_order", "code"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="task_unique_code"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="task_ends_after_start"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Dependency(models.Model):
    """Finish-to-start: ``successor`` cannot start before ``predecessor`` is finished. Cycles are
    refused by ``services.add_dependency`` (a constraint can only refuse the one-task cycle)."""

    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")

    class Meta:
        verbose_name = _("前置依赖")
        verbose_name_plural = _("前置依赖")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="dependency_not_self"),
        ]


class BudgetLine(models.Model):
    """A budget line (预算科目) with its planned amount in yuan; spend is summed from ``Spend``."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_lines")
    code = models.CharField(_("科目编码"), max_length=32)
    name = models.CharField(_("科目名称"), max_length=200)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="programme_budget_lines", verbose_name=_("责任部门"))
    planned = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2)
    # the overrun alert went out (once per line; cleared if the budget is raised above the spend)
    overrun_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("预算科目")
        verbose_name_plural = _("预算科目")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="budget_line_unique_code"),
            models.CheckConstraint(condition=Q(planned__gte=0), name="budget_line_planned_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SpendSource(models.TextChoices):
    ENTERED = "entered", _("手工录入")
    IMPORTED = "imported", _("Excel 导入")


class Spend(models.Model):
    """Actual spend (实际支出) against a budget line: append-only; a correction is a new row."""

    line = models.ForeignKey(BudgetLine, on_delete=models.RESTRICT, related_name="spends")
    spent_on = models.DateField(_("支出日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=SpendSource.choices, default=SpendSource.ENTERED)
    import_batch = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["spent_on", "pk"]
        verbose_name = _("实际支出")
        verbose_name_plural = _("实际支出")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spend_amount_positive")]


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


class WeeklyReport(models.Model):
    """An archived weekly progress report (周进度报告): the snapshot it was built from and both
    files, kept as generated. Regenerating a week adds a version; nothing is overwritten."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    week_start = models.DateField(_("周一"))
    version = models.PositiveSmallIntegerField(default=1)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    snapshot = models.JSONField()
    # a report is ~10-60 KB; kept in the database so that every web process and a restored backup
    # serve the same bytes without a shared media volume
    pdf = models.BinaryField()
    xlsx = models.BinaryField()

    class Meta:
        ordering = ["-week_start", "-version"]
        verbose_name = _("周进度报告")
        verbose_name_plural = _("周进度报告")
        constraints = [models.UniqueConstraint(fields=["programme", "week_start", "version"], name="report_unique_version")]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.week_start} v{self.version}"
