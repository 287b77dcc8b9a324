"""The data migration that turns published Python expressions into FEEL: the stock condition and
the stock rule cells are converted in stored XML, specs and input columns; anything else is left,
and then fails cleanly (a rule set sends the case to a person with the reason)."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps

from yiwang.catalog.dmn import evaluate_rules
from yiwang.catalog.models import ProcessVersion, RuleSetVersion
from yiwang.catalog.processes import render_process
from yiwang.catalog.services import publish_process_version, publish_rule_set_version
from yiwang.catalog.tests.test_dmn import stock
from yiwang.testing import item_factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("yiwang.catalog.migrations.0003_conditions_and_rules_in_feel")


def test_a_stored_python_condition_becomes_feel_in_the_xml_and_in_the_spec(world):
    # given a version published before FEEL: its XML and its stored spec hold the Python condition
    version = publish_process_version(actor=None, key="old", name="旧流程", bpmn_xml=render_process("three_step", dept="SCJG"))
    ProcessVersion.objects.filter(pk=version.pk).update(
        bpmn_xml=version.bpmn_xml.replace('decision = "deny"', 'decision == "deny"'),
        spec_json=json.loads(json.dumps(version.spec_json).replace('decision = \\"deny\\"', 'decision == \\"deny\\"')))
    old = ProcessVersion.objects.get(pk=version.pk)
    assert 'decision == "deny"' in old.bpmn_xml and 'decision == \\"deny\\"' in json.dumps(old.spec_json)
    # when the migration runs
    migration.forwards(apps, None)
    # then both say FEEL, and the digest (what was published and audited) is unchanged
    new = ProcessVersion.objects.get(pk=version.pk)
    assert ">decision = \"deny\"</bpmn:conditionExpression>" in new.bpmn_xml
    assert ">decision == \"deny\"</bpmn:conditionExpression>" not in new.bpmn_xml
    assert 'decision == \\"deny\\"' not in json.dumps(new.spec_json)
    assert new.spec_json == version.spec_json and new.digest == version.digest
    # and running it backwards restores the Python text
    migration.backwards(apps, None)
    assert ">decision == \"deny\"</bpmn:conditionExpression>" in ProcessVersion.objects.get(pk=version.pk).bpmn_xml


def test_the_stock_rule_sets_stored_in_python_become_feel_and_decide_as_before(world):
    item = item_factories.item("RS-OLD", dept="SCJG", form_schema=[
        {"name": "hukou_county", "label": "户籍所在地", "type": "select", "options": ["本县", "外县"]}])
    version = publish_rule_set_version(actor=None, key="elderly", name="高龄津贴", dmn_xml=stock("elderly_allowance"),
                                       items=[item])
    # given the version as it was stored in Python (what the migration's backwards direction writes)
    migration.backwards(apps, None)
    old = RuleSetVersion.objects.get(pk=version.pk)
    assert 'facts.get("age", 0)' in old.dmn_xml and "<text>False</text>" in old.dmn_xml
    assert {"label": "年龄", "expression": 'facts.get("age", 0)'} in old.inputs
    context = {"form": {"hukou_county": "外县"}, "facts": {"local_resident": True}, "credit": "normal"}
    assert "FEEL" in evaluate_rules(("old", 1), old.dmn_xml, context).error  # Python is not evaluated any more
    # when the migration runs
    migration.forwards(apps, None)
    # then the stored version equals the stock file again, and decides with the old defaults
    new = RuleSetVersion.objects.get(pk=version.pk)
    assert new.dmn_xml == stock("elderly_allowance") and new.inputs == version.inputs
    outcome = evaluate_rules(("new", 1), new.dmn_xml, context)
    assert outcome.failed_rules == ["申请人须年满80周岁", "申请人须为本县户籍"] and not outcome.error


def test_an_expression_the_migration_does_not_know_is_left_and_fails_cleanly(world):
    version = publish_rule_set_version(actor=None, key="odd", name="其他", dmn_xml=stock("sole_proprietor_cancellation"))
    odd = version.dmn_xml.replace("<text>credit</text>", '<text>credit.lower() if credit else ""</text>')
    RuleSetVersion.objects.filter(pk=version.pk).update(dmn_xml=odd)
    migration.forwards(apps, None)
    stored = RuleSetVersion.objects.get(pk=version.pk)
    assert 'credit.lower() if credit else ""' in stored.dmn_xml
    outcome = evaluate_rules(("odd", 1), stored.dmn_xml, {"form": {}, "facts": {}, "credit": "normal"})
    assert not outcome.passed and "信用状况" in outcome.error
