"""Every change made in the Django admin is audited (GB/T 22239 level 3: administrators' actions).

Admins whose saves go through a service already audit them; this mixin adds what the stock
``ModelAdmin`` does silently: deletions (one or many), and inline rows (e.g. an item's materials)
added, changed or deleted. Put it first in the bases of every registered ``ModelAdmin`` that can
change anything; ``yiwang/core/tests/test_admin_controls.py`` checks that each one does.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from yiwang.core.http import signed_in
from yiwang.core.services import record_audit


def _subject(obj: Any) -> tuple[str, str]:
    return obj._meta.model_name, str(getattr(obj, "code", None) or getattr(obj, "key", None) or obj.pk)


def audit_admin_change(request: HttpRequest, obj: Any, event: str, details: dict[str, Any] | None = None) -> None:
    subject_type, subject_id = _subject(obj)
    record_audit(actor=signed_in(request), event_type=f"{subject_type}_{event}"[:64], subject_type=subject_type[:32],
                 subject_id=subject_id, details={"source": "admin", "repr": str(obj)[:200], **(details or {})})


class AuditedAdminMixin:
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_admin_change(request, obj, "deleted")
            super().delete_model(request, obj)  # type: ignore[misc]  # a mixin: the ModelAdmin method is on the class it is mixed into

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_admin_change(request, obj, "deleted")
            super().delete_queryset(request, queryset)  # type: ignore[misc]  # a mixin: the ModelAdmin method is on the class it is mixed into

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)  # type: ignore[misc]  # a mixin: the ModelAdmin method is on the class it is mixed into
            for obj in formset.new_objects:
                audit_admin_change(request, obj, "created", {"parent": str(form.instance.pk)})
            for obj, fields in formset.changed_objects:
                audit_admin_change(request, obj, "changed", {"parent": str(form.instance.pk), "fields": list(fields)})
            for obj in formset.deleted_objects:
                audit_admin_change(request, obj, "deleted", {"parent": str(form.instance.pk)})


class ReadOnlyAdminMixin:
    """For records nobody edits in the admin (audit events, sign-ins, engine errors, published
    versions): listed and shown, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedSaveMixin(AuditedAdminMixin):
    """For admins whose saves do not go through a service: the save is audited too."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]  # a mixin: the ModelAdmin method is on the class it is mixed into
            audit_admin_change(request, obj, "changed" if change else "created", {"fields": list(form.changed_data)})


# Admins that third-party apps register (django-axes' lockout records, django-otp's devices): an
# administrator deleting a lockout unlocks someone and deleting a device turns off their second
# factor, so these are audited like ours. Called from ``CoreConfig.ready``, after the admin's
# autodiscovery has registered them.
THIRD_PARTY_ADMIN_MODELS = (
    ("axes", "AccessAttempt"), ("axes", "AccessLog"), ("axes", "AccessFailureLog"), ("otp_totp", "TOTPDevice"),
)


def audit_third_party_admins() -> None:
    from django.apps import apps
    from django.contrib import admin

    for app_label, model_name in THIRD_PARTY_ADMIN_MODELS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:  # that app is not installed here
            continue
        current = admin.site._registry.get(model)
        if current is None or isinstance(current, AuditedSaveMixin):
            continue
        admin.site.unregister(model)
        admin.site.register(model, type(f"Audited{type(current).__name__}", (AuditedSaveMixin, type(current)), {}))
