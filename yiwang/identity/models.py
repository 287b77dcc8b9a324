"""Identity: one-time codes to a phone, real-name levels (实名等级) and their verifications, and
authorisations to act for someone else (委托代办).

A person or an organisation is a ``core.Applicant``; this app adds how sure we are that the
account holding it is who it says (``RealName``), the record of each check that raised (or failed
to raise) that level (``Verification``), and who may apply on whose behalf (``Authorisation``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import Applicant, RealNameLevel
from yiwang.crypto.fields import EncryptedTextField


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("注册")


class VerificationCode(models.Model):
    """A one-time code sent to a phone. Only an HMAC of the code is stored (keyed: a 6-digit code
    hashed without a key would be found by trying all million); the phone only as a blind index.

    A code is used once (``consumed_at``), expires (``expires_at``) and dies after
    ``YIWANG_IDENTITY_CODE_MAX_ATTEMPTS`` wrong guesses. Rows are also the rate limiter's memory:
    codes sent per phone and per IP address are counted from them (in the database, so every
    process sees the same counts)."""

    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    phone_index = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    code_hash = models.CharField(max_length=96)  # "<16 hex salt>$<64 hex HMAC-SM3>"
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    # a code to a phone that already has an account carries no code (the message says so instead);
    # the row exists so that the answer and the rate limits are the same either way
    deliverable = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"], name="identity_code_ip_idx")]
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def is_usable(self, now: dt.datetime, max_attempts: int) -> bool:
        return self.consumed_at is None and self.expires_at > now and self.attempts < max_attempts


class RealName(models.Model):
    """The real-name level an applicant's account has reached, and how (see ``Verification``)."""

    applicant = models.OneToOneField(Applicant, on_delete=models.CASCADE, related_name="real_name",
                                     verbose_name=_("申请人"))
    level = models.PositiveSmallIntegerField(_("实名等级"), choices=RealNameLevel.choices, default=RealNameLevel.L1)
    # the person who registered an organisation's account (经办人): name, ID number, phone
    operator_name = models.CharField(_("经办人姓名"), max_length=100, blank=True)
    operator_id_number = EncryptedTextField(_("经办人身份号码"), blank=True, context="identity.RealName.operator_id")
    legal_representative_id_number = EncryptedTextField(_("法定代表人身份号码"), blank=True,
                                                        context="identity.RealName.legal_rep_id")
    registered_at = models.DateTimeField(_("注册时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("实名信息")
        verbose_name_plural = _("实名信息")

    def __str__(self) -> str:
        return f"{self.applicant} · {self.get_level_display()}"


class VerificationMethod(models.TextChoices):
    REGISTRATION = "registration", _("注册（自我声明）")
    POPULATION = "population", _("公安人口库核验")
    ENTERPRISE_REGISTRY = "enterprise_registry", _("企业登记信息核验")
    WINDOW = "window", _("窗口当面核验")


class VerificationOutcome(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")


class Verification(models.Model):
    """One check of an applicant's identity, passed or failed: the history behind ``RealName``.

    A gateway check names its access log row (``access_id``); a window check names the clerk and
    what they saw (``note``)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="verifications")
    level = models.PositiveSmallIntegerField(_("实名等级"), choices=RealNameLevel.choices)
    method = models.CharField(_("方式"), max_length=24, choices=VerificationMethod.choices)
    outcome = models.CharField(_("结果"), max_length=8, choices=VerificationOutcome.choices)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    access_id = models.BigIntegerField(_("共享访问记录"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("核验人"))
    note = models.CharField(_("核验记录"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["applicant", "-at"], name="identity_verification_idx")]
        verbose_name = _("实名核验记录")
        verbose_name_plural = _("实名核验记录")

    def __str__(self) -> str:
        return f"{self.applicant} {self.get_method_display()} {self.get_outcome_display()}"


class AuthorisationStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")


class AuthorisationSource(models.TextChoices):
    ONLINE = "online", _("本人网上授权")
    WINDOW = "window", _("窗口登记书面委托")


class Authorisation(models.Model):
    """委托代办: the principal lets the agent apply on their behalf, for some items or all, for a time.

    Recorded by the principal online, or by a clerk at the window from a signed paper authorisation
    (``paper_reference``). Revocable; never deleted (a case made under it names it)."""

    principal = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="authorisations_given",
                                  verbose_name=_("委托人"))
    agent = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="authorisations_held",
                              verbose_name=_("代办人"))
    all_items = models.BooleanField(_("全部事项"), default=False)
    items = models.ManyToManyField("catalog.ServiceItem", blank=True, related_name="+", verbose_name=_("委托事项"))
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=8, choices=AuthorisationStatus.choices,
                              default=AuthorisationStatus.ACTIVE)
    source = models.CharField(_("来源"), max_length=8, choices=AuthorisationSource.choices)
    paper_reference = models.CharField(_("书面委托书编号"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("撤销人"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "status"], name="identity_authorisation_agent"),
                   models.Index(fields=["principal", "status"], name="identity_authorisation_princ")]
        verbose_name = _("委托代办授权")
        verbose_name_plural = _("委托代办授权")

    def __str__(self) -> str:
        return f"{self.principal} → {self.agent}"

    def is_active(self, now: dt.datetime) -> bool:
        return self.status == AuthorisationStatus.ACTIVE and self.valid_from <= now < self.valid_until

    def can_revoke(self) -> bool:
        return self.status == AuthorisationStatus.ACTIVE
