"""Appeals and field events (12345 诉求, 一网统管 事件): one record per matter, several reports into it,
dispatch to a lead department and co-handlers, deadlines, closure and the call-back (回访)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import Department
from yiwang.crypto.fields import EncryptedTextField


class AppealType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉举报")
    SUGGESTION = "suggestion", _("意见建议")
    EVENT = "event", _("事件")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急（危及生命财产安全）")


class AppealChannel(models.TextChoices):
    PORTAL = "portal", _("网上诉求")
    HOTLINE = "hotline", _("12345热线")
    GRID = "grid", _("网格员上报")
    OPEN311 = "open311", _("Open311 接口")
    SENSOR = "sensor", _("物联感知")


class AppealStatus(models.TextChoices):
    TRIAGE = "triage", _("待派单")
    HANDLING = "handling", _("办理中")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")

    @classmethod
    def open_states(cls) -> list[str]:
        return [cls.TRIAGE, cls.HANDLING]


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("小时")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")


class DeadlineRule(models.Model):
    """One deadline class (时限): the first active rule by ``priority`` that matches an appeal sets its
    deadline. A rule matches when every criterion it sets holds (urgency; one of its keywords in the
    category, title or text; the complex flag); a rule without criteria matches everything and
    belongs last. Defaults (data migration): emergencies 2 hours, water/power/gas/heating 24 hours,
    complex 15 working days, general 7 working days."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小的先匹配"))
    match_urgency = models.CharField(_("匹配紧急程度"), max_length=12, choices=Urgency.choices, blank=True)
    match_keywords = models.CharField(_("匹配关键词"), max_length=300, blank=True,
                                      help_text=_("以逗号分隔，任一出现在类别、标题或内容中即匹配"))
    match_complex = models.BooleanField(_("仅复杂诉求"), default=False)
    amount = models.PositiveIntegerField(_("时限"))
    unit = models.CharField(_("单位"), max_length=16, choices=DeadlineUnit.choices)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("诉求办理时限规则")
        verbose_name_plural = _("诉求办理时限规则")

    def __str__(self) -> str:
        return f"{self.name}（{self.amount} {self.get_unit_display()}）"

    def keywords(self) -> list[str]:
        return [k.strip() for k in self.match_keywords.replace("，", ",").split(",") if k.strip()]


class Appeal(models.Model):
    """One matter (工单): what the reports say, where, who handles it, by when, and how it ended."""

    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    appeal_type = models.CharField(_("诉求类型"), max_length=12, choices=AppealType.choices)
    urgency = models.CharField(_("紧急程度"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    is_complex = models.BooleanField(_("复杂诉求"), default=False)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=AppealChannel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.TRIAGE)

    # where: a point (WGS-84) and/or an address as typed; the district (乡镇/街道) for the board
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    district = models.CharField(_("乡镇（街道）"), max_length=40, blank=True)

    # the classifier's proposal, kept as made, and the category finally used
    category = models.CharField(_("类别"), max_length=64, blank=True)
    suggested_category = models.CharField(_("建议类别"), max_length=64, blank=True)
    suggested_department = models.CharField(_("建议部门"), max_length=32, blank=True)
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    alternatives = models.JSONField(_("备选"), default=list, blank=True)
    classifier_version = models.PositiveIntegerField(null=True, blank=True)
    triage_reason = models.CharField(_("人工派单原因"), max_length=40, blank=True)

    # dispatch
    lead_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="led_appeals", verbose_name=_("主办部门"))
    first_contact_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="first_contact_appeals",
        verbose_name=_("首接部门"), help_text=_("首接负责：最先接收诉求的部门，跟踪到办结"))
    auto_dispatched = models.BooleanField(default=False)

    # deadline and supervision
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    deadline_rule = models.CharField(max_length=32, blank=True)
    due_at = models.DateTimeField(_("办理时限"))
    warn_at = models.DateTimeField()
    urged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    # closure and call-back (回访)
    closed_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("办理答复"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    callback_due_at = models.DateTimeField(null=True, blank=True)
    callback_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField(_("回访评价"), max_length=16, choices=Rating.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_appeals")
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_automatically = models.BooleanField(default=False)
    source_device = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "due_at"], name="appeal_status_due_idx"),
            models.Index(fields=["category", "received_at"], name="appeal_category_time_idx"),
            models.Index(fields=["lead_department", "status"], name="appeal_department_status_idx"),
            # the command board: what is open (a small share of a long history), and closures of the day
            models.Index(fields=["due_at"], condition=Q(status__in=["triage", "handling"]), name="appeal_open_due_idx"),
            # … and its counts read from the index alone (category × town × status × light × urgency)
            models.Index(fields=["category", "district", "status", "due_at", "warn_at", "urgency", "suggested_category"],
                         condition=Q(status__in=["triage", "handling"]), name="appeal_open_board_idx"),
            models.Index(fields=["closed_at"], condition=Q(closed_at__isnull=False), name="appeal_closed_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                                   name="appeal_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                                   name="appeal_longitude_range"),
        ]
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_open(self) -> bool:
        return self.status in AppealStatus.open_states()


class AppealReport(models.Model):
    """One report of a matter by one reporter through one channel; several reports may make one appeal.

    Contact details are personal data: stored encrypted (SM4). ``token`` lets the reporter follow
    the appeal on the portal without an account, and is the Open311 ``token``."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="reports")
    original_appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+",
                                        help_text="The appeal this report created; a merge moves ``appeal`` only")
    channel = models.CharField(max_length=10, choices=AppealChannel.choices)
    received_at = models.DateTimeField()
    text = models.TextField(blank=True)
    reporter_name = models.CharField(_("反映人"), max_length=60, blank=True)
    reporter_phone = EncryptedTextField(_("联系电话"), blank=True, context="appeals.AppealReport.reporter_phone")
    reporter_email = EncryptedTextField(_("电子邮箱"), blank=True, context="appeals.AppealReport.reporter_email")
    reporter_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="appeal_reports")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    token = models.CharField(max_length=32, unique=True)
    partner = models.CharField(max_length=60, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("诉求来件")
        verbose_name_plural = _("诉求来件")

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.token}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class AppealAssignment(models.Model):
    """A department given an appeal, as lead (主办) or co-handler (协办); ``active`` until returned or
    re-dispatched. A return (退单) stays on the row: its department cannot return the appeal again."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="appeal_assignments")
    role = models.CharField(max_length=4, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    active = models.BooleanField(default=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            # at most one active lead per appeal
            models.UniqueConstraint(fields=["appeal"], condition=Q(active=True, role="lead"),
                                    name="appeal_one_active_lead"),
            # a department returns an appeal once: the second return finds this row and is refused
            models.UniqueConstraint(fields=["appeal", "department"], condition=Q(returned_at__isnull=False),
                                    name="appeal_return_once_per_department"),
        ]
        verbose_name = _("派单记录")
        verbose_name_plural = _("派单记录")


class AppealCorrection(models.Model):
    """A dispatcher's correction of the classifier's proposal: the training data the classifier reads
    (``selectors.classifier_corrections``). Also kept in intelligence as a labelled example when the
    category is one it knows (``labelled_example_id``)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="corrections")
    created_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    suggested_category = models.CharField(max_length=64, blank=True)
    suggested_department = models.CharField(max_length=32, blank=True)
    category = models.CharField(max_length=64)
    department = models.CharField(max_length=32)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    labelled_example_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("派单纠正")
        verbose_name_plural = _("派单纠正")


class AppealCallback(models.Model):
    """One call-back (回访) and its rating; a reopened appeal may have two."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="callbacks")
    created_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.CharField(max_length=16, choices=Rating.choices)
    note = models.TextField(blank=True)
    on_time = models.BooleanField(help_text="Within one working day after closure")
    reopened = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")


class ReporterNotice(models.Model):
    """What a reporter was told (merge, dispatch, closure), shown where they follow their report."""

    report = models.ForeignKey(AppealReport, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=32)
    message = models.TextField()
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def rendered(self) -> str:
        """The message in the reader's language (stored as a Chinese template with its values)."""
        from django.utils.translation import gettext

        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return self.message


class AppealPhoto(models.Model):
    """A photo a reporter attached (JPEG or PNG, checked by its first bytes; never executed or parsed
    beyond that). Served only to the reporter (by token) and to staff who may see the appeal."""

    report = models.ForeignKey(AppealReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="appeals/photos/%Y/%m/")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]


class Open311Service(models.Model):
    """An Open311 ``service`` (GeoReport v2): a category as partner systems see it. ``code`` is the
    ``service_code``, ``category`` the appeal category it files into (its route gives the department),
    ``group`` the spec's grouping."""

    code = models.SlugField(_("服务代码"), max_length=40, unique=True)
    name = models.CharField(_("服务名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=64)
    group = models.CharField(_("分组"), max_length=100, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Open311 服务")
        verbose_name_plural = _("Open311 服务")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Open311Partner(models.Model):
    """A partner system allowed to POST Open311 requests. Only the SHA-256 of its key is kept; the
    key itself is shown once, when issued (admin or ``manage.py open311_key create NAME``)."""

    name = models.CharField(_("合作系统"), max_length=60, unique=True)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 合作系统密钥")
        verbose_name_plural = _("Open311 合作系统密钥")

    def __str__(self) -> str:
        return self.name


class SensorRule(models.Model):
    """When a reading of a sensor type opens an event: ``value`` ``operator`` ``threshold``; the event
    closes once readings stay normal for ``clear_after_seconds``."""

    sensor_type = models.SlugField(_("传感器类型"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    operator = models.CharField(_("比较"), max_length=2, choices=[("gt", ">"), ("lt", "<")], default="gt")
    threshold = models.FloatField(_("阈值"))
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    clear_after_seconds = models.PositiveIntegerField(_("恢复正常后关闭（秒）"), default=600)
    category = models.CharField(_("类别"), max_length=64)
    department_code = models.CharField(_("承办部门代码"), max_length=32, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=12, choices=Urgency.choices, default=Urgency.URGENT)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sensor_type"]
        verbose_name = _("传感器阈值规则")
        verbose_name_plural = _("传感器阈值规则")

    def __str__(self) -> str:
        return self.name

    def abnormal(self, value: float) -> bool:
        return value > self.threshold if self.operator == "gt" else value < self.threshold


class Sensor(models.Model):
    """A device publishing to ``yiwang/sensors/<device_id>``, with its place and its running state."""

    device_id = models.CharField(_("设备编号"), max_length=64, unique=True)
    sensor_type = models.SlugField(_("传感器类型"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    latitude = models.FloatField(_("纬度"))
    longitude = models.FloatField(_("经度"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    # running state, written by the listener
    open_appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_value = models.FloatField(null=True, blank=True)
    last_reading_at = models.DateTimeField(null=True, blank=True)
    normal_since = models.DateTimeField(null=True, blank=True)
    readings = models.PositiveBigIntegerField(default=0)
    abnormal_readings = models.PositiveBigIntegerField(default=0)
    max_abnormal_value = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["device_id"]
        verbose_name = _("物联感知设备")
        verbose_name_plural = _("物联感知设备")

    def __str__(self) -> str:
        return f"{self.device_id} {self.name}"


class HotTopicSnapshot(models.Model):
    """The hot topics of one seven-day window as the refresh job found them (``hot_topics.refresh``):
    the board reads the latest, so clustering never runs in a request. ``topics`` is a list of
    ``{label, keywords, example, count, previous, appeals: [{number, title}]}``, largest first."""

    computed_at = models.DateTimeField(db_index=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    considered = models.PositiveIntegerField(help_text="Appeals of the window whose text was clustered")
    previous_considered = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(help_text="How long the refresh took")
    topics = models.JSONField(default=list)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("热点诉求快照")
        verbose_name_plural = _("热点诉求快照")
