"""Django admin for ``core``: departments, applicants, staff roles, the calendar, audit and notices.

Writes that have a service go through it (applicants, calendar days) so that they are validated
and audited as everywhere else; audit events are read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from yiwang.core.admin_audit import AuditedAdminMixin, AuditedSaveMixin, ReadOnlyAdminMixin
from yiwang.core.calendar import horizon_warnings
from yiwang.core.errors import DomainError
from yiwang.core.http import signed_in
from yiwang.core.ids import mask_id_number, mask_phone
from yiwang.core.models import (
    ApiToken,
    Applicant,
    ApplicantKind,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Department,
    LoginEvent,
    Notification,
    OutboxMessage,
    StaffRole,
)
from yiwang.core.permissions import session_is_fully_signed_in
from yiwang.core.services import (
    delete_user_account,
    remove_calendar_day,
    remove_calendar_year,
    reset_otp_devices,
    revoke_api_tokens,
    revoke_staff_role,
    save_applicant_record,
    save_department,
    save_staff_role,
    save_user_account,
    set_calendar_day,
    set_calendar_year,
    unlock_login,
    validate_applicant_id,
)


class _SecondFactorAdminSite(admin.AdminSite):
    """The admin needs a verified second factor where one is required (django-otp's documented
    ``admin.site.__class__`` swap, with the rule from ``core.permissions``). The account-controls
    middleware already leads an unverified administrator to the code page; this holds even if a
    path were missed there."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and session_is_fully_signed_in(request)


admin.site.__class__ = _SecondFactorAdminSite  # sets the class of the lazily built default site


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "is_service_centre", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "name_en")
    ordering = ("sort_order", "code")

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        save_department(actor=signed_in(request), department=obj, fields=list(form.changed_data), created=not change)


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Applicant
        fields = ("kind", "name", "id_number", "phone", "email", "address", "legal_representative", "user")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data  # ModelForm.clean returns cleaned_data
        if data.get("kind") and data.get("id_number"):
            try:
                data["id_number"] = validate_applicant_id(kind=data["kind"], id_number=data["id_number"])
            except DomainError as exc:
                self.add_error("id_number", exc.message)
        return data


@admin.register(Applicant)
class ApplicantAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
        save_applicant_record(actor=signed_in(request), applicant=obj, fields=list(form.changed_data), created=not change)


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
        save_staff_role(actor=signed_in(request), role=obj)

    def delete_model(self, request: HttpRequest, obj: StaffRole) -> None:
        revoke_staff_role(actor=signed_in(request), role=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for role in queryset.select_related("department"):
            revoke_staff_role(actor=signed_in(request), role=role)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    verbose_name = "岗位角色"
    verbose_name_plural = "岗位角色（部门与角色决定工作台的待办范围）"


# Groups carry permissions (the three administrator roles are groups): changes to them are audited.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedSaveMixin, GroupAdmin):
    pass


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class YiwangUserAdmin(UserAdmin):
    inlines = (StaffRoleInline,)
    list_display = ("username", "first_name", "is_active", "is_superuser", "roles", "last_login")
    actions = ("revoke_tokens", "reset_second_factor", "unlock")

    @admin.action(description="吊销所选用户的全部接口令牌")
    def revoke_tokens(self, request: HttpRequest, queryset: Any) -> None:
        total = sum(revoke_api_tokens(actor=signed_in(request), user=u, reason="admin") for u in queryset)
        self.message_user(request, f"已吊销 {total} 个接口令牌。")

    @admin.action(description="重置所选用户的动态口令设备（下次登录须重新绑定）")
    def reset_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        total = sum(reset_otp_devices(actor=signed_in(request), user=u) for u in queryset)
        self.message_user(request, f"已删除 {total} 个动态口令设备。")

    @admin.action(description="解除所选用户的登录锁定")
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        total = sum(unlock_login(actor=signed_in(request), username=u.get_username()) for u in queryset)
        self.message_user(request, f"已清除 {total} 条登录失败记录，所选用户可以重新登录。")

    @admin.display(description="岗位角色")
    def roles(self, obj: Any) -> str:
        return "、".join(f"{r.department.code}:{r.get_role_display()}" for r in obj.staff_roles.all())

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("staff_roles__department")

    # 三权分立: the administrator roles (groups) and direct permissions are assigned only through
    # yiwang.core.admin_roles (which refuses self-assignment and combined duties), never by
    # editing a user here; only a superuser (bootstrap) sees these fields editable.
    PRIVILEGE_FIELDS = ("groups", "user_permissions", "is_superuser")

    def _guarded(self, request: HttpRequest, obj: Any) -> bool:
        """A superuser's or an administrator's account is edited only by a superuser: otherwise a
        security administrator could reset the password of an audit administrator (or of a
        superuser) and act as them, holding two of the three duties after all."""
        from yiwang.core.admin_roles import admin_roles_of

        return obj is not None and not request.user.is_superuser and (obj.is_superuser or bool(admin_roles_of(obj)))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._guarded(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._guarded(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else fields + self.PRIVILEGE_FIELDS

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_user_account(actor=signed_in(request), user=obj, fields=list(form.changed_data), created=not change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        delete_user_account(actor=signed_in(request), user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            self.delete_model(request, user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not StaffRole:
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for role in formset.deleted_objects:
            revoke_staff_role(actor=signed_in(request), role=role)
        for role in instances:
            save_staff_role(actor=signed_in(request), role=role)
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


admin.site.index = _index_with_calendar_warnings  # type: ignore[method-assign]  # replaced on purpose on this one instance


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "source")
    list_filter = ("status",)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        _warn_about_the_calendar(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        saved = set_calendar_year(actor=signed_in(request), year=obj.year, status=obj.status, source=obj.source)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        remove_calendar_year(actor=signed_in(request), year=obj)

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
        saved = set_calendar_day(actor=signed_in(request), date=obj.date, is_working_day=obj.is_working_day, name=obj.name)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        remove_calendar_day(actor=signed_in(request), day=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for day in list(queryset):
            self.delete_model(request, day)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit stream is never added to, changed or deleted by hand."""

    list_display = ("created_at", "event_type", "subject_type", "subject_id", "actor", "actor_department")
    list_filter = ("event_type", "subject_type", "actor_department")
    search_fields = ("event_type", "subject_type", "subject_id", "actor__username")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "actor_department")


@admin.register(Notification)
class NotificationAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("recipient", "message", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("recipient__username", "message")
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: every sign-in and failure, by password, token or second factor."""

    list_display = ("at", "username", "success", "method", "ip_address", "user_agent", "reason")
    list_filter = ("success", "method")
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedSaveMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tokens are only shown (their digest never); the action revokes them, audited."""

    list_display = ("user", "created_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username",)
    exclude = ("digest",)
    list_select_related = ("user",)
    actions = ("revoke",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and request.user.is_superuser  # the list and its action, no edit form

    @admin.action(description="吊销所选接口令牌")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        total = 0
        for user_id in set(queryset.values_list("user_id", flat=True)):
            ids = list(queryset.filter(user_id=user_id).values_list("pk", flat=True))
            total += revoke_api_tokens(actor=signed_in(request), user=User.objects.get(pk=user_id), reason="admin", token_ids=ids)
        self.message_user(request, f"已吊销 {total} 个接口令牌。")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Copies of notices sent (or being retried) by SMS and email: read-only, for watching failures."""

    list_display = ("id", "channel", "kind", "case_number", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "channel", "kind")
    search_fields = ("case_number",)
    # the address (the applicant's, or one to a phone being registered) and a one-time code are decrypted
    # only by the sender
    exclude = ("applicant", "address", "sealed_body")
