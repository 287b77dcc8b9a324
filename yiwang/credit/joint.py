"""Joint reward-and-punishment rules (联合奖惩) as DMN decision tables, on the catalog's evaluator.

The dialect is the one of ``yiwang.catalog.dmn`` (FEEL only, nothing runs Python), with:

* two variables: ``credit`` (the subject's facts, keys in ``facts.CREDIT_FACTS``) and ``item``
  (the item applied for, keys in ``facts.ITEM_FACTS``); any other name, or an undeclared key, is
  refused when the rule set is saved, naming it;
* two output columns: ``outcome`` — a quoted literal, one of ``OUTCOMES`` — and ``reason``, a
  quoted text told to the clerk and the applicant; and optionally ``reason_en``, the same reason in
  English (shown in the English interface; without it the Chinese reason is shown there too);
* every row that fires (as the hit policy selects rows) is one firing. COLLECT is the natural policy.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yiwang.catalog.dmn import DecisionTable, RulesRejected, TableError, parse_table
from yiwang.catalog.feel import FeelError, to_feel, to_python
from yiwang.credit.facts import CREDIT_FACTS, ITEM_FACTS
from yiwang.credit.models import Outcome

VARIABLES = {"credit": CREDIT_FACTS, "item": ITEM_FACTS}
OUTCOMES = set(Outcome.values)


@dataclass(frozen=True)
class Firing:
    rule_id: str
    outcome: str
    reason: str
    reason_en: str = ""


def _literal(expression: Any) -> Any:
    if expression is None or expression.names:
        return None
    try:
        return to_python(expression.evaluate({}))
    except FeelError:
        return None


def _check(names: frozenset[str], paths: frozenset[tuple[str, str]], where: str, text: str) -> None:
    unknown = sorted(n for n in names if n not in VARIABLES)
    if unknown:
        raise RulesRejected(f"{where}「{text}」引用了未知变量「{'、'.join(unknown)}」：只能使用 credit、item。")
    for variable, key in sorted(paths):
        if variable in VARIABLES and key not in VARIABLES[variable]:
            raise RulesRejected(f"{where}「{text}」引用了未知的事实「{variable}.{key}」；"
                                f"可用：{'、'.join(f'{variable}.{k}' for k in VARIABLES[variable])}。")


def validate(dmn_xml: str | bytes) -> tuple[DecisionTable, str]:
    """Parse and check a joint rule table; return it with its digest or raise ``RulesRejected``."""
    table, data = parse_table(dmn_xml)
    names = [o.name for o in table.outputs]
    if "outcome" not in names or "reason" not in names:
        raise RulesRejected(f"决策表须有名为 outcome 和 reason 的输出列；实际：{'、'.join(names)}。")
    if table.aggregation:
        raise RulesRejected("联合奖惩规则不能汇总（COLLECT 汇总）：每一行是一条措施。")
    if not table.rules:
        raise RulesRejected("决策表没有规则行。")
    for column in table.inputs:
        _check(column.expression.names, column.expression.paths, f"输入列「{column.label}」的表达式", column.text)
    at_outcome, at_reason = names.index("outcome"), names.index("reason")
    for rule in table.rules:
        row = f"第 {rule.number} 行（id={rule.id or '?'}）"
        for column, entry in zip(table.inputs, rule.entries, strict=True):
            _check(entry.names, entry.paths, f"{row}「{column.label}」列的条目", entry.text)
        outcome_cell = rule.outputs[at_outcome]
        outcome = _literal(outcome_cell)
        if outcome not in OUTCOMES:
            raise RulesRejected(f"{row}的 outcome 须是带引号的 {'、'.join(sorted(OUTCOMES))} 之一，"
                                f"实际为 {outcome_cell.text if outcome_cell else '空'}。")
        reason = _literal(rule.outputs[at_reason])
        if not isinstance(reason, str) or not reason.strip():
            raise RulesRejected(f"{row}的 reason 须是带引号的文字（告知窗口人员和申请人的理由）。")
        if "reason_en" in names:
            english = rule.outputs[names.index("reason_en")]
            if english is not None and english.text.strip() and not isinstance(_literal(english), str):
                raise RulesRejected(f"{row}的 reason_en 须是带引号的英文文字，或留空。")
    return table, hashlib.sha256(data).hexdigest()


_lock = threading.Lock()
_tables: dict[Any, DecisionTable] = {}


def _table(cache_key: Any, dmn_xml: Callable[[], str]) -> DecisionTable:
    table = _tables.get(cache_key)
    if table is None:
        table, _digest = validate(dmn_xml())
        with _lock:
            _tables[cache_key] = table
    return table


def _english(row: dict[str, Any]) -> str:
    value = to_python(row.get("reason_en")) if "reason_en" in row else None
    return value.strip()[:300] if isinstance(value, str) else ""


def evaluate(cache_key: Any, dmn_xml: Callable[[], str], context: dict[str, Any]) -> list[Firing]:
    """The firings of one table over ``{"credit": …, "item": …}``. A table that cannot decide for
    these facts (an error, a row that can neither fire nor not) never lets a case through quietly:
    it becomes one ``manual_review`` firing naming the problem."""
    try:
        table = _table(cache_key, dmn_xml)
        result = table.evaluate(to_feel(dict(context)))
    except (RulesRejected, TableError, FeelError) as exc:
        return [Firing("error", Outcome.MANUAL_REVIEW, f"联合奖惩规则无法计算，须人工审查：{exc}"[:300],
                       f"The joint rules could not be computed; a person must review: {exc}"[:300])]
    rows = result.output if isinstance(result.output, list) else ([result.output] if result.output else [])
    by_identity = {id(row): number for number, row in zip(result.fired, result.rows, strict=True)}
    rules = {rule.number: rule for rule in table.rules}
    firings = [Firing(rules[by_identity[id(row)]].id or str(by_identity[id(row)]), str(to_python(row["outcome"])),
                      str(to_python(row["reason"]))[:300], _english(row))
               for row in rows if id(row) in by_identity]
    if result.undecided:
        firings.append(Firing("undecided", Outcome.MANUAL_REVIEW,
                              ("联合奖惩规则无法判断，须人工审查：" + "；".join(result.undecided))[:300],
                              ("The joint rules cannot decide; a person must review: "
                               + "; ".join(result.undecided))[:300]))
    return firings
