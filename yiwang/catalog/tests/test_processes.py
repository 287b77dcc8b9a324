"""The stock BPMN processes parse, name the right departments and run to completion."""

from __future__ import annotations

import pytest
from lxml import etree
from SpiffWorkflow.util.task import TaskState

from yiwang.catalog.bpmn import BPMN_NS, new_workflow, parse_process, specs_for
from yiwang.catalog.processes import PROCESS_DIR, SHAPES, render_process

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DD_DI_NS = "http://www.omg.org/spec/DD/20100524/DI"

# shape -> departments to render it for, expected steps (task id, department) in flow order
EXPECTED = {
    "one_step": ({"dept": "MZ"}, [("decide", "MZ")]),
    "two_step": ({"dept": "SCJG"}, [("review", "SCJG"), ("decide", "SCJG")]),
    "three_step": ({"dept": "GA"}, [("review", "GA"), ("check", "GA"), ("decide", "GA")]),
    "site_check": ({"dept": "WJ"}, [("review", "WJ"), ("inspect", "WJ"), ("decide", "WJ")]),
    "handoff": ({"dept": "CG", "partner": "ZRZY"}, [("review", "CG"), ("assist", "ZRZY"), ("decide", "CG")]),
    "joint_review": (
        {"dept": "ZJ", "partner": "ZRZY", "partner2": "HB"},
        [("review", "ZJ"), ("countersign_a", "ZRZY"), ("countersign_b", "HB"), ("decide", "ZJ")],
    ),
    "enterprise_opening": (
        {},
        [("review", "SCJG"), ("register", "SCJG"), ("tax", "SW"), ("seal", "GA"), ("decide", "SCJG")],
    ),
    "real_estate_transfer": ({}, [("review", "ZRZY"), ("tax", "SW"), ("record", "ZRZY")]),
    "credit_repair": ({"dept": "SCJG"}, [("verify", "SCJG"), ("decide", "SCJG")]),
}


def _run(parsed, cache_key, decisions=None):
    """Complete every ready user task (``approve`` unless ``decisions`` says otherwise); return the
    task ids completed, in order, and the workflow."""
    decisions = decisions or {}
    spec, subprocess_specs = specs_for(cache_key, parsed.spec_json)
    workflow = new_workflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    done: list[str] = []
    for _round in range(20):
        if workflow.is_completed():
            break
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        assert ready, f"workflow stuck after {done}"
        for task in ready:
            task.data["decision"] = decisions.get(task.task_spec.name, "approve")
            task.run()
            done.append(task.task_spec.name)
        workflow.do_engine_steps()
    return done, workflow


def test_every_file_is_a_known_shape():
    files = {p.stem for p in PROCESS_DIR.glob("*.bpmn")}
    assert files == set(SHAPES) == set(EXPECTED)
    assert len(files) >= 6


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_process_parses_with_expected_steps(shape):
    # given
    codes, steps = EXPECTED[shape]
    # when
    parsed = parse_process(render_process(shape, names={"MZ": "县民政局"}, **codes))
    # then
    assert parsed.process_id == "_".join([shape, *SHAPES[shape].params])  # the file's own id: no placeholders
    assert [(s.task_id, s.department_code) for s in parsed.steps] == steps
    assert parsed.lanes == {d for _t, d in steps}
    assert all(s.role in ("reviewer", "decider") for s in parsed.steps)
    assert parsed.steps[-1].role == "decider"


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_process_has_a_diagram_for_every_element(shape):
    codes, _steps = EXPECTED[shape]
    root = etree.fromstring(render_process(shape, **codes).encode())
    process = root.find(f"{{{BPMN_NS}}}process")
    element_ids = {el.get("id") for el in process if el.get("id")} - {None}
    element_ids |= {lane.get("id") for lane in root.iter(f"{{{BPMN_NS}}}lane")}
    shapes = {el.get("bpmnElement") for el in root.iter(f"{{{BPMNDI_NS}}}BPMNShape")}
    edges = {el.get("bpmnElement") for el in root.iter(f"{{{BPMNDI_NS}}}BPMNEdge")}
    flows = {el.get("id") for el in process.iter(f"{{{BPMN_NS}}}sequenceFlow")}
    nodes = element_ids - flows - {el.get("id") for el in process.iter(f"{{{BPMN_NS}}}laneSet")}
    nodes.discard(None)
    assert nodes <= shapes
    assert flows == edges
    for edge in root.iter(f"{{{BPMNDI_NS}}}BPMNEdge"):
        assert len(edge.findall(f"{{{DD_DI_NS}}}waypoint")) >= 2


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_process_runs_to_completion_when_every_step_approves(shape):
    # given
    codes, steps = EXPECTED[shape]
    parsed = parse_process(render_process(shape, **codes))
    # when
    done, workflow = _run(parsed, ("test_processes", shape))
    # then
    assert workflow.is_completed()
    assert sorted(done) == sorted(t for t, _d in steps)
    assert done[-1] == steps[-1][0]


def test_three_step_ends_early_when_the_first_review_denies():
    parsed = parse_process(render_process("three_step", dept="GA"))
    done, workflow = _run(parsed, ("test_processes", "three_step_deny"), {"review": "deny"})
    assert workflow.is_completed()
    assert done == ["review"]
    ended = [t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name.startswith("end")]
    assert "end_denied" in ended


def test_three_step_ends_early_when_the_check_denies():
    parsed = parse_process(render_process("three_step", dept="GA"))
    done, workflow = _run(parsed, ("test_processes", "three_step_deny2"), {"check": "deny"})
    assert workflow.is_completed()
    assert done == ["review", "check"]


@pytest.mark.parametrize(("shape", "codes", "deny_at"), [
    ("site_check", {"dept": "WJ"}, "inspect"),
    ("joint_review", {"dept": "ZJ", "partner": "ZRZY", "partner2": "HB"}, "review"),
    ("real_estate_transfer", {}, "review"),
])
def test_other_gateways_end_early_on_deny(shape, codes, deny_at):
    parsed = parse_process(render_process(shape, **codes))
    done, workflow = _run(parsed, ("test_processes", f"{shape}_deny"), {deny_at: "deny"})
    assert workflow.is_completed()
    assert done[-1] == deny_at
    assert "decide" not in done and "record" not in done


def test_render_refuses_missing_or_unsafe_department_codes():
    with pytest.raises(ValueError):
        render_process("handoff", dept="CG")
    with pytest.raises(ValueError):
        render_process("two_step", dept='SC"JG')
    with pytest.raises(KeyError):
        render_process("no_such_shape", dept="SCJG")


# --- the admin publishes uploaded BPMN files --------------------------------------------------

@pytest.fixture
def admin_client_with_departments(db, client):
    from django.contrib.auth import get_user_model

    from yiwang.core.models import Department

    for code in ("SCJG", "SW", "GA"):
        Department.objects.create(code=code, name=code)
    admin = get_user_model().objects.create_superuser("root", password="pw-root-1")
    client.force_login(admin)
    return client


def _upload(client, url, xml, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"bpmn_file": SimpleUploadedFile("p.bpmn", xml.encode() if isinstance(xml, str) else xml), **fields}
    return client.post(url, data)


def test_admin_creates_a_process_from_an_uploaded_file(admin_client_with_departments):
    from yiwang.catalog.models import ProcessDefinition

    # given
    client = admin_client_with_departments
    # when
    response = _upload(client, "/admin/catalog/processdefinition/add/", render_process("two_step", dept="SCJG"),
                       key="two_step_SCJG", name="审查—决定（市场监管）")
    # then
    assert response.status_code == 302
    definition = ProcessDefinition.objects.get(key="two_step_SCJG")
    assert definition.latest_version().version == 1
    assert [s["task_id"] for s in definition.latest_version().steps] == ["review", "decide"]


def test_admin_publishes_a_new_version_and_ignores_an_identical_file(admin_client_with_departments):
    from yiwang.catalog.services import publish_process_version

    client = admin_client_with_departments
    version = publish_process_version(actor=None, key="p", name="P", bpmn_xml=render_process("two_step", dept="SCJG"))
    url = f"/admin/catalog/processdefinition/{version.definition_id}/upload/"
    assert client.get(url).status_code == 200
    # an identical file publishes nothing
    assert _upload(client, url, render_process("two_step", dept="SCJG")).status_code == 302
    assert version.definition.versions.count() == 1
    # a changed file is the next version
    assert _upload(client, url, render_process("one_step", dept="SCJG")).status_code == 302
    assert version.definition.latest_version().version == 2
    page = client.get(f"/admin/catalog/processdefinition/{version.definition_id}/change/")
    assert page.status_code == 200 and "上传 BPMN 文件" in page.content.decode()


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe not utf-8", "UTF-8"),
    ("<not-xml", "XML"),
    (render_process("two_step", dept="ZRZY"), "ZRZY"),  # a lane naming an unknown department
    (render_process("three_step", dept="SCJG").replace('decision = "deny"', '__import__("os").system("id")'), "FEEL"),
])
def test_admin_shows_why_a_file_is_refused_instead_of_failing(admin_client_with_departments, content, message):
    from yiwang.catalog.models import ProcessDefinition

    client = admin_client_with_departments
    response = _upload(client, "/admin/catalog/processdefinition/add/", content, key="bad_one", name="坏文件")
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body and message in body
    assert not ProcessDefinition.objects.filter(key="bad_one").exists()


def test_admin_refuses_a_key_that_exists(admin_client_with_departments):
    from yiwang.catalog.services import publish_process_version

    publish_process_version(actor=None, key="taken", name="P", bpmn_xml=render_process("one_step", dept="SCJG"))
    response = _upload(admin_client_with_departments, "/admin/catalog/processdefinition/add/",
                       render_process("one_step", dept="SW"), key="taken", name="again")
    assert response.status_code == 200 and "已存在" in response.content.decode()
