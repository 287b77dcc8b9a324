"""Gateway conditions from other modelers: Camunda's JUEL gets a message that conditions are FEEL
over the runtime's variables, with the translation where it is unambiguous; other expression
languages, Camunda scripts and listeners are refused naming the element; the stock processes'
conditions are FEEL and route as before."""

from __future__ import annotations

import pytest

from yiwang.cases import services
from yiwang.cases.models import CaseStatus, CaseStep, StepStatus
from yiwang.cases.tests.test_process_safety import rejected
from yiwang.catalog.conditions import RUNTIME_VARIABLES
from yiwang.catalog.processes import PROCESS_DIR
from yiwang.testing.bpmn import guarded_process

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("condition, translation", [
    ("${approved}", "approved"),
    ('#{decision == "deny"}', 'decision = "deny"'),
    ("${decision == 'deny' && form.area > 100}", 'decision = "deny" and form.area > 100'),
    ("${!approved}", None),  # JUEL negation: no single obvious translation is offered
    ("${execution.getVariable('x')}", None),
])
def test_a_camunda_condition_is_explained_with_the_translation_where_unambiguous(world, condition, translation):
    err = rejected(guarded_process(condition=condition))
    assert "Camunda" in err.message and "FEEL" in err.message and "f_large" in err.message
    assert all(name in err.message for name in RUNTIME_VARIABLES)
    if translation:
        assert f"可改写为：{translation}" in err.message
    else:
        assert "可改写为" not in err.message


def test_a_condition_in_another_language_is_refused(world):
    xml = guarded_process().replace('xsi:type="bpmn:tFormalExpression"',
                                    'xsi:type="bpmn:tFormalExpression" language="javascript"')
    err = rejected(xml)
    assert "javascript" in err.message and "f_large" in err.message


def test_a_camunda_listener_is_refused_naming_its_element(world):
    xml = guarded_process().replace(
        'xmlns:xsi=', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi=').replace(
        '<bpmn:userTask id="site" name="现场核查"/>',
        '<bpmn:userTask id="site" name="现场核查"><bpmn:extensionElements><camunda:executionListener event="start">'
        '<camunda:script scriptFormat="groovy">System.exit(1)</camunda:script></camunda:executionListener>'
        '</bpmn:extensionElements></bpmn:userTask>')
    err = rejected(xml)
    assert "现场核查" in err.message and "site" in err.message


def test_every_stock_condition_is_feel():
    for path in PROCESS_DIR.glob("*.bpmn"):
        text = path.read_text(encoding="utf-8")
        assert ">decision == " not in text
    assert '<bpmn:conditionExpression>decision = "deny"</bpmn:conditionExpression>' in (
        PROCESS_DIR / "three_step.bpmn").read_text(encoding="utf-8")


def test_a_deny_on_the_first_step_of_the_stock_three_step_process_ends_it_early(world):
    # given an item on the stock three-step process (审查 → 审核 → 决定; deny ends it early)
    from yiwang.catalog.processes import render_process
    from yiwang.catalog.services import publish_process_version
    from yiwang.testing import case_factories, item_factories

    item = item_factories.item("SCJG-020", dept="SCJG")
    version = publish_process_version(actor=None, key=f"proc_{item.code}", name="三级",
                                      bpmn_xml=render_process("three_step", dept="SCJG"))
    item.process = version.definition
    item.save()
    case = case_factories.apply_online(world.citizen, world.applicant, item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    first = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    actor = world.reviewer if first.role == "reviewer" else world.decider
    # when the first step says no
    services.complete_step(actor=actor, case_id=case.pk, step_id=first.pk, decision="deny", comment="材料不符")
    # then the FEEL condition decision = "deny" takes the early end
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_DELIVERY and not CaseStep.objects.filter(case=case, status=StepStatus.OPEN)
