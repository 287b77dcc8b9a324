"""Process conditions: the SpiffWorkflow script engine of every Yiwang process evaluates FEEL, and
nothing else.

A gateway condition (``conditionExpression``) is a FEEL expression over the task data the runtime
provides (``RUNTIME_VARIABLES``); it is parsed once per text (cached) and evaluated over the task
data converted to FEEL values, so it can never reach a Python object. Script tasks and pre/post
scripts are refused at upload (``check_process_expressions``) and, should one reach the engine
anyway, ``execute`` refuses to run it.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from yiwang.catalog.feel import FeelError, compile_expression

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"

# The task data a condition can read: exactly what ``yiwang.cases`` puts into the engine.
# - at acceptance (``cases.services.window.accept_application``) and at instant approval
#   (``cases.services.instant``): ``form``, ``item``, ``applicant_kind``;
# - when a step is completed (``cases.services.approval.complete_step`` and instant approval):
#   ``decision`` and ``comment`` (the data flows on to the tasks after it).
RUNTIME_VARIABLES: dict[str, str] = {
    "decision": "上一审批环节的意见：\"approve\"（同意）或 \"deny\"（不同意）；尚无环节办结时为 null",
    "comment": "上一审批环节的意见说明（文字）",
    "form": "申请表：字段名 → 值，例如 form.area",
    "item": "事项编码（文字），例如 \"SCJG-010\"",
    "applicant_kind": "申请人类型：\"person\"（自然人）或 \"org\"（法人）",
}


class ProcessExpressionRejected(Exception):
    """An expression in a BPMN file that Yiwang will not run, with the element and what to change."""


def _element_label(element: etree._Element) -> str:
    element_id = element.get("id") or "?"
    name = element.get("name")
    return f"「{name}」（id={element_id}）" if name else f"id={element_id}"


def _camunda_translation(text: str) -> str | None:
    """``${approved}`` → ``approved``, ``#{x == "a"}`` → ``x = "a"``: only where the translation is
    unambiguous (one JUEL expression using names, literals, ``==``, ``!=``, comparisons, ``&&``, ``||``)."""
    match = re.fullmatch(r"\s*[#$]\{(.*)\}\s*", text, re.S)
    if not match:
        return None
    body = match.group(1).strip()
    if not re.fullmatch(r"""[\w\s."'<>=!&|()0-9-]*""", body) or "'" in body and '"' in body:
        return None
    out = body.replace("'", '"')
    out = re.sub(r"==", "=", out)
    out = re.sub(r"&&", " and ", out)
    out = re.sub(r"\|\|", " or ", out)
    if re.search(r"!(?!=)", out):
        return None
    out = re.sub(r"\s+", " ", out).strip()
    try:
        compile_expression(out)
    except FeelError:
        return None
    return out


def check_condition(text: str, element: etree._Element) -> None:
    """Refuse a condition that is not FEEL or reads a name the runtime never sets."""
    label = _element_label(element)
    translation = _camunda_translation(text)
    if translation is not None or re.search(r"[#$]\{", text):
        offer = f"可改写为：{translation}" if translation else "请改写为 FEEL 表达式"
        raise ProcessExpressionRejected(
            f"顺序流 {label} 的条件「{text}」是 Camunda 的 JUEL 表达式。Yiwang 的条件是 FEEL 表达式，"
            f"可用的变量：{'、'.join(RUNTIME_VARIABLES)}；{offer}。")
    try:
        expression = compile_expression(text)
    except FeelError as exc:
        raise ProcessExpressionRejected(f"顺序流 {label} 的条件不是有效的 FEEL 表达式：{exc}") from exc
    unknown = sorted(expression.names - set(RUNTIME_VARIABLES))
    if unknown:
        raise ProcessExpressionRejected(
            f"顺序流 {label} 的条件「{text}」使用了运行时不提供的变量：{'、'.join(unknown)}。"
            f"条件只能使用：{'、'.join(RUNTIME_VARIABLES)}（例如 decision = \"deny\"、form.area > 100）。")


def check_process_expressions(root: etree._Element) -> None:
    """At upload: every condition is FEEL over the runtime's variables; no element carries a script."""
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        for condition in flow.iter(f"{{{BPMN_NS}}}conditionExpression"):
            language = condition.get("language")
            if language and "feel" not in language.lower():
                raise ProcessExpressionRejected(
                    f"顺序流 {_element_label(flow)} 的条件语言为「{language}」：Yiwang 只接受 FEEL 表达式，"
                    f"请去掉 language 属性并把条件改写为 FEEL。")
            check_condition((condition.text or "").strip(), flow)
    for script in root.iter(f"{{{BPMN_NS}}}scriptTask"):
        raise ProcessExpressionRejected(
            f"脚本任务 {_element_label(script)} 不能使用：上传的流程不能运行脚本。"
            f"请删除该任务，需要分支时在网关的顺序流上写 FEEL 条件。")
    for tag in ("preScript", "postScript"):
        for script in root.iter(f"{{{SPIFF_NS}}}{tag}"):
            owner = script.getparent().getparent() if script.getparent() is not None else None
            if (script.text or "").strip():
                raise ProcessExpressionRejected(
                    f"元素 {_element_label(owner if owner is not None else script)} 带有 {tag} 脚本：上传的流程不能运行脚本，请删除它。")
    for element in root.iter(f"{{{CAMUNDA_NS}}}script", f"{{{CAMUNDA_NS}}}executionListener",
                             f"{{{CAMUNDA_NS}}}taskListener"):
        owner = element
        while owner.getparent() is not None and owner.get("id") is None:
            owner = owner.getparent()
        raise ProcessExpressionRejected(
            f"元素 {_element_label(owner)} 带有 Camunda 脚本或监听器：上传的流程不能运行脚本，请删除它。")


class FeelEnvironment(BasePythonScriptEngineEnvironment):
    """What SpiffWorkflow calls directly in a few places (ad-hoc completion conditions, data-object
    conditions, message correlation) instead of going through the engine: FEEL too, never Python."""

    def __init__(self) -> None:
        super().__init__(environment_globals={})

    def evaluate(self, expression: str, context: Any, external_context: Any = None) -> Any:
        return compile_expression(expression).evaluate(context) is True

    def execute(self, script: str, context: Any, external_context: Any = None) -> Any:
        raise FeelError("上传的流程不能运行脚本。")

    def call_service(self, context: Any, **kwargs: Any) -> Any:
        raise FeelError("Yiwang 的流程不调用外部服务。")


class FeelScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, evaluating FEEL over the task data and refusing scripts."""

    def __init__(self) -> None:
        super().__init__(environment=FeelEnvironment())

    def validate(self, expression: str) -> None:
        compile_expression(expression)

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            value = compile_expression(expression).evaluate(task.data)
        except FeelError as exc:
            raise WorkflowTaskException(f"条件「{expression}」无法计算：{exc}", task=task, exception=exc) from None
        # a gateway takes a flow only on FEEL true: null (unknown), false and any other value all
        # mean "not this way" (Yiwang evaluates nothing but conditions through this engine)
        return value is True

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        raise WorkflowTaskException("上传的流程不能运行脚本（脚本任务在上传时即被拒绝）。", task=task)

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        raise WorkflowTaskException("Yiwang 的流程不调用外部服务。", task=task)


SCRIPT_ENGINE = FeelScriptEngine()
