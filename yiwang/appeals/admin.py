"""Admin: deadline rules (editable, audited), appeals and their records (read-only: they change
only through the services, which audit every change). Open311 services (audited) and partner keys (issued and revoked through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from yiwang.appeals import services
from yiwang.appeals.models import (
    Appeal,
    AppealAssignment,
    AppealCallback,
    AppealCorrection,
    DeadlineRule,
    Open311Partner,
    Open311Service,
)
from yiwang.core.admin_audit import AuditedSaveMixin, ReadOnlyAdminMixin
from yiwang.core.errors import DomainError
from yiwang.core.http import signed_in


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ["code", "name", "priority", "match_urgency", "match_complex", "amount", "unit", "active"]
    ordering = ["priority"]


class AssignmentInline(admin.TabularInline):
    model = AppealAssignment
    extra = 0
    can_delete = False
    readonly_fields = ("department", "role", "assigned_at", "active", "returned_at", "return_reason")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
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


@admin.register(Open311Service)
class Open311ServiceAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ["code", "name", "category", "group", "active"]


@admin.register(Open311Partner)
class Open311PartnerAdmin(admin.ModelAdmin):
    """Adding a partner issues its key and shows it once (as a message); the key is stored hashed.
    Revoking is an action; partners are never deleted (the audit trail names them)."""

    list_display = ["name", "key_prefix", "created_at", "revoked_at"]
    fields = ["name"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Open311Partner, form: Any, change: bool) -> None:
        try:
            partner, key = services.issue_open311_key(actor=signed_in(request), name=obj.name)
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = partner.pk
        messages.warning(request, _("合作系统“%(name)s”的 API 密钥（只显示这一次，请立即交给对方妥善保存）：%(key)s")
                         % {"name": partner.name, "key": key})

    @admin.action(description=_("吊销所选合作系统的密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Open311Partner]) -> None:
        for partner in queryset:
            services.revoke_open311_key(actor=signed_in(request), name=partner.name)
