"""Departments, applicants, staff roles, the working-day calendar, audit events and API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.crypto.fields import EncryptedTextField


class Department(models.Model):
    """A department of the pilot unit (委办局), e.g. 市场监管局."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    is_service_centre = models.BooleanField(
        _("政务服务中心"), default=False, help_text=_("综合窗口所在的部门（前台综合受理、统一出件）")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: ``name_en`` in English mode where one is entered."""
        return localized_name(self.name, self.name_en)


def wants_english_names() -> bool:
    """The reader is not reading Chinese (the site's language): names kept in both languages
    (departments, stock step names) are shown in English."""
    from django.utils.translation import get_language

    return not (get_language() or settings.LANGUAGE_CODE).startswith("zh")


def localized_name(name: str, name_en: str) -> str:
    """A name kept in Chinese and English (departments): the English one outside Chinese mode,
    where there is one. Names are data, not in the translation catalogue."""
    return name_en if name_en and wants_english_names() else name


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "org", _("法人")


def applicant_id_index(kind: str, id_number: str) -> str:
    """The blind index (HMAC-SM3, its own key) under which an applicant's ID number is found."""
    from yiwang.crypto.fields import blind_index

    return blind_index(id_number, context=f"core.Applicant.id_number:{kind}")


class ApplicantQuerySet(models.QuerySet):
    def with_id_number(self, kind: str, id_number: str) -> ApplicantQuerySet:
        """Exact lookup by ID number, through the blind index (the number itself is encrypted)."""
        from yiwang.core.ids import normalize_id

        return self.filter(kind=kind, id_index=applicant_id_index(kind, normalize_id(id_number)))


class Applicant(models.Model):
    """A person (自然人, citizen ID) or an organisation (法人, unified social credit code).

    ID number, phone and address are personal data: stored encrypted with SM4-GCM (国密), found
    by ID number through a blind index."""

    kind = models.CharField(_("类型"), max_length=8, choices=ApplicantKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    id_number = EncryptedTextField(_("证件号码"), context="core.Applicant.id_number")
    id_index = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField(_("联系电话"), blank=True, context="core.Applicant.phone")
    address = EncryptedTextField(_("地址"), blank=True, context="core.Applicant.address")
    email = EncryptedTextField(_("电子邮箱"), blank=True, context="core.Applicant.email")
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="applicant"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "id_index"], name="applicant_unique_id_index")]
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_index = applicant_id_index(self.kind, self.id_number)
        super().save(*args, **kwargs)


class RealNameLevel(models.IntegerChoices):
    """How sure the platform is that an account is the person (or organisation) it names (实名等级).

    Defined here, at the bottom, because a service item requires a level (``catalog``) and the
    identity app raises it (``identity``); what each level means is in docs/identity.md."""

    NONE = 0, _("无要求/未实名")
    L1 = 1, _("L1 自我声明")
    L2 = 2, _("L2 公安人口库核验")
    L3 = 3, _("L3 窗口当面核验")


class Role(models.TextChoices):
    CLERK = "clerk", _("综合窗口人员")
    REVIEWER = "reviewer", _("审查人员")
    DECIDER = "decider", _("审核决定人员")
    HEAD = "head", _("部门负责人")
    SUPERVISOR = "supervisor", _("电子监察人员")
    STEWARD = "steward", _("数据管理员")
    DISPATCHER = "dispatcher", _("诉求派单员")
    AGENT = "agent", _("12345热线坐席")
    GRID = "grid", _("网格员")
    # the management platform (programme): the pilot's office edits the plan, leaders read it
    PMO = "pmo", _("试点专班办公室")
    LEADER = "leader", _("领导")


# The roles that act on a case's approval steps (a step names one of them, or none: any of them).
APPROVER_ROLES = frozenset({Role.REVIEWER, Role.DECIDER, Role.HEAD})


class StaffRole(models.Model):
    """One role a staff member holds in one department; inboxes are scoped by these rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="staff_role_unique")]
        verbose_name = _("岗位角色")
        verbose_name_plural = _("岗位角色")

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a statutory holiday or a make-up working day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历例外")
        verbose_name_plural = _("工作日历例外")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class AuditRetained(Exception):
    """An attempt to delete audit records younger than the retention period."""


def _audit_retention_cutoff() -> Any:
    import datetime as dt

    return timezone.now() - dt.timedelta(days=settings.YIWANG_AUDIT_RETENTION_DAYS)


class AuditEventQuerySet(models.QuerySet):
    def delete(self) -> Any:
        """Refused while any of the rows is younger than YIWANG_AUDIT_RETENTION_DAYS (GB/T 22239
        level 3 asks for at least 6 months). Nothing in Yiwang deletes audit rows; this stops a
        future clean-up (or an admin action) from doing it early. Raw SQL is what the ledger catches."""
        if self.filter(created_at__gt=_audit_retention_cutoff()).exists():
            raise AuditRetained(f"audit records are kept {settings.YIWANG_AUDIT_RETENTION_DAYS} days")
        return super().delete()


class CalendarYearStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")
    PROVISIONAL = "provisional", _("暂定，待核对")


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days (调休) have been entered. Deadlines are
    computed only through the last such year (see ``yiwang.core.calendar``); a provisional year
    is used, but shown to the operator as still to be checked against the State Council's notice."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=CalendarYearStatus.choices,
                              default=CalendarYearStatus.CONFIRMED)
    source = models.CharField(_("依据"), max_length=200, blank=True,
                              help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")

    def __str__(self) -> str:
        return f"{self.year}（{self.get_status_display()}）"


class AuditEvent(models.Model):
    """One audited change: actor, subject, event type (``subject_past_tense_verb``), details.

    Written in the same transaction as the change it records; never updated or deleted (and not
    deletable through the ORM while younger than YIWANG_AUDIT_RETENTION_DAYS).
    """

    objects = AuditEventQuerySet.as_manager()

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    event_type = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id", "id"], name="audit_subject_idx")]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.event_type} {self.subject_type}:{self.subject_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.created_at > _audit_retention_cutoff():
            raise AuditRetained(f"audit records are kept {settings.YIWANG_AUDIT_RETENTION_DAYS} days")
        return super().delete(*args, **kwargs)


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Set when the user, an administrator or a password change revokes the token; a revoked token is
    # refused and kept (with who revoked it in the audit record) rather than deleted.
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")


class Notification(models.Model):
    """A message to one staff member or applicant (a case event for the applicant, an overdue step
    escalated to the head …), shown in the site's 消息 list.

    ``title`` and ``message`` are stored in Chinese (the record); when ``params`` is set they are
    message templates (``%(name)s``) translated into the reader's language when shown — see
    ``rendered_title`` / ``rendered_body``. Copies sent by SMS or email are ``OutboxMessage`` rows."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, default="general")
    title = models.CharField(max_length=200, blank=True)
    message = models.TextField()
    params = models.JSONField(default=dict, blank=True)
    case_number = models.CharField(max_length=32, blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def _render(self, text: str) -> str:
        from django.utils.translation import gettext

        if not text:
            return ""
        translated = gettext(text)
        if not self.params:
            return translated
        try:
            return translated % self.params
        except (KeyError, ValueError, TypeError):
            # a translation that lost a placeholder must not hide the message: use the record
            return text % self.params

    def rendered_title(self) -> str:
        return self._render(self.title)

    def rendered_body(self) -> str:
        return self._render(self.message)


class LoginMethod(models.TextChoices):
    PASSWORD = "password", _("密码")
    TOKEN = "token", _("接口令牌")
    OTP = "otp", _("动态口令")


class LoginEvent(models.Model):
    """One sign-in attempt, successful or not: what a user sees as 登录记录 and an auditor reads.

    Written only by ``services.record_login_event``; never updated."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="login_events", verbose_name=_("用户"))
    username = models.CharField(_("登录名"), max_length=150)
    success = models.BooleanField(_("成功"))
    method = models.CharField(_("方式"), max_length=16, choices=LoginMethod.choices)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器/客户端"), max_length=300, blank=True)
    reason = models.CharField(_("说明"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="login_event_user_idx")]
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")

    def __str__(self) -> str:
        return f"{self.username} {self.method} {'ok' if self.success else 'failed'} {self.at:%Y-%m-%d %H:%M}"


class PasswordHistory(models.Model):
    """A password a user had: its hash only (never the password), for the no-reuse rule and expiry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password_hash = models.CharField(max_length=256)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="password_history_user_idx")]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("无需发送")


class OutboxMessage(models.Model):
    """A copy of a notification to send through one channel (SMS, email) after the event commits.

    Written in the event's transaction; a worker claims it (``next_attempt_at`` doubles as the
    claim's lease), sends, and records the result. A failed send is retried with backoff until
    ``YIWANG_NOTIFY_MAX_ATTEMPTS``; it never touches the case. The address is not stored here:
    the sender decrypts it from the applicant when it sends (``yiwang.core.notify``)."""

    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="outbox")
    # a notice to an applicant names them; a one-time code to a phone not yet registered (identity)
    # names no one and carries its address, encrypted, instead
    applicant = models.ForeignKey(Applicant, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    address = EncryptedTextField(blank=True, context="core.OutboxMessage.address")
    # a body with a secret in it (a verification code): encrypted, erased once sent, failed or
    # discarded; ``body`` then holds the text with the secret blanked out, for the record
    sealed_body = EncryptedTextField(blank=True, context="core.OutboxMessage.sealed_body")
    # a message worth nothing after this time (a code that has expired) is discarded, not sent late
    discard_after = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=40)
    case_number = models.CharField(max_length=32, blank=True)
    # the text as sent, in Chinese (walk-in applicants may have no account, hence no Notification)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")

    def __str__(self) -> str:
        return f"{self.channel} #{self.notification_id} {self.status}"


class UserPreferences(models.Model):
    """How a signed-in person wants the site shown (适老化): kept on the account so that it follows
    them to any computer. Anonymous visitors keep the same choice in a cookie
    (``yiwang.core.care``); a row exists only once someone has chosen."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    # 关怀版: large text, high contrast, fewer elements, plain words (docs/accessibility.md)
    care_mode = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("显示偏好")
        verbose_name_plural = _("显示偏好")

    def __str__(self) -> str:
        return f"{self.user_id} care={self.care_mode}"
