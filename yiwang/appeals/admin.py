"""Admin: deadline rules (editable, audited), appeals and their records (read-only: they change
only through the services, which audit every change). Open311 partner keys are in ``open311``."""

from __future__ import annotations

from django.contrib import admin

from yiwang.appeals.models import Appeal, AppealAssignment, AppealCallback, AppealCorrection, DeadlineRule
from yiwang.core.admin_audit import AuditedSaveMixin, ReadOnlyAdminMixin


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ["code", "name", "priority", "match_urgency", "match_complex", "amount", "unit", "active"]
    ordering = ["priority"]


class AssignmentInline(admin.TabularInline):
    model = AppealAssignment
    extra = 0
    can_delete = False
    fields = ["department", "role", "assigned_at", "active", "returned_at", "return_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "channel", "appeal_type", "urgency", "status", "category", "lead_department",
                    "received_at", "due_at"]
    list_filter = ["status", "channel", "appeal_type", "urgency", "category"]
    search_fields = ["number", "title"]
    inlines = [AssignmentInline]
    # Contact details are on the reports (encrypted), not listed here.


@admin.register(AppealCorrection)
class AppealCorrectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["appeal", "suggested_category", "category", "suggested_department", "department", "created_at"]


@admin.register(AppealCallback)
class AppealCallbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["appeal", "rating", "on_time", "reopened", "created_at"]
