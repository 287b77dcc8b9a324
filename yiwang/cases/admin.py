"""Django admin for ``cases``: the process errors of running cases, and the repair an administrator
makes — move a case to a chosen step of its process version, or migrate it to another published
version of its process (``services.move_case``: audited, with a required reason)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path, reverse
from django.utils.html import format_html

from yiwang.cases.models import Case, CaseEngineError, CaseStep, StepStatus
from yiwang.cases.services.repair import may_repair_process, move_case
from yiwang.catalog.models import ProcessVersion
from yiwang.core.admin_audit import ReadOnlyAdminMixin
from yiwang.core.errors import DomainError
from yiwang.core.http import signed_in


class ResolvedFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "待处理"), ("0", "已处理")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "1":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "0":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(CaseEngineError)
class CaseEngineErrorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every engine error of a running case; open ones first. Read-only: the repair is a move or a
    migration of the case, from the link on each row."""

    list_display = ("occurred_at", "case_number", "action", "step_name", "process_version", "element", "short_message",
                    "resolved_at", "repair_link")
    list_filter = (ResolvedFilter, "action")
    search_fields = ("case__number", "step_name", "message", "element")
    list_select_related = ("case", "process_version__definition")
    readonly_fields = ("case", "process_version", "action", "step_name", "task_name", "element", "error_type", "message",
                       "occurred_at", "actor", "resolved_at", "resolved_by", "resolution")
    fields = readonly_fields

    @admin.display(description="办件", ordering="case__number")
    def case_number(self, obj: CaseEngineError) -> str:
        return obj.case.number or str(obj.case_id)

    @admin.display(description="错误")
    def short_message(self, obj: CaseEngineError) -> str:
        return obj.message[:120]

    @admin.display(description="处理")
    def repair_link(self, obj: CaseEngineError) -> str:
        if obj.resolved_at:
            return "—"
        url = reverse("admin:cases_case_move", args=[obj.case_id])
        return format_html('<a class="button" href="{}">迁移 / 调整环节</a>', url)

    def get_urls(self) -> list[Any]:
        return [
            path("move/<int:case_id>/", self.admin_site.admin_view(self.move_view), name="cases_case_move"),
            *super().get_urls(),
        ]

    def move_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        if not may_repair_process(signed_in(request)):
            raise PermissionDenied
        case = get_object_or_404(Case.objects.select_related("process_version__definition", "item"), pk=case_id)
        versions = list(ProcessVersion.objects.filter(definition=case.process_version.definition).order_by("-version")
                        .defer("spec_json", "bpmn_xml"))
        form = MoveCaseForm(request.POST or None, versions=versions, current=case.process_version)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                move_case(actor=signed_in(request), case_id=case.pk, reason=data["reason"], version_id=int(data["version"]),
                          steps=data["steps"] or None)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"办件 {case.number} 已调整；处理记录已写入审计日志。")
                return HttpResponseRedirect(reverse("admin:cases_caseengineerror_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"迁移或调整办件 {case.number} 的审批流程",
            "case": case,
            "open_steps": CaseStep.objects.filter(case=case, status=StepStatus.OPEN).select_related("department"),
            "errors": case.engine_errors.filter(resolved_at__isnull=True),
            "versions": versions,
            "form": form,
        }
        return HttpResponse(MOVE_TEMPLATE.render(context, request))


class MoveCaseForm(forms.Form):
    version = forms.ChoiceField(label="流程版本", help_text="迁移到新版本，或保持当前版本只调整环节。")
    steps = forms.CharField(
        label="要办理的环节", required=False,
        help_text="环节标识（task id），多个用逗号分隔；留空则按环节标识对应当前待办环节（迁移到新版本时常用）。",
    )
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text="必填，写入审计日志。")

    def __init__(self, *args: Any, versions: list[ProcessVersion], current: ProcessVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [
            (str(v.pk), f"v{v.version}{'（当前）' if v.pk == current.pk else ''}") for v in versions]
        self.fields["version"].initial = str(versions[0].pk if versions else current.pk)

    def clean_steps(self) -> list[str]:
        raw = self.cleaned_data.get("steps") or ""
        return [s.strip() for s in raw.replace("，", ",").split(",") if s.strip()]


MOVE_TEMPLATE = engines["django"].from_string("""{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs"><a href="{% url 'admin:index' %}">首页</a>
&rsaquo; <a href="{% url 'admin:cases_caseengineerror_changelist' %}">流程错误</a> &rsaquo; {{ case.number }}</div>{% endblock %}
{% block content %}<div id="content-main">
<p>事项：{{ case.item.name }}；当前流程：{{ case.process_version }}；状态：{{ case.get_status_display }}。</p>
<p>待办环节：{% for s in open_steps %}{{ s.name }}（{{ s.task_name }}，{{ s.department.name }}）{% if not forloop.last %}、{% endif %}{% empty %}无{% endfor %}</p>
{% if errors %}<ul class="errorlist">{% for e in errors %}<li>{{ e.occurred_at|date:"Y-m-d H:i" }} {{ e.step_name }}：{{ e.message|truncatechars:300 }}</li>{% endfor %}</ul>{% endif %}
<table><tr><th>版本</th><th>环节（标识）</th></tr>
{% for v in versions %}<tr><td>v{{ v.version }}</td><td>{% for s in v.steps %}{{ s.name }}（{{ s.task_id }}，{{ s.department }}）{% if not forloop.last %} → {% endif %}{% endfor %}</td></tr>{% endfor %}
</table>
<form method="post" novalidate>{% csrf_token %}
{% if form.non_field_errors %}<p class="errornote">{{ form.non_field_errors|join:" " }}</p>{% endif %}
<fieldset class="module aligned">
{% for field in form %}<div class="form-row{% if field.errors %} errors{% endif %}">
{{ field.errors }}<div class="flex-container">{{ field.label_tag }} {{ field }}</div>
{% if field.help_text %}<div class="help">{{ field.help_text }}</div>{% endif %}</div>{% endfor %}
</fieldset>
<div class="submit-row"><input type="submit" class="default" value="迁移 / 调整"></div>
</form></div>{% endblock %}
""")
