"""A BPMN file is code: its gateway conditions and scripts run inside the server. Whatever tries
to reach beyond the case's own data is refused at publication, and again at evaluation; files
that cannot run are refused with a reason; and publishing a new version never changes the steps of
a case already running."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.util.task import TaskState

from yiwang.cases import services
from yiwang.cases.models import CaseStatus, CaseStep, StepStatus
from yiwang.catalog import bpmn
from yiwang.catalog.bpmn import BpmnRejected, RestrictedEnvironment
from yiwang.catalog.models import ProcessVersion
from yiwang.catalog.services import publish_process_version
from yiwang.core.errors import InvalidInput
from yiwang.testing import factories
from yiwang.testing.bpmn import build_bpmn

pytestmark = pytest.mark.django_db

SAFE_CONDITION = "form.get('area', 0) > 100"
SAFE_SCRIPT = "large = form.get('area', 0) > 100"

# Reaches the server's module globals through a running generator's frame, using only names and
# attributes that do not begin with an underscore and only whitelisted calls.
FRAME_ESCAPE = ("[(gen := (gen.gi_frame.f_back.f_back.f_globals for x in [1])), "
                "(get := list(gen)[0].get('__builtins__').get('open')), list(get({path!r}))][-1]")
FRAME_ESCAPE_SCRIPT = ("gen = (gen.gi_frame.f_back.f_back.f_globals for x in [1])\n"
                       "get = list(gen)[0].get('__builtins__').get('open')\n"
                       "stolen = list(get({path!r}))")


def guarded_process(process_id="guarded", *, condition=SAFE_CONDITION, script=SAFE_SCRIPT, pre_script=None,
                    review_lane="SCJG"):
    """审查 → a script → a gateway: 现场核查 when the condition holds, else straight to the end."""
    pre = (f"<bpmn:extensionElements><spiffworkflow:preScript>{escape(pre_script)}</spiffworkflow:preScript>"
           "</bpmn:extensionElements>") if pre_script else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://yiwang">'
        f'<bpmn:process id="{process_id}" isExecutable="true"><bpmn:laneSet id="ls">'
        f'<bpmn:lane id="lane_review" name="{review_lane}"><bpmn:flowNodeRef>review</bpmn:flowNodeRef></bpmn:lane>'
        '<bpmn:lane id="lane_site" name="SCJG"><bpmn:flowNodeRef>site</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:userTask id="review" name="审查">{pre}</bpmn:userTask>'
        f'<bpmn:scriptTask id="calc" name="计算"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:exclusiveGateway id="gw" default="f_small"/>'
        '<bpmn:userTask id="site" name="现场核查"/>'
        '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="review"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="calc"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="gw"/>'
        '<bpmn:sequenceFlow id="f_large" sourceRef="gw" targetRef="site">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}</bpmn:conditionExpression>'
        '</bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="site" targetRef="end"/>'
        '</bpmn:process></bpmn:definitions>'
    )


def publish(xml, key="guarded"):
    return publish_process_version(actor=None, key=key, name="受保护的流程", bpmn_xml=xml)


def rejected(xml, code="process_rejected"):
    before = ProcessVersion.objects.count()
    with pytest.raises(InvalidInput) as err:
        publish(xml)
    assert err.value.code == code, err.value.message
    assert err.value.status == 422
    assert ProcessVersion.objects.count() == before
    return err.value


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOPSECRET-7731\n")
    return str(path)


def test_a_safe_process_publishes_and_its_gateway_follows_the_form(world):
    # given the guarded process published as the item's process
    item = factories.item("SCJG-010", dept="SCJG")
    publish(guarded_process(), key=f"proc_{item.code}")

    def run(area):
        case, _ = services.submit_application(
            actor=world.citizen, item=item, applicant=world.applicant, form_data={"shop_name": "店", "area": area},
            materials=[services.MaterialRef(material_id=m.pk, upload_id=services.stage_upload(
                actor=world.citizen, file=factories.upload_file()).pk) for m in item.materials.filter(required=True)])
        services.accept_application(actor=world.clerk, case_id=case.pk)
        review = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
        services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
        case.refresh_from_db()
        return case

    # then a large shop goes to the site check, a small one straight to the decision
    assert run(150).current_step == "现场核查"
    assert run(30).status == CaseStatus.AWAITING_DELIVERY


@pytest.mark.parametrize(
    "condition, reason",
    [
        ("__import__('os').system('id')", "__import__"),
        ("open('/etc/passwd').read()", "open"),
        ("().__class__.__mro__[1].__subclasses__()", "__class__"),
        ("sorted(items, key=lambda i: -i)", "Lambda"),
        ("getattr(form, 'keys')", "getattr"),
        ("eval('1')", "eval"),
        ("form.get('area' > 1", "语法错误"),
    ],
)
def test_a_dangerous_gateway_condition_is_refused_naming_the_reason(world, condition, reason):
    err = rejected(guarded_process(condition=condition))
    assert reason in err.message


@pytest.mark.parametrize(
    "script, reason",
    [
        ("import os", "Import"),
        ("from os import path", "ImportFrom"),
        ("x = open('/etc/passwd').read()", "open"),
        ("key = lambda i: -i", "Lambda"),
        ("def f():\n    return 1", "FunctionDef"),
        ("class K:\n    pass", "ClassDef"),
        ("try:\n    x = 1\nexcept Exception:\n    pass", "Try"),
        ("global form", "Global"),
        ("x = form.__class__", "__class__"),
    ],
)
def test_a_dangerous_script_is_refused_naming_the_reason(world, script, reason):
    err = rejected(guarded_process(script=script))
    assert reason in err.message


def test_a_dangerous_pre_script_is_refused(world):
    err = rejected(guarded_process(pre_script="import subprocess"))
    assert "Import" in err.message


def test_a_condition_reaching_the_servers_globals_through_a_frame_is_refused(world, secret_file):
    # given a condition that uses no underscore name, no import and only whitelisted calls, but walks
    # a generator's frame to the engine's module globals and opens a file
    condition = FRAME_ESCAPE.format(path=secret_file)
    # then publication refuses it
    rejected(guarded_process(condition=condition))


def test_a_script_reaching_the_servers_globals_through_a_frame_is_refused(world, secret_file):
    rejected(guarded_process(script=FRAME_ESCAPE_SCRIPT.format(path=secret_file)))


def test_evaluation_refuses_what_publication_would_have_refused(secret_file):
    # given an expression that somehow reached the engine without passing publication
    env = RestrictedEnvironment()
    # then evaluating it raises, and no file is read
    with pytest.raises(BpmnRejected):
        env.evaluate("open('/etc/passwd')", {})
    with pytest.raises(BpmnRejected):
        env.evaluate(f"open({secret_file!r}).read()", {})
    with pytest.raises(BpmnRejected):
        env.execute("import os", {})
    with pytest.raises(BpmnRejected):
        env.evaluate("__import__('os')", {})
    # and the builtins that remain cannot open files either
    with pytest.raises(Exception):  # noqa: B017 - any failure is fine; a returned value is not
        env.evaluate("[c for c in ().__class__.__base__.__subclasses__()]", {})


def test_evaluation_cannot_read_a_file_through_a_generator_frame(secret_file):
    env = RestrictedEnvironment()
    outcome = None
    try:
        outcome = env.evaluate(FRAME_ESCAPE.format(path=secret_file), {})
    except Exception:  # noqa: BLE001 - refusing in any way is the point
        pass
    assert "TOPSECRET" not in repr(outcome)


def test_ordinary_expressions_still_evaluate():
    env = RestrictedEnvironment()
    assert env.evaluate("form.get('area', 0) > 100", {"form": {"area": 150}}) is True
    assert env.evaluate("len(items) + max([1, 2])", {"items": [1, 2, 3]}) == 5
    assert env.evaluate("applicant_kind == 'org' and 'food' in scope.split(',')",
                        {"applicant_kind": "org", "scope": "food,retail"}) is True


# --- files that cannot run ---------------------------------------------------------------------------


def test_malformed_xml_is_refused(world):
    err = rejected(guarded_process()[:-40])
    assert "XML" in err.message


def test_an_external_entity_is_never_resolved(world, secret_file):
    xml = guarded_process().replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY e SYSTEM "file://{secret_file}">]>',
    ).replace('name="审查"', 'name="审查&e;"')
    err = rejected(xml)
    assert "TOPSECRET" not in err.message


def test_a_process_without_user_tasks_is_refused(world):
    xml = build_bpmn("empty", [{"id": "only", "name": "唯一", "dept": "SCJG"}])
    xml = re.sub(r'<bpmn:userTask id="only".*?</bpmn:userTask>|<bpmn:userTask id="only"[^>]*/>',
                 '<bpmn:exclusiveGateway id="only" name="唯一"/>', xml)
    err = rejected(xml)
    assert "没有用户任务" in err.message


def test_a_lane_naming_an_unknown_department_is_refused(world):
    err = rejected(guarded_process(review_lane="NOPE"), code="unknown_department")
    assert err.details == {"unknown": ["NOPE"]}
    assert "NOPE" in err.message


def test_a_user_task_outside_every_lane_is_refused(world):
    xml = guarded_process().replace("<bpmn:flowNodeRef>site</bpmn:flowNodeRef>", "")
    err = rejected(xml)
    assert "现场核查" in err.message


@pytest.mark.parametrize("prop, value, reason", [("role", "admin", "role"), ("days", "three", "days")])
def test_bad_step_properties_are_refused(world, prop, value, reason):
    xml = build_bpmn("props", [{"id": "review", "name": "审查", "dept": "SCJG", prop: value}])
    err = rejected(xml)
    assert reason in err.message


def test_two_executable_processes_in_one_file_are_refused(world):
    first = build_bpmn("first", [{"id": "review", "name": "审查", "dept": "SCJG"}])
    second = re.search(r"<bpmn:process.*</bpmn:process>", build_bpmn("second", [
        {"id": "review2", "name": "审查", "dept": "SCJG"}])).group(0)
    for old, new in [('id="ls"', 'id="ls2"'), ("lane_SCJG", "lane2_SCJG"), ('id="start"', 'id="start2"'),
                     ('sourceRef="start"', 'sourceRef="start2"'), ('id="end"', 'id="end2"'),
                     ('targetRef="end"', 'targetRef="end2"'), ('id="f0"', 'id="g0"'), ('id="f1"', 'id="g1"')]:
        second = second.replace(old, new)
    err = rejected(first.replace("</bpmn:definitions>", second + "</bpmn:definitions>"))
    assert "2" in err.message


# --- versions ------------------------------------------------------------------------------------


def test_running_cases_keep_their_version_when_a_new_one_is_published(world):
    # given a case accepted on version 1 (审查 → 决定), and one submitted but not yet accepted
    running = factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=running.pk)
    waiting = factories.apply_online(world.citizen, world.applicant, world.item)
    v1 = running.process_version

    # when version 2 adds a site check between review and decision
    v2 = publish_process_version(actor=None, key=v1.definition.key, name="流程 v2", bpmn_xml=build_bpmn(
        v1.process_id, [
            {"id": "review", "name": "审查", "dept": "SCJG", "role": "reviewer"},
            {"id": "site", "name": "现场核查", "dept": "SCJG", "role": "reviewer"},
            {"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"},
        ]))
    assert (v1.version, v2.version) == (1, 2)
    # publishing the same file again changes nothing
    assert publish_process_version(actor=None, key=v1.definition.key, name="流程 v2", bpmn_xml=v2.bpmn_xml) == v2

    # then both earlier cases run on version 1's steps to the end
    for case in (running, waiting):
        if case is waiting:
            services.accept_application(actor=world.clerk, case_id=case.pk)
        names = []
        while (step := CaseStep.objects.filter(case=case, status=StepStatus.OPEN).first()) is not None:
            names.append(step.name)
            actor = world.reviewer if step.role == "reviewer" else world.decider
            services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")
        case.refresh_from_db()
        assert names == ["审查", "决定"] and case.process_version == v1
        assert case.status == CaseStatus.AWAITING_DELIVERY

    # and a new case runs on version 2
    new = factories.apply_online(world.citizen, world.applicant, world.item)
    assert new.process_version == v2
    services.accept_application(actor=world.clerk, case_id=new.pk)
    review = CaseStep.objects.get(case=new, status=StepStatus.OPEN)
    services.complete_step(actor=world.reviewer, case_id=new.pk, step_id=review.pk, decision="approve")
    assert CaseStep.objects.get(case=new, status=StepStatus.OPEN).name == "现场核查"


def test_engine_state_keeps_task_data_whatever_order_the_database_returns_its_tasks_in():
    # given a case's engine, started with the form and stopped at its first user task
    parsed = bpmn.parse_process(guarded_process())
    spec, subprocess_specs = bpmn.specs_for(("order-test", parsed.digest), parsed.spec_json)
    workflow = bpmn.new_workflow(spec, subprocess_specs)
    workflow.task_tree.data.update({"form": {"area": 150}})
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update({"form": {"area": 150}})
    workflow.do_engine_steps()
    state = bpmn.dump_state(workflow)
    # when the stored state comes back with its task mapping in another order (PostgreSQL's jsonb
    # does not keep the order of object keys: it sorts them)
    state["tasks"] = dict(reversed(list(state["tasks"].items())))
    restored = bpmn.load_state(state, spec, subprocess_specs)
    # then the first user task still has the form, and the gateway after it can read it
    review = restored.get_tasks(state=TaskState.READY, manual=True)[0]
    assert review.data.get("form") == {"area": 150}
    review.data.update({"decision": "approve"})
    review.run()
    restored.do_engine_steps()
    assert [t.task_spec.name for t in restored.get_tasks(state=TaskState.READY, manual=True)] == ["site"]
