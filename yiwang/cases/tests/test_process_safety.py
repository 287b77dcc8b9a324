"""A BPMN file comes from outside: its gateway conditions are FEEL, evaluated by Yiwang's own
interpreter over the case's data, and it carries no scripts. Whatever is not FEEL over the runtime's
variables, and every script, is refused at publication naming the element; the engine refuses to
run a script and cannot evaluate Python should one reach it; files that cannot run are refused
with a reason; and publishing a new version never changes the steps of a case already running."""

from __future__ import annotations

import re

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.util.task import TaskState

from yiwang.cases import services
from yiwang.cases.models import CaseStatus, CaseStep, StepStatus
from yiwang.catalog import bpmn
from yiwang.catalog.conditions import FeelScriptEngine
from yiwang.catalog.feel import FeelError
from yiwang.catalog.models import ProcessVersion
from yiwang.catalog.services import publish_process_version
from yiwang.core.errors import InvalidInput
from yiwang.testing import case_factories, factories, item_factories
from yiwang.testing.bpmn import build_bpmn, guarded_process

pytestmark = pytest.mark.django_db


# Reaches the server's module globals through a running generator's frame, using only names and
# attributes that do not begin with an underscore (the escape of the former Python checker).
FRAME_ESCAPE = ("[(gen := (gen.gi_frame.f_back.f_back.f_globals for x in [1])), "
                "(get := list(gen)[0].get('__builtins__').get('open')), list(get({path!r}))][-1]")
FRAME_ESCAPE_SCRIPT = ("gen = (gen.gi_frame.f_back.f_back.f_globals for x in [1])\n"
                       "get = list(gen)[0].get('__builtins__').get('open')\n"
                       "stolen = list(get({path!r}))")


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
    item = item_factories.item("SCJG-010", dept="SCJG")
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
    "condition",
    [
        "__import__('os').system('id')",
        'open("/etc/passwd").read()',
        "().__class__.__mro__[1].__subclasses__()",
        "sorted(items, key=lambda i: -i)",
        "getattr(form, 'keys')",
        'eval("1")',
        "form.get('area' > 1",
        "form.get('area', 0) > 100",  # the old Python dialect is no longer accepted either
    ],
)
def test_a_condition_that_is_not_feel_is_refused_naming_the_flow(world, condition):
    err = rejected(guarded_process(condition=condition))
    assert "FEEL" in err.message and "f_large" in err.message and "大店" in err.message


def test_a_condition_over_a_variable_the_runtime_never_sets_is_refused(world):
    # as in SpiffWorkflow's own example processes: nothing in Yiwang ever sets skipParallel
    err = rejected(guarded_process(condition="skipParallel = false"))
    assert "skipParallel" in err.message and "decision" in err.message and "f_large" in err.message


@pytest.mark.parametrize(
    "script",
    [
        "import os",
        "from os import path",
        "x = open('/etc/passwd').read()",
        "key = lambda i: -i",
        "def f():\n    return 1",
        "class K:\n    pass",
        "global form",
        "x = form.__class__",
        "large = form.get('area', 0) > 100",  # even a harmless script: uploads run no scripts
    ],
)
def test_every_script_task_is_refused_naming_it(world, script):
    err = rejected(guarded_process(script=script))
    assert "脚本任务" in err.message and "计算" in err.message and "calc" in err.message


def test_a_pre_script_is_refused_naming_its_task(world):
    err = rejected(guarded_process(pre_script="import subprocess"))
    assert "preScript" in err.message and "审查" in err.message


def test_a_condition_reaching_the_servers_globals_through_a_frame_is_refused(world, secret_file):
    # given a condition that uses no underscore name, no import and only whitelisted calls, but walks
    # a generator's frame to the engine's module globals and opens a file
    condition = FRAME_ESCAPE.format(path=secret_file)
    # then publication refuses it
    rejected(guarded_process(condition=condition))


def test_a_script_reaching_the_servers_globals_through_a_frame_is_refused(world, secret_file):
    rejected(guarded_process(script=FRAME_ESCAPE_SCRIPT.format(path=secret_file)))


def _task(data):
    """A real engine task (the errors SpiffWorkflow builds read the workflow) holding ``data``."""
    parsed = bpmn.parse_process(guarded_process())
    spec, subprocess_specs = bpmn.specs_for(("engine-task", parsed.digest), parsed.spec_json)
    task = bpmn.new_workflow(spec, subprocess_specs).task_tree
    task.data = dict(data)
    return task


def test_the_engine_evaluates_no_python_even_when_an_expression_reached_it_without_publication(secret_file):
    # given expressions that somehow reached the engine without passing publication
    engine = FeelScriptEngine()
    for expression in ("open('/etc/passwd')", f"open({secret_file!r}).read()", "__import__('os')",
                       "[c for c in ().__class__.__base__.__subclasses__()]", FRAME_ESCAPE.format(path=secret_file)):
        # then evaluating raises, and no file is read
        with pytest.raises(WorkflowTaskException) as err:
            engine.evaluate(_task({}), expression)
        assert "TOPSECRET" not in str(err.value)
    # and no script runs, whatever it is
    with pytest.raises(WorkflowTaskException):
        engine.execute(_task({}), "x = 1")
    # nor through the environment SpiffWorkflow calls directly in a few places
    with pytest.raises(FeelError):
        engine.environment.evaluate("__import__('os').getcwd()", {})
    with pytest.raises(FeelError):
        engine.environment.execute("import os", {})
    assert engine.environment.evaluate("x > 1", {"x": 2}) is True


def test_ordinary_conditions_evaluate_over_the_task_data():
    engine = FeelScriptEngine()
    assert engine.evaluate(_task({"form": {"area": 150}}), "form.area > 100") is True
    assert engine.evaluate(_task({"items": [1, 2, 3]}), "count(items) + max([1, 2]) = 5") is True
    assert engine.evaluate(_task({"applicant_kind": "org", "scope": "food,retail"}),
                           'applicant_kind = "org" and contains(scope, "food")') is True
    # a condition that cannot be decided (null) does not take its flow
    assert engine.evaluate(_task({}), "form.area > 100") is False


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


def publish_with_site_check(v1):
    """Version 2 of ``v1``'s process: a site check (现场核查) between review and decision."""
    return publish_process_version(actor=None, key=v1.definition.key, name="流程 v2", bpmn_xml=build_bpmn(
        v1.process_id, [
            {"id": "review", "name": "审查", "dept": "SCJG", "role": "reviewer"},
            {"id": "site", "name": "现场核查", "dept": "SCJG", "role": "reviewer"},
            {"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"},
        ]))


def test_running_cases_keep_their_version_when_a_new_one_is_published(world):
    # given a case accepted on version 1 (审查 → 决定), and one submitted but not yet accepted
    running = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=running.pk)
    waiting = case_factories.apply_online(world.citizen, world.applicant, world.item)
    v1 = running.process_version

    # when version 2 adds a site check between review and decision
    v2 = publish_with_site_check(v1)
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
    new = case_factories.apply_online(world.citizen, world.applicant, world.item)
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


def test_an_application_through_the_api_starts_on_the_version_published_last(world):
    # given an item on version 1 (审查 → 决定); the API reads the version to start on with the item
    from django.test import Client

    from yiwang.cases.models import Case
    from yiwang.cases.tests.test_api import apply_payload
    from yiwang.testing.http import bearer, post_json

    client = Client()
    citizen = bearer(client, "citizen")

    def submitted() -> Case:
        response = post_json(client, "/api/v1/applications", apply_payload(client, citizen, world.item), citizen)
        assert response.status_code == 201, response.content
        return Case.objects.get(number=response.json()["number"])

    first = submitted()
    v1 = first.process_version
    # when version 2 adds a site check, and the citizen applies again
    v2 = publish_with_site_check(v1)
    second = submitted()
    # then the first case is on version 1, the second on version 2, and runs version 2's steps
    assert (v1.version, first.process_version, second.process_version) == (1, v1, v2)
    services.accept_application(actor=world.clerk, case_id=second.pk)
    review = CaseStep.objects.get(case=second, status=StepStatus.OPEN)
    services.complete_step(actor=world.reviewer, case_id=second.pk, step_id=review.pk, decision="approve")
    assert CaseStep.objects.get(case=second, status=StepStatus.OPEN).name == "现场核查"
