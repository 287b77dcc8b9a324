"""The programme in the Django admin: the plan's skeleton (programme, phases, milestones, tasks,
budget lines) is set up here, every save and deletion audited. Dependencies, spend and reports
are read-only here: a dependency goes through ``services.add_dependency`` (the cycle check), spend
is append-only (a correction is a new row), a report is a record."""

from __future__ import annotations

from django.contrib import admin

from yiwang.core.admin_audit import AuditedSaveMixin, ReadOnlyAdminMixin
from yiwang.programme.models import BudgetLine, Dependency, Milestone, Phase, Programme, Spend, Task, WeeklyReport


@admin.register(Programme)
class ProgrammeAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("code", "name", "starts_on", "ends_on")


@admin.register(Phase)
class PhaseAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("programme", "code", "name", "starts_on", "ends_on", "sort_order")
    list_filter = ("programme",)


@admin.register(Milestone)
class MilestoneAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("programme", "code", "name", "phase", "due_on", "reached_on")
    list_filter = ("programme", "phase")


@admin.register(Task)
class TaskAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("code", "name", "phase", "owner", "starts_on", "ends_on", "progress", "escalated_at")
    list_filter = ("programme", "phase", "owner")
    search_fields = ("code", "name")
    readonly_fields = ("escalated_at",)


@admin.register(Dependency)
class DependencyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("predecessor", "successor")


@admin.register(BudgetLine)
class BudgetLineAdmin(AuditedSaveMixin, admin.ModelAdmin):
    list_display = ("programme", "code", "name", "department", "planned", "overrun_alerted_at")
    readonly_fields = ("overrun_alerted_at",)


@admin.register(Spend)
class SpendAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("line", "spent_on", "amount", "source", "import_batch", "created_by", "created_at")
    list_filter = ("source", "line")


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("programme", "week_start", "version", "generated_at", "generated_by")
    exclude = ("pdf", "xlsx")
