"""Instant-approval rules (秒批) as DMN decision tables, evaluated with SpiffWorkflow's DMN engine.

The dialect Yiwang accepts (say it to whoever writes a table in a DMN modeler):

* one decision with one decision table, hit policy ``COLLECT``;
* each rule row describes one reason to refuse; its output ``failed_rule`` is a quoted string
  naming that reason for a person (``"申请人须年满80周岁"``); an application passes when no row
  matches, and every matching row is named when it does not;
* input expressions and entries are Python, not FEEL (SpiffWorkflow evaluates them as Python),
  over three variables: ``form`` (the application form, e.g. ``form.get("bank_account")``),
  ``facts`` (facts about the applicant from their records and from data sharing, keys in
  ``FACTS``) and ``credit`` (the applicant's credit status: ``normal``, ``red`` or ``black``);
  an entry may be a comparison (``< 80``), a value (``False``, ``"女"``) or a range with ``?``
  (``60 <= ? < 80``); an empty entry matches anything.

Expressions are checked when a version is published (the same restricted grammar as BPMN
conditions, plus: only those three variables, only declared fact keys and form fields).
"""

from __future__ import annotations

import ast
import hashlib
import threading
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from lxml import etree
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.exceptions import SpiffWorkflowException

from yiwang.catalog.bpmn import SAFE_BUILTINS, SCRIPT_ENGINE, BpmnRejected, check_expression

# Facts a rule may use, and what they mean. Filled by ``yiwang.cases.instant.applicant_facts``.
FACTS: dict[str, str] = {
    "age": "申请人年龄（周岁，按公民身份号码出生日期计算）",
    "gender": "性别：男 / 女（按公民身份号码）",
    "local_resident": "本县户籍（公民身份号码前六位为本县行政区划代码）",
    "applicant_kind": "申请人类型：person / org",
    "is_enterprise": "是否法人",
    "has_open_case_same_item": "同一事项是否有在办件",
    "previous_approvals_same_item": "同一事项此前已准予的次数",
    "shared": "数据共享获取的事实（资源代码 → 字段 → 值）",
}
VARIABLES = {"form", "facts", "credit"}
OUTPUT = "failed_rule"


class RulesRejected(Exception):
    """A DMN file that cannot be used, with the reason."""


@dataclass
class ParsedRules:
    decision_id: str
    inputs: list[dict[str, str]]
    digest: str


@dataclass
class RulesOutcome:
    passed: bool
    failed_rules: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def _parse_table(dmn_xml: str) -> Any:
    data = dmn_xml.encode("utf-8") if isinstance(dmn_xml, str) else dmn_xml
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise RulesRejected(f"不是有效的 XML: {exc}") from exc
    parser = BpmnDmnParser()
    try:
        parser.add_dmn_xml(root, filename="rules.dmn")
        if len(parser.dmn_parsers) != 1:
            raise RulesRejected(f"文件必须只包含一个决策，实际为 {len(parser.dmn_parsers)} 个。")
        dmn_parser = next(iter(parser.dmn_parsers.values()))
        dmn_parser.parse()
    except SpiffWorkflowException as exc:
        raise RulesRejected(f"DMN 解析失败: {exc}") from exc
    except (ValueError, KeyError, AttributeError, IndexError, TypeError) as exc:
        raise RulesRejected(f"DMN 解析失败: {exc}") from exc
    decision = dmn_parser.decision
    if len(decision.decisionTables) != 1:
        raise RulesRejected("决策必须只包含一张决策表（SpiffWorkflow 只使用第一张）。")
    return decision.id, decision.decisionTables[0], data


def _check_names(source: str, *, form_fields: set[str] | None, extra: set[str] = frozenset()) -> None:
    tree = ast.parse(source, mode="eval")
    allowed = VARIABLES | set(SAFE_BUILTINS) | set(extra)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in allowed:
            raise RulesRejected(f"引用了未知变量「{node.id}」：只能使用 form、facts、credit。表达式：{source}")
        key_of: tuple[str, str] | None = None
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name) and node.args and isinstance(node.args[0], ast.Constant)):
            key_of = (node.func.value.id, node.args[0].value)
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
              and isinstance(node.slice, ast.Constant)):
            key_of = (node.value.id, node.slice.value)
        if key_of is None:
            continue
        variable, key = key_of
        if variable == "facts" and key not in FACTS:
            raise RulesRejected(f"引用了未声明的事实「{key}」；可用的事实：{'、'.join(FACTS)}。")
        if variable == "form" and form_fields is not None and key not in form_fields:
            raise RulesRejected(f"引用了申请表中不存在的字段「{key}」；该事项的字段：{'、'.join(sorted(form_fields)) or '无'}。")


def _entry_expression(input_expr: str, entry: str) -> tuple[str, set[str]]:
    """The expression SpiffWorkflow's engine will evaluate for one input entry."""
    if "?" in entry:
        return entry.replace("?", "(dmninputexpr)"), {"dmninputexpr"}
    try:
        ast.parse(entry, mode="eval")
        return f"({input_expr}) == ({entry})", set()
    except SyntaxError:
        return f"({input_expr}) {entry}", set()


def parse_rules(dmn_xml: str, *, form_fields: set[str] | None = None) -> ParsedRules:
    """Parse and validate a DMN file for instant approval; raise ``RulesRejected`` with the reason."""
    decision_id, table, data = _parse_table(dmn_xml)
    if table.hit_policy != "COLLECT":
        raise RulesRejected("决策表的命中策略必须是 COLLECT（每一行是一条不予通过的理由）。")
    outputs = [o.name or o.label for o in table.outputs]
    if outputs != [OUTPUT]:
        raise RulesRejected(f"决策表必须只有一个输出列，名称为 {OUTPUT}（未通过的规则说明）。实际：{outputs}")
    if not table.rules:
        raise RulesRejected("决策表没有规则行。")
    inputs = []
    try:
        for column in table.inputs:
            expression = (column.expression or "").strip()
            if not expression:
                raise RulesRejected(f"输入列「{column.label}」缺少表达式。")
            check_expression(expression)
            _check_names(expression, form_fields=form_fields)
            inputs.append({"label": column.label or column.id, "expression": expression})
        for rule in table.rules:
            for entry in rule.inputEntries:
                for lhs in entry.lhs:
                    if lhs is None or not str(lhs).strip() or str(lhs).strip() == "-":
                        continue
                    composed, extra = _entry_expression(entry.input.expression, str(lhs).strip())
                    check_expression(composed)
                    _check_names(composed, form_fields=form_fields, extra=extra)
            texts = [getattr(o, "text", "") for o in rule.outputEntries]
            if len(texts) != 1 or not texts[0]:
                raise RulesRejected(f"第 {rule.row_number} 行缺少 {OUTPUT} 输出。")
            literal = ast.parse(texts[0], mode="eval").body
            if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str)):
                raise RulesRejected(f"第 {rule.row_number} 行的 {OUTPUT} 必须是带引号的文字，例如 \"申请人须年满80周岁\"。")
    except BpmnRejected as exc:
        raise RulesRejected(str(exc)) from exc
    except SyntaxError as exc:
        raise RulesRejected(f"表达式语法错误: {exc.msg}") from exc
    return ParsedRules(decision_id=decision_id, inputs=inputs, digest=hashlib.sha256(data).hexdigest())


_lock = threading.Lock()
_engines: dict[Any, DMNEngine] = {}


def _engine(cache_key: Any, dmn_xml: str) -> DMNEngine:
    engine = _engines.get(cache_key)
    if engine is None:
        _decision_id, table, _data = _parse_table(dmn_xml)
        for column in table.inputs:
            # The engine joins an input and an entry as text ("x or 0" + "< 6"): parenthesise the
            # input so that an entry always compares the whole input value.
            column.expression = f"({column.expression.strip()})"
        engine = DMNEngine(table)
        with _lock:
            _engines[cache_key] = engine
    return engine


def evaluate_rules(cache_key: Any, dmn_xml: str, context: dict[str, Any], inputs: list[dict[str, str]]) -> RulesOutcome:
    """Evaluate a published rule set against ``{"form", "facts", "credit"}``. Never raises: an
    error becomes an outcome that did not pass, with the reason, so a person takes over."""
    task = SimpleNamespace(
        data=dict(context),
        workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE),
        task_spec=SimpleNamespace(name="instant_rules", bpmn_id="instant_rules", bpmn_name="秒批规则"),
    )
    evidence: dict[str, Any] = {}
    for column in inputs:
        try:
            evidence[column["label"]] = SCRIPT_ENGINE.environment.evaluate(column["expression"], dict(context))
        except Exception as exc:  # noqa: BLE001 - recorded as evidence, decided below
            evidence[column["label"]] = f"<无法计算: {type(exc).__name__}>"
    try:
        result = _engine(cache_key, dmn_xml).result(task)
    except Exception as exc:  # noqa: BLE001 - a rule that cannot run never approves
        return RulesOutcome(passed=False, evidence=evidence, error=f"规则无法计算：{type(exc).__name__}: {exc}"[:300])
    failed = [str(r) for r in result.get(OUTPUT, [])] if result else []
    return RulesOutcome(passed=not failed, failed_rules=failed, evidence=evidence)
