"""Credit supervision (信用监管): subjects, credit records (双公示 and more), red and black lists,
joint reward-and-punishment rules (联合奖惩) as DMN data, their firings on cases, credit repair, and
the witnesses that co-sign the ledger's tree heads.

``credit`` sits beside ``catalog`` and ``exchange``: it never imports ``cases``. A case is
referred to by its id and number (``case_id``, ``case_number``), and ``cases`` calls the services
here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yiwang.core.models import Department
from yiwang.crypto.fields import EncryptedTextField


class SubjectKind(models.TextChoices):
    # the same values as ``core.ApplicantKind``, so an applicant maps to a subject without a table
    PERSON = "person", _("自然人")
    ORGANISATION = "org", _("法人和其他组织")


class CreditSubject(models.Model):
    """Whom records are about. An enterprise by its unified social credit code (public, in clear);
    a person only by the blind index of the ID number (the same index ``core.Applicant`` uses), the
    number itself sealed with SM4 and shown only to the department that recorded the person."""

    kind = models.CharField(_("主体类型"), max_length=8, choices=SubjectKind.choices)
    code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True,
                            help_text=_("法人主体的统一社会信用代码；自然人为空（只存盲索引）"))
    id_index = models.CharField(max_length=64, editable=False)
    id_number = EncryptedTextField(_("证件号码"), blank=True, context="credit.CreditSubject.id_number")
    name = models.CharField(_("名称"), max_length=200)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("建档部门"),
                                   help_text=_("自然人主体：只有该部门可以看到证件号码"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every writer of the subject's records and list entries, in the writer's own
    # transaction (``services.bump_facts_version``; ``services.ensure_subject(for_write=True)`` finds
    # and bumps in one statement for the writers that start from the subject's number): a facts summary
    # (``CreditFactsSummary``) computed from another version is never used.
    facts_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "id_index"], name="credit_subject_unique_index")]
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）" if self.code else self.name

    @property
    def public_code(self) -> str:
        """What identifies the subject outside its department: the credit code, or for a person the
        first 16 digits of the blind index (no ID number)."""
        return self.code or f"P{self.id_index[:16]}"


class CreditFactsSummary(models.Model):
    """A subject's credit facts as the facts statement computed them (``facts.COMPUTE_FACTS_SQL``), kept so
    that an application reads one row instead of aggregating every record of the subject.

    Used only while it is current, which the reading statement checks itself: computed from the
    subject's present ``facts_version`` (every writer bumps it in its own transaction), by the
    present definition of the facts (``definition``: a digest of the statement), and for a day in
    ``[computed_for, valid_until)``: ``valid_until`` is the first day on which a fact could change by
    the calendar alone (a publicity period or list entry ending or starting, a record leaving its
    12/24/36-month window). Otherwise the facts are computed again and this row replaced. The counts
    are stored as the statement gives them (``facts._facts_from_counts`` turns them into facts)."""

    subject = models.OneToOneField(CreditSubject, primary_key=True, on_delete=models.CASCADE, related_name="+")
    facts_version = models.PositiveBigIntegerField()
    definition = models.CharField(max_length=16)
    computed_for = models.DateField()
    valid_until = models.DateField()
    black_listed = models.PositiveIntegerField()
    red_listed = models.PositiveIntegerField()
    penalties_12m = models.PositiveIntegerField()
    serious_penalties = models.PositiveIntegerField()
    enforcement = models.PositiveIntegerField()
    broken_commitments = models.PositiveIntegerField()
    pending_commitments = models.PositiveIntegerField()
    honours_36m = models.PositiveIntegerField()
    licences = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("信用事实摘要")
        verbose_name_plural = _("信用事实摘要")


class RecordKind(models.TextChoices):
    LICENCE = "licence", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    HONOUR = "honour", _("表彰奖励")
    COMMITMENT = "commitment", _("信用承诺")
    ENFORCEMENT = "enforcement", _("被执行人")


class Severity(models.TextChoices):
    NONE = "", _("不适用")
    GENERAL = "general", _("一般失信")
    SERIOUS = "serious", _("严重失信")


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("人工录入")
    INGESTED = "ingested", _("数据共享归集")
    DECISION = "decision", _("本平台决定")


class RecordStatus(models.TextChoices):
    IN_FORCE = "in_force", _("公示中")
    REPAIRED = "repaired", _("已修复（提前结束公示）")
    EXPIRED = "expired", _("公示期满")


class CommitmentStatus(models.TextChoices):
    NONE = "", _("不适用")
    PENDING = "pending", _("待核查")
    KEPT = "kept", _("已履行")
    BROKEN = "broken", _("未履行（失信）")


class CreditRecord(models.Model):
    """One credit record: a licence or penalty (双公示), an honour, a commitment (信用承诺) or a court
    enforcement record (被执行人), with its source department, basis, dates and publicity period.

    Records are never deleted or rewritten: a repair ends the publicity early and is appended to
    ``CreditHistory``."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("类别"), max_length=12, choices=RecordKind.choices)
    title = models.CharField(_("事由"), max_length=300)
    decision_no = models.CharField(_("决定文书号"), max_length=100, blank=True)
    source_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("来源部门"))
    basis = models.TextField(_("依据"))
    severity = models.CharField(_("失信程度"), max_length=8, choices=Severity.choices, blank=True, default="")
    decided_on = models.DateField(_("决定日期"))
    publish_due = models.DateField(_("应公示日期"), null=True, blank=True,
                                   help_text=_("双公示：决定之日起 7 个工作日内（工作日历未录入该年度时为空）"))
    published_on = models.DateField(_("公示日期"))
    publicity_end = models.DateField(_("公示截止日期"))
    min_publicity_end = models.DateField(_("最短公示期满日期"),
                                         help_text=_("此日期之前不得申请信用修复"))
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.IN_FORCE)
    ended_on = models.DateField(_("公示提前结束日期"), null=True, blank=True)
    commitment_status = models.CharField(_("承诺履行"), max_length=8, choices=CommitmentStatus.choices, blank=True,
                                         default="")
    commitment_due = models.DateField(_("承诺核查日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=RecordSource.choices)
    source_ref = models.CharField(_("来源引用"), max_length=80, blank=True,
                                  help_text=_("如 case:123、dataset:45"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_department", "kind", "decision_no"], condition=~Q(decision_no=""),
                                    name="credit_record_decision_unique"),
            models.CheckConstraint(condition=Q(publicity_end__gte=F("decided_on")), name="credit_record_period_order"),
        ]
        # every column the facts statement reads (``facts._FACTS_SQL``), after the subject, kind and
        # date the record lists are read by: the facts of a subject with 1,000 records are read from
        # the index alone on each application while joint rules are active (bench/credit.py)
        indexes = [models.Index(fields=["subject", "kind", "decided_on", "status", "publicity_end", "severity",
                                        "commitment_status"], name="credit_record_facts"),
                   # a decision's record and a 告知承诺 commitment are looked up by the case they came from
                   # (``record_from_decision``, ``_commitment_for``) before one is written
                   models.Index(fields=["source_ref"], name="credit_record_source_ref")]
        ordering = ["-decided_on", "-id"]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.status == RecordStatus.IN_FORCE and self.publicity_end >= day

    @property
    def published_late(self) -> bool | None:
        """Published after the 7 working days of 双公示; None when the calendar of that year is unknown."""
        return None if self.publish_due is None else self.published_on > self.publish_due


class ListKind(models.TextChoices):
    RED = "red", _("红名单（守信激励）")
    BLACK = "black", _("黑名单（失信惩戒）")


class ListEntry(models.Model):
    """A subject on the red list (守信激励) or the black list (失信惩戒), with legal basis, start and
    end. ``ends_on`` empty means until removed; a repair ends it early (``ended_on``)."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="list_entries")
    kind = models.CharField(_("名单"), max_length=6, choices=ListKind.choices)
    reason = models.CharField(_("列入事由"), max_length=300)
    legal_basis = models.TextField(_("法律依据"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("认定部门"))
    severity = models.CharField(_("失信程度"), max_length=8, choices=Severity.choices, blank=True, default="")
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    min_period_end = models.DateField(_("最短期限届满日期"), null=True, blank=True,
                                      help_text=_("黑名单：此日期之前不得修复"))
    ended_on = models.DateField(_("提前移出日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="credit_list_entry_period_order"),
        ]
        ordering = ["-starts_on", "-id"]
        verbose_name = _("红黑名单")
        verbose_name_plural = _("红黑名单")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"

    def in_force_on(self, day: dt.date) -> bool:
        return (self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)
                and (self.ended_on is None or self.ended_on > day))


class CreditHistory(models.Model):
    """Appended, never changed: what happened to a record or list entry (entered, repaired …)."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="history")
    record = models.ForeignKey(CreditRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="history")
    list_entry = models.ForeignKey(ListEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="history")
    event = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("信用记录历史")
        verbose_name_plural = _("信用记录历史")


class ItemCreditPolicy(models.Model):
    """How an item stands to credit rules: a restricted category (重点领域, where black-listed
    subjects are not approved without a person), 告知承诺制, and 容缺受理."""

    item = models.OneToOneField("catalog.ServiceItem", on_delete=models.CASCADE, related_name="credit_policy",
                                verbose_name=_("事项"))
    restricted = models.BooleanField(_("限制类事项（失信主体须人工审查）"), default=False)
    category = models.CharField(_("领域"), max_length=40, blank=True)
    commitment_system = models.BooleanField(_("告知承诺制"), default=False)
    commitment_check_days = models.PositiveIntegerField(_("承诺核查期限（工作日）"), default=20)
    repairs = models.BooleanField(
        _("信用修复事项"), default=False,
        help_text=_("该事项的办件是信用修复申请：申请时核对修复对象是否可修复，办结时由审批决定修复或不予修复"))
    tolerance_material = models.ForeignKey("catalog.Material", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+", verbose_name=_("可容缺的材料"),
                                           help_text=_("容缺受理时允许后补的一项材料"))

    class Meta:
        verbose_name = _("事项信用设置")
        verbose_name_plural = _("事项信用设置")

    def __str__(self) -> str:
        return str(self.item)


class CreditResource(models.Model):
    """A resource of the data-sharing catalogue through which a department pushes credit records
    (``yiwang.credit.ingest``): its rows become records of that department."""

    resource = models.OneToOneField("exchange.DataResource", on_delete=models.PROTECT, related_name="credit_source",
                                    verbose_name=_("共享资源"))
    imported_version = models.PositiveIntegerField(default=0, help_text=_("已转为信用记录的最新数据集版本"))

    class Meta:
        verbose_name = _("信用信息归集资源")
        verbose_name_plural = _("信用信息归集资源")

    def __str__(self) -> str:
        return str(self.resource)


class JointRuleSet(models.Model):
    """A set of joint reward-and-punishment rules (联合奖惩): one DMN decision table, versioned."""

    key = models.CharField(_("规则标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("联合奖惩规则")
        verbose_name_plural = _("联合奖惩规则")

    def __str__(self) -> str:
        return self.name


class JointRuleVersion(models.Model):
    rule_set = models.ForeignKey(JointRuleSet, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    dmn_xml = models.TextField()
    decision_id = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule_set", "version"], name="credit_joint_rule_version_unique")]
        ordering = ["rule_set", "-version"]
        verbose_name = _("联合奖惩规则版本")
        verbose_name_plural = _("联合奖惩规则版本")

    def __str__(self) -> str:
        return f"{self.rule_set.key} v{self.version}"


class Outcome(models.TextChoices):
    MANUAL_REVIEW = "manual_review", _("转人工审查")
    NO_INSTANT = "no_instant", _("不适用秒批")
    TOLERANCE = "tolerance", _("容缺受理")
    COMMITMENT = "commitment", _("告知承诺")
    NOTICE = "notice", _("提示")


class Stage(models.TextChoices):
    SUBMISSION = "submission", _("申请提交")
    DECISION = "decision", _("审批决定")


class CreditFinding(models.Model):
    """One rule that fired on one case, with the facts it saw. The facts are committed on the
    ledger with a salt (HMAC-SM3); the salt and the facts stay here, off the ledger."""

    case_id = models.PositiveBigIntegerField(db_index=True)
    case_number = models.CharField(max_length=32, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    rule_version = models.ForeignKey(JointRuleVersion, on_delete=models.PROTECT, related_name="findings")
    rule_id = models.CharField(max_length=100)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=300)
    # the rule's reason in English, when its table gives one (output column ``reason_en``): rule
    # reasons are data, configured with the rules, so both languages are stored with the firing
    reason_en = models.CharField(max_length=300, blank=True, default="")
    facts = models.JSONField(default=dict)
    salt = models.CharField(max_length=32)
    facts_commitment = models.CharField(max_length=64)
    # findings before the proof moved to the audit stream: the index of their own ledger entry
    ledger_index = models.PositiveBigIntegerField(null=True, blank=True)
    # the audit event that carries this evaluation's proof (rule set versions, rules, outcomes, the
    # facts' salted commitment) onto the ledger (pull_audit_events): the case's timeline event of the
    # evaluation since 2026-12-06 (``services.proof_details``), ``credit_rules_evaluated`` before
    audit_event_id = models.PositiveBigIntegerField(null=True, blank=True)
    pending_material = models.CharField(max_length=200, blank=True, help_text=_("容缺受理：待补的材料"))
    pending_material_id = models.PositiveBigIntegerField(null=True, blank=True)
    pending_resolved_at = models.DateTimeField(null=True, blank=True)
    commitment_record = models.ForeignKey(CreditRecord, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    evaluated_at = models.DateTimeField()

    class Meta:
        ordering = ["evaluated_at", "id"]
        verbose_name = _("联合奖惩规则命中")
        verbose_name_plural = _("联合奖惩规则命中")

    @property
    def localized_reason(self) -> str:
        """The reason in the language of the request: English when the rule gave one."""
        from django.utils.translation import get_language

        return self.reason_en if self.reason_en and (get_language() or "").startswith("en") else self.reason


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("待来源部门审核")
    APPROVED = "approved", _("已修复")
    REFUSED = "refused", _("不予修复")
    WITHDRAWN = "withdrawn", _("已撤回")


class RepairRequest(models.Model):
    """A request for credit repair (信用修复) of one record or one black-list entry. When the repair
    item's case reaches the source department, that department approves or refuses here."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="repairs")
    record = models.ForeignKey(CreditRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="repairs")
    list_entry = models.ForeignKey(ListEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="repairs")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("审核部门（来源部门）"))
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    case_number = models.CharField(_("办件编号"), max_length=32, blank=True, default="")
    statement = models.TextField(_("修复申请说明"))
    status = models.CharField(max_length=10, choices=RepairStatus.choices, default=RepairStatus.PENDING)
    decision_note = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(
            condition=(Q(record__isnull=False) & Q(list_entry__isnull=True)) | (Q(record__isnull=True) & Q(list_entry__isnull=False)),
            name="credit_repair_one_target")]
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")


class CreditReport(models.Model):
    """A signed credit report (信用报告): the JSON body as issued, its SM3, and the SM2 signature."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="reports")
    number = models.CharField(max_length=40, unique=True)
    body = models.JSONField()
    sm3 = models.CharField(max_length=64)
    signature = models.TextField()
    key_id = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    issued_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("信用报告")
        verbose_name_plural = _("信用报告")
