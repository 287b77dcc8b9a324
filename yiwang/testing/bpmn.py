"""Small BPMN files for tests: a sequence of stages, each one task or a parallel group (会签)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

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


# A process with a gateway (and, on request, a script task or a pre-script): the uploaded-process
# safety tests and the escape corpus publish it with hostile conditions and scripts.
SAFE_CONDITION = "form.area > 100"


def guarded_process(process_id="guarded", *, condition=SAFE_CONDITION, script=None, pre_script=None,
                    review_lane="SCJG"):
    """审查 → (a script task, only when given) → a gateway: 现场核查 when the condition holds, else
    straight to the end."""
    pre = (f"<bpmn:extensionElements><spiffworkflow:preScript>{escape(pre_script)}</spiffworkflow:preScript>"
           "</bpmn:extensionElements>") if pre_script else ""
    script_task = (f'<bpmn:scriptTask id="calc" name="计算"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'
                   '<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="calc"/>'
                   '<bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="gw"/>') if script is not None else (
                   '<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="gw"/>')
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
        '<bpmn:exclusiveGateway id="gw" default="f_small"/>'
        '<bpmn:userTask id="site" name="现场核查"/>'
        '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="review"/>'
        f'{script_task}'
        '<bpmn:sequenceFlow id="f_large" name="大店" sourceRef="gw" targetRef="site">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}</bpmn:conditionExpression>'
        '</bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="site" targetRef="end"/>'
        '</bpmn:process></bpmn:definitions>'
    )
