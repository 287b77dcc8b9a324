"""Electronic licences (电子证照): licence types configured per item, the issuing departments' seals
and their certificate authority, issued licences, share links, verifications and uses (免证办).

Metadata follows the shape of GB/T 36903 (licence name, type code, number, identifier, issuing
department and its code, issue date, holder name, holder code type and code, validity), the
identifier GB/T 36904 as public implementations build it (see ``identifiers``)."""

from __future__ import annotations

import re
import string
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import Applicant, Department, localized_name
from yiwang.crypto.fields import EncryptedTextField

FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TYPE_CODE = re.compile(r"^[0-9A-Z]{21}$")
# Metadata every template may name besides the type's own fields (GB/T 36903 §5.2 shaped).
STANDARD_FIELDS = {
    "licence_name": _("证照名称"), "licence_number": _("证照编号"), "holder_name": _("持证主体"),
    "holder_id_type": _("持证主体代码类型"), "holder_id_number": _("持证主体代码"), "issuer_name": _("颁发机构"),
    "issue_date": _("颁发日期"), "valid_from": _("有效期起始"), "valid_to": _("有效期截止"),
}


class HolderKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "org", _("法人")
    BOTH = "both", _("自然人和法人")


def template_placeholders(template: str) -> list[str]:
    """The names a template uses (``{name}``); raises ``ValueError`` for malformed braces."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"{{{name}}}: format specifications and conversions are not allowed")
        names.append(name)
    return names


class LicenceType(models.Model):
    """One kind of licence (e.g. 营业执照), issued by one department when a case of one of its items
    is decided in favour. Configured in the admin: fields, template, validity, issuing department."""

    code = models.CharField(_("证照类型代码"), max_length=21, unique=True,
                            help_text=_("GB/T 36902 证照类型代码：21 位数字或大写字母。"))
    name = models.CharField(_("证照名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True,
                               help_text=_("英文界面显示的名称；证照 PDF 是法律文书，只用中文名称。"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="licence_types",
                                   verbose_name=_("颁发部门"))
    holder_kind = models.CharField(_("持证主体类型"), max_length=8, choices=HolderKind.choices, default=HolderKind.BOTH)
    items = models.ManyToManyField("catalog.ServiceItem", blank=True, related_name="licence_types",
                                   verbose_name=_("颁发本证照的事项"),
                                   help_text=_("这些事项的办件决定准予时，在同一事务中颁发本证照。"))
    change_items = models.ManyToManyField("catalog.ServiceItem", blank=True, related_name="licence_types_changed",
                                          verbose_name=_("变更/延续本证照的事项"),
                                          help_text=_("这些事项准予时，变更或延续持证人已有的本证照，而不是新发一张。"))
    material_names = models.CharField(_("可替代的申请材料名称"), max_length=300, blank=True,
                                      help_text=_("申请材料名称与此处任一名称相同（逗号分隔）时，可从证照库调用本证照（免证办）。"))
    fields = models.JSONField(_("证照字段"), default=list, blank=True,
                              help_text=_('本证照特有的字段：[{"key": "business_scope", "label": "经营范围", '
                                          '"label_en": "Business scope"}]（label_en 可选，英文界面用）；'
                                          "办件申请表中同名字段的值填入证照。"))
    template = models.TextField(_("证面模板"), blank=True,
                                help_text=_("证面正文，每行一项，用 {字段名} 引用本证照字段或标准元数据（如 {holder_name}）。"))
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), null=True, blank=True,
                                                      help_text=_("留空为长期有效。"))
    number_prefix = models.CharField(_("证照编号前缀"), max_length=8, help_text=_("大写字母或数字，如 JY（食品经营）。"))
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (``name_en`` in English mode where one is entered), as
        departments do. The PDF and the signed metadata keep ``name``: the licence is a legal document."""
        return localized_name(self.name, self.name_en)

    def field_labels(self) -> dict[str, str]:
        """Each field's label in the reader's language (``label_en`` in English mode where entered)."""
        return {f["key"]: localized_name(str(f.get("label", "")), str(f.get("label_en") or ""))
                for f in self.fields if isinstance(f, dict) and "key" in f}

    def field_keys(self) -> list[str]:
        return [f["key"] for f in self.fields if isinstance(f, dict) and "key" in f]

    def material_name_list(self) -> list[str]:
        return [n.strip() for n in re.split(r"[,，]", self.material_names) if n.strip()]

    def clean(self) -> None:
        problems: dict[str, list[str]] = {}
        if not TYPE_CODE.match(self.code or ""):
            problems["code"] = [str(_("证照类型代码须为 21 位数字或大写字母。"))]
        if not re.match(r"^[0-9A-Z]{1,8}$", self.number_prefix or ""):
            problems["number_prefix"] = [str(_("证照编号前缀须为 1–8 位大写字母或数字。"))]
        keys: list[str] = []
        if not isinstance(self.fields, list):
            problems["fields"] = [str(_("证照字段须为列表。"))]
        else:
            for entry in self.fields:
                key = entry.get("key") if isinstance(entry, dict) else None
                if not isinstance(key, str) or not FIELD_KEY.match(key) or not str(entry.get("label", "")).strip():
                    problems.setdefault("fields", []).append(
                        str(_("每个字段须有 key（小写字母开头，字母、数字、下划线）和 label：%(entry)s")) % {"entry": entry})
                elif not isinstance(entry.get("label_en", ""), str):
                    problems.setdefault("fields", []).append(
                        str(_("字段的英文名称 label_en 须为文字：%(entry)s")) % {"entry": entry})
                elif key in keys or key in STANDARD_FIELDS:
                    problems.setdefault("fields", []).append(str(_("字段 %(key)s 重复或与标准元数据同名。")) % {"key": key})
                else:
                    keys.append(key)
        try:
            names = template_placeholders(self.template or "")
        except ValueError as exc:
            problems["template"] = [str(_("证面模板的花括号不成对或格式不对：%(problem)s")) % {"problem": exc}]
        else:
            undefined = sorted({n for n in names if n not in keys and n not in STANDARD_FIELDS})
            if undefined:
                problems["template"] = [str(_("证面模板引用了未定义的字段：%(names)s。请先在「证照字段」中定义，或改用标准元数据。"))
                                        % {"names": "、".join(undefined)}]
        if problems:
            raise ValidationError(problems)


class TrustAnchor(models.Model):
    """A certificate authority whose certificates Yiwang trusts for seals: the demo county CA that
    ``seed_demo`` creates (it has its private key), or a real CA imported with ``import_seal`` (it
    has none: only its certificate)."""

    name = models.CharField(_("名称"), max_length=200)
    certificate = models.BinaryField(_("证书（DER）"))
    private_key = EncryptedTextField(_("私钥"), blank=True, context="licenses.TrustAnchor.private_key")
    is_demo = models.BooleanField(_("演示 CA"), default=False)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("证书颁发机构")
        verbose_name_plural = _("证书颁发机构")

    def __str__(self) -> str:
        return self.name


class DepartmentSeal(models.Model):
    """A department's electronic seal: its SM2 key, the X.509 certificate of that key, and the
    GB/T 38540 ``SESeal`` (seal information and picture, signed by the seal maker, the CA)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="seals")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    es_id = models.CharField(_("印章编码"), max_length=40, unique=True)
    key_id = models.CharField(max_length=40, unique=True)
    private_key = EncryptedTextField(_("私钥"), context="licenses.DepartmentSeal.private_key")
    certificate = models.BinaryField(_("证书（DER）"))
    anchor = models.ForeignKey(TrustAnchor, on_delete=models.PROTECT, related_name="seals")
    seal = models.BinaryField(_("电子印章（SESeal DER）"))
    picture = models.BinaryField(_("印章图片（PNG）"))
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")
        constraints = [models.UniqueConstraint(fields=["department"], condition=models.Q(is_current=True),
                                               name="licence_seal_one_current")]

    def __str__(self) -> str:
        return f"{self.department} · {self.es_id}"


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已注销/吊销")
    SUPERSEDED = "superseded", _("已变更（由新版本替代）")


class RevokeKind(models.TextChoices):
    CANCEL = "cancel", _("注销")
    REVOKE = "revoke", _("吊销")


class Licence(models.Model):
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences")
    number = models.CharField(_("证照编号"), max_length=40, unique=True)
    identifier = models.CharField(_("证照标识"), max_length=100, unique=True)
    serial = models.PositiveIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    holder = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="licences")
    holder_name = models.CharField(_("持证主体"), max_length=200)
    holder_id_type = models.CharField(_("持证主体代码类型"), max_length=8)
    holder_id_number = EncryptedTextField(_("持证主体代码"), context="licenses.Licence.holder_id_number")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="licences")
    seal = models.ForeignKey(DepartmentSeal, on_delete=models.PROTECT, related_name="licences")
    issued_at = models.DateTimeField(_("颁发时间"))
    valid_from = models.DateField(_("有效期起始"))
    valid_to = models.DateField(_("有效期截止"), null=True, blank=True)
    data = models.JSONField(_("证照字段"), default=dict)
    metadata_sm3 = models.CharField(max_length=64)
    file = models.FileField(upload_to="licences/%Y/", max_length=200)
    file_sm3 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    signature = models.BinaryField(_("电子签章（SES_Signature DER）"))
    qr_payload = models.TextField()
    qr_token = models.CharField(max_length=32, unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_kind = models.CharField(max_length=8, choices=RevokeKind.choices, blank=True)
    revoke_reason = models.CharField(_("注销/吊销理由"), max_length=500, blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    case_number = models.CharField(_("办件编号"), max_length=32, blank=True, db_index=True)
    ledger_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        constraints = [models.UniqueConstraint(fields=["licence_type", "serial", "version"], name="licence_unique_serial")]

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.number}"


class ShareLink(models.Model):
    """A verification link the holder gives someone: it discloses the fields chosen, until it expires
    or is withdrawn."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=32, unique=True)
    fields = models.JSONField(default=list)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def is_live(self, now: Any) -> bool:
        return self.withdrawn_at is None and self.expires_at > now


class LicenceVerification(models.Model):
    """One verification of a licence (by its QR code or a share link): the holder sees these."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="verifications")
    share = models.ForeignKey(ShareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="verifications")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=8)  # web | api
    result = models.CharField(max_length=16)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verifier_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class LicenceUse(models.Model):
    """A licence used instead of a material (免证办), with the applicant's consent and the licence's
    verification status at the time of use."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="uses")
    case_number = models.CharField(max_length=32, db_index=True)
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=200)
    status_at_use = models.CharField(max_length=16)
    consented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consented_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["consented_at", "id"]
