"""Published process and rule versions written in Python become FEEL (``docs/feel.md``).

Only texts this migration recognises exactly are converted: the stock gateway condition and the
cells of the six stock rule sets. Anything else is left as it is; evaluating it then fails cleanly
(a rule set whose table no longer parses sends the application to a person with the reason; a
process condition that is not FEEL stops at the step, handled by the runtime). The stored digest
is left unchanged: it names the file as it was published and audited.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.db import migrations

CONDITIONS = {
    'decision == "deny"': 'decision = "deny"',
    'decision == "approve"': 'decision = "approve"',
}

# Python text of a stock rule cell → FEEL with the same meaning. Python's defaults
# (``facts.get("age", 0)``, ``form.get(x) or 0``) become explicit, since FEEL reads a missing key
# as null and a comparison with null decides nothing.
RULE_TEXTS = {
    'facts.get("age", 0)': 'if facts.age = null then 0 else facts.age',
    'facts.get("previous_approvals_same_item", 0)':
        'if facts.previous_approvals_same_item = null then 0 else facts.previous_approvals_same_item',
    'facts.get("local_resident", False)': 'facts.local_resident = true',
    'facts.get("has_open_case_same_item", False)': 'facts.has_open_case_same_item = true',
    'form.get("hukou_county")': 'form.hukou_county',
    'form.get("hukou_type")': 'form.hukou_type',
    'form.get("reported_loss")': 'form.reported_loss',
    'form.get("debts_cleared")': 'form.debts_cleared',
    'form.get("taxes_cleared")': 'form.taxes_cleared',
    'form.get("separation_reason")': 'form.separation_reason',
    'form.get("monthly_income_per_capita") or 0':
        'if form.monthly_income_per_capita = null then 0 else form.monthly_income_per_capita',
    'form.get("housing_area_per_capita") or 0':
        'if form.housing_area_per_capita = null then 0 else form.housing_area_per_capita',
    'form.get("family_size") or 0': 'if form.family_size = null then 0 else form.family_size',
    'form.get("contribution_months") or 0':
        'if form.contribution_months = null then 0 else form.contribution_months',
    'form.get("continuous_months") or 0': 'if form.continuous_months = null then 0 else form.continuous_months',
    'form.get("delivery") == "邮寄到家" and not form.get("delivery_address")':
        'form.delivery = "邮寄到家" and (form.delivery_address = null or form.delivery_address = "")',
    "True": "true",
    "False": "false",
}

_CONDITION = re.compile(r"(<(?:\w+:)?conditionExpression\b[^>]*>)(.*?)(</(?:\w+:)?conditionExpression>)", re.S)
_TEXT = re.compile(r"(<(?:\w+:)?text>)(.*?)(</(?:\w+:)?text>)", re.S)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def convert_xml(xml: str, pattern: re.Pattern[str], mapping: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        raw = html.unescape(match.group(2)).strip()
        if raw in mapping:
            return match.group(1) + _escape(mapping[raw]) + match.group(3)
        return match.group(0)

    return pattern.sub(one, xml)


def convert_json(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value.strip(), value)
    if isinstance(value, list):
        return [convert_json(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: convert_json(v, mapping) for k, v in value.items()}
    return value


def _run(apps: Any, conditions: dict[str, str], rule_texts: dict[str, str]) -> None:
    ProcessVersion = apps.get_model("catalog", "ProcessVersion")
    RuleSetVersion = apps.get_model("catalog", "RuleSetVersion")
    for version in ProcessVersion.objects.all().iterator():
        xml = convert_xml(version.bpmn_xml, _CONDITION, conditions)
        spec = convert_json(version.spec_json, conditions)
        if xml != version.bpmn_xml or spec != version.spec_json:
            ProcessVersion.objects.filter(pk=version.pk).update(bpmn_xml=xml, spec_json=spec)
    for version in RuleSetVersion.objects.all().iterator():
        xml = convert_xml(version.dmn_xml, _TEXT, rule_texts)
        inputs = [{**column, "expression": rule_texts.get(str(column.get("expression", "")).strip(),
                                                          column.get("expression"))}
                  for column in version.inputs or []]
        if xml != version.dmn_xml or inputs != version.inputs:
            RuleSetVersion.objects.filter(pk=version.pk).update(dmn_xml=xml, inputs=inputs)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run(apps, CONDITIONS, RULE_TEXTS)


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(apps, {v: k for k, v in CONDITIONS.items()}, {v: k for k, v in RULE_TEXTS.items()})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_ruleset_serviceitem_instant_rules_rulesetversion")]

    operations = [migrations.RunPython(forwards, backwards)]
