"""Instant-approval rules (秒批) as DMN decision tables, evaluated by Yiwang's own table evaluator
over FEEL (``yiwang.catalog.feel``): nothing in a DMN file runs Python.

The dialect Yiwang accepts (say it to whoever writes a table in a DMN modeler; ``docs/feel.md``):

* a DMN 1.1–1.5 file (any namespace prefix: ``dmn:``, ``semantic:`` …) with one decision whose
  logic is a decision table (a file with several decisions is refused, naming them: upload one
  decision per rule set; ``parse_table`` can pick one by id for tools such as ``check_rules``);
* every expression is FEEL (the DMN default); an ``expressionLanguage`` other than FEEL (``python``,
  ``juel`` …) is refused with the cell named. Input expressions are FEEL expressions
  (``facts.age``, ``form.hukou_county``, ``credit``); input entries are S-FEEL unary tests (``-``,
  ``< 80``, ``"red","black"``, ``not("normal")``, ``[60..80)``, ``16,17``, ``? > 3`` …); output
  entries are FEEL expressions (for 秒批, a quoted text);
* hit policies UNIQUE (the DMN default), FIRST, PRIORITY and OUTPUT ORDER (ordered by the output's
  ``outputValues``), ANY, RULE ORDER and COLLECT (with SUM, MIN, MAX or COUNT aggregation);
* for 秒批, the table has an output named ``failed_rule``: every row that fires (as the hit policy
  selects rows) names one reason to refuse, and an application passes when no row fires. A row
  that can neither be said to fire nor not to fire (a comparison with null or with a value of
  another type, e.g. ``< 80`` when the age is unknown) does not pass either: a person decides.
  COLLECT is the natural policy (every reason is named); an aggregation is refused for 秒批;
* rules read three variables: ``form`` (the application form: ``form.bank_account``), ``facts``
  (facts about the applicant, keys in ``FACTS``) and ``credit`` (``normal``, ``red`` or ``black``);
  a name outside these, an undeclared fact or a field missing from an item's form is refused when
  the version is published.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree

from yiwang.catalog.feel import (
    Expression,
    FeelError,
    UnaryTests,
    compile_expression,
    compile_unary_tests,
    to_feel,
    to_python,
)
from yiwang.catalog.feel.values import compare, equals

# Facts a rule may use, and what they mean. Filled by ``yiwang.cases.instant.applicant_facts``.
FACTS: dict[str, str] = {
    "age": "申请人年龄（周岁，按公民身份号码出生日期计算；法人或无法计算时为 null）",
    "gender": "性别：男 / 女（按公民身份号码；法人为 null）",
    "local_resident": "本县户籍（公民身份号码前六位为本县行政区划代码）",
    "applicant_kind": "申请人类型：person / org",
    "is_enterprise": "是否法人",
    "has_open_case_same_item": "同一事项是否有在办件",
    "previous_approvals_same_item": "同一事项此前已准予的次数",
    "shared": "数据共享获取的事实（资源代码 → 字段 → 值）",
}
VARIABLES = {"form", "facts", "credit"}
OUTPUT = "failed_rule"

DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
HIT_POLICIES = {"UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER"}
AGGREGATIONS = {"SUM", "MIN", "MAX", "COUNT"}


class RulesRejected(Exception):
    """A DMN file that cannot be used, with the reason."""


class TableError(Exception):
    """A table that cannot decide for these inputs (UNIQUE with two rows firing …)."""


@dataclass(frozen=True)
class InputColumn:
    id: str
    label: str
    text: str
    expression: Expression


@dataclass(frozen=True)
class OutputColumn:
    id: str
    name: str
    label: str
    priorities: tuple[Any, ...]  # outputValues, highest priority first (PRIORITY, OUTPUT ORDER)


@dataclass(frozen=True)
class Rule:
    number: int
    id: str
    description: str
    entries: tuple[UnaryTests, ...]
    outputs: tuple[Expression | None, ...]


@dataclass(frozen=True)
class DecisionTable:
    decision_id: str
    decision_name: str
    hit_policy: str
    aggregation: str
    inputs: tuple[InputColumn, ...]
    outputs: tuple[OutputColumn, ...]
    rules: tuple[Rule, ...]

    def evaluate(self, data: dict[str, Any]) -> TableResult:
        """Evaluate over plain ``data``; raises ``TableError`` when the table cannot decide."""
        values: list[Any] = []
        for column in self.inputs:
            try:
                values.append(column.expression.evaluate(data))
            except FeelError as exc:
                raise TableError(f"输入列「{column.label}」无法计算：{exc}") from exc
        fired: list[Rule] = []
        undecided: list[str] = []
        undecided_rows: list[int] = []
        for rule, checks in zip(self.rules, self._checks, strict=True):
            verdict: bool | None = True
            unknown: list[str] = []
            for at, column, entry in checks:
                value = values[at]
                try:
                    result = entry.test_value(value, data)
                except FeelError as exc:
                    raise TableError(f"第 {rule.number} 行「{column.label}」列的条目无法计算：{exc}") from exc
                if result is False:
                    verdict = False
                    break
                if result is None:
                    verdict = None
                    unknown.append(f"「{column.label}」（值为 {_show(value)}，条目 {entry.text.strip()}）")
            if verdict is True:
                fired.append(rule)
            elif verdict is None:
                undecided.append(f"第 {rule.number} 行无法判断：{'、'.join(unknown)}")
                undecided_rows.append(rule.number)
        rows = [self._outputs(rule, data) for rule in fired]
        return TableResult(inputs=values, fired=[r.number for r in fired], rows=rows,
                           output=self._apply_hit_policy(fired, rows), undecided=undecided,
                           undecided_rows=undecided_rows)

    @functools.cached_property
    def _checks(self) -> tuple[tuple[tuple[int, InputColumn, UnaryTests], ...], ...]:
        """Per rule, the entries that test something (``-`` is true for any value and is skipped),
        with their column: prepared once per table (a table is compiled once per version)."""
        return tuple(tuple((at, column, entry) for at, (column, entry) in enumerate(zip(self.inputs, rule.entries,
                                                                                          strict=True))
                           if not entry.matches_anything) for rule in self.rules)

    def _reason(self, rule: Rule) -> str:
        """The row's ``failed_rule`` text when it is a literal (as 秒批 tables must have it), else
        its description."""
        names = [o.name for o in self.outputs]
        expression = rule.outputs[names.index(OUTPUT)] if OUTPUT in names else None
        if expression is not None and not expression.names:
            try:
                value = expression.evaluate({})
            except FeelError:
                value = None
            if isinstance(value, str) and value.strip():
                return value
        return rule.description

    def row_reads(self) -> list[RowReads]:
        """What each row depends on: the form fields and facts read by the columns where the row
        tests something (``-`` reads nothing), by its entries and by its outputs. A pre-check
        uses it to tell a row that fails from one that cannot be decided while a field is empty."""
        reads = []
        for rule in self.rules:
            paths: set[tuple[str, str]] = set()
            names: set[str] = set()
            for column, entry in zip(self.inputs, rule.entries, strict=True):
                if entry.matches_anything:
                    continue
                paths |= column.expression.paths | entry.paths
                names |= column.expression.names | entry.names
            for output in rule.outputs:
                if output is not None:
                    paths |= output.paths
                    names |= output.names
            reads.append(RowReads(
                number=rule.number, id=rule.id, description=rule.description, reason=self._reason(rule),
                form_fields=frozenset(key for variable, key in paths if variable == "form"),
                facts=frozenset(key for variable, key in paths if variable == "facts"),
                whole_form="form" in names and not any(variable == "form" for variable, _key in paths),
            ))
        return reads

    def _outputs(self, rule: Rule, data: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for column, expression in zip(self.outputs, rule.outputs, strict=True):
            try:
                out[column.name] = expression.evaluate(data) if expression is not None else None
            except FeelError as exc:
                raise TableError(f"第 {rule.number} 行输出「{column.label}」无法计算：{exc}") from exc
        return out

    def _priority_key(self, row: dict[str, Any]) -> tuple[int, ...]:
        key = []
        for column in self.outputs:
            rank = next((i for i, p in enumerate(column.priorities) if equals(row[column.name], p)), len(column.priorities))
            key.append(rank)
        return tuple(key)

    def _apply_hit_policy(self, fired: list[Rule], rows: list[dict[str, Any]]) -> Any:
        policy = self.hit_policy
        if not rows:
            return [] if policy in ("COLLECT", "RULE ORDER", "OUTPUT ORDER") and not self.aggregation else None
        if policy == "UNIQUE":
            if len(rows) > 1:
                raise TableError(f"命中策略 UNIQUE 要求最多一行命中，实际第 {'、'.join(str(r.number) for r in fired)} 行同时命中。")
            return rows[0]
        if policy == "FIRST":
            return rows[0]
        if policy == "ANY":
            if any(equals(row, rows[0]) is not True for row in rows[1:]):
                raise TableError(f"命中策略 ANY 要求命中的各行输出相同，第 {'、'.join(str(r.number) for r in fired)} 行的输出不同。")
            return rows[0]
        if policy == "PRIORITY":
            return min(rows, key=self._priority_key)
        if policy == "OUTPUT ORDER":
            return sorted(rows, key=self._priority_key)
        if policy == "RULE ORDER" or not self.aggregation:
            return rows
        values = [next(iter(row.values())) for row in rows]
        if self.aggregation == "COUNT":
            return Decimal(len(values))
        if self.aggregation == "SUM":
            if not all(isinstance(v, Decimal) for v in values):
                raise TableError("COLLECT SUM 要求各行输出都是数字。")
            return sum(values, Decimal(0))
        best = values[0]
        for value in values[1:]:
            order = compare(value, best)
            if order is None:
                raise TableError(f"COLLECT {self.aggregation} 要求各行输出可以比较大小。")
            if (order < 0) == (self.aggregation == "MIN") and order != 0:
                best = value
        return best


@dataclass(frozen=True)
class RowReads:
    number: int
    id: str
    description: str
    reason: str
    form_fields: frozenset[str]
    facts: frozenset[str]
    whole_form: bool  # reads ``form`` as a whole (e.g. ``count(form)``): any field may matter


@dataclass
class TableResult:
    inputs: list[Any]
    fired: list[int]
    rows: list[dict[str, Any]]
    output: Any
    undecided: list[str]
    undecided_rows: list[int] = field(default_factory=list)


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
    # Row by row (for the pre-check before submission, ``yiwang.cases.services.eligibility``):
    # the rows whose reasons are in ``failed_rules`` (as the hit policy selected them), the rows that
    # could not be decided, and what every row reads. Empty when the table could not be read.
    failed_rows: list[int] = field(default_factory=list)
    undecided_rows: list[int] = field(default_factory=list)
    rows: list[RowReads] = field(default_factory=list)


def _show(value: Any) -> str:
    shown = to_python(value)
    return "null" if shown is None else repr(shown) if isinstance(shown, str) else str(shown)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    text = _child(element, "text")
    return (text.text or "").strip() if text is not None else ""


def _check_language(element: etree._Element, default: str, where: str) -> None:
    language = element.get("expressionLanguage") or default
    if language and "feel" not in language.lower():
        raise RulesRejected(f"{where}的表达式语言为「{language}」：Yiwang 只接受 FEEL（DMN 的默认语言）。"
                            "请去掉 expressionLanguage 属性并把表达式改写为 FEEL。")


def _compile(kind: str, text: str, where: str) -> Any:
    try:
        return compile_expression(text) if kind == "expression" else compile_unary_tests(text)
    except FeelError as exc:
        raise RulesRejected(f"{where}「{text}」不是有效的 FEEL：{exc}") from exc


def _root(dmn_xml: str | bytes) -> tuple[etree._Element, bytes]:
    data = dmn_xml.encode("utf-8") if isinstance(dmn_xml, str) else dmn_xml
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise RulesRejected(f"不是有效的 XML: {exc}") from exc
    namespace = etree.QName(root).namespace or ""
    if _local(root) != "definitions" or namespace not in DMN_NAMESPACES:
        raise RulesRejected("不是 DMN 文件：根元素须为 DMN 1.1–1.5 命名空间中的 definitions。"
                            f"（实际：{etree.QName(root).localname}，命名空间 {namespace or '无'}）")
    return root, data


def parse_table(dmn_xml: str | bytes, *, decision_id: str | None = None) -> tuple[DecisionTable, bytes]:
    """Read one decision table from a DMN file; raise ``RulesRejected`` naming what to change."""
    root, data = _root(dmn_xml)
    decisions = _children(root, "decision")
    if not decisions:
        raise RulesRejected("文件中没有决策（decision）。")
    if decision_id is not None:
        decisions = [d for d in decisions if d.get("id") == decision_id]
        if not decisions:
            raise RulesRejected(f"文件中没有 id 为「{decision_id}」的决策。")
    if len(decisions) > 1:
        listed = "、".join(f"{d.get('id')}（{d.get('name') or '未命名'}）" for d in decisions)
        raise RulesRejected(f"文件包含 {len(decisions)} 个决策：{listed}；每个规则集只能上传一个决策，请分别上传。")
    decision = decisions[0]
    label = f"决策「{decision.get('name') or decision.get('id')}」"
    table = _child(decision, "decisionTable")
    if table is None:
        kinds = "、".join(sorted({_local(c) for c in decision} - {"description", "variable", "informationRequirement",
                                                                 "authorityRequirement", "knowledgeRequirement",
                                                                 "extensionElements", "question", "allowedAnswers"}))
        raise RulesRejected(f"{label}不是决策表（其内容为 {kinds or '空'}）：Yiwang 只执行决策表。")
    if _children(decision, "informationRequirement") and any(
            _child(r, "requiredDecision") is not None for r in _children(decision, "informationRequirement")):
        raise RulesRejected(f"{label}依赖其他决策（requiredDecision）：Yiwang 只执行单独的一张决策表。")
    default_language = root.get("expressionLanguage") or ""
    _check_language(root, "", "文件（definitions）")
    _check_language(table, default_language, f"{label}的决策表")
    table_language = table.get("expressionLanguage") or default_language

    policy = (table.get("hitPolicy") or "UNIQUE").strip().upper()
    aggregation = (table.get("aggregation") or "").strip().upper()
    if policy not in HIT_POLICIES:
        raise RulesRejected(f"{label}的命中策略「{policy}」不受支持；可用：{'、'.join(sorted(HIT_POLICIES))}。")
    if aggregation and (policy != "COLLECT" or aggregation not in AGGREGATIONS):
        raise RulesRejected(f"{label}的汇总方式「{aggregation}」不受支持：只有 COLLECT 可以汇总，方式为 SUM、MIN、MAX 或 COUNT。")

    inputs = []
    for index, column in enumerate(_children(table, "input"), start=1):
        column_label = column.get("label") or column.get("id") or f"第 {index} 列"
        expression_el = _child(column, "inputExpression")
        where = f"输入列「{column_label}」的表达式"
        if expression_el is None or not _text(expression_el):
            raise RulesRejected(f"输入列「{column_label}」缺少表达式（inputExpression 的 text）。")
        _check_language(expression_el, table_language, where)
        text = _text(expression_el)
        inputs.append(InputColumn(column.get("id") or "", column_label, text, _compile("expression", text, where)))
    outputs = []
    for index, column in enumerate(_children(table, "output"), start=1):
        name = column.get("name") or column.get("label") or ""
        if not name and len(_children(table, "output")) > 1:
            raise RulesRejected(f"第 {index} 个输出列没有名称（name）：有多个输出列时每列都须有名称。")
        values_el = _child(column, "outputValues")
        priorities: tuple[Any, ...] = ()
        if values_el is not None and _text(values_el):
            tests = _compile("tests", _text(values_el), f"输出列「{name}」的可选值（outputValues）")
            priorities = tuple(_literal_values(_text(values_el), name))
            del tests
        outputs.append(OutputColumn(column.get("id") or "", name or "result", column.get("label") or name, priorities))
    if not outputs:
        raise RulesRejected(f"{label}的决策表没有输出列。")
    if policy in ("PRIORITY", "OUTPUT ORDER") and not any(o.priorities for o in outputs):
        raise RulesRejected(f"命中策略 {policy} 按输出列的可选值（outputValues）排定优先级，但没有任何输出列列出可选值。")

    rules = []
    for number, row in enumerate(_children(table, "rule"), start=1):
        row_label = f"第 {number} 行（id={row.get('id') or '?'}）"
        entries_el, out_el = _children(row, "inputEntry"), _children(row, "outputEntry")
        if len(entries_el) != len(inputs) or len(out_el) != len(outputs):
            raise RulesRejected(f"{row_label}有 {len(entries_el)} 个输入条目、{len(out_el)} 个输出条目，"
                                f"而表有 {len(inputs)} 个输入列、{len(outputs)} 个输出列。")
        entries = []
        for column, entry in zip(inputs, entries_el, strict=True):
            where = f"{row_label}「{column.label}」列的条目"
            _check_language(entry, table_language, where)
            entries.append(_compile("tests", _text(entry), where))
        outs: list[Expression | None] = []
        for column, entry in zip(outputs, out_el, strict=True):
            where = f"{row_label}输出「{column.label}」"
            _check_language(entry, table_language, where)
            text = _text(entry)
            outs.append(_compile("expression", text, where) if text else None)
        description = _child(row, "description")
        rules.append(Rule(number, row.get("id") or "", (description.text or "").strip() if description is not None else "",
                          tuple(entries), tuple(outs)))
    return DecisionTable(decision.get("id") or "", decision.get("name") or "", policy, aggregation,
                         tuple(inputs), tuple(outputs), tuple(rules)), data


def _literal_values(text: str, name: str) -> list[Any]:
    values = []
    for part in _split_top_level(text):
        try:
            values.append(compile_expression(part).evaluate({}))
        except FeelError as exc:
            raise RulesRejected(f"输出列「{name}」的可选值「{part}」须是文字或数字：{exc}") from exc
    return values


def _split_top_level(text: str) -> list[str]:
    parts, depth, current, in_string = [], 0, "", False
    for char in text:
        if char == '"':
            in_string = not in_string
        if not in_string and char in "([{":
            depth += 1
        if not in_string and char in ")]}":
            depth -= 1
        if char == "," and depth == 0 and not in_string:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _check_names(names: frozenset[str], paths: frozenset[tuple[str, str]], where: str, text: str,
                 form_fields: set[str] | None) -> None:
    unknown = sorted(names - VARIABLES)
    if unknown:
        raise RulesRejected(f"{where}「{text}」引用了未知变量「{'、'.join(unknown)}」：只能使用 form、facts、credit。")
    for variable, key in sorted(paths):
        if variable == "facts" and key not in FACTS:
            raise RulesRejected(f"{where}「{text}」引用了未声明的事实「{key}」；可用的事实：{'、'.join(FACTS)}。")
        if variable == "form" and form_fields is not None and key not in form_fields:
            raise RulesRejected(f"{where}「{text}」引用了申请表中不存在的字段「{key}」；"
                                f"该事项的字段：{'、'.join(sorted(form_fields)) or '无'}。")


def parse_rules(dmn_xml: str | bytes, *, form_fields: set[str] | None = None,
                decision_id: str | None = None) -> ParsedRules:
    """Parse and validate a DMN file for instant approval; raise ``RulesRejected`` with the reason.
    ``decision_id`` picks one decision of a file with several (tools only: an upload has one)."""
    table, data = parse_table(dmn_xml, decision_id=decision_id)
    if table.aggregation:
        raise RulesRejected(f"秒批规则不能汇总（COLLECT {table.aggregation}）：每一行是一条不予通过的理由，须逐条列出。")
    if OUTPUT not in [o.name for o in table.outputs]:
        raise RulesRejected(f"决策表须有一个名为 {OUTPUT} 的输出列（未通过的规则说明）。"
                            f"实际的输出列：{'、'.join(o.name for o in table.outputs)}")
    if not table.rules:
        raise RulesRejected("决策表没有规则行。")
    for column in table.inputs:
        _check_names(column.expression.names, column.expression.paths, f"输入列「{column.label}」的表达式",
                     column.text, form_fields)
    reason_index = [o.name for o in table.outputs].index(OUTPUT)
    for rule in table.rules:
        row_label = f"第 {rule.number} 行（id={rule.id or '?'}）"
        for column, entry in zip(table.inputs, rule.entries, strict=True):
            _check_names(entry.names, entry.paths, f"{row_label}「{column.label}」列的条目", entry.text, form_fields)
        reason = rule.outputs[reason_index]
        try:
            literal = reason.evaluate({}) if reason is not None and not reason.names else None
        except FeelError:
            literal = None
        if not isinstance(literal, str) or not literal.strip():
            raise RulesRejected(f"{row_label}的 {OUTPUT} 必须是带引号的文字，例如 \"申请人须年满80周岁\"。")
        for out_column, output in zip(table.outputs, rule.outputs, strict=True):
            if output is not None:
                _check_names(output.names, output.paths, f"{row_label}输出「{out_column.label}」", output.text, form_fields)
    inputs = [{"label": c.label, "expression": c.text} for c in table.inputs]
    return ParsedRules(decision_id=table.decision_id, inputs=inputs, digest=hashlib.sha256(data).hexdigest())


_lock = threading.Lock()
_tables: dict[Any, DecisionTable] = {}


def _table(cache_key: Any, dmn_xml: str | bytes) -> DecisionTable:
    table = _tables.get(cache_key)
    if table is None:
        table, _data = parse_table(dmn_xml)
        with _lock:
            _tables[cache_key] = table
    return table


def evaluate_rules(cache_key: Any, dmn_xml: str | bytes, context: dict[str, Any],
                   inputs: list[dict[str, str]] | None = None) -> RulesOutcome:
    """Evaluate a published rule set against ``{"form", "facts", "credit"}``. Never raises: an
    error, or a row that cannot be decided, becomes an outcome that did not pass, with the reason,
    so a person takes over. Evidence is the value of every input column. (``inputs``, the columns
    stored with the version, is accepted for callers' sake; the table's own columns are used.)"""
    evidence: dict[str, Any] = {}
    try:
        table = _table(cache_key, dmn_xml)
        data = to_feel(dict(context))
    except (RulesRejected, FeelError) as exc:
        return RulesOutcome(passed=False, error=f"规则无法计算：{exc}"[:300])
    except Exception as exc:  # noqa: BLE001 - a rule that cannot run never approves
        return RulesOutcome(passed=False, error=f"规则无法计算：{type(exc).__name__}"[:300])
    for column in table.inputs:
        try:
            evidence[column.label] = to_python(column.expression.evaluate(data))
        except FeelError as exc:
            evidence[column.label] = f"<无法计算: {exc}>"[:200]
    try:
        result = table.evaluate(data)
    except TableError as exc:
        return RulesOutcome(passed=False, evidence=evidence, error=f"规则无法计算：{exc}"[:300])
    except Exception as exc:  # noqa: BLE001 - a rule that cannot run never approves
        return RulesOutcome(passed=False, evidence=evidence, error=f"规则无法计算：{type(exc).__name__}"[:300])
    rows = result.output if isinstance(result.output, list) else ([result.output] if result.output else [])
    selected = [row for row in rows if row.get(OUTPUT) is not None]
    failed = [str(row.get(OUTPUT)) for row in selected]
    # the hit policy returns the very row dicts it was given: identity maps a reason to its row
    failed_rows = [number for number, row in zip(result.fired, result.rows, strict=True)
                   if any(row is chosen for chosen in selected)]
    undecided_rows, row_reads = list(result.undecided_rows), table.row_reads()
    if result.undecided:
        return RulesOutcome(passed=False, failed_rules=failed, evidence=evidence,
                            error=("规则无法自动判断，须人工审查：" + "；".join(result.undecided))[:300],
                            failed_rows=failed_rows, undecided_rows=undecided_rows, rows=row_reads)
    return RulesOutcome(passed=not failed, failed_rules=failed, evidence=evidence,
                        failed_rows=failed_rows, undecided_rows=undecided_rows, rows=row_reads)
