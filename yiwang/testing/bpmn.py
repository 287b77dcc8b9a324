"""Small BPMN files for tests: a sequence of stages, each one task or a parallel group (会签)."""

from __future__ import annotations

from typing import Any

Stage = dict[str, Any] | list[dict[str, Any]]


def build_bpmn(process_id: str, stages: list[Stage]) -> str:
    """``stages`` items are ``{"id", "name", "dept", "role"?, "days"?}`` or a list of them (parallel)."""
    lanes: dict[str, list[str]] = {}
    nodes: list[str] = ['<bpmn:startEvent id="start"/>']
    flows: list[tuple[str, str]] = []
    previous = "start"

    def task(t: dict[str, Any]) -> str:
        lanes.setdefault(t["dept"], []).append(t["id"])
        props = ""
        extra = {k: t[k] for k in ("role", "days") if k in t}
        if extra:
            props = ("<bpmn:extensionElements><spiffworkflow:properties>"
                     + "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in extra.items())
                     + "</spiffworkflow:properties></bpmn:extensionElements>")
        return f'<bpmn:userTask id="{t["id"]}" name="{t["name"]}">{props}</bpmn:userTask>'

    for i, stage in enumerate(stages):
        if isinstance(stage, list):
            split, join = f"split{i}", f"join{i}"
            nodes += [f'<bpmn:parallelGateway id="{split}"/>', f'<bpmn:parallelGateway id="{join}"/>']
            flows.append((previous, split))
            for t in stage:
                nodes.append(task(t))
                flows += [(split, t["id"]), (t["id"], join)]
            previous = join
        else:
            nodes.append(task(stage))
            flows.append((previous, stage["id"]))
            previous = stage["id"]
    nodes.append('<bpmn:endEvent id="end"/>')
    flows.append((previous, "end"))
    lane_xml = "".join(
        f'<bpmn:lane id="lane_{code}" name="{code}">' + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ids)
        + "</bpmn:lane>"
        for code, ids in lanes.items()
    )
    flow_xml = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(flows))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="http://yiwang">'
        f'<bpmn:process id="{process_id}" isExecutable="true"><bpmn:laneSet id="ls">{lane_xml}</bpmn:laneSet>'
        + "".join(nodes) + flow_xml + "</bpmn:process></bpmn:definitions>"
    )
