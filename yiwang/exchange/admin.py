"""Admin views of data sharing: read the catalogue and history; writes go through the services
(workbench pages and API), so that the negative list and subscriptions are always audited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin_audit import AuditedSaveMixin
from yiwang.exchange.models import (
    AccessLog,
    ApiCredential,
    DataResource,
    Dataset,
    MaterialProof,
    NegativeListEntry,
    ResourceField,
    Subscription,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FieldInline(admin.TabularInline):
    model = ResourceField
    extra = 0
    fields = ("name", "label", "field_type", "standard", "required", "sharing_class", "sensitivity", "mask_rule")


@admin.register(DataResource)
class DataResourceAdmin(ReadOnly):
    list_display = ("code", "name", "provider", "key_kind", "current_version", "row_count", "is_active")
    list_filter = ("provider",)
    inlines = [FieldInline]


@admin.register(NegativeListEntry)
class NegativeListAdmin(ReadOnly):
    list_display = ("resource", "field", "reason", "created_at", "lifted_at")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = ("resource", "consumer", "field_labels", "status", "expires_at", "daily_quota", "total_count")
    list_filter = ("status",)
    exclude = ("fields", "clear_fields")
    readonly_fields = ("field_labels", "clear_field_labels")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resource", "consumer").prefetch_related("resource__fields")

    @staticmethod
    def _labels(sub: Subscription, names: list[str]) -> str:
        labels = {f.name: f.label for f in sub.resource.fields.all()}
        return "、".join(labels.get(n, n) for n in names or []) or "—"

    @admin.display(description=_("数据项"))
    def field_labels(self, obj: Subscription) -> str:
        return self._labels(obj, obj.fields)

    @admin.display(description=_("不脱敏数据项"))
    def clear_field_labels(self, obj: Subscription) -> str:
        return self._labels(obj, obj.clear_fields)


@admin.register(ApiCredential)
class CredentialAdmin(ReadOnly):
    list_display = ("name", "department", "prefix", "created_at", "revoked_at")
    exclude = ("digest",)


@admin.register(Dataset)
class DatasetAdmin(ReadOnly):
    list_display = ("resource", "version", "status", "rows_read", "rows_loaded", "rows_rejected", "received_at")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnly):
    list_display = ("created_at", "consumer", "resource_code", "outcome", "refusal_code", "purpose", "case_reference")
    list_filter = ("outcome",)
    exclude = ("subject_index",)


@admin.register(MaterialProof)
class MaterialProofAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("material", "resource", "condition", "condition_field", "condition_value")
