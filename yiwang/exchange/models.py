"""Data sharing (数据共享交换): the resource catalogue, the negative list, subscriptions, API
credentials, stored rows, ingested datasets, usage counters and the access log.

Invariants kept here and in ``policy``:
- A row's key is never stored in clear: ``DataRow.key_index`` is a blind index (HMAC-SM3), and
  the personal values of a row are one SM4-GCM token (``DataRow.sealed``).
- What the negative list names never leaves its department: ``policy.decide`` is the one place
  that says which fields a lookup may return.
- Usage counters live in the database (conditional ``UPDATE``), never in a process.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiwang.core.models import Department


class KeyKind(models.TextChoices):
    CITIZEN_ID = "citizen_id", _("公民身份号码")
    USCC = "uscc", _("统一社会信用代码")
    OTHER = "other", _("其他标识")


class FieldType(models.TextChoices):
    STRING = "string", _("文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("数值")
    DATE = "date", _("日期")
    ENUM = "enum", _("枚举")
    BOOLEAN = "boolean", _("是/否")


class FieldStandard(models.TextChoices):
    NONE = "", _("无")
    CITIZEN_ID = "GB 11643", _("GB 11643 公民身份号码")
    USCC = "GB 32100", _("GB 32100 统一社会信用代码")
    DATE = "GB/T 7408", _("GB/T 7408 日期（YYYY-MM-DD）")
    GENDER = "GB/T 2261.1", _("GB/T 2261.1 性别代码")
    PHONE = "mobile", _("手机号码")


class SharingClass(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")


class Sensitivity(models.TextChoices):
    PUBLIC = "public", _("公开")
    INTERNAL = "internal", _("内部")
    PERSONAL = "personal", _("个人信息")
    SENSITIVE = "sensitive", _("敏感个人信息")


class MaskRule(models.TextChoices):
    NONE = "", _("不脱敏")
    ID_NUMBER = "id_number", _("证件号码（保留前 6 后 4 位）")
    NAME = "name", _("姓名（保留姓）")
    PHONE = "phone", _("电话（保留前 3 后 4 位）")
    ADDRESS = "address", _("地址（保留前 6 字）")
    FULL = "full", _("全部遮盖")


class DataResource(models.Model):
    """A data resource (信息资源) in the catalogue, owned by its provider department."""

    code = models.CharField(_("资源代码"), max_length=40, unique=True)
    name = models.CharField(_("资源名称"), max_length=100)
    provider = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="data_resources",
                                 verbose_name=_("提供部门"))
    description = models.TextField(_("资源摘要"), blank=True)
    key_kind = models.CharField(_("查询标识类型"), max_length=16, choices=KeyKind.choices)
    key_field = models.CharField(_("标识字段"), max_length=40, help_text=_("按此字段查询（每行唯一）"))
    key_label = models.CharField(_("标识名称"), max_length=40, blank=True)
    update_cycle = models.CharField(_("更新周期"), max_length=20, blank=True)
    current_version = models.PositiveIntegerField(_("当前数据版本"), default=0)
    row_count = models.PositiveIntegerField(_("当前版本行数"), default=0)
    is_active = models.BooleanField(_("发布中"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("数据资源")
        verbose_name_plural = _("数据资源")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def key_context(self) -> str:
        """The blind-index context of this resource's keys: one per key kind, so that the same
        citizen ID gives the same index in every resource and in the access log."""
        return key_context(self.key_kind)

    @property
    def seal_context(self) -> str:
        return f"exchange.DataRow:{self.code}"


def key_context(kind: str) -> str:
    return f"exchange.key.{kind}"


class ResourceField(models.Model):
    """One field (数据项) of a resource: type, standard, sharing class, sensitivity, masking."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(_("字段名"), max_length=40)
    label = models.CharField(_("中文名称"), max_length=60)
    field_type = models.CharField(_("类型"), max_length=10, choices=FieldType.choices, default=FieldType.STRING)
    standard = models.CharField(_("标准"), max_length=16, choices=FieldStandard.choices, blank=True, default="")
    allowed_values = models.JSONField(_("取值范围"), default=list, blank=True)
    max_length = models.PositiveIntegerField(_("最大长度"), null=True, blank=True)
    required = models.BooleanField(pgettext_lazy("a field's property", "必填"), default=False)
    sharing_class = models.CharField(_("共享类型"), max_length=16, choices=SharingClass.choices,
                                     default=SharingClass.CONDITIONAL)
    sensitivity = models.CharField(_("敏感级别"), max_length=12, choices=Sensitivity.choices, default=Sensitivity.INTERNAL)
    mask_rule = models.CharField(_("脱敏规则"), max_length=12, choices=MaskRule.choices, blank=True, default="")
    source_field = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("权威来源"),
        help_text=_("一数一源：与此字段比对的权威来源字段（同一标识）"),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["resource", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["resource", "name"], name="exchange_field_unique")]
        verbose_name = _("数据项")
        verbose_name_plural = _("数据项")

    def __str__(self) -> str:
        return f"{self.resource.code}.{self.name}"

    @property
    def is_personal(self) -> bool:
        """Personal fields are stored encrypted (SM4) in the row's sealed token."""
        return self.sensitivity in (Sensitivity.PERSONAL, Sensitivity.SENSITIVE)


class NegativeListEntry(models.Model):
    """An entry of the negative list (负面清单): a whole resource (``field`` empty) or one field.

    What is listed never leaves the provider department, whatever a subscription says. Entries are
    lifted (``lifted_at``), never deleted, so the history stays."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="negative_entries")
    field = models.ForeignKey(ResourceField, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="negative_entries")
    reason = models.CharField(_("列入理由"), max_length=300)
    legal_basis = models.CharField(_("依据"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["resource", "field", "id"]
        indexes = [models.Index(fields=["resource", "lifted_at"], name="exchange_negative_idx")]
        verbose_name = _("负面清单条目")
        verbose_name_plural = _("负面清单")

    def __str__(self) -> str:
        return f"{self.resource.code}.{self.field.name if self.field is not None else '*'}"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已拒绝")
    REVOKED = "revoked", _("已撤销")

    @classmethod
    def can_decide(cls, status: str) -> bool:
        return status == cls.PENDING

    @classmethod
    def can_revoke(cls, status: str) -> bool:
        return status == cls.APPROVED


class Subscription(models.Model):
    """A consuming department's access to a resource (共享申请): purpose, legal basis, fields;
    approved by the provider's steward with an expiry, a daily quota and a per-minute rate."""

    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="subscriptions")
    consumer = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="exchange_subscriptions",
                                 verbose_name=_("使用部门"))
    fields = models.JSONField(_("申请数据项"), default=list)
    clear_fields = models.JSONField(_("不脱敏数据项"), default=list, blank=True,
                                    help_text=_("提供部门同意以原值提供的数据项（须为申请数据项）"))
    purpose = models.CharField(_("用途"), max_length=300)
    legal_basis = models.CharField(_("依据"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=SubscriptionStatus.choices,
                              default=SubscriptionStatus.PENDING)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    daily_quota = models.PositiveIntegerField(_("每日调用限额"), default=10_000)
    rate_per_minute = models.PositiveIntegerField(_("每分钟调用上限"), default=600)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Usage counters: changed only by the conditional UPDATE in ``gateway.record_served``.
    day = models.DateField(null=True, blank=True)
    day_count = models.PositiveIntegerField(default=0)
    minute = models.BigIntegerField(default=0, help_text="minutes since the epoch of minute_count")
    minute_count = models.PositiveIntegerField(default=0)
    total_count = models.BigIntegerField(default=0)
    # 免提交 for applicants' own cases: a separate daily allowance, not held to the per-minute rate,
    # so that staff lookups cannot starve citizens' applications (``gateway.record_served``).
    case_daily_quota = models.PositiveIntegerField(_("办件免提交每日限额"), default=10_000)
    case_day = models.DateField(null=True, blank=True)
    case_day_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["consumer", "resource", "status"], name="exchange_sub_lookup_idx")]
        verbose_name = _("共享订阅")
        verbose_name_plural = _("共享订阅")

    def __str__(self) -> str:
        return f"{self.consumer} → {self.resource.code} ({self.get_status_display()})"

    def is_expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def is_active(self, now: dt.datetime) -> bool:
        return self.status == SubscriptionStatus.APPROVED and not self.is_expired(now)


class ApiCredential(models.Model):
    """An API key of a consuming system: only its SHA-256 digest is stored; scoped to its
    department and to the subscriptions listed (all of the department's when none are)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="exchange_credentials")
    name = models.CharField(_("系统名称"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    subscriptions = models.ManyToManyField(Subscription, blank=True, related_name="credentials")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口凭据")
        verbose_name_plural = _("接口凭据")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DatasetStatus(models.TextChoices):
    LOADED = "loaded", _("已入库")
    REJECTED = "rejected", _("整体拒收")
    HELD = "held", _("待确认")
    DISCARDED = "discarded", _("已弃用")


class Dataset(models.Model):
    """One pushed dataset = one version of its resource, with its quality report."""

    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="datasets")
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=10, choices=DatasetStatus.choices)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_format = models.CharField(_("格式"), max_length=8)
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    file_sha256 = models.CharField(_("文件 SHA-256"), max_length=64, blank=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_loaded = models.PositiveIntegerField(_("入库行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("拒收行数"), default=0)
    duplicates = models.PositiveIntegerField(_("重复标识"), default=0)
    conflicts = models.PositiveIntegerField(_("与权威来源不一致"), default=0)
    report = models.JSONField(_("质量报告"), default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("确认意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["resource", "version"], name="exchange_dataset_version_unique")]
        verbose_name = _("数据集版本")
        verbose_name_plural = _("数据集版本")

    def __str__(self) -> str:
        return f"{self.resource.code} v{self.version}"


class PushStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    LOADING = "loading", _("入库中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


PUSH_IN_FLIGHT = (PushStatus.QUEUED, PushStatus.LOADING)


class DatasetPush(models.Model):
    """A large pushed file waiting to be loaded by the worker (``yiwang.exchange.pushes``). The file
    waits under ``MEDIA_ROOT`` (``file_path``, relative to it) and is deleted once loaded or failed;
    ``dataset`` is the version it became. One file is in flight at most once per resource."""

    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="pushes")
    file_path = models.CharField(max_length=300)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_format = models.CharField(_("格式"), max_length=8, blank=True)
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("字节数"))
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=PushStatus.choices, default=PushStatus.QUEUED)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    error_details = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "sha256"], condition=models.Q(status__in=PUSH_IN_FLIGHT),
                                    name="exchange_push_in_flight_unique"),
        ]
        indexes = [models.Index(fields=["resource", "-created_at"], name="exchange_push_resource_idx")]
        verbose_name = _("数据推送")
        verbose_name_plural = _("数据推送")

    def __str__(self) -> str:
        return f"{self.resource.code} push {self.pk} ({self.status})"

    @property
    def in_flight(self) -> bool:
        return self.status in PUSH_IN_FLIGHT


class DataRow(models.Model):
    """One row of one version of a resource. ``key_index`` is the blind index of the key;
    ``values`` holds the non-personal fields in clear, ``sealed`` the personal ones (SM4-GCM)."""

    # No database foreign key and no index of its own: a 1-million-row load paid ~4 µs a row for the
    # deferred foreign-key checks at commit and ~1 µs for an index that the unique constraint below
    # already gives (it starts with resource). Rows are written only by ingestion, under a lock on
    # their resource; deleting a resource deletes its rows through Django (CASCADE).
    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                 db_index=False)
    version = models.PositiveIntegerField()
    key_index = models.CharField(max_length=64)  # COLLATE "C" on PostgreSQL (migration 0006)
    values = models.JSONField(default=dict)
    sealed = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "version", "key_index"], name="exchange_row_key_unique")
        ]
        verbose_name = _("共享数据行")
        verbose_name_plural = _("共享数据行")


class MaterialProof(models.Model):
    """A material (申请材料) that data sharing proves (免提交): read ``fields`` of ``resource`` by the
    applicant's ID and check ``condition``; when it holds, the material is obtained by sharing."""

    class Condition(models.TextChoices):
        ROW_EXISTS = "row_exists", _("存在记录")
        FIELD_EQUALS = "field_equals", _("字段等于")
        FIELD_NONEMPTY = "field_nonempty", _("字段非空")

    material = models.ForeignKey("catalog.Material", on_delete=models.CASCADE, related_name="sharing_proofs")
    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="proofs")
    fields = models.JSONField(_("取用数据项"), default=list)
    condition = models.CharField(_("条件"), max_length=16, choices=Condition.choices, default=Condition.ROW_EXISTS)
    condition_field = models.CharField(_("条件字段"), max_length=40, blank=True)
    condition_value = models.CharField(_("条件取值"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["material", "resource"], name="exchange_proof_unique")]
        verbose_name = _("共享免提交规则")
        verbose_name_plural = _("共享免提交规则")

    def __str__(self) -> str:
        return f"{self.material} ← {self.resource.code}"


class Outcome(models.TextChoices):
    SERVED = "served", _("已提供")
    NOT_FOUND = "not_found", _("无记录")
    REFUSED = "refused", _("已拒绝")


class Channel(models.TextChoices):
    API = "api", _("接口")
    CASE = "case", _("办件")
    WEB = "web", _("页面")
    INGEST = "ingest", _("一数一源核对")


class AccessLog(models.Model):
    """Every lookup through the gateway, served or refused: who, whose data, what, why, the outcome
    and the SM3 hash of the response. ``subject_index`` is the key's blind index (a citizen finds
    their own accesses with it). Written with an ``AuditEvent`` in the same transaction."""

    created_at = models.DateTimeField(default=timezone.now)
    # Every lookup appends a row: only what is searched by is indexed (the three indexes below;
    # consumer and provider lead two of them), not each foreign key on its own.
    consumer = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_index=False)
    provider = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_index=False)
    resource = models.ForeignKey(DataResource, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_index=False)
    resource_code = models.CharField(max_length=40)
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    credential = models.ForeignKey(ApiCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_index=False)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.API)
    subject_index = models.CharField(max_length=64, blank=True)
    subject_masked = models.CharField(max_length=40, blank=True)
    fields_requested = models.JSONField(default=list)
    fields_returned = models.JSONField(default=list)
    purpose = models.CharField(max_length=300, blank=True)
    case_reference = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    refusal_code = models.CharField(max_length=40, blank=True)
    response_sm3 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_index", "-created_at"], name="exchange_log_subject_idx"),
            models.Index(fields=["provider", "-created_at"], name="exchange_log_provider_idx"),
            models.Index(fields=["consumer", "-created_at"], name="exchange_log_consumer_idx"),
        ]
        verbose_name = _("数据使用记录")
        verbose_name_plural = _("数据使用记录")


class LookupReason(models.TextChoices):
    """Why a staff member looked a person up without naming a case they handle (a short list)."""

    EMERGENCY = "emergency", _("紧急救助或人身安全")
    ENFORCEMENT = "enforcement", _("依法执法核查（有立案或检查文书）")
    IN_PERSON = "in_person", _("当事人在场办理、尚未立案")
    DATA_CHECK = "data_check", _("本部门数据纠错核对")
    OTHER = "other", _("其他（须详细说明）")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    REVIEWED = "reviewed", _("已复核")
    FLAGGED = "flagged", _("有疑问")


class LookupReview(models.Model):
    """A lookup of a person made with a documented reason instead of a case: it is served, and
    waits here for the provider's steward to review it afterwards (mark reviewed, or flag it)."""

    access = models.OneToOneField(AccessLog, on_delete=models.PROTECT, related_name="review")
    provider = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason_code = models.CharField(_("理由类别"), max_length=16, choices=LookupReason.choices)
    reason_text = models.CharField(_("理由说明"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("复核状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("复核意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "status", "-created_at"], name="exchange_review_queue_idx")]
        verbose_name = _("查询复核")
        verbose_name_plural = _("查询复核")


class PolicyState(models.Model):
    """One row whose ``token`` changes, by database triggers, with every change to what the
    gateway decides on: resources, fields, the negative list, subscriptions (not their usage
    counters), credentials and their scopes, departments. A gateway process may keep what it read
    while the token it reads with each lookup is the one it read them with (see ``gateway``);
    triggers also catch admin edits, ``QuerySet.update`` and raw SQL. A fresh random token each
    time, so a rolled-back change can never make an old token current again with other contents."""

    token = models.CharField(max_length=36)

    class Meta:
        verbose_name = _("共享策略状态")
        verbose_name_plural = _("共享策略状态")
