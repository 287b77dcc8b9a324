"""Applications (办件): intake, workflow steps, materials, corrections, delivery."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.catalog.models import Material, ProcessVersion, ServiceItem
from yiwang.core.models import Applicant, Department


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    CORRECTION = "correction", _("待补正")
    IN_REVIEW = "in_review", _("审批中")
    AWAITING_DELIVERY = "awaiting_delivery", _("待出件")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")

    @classmethod
    def open_states(cls) -> list[str]:
        return [cls.SUBMITTED, cls.CORRECTION, cls.IN_REVIEW, cls.AWAITING_DELIVERY]

    @classmethod
    def terminal_states(cls) -> list[str]:
        return [cls.CLOSED, cls.REJECTED, cls.WITHDRAWN]


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口申请")


class Outcome(models.TextChoices):
    NONE = "", _("未决定")
    APPROVED = "approved", _("准予")
    DENIED = "denied", _("不予")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")


class Case(models.Model):
    """An application (办件) for one service item by one applicant."""

    number = models.CharField(_("办件编号"), max_length=32, unique=True, null=True, blank=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases",
                                   help_text="The item's implementing department, kept for grouping")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="cases")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submitted_cases")
    # 委托代办: the applicant above is the principal; the person who applied for them, and under
    # which recorded authorisation
    agent = models.ForeignKey(Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_as_agent",
                              verbose_name=_("代办人"))
    authorisation = models.ForeignKey("identity.Authorisation", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="cases", verbose_name=_("委托代办授权"))
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    form_data = models.JSONField(default=dict, blank=True)
    process_version = models.ForeignKey(ProcessVersion, on_delete=models.PROTECT, related_name="cases")

    submitted_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    promised_days = models.PositiveIntegerField()
    due_at = models.DateTimeField(help_text="Deadline of the whole case, working days, pauses added")
    warn_at = models.DateTimeField(help_text="From here the case shows yellow")
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)

    current_step = models.CharField(max_length=200, blank=True)
    current_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="held_cases")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.TextField(blank=True)
    decided_by_rules = models.BooleanField(default=False, help_text="Decided without a person (秒批)")
    reject_reason = models.TextField(blank=True)
    delivery_method = models.CharField(max_length=12, choices=DeliveryMethod.choices, blank=True)
    delivery_detail = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    query_code = models.CharField(max_length=16, blank=True,
                                  help_text="Printed on receipts: with the number it opens the public progress page")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="case_idempotency_unique",
                                    condition=Q(idempotency_key__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["status", "department", "due_at", "warn_at"], name="case_board_idx"),
            models.Index(fields=["status", "item", "due_at", "warn_at"], name="case_board_item_idx"),
            models.Index(fields=["current_department", "status"], name="case_holder_idx"),
            models.Index(fields=["applicant", "submitted_at"], name="case_applicant_idx"),
        ]
        ordering = ["-submitted_at"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")

    def __str__(self) -> str:
        return self.number or f"case#{self.pk}"

    def can_accept(self) -> bool:
        return self.status == CaseStatus.SUBMITTED

    def can_request_correction(self) -> bool:
        return self.status == CaseStatus.SUBMITTED

    def can_reject(self) -> bool:
        return self.status == CaseStatus.SUBMITTED

    def can_supply_correction(self) -> bool:
        return self.status == CaseStatus.CORRECTION

    def can_withdraw(self) -> bool:
        return self.status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.IN_REVIEW)

    def can_complete_step(self) -> bool:
        return self.status == CaseStatus.IN_REVIEW

    def can_deliver(self) -> bool:
        return self.status == CaseStatus.AWAITING_DELIVERY

    @property
    def is_open(self) -> bool:
        return self.status in CaseStatus.open_states()


class InstantDecision(models.Model):
    """The instant-approval (秒批) evaluation of a case: the rule version, the evidence it used,
    and what it decided. A failing rule sends the case to a person with the rule named."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="instant_decision")
    rules_version = models.ForeignKey("catalog.RuleSetVersion", on_delete=models.PROTECT, related_name="decisions")
    passed = models.BooleanField()
    failed_rules = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    evaluated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["passed", "evaluated_at"], name="instant_decision_idx")]


class CaseEngineState(models.Model):
    """The workflow engine's state for a case, without the process spec (kept once per version).

    A separate table, so that inboxes and boards scanning ``Case`` never read engine state."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="engine")
    state = models.JSONField()


class StepStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    COMPLETED = "completed", _("已完成")
    RETURNED = "returned", _("已回退")
    CANCELLED = "cancelled", _("已取消")


class StepDecision(models.TextChoices):
    APPROVE = "approve", _("同意")
    DENY = "deny", _("不同意")
    RETURN = "return", _("回退")


class CaseStep(models.Model):
    """One user task of the case's process (审查, 决定, 会签 …) held by one department."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    task_id = models.CharField(max_length=36)
    task_name = models.CharField(max_length=100)
    name = models.CharField(max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="case_steps")
    role = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=12, choices=StepStatus.choices, default=StepStatus.OPEN)
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    decision = models.CharField(max_length=10, choices=StepDecision.choices, blank=True)
    comment = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "task_id"], name="case_step_open_task_unique",
                                    condition=Q(status="open")),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="step_inbox_idx"),
            models.Index(fields=["status", "due_at"], name="step_overdue_idx"),
        ]
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.name}"


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("网上上传")
    SCAN = "scan", _("窗口扫描")
    SHARED = "shared", _("共享获取")
    LICENCE = "licence", _("取自电子证照库")


class CaseMaterial(models.Model):
    """An uploaded file; staged (no case yet) until an application or correction attaches it."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.PROTECT)
    file = models.FileField(upload_to="materials/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200)
    shared_facts = models.JSONField(
        null=True, blank=True,
        help_text="For a material obtained by data sharing (免提交): the facts and where they came from",
    )
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=8, choices=MaterialSource.choices, default=MaterialSource.UPLOAD)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class CorrectionNotice(models.Model):
    """Correction notice (一次性告知): everything missing, asked for once; pauses the clock."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    requested_at = models.DateTimeField()
    materials = models.ManyToManyField(Material, blank=True)
    note = models.TextField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]


class FindingKind(models.TextChoices):
    """What material pre-review (材料预审) found; values match ``yiwang.intelligence.prereview``."""

    FIELD_MISMATCH = "field_mismatch", _("与申请信息不一致")
    INVALID_CHECK_DIGIT = "invalid_check_digit", _("校验位错误")
    INVALID_NUMBER = "invalid_number", _("号码无效")
    EXPIRED = "expired", _("已过有效期")
    FIELD_NOT_FOUND = "field_not_found", _("未识别到")
    UNREADABLE = "unreadable", _("无法识别")
    PAGES_TRUNCATED = "pages_truncated", _("仅部分页预审")
    OCR_FAILED = "ocr_failed", _("预审失败")

    @classmethod
    def problems(cls) -> list[str]:
        """Kinds that say something may be wrong with the material itself (shown first)."""
        return [cls.FIELD_MISMATCH, cls.INVALID_CHECK_DIGIT, cls.INVALID_NUMBER, cls.EXPIRED]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待预审")
    DONE = "done", _("已预审")
    FAILED = "failed", _("预审失败")
    SKIPPED = "skipped", _("无需预审")


class MaterialReview(models.Model):
    """The latest pre-review of one material file: status, engine, what was read, how long it took.

    Advisory only: a case never waits for it, and its status never blocks a transition."""

    material = models.OneToOneField(CaseMaterial, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    profile = models.CharField(max_length=32, blank=True, help_text="Material type whose fields were read")
    engine = models.CharField(max_length=120, blank=True)
    pages_total = models.PositiveIntegerField(default=0)
    pages_read = models.PositiveIntegerField(default=0)
    fields = models.JSONField(default=dict, blank=True, help_text="Field → {value, confidence, page}")
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("材料预审")
        verbose_name_plural = _("材料预审")

    def __str__(self) -> str:
        return f"{self.material_id} · {self.get_status_display()}"


class MaterialFinding(models.Model):
    """One thing pre-review found on a material, with the OCR confidence, for the clerk to weigh."""

    material = models.ForeignKey(CaseMaterial, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=24, choices=FindingKind.choices)
    field = models.CharField(max_length=32, blank=True)
    expected = models.CharField(max_length=200, blank=True)
    found = models.CharField(max_length=200, blank=True)
    confidence = models.FloatField(null=True, blank=True, help_text="OCR confidence 0..1 of what was read")
    page = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0-based page of the file")
    message = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                                   name="material_finding_confidence_0_1"),
        ]
        ordering = ["material", "id"]
        verbose_name = _("预审发现")
        verbose_name_plural = _("预审发现")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message[:40]}"

    @property
    def display_message(self) -> str:
        """The finding in the reader's language, said again from its facts by the wording's one
        home (``intelligence.prereview.finding_text``); ``message`` keeps what was stored. A
        failed pre-review's stored text names the engine's error: said again only in general."""
        from django.conf import settings
        from django.utils.translation import get_language

        from yiwang.intelligence.prereview import finding_text

        if (get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
            return self.message
        review = getattr(self.material, "review", None) if self.kind == FindingKind.PAGES_TRUNCATED else None
        return finding_text(self.kind, field=self.field, expected=self.expected, found=self.found,
                            confidence=self.confidence, page=self.page,
                            pages_total=getattr(review, "pages_total", 0), pages_read=getattr(review, "pages_read", 0))


class EngineErrorAction(models.TextChoices):
    ACCEPT = "accept", _("受理（启动流程）")
    COMPLETE = "complete", _("办理环节")
    RETURN = "return", _("回退")
    INSTANT = "instant", _("秒批")


class CaseEngineError(models.Model):
    """An error of the case's process engine while a step was being completed (or the process
    started). The step's transaction rolled back, so the case is unchanged and the step still open;
    this row is written in its own transaction so that the department head and the platform
    administrator see it, until an administrator moves or migrates the case (``resolved_at``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="engine_errors")
    process_version = models.ForeignKey(ProcessVersion, on_delete=models.PROTECT, related_name="engine_errors")
    action = models.CharField(_("操作"), max_length=12, choices=EngineErrorAction.choices)
    step_name = models.CharField(_("环节"), max_length=100, blank=True)
    task_name = models.CharField(max_length=100, blank=True, help_text="BPMN id of the step being completed")
    element = models.CharField(_("出错的流程元素"), max_length=200, blank=True)
    error_type = models.CharField(max_length=100)
    message = models.TextField(_("错误"))
    occurred_at = models.DateTimeField(_("发生时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolution = models.TextField(_("处理说明"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "occurred_at"], name="engine_error_open_idx")]
        verbose_name = _("流程错误")
        verbose_name_plural = _("流程错误")

    def __str__(self) -> str:
        return f"{self.case} · {self.step_name or self.get_action_display()}"
class DocumentKind(models.TextChoices):
    ACCEPTANCE_RECEIPT = "acceptance_receipt", _("受理回执")
    CORRECTION_NOTICE = "correction_notice", _("一次性告知书")
    REJECTION_NOTICE = "rejection_notice", _("不予受理决定书")
    APPROVAL_DECISION = "approval_decision", _("准予决定书")
    DENIAL_DECISION = "denial_decision", _("不予决定书")

    @classmethod
    def receipts(cls) -> list[str]:
        return [cls.ACCEPTANCE_RECEIPT, cls.CORRECTION_NOTICE, cls.REJECTION_NOTICE]


class CaseDocument(models.Model):
    """A document the case gave the applicant (receipt, notice, decision letter): a PDF stored with
    its SHA-256 and SM3, and the issuing department's SM2 signature over a statement binding the
    case, kind, department, time and SM3 (see ``yiwang.cases.documents``). Written in the same
    transaction as the event it records; never changed afterwards."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    title = models.CharField(max_length=100)
    correction = models.OneToOneField(CorrectionNotice, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="document")
    file = models.FileField(upload_to="documents/%Y/%m/")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    sm3 = models.CharField(max_length=64)
    signature = models.TextField(help_text="SM2-with-SM3, DER, base64")
    algorithm = models.CharField(max_length=32)
    key_id = models.CharField(max_length=64)
    signer_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # one acceptance receipt, rejection notice and decision letter per case; a correction
            # notice per correction request
            models.UniqueConstraint(fields=["case", "kind"], name="case_document_once",
                                    condition=~Q(kind="correction_notice")),
        ]
        ordering = ["signed_at", "id"]
        verbose_name = _("办件文书")
        verbose_name_plural = _("办件文书")

    def __str__(self) -> str:
        return f"{self.case} · {self.title}"


class PackageApplication(models.Model):
    """An application for a 一件事 package: one submission, one number the applicant tracks, split
    behind the window into one case per member item (``PackagedCase``)."""

    number = models.CharField(_("一件事申请编号"), max_length=32, unique=True, null=True, blank=True)
    package = models.ForeignKey("catalog.LifeEventPackage", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="package_applications")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="submitted_package_applications")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    form_data = models.JSONField(default=dict, blank=True, help_text="The combined form as submitted (cleaned)")
    submitted_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="package_application_idempotency_unique",
                                    condition=Q(idempotency_key__isnull=False)),
        ]
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("一件事申请")
        verbose_name_plural = _("一件事申请")

    def __str__(self) -> str:
        return self.number or f"package-application#{self.pk}"


class PackagedCase(models.Model):
    """One member item's case of a package application."""

    application = models.ForeignKey(PackageApplication, on_delete=models.CASCADE, related_name="members")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="package_link")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "sort_order", "id"]


class PackageMaterial(models.Model):
    """A file the applicant gave once for a package, and the member cases' materials that use it
    (the same stored file, referenced by each case's ``CaseMaterial``)."""

    application = models.ForeignKey(PackageApplication, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(max_length=200)
    upload = models.ForeignKey(CaseMaterial, on_delete=models.PROTECT, related_name="+")
    used_by = models.ManyToManyField(CaseMaterial, related_name="package_materials")

    class Meta:
        ordering = ["application", "id"]
