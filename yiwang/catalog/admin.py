"""Django admin for ``catalog``: service items with their materials, and approval processes.

A process version is immutable: the admin shows versions read-only and publishes a new one from an
uploaded BPMN file through ``publish_process_version``, showing any reason for refusal in the form.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from yiwang.catalog.form_schema import (
    DELIVERY_METHODS,
    EDITED_KEYS,
    FIELD_TYPES,
    MAX_FIELDS,
    field_problems,
    validate_form_schema,
)
from yiwang.catalog.models import Material, ProcessDefinition, ProcessVersion, RuleSet, RuleSetVersion, ServiceItem
from yiwang.catalog.processes import SHAPES
from yiwang.catalog.services import (
    publish_process_version,
    publish_rule_set_version,
    publish_stock_process,
    save_process_definition,
    save_service_item,
)
from yiwang.core.admin_audit import AuditedAdminMixin, AuditedSaveMixin, ReadOnlyAdminMixin
from yiwang.core.errors import DomainError
from yiwang.core.http import signed_in
from yiwang.core.models import Department

logger = logging.getLogger(__name__)

MAX_BPMN_BYTES = 2 * 1024 * 1024


class FormSchemaWidget(forms.Widget):
    """The item's form as rows (field name, label, type, required, choices, help) with spare empty
    rows to add fields: the operator never edits JSON. Plain HTML, no script."""

    template_name = "catalog/widgets/form_schema.html"
    spare_rows = 3

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = []
        for field in value if isinstance(value, list) else []:
            if isinstance(field, dict):
                options = field.get("options") or []
                rows.append({**field, "options_text": "\n".join(str(o) for o in options)
                             if isinstance(options, list) else str(options)})
        rows += [{"type": "text"} for _ in range(self.spare_rows)]
        context["widget"].update(rows=rows, types=[(k, str(v)) for k, v in FIELD_TYPES.items()])
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, Any]]:
        try:
            count = min(int(data.get(f"{name}-count", "0")), MAX_FIELDS + self.spare_rows)
        except ValueError:
            count = 0
        fields = []
        for i in range(max(count, 0)):
            prefix = f"{name}-{i}-"
            row = {key: (data.get(prefix + key) or "").strip() for key in ("name", "label", "type", "options", "help")}
            if data.get(prefix + "delete") or not (row["name"] or row["label"]):
                continue  # deleted, or a spare row left empty
            field: dict[str, Any] = {"name": row["name"], "label": row["label"], "type": row["type"] or "text",
                                     "required": bool(data.get(prefix + "required"))}
            if field["type"] == "select" or row["options"]:
                field["options"] = [o.strip() for o in row["options"].splitlines() if o.strip()]
            if row["help"]:
                field["help"] = row["help"]
            fields.append(field)
        return fields


class FormSchemaField(forms.Field):
    widget = FormSchemaWidget

    def clean(self, value: Any) -> list[dict[str, Any]]:
        problems = field_problems(value)
        if problems:
            raise forms.ValidationError(problems)
        return value


class ServiceItemForm(forms.ModelForm):
    form_schema = FormSchemaField(label=ServiceItem._meta.get_field("form_schema").verbose_name, required=False,
                                  help_text="每行一个字段；空行不保存，勾选“删除”去掉该字段。保存后会再给出 3 个空行。")
    delivery_methods = forms.MultipleChoiceField(
        label=ServiceItem._meta.get_field("delivery_methods").verbose_name, choices=list(DELIVERY_METHODS.items()), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "出件方式至少选择一种。"})

    class Meta:
        model = ServiceItem
        fields = "__all__"

    def clean_form_schema(self) -> list[dict[str, Any]]:
        """Keys this editor does not show (set by other tools) stay on the fields they belong to."""
        edited = self.cleaned_data["form_schema"]
        before = {f.get("name"): f for f in (self.instance.form_schema or []) if isinstance(f, dict)}
        merged = []
        for field in edited:
            extra = {k: v for k, v in before.get(field["name"], {}).items() if k not in EDITED_KEYS}
            merged.append({**extra, **field})
        return validate_form_schema_for_admin(merged)

    def clean_delivery_methods(self) -> list[str]:
        chosen = set(self.cleaned_data["delivery_methods"])
        return [m for m in DELIVERY_METHODS if m in chosen]  # stored in a stable order


def validate_form_schema_for_admin(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        return validate_form_schema(fields)
    except DomainError as exc:
        raise forms.ValidationError(exc.details.get("problems") or [exc.message]) from exc


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ("sort_order", "name", "required", "form", "copies", "formats", "description")


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ServiceItemForm
    inlines = (MaterialInline,)

    class Media:
        css = {"all": ("css/admin-catalog.css",)}
    list_display = ("code", "name", "department", "item_type", "applicant_scope", "online_depth", "promised_days",
                    "legal_days", "process", "is_active")
    list_filter = ("is_active", "department", "item_type", "online_depth", "applicant_scope", "required_level", "process")
    search_fields = ("code", "name", "keywords", "department__name")
    list_select_related = ("department", "process")
    autocomplete_fields = ("process",)
    fieldsets = (
        (None, {"fields": ("code", "name", "item_type", "department", "applicant_scope", "required_level",
                           "is_active")}),
        ("办理要求", {"fields": ("legal_days", "promised_days", "fee_description", "online_depth", "location",
                             "office_hours", "delivery_methods")}),
        ("办事指南", {"fields": ("conditions", "legal_basis", "keywords")}),
        ("申请表与流程", {"fields": ("form_schema", "process")}),
    )

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        save_service_item(actor=signed_in(request), item=obj, fields=list(form.changed_data), created=not change)


class ProcessVersionInline(admin.TabularInline):
    model = ProcessVersion
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("version", "process_id", "step_summary", "short_digest", "created_at", "created_by")
    readonly_fields = fields
    ordering = ("-version",)

    @admin.display(description="审批环节")
    def step_summary(self, obj: ProcessVersion) -> str:
        return step_summary(obj)

    @admin.display(description="摘要（SHA-256）")
    def short_digest(self, obj: ProcessVersion) -> str:
        return obj.digest[:12]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def check_warnings(version: ProcessVersion) -> list[str]:
    """Parts of the published file Yiwang does not use (e.g. a modeler's form fields)."""
    from yiwang.catalog.bpmn import parse_process

    try:
        return parse_process(version.bpmn_xml).warnings
    except Exception:  # the version is published; a warning that cannot be computed is not an error
        logger.exception("warnings of %s could not be computed", version)
        return []


def step_summary(version: ProcessVersion) -> str:
    return " → ".join(f"{s['name']}（{s['department']}）" for s in version.steps)


def diagram_html(version: ProcessVersion) -> str:
    """A diagram of the version drawn by the static viewer script; a file without diagram
    information (``bpmndi``) is said to have none, the step table stays the reference."""
    if "BPMNDiagram" not in version.bpmn_xml:
        return "该版本的文件没有图形信息（bpmndi），仅显示环节表。"
    url = reverse("admin:catalog_processversion_bpmn", args=[version.pk])
    return format_html('<div class="diagram admin-diagram" data-src="{}" role="img" aria-label="{}"></div>'
                       '<p class="help"><a href="{}" download>下载 BPMN 文件</a>（可在建模工具中打开）</p>',
                       url, f"{version.definition} v{version.version} 流程图", url)


def parse_lane_lines(text: str) -> dict[str, str]:
    """``审批科=SCJG`` lines (``：`` and ``:`` also accepted) → a lane map; a line without a code is
    refused with its number."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        for sep in ("=", "＝", "：", ":"):
            if sep in line:
                lane, _sep, code = line.partition(sep)
                break
        else:
            raise forms.ValidationError(f"第 {number} 行「{line}」格式不对：应为 泳道名称=部门代码。")
        if not lane.strip() or not code.strip():
            raise forms.ValidationError(f"第 {number} 行「{line}」缺少泳道名称或部门代码。")
        mapping[lane.strip()] = code.strip()
    return mapping


class BpmnUploadForm(forms.Form):
    key = forms.CharField(
        label="流程标识", max_length=64,
        validators=[RegexValidator(r"^[A-Za-z][A-Za-z0-9_]*$", "只能使用字母、数字和下划线，并以字母开头。")],
        help_text="例如 two_step_SCJG；发布后不能修改。",
    )
    name = forms.CharField(label="名称", max_length=100)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    bpmn_file = forms.FileField(
        label="BPMN 文件",
        help_text="BPMN 2.0（SpiffWorkflow 方言，见 docs/processes.md）：审批环节为用户任务，所在泳道为部门"
                  "（泳道名称为部门代码，或在下方对应）；可用扩展属性 role（reviewer / decider）和 days（环节时限，工作日）。"
                  "不支持的元素会被拒绝并指明。",
    )

    lanes = forms.CharField(
        label="泳道对应部门", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="文件中的泳道名称不是部门代码时填写，每行一条：泳道名称=部门代码（例如 审批科=SCJG）；"
                  "未命名的泳道用其 id。发布的文件中泳道改为部门代码，对应关系写入审计日志。",
    )

    def __init__(self, *args: Any, definition: ProcessDefinition | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition is not None:
            for field in ("key", "name", "description"):
                del self.fields[field]

    def clean_lanes(self) -> dict[str, str]:
        return parse_lane_lines(self.cleaned_data.get("lanes") or "")

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if ProcessDefinition.objects.filter(key=key).exists():
            raise forms.ValidationError("该流程标识已存在：请在该流程的页面上传新版本。")
        return key

    def clean_bpmn_file(self) -> str:
        upload = self.cleaned_data["bpmn_file"]
        if upload.size > MAX_BPMN_BYTES:
            raise forms.ValidationError("文件过大：BPMN 文件不能超过 2 MB。")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("文件不是 UTF-8 编码的文本：请上传 BPMN（XML）文件。") from exc


UPLOAD_TEMPLATE = engines["django"].from_string("""{% extends "admin/base_site.html" %}
{% load admin_urls %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">首页</a>
&rsaquo; <a href="{% url 'admin:app_list' app_label=opts.app_label %}">{{ opts.app_config.verbose_name }}</a>
&rsaquo; <a href="{% url opts|admin_urlname:'changelist' %}">{{ opts.verbose_name_plural }}</a>
{% if original %}&rsaquo; <a href="{% url opts|admin_urlname:'change' original.pk|admin_urlquote %}">{{ original }}</a>{% endif %}
&rsaquo; {{ title }}</div>{% endblock %}
{% block content %}<div id="content-main">
{% if shape_url %}<p class="help">{{ shape_hint }} <a class="button" href="{{ shape_url }}">{{ shape_link }}</a></p>{% endif %}
{% if original %}<p>当前版本：{% if latest %}v{{ latest.version }}（{{ latest_steps }}）{% else %}无{% endif %}。
发布后新办件使用新版本，在办件继续使用其开始时的版本。</p>{% endif %}
<form method="post" enctype="multipart/form-data" novalidate>{% csrf_token %}
{% if form.non_field_errors %}<p class="errornote">{{ form.non_field_errors|join:" " }}</p>{% endif %}
<fieldset class="module aligned">
{% for field in form %}<div class="form-row{% if field.errors %} errors{% endif %}">
{{ field.errors }}<div class="flex-container">{{ field.label_tag }} {{ field }}</div>
{% if field.help_text %}<div class="help">{{ field.help_text }}</div>{% endif %}</div>{% endfor %}
</fieldset>
<div class="submit-row"><input type="submit" class="default" value="{{ submit_label|default:'发布' }}"></div>
</form></div>{% endblock %}
""")


class StockShapeForm(forms.Form):
    """A new department's process from a stock shape: the shape, and a department for each of its
    lanes. Published through the same lane mapping the demo seed and an upload use."""

    shape = forms.ChoiceField(label="标准流程模板")
    dept = forms.ModelChoiceField(label="主办部门（泳道 dept）", queryset=Department.objects.all(), required=False)
    partner = forms.ModelChoiceField(label="协办部门一（泳道 partner）", queryset=Department.objects.all(), required=False,
                                     help_text="跨部门协查、并联审批需要。")
    partner2 = forms.ModelChoiceField(label="协办部门二（泳道 partner2）", queryset=Department.objects.all(), required=False,
                                      help_text="仅并联审批需要。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shape = self.fields["shape"]
        if isinstance(shape, forms.ChoiceField):  # declared so above
            shape.choices = [
                (s.key, f"{s.label}（{len(s.params)} 个泳道：{'、'.join(s.params)}）") for s in SHAPES.values() if s.params]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data  # ModelForm.clean returns cleaned_data
        shape = SHAPES.get(data.get("shape") or "")
        if shape is None:
            return data
        for param in ("dept", "partner", "partner2"):
            chosen = data.get(param)
            if param in shape.params and chosen is None:
                self.add_error(param, f"「{shape.label}」需要为泳道 {param} 指定部门。")
            elif param not in shape.params and chosen is not None:
                self.add_error(param, f"「{shape.label}」没有泳道 {param}：请留空。")
        chosen_codes = [data[p].code for p in shape.params if data.get(p) is not None]
        if len(set(chosen_codes)) != len(chosen_codes):
            raise forms.ValidationError("同一部门不能占两个泳道。")
        return data


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    inlines = (ProcessVersionInline,)
    list_display = ("key", "name", "latest_version_number", "lanes", "item_count")
    search_fields = ("key", "name", "description")
    fields = ("key", "name", "description", "upload_link", "latest_diagram")
    readonly_fields = ("key", "upload_link", "latest_diagram")

    class Media:
        css = {"all": ("vendor/bpmn-js-assets/diagram-js.css", "css/admin-catalog.css")}
        js = ("vendor/bpmn-navigated-viewer.production.min.js", "js/process-diagram.js")

    @admin.display(description="流程图（最新版本）")
    def latest_diagram(self, obj: ProcessDefinition) -> str:
        latest = obj.latest_version() if obj.pk else None
        return diagram_html(latest) if latest else "—"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(item_total=Count("items", distinct=True))

    @admin.display(description="事项数", ordering="item_total")
    def item_count(self, obj: ProcessDefinition) -> int:
        return getattr(obj, "item_total", 0)

    @admin.display(description="最新版本")
    def latest_version_number(self, obj: ProcessDefinition) -> str:
        latest = obj.latest_version()
        return f"v{latest.version}" if latest else "—"

    @admin.display(description="涉及部门")
    def lanes(self, obj: ProcessDefinition) -> str:
        latest = obj.latest_version()
        return "、".join(dict.fromkeys(s["department"] for s in latest.steps)) if latest else ""

    @admin.display(description="新版本")
    def upload_link(self, obj: ProcessDefinition) -> str:
        if obj.pk is None:
            return ""
        url = reverse("admin:catalog_processdefinition_upload", args=[obj.pk])
        return format_html('<a class="button" href="{}">上传 BPMN 文件，发布新版本</a>', url)

    def save_model(self, request: HttpRequest, obj: ProcessDefinition, form: Any, change: bool) -> None:
        save_process_definition(actor=signed_in(request), definition=obj, fields=list(form.changed_data))

    def get_urls(self) -> list[Any]:
        return [
            path("<int:object_id>/upload/", self.admin_site.admin_view(self.upload_view),
                 name="catalog_processdefinition_upload"),
            path("from-shape/", self.admin_site.admin_view(self.shape_view), name="catalog_processdefinition_shape"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """A process is created by publishing its first BPMN file."""
        return self.upload_view(request, None)

    def upload_view(self, request: HttpRequest, object_id: int | None) -> HttpResponse:
        definition = get_object_or_404(ProcessDefinition, pk=object_id) if object_id is not None else None
        allowed = self.has_change_permission(request, definition) if definition else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form = BpmnUploadForm(request.POST or None, request.FILES or None, definition=definition)
        if request.method == "POST" and form.is_valid():
            version = self._publish(request, form, definition)
            if version is not None:
                return HttpResponseRedirect(reverse("admin:catalog_processdefinition_change", args=[version.definition_id]))
        latest = definition.latest_version() if definition else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"发布新版本：{definition}" if definition else "新建审批流程",
            "original": definition,
            "latest": latest,
            "latest_steps": step_summary(latest) if latest else "",
            "form": form,
            "shape_url": None if definition else reverse("admin:catalog_processdefinition_shape"),
            "shape_hint": "为部门新建流程，通常不必画 BPMN：",
            "shape_link": "选择标准流程模板，指定各泳道的部门",
        }
        return HttpResponse(UPLOAD_TEMPLATE.render(context, request))

    def shape_view(self, request: HttpRequest) -> HttpResponse:
        """Publish a stock shape for the departments an operator assigns to its lanes."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StockShapeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            shape = SHAPES[form.cleaned_data["shape"]]
            departments = {p: form.cleaned_data[p] for p in shape.params}
            try:
                latest = publish_stock_process(
                    actor=signed_in(request), shape=shape.key, codes={p: d.code for p, d in departments.items()},
                    names={d.code: d.name for d in departments.values()})
            except DomainError as exc:
                for problem in (exc.details.get("problems") if isinstance(exc.details, dict) else None) or [exc.message]:
                    form.add_error(None, problem)
            else:
                definition = latest.definition
                messages.success(request, f"已发布 {definition.key} v{latest.version}：{step_summary(latest)}")
                return HttpResponseRedirect(reverse("admin:catalog_processdefinition_change", args=[definition.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "从标准流程模板新建审批流程",
            "original": None,
            "form": form,
            "submit_label": "发布",
            "shape_url": None,
        }
        return HttpResponse(UPLOAD_TEMPLATE.render(context, request))

    def _publish(self, request: HttpRequest, form: BpmnUploadForm, definition: ProcessDefinition | None) -> Any:
        data = form.cleaned_data
        latest = definition.latest_version() if definition else None
        try:
            version = publish_process_version(
                actor=signed_in(request),
                key=definition.key if definition else data["key"],
                name=definition.name if definition else data["name"],
                description=definition.description if definition else data.get("description", ""),
                bpmn_xml=data["bpmn_file"],
                lane_map=data.get("lanes") or None,
            )
        except DomainError as exc:
            problems = exc.details.get("problems") if isinstance(exc.details, dict) else None
            for problem in problems or [exc.message]:
                form.add_error("lanes" if exc.code == "unknown_department" else "bpmn_file", problem)
            return None
        except Exception:  # a file the parser chokes on is the uploader's error, never a 500
            logger.exception("BPMN upload failed unexpectedly")
            form.add_error("bpmn_file", "流程文件无法解析：请用 BPMN 建模工具检查后重新导出。")
            return None
        if latest is not None and latest.pk == version.pk:
            messages.info(request, f"文件与当前版本 v{version.version} 相同，未发布新版本。")
        else:
            messages.success(request, f"已发布 {version.definition.key} v{version.version}：{step_summary(version)}")
            for warning in check_warnings(version):
                messages.warning(request, warning)
        return version


@admin.register(ProcessVersion)
class ProcessVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only view of a published version, with its BPMN source."""

    list_display = ("definition", "version", "process_id", "created_at", "created_by")
    list_filter = ("definition",)
    search_fields = ("definition__key", "definition__name", "process_id")
    fields = ("definition", "version", "process_id", "diagram", "steps_table", "digest", "created_at", "created_by",
              "bpmn_source")
    readonly_fields = fields
    list_select_related = ("definition", "created_by")

    class Media:
        css = {"all": ("vendor/bpmn-js-assets/diagram-js.css", "css/admin-catalog.css")}
        js = ("vendor/bpmn-navigated-viewer.production.min.js", "js/process-diagram.js")

    @admin.display(description="流程图")
    def diagram(self, obj: ProcessVersion) -> str:
        return diagram_html(obj)

    def get_urls(self) -> list[Any]:
        return [
            path("<int:object_id>/bpmn.xml", self.admin_site.admin_view(self.bpmn_view),
                 name="catalog_processversion_bpmn"),
            *super().get_urls(),
        ]

    def bpmn_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The version's BPMN file, for the diagram viewer (and to open in a modeler)."""
        version = get_object_or_404(ProcessVersion.objects.only("bpmn_xml"), pk=object_id)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        response = HttpResponse(version.bpmn_xml, content_type="application/xml; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.display(description="审批环节")
    def steps_table(self, obj: ProcessVersion) -> str:
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((s["task_id"], s["name"], s["department"], s.get("role") or "—", s.get("days") or "—") for s in obj.steps),
        )
        return format_html("<table><tr><th>环节标识</th><th>名称</th><th>部门</th><th>岗位</th><th>时限（工作日）</th></tr>{}</table>", rows)

    @admin.display(description="BPMN")
    def bpmn_source(self, obj: ProcessVersion) -> str:
        return format_html('<pre style="max-height:30em;overflow:auto;white-space:pre-wrap">{}</pre>', obj.bpmn_xml)


class DmnUploadForm(forms.Form):
    """Publish an instant-approval (秒批) DMN file as the next version of a rule set."""

    key = forms.CharField(
        label="规则标识", max_length=64,
        validators=[RegexValidator(r"^[A-Za-z][A-Za-z0-9_]*$", "只能使用字母、数字和下划线，并以字母开头。")],
    )
    name = forms.CharField(label="名称", max_length=100)
    items = forms.ModelMultipleChoiceField(
        label="适用事项", queryset=ServiceItem.objects.filter(is_active=True), required=False,
        help_text="规则引用的申请表字段须在每个适用事项中存在。",
    )
    dmn_file = forms.FileField(
        label="DMN 文件",
        help_text="DMN 1.3 决策表，命中策略 COLLECT，输出列 failed_rule；表达式为 Python（非 FEEL），"
                  "变量 form、facts、credit。详见 yiwang/catalog/dmn.py。",
    )

    def __init__(self, *args: Any, rule_set: RuleSet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule_set = rule_set
        if rule_set is not None:
            del self.fields["key"], self.fields["name"]

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if RuleSet.objects.filter(key=key).exists():
            raise forms.ValidationError("该规则标识已存在：请在该规则的页面上传新版本。")
        return key

    def clean_dmn_file(self) -> str:
        upload = self.cleaned_data["dmn_file"]
        if upload.size > MAX_BPMN_BYTES:
            raise forms.ValidationError("文件过大：DMN 文件不能超过 2 MB。")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("文件不是 UTF-8 编码的文本：请上传 DMN（XML）文件。") from exc


class RuleSetVersionInline(admin.TabularInline):
    model = RuleSetVersion
    fields = ("version", "decision_id", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RuleSet)
class RuleSetAdmin(AuditedSaveMixin, admin.ModelAdmin):
    inlines = (RuleSetVersionInline,)
    list_display = ("key", "name", "item_names")
    search_fields = ("key", "name")
    fields = ("key", "name", "description", "upload_link", "latest_diagram")
    readonly_fields = ("key", "upload_link", "latest_diagram")

    class Media:
        css = {"all": ("vendor/bpmn-js-assets/diagram-js.css", "css/admin-catalog.css")}
        js = ("vendor/bpmn-navigated-viewer.production.min.js", "js/process-diagram.js")

    @admin.display(description="流程图（最新版本）")
    def latest_diagram(self, obj: ProcessDefinition) -> str:
        latest = obj.latest_version() if obj.pk else None
        return diagram_html(latest) if latest else "—"

    @admin.display(description="适用事项")
    def item_names(self, obj: RuleSet) -> str:
        return "、".join(obj.items.values_list("name", flat=True))

    @admin.display(description="新版本")
    def upload_link(self, obj: RuleSet) -> str:
        if obj.pk is None:
            return ""
        url = reverse("admin:catalog_ruleset_upload", args=[obj.pk])
        return format_html('<a class="button" href="{}">上传 DMN 文件，发布新版本</a>', url)

    def get_urls(self) -> list[Any]:
        return [
            path("<int:object_id>/upload/", self.admin_site.admin_view(self.upload_view), name="catalog_ruleset_upload"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """A rule set is created by publishing its first DMN file."""
        return self.upload_view(request, None)

    def upload_view(self, request: HttpRequest, object_id: int | None) -> HttpResponse:
        rule_set = get_object_or_404(RuleSet, pk=object_id) if object_id is not None else None
        allowed = self.has_change_permission(request, rule_set) if rule_set else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form = DmnUploadForm(request.POST or None, request.FILES or None, rule_set=rule_set)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                version = publish_rule_set_version(
                    actor=signed_in(request), key=rule_set.key if rule_set else data["key"],
                    name=rule_set.name if rule_set else data["name"], dmn_xml=data["dmn_file"],
                    items=list(data.get("items") or []),
                )
            except DomainError as exc:
                form.add_error("dmn_file", exc.message)
            except Exception:  # a file the parser chokes on is the uploader's error, never a 500
                logger.exception("DMN upload failed unexpectedly")
                form.add_error("dmn_file", "规则文件无法解析：请用 DMN 建模工具检查后重新导出。")
            else:
                messages.success(request, f"已发布 {version.rule_set.key} v{version.version}")
                return HttpResponseRedirect(reverse("admin:catalog_ruleset_change", args=[version.rule_set_id]))
        latest = rule_set.latest_version() if rule_set else None
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "original": rule_set,
            "title": f"发布新版本：{rule_set}" if rule_set else "新建秒批规则", "latest": latest,
            "latest_steps": latest.decision_id if latest else "",
        }
        return HttpResponse(UPLOAD_TEMPLATE.render(context, request))
