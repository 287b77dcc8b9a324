"""Engine state survives storage that does not keep key order (PostgreSQL jsonb)."""

from __future__ import annotations

import random

from SpiffWorkflow.util.task import TaskState

from yiwang.catalog import bpmn
from yiwang.testing.bpmn import build_bpmn


def test_task_data_survives_a_shuffled_task_mapping():
    # given a workflow whose first user task inherited the form from the start
    parsed = bpmn.parse_process(build_bpmn("p", [{"id": "review", "name": "审查", "dept": "SCJG"},
                                                 {"id": "decide", "name": "决定", "dept": "SCJG"}]))
    spec, subs = bpmn.specs_for(("test", parsed.digest), parsed.spec_json)
    workflow = bpmn.new_workflow(spec, subs)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update({"form": {"area": 150}})
    workflow.do_engine_steps()
    state = bpmn.dump_state(workflow)

    # when the stored mapping comes back in another order (as jsonb returns it)
    items = list(state["tasks"].items())
    random.Random(7).shuffle(items)
    shuffled = {**state, "tasks": dict(items)}
    restored = bpmn.load_state(shuffled, spec, subs)

    # then the ready task still has the data it inherited
    [ready] = restored.get_tasks(state=TaskState.READY, manual=True)
    assert ready.data["form"] == {"area": 150}
