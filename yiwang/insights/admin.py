"""Admin: the KPIs' targets and baselines (editable, audited). The rollups are not edited by hand:
they change with the cases and appeals, or by ``manage.py rebuild_kpi_rollups``."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from yiwang.core.admin_audit import AuditedSaveMixin
from yiwang.insights.kpis import BY_CODE, DEFINITIONS
from yiwang.insights.models import KpiSetting


class KpiSettingForm(forms.ModelForm):
    code = forms.ChoiceField(choices=[(d.code, f"{d.code} · {d.name}") for d in DEFINITIONS])

    class Meta:
        model = KpiSetting
        fields = ["code", "target", "baseline", "baseline_note"]

    def clean(self) -> dict:
        data = super().clean()
        d = BY_CODE.get(data.get("code", ""))
        for name in ("target", "baseline"):
            value = data.get(name)
            if value is None or d is None:
                continue
            if value < 0:
                self.add_error(name, _("不能为负数。"))
            elif d.unit == "%" and value > 100:
                self.add_error(name, _("百分比不能超过 100。"))
        return data


@admin.register(KpiSetting)
class KpiSettingAdmin(AuditedSaveMixin, admin.ModelAdmin):
    form = KpiSettingForm
    list_display = ["code", "name", "target", "baseline", "baseline_note"]

    @admin.display(description=_("指标"))
    def name(self, obj: KpiSetting) -> str:
        d = BY_CODE.get(obj.code)
        return str(d.name) if d else obj.code
