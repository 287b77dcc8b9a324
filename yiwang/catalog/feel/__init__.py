"""FEEL (the Friendly Enough Expression Language of the DMN standard), the one expression language
of everything uploaded to Yiwang: BPMN gateway conditions and DMN decision tables.

An interpreter over plain values written on ``lark`` (see ``docs/feel.md`` for the subset, the
built-ins and the limits). Expressions never reach a Python object: task data is converted to FEEL
values on the way in, built-ins are a fixed table, and length, nesting, steps and the size of every
produced value are bounded, so that a bad expression ends in a ``FeelError``, never in a hang.

    >>> compile_expression('decision = "deny"').evaluate({"decision": "deny"})
    True
    >>> compile_unary_tests('"red","black"').matches("black")
    True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yiwang.catalog.feel.builtins import BUILTINS
from yiwang.catalog.feel.errors import FeelError, FeelLimitError, FeelSyntaxError
from yiwang.catalog.feel.evaluator import INPUT, MAX_STEPS, Compiler, Env, Node, raise_for_errors
from yiwang.catalog.feel.parser import MAX_DEPTH, MAX_LENGTH, parse
from yiwang.catalog.feel.values import MAX_LIST, MAX_STRING, to_feel, to_python

__all__ = [
    "BUILTINS", "MAX_DEPTH", "MAX_LENGTH", "MAX_LIST", "MAX_STEPS", "MAX_STRING", "Expression", "FeelError",
    "FeelLimitError", "FeelSyntaxError", "UnaryTests", "compile_expression", "compile_unary_tests", "to_feel",
    "to_python",
]


@dataclass(frozen=True)
class Expression:
    text: str
    names: frozenset[str]
    paths: frozenset[tuple[str, str]]
    _node: Node

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        """The FEEL value of the expression over ``data`` (task data: converted as it is read)."""
        try:
            return self._node(Env(data))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a FeelError with a readable reason
            raise raise_for_errors(exc) from None


_NO_DATA: Mapping[str, Any] = {}


@dataclass(frozen=True)
class UnaryTests:
    """A decision-table input entry: ``-`` (anything), ``< 80``, ``"red","black"``, ``not(…)`` …"""

    text: str
    names: frozenset[str]
    paths: frozenset[tuple[str, str]]
    negated: bool
    _test: Any

    @property
    def matches_anything(self) -> bool:
        return self._test is None

    def test(self, value: Any, data: Mapping[str, Any] | None = None) -> bool | None:
        """True (the input passes), False, or None when it cannot be said (a comparison with null
        or with a value of another type). ``value`` is a FEEL value or plain data (converted)."""
        if self._test is None:
            return True
        try:
            value = to_feel(value)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a FeelError with a readable reason
            raise raise_for_errors(exc) from None
        return self.test_value(value, data)

    def test_value(self, value: Any, data: Mapping[str, Any] | None = None) -> bool | None:
        """``test`` for a ``value`` that is already a FEEL value (a decision table's input column:
        converted once per evaluation, not once per row). The input is set in the test's own
        environment (with a fresh step budget) rather than by copying ``data`` into a new mapping."""
        if self._test is None:
            return True
        try:
            env = Env(data if data is not None else _NO_DATA)
            env.values[INPUT] = value
            result = self._test(env, value)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a FeelError with a readable reason
            raise raise_for_errors(exc) from None
        if self.negated and result is not None:
            return not result
        return result

    def matches(self, value: Any, data: Mapping[str, Any] | None = None) -> bool:
        """Whether the input value passes (a test that cannot be decided does not)."""
        return self.test(value, data) is True


@functools.lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expression:
    """Parse and compile once per text (the cache keeps the hot path to evaluation only)."""
    compiler = Compiler()
    node = compiler.compile(parse(text.strip()))
    if compiler.uses_input:
        raise FeelSyntaxError("「?」只能用在决策表的输入条目中。")
    return Expression(text, frozenset(compiler.names), frozenset(compiler.paths), node)


_NOT = re.compile(r"\s*not\s*\(", re.S)


def _negated_body(text: str) -> str | None:
    """The inside of ``not( … )`` when the parentheses wrap the whole entry."""
    match = _NOT.match(text)
    if not match:
        return None
    depth, in_string, escaped = 0, False, False
    for index in range(match.end() - 1, len(text)):
        char = text[index]
        if in_string:
            escaped, in_string = (not escaped and char == "\\"), in_string and (escaped or char != '"')
            continue
        if char == '"':
            in_string = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[match.end():index] if not text[index + 1:].strip() else None
    return None


@functools.lru_cache(maxsize=4096)
def compile_unary_tests(text: str) -> UnaryTests:
    stripped = (text or "").strip()
    if stripped in ("", "-"):
        return UnaryTests(text, frozenset(), frozenset(), False, None)
    body = _negated_body(stripped)
    compiler = Compiler()
    test = compiler.compile(parse(body if body is not None else stripped, start="unary_tests"))
    return UnaryTests(text, frozenset(compiler.names), frozenset(compiler.paths), body is not None, test)
