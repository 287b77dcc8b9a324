"""Admin of the licence library. Licence types are configured here without code (fields, template,
validity, issuing department, items): saving a template that names an undefined field is refused
with the reason (``LicenceType.clean``). Licences, seals and CAs are read-only here: issuance and
revocation go through the services (ledger and audit), seals through ``seed_demo`` / ``import_seal``."""

from django.contrib import admin

from yiwang.core.admin_audit import AuditedSaveMixin, ReadOnlyAdminMixin
from yiwang.licenses.models import DepartmentSeal, Licence, LicenceType, TrustAnchor


@admin.register(LicenceType)
class LicenceTypeAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "department", "holder_kind", "validity_years", "is_active")
    list_filter = ("department", "is_active")
    search_fields = ("code", "name", "name_en")
    filter_horizontal = ("items", "change_items")


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "licence_type", "holder_name", "department", "issued_at", "status")
    list_filter = ("status", "licence_type")
    search_fields = ("number", "identifier", "holder_name")
    exclude = ("holder_id_number", "signature", "file")


@admin.register(DepartmentSeal)
class DepartmentSealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("department", "es_id", "key_id", "valid_to", "is_current")
    exclude = ("private_key", "certificate", "seal", "picture")


@admin.register(TrustAnchor)
class TrustAnchorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "is_demo", "is_active", "created_at")
    exclude = ("private_key", "certificate")
