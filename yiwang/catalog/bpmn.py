"""The one place that knows SpiffWorkflow's internals: parsing, validation, spec storage, and
engine state serialized without the embedded spec.

Yiwang accepts the SpiffWorkflow BPMN dialect (``SpiffBpmnParser``): a user task's department is
the name of its lane (a ``core.Department`` code), and optional extension properties
(``spiffworkflow:properties``) give ``role`` (``reviewer`` or ``decider``) and ``days`` (the
step's time limit in working days).

Gateway conditions are FEEL expressions over the task data the runtime provides, evaluated by
Yiwang's own interpreter (``yiwang.catalog.conditions``, ``yiwang.catalog.feel``): nothing uploaded
runs Python. Script tasks and pre/post scripts are refused at upload (see ``docs/feel.md``).
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from yiwang.catalog import bpmn_structure
from yiwang.catalog.conditions import SCRIPT_ENGINE, ProcessExpressionRejected, check_process_expressions

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

class BpmnRejected(Exception):
    """A BPMN file that cannot be used, with the reasons a person can act on (``problems``: one
    line per element refused)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(frozen=True)
class StepSpec:
    task_id: str
    name: str
    department_code: str
    role: str
    days: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "name": self.name, "department": self.department_code,
                "role": self.role, "days": self.days}


@dataclass
class ParsedProcess:
    process_id: str
    spec_json: dict[str, Any]
    steps: list[StepSpec]
    digest: str
    lanes: set[str] = field(default_factory=set)
    # the file as published: lanes renamed by the lane map (the upload itself when there is none)
    xml: str = ""
    warnings: list[str] = field(default_factory=list)


class _WorkflowStateConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its spec; on load the caller supplies the cached spec objects
    under ``spec`` and ``subprocess_specs`` instead of their dicts."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs", {})
        workflow = self.target_class(spec, subprocess_specs, deserializing=True, script_engine=SCRIPT_ENGINE)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_spec_registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
_spec_serializer = BpmnWorkflowSerializer(_spec_registry)
_state_config = dict(SPIFF_CONFIG)
_state_config[BpmnWorkflow] = _WorkflowStateConverter
_state_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_state_config))


def parse_process(bpmn_xml: str, lane_map: dict[str, str] | None = None) -> ParsedProcess:
    """Parse and validate a BPMN 2.0 file; raise ``BpmnRejected`` with the reasons.

    ``lane_map`` renames lanes (by name, or by id for an unnamed lane) to department codes before
    anything else; the result's ``xml`` is the file as published, with the lanes renamed."""
    data = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bpmn_xml
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise BpmnRejected(f"不是有效的 XML: {exc}") from exc
    structure = bpmn_structure.StructureReport()
    if lane_map:
        structure.problems.extend(bpmn_structure.apply_lane_map(root, lane_map))
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    checked = bpmn_structure.check_structure(root)
    structure.problems.extend(checked.problems)
    if structure.problems:
        raise BpmnRejected("；".join(structure.problems), structure.problems)
    try:
        check_process_expressions(root)
    except ProcessExpressionRejected as exc:
        raise BpmnRejected(str(exc)) from exc
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(etree.ElementTree(root), filename="process.bpmn")
        process_ids = parser.get_process_ids()
        if len(process_ids) != 1:
            raise BpmnRejected(f"文件必须只包含一个可执行流程，实际为 {len(process_ids)} 个。")
        process_id = process_ids[0]
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except SpiffWorkflowException as exc:
        raise BpmnRejected(f"BPMN 校验失败: {exc}") from exc
    except (ValueError, KeyError, AttributeError) as exc:
        raise BpmnRejected(f"BPMN 解析失败: {exc}") from exc

    steps: list[StepSpec] = []
    for task_spec in spec.task_specs.values():
        if not isinstance(task_spec, UserTask):
            continue
        props = (task_spec.extensions or {}).get("properties", {})
        if not task_spec.lane:
            raise BpmnRejected(f"用户任务 {task_spec.bpmn_name or task_spec.name} 不在任何泳道中：泳道名称须为部门代码。")
        days_raw = props.get("days")
        try:
            days = int(days_raw) if days_raw not in (None, "") else None
        except ValueError as exc:
            raise BpmnRejected(f"用户任务 {task_spec.name} 的 days 必须是整数。") from exc
        role = props.get("role", "")
        if role not in ("", "reviewer", "decider"):
            raise BpmnRejected(f"用户任务 {task_spec.name} 的 role 只能是 reviewer 或 decider。")
        steps.append(StepSpec(task_spec.name, task_spec.bpmn_name or task_spec.name, task_spec.lane, role, days))
    if not steps:
        raise BpmnRejected("流程中没有用户任务：至少需要一个审批环节。")

    probe = BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)
    full = _spec_serializer.to_dict(probe)
    spec_json = {"spec": full["spec"], "subprocess_specs": full["subprocess_specs"]}
    return ParsedProcess(
        process_id=process_id,
        spec_json=spec_json,
        steps=_in_flow_order(steps, spec),
        digest=hashlib.sha256(data).hexdigest(),
        lanes={s.department_code for s in steps},
        xml=data.decode("utf-8") if lane_map else bpmn_xml if isinstance(bpmn_xml, str) else data.decode("utf-8"),
        warnings=checked.warnings,
    )


def _in_flow_order(steps: list[StepSpec], spec: Any) -> list[StepSpec]:
    order: dict[str, int] = {}
    queue = [spec.start]
    while queue:
        node = queue.pop(0)
        if node.name in order:
            continue
        order[node.name] = len(order)
        queue.extend(node.outputs)
    return sorted(steps, key=lambda s: order.get(s.task_id, 10**6))


_cache_lock = threading.Lock()
_spec_cache: dict[Any, tuple[Any, dict[str, Any]]] = {}


def specs_for(
    cache_key: Any, spec_json: dict[str, Any] | Callable[[], dict[str, Any]]
) -> tuple[Any, dict[str, Any]]:
    """Restore (once per process and version) the spec objects stored with a process version.

    ``spec_json`` may be a callable, called only on a cache miss (so that callers need not read
    the large column on every load)."""
    cached = _spec_cache.get(cache_key)
    if cached is not None:
        return cached
    if callable(spec_json):
        spec_json = spec_json()
    spec = _spec_registry.restore(copy.deepcopy(spec_json["spec"]))
    subprocess_specs = {k: _spec_registry.restore(copy.deepcopy(v)) for k, v in spec_json.get("subprocess_specs", {}).items()}
    with _cache_lock:
        _spec_cache[cache_key] = (spec, subprocess_specs)
    return spec, subprocess_specs


def new_workflow(spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    return BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Engine state without the embedded spec (stored once per process version instead)."""
    return _state_serializer.to_dict(workflow)


def load_state(state: dict[str, Any], spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Restore a workflow from ``dump_state`` output. The workflow takes over the nested dicts of
    ``state`` (task data among them): pass a state freshly read or decoded, not one still in use.
    Only the top level is copied (a deep copy of every task's data cost about a fifth of a load)."""
    dct = dict(state)
    dct["tasks"] = _parents_first(dct["tasks"], dct["root"])
    if dct.get("subprocesses"):
        dct["subprocesses"] = {
            key: {**sub, "tasks": _parents_first(sub["tasks"], sub["root"])} for key, sub in dct["subprocesses"].items()
        }
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    return _state_serializer.from_dict(dct)


def _parents_first(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    """Order serialized tasks so that every parent comes before its children.

    SpiffWorkflow 3.2 stores each task's data as a delta from its parent's and restores tasks in
    the order of this mapping, so a child restored before its parent silently loses its data.
    JSON text keeps insertion order, but PostgreSQL's jsonb does not (it sorts keys)."""
    ordered: dict[str, Any] = {}
    queue = [root]
    while queue:
        task_id = queue.pop()
        if task_id in ordered or task_id not in tasks:
            continue
        ordered[task_id] = tasks[task_id]
        queue.extend(reversed(tasks[task_id].get("children", [])))
    if len(ordered) != len(tasks):  # tasks outside the tree (never written by dump_state): keep them
        ordered.update((k, v) for k, v in tasks.items() if k not in ordered)
    return ordered
