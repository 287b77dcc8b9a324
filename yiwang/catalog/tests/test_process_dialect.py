"""The BPMN dialect Yiwang accepts: modeler files are refused with the element named or accepted as
documented, lanes can be mapped to departments at upload, and every stock process is valid BPMN 2.0."""

from __future__ import annotations

import functools
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from yiwang.catalog.bpmn import BPMN_NS, BpmnRejected, parse_process
from yiwang.catalog.models import ProcessVersion
from yiwang.catalog.processes import PROCESS_DIR, SHAPES, process_template, render_process
from yiwang.catalog.services import publish_process_version
from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent, Department

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MODELER = FIXTURES / "modeler"


@functools.cache
def bpmn_schema() -> etree.XMLSchema:
    """The OMG BPMN 2.0 XSD, loaded from the fixtures (imports resolve to files beside it, offline)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(FIXTURES / "xsd" / "BPMN20.xsd"), parser))


def xsd_errors(xml: str) -> list[str]:
    schema = bpmn_schema()
    ok = schema.validate(etree.fromstring(xml.encode("utf-8")))
    return [] if ok else [f"{e.line}: {e.message}" for e in schema.error_log]


def refusal(xml: str, lane_map: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(BpmnRejected) as info:
        parse_process(xml, lane_map=lane_map)
    return info.value.problems


# --- the stock processes are valid BPMN 2.0 -----------------------------------------------------

def test_the_schema_rejects_what_the_old_templates_had():
    # a check that would pass with any file is no check: the schema must refuse an id with "${"
    broken = process_template("two_step").replace('id="review"', 'id="review_${dept}"')
    assert xsd_errors(broken)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shipped_file_is_valid_bpmn(shape):
    text = (PROCESS_DIR / f"{shape}.bpmn").read_text(encoding="utf-8")
    assert "${" not in text
    assert xsd_errors(text) == []


@pytest.mark.django_db
def test_every_seeded_process_is_valid_bpmn():
    from yiwang.catalog.demo import seed_catalog
    from yiwang.core.demo import seed_core

    seed_core()
    seed_catalog()
    versions = list(ProcessVersion.objects.all())
    assert len(versions) >= len(SHAPES)
    for version in versions:
        assert xsd_errors(version.bpmn_xml) == [], version.definition.key
        assert "${" not in version.bpmn_xml
    # seeding used the lane mapping: the published file names departments, recorded in the audit
    two_step = ProcessVersion.objects.filter(definition__key__startswith="two_step_").first()
    code = two_step.definition.key.removeprefix("two_step_")
    assert f'name="{code}"' in two_step.bpmn_xml and 'name="dept"' not in two_step.bpmn_xml
    audit = AuditEvent.objects.filter(event_type="process_version_published", subject_id=two_step.definition.key).get()
    assert audit.details["lane_map"] == {"dept": code}


@pytest.mark.parametrize(("shape", "codes"), [
    ("two_step", {"dept": "SCJG"}),
    ("handoff", {"dept": "CG", "partner": "ZRZY"}),
    ("joint_review", {"dept": "ZJ", "partner": "ZRZY", "partner2": "HB"}),
])
def test_rendered_processes_are_valid_bpmn(shape, codes):
    assert xsd_errors(render_process(shape, names={"ZRZY": "自然资源"}, **codes)) == []


# --- modeler files: refused with the element named, never reinterpreted -------------------------

@pytest.mark.parametrize(("fixture", "expected"), [
    ("diff_v1_plain_task.bpmn", ["Activity_0b53566", "First Task", "用户任务"]),
    ("lanes.bpmn", ["Implement_Feature", "Implement Feature", "手工任务", "Activity_0i0rxuw", "子流程"]),
    ("ExclusiveGatewayIfElseAndDecision.bpmn", ["TaskDecision", "Else Decision Table", "业务规则任务"]),
    ("data_object.bpmn", ["DataInputAssociation_1vaag83", "数据输入关联", "subprocess"]),
    ("service_task.bpmn", ["Activity_1inxqgx", "服务任务"]),
    ("timer.bpmn", ["Event_0bxivgz", "Take 5", "中间捕获事件"]),
    ("event-gateway.bpmn", ["Gateway_1434v9l", "事件网关"]),
    ("call_activity_end_event.bpmn", ["Activity_Call_Activity", "调用活动"]),
    ("collaboration.bpmn", ["2 个池", "love_letter_flow", "ActivitySendLetter"]),
    ("token_trial_parallel_simple.bpmn", ["UserTask_0fd3nql", "Task P1", "不在任何泳道"]),
])
def test_modeler_files_are_refused_with_the_element_named(fixture, expected):
    problems = refusal((MODELER / fixture).read_text(encoding="utf-8"))
    text = "\n".join(problems)
    for part in expected:
        assert part in text, (part, text)
    assert " object at 0x" not in text and "None" not in text  # no Python object or engine internals


def test_a_manual_task_outside_any_lane_is_refused_at_upload_not_at_run_time():
    xml = _with_lanes((MODELER / "resetworkflowA-sublevel.bpmn").read_text(), {"Reviewers": None})
    xml = xml.replace("<bpmn:userTask id=\"SubTask2\"", "<bpmn:manualTask id=\"SubTask2\"").replace(
        "</bpmn:userTask>", "</bpmn:manualTask>")
    problems = refusal(xml)
    assert any("SubTask2" in p and "手工任务" in p for p in problems)


def test_every_refusal_is_listed_not_only_the_first():
    problems = refusal((MODELER / "lanes.bpmn").read_text())
    assert len(problems) == 3  # two manual tasks and the subprocess (its contents are not listed again)


def test_modeler_form_definitions_are_reported_as_ignored_not_silently_dropped():
    xml = _with_lanes((MODELER / "token_trial_parallel_simple.bpmn").read_text(), {"Dept": None})
    xml = xml.replace("skipParallel == False", "decision = \"deny\"").replace("skipParallel == True", "decision = \"approve\"")
    parsed = parse_process(xml, lane_map={"Dept": "SCJG"})
    assert [s.task_id for s in parsed.steps][0] == "Activity_1ghr6kd"
    assert any("camunda:formData" in w and "UserTask_0fd3nql" in w for w in parsed.warnings)


@pytest.mark.parametrize(("prop", "value", "message"), [
    ("role", "boss", "reviewer"),
    ("days", "three", "整数"),
    ("days", "0", "整数"),
])
def test_bad_step_properties_name_the_task(prop, value, message):
    xml = render_process("two_step", dept="SCJG").replace(
        'name="role" value="reviewer"', f'name="{prop}" value="{value}"')
    problems = refusal(xml)
    assert any("review" in p and "审查" in p and message in p for p in problems)


def test_a_non_executable_process_says_how_to_fix_it():
    xml = render_process("one_step", dept="SCJG").replace('isExecutable="true"', 'isExecutable="false"')
    assert any("可执行" in p for p in refusal(xml))


def test_a_file_that_is_not_bpmn_is_refused():
    assert any("BPMN 2.0" in p for p in refusal("<definitions/>"))


# --- lanes mapped to departments at upload ------------------------------------------------------

def _with_lanes(xml: str, lanes: dict[str, list[str] | None]) -> str:
    """Add a lane set to a modeler file (the file itself is kept unchanged in the fixtures):
    each lane holds the given flow nodes, or all of them for ``None``."""
    root = etree.fromstring(xml.encode("utf-8"))
    process = root.find(f"{{{BPMN_NS}}}process")
    nodes = [el.get("id") for el in process if el.get("id") and etree.QName(el).localname != "sequenceFlow"]
    lane_set = etree.Element(f"{{{BPMN_NS}}}laneSet", id="LaneSet_added")
    for index, (name, members) in enumerate(lanes.items()):
        lane = etree.SubElement(lane_set, f"{{{BPMN_NS}}}lane", id=f"Lane_{index}", name=name)
        for node in nodes if members is None else members:
            etree.SubElement(lane, f"{{{BPMN_NS}}}flowNodeRef").text = node
    process.insert(0, lane_set)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


@pytest.fixture
def departments(db):
    for code in ("SCJG", "SW", "GA"):
        Department.objects.create(code=code, name=code)


def test_a_modeler_file_with_its_own_lane_names_is_published_through_a_lane_map(departments):
    # given a modeler's file whose lane is called "Reviewers", not a department code
    xml = _with_lanes((MODELER / "resetworkflowA-sublevel.bpmn").read_text(), {"Reviewers": None})
    with pytest.raises(InvalidInput) as info:
        publish_process_version(actor=None, key="modeler", name="M", bpmn_xml=xml)
    assert "Reviewers" in info.value.message and "泳道对应部门" in info.value.message
    # when it is published with the lane mapped to a department
    version = publish_process_version(actor=None, key="modeler", name="M", bpmn_xml=xml, lane_map={"Reviewers": "SW"})
    # then the step belongs to that department, the stored file says so, and the map is audited
    assert version.steps == [{"task_id": "SubTask2", "name": "SubTask2", "department": "SW", "role": "", "days": None}]
    assert 'name="SW"' in version.bpmn_xml and "Reviewers" not in version.bpmn_xml
    audit = AuditEvent.objects.get(event_type="process_version_published", subject_id="modeler")
    assert audit.details["lane_map"] == {"Reviewers": "SW"}
    # and publishing the same file with the same map again publishes nothing new
    again = publish_process_version(actor=None, key="modeler", name="M", bpmn_xml=xml, lane_map={"Reviewers": "SW"})
    assert again.pk == version.pk


def test_a_lane_map_naming_a_missing_lane_or_department_is_refused(departments):
    xml = _with_lanes((MODELER / "resetworkflowA-sublevel.bpmn").read_text(), {"Reviewers": None})
    with pytest.raises(InvalidInput) as info:
        publish_process_version(actor=None, key="m", name="M", bpmn_xml=xml, lane_map={"Reviewrs": "SW"})
    assert "Reviewrs" in info.value.message and "Reviewers" in info.value.message
    with pytest.raises(InvalidInput) as info:
        publish_process_version(actor=None, key="m", name="M", bpmn_xml=xml, lane_map={"Reviewers": "NOPE"})
    assert info.value.code == "unknown_department" and "NOPE" in info.value.message
    assert not ProcessVersion.objects.filter(definition__key="m").exists()


def test_an_unnamed_lane_is_mapped_by_its_id(departments):
    xml = _with_lanes((MODELER / "resetworkflowA-sublevel.bpmn").read_text(), {"": None})
    version = publish_process_version(actor=None, key="m", name="M", bpmn_xml=xml, lane_map={"Lane_0": "GA"})
    assert version.steps[0]["department"] == "GA"


# --- check_process: what an upload would say ----------------------------------------------------

def _check(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("check_process", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue() + err.getvalue()


def test_check_process_accepts_a_valid_file_with_its_step_summary(departments, tmp_path):
    path = tmp_path / "p.bpmn"
    path.write_text(render_process("two_step", dept="SCJG"), encoding="utf-8")
    code, output = _check(str(path))
    assert code == 0
    assert "审查（SCJG" in output and "决定（SCJG" in output


def test_check_process_refuses_with_every_reason(departments, tmp_path):
    path = tmp_path / "p.bpmn"
    path.write_text((MODELER / "lanes.bpmn").read_text(), encoding="utf-8")
    code, output = _check(str(path))
    assert code == 1
    assert "Implement_Feature" in output and "Activity_1uksrqx" in output and "Activity_0i0rxuw" in output


def test_check_process_maps_lanes(departments, tmp_path):
    path = tmp_path / "p.bpmn"
    path.write_text(_with_lanes((MODELER / "resetworkflowA-sublevel.bpmn").read_text(), {"Reviewers": None}))
    assert _check(str(path))[0] == 1
    code, output = _check(str(path), "--lanes", json.dumps({"Reviewers": "SW"}))
    assert code == 0 and "SubTask2（SW" in output
    code, output = _check(str(path), "--lanes", "{not json")
    assert code == 2 and "JSON" in output


def test_check_process_says_when_the_file_is_missing(tmp_path):
    code, output = _check(str(tmp_path / "nope.bpmn"))
    assert code == 2 and "nope.bpmn" in output


# --- the admin upload form maps lanes -------------------------------------------------------------

def test_the_admin_upload_maps_lanes_to_departments(departments, client):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(get_user_model().objects.create_superuser("root", password="pw-root-1"))
    xml = _with_lanes((MODELER / "resetworkflowA-sublevel.bpmn").read_text(), {"审批科": None})

    def post(lanes: str):
        return client.post("/admin/catalog/processdefinition/add/", {
            "key": "modeler_p", "name": "建模工具流程", "lanes": lanes,
            "bpmn_file": SimpleUploadedFile("p.bpmn", xml.encode())})

    unmapped = post("")
    assert unmapped.status_code == 200 and "审批科" in unmapped.content.decode()
    bad_line = post("审批科")
    assert bad_line.status_code == 200 and "第 1 行" in bad_line.content.decode()
    assert post("审批科=SW").status_code == 302
    version = ProcessVersion.objects.get(definition__key="modeler_p")
    assert version.steps[0]["department"] == "SW"
    assert AuditEvent.objects.get(event_type="process_version_published").details["lane_map"] == {"审批科": "SW"}


def test_the_admin_lists_every_refusal_of_a_modeler_file(departments, client):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(get_user_model().objects.create_superuser("root", password="pw-root-1"))
    response = client.post("/admin/catalog/processdefinition/add/", {
        "key": "lanes_p", "name": "L", "bpmn_file": SimpleUploadedFile("p.bpmn", (MODELER / "lanes.bpmn").read_bytes())})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Implement_Feature" in page and "Activity_1uksrqx" in page and "Activity_0i0rxuw" in page


def test_refusals_are_translated():
    from django.utils import translation

    with translation.override("en"):
        problems = refusal((MODELER / "diff_v1_plain_task.bpmn").read_text())
    assert problems == ['Task "First Task" (id: Activity_0b53566) has no type: Yiwang makes only user tasks (userTask) '
                        "approval steps. Change it to a user task in your modeler (and put it in a department's lane), "
                        "or delete it."]
