"""Structural validation of an uploaded BPMN file: which element kinds Yiwang runs, and how.

Every BPMN element kind is either supported as documented in ``docs/processes.md`` or refused
here, with the element's id and name and what to change; nothing is silently reinterpreted (before
this check a plain ``task`` or ``manualTask`` became an approval step that the step summary did
not list, and a ``businessRuleTask`` or a data association failed with an engine message).

Expressions (gateway conditions, scripts) are checked elsewhere; this module only looks at the
shape of the process: element kinds, lanes, extension properties, pools and messages.

Lanes may be mapped to departments at upload (``apply_lane_map``): a modeler's lane "审批科" can be
published as department ``SCJG`` without editing the file by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

STEP_ROLES = ("reviewer", "decider")
MAX_STEP_DAYS = 365

# Element kinds Yiwang runs, inside a process. Anything else in the BPMN namespace is refused.
SUPPORTED = {
    "startEvent", "endEvent", "userTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "sequenceFlow", "conditionExpression", "laneSet", "lane", "flowNodeRef", "childLaneSet",
    "incoming", "outgoing", "documentation", "extensionElements", "textAnnotation", "text", "association",
    "group", "terminateEventDefinition",
    # expressions and scripts: their content is checked by the expression checker (docs/feel.md)
    "scriptTask", "script",
}
# Outside the processes: what a definitions element may hold besides them.
SUPPORTED_ROOT = {"process", "collaboration", "participant", "documentation", "extensionElements", "category",
                  "categoryValue", "textAnnotation", "text", "association", "group", "definitions"}

KIND_LABELS = {
    "task": gettext_lazy("任务"),
    "userTask": gettext_lazy("用户任务"),
    "manualTask": gettext_lazy("手工任务"),
    "serviceTask": gettext_lazy("服务任务"),
    "sendTask": gettext_lazy("发送任务"),
    "receiveTask": gettext_lazy("接收任务"),
    "businessRuleTask": gettext_lazy("业务规则任务"),
    "scriptTask": gettext_lazy("脚本任务"),
    "subProcess": gettext_lazy("子流程"),
    "adHocSubProcess": gettext_lazy("自由子流程"),
    "transaction": gettext_lazy("事务子流程"),
    "callActivity": gettext_lazy("调用活动"),
    "startEvent": gettext_lazy("开始事件"),
    "endEvent": gettext_lazy("结束事件"),
    "intermediateCatchEvent": gettext_lazy("中间捕获事件"),
    "intermediateThrowEvent": gettext_lazy("中间抛出事件"),
    "boundaryEvent": gettext_lazy("边界事件"),
    "eventBasedGateway": gettext_lazy("事件网关"),
    "complexGateway": gettext_lazy("复杂网关"),
    "exclusiveGateway": gettext_lazy("排他网关"),
    "parallelGateway": gettext_lazy("并行网关"),
    "inclusiveGateway": gettext_lazy("包容网关"),
    "dataObject": gettext_lazy("数据对象"),
    "dataObjectReference": gettext_lazy("数据对象引用"),
    "dataStoreReference": gettext_lazy("数据存储引用"),
    "dataInputAssociation": gettext_lazy("数据输入关联"),
    "dataOutputAssociation": gettext_lazy("数据输出关联"),
    "ioSpecification": gettext_lazy("输入输出规范"),
    "property": gettext_lazy("属性"),
    "multiInstanceLoopCharacteristics": gettext_lazy("多实例"),
    "standardLoopCharacteristics": gettext_lazy("循环"),
    "lane": gettext_lazy("泳道"),
    "participant": gettext_lazy("池"),
    "messageFlow": gettext_lazy("消息流"),
    "process": gettext_lazy("流程"),
    "correlationProperty": gettext_lazy("消息关联属性"),
    "conversation": gettext_lazy("会话"),
}

_TASK_KINDS = {"task", "manualTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask"}
_CONTAINER_KINDS = {"subProcess", "adHocSubProcess", "transaction", "callActivity"}
_EVENT_KINDS = {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
_DATA_KINDS = {"dataObject", "dataObjectReference", "dataStoreReference", "dataInputAssociation",
               "dataOutputAssociation", "ioSpecification", "property", "dataInput", "dataOutput",
               "inputSet", "outputSet"}
_LOOP_KINDS = {"multiInstanceLoopCharacteristics", "standardLoopCharacteristics"}


@dataclass
class StructureReport:
    """What the structural check found: refusals (the file cannot be published) and warnings
    (parts of the file Yiwang does not use, e.g. a modeler's form definitions)."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _ns(el: etree._Element) -> str:
    return etree.QName(el).namespace or "" if isinstance(el.tag, str) else ""


def describe(el: etree._Element) -> str:
    """「name」(id) of a BPMN element, with its kind: how every refusal names an element."""
    kind = local(el)
    label = str(KIND_LABELS.get(kind, kind))
    name = (el.get("name") or "").strip()
    ident = el.get("id") or "?"
    if name:
        return _("%(kind)s「%(name)s」（id：%(id)s）") % {"kind": label, "name": name, "id": ident}
    return _("%(kind)s（id：%(id)s，未命名）") % {"kind": label, "id": ident}


def _owner(el: etree._Element) -> etree._Element:
    """The nearest ancestor that is a flow element with an id (the element a person can find)."""
    node = el.getparent()
    while node is not None and not (node.get("id") and local(node) not in ("process", "extensionElements")):
        node = node.getparent()
    return node if node is not None else el


def _refusal(kind: str, el: etree._Element) -> str:
    what = describe(el)
    if kind == "task":
        return _("%(el)s 没有类型：Yiwang 只把用户任务（userTask）作为审批环节。请在建模工具中把它改为用户任务"
                 "（并放入部门泳道），或删除。") % {"el": what}
    if kind == "manualTask":
        return _("%(el)s 是手工任务（在系统外完成的工作），Yiwang 不支持：审批环节须为用户任务（userTask）。"
                 "请改为用户任务并放入部门泳道，或删除。") % {"el": what}
    if kind == "businessRuleTask":
        return _("%(el)s 是业务规则任务（DMN），流程中不支持：秒批规则在事项上配置（管理后台「秒批规则」）。"
                 "请删除该任务，改用网关条件（见 docs/feel.md）。") % {"el": what}
    if kind == "serviceTask":
        return _("%(el)s 是服务任务（调用外部系统），Yiwang 不支持：请删除，或改为由人员办理的用户任务。") % {"el": what}
    if kind in ("sendTask", "receiveTask"):
        return _("%(el)s 收发消息，Yiwang 不支持消息：请删除，或改为用户任务。") % {"el": what}
    if kind in _CONTAINER_KINDS:
        return _("%(el)s：Yiwang 不支持子流程和调用活动。请把其中的环节直接画在主流程中。") % {"el": what}
    if kind in _EVENT_KINDS:
        return _("%(el)s：Yiwang 不支持中间事件和边界事件（定时、消息、信号、错误等）；环节时限请用扩展属性 days。"
                 "请删除该事件。") % {"el": what}
    if kind in ("eventBasedGateway", "complexGateway"):
        return _("%(el)s：Yiwang 只支持排他、并行和包容网关。请改用其中一种。") % {"el": what}
    if kind in _DATA_KINDS:
        return _("%(el)s：Yiwang 不支持数据对象、数据存储和数据关联；办件数据由系统提供（见 docs/feel.md）。"
                 "请删除它。") % {"el": what}
    if kind in _LOOP_KINDS:
        return _("%(el)s 设置了多实例或循环，Yiwang 不支持：请删除该标记；会签请用并行网关画出各部门的环节。") % {
            "el": describe(_owner(el))}
    if kind == "messageFlow":
        return _("%(el)s：Yiwang 不支持池之间的消息。请删除消息流，只保留一个池。") % {"el": what}
    return _("%(el)s：Yiwang 不支持这种 BPMN 元素，请删除或改用文档 docs/processes.md 中列出的元素。") % {"el": what}


def _check_event(el: etree._Element, report: StructureReport) -> None:
    definitions = [local(c) for c in el if _ns(c) == BPMN_NS and local(c).endswith("EventDefinition")]
    kind = local(el)
    allowed = {"terminateEventDefinition"} if kind == "endEvent" else set()
    bad = [d for d in definitions if d not in allowed]
    if bad:
        report.problems.append(
            _("%(el)s 带有事件定义 %(defs)s：Yiwang 的开始事件和结束事件只能是普通事件（结束事件可为终止事件）。"
              "请去掉事件定义。") % {"el": describe(el), "defs": "、".join(bad)})


def check_structure(root: etree._Element) -> StructureReport:
    """Refuse every element kind Yiwang does not run; require a lane for every user task."""
    report = StructureReport()
    if _ns(root) != BPMN_NS or local(root) != "definitions":
        report.problems.append(_("这不是 BPMN 2.0 文件：根元素须为 BPMN 2.0 命名空间中的 definitions。"))
        return report
    processes = [el for el in root if _ns(el) == BPMN_NS and local(el) == "process"]
    for el in root:
        if _ns(el) == BPMN_NS and local(el) not in SUPPORTED_ROOT:
            if local(el) in ("message", "signal", "error", "escalation", "itemDefinition", "dataStore",
                             "interface", "resource"):
                continue  # definitions only: refused where an element uses them
            report.problems.append(_refusal(local(el), el))
    for collaboration in root.iter(f"{{{BPMN_NS}}}collaboration"):
        pools = [p for p in collaboration.iter(f"{{{BPMN_NS}}}participant")]
        if len(pools) > 1:
            report.problems.append(
                _("文件有 %(n)d 个池（%(pools)s）：Yiwang 的一个流程只能有一个池，部门用泳道区分。"
                  "请合并为一个池，每个部门一条泳道。") % {"n": len(pools), "pools": "、".join(describe(p) for p in pools)})
        for flow in collaboration.iter(f"{{{BPMN_NS}}}messageFlow"):
            report.problems.append(_refusal("messageFlow", flow))
    executable = [p for p in processes if (p.get("isExecutable") or "").lower() == "true"]
    if len(processes) != 1:
        report.problems.append(
            _("文件必须只包含一个流程，实际为 %(n)d 个。") % {"n": len(processes)})
    elif not executable:
        report.problems.append(
            _("%(el)s 没有标记为可执行：请在建模工具中勾选「可执行」（isExecutable=\"true\"）。")
            % {"el": describe(processes[0])})
    for process in processes:
        _check_process(process, report)
    return report


def _check_process(process: etree._Element, report: StructureReport) -> None:
    in_lane: set[str] = set()
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        child_sets = [c for c in lane if local(c) == "childLaneSet" and len(c)]
        if child_sets:
            report.problems.append(
                _("%(el)s 含有子泳道：Yiwang 的泳道不能嵌套，每条泳道对应一个部门。请把子泳道提升为普通泳道。")
                % {"el": describe(lane)})
        in_lane.update((ref.text or "").strip() for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef"))
    for el in process.iter():
        if not isinstance(el.tag, str):
            continue
        ns, kind = _ns(el), local(el)
        if ns != BPMN_NS:
            continue
        if kind == "extensionElements":
            _check_extensions(el, report)
            continue
        if el is process or kind in SUPPORTED:
            if kind in ("startEvent", "endEvent"):
                _check_event(el, report)
            if kind == "userTask" and el.get("id") not in in_lane:
                report.problems.append(
                    _("%(el)s 不在任何泳道中：每个用户任务须放在一条泳道里，泳道名称为部门代码（或在上传时把泳道对应到部门）。")
                    % {"el": describe(el)})
            continue
        if kind.endswith("EventDefinition") or _inside_extensions(el):
            continue  # event definitions are judged with their event; extension content is not BPMN
        if _refused_ancestor(el, process):
            continue  # one refusal per element: the contents of a refused subprocess are not listed again
        report.problems.append(_refusal(kind, el))


def _inside_extensions(el: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if local(node) == "extensionElements":
            return True
        node = node.getparent()
    return False


def _refused_ancestor(el: etree._Element, process: etree._Element) -> bool:
    node = el.getparent()
    while node is not None and node is not process:
        if _ns(node) == BPMN_NS and local(node) not in SUPPORTED:
            return True
        node = node.getparent()
    return False


def _check_extensions(ext: etree._Element, report: StructureReport) -> None:
    owner = _owner(ext)
    for child in ext:
        if not isinstance(child.tag, str):
            continue
        if _ns(child) == SPIFF_NS and local(child) == "properties":
            for prop in child:
                if not isinstance(prop.tag, str):
                    continue
                _check_property(owner, prop.get("name") or "", prop.get("value") or "", report)
            continue
        if _ns(child) == SPIFF_NS and local(child) in ("preScript", "postScript"):
            continue  # expressions: checked by the expression checker
        prefix = child.prefix or _ns(child)
        report.warnings.append(
            _("%(el)s 的扩展元素 %(ext)s 不被 Yiwang 使用，将被忽略（例如建模工具的表单定义）。")
            % {"el": describe(owner), "ext": f"{prefix}:{local(child)}"})


def _check_property(owner: etree._Element, name: str, value: str, report: StructureReport) -> None:
    if local(owner) != "userTask":
        report.warnings.append(_("%(el)s 的扩展属性 %(name)s 只对用户任务有意义，将被忽略。") % {
            "el": describe(owner), "name": name})
        return
    if name == "role":
        if value not in ("", *STEP_ROLES):
            report.problems.append(
                _("%(el)s 的扩展属性 role 为「%(value)s」：只能是 reviewer（审查，提出意见）或 decider（决定）。")
                % {"el": describe(owner), "value": value})
    elif name == "days":
        if value and not (value.isdigit() and 1 <= int(value) <= MAX_STEP_DAYS):
            report.problems.append(
                _("%(el)s 的扩展属性 days 为「%(value)s」：须为 1 到 %(max)d 之间的整数（环节时限，工作日）。")
                % {"el": describe(owner), "value": value, "max": MAX_STEP_DAYS})
    else:
        report.warnings.append(_("%(el)s 的扩展属性 %(name)s 不被 Yiwang 使用（只使用 role 和 days），将被忽略。") % {
            "el": describe(owner), "name": name})


# --- lanes -----------------------------------------------------------------------------------

def lanes_of(root: etree._Element) -> list[tuple[str, str]]:
    """(id, name) of every lane in the file, in document order."""
    return [(lane.get("id") or "", (lane.get("name") or "").strip()) for lane in root.iter(f"{{{BPMN_NS}}}lane")]


def apply_lane_map(root: etree._Element, lane_map: dict[str, str]) -> list[str]:
    """Rename lanes to department codes in place: a key is a lane's name or, for an unnamed lane,
    its id. Returns the problems (keys that name no lane, empty codes)."""
    problems: list[str] = []
    lanes = list(root.iter(f"{{{BPMN_NS}}}lane"))
    used: set[str] = set()
    for lane in lanes:
        name = (lane.get("name") or "").strip()
        key = name if name in lane_map else lane.get("id") if lane.get("id") in lane_map else None
        if key is None:
            continue
        code = (lane_map[key] or "").strip()
        if not code:
            problems.append(_("泳道「%(lane)s」没有对应的部门代码。") % {"lane": key})
            continue
        lane.set("name", code)
        used.add(key)
    for key in lane_map:
        if key not in used and not any(p.endswith(f"「{key}」没有对应的部门代码。") for p in problems):
            problems.append(
                _("泳道对应表中的「%(lane)s」不是文件中的泳道；文件中的泳道为：%(lanes)s。")
                % {"lane": key, "lanes": "、".join(n or i for i, n in lanes_of(root)) or _("（无）")})
    return problems
