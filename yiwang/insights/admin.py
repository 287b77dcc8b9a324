"""Admin: the KPIs' targets and entered baselines (editable, audited). An entered baseline names its
source; the admin records it as entered, by whom and when (a computed one comes from
``manage.py compute_kpi_baseline``). The rollups are not edited by hand: they change with the cases
and appeals, or by ``manage.py rebuild_kpi_rollups``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.admin_audit import AuditedSaveMixin
from yiwang.core.http import signed_in
from yiwang.insights.kpis import BY_CODE, DEFINITIONS
from yiwang.insights.models import BaselineSource, KpiSetting


class KpiSettingForm(forms.ModelForm):
    code = forms.ChoiceField(choices=[(d.code, f"{d.code} · {d.name}") for d in DEFINITIONS])

    class Meta:
        model = KpiSetting
        fields = ["code", "target", "baseline", "baseline_note"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        d = BY_CODE.get(data.get("code", ""))
        for name in ("target", "baseline"):
            value = data.get(name)
            if value is None or d is None:
                continue
            if value < 0:
                self.add_error(name, _("不能为负数。"))
            elif d.unit == "%" and value > 100:
                self.add_error(name, _("百分比不能超过 100。"))
        if data.get("baseline") is not None and not str(data.get("baseline_note") or "").strip():
            self.add_error("baseline_note", _("请写明基线的来源，例如“2025 年度政务服务统计年报”。"))
        return data


@admin.register(KpiSetting)
class KpiSettingAdmin(AuditedSaveMixin, admin.ModelAdmin):
    form = KpiSettingForm
    list_display = ["code", "name", "target", "baseline", "baseline_source", "baseline_note", "baseline_demo"]
    readonly_fields = ["baseline_source", "baseline_start", "baseline_end", "baseline_demo", "baseline_recorded_at",
                       "baseline_recorded_by"]

    def get_fields(self, request: HttpRequest, obj: KpiSetting | None = None) -> tuple[str, ...]:
        return (*KpiSettingForm.Meta.fields, *self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: KpiSetting, form: Any, change: bool) -> None:
        """A baseline typed here is an entered one (its source in the note), recorded with who and
        when; clearing it leaves the KPI without a baseline. The mixin audits the save."""
        if {"baseline", "baseline_note"} & set(form.changed_data):
            entered = obj.baseline is not None
            obj.baseline_source = BaselineSource.ENTERED if entered else ""
            obj.baseline_start = obj.baseline_end = None
            obj.baseline_demo = False
            obj.baseline_recorded_at, obj.baseline_recorded_by = (timezone.now(), signed_in(request)) if entered else (None, None)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("指标"))
    def name(self, obj: KpiSetting) -> str:
        d = BY_CODE.get(obj.code)
        return str(d.name) if d else obj.code
