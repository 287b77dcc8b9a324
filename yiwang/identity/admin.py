"""Identity in the admin: read-only records (levels change only through verifications, which the
services write with their audit), and authorisations revocable by an action that calls the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin_audit import ReadOnlyAdminMixin
from yiwang.core.errors import DomainError
from yiwang.core.http import signed_in
from yiwang.identity import services
from yiwang.identity.models import Authorisation, RealName, Verification, VerificationCode


@admin.register(RealName)
class RealNameAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("applicant", "level", "operator_name", "registered_at", "updated_at")
    list_filter = ("level",)
    search_fields = ("applicant__name",)
    list_select_related = ("applicant",)
    exclude = ("operator_id_number", "legal_representative_id_number")  # personal data, encrypted


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "applicant", "level", "method", "outcome", "reason", "verified_by", "access_id")
    list_filter = ("method", "outcome", "level")
    search_fields = ("applicant__name",)
    list_select_related = ("applicant", "verified_by")


@admin.register(VerificationCode)
class VerificationCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Codes sent, for watching abuse (per IP address); the code itself is never stored."""

    list_display = ("created_at", "purpose", "ip_address", "attempts", "expires_at", "consumed_at", "deliverable")
    list_filter = ("purpose", "deliverable")
    search_fields = ("ip_address",)
    exclude = ("code_hash", "phone_index")


@admin.action(description=_("撤销所选委托"))
def revoke_selected(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    done = 0
    for authorisation in queryset:
        try:
            services.revoke_authorisation(actor=signed_in(request), authorisation=authorisation, reason="admin")
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{authorisation}: {exc.message}", level="warning")
    modeladmin.message_user(request, _("已撤销 %(n)s 项委托。") % {"n": done})


@admin.register(Authorisation)
class AuthorisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "principal", "agent", "all_items", "valid_until", "status", "source", "created_at")
    list_filter = ("status", "source", "all_items")
    search_fields = ("principal__name", "agent__name", "paper_reference")
    list_select_related = ("principal", "agent")
    actions = (revoke_selected,)
