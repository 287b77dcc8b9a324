"""The workflow runtime of one case: wraps its SpiffWorkflow instance behind a few domain calls.

Callers hold the case row lock (``select_for_update`` in the service) for the whole
load → change → save, so two approvers can never complete the same engine task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.util.task import TaskState

from yiwang.catalog import bpmn
from yiwang.catalog.models import ProcessVersion


class EngineFailure(Exception):
    """The process engine could not go on (a gateway with no matching flow, a condition naming a
    variable the case lacks, a lane naming no department …). ``element`` names the BPMN element
    where it happened, when the engine says; ``case_id`` the case whose engine it was (set by the
    runtime loaded for a case, so the failure can be recorded on it after the step's rollback)."""

    def __init__(self, message: str, *, element: str = "", error_type: str = "", case_id: int | None = None):
        super().__init__(message)
        self.element = element
        self.error_type = error_type
        self.case_id = case_id


def _element_of(exc: BaseException) -> str:
    spec = getattr(exc, "task_spec", None) or getattr(getattr(exc, "task", None), "task_spec", None)
    if spec is None:
        return ""
    name = getattr(spec, "bpmn_name", None) or ""
    ident = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "")
    return f"{name}（{ident}）" if name else str(ident)


def _engine_call(fn: Any, *args: Any) -> Any:
    """Run one engine call; any exception from the engine (which evaluates an uploaded file) becomes
    an ``EngineFailure`` the services record on the case instead of a 500."""
    try:
        return fn(*args)
    except EngineFailure:
        raise
    except Exception as exc:  # the engine raises many kinds (KeyError, SpiffWorkflowException …)
        raise EngineFailure(str(exc) or type(exc).__name__, element=_element_of(exc),
                            error_type=type(exc).__name__) from exc


@dataclass(frozen=True)
class ReadyStep:
    task_id: str
    task_name: str
    name: str
    department_code: str
    role: str
    days: int | None


class CaseRuntime:
    def __init__(self, workflow: Any, *, case_id: int | None = None):
        self.workflow = workflow
        self.case_id = case_id

    def _engine(self, fn: Any, *args: Any) -> Any:
        """``_engine_call`` whose failure names this runtime's case."""
        try:
            return _engine_call(fn, *args)
        except EngineFailure as exc:
            if exc.case_id is None:
                exc.case_id = self.case_id
            raise

    @staticmethod
    def _specs(version: ProcessVersion) -> tuple[Any, dict[str, Any]]:
        # the spec JSON is read (and the deferred column fetched) only when this process has not
        # restored this version yet
        return bpmn.specs_for((version.pk, version.digest), lambda: version.spec_json)

    @classmethod
    def start(cls, version: ProcessVersion, data: dict[str, Any]) -> CaseRuntime:
        spec, subprocess_specs = cls._specs(version)
        workflow = bpmn.new_workflow(spec, subprocess_specs)
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        _engine_call(workflow.do_engine_steps)
        return cls(workflow)

    @classmethod
    def start_at(cls, version: ProcessVersion, data: dict[str, Any], task_names: list[str]) -> CaseRuntime:
        """A workflow of ``version`` whose open steps are ``task_names`` (user task ids), as if the
        steps before them were done: how an administrator moves or migrates a case.

        SpiffWorkflow has no "jump"; the task tree is built by hand: the start event counts as done
        and each chosen step is a ready child of it. A parallel join after a chosen step also needs
        its other incoming branches done, or it would wait forever: for each such branch that no
        chosen step leads to, a completed placeholder of its last task is added (the branch counts
        as done). Inclusive joins and loops are not given placeholders."""
        from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway

        spec, subprocess_specs = cls._specs(version)
        specs = [spec.task_specs.get(name) for name in task_names]
        if not task_names or any(s is None or not isinstance(s, UserTask) for s in specs):
            raise ValueError(f"not user tasks of {version}: {task_names}")
        workflow = bpmn.new_workflow(spec, subprocess_specs)
        root = workflow.task_tree
        start = root.children[0]
        root.data.update(data)
        for task in (root, start):
            task._set_state(TaskState.COMPLETED)
        start._drop_children(force=True)
        start.data = dict(data)
        for task_spec in specs:
            start._add_child(task_spec, TaskState.READY).data = dict(data)
        reachable = _downstream(specs)
        for join in (s for s in reachable if isinstance(s, ParallelGateway) and len(s.inputs) > 1):
            for branch in join.inputs:
                if branch not in reachable:
                    marker = start._add_child(branch, TaskState.COMPLETED)
                    marker.data = dict(data)
                    marker._add_child(join, TaskState.WAITING)
        workflow._predict()
        return cls(workflow)

    def data(self) -> dict[str, Any]:
        """The case data the engine holds now (that of an open step, else the last one)."""
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            return dict(task.data)
        return dict(self.workflow.last_task.data) if self.workflow.last_task else dict(self.workflow.task_tree.data)

    @classmethod
    def load(cls, version: ProcessVersion, state: dict[str, Any], *, case_id: int | None = None) -> CaseRuntime:
        spec, subprocess_specs = cls._specs(version)
        return cls(bpmn.load_state(state, spec, subprocess_specs), case_id=case_id)

    def state(self) -> dict[str, Any]:
        return bpmn.dump_state(self.workflow)

    def ready_steps(self) -> list[ReadyStep]:
        steps = []
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            spec = task.task_spec
            props = (spec.extensions or {}).get("properties", {})
            days = props.get("days")
            steps.append(ReadyStep(
                task_id=str(task.id),
                task_name=spec.name,
                name=spec.bpmn_name or spec.name,
                department_code=spec.lane or "",
                role=props.get("role", ""),
                days=int(days) if days not in (None, "") else None,
            ))
        return steps

    def complete(self, task_id: str, data: dict[str, Any]) -> None:
        task = self.workflow.get_task_from_id(UUID(task_id))
        task.data.update(data)
        self._engine(task.run)
        self._engine(self.workflow.do_engine_steps)

    def previous_user_task(self, task_id: str) -> Any | None:
        """The completed user task this one followed (the step a return goes back to)."""
        task = self.workflow.get_task_from_id(UUID(task_id)).parent
        while task is not None:
            if isinstance(task.task_spec, UserTask) and task.state == TaskState.COMPLETED:
                return task
            task = task.parent
        return None

    def reset_to(self, task: Any) -> None:
        self._engine(self.workflow.reset_from_task_id, task.id)
        self._engine(self.workflow.do_engine_steps)

    def user_task_names(self) -> set[str]:
        return {name for name, spec in self.workflow.spec.task_specs.items() if isinstance(spec, UserTask)}

    @property
    def is_completed(self) -> bool:
        return bool(self.workflow.is_completed())


def _downstream(specs: list[Any]) -> set[Any]:
    """Every task spec reachable from (and including) ``specs``."""
    seen: set[Any] = set()
    queue = list(specs)
    while queue:
        node = queue.pop()
        if node in seen:
            continue
        seen.add(node)
        queue.extend(node.outputs)
    return seen
