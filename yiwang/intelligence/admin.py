"""Admin: category routes (editable), classifier versions (activate, threshold), labelled examples."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin_audit import AuditedAdminMixin, AuditedSaveMixin
from yiwang.core.errors import DomainError
from yiwang.core.http import signed_in
from yiwang.intelligence import services
from yiwang.intelligence.models import CategoryRoute, ClassifierModel, LabelledExample


@admin.register(CategoryRoute)
class CategoryRouteAdmin(admin.ModelAdmin):
    list_display = ["category", "department", "updated_at"]
    search_fields = ["category", "department__name", "department__code"]

    def save_model(self, request: HttpRequest, obj: CategoryRoute, form, change: bool) -> None:
        # Through the service, so that the change is audited like any other.
        if change:
            before = CategoryRoute.objects.filter(pk=obj.pk).values_list("category", flat=True).first()
            if before is not None and before != obj.category:  # renamed: the old label loses its route
                services.remove_category_route(actor=signed_in(request), category=before)
        route = services.set_category_route(actor=signed_in(request), category=obj.category,
                                            department_code=obj.department.code)
        obj.pk = route.pk

    def delete_model(self, request: HttpRequest, obj: CategoryRoute) -> None:
        services.remove_category_route(actor=signed_in(request), category=obj.category)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CategoryRoute]) -> None:
        for route in queryset:
            services.remove_category_route(actor=signed_in(request), category=route.category)


@admin.register(ClassifierModel)
class ClassifierModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["version", "created_at", "is_active", "activated_at", "accuracy", "macro_f1", "min_confidence",
                    "size_bytes"]
    readonly_fields = ["version", "created_at", "created_by", "is_active", "activated_at", "labels", "metrics",
                       "training_data", "sha256", "size_bytes"]
    fields = (*readonly_fields, "min_confidence")
    actions = ["activate", "rollback"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from `manage.py train_dispatcher`

    @admin.display(description=_("准确率"))
    def accuracy(self, obj: ClassifierModel) -> float | None:
        return obj.metrics.get("accuracy")

    @admin.display(description=_("宏平均 F1"))
    def macro_f1(self, obj: ClassifierModel) -> float | None:
        return obj.metrics.get("macro_f1")

    def save_model(self, request: HttpRequest, obj: ClassifierModel, form, change: bool) -> None:
        services.set_min_confidence(actor=signed_in(request), version=obj.version, value=obj.min_confidence)

    @admin.action(description=_("启用所选版本（回滚即启用旧版本）"))
    def activate(self, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个版本。"), messages.ERROR)
            return
        try:
            row = services.activate_classifier(actor=signed_in(request), version=queryset.get().version)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("已启用分拨模型 v%(v)s。") % {"v": row.version}, messages.SUCCESS)

    @admin.action(description=_("回滚到上一个启用的版本（选择当前启用的版本）"))
    def rollback(self, request: HttpRequest, queryset: QuerySet[ClassifierModel]) -> None:
        # Selecting the active version is how Django admin starts an action; the selection says
        # which version is being rolled back, so that a stale page cannot roll back a newer one.
        if queryset.count() != 1 or not queryset.get().is_active:
            self.message_user(request, _("请只选择当前启用的版本进行回滚。"), messages.ERROR)
            return
        try:
            row = services.rollback_classifier(actor=signed_in(request))
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("已回滚到分拨模型 v%(v)s。") % {"v": row.version}, messages.SUCCESS)


@admin.register(LabelledExample)
class LabelledExampleAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ["title", "label", "predicted", "source", "created_by", "created_at"]
    list_filter = ["source", "label"]
    search_fields = ["title", "body"]
    readonly_fields = ["predicted", "model_version", "created_by", "created_at"]
