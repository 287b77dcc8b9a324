"""Admin of credit supervision. Records and list entries are entered through the services (checked,
audited, never rewritten: no change or delete here); joint rules are uploaded as DMN and refused at
save, with the reason, when a rule reads an unknown fact; everything else is read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.validators import RegexValidator
from django.db import transaction
from django.http import HttpRequest

from yiwang.catalog.dmn import RulesRejected
from yiwang.core.admin_audit import AuditedAdminMixin, AuditedSaveMixin, ReadOnlyAdminMixin
from yiwang.core.errors import DomainError
from yiwang.core.http import signed_in
from yiwang.credit import joint, services
from yiwang.credit.facts import CREDIT_FACTS, ITEM_FACTS
from yiwang.credit.models import (
    CreditFinding,
    CreditHistory,
    CreditRecord,
    CreditReport,
    CreditResource,
    CreditSubject,
    ItemCreditPolicy,
    JointRuleSet,
    JointRuleVersion,
    ListEntry,
    RepairRequest,
    SubjectKind,
)

MAX_DMN_BYTES = 2 * 1024 * 1024


class SubjectFields(forms.ModelForm):
    subject_kind = forms.ChoiceField(label="主体类型", choices=SubjectKind.choices)
    subject_code = forms.CharField(label="统一社会信用代码 / 公民身份号码", max_length=40)
    subject_name = forms.CharField(label="主体名称", max_length=200, required=False,
                                   help_text="主体首次建档时必填")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean returns
        try:
            services.subject_index(data.get("subject_kind", ""), data.get("subject_code", ""))
            self.check(data)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data

    def check(self, data: dict[str, Any]) -> None:
        """The entry's own rules (each form below checks its fields with the service's check); the
        subject itself is checked above."""


class CreditRecordForm(SubjectFields):
    class Meta:
        model = CreditRecord
        fields = ("kind", "title", "decision_no", "source_department", "basis", "severity", "decided_on", "publicity_end")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publicity_end"].required = False

    def check(self, data: dict[str, Any]) -> None:
        if data.get("decided_on") is None:
            return
        services.check_record(self.record_input(data))

    @staticmethod
    def record_input(data: dict[str, Any]) -> services.RecordInput:
        return services.RecordInput(kind=data.get("kind", ""), title=data.get("title", ""), basis=data.get("basis", ""),
                                    decided_on=data["decided_on"], decision_no=data.get("decision_no", ""),
                                    severity=data.get("severity", ""), publicity_end=data.get("publicity_end"))


@admin.register(CreditRecord)
class CreditRecordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CreditRecordForm
    list_display = ("subject", "kind", "title", "source_department", "decided_on", "publicity_end", "status", "source")
    list_filter = ("kind", "status", "source", "source_department")
    search_fields = ("title", "decision_no", "subject__name", "subject__code")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is appended, never deleted: a repair ends the publicity early

    def save_model(self, request: HttpRequest, obj: CreditRecord, form: Any, change: bool) -> None:
        data = form.cleaned_data
        record = services.add_record(actor=signed_in(request), subject_kind=data["subject_kind"],
                                     subject_number=data["subject_code"], subject_name=data.get("subject_name", ""),
                                     department=data["source_department"], data=CreditRecordForm.record_input(data))
        obj.pk = record.pk


class ListEntryForm(SubjectFields):
    class Meta:
        model = ListEntry
        fields = ("kind", "reason", "legal_basis", "department", "severity", "starts_on", "ends_on", "min_period_end")

    def check(self, data: dict[str, Any]) -> None:
        if data.get("starts_on") is None:
            return
        services.check_list_entry(kind=data.get("kind", ""), reason=data.get("reason", ""),
                                  legal_basis=data.get("legal_basis", ""), starts_on=data["starts_on"],
                                  ends_on=data.get("ends_on"), severity=data.get("severity", ""),
                                  min_period_end=data.get("min_period_end"))


@admin.register(ListEntry)
class ListEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ListEntryForm
    list_display = ("subject", "kind", "reason", "department", "starts_on", "ends_on", "ended_on")
    list_filter = ("kind", "department")
    search_fields = ("subject__name", "subject__code", "reason")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ListEntry, form: Any, change: bool) -> None:
        data = form.cleaned_data
        entry = services.add_list_entry(
            actor=signed_in(request), subject_kind=data["subject_kind"], subject_number=data["subject_code"],
            subject_name=data.get("subject_name", ""), department=data["department"], kind=data["kind"],
            reason=data["reason"], legal_basis=data["legal_basis"], starts_on=data["starts_on"],
            ends_on=data.get("ends_on"), severity=data.get("severity", ""), min_period_end=data.get("min_period_end"))
        obj.pk = entry.pk


class JointRuleForm(forms.ModelForm):
    key = forms.CharField(label="规则标识", max_length=64,
                          validators=[RegexValidator(r"^[A-Za-z][A-Za-z0-9_]*$", "只能使用字母、数字和下划线，并以字母开头。")])
    dmn_file = forms.FileField(
        label="DMN 文件", required=False,
        help_text="决策表（FEEL），输出列 outcome 与 reason；变量 credit（" + "、".join(CREDIT_FACTS) + "）和 item（"
                  + "、".join(ITEM_FACTS) + "）。outcome 取 manual_review、no_instant、tolerance、commitment、notice。"
                  "保存即发布为新版本；引用未知事实的规则在保存时被拒绝并说明原因。")

    class Meta:
        model = JointRuleSet
        fields = ("key", "name", "description", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].disabled = True
        else:
            self.fields["dmn_file"].required = True

    def clean_dmn_file(self) -> str:
        upload = self.cleaned_data.get("dmn_file")
        if not upload:
            return ""
        if upload.size > MAX_DMN_BYTES:
            raise forms.ValidationError("文件过大：DMN 文件不能超过 2 MB。")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("文件不是 UTF-8 编码的文本：请上传 DMN（XML）文件。") from exc
        try:
            joint.validate(text)
        except RulesRejected as exc:
            raise forms.ValidationError(f"联合奖惩规则不能使用：{exc}") from exc
        return text


class JointRuleVersionInline(admin.TabularInline):
    model = JointRuleVersion
    fields = ("version", "decision_id", "digest", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JointRuleSet)
class JointRuleSetAdmin(AuditedSaveMixin, admin.ModelAdmin):
    form = JointRuleForm
    inlines = (JointRuleVersionInline,)
    list_display = ("key", "name", "is_active")

    def save_model(self, request: HttpRequest, obj: JointRuleSet, form: Any, change: bool) -> None:
        text = form.cleaned_data.get("dmn_file")
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if text:
                services.publish_joint_rules(actor=signed_in(request), key=obj.key, name=obj.name, dmn_xml=text,
                                             description=obj.description)


@admin.register(ItemCreditPolicy)
class ItemCreditPolicyAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("item", "restricted", "category", "commitment_system", "tolerance_material")
    autocomplete_fields = ("item",)
    raw_id_fields = ("tolerance_material",)


@admin.register(CreditSubject)
class CreditSubjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "code", "department", "created_at")
    search_fields = ("name", "code")
    exclude = ("id_number",)  # a person's number is shown only in its department's pages, never here


@admin.register(CreditFinding)
class CreditFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case_number", "stage", "rule_version", "rule_id", "outcome", "reason", "evaluated_at")
    list_filter = ("outcome", "stage")


@admin.register(CreditHistory)
class CreditHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "event", "record", "list_entry", "at")


@admin.register(RepairRequest)
class RepairRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "record", "list_entry", "department", "status", "requested_at", "decided_at")
    list_filter = ("status",)


@admin.register(CreditReport)
class CreditReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "subject", "issued_at", "key_id")


@admin.register(CreditResource)
class CreditResourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("resource", "imported_version")
