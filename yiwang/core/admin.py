"""Django admin for ``core``: departments, applicants, staff roles, the calendar, audit and notices.

Writes that have a service go through it (applicants, calendar days) so that they are validated
and audited as everywhere else; audit events are read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from yiwang.core.calendar import horizon_warnings, invalidate_calendar_cache
from yiwang.core.errors import DomainError
from yiwang.core.ids import mask_id_number, mask_phone
from yiwang.core.models import (
    Applicant,
    ApplicantKind,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Department,
    Notification,
    StaffRole,
)
from yiwang.core.services import record_audit, set_calendar_day, set_calendar_year, validate_applicant_id


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "is_service_centre", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "name_en")
    ordering = ("sort_order", "code")

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_audit(actor=request.user, event_type="department_changed" if change else "department_created",
                     subject_type="department", subject_id=obj.code, details={"fields": list(form.changed_data)})


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Applicant
        fields = ("kind", "name", "id_number", "phone", "address", "legal_representative", "user")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") and data.get("id_number"):
            try:
                data["id_number"] = validate_applicant_id(kind=data["kind"], id_number=data["id_number"])
            except DomainError as exc:
                self.add_error("id_number", exc.message)
        return data


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    form = ApplicantForm
    list_display = ("name", "kind", "masked_id_number", "masked_phone", "user", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "user__username")
    search_help_text = "按名称或用户名查找；证件号码须输入完整号码（号码加密存储，按盲索引精确匹配）。"

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if len(term) == 18:
            by_number = queryset.none()
            for kind in (ApplicantKind.PERSON, ApplicantKind.ORGANISATION):
                by_number = by_number | queryset.with_id_number(kind, term)
            results = results | by_number
        return results, duplicates
    raw_id_fields = ("user",)
    readonly_fields = ("created_at",)
    list_select_related = ("user",)

    @admin.display(description="证件号码")
    def masked_id_number(self, obj: Applicant) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Applicant) -> str:
        return mask_phone(obj.phone)

    def save_model(self, request: HttpRequest, obj: Applicant, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_audit(actor=request.user, event_type="applicant_changed" if change else "applicant_registered",
                     subject_type="applicant", subject_id=obj.pk,
                     details={"fields": list(form.changed_data), "source": "admin"})


def _audit_role(request: HttpRequest, role: StaffRole, event_type: str) -> None:
    record_audit(actor=request.user, event_type=event_type, subject_type="user", subject_id=role.user_id,
                 details={"department": role.department.code, "role": role.role, "source": "admin"})


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "user_name", "department", "role")
    list_filter = ("role", "department")
    search_fields = ("user__username", "user__first_name", "department__name", "department__code")
    raw_id_fields = ("user",)
    list_select_related = ("user", "department")

    @admin.display(description="姓名", ordering="user__first_name")
    def user_name(self, obj: StaffRole) -> str:
        return obj.user.first_name

    def save_model(self, request: HttpRequest, obj: StaffRole, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _audit_role(request, obj, "staff_role_changed" if change else "staff_role_granted")

    def delete_model(self, request: HttpRequest, obj: StaffRole) -> None:
        _audit_role(request, obj, "staff_role_revoked")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for role in queryset.select_related("department"):
            _audit_role(request, role, "staff_role_revoked")
        super().delete_queryset(request, queryset)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    verbose_name = "岗位角色"
    verbose_name_plural = "岗位角色（部门与角色决定工作台的待办范围）"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class YiwangUserAdmin(UserAdmin):
    inlines = (StaffRoleInline,)
    list_display = ("username", "first_name", "is_active", "is_superuser", "roles", "last_login")

    @admin.display(description="岗位角色")
    def roles(self, obj: Any) -> str:
        return "、".join(f"{r.department.code}:{r.get_role_display()}" for r in obj.staff_roles.all())

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("staff_roles__department")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not StaffRole:
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for role in formset.deleted_objects:
            _audit_role(request, role, "staff_role_revoked")
            role.delete()
        for role in instances:
            created = role.pk is None
            role.save()
            _audit_role(request, role, "staff_role_granted" if created else "staff_role_changed")
        formset.save_m2m()


def _warn_about_the_calendar(request: HttpRequest) -> None:
    for warning in horizon_warnings():
        messages.warning(request, warning)


_admin_index = admin.site.index


def _index_with_calendar_warnings(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
    """The admin's front page says when the calendar runs out or holds a provisional year: past its
    last year no deadline can be computed, and applications are refused until it is entered."""
    _warn_about_the_calendar(request)
    return _admin_index(request, extra_context)


admin.site.index = _index_with_calendar_warnings  # type: ignore[method-assign]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "source")
    list_filter = ("status",)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        _warn_about_the_calendar(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        saved = set_calendar_year(actor=request.user, year=obj.year, status=obj.status, source=obj.source)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        record_audit(actor=request.user, event_type="calendar_year_removed", subject_type="calendar",
                     subject_id=str(obj.year), details={"status": obj.status, "source": obj.source})
        super().delete_model(request, obj)
        invalidate_calendar_cache()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for year in list(queryset):
            self.delete_model(request, year)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "name")
    list_filter = ("is_working_day", ("date", admin.DateFieldListFilter))
    search_fields = ("name",)
    date_hierarchy = "date"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        _warn_about_the_calendar(request)
        return super().changelist_view(request, extra_context)

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            original = CalendarDay.objects.get(pk=obj.pk)
            self.delete_model(request, original)
        saved = set_calendar_day(actor=request.user, date=obj.date, is_working_day=obj.is_working_day, name=obj.name)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        record_audit(actor=request.user, event_type="calendar_day_removed", subject_type="calendar",
                     subject_id=obj.date.isoformat(), details={"is_working_day": obj.is_working_day, "name": obj.name})
        super().delete_model(request, obj)
        invalidate_calendar_cache()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for day in list(queryset):
            self.delete_model(request, day)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit stream is never added to, changed or deleted by hand."""

    list_display = ("created_at", "event_type", "subject_type", "subject_id", "actor", "actor_department")
    list_filter = ("event_type", "subject_type", "actor_department")
    search_fields = ("event_type", "subject_type", "subject_id", "actor__username")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "actor_department")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "message", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("recipient__username", "message")
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)
