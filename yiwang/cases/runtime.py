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


@dataclass(frozen=True)
class ReadyStep:
    task_id: str
    task_name: str
    name: str
    department_code: str
    role: str
    days: int | None


class CaseRuntime:
    def __init__(self, workflow: Any):
        self.workflow = workflow

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
        workflow.do_engine_steps()
        return cls(workflow)

    @classmethod
    def load(cls, version: ProcessVersion, state: dict[str, Any]) -> CaseRuntime:
        spec, subprocess_specs = cls._specs(version)
        return cls(bpmn.load_state(state, spec, subprocess_specs))

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
        task.run()
        self.workflow.do_engine_steps()

    def previous_user_task(self, task_id: str) -> Any | None:
        """The completed user task this one followed (the step a return goes back to)."""
        task = self.workflow.get_task_from_id(UUID(task_id)).parent
        while task is not None:
            if isinstance(task.task_spec, UserTask) and task.state == TaskState.COMPLETED:
                return task
            task = task.parent
        return None

    def reset_to(self, task: Any) -> None:
        self.workflow.reset_from_task_id(task.id)
        self.workflow.do_engine_steps()

    @property
    def is_completed(self) -> bool:
        return bool(self.workflow.is_completed())
