"""Service items (政务服务事项), their materials and forms, and versioned BPMN processes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import ApplicantKind, Department, RealNameLevel


class ItemType(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    BENEFIT = "benefit", _("行政给付")
    FILING = "filing", _("行政备案")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class OnlineDepth(models.TextChoices):
    FULL_ONLINE = "full_online", _("全程网办")
    ONCE_ONSITE = "once_onsite", _("最多跑一次")
    ONSITE = "onsite", _("窗口办理")


class ApplicantScope(models.TextChoices):
    PERSON = ApplicantKind.PERSON.value, _("自然人")
    ORGANISATION = ApplicantKind.ORGANISATION.value, _("法人")
    BOTH = "both", _("自然人和法人")


class ProcessDefinition(models.Model):
    """A named approval process; its BPMN versions are immutable once published."""

    key = models.CharField(_("流程标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("审批流程")
        verbose_name_plural = _("审批流程")

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> ProcessVersion | None:
        return self.versions.order_by("-version").first()


class ProcessVersion(models.Model):
    """One published BPMN 2.0 file and its parsed spec, stored once and shared by every case
    that started on it (cases keep the version they started with)."""

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    bpmn_xml = models.TextField()
    process_id = models.CharField(max_length=100)
    spec_json = models.JSONField(help_text="Serialized SpiffWorkflow spec and subprocess specs")
    steps = models.JSONField(default=list, help_text="User tasks in order: id, name, department, role, days")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["definition", "version"], name="process_version_unique")]
        ordering = ["definition", "-version"]
        verbose_name = _("流程版本")
        verbose_name_plural = _("流程版本")

    def __str__(self) -> str:
        return f"{self.definition.key} v{self.version}"


class RuleSet(models.Model):
    """A named set of instant-approval rules (秒批规则): one DMN decision table, versioned."""

    key = models.CharField(_("规则标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("秒批规则")
        verbose_name_plural = _("秒批规则")

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> RuleSetVersion | None:
        return self.versions.order_by("-version").first()


class RuleSetVersion(models.Model):
    """One published DMN file; a case records the version that decided it."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    dmn_xml = models.TextField()
    decision_id = models.CharField(max_length=100)
    inputs = models.JSONField(default=list, help_text="Input columns: label and expression")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule_set", "version"], name="rule_set_version_unique")]
        ordering = ["rule_set", "-version"]
        verbose_name = _("秒批规则版本")
        verbose_name_plural = _("秒批规则版本")

    def __str__(self) -> str:
        return f"{self.rule_set.key} v{self.version}"


class ServiceItem(models.Model):
    """A service item as listed in the 事项实施清单."""

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=20, choices=ItemType.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items", verbose_name=_("实施部门"))
    applicant_scope = models.CharField(_("服务对象"), max_length=8, choices=ApplicantScope.choices)
    legal_days = models.PositiveIntegerField(_("法定办结时限（工作日）"))
    promised_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"))
    fee_description = models.CharField(_("收费"), max_length=200, default="不收费")
    online_depth = models.CharField(_("网办深度"), max_length=16, choices=OnlineDepth.choices)
    location = models.CharField(_("办理地点"), max_length=200, blank=True)
    office_hours = models.CharField(_("办理时间"), max_length=100, blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    keywords = models.CharField(_("关键词/同义词"), max_length=300, blank=True)
    form_schema = models.JSONField(_("申请表字段"), default=list, blank=True)
    delivery_methods = models.JSONField(_("出件方式"), default=list, blank=True)
    process = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="items", verbose_name=_("审批流程"))
    instant_rules = models.ForeignKey(
        RuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="items", verbose_name=_("秒批规则"),
        help_text=_("配置后，网上申请在所有规则通过时由系统即时受理并办结（秒批）；任一规则不通过则转人工并注明原因。"),
    )
    required_level = models.PositiveSmallIntegerField(
        _("实名等级要求"), choices=RealNameLevel.choices, default=RealNameLevel.NONE,
        help_text=_("网上申请（本人或代办人）须达到的实名等级；窗口当面办理时由窗口人员核验身份。"),
    )
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")

    def __str__(self) -> str:
        return self.name

    def accepts(self, applicant_kind: str) -> bool:
        return self.applicant_scope in (ApplicantScope.BOTH, applicant_kind)

    def clean(self) -> None:
        # the form's fields and their FEEL conditions are checked where they are read (one home)
        from django.core.exceptions import ValidationError

        from yiwang.catalog.form_schema import FormSchemaRejected, validate_form_schema

        try:
            validate_form_schema(self.form_schema)
        except FormSchemaRejected as exc:
            raise ValidationError({"form_schema": exc.problems}) from exc


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ELECTRONIC = "electronic", _("电子件")


class Material(models.Model):
    """A material (申请材料) an item asks for."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必要"), default=True)
    form = models.CharField(_("材料形式"), max_length=16, choices=MaterialForm.choices, default=MaterialForm.ELECTRONIC)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    formats = models.CharField(_("格式"), max_length=50, default="pdf,jpg,png")
    description = models.CharField(_("填报说明"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "sort_order", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name

    def allowed_formats(self) -> list[str]:
        return [f.strip().lower() for f in self.formats.split(",") if f.strip()]


class LifeEventPackage(models.Model):
    """A 一件事 life-event package: one guide, one form and one set of materials for several items.

    The combined form and materials are not stored: they are derived from the member items
    (``yiwang.catalog.packages``), so that a package can never disagree with the items it bundles.
    Submitting a package creates one case per chosen member item (``yiwang.cases.services.packages``).
    """

    code = models.CharField(_("套餐编码"), max_length=40, unique=True)
    name = models.CharField(_("一件事名称"), max_length=100)
    summary = models.CharField(_("简介"), max_length=300)
    guide = models.TextField(_("一次告知"), help_text=_("办理须知：先后顺序、办结后得到什么、注意事项。"))
    keywords = models.CharField(_("关键词/同义词"), max_length=300, blank=True)
    produced_materials = models.JSONField(
        _("套餐内产生的材料"), default=list, blank=True,
        help_text=_("由本套餐其他事项办理产生、无需申请人提交的材料名称（如企业开办后的营业执照）。"),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("在用"), default=True)
    items: models.ManyToManyField[ServiceItem, PackageMember] = models.ManyToManyField(
        ServiceItem, through="PackageMember", related_name="packages")

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")

    def __str__(self) -> str:
        return self.name


class PackageMember(models.Model):
    """A member item of a package; an optional member is applied for only when the applicant chooses it."""

    package = models.ForeignKey(LifeEventPackage, on_delete=models.CASCADE, related_name="members")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="package_memberships")
    optional = models.BooleanField(_("可选"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("什么情况下需要办理本事项。"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["package", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["package", "item"], name="package_member_unique_item")]
        verbose_name = _("一件事包含事项")
        verbose_name_plural = _("一件事包含事项")

    def __str__(self) -> str:
        return f"{self.package.name} · {self.item.name}"
