"""Syntax tree to evaluation: each node becomes a small Python closure over FEEL values, built once
per expression text (cached by the caller), so that evaluating a condition costs microseconds.

Every closure counts a step; an evaluation that takes more than ``MAX_STEPS`` steps (a filter over
a long list inside another filter …) stops with a ``FeelLimitError`` instead of running on."""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import lark

from yiwang.catalog.feel.builtins import BUILTINS, date, date_and_time, duration, time
from yiwang.catalog.feel.errors import FeelError, FeelLimitError, FeelSyntaxError
from yiwang.catalog.feel.values import (
    NUMBER_CONTEXT,
    Range,
    YearsMonths,
    check_size,
    compare,
    equals,
    in_range,
    to_feel,
    type_name,
)

MAX_STEPS = 10_000
MAX_EXPONENT = 1_000  # |y| in x ** y

Node = Callable[["Env"], Any]
INPUT = "?"


class Env:
    """The names an expression sees: task data converted to FEEL values on first use."""

    __slots__ = ("raw", "values", "parent", "budget")

    def __init__(self, raw: Mapping[str, Any], parent: Env | None = None, budget: list[int] | None = None):
        self.raw = raw
        self.values: dict[str, Any] = {}
        self.parent = parent
        self.budget = budget if budget is not None else [MAX_STEPS]

    def lookup(self, name: str) -> Any:
        env: Env | None = self
        while env is not None:
            if name in env.values:
                return env.values[name]
            if name in env.raw:
                value = env.values[name] = to_feel(env.raw[name])
                return value
            env = env.parent
        return None


def _tick(env: Env) -> None:
    env.budget[0] -= 1
    if env.budget[0] < 0:
        raise FeelLimitError(f"表达式计算步骤超过 {MAX_STEPS} 步，已停止。")


def _decimal(op: Callable[[Decimal, Decimal], Decimal], a: Decimal, b: Decimal) -> Decimal | None:
    try:
        return op(a, b)
    except decimal.Overflow:
        raise FeelLimitError("计算结果的数字过大。") from None
    except (decimal.DivisionByZero, decimal.InvalidOperation):
        return None


def _num(*values: Any) -> bool:
    return all(isinstance(v, Decimal) for v in values)


def _add_months(day: dt.date, months: int) -> dt.date | None:
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        return None
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def add(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if _num(a, b):
        return _decimal(NUMBER_CONTEXT.add, a, b)
    if isinstance(a, str) and isinstance(b, str):
        return check_size(a + b)
    if isinstance(a, YearsMonths) and isinstance(b, YearsMonths):
        return YearsMonths(a.months + b.months)
    if isinstance(a, dt.timedelta) and isinstance(b, dt.timedelta):
        return _safe(lambda: a + b)
    if isinstance(b, (dt.date, dt.time)) and isinstance(a, (dt.timedelta, YearsMonths)):
        a, b = b, a
    if isinstance(a, dt.date) and isinstance(b, YearsMonths):
        return _add_months(a, b.months)
    if isinstance(a, dt.datetime) and isinstance(b, dt.timedelta):
        return _safe(lambda: a + b)
    if isinstance(a, dt.date) and isinstance(b, dt.timedelta):
        return _safe(lambda: dt.datetime.combine(a, dt.time()) + b if b % dt.timedelta(days=1) else a + b)
    if isinstance(a, dt.time) and isinstance(b, dt.timedelta):
        return (dt.datetime.combine(dt.date(2000, 1, 1), a) + b).timetz()
    return None


def _neg(value: Any) -> Any:
    if isinstance(value, Decimal):
        return -value
    if isinstance(value, dt.timedelta):
        return -value
    if isinstance(value, YearsMonths):
        return YearsMonths(-value.months)
    return None


def sub(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if _num(a, b):
        return _decimal(NUMBER_CONTEXT.subtract, a, b)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return _safe(lambda: a - b)
    if type(a) is dt.date and type(b) is dt.date:
        return a - b
    if isinstance(a, (dt.date, dt.time)) and isinstance(b, (dt.timedelta, YearsMonths)):
        return add(a, _neg(b))
    if isinstance(a, (dt.timedelta, YearsMonths)) and type(a) is type(b):
        return add(a, _neg(b))
    return None


def mul(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if _num(a, b):
        return _decimal(NUMBER_CONTEXT.multiply, a, b)
    if isinstance(a, Decimal):
        a, b = b, a
    if isinstance(a, dt.timedelta) and isinstance(b, Decimal):
        return _safe(lambda: a * float(b))
    if isinstance(a, YearsMonths) and isinstance(b, Decimal):
        return YearsMonths(int(b * a.months)) if abs(b * a.months) < 10**6 else None
    return None


def div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if _num(a, b):
        return _decimal(NUMBER_CONTEXT.divide, a, b)
    if isinstance(a, dt.timedelta) and isinstance(b, Decimal) and b:
        return _safe(lambda: a / float(b))
    return None


def power(a: Any, b: Any) -> Any:
    if not _num(a, b):
        return None
    if abs(b) > MAX_EXPONENT:
        raise FeelLimitError(f"乘方的指数不能超过 {MAX_EXPONENT}（实际为 {b if abs(b) < 10**12 else '更大'}）。")
    return _decimal(NUMBER_CONTEXT.power, a, b)


def _safe(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except (OverflowError, ValueError):
        return None


def _and(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is True and b is True:
        return True
    return None


def _or(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return None


def _cmp(op: str) -> Callable[[Any, Any], Any]:
    if op == "=":
        return equals
    if op == "!=":
        return lambda a, b: None if (eq := equals(a, b)) is None else not eq
    check = {"<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0}[op]

    def ordered(a: Any, b: Any) -> Any:
        order = compare(a, b)
        return None if order is None else check(order)

    return ordered


def member(value: Any, candidate: Any) -> Any:
    """``value in candidate`` for one candidate: a range contains, a list has an element that is
    (or contains) the value, anything else equals."""
    if isinstance(candidate, Range):
        return in_range(value, candidate)
    if isinstance(candidate, list) and not isinstance(value, list):
        seen_null = False
        for element in candidate:
            found = member(value, element) if isinstance(element, Range) else equals(value, element)
            if found is True:
                return True
            seen_null = seen_null or found is None
        return None if seen_null and value is not None else False
    return equals(value, candidate)


_PROPERTIES: dict[str, Callable[[Any], Any]] = {
    "year": lambda v: Decimal(v.year) if isinstance(v, dt.date) else None,
    "month": lambda v: Decimal(v.month) if isinstance(v, dt.date) else None,
    "day": lambda v: Decimal(v.day) if isinstance(v, dt.date) else None,
    "hour": lambda v: Decimal(v.hour) if isinstance(v, (dt.datetime, dt.time)) else None,
    "minute": lambda v: Decimal(v.minute) if isinstance(v, (dt.datetime, dt.time)) else None,
    "second": lambda v: Decimal(v.second) if isinstance(v, (dt.datetime, dt.time)) else None,
    "days": lambda v: Decimal(v.days) if isinstance(v, dt.timedelta) else None,
    "years": lambda v: Decimal(int(v.months / 12)) if isinstance(v, YearsMonths) else None,
    "months": lambda v: Decimal(v.months % 12 if v.months >= 0 else -(-v.months % 12))
    if isinstance(v, YearsMonths) else None,
}


def get_path(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list):
        return [get_path(v, key) for v in value]
    prop = _PROPERTIES.get(key)
    return prop(value) if prop is not None else None


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


def unescape(token: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u") and len(code) == 5:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, token[1:-1])


def temporal(text: str) -> Any:
    for build in (duration, date, date_and_time, time):
        value = build(text)
        if value is not None:
            return value
    return None


_TYPES: dict[str, Callable[[Any], bool]] = {
    "Any": lambda v: v is not None,
    "Null": lambda v: v is None,
}


_PYTHON_CONSTANTS = {"True": "true", "False": "false", "None": "null"}


class Compiler:
    """Builds closures from a lark tree and records the names the expression reads."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.paths: set[tuple[str, str]] = set()
        self.uses_input = False
        self._in_filter = 0

    def compile(self, tree: Any) -> Node:
        if isinstance(tree, lark.Token):
            raise FeelSyntaxError(f"无法理解「{tree}」。")
        method = getattr(self, f"_{tree.data}", None)
        if method is None:
            raise FeelSyntaxError(f"不支持的写法：{tree.data}。")
        return method(*tree.children)

    # --- literals -------------------------------------------------------------------------
    def _number(self, token: lark.Token) -> Node:
        value = NUMBER_CONTEXT.create_decimal(str(token))
        return lambda env: value

    def _string(self, token: lark.Token) -> Node:
        value = check_size(unescape(str(token)))
        return lambda env: value

    def _temporal(self, token: lark.Token) -> Node:
        text = unescape(str(token)[1:])
        value = temporal(text)
        if value is None:
            raise FeelSyntaxError(f"@\"{text}\" 不是有效的日期、时间或期间。")
        return lambda env: value

    def _true(self) -> Node:
        return lambda env: True

    def _false(self) -> Node:
        return lambda env: False

    def _null(self) -> Node:
        return lambda env: None

    def _name(self, token: lark.Token) -> Node:
        name = str(token)
        if name in _PYTHON_CONSTANTS:
            raise FeelSyntaxError(f"「{name}」不是 FEEL：请写作 {_PYTHON_CONSTANTS[name]}（小写）。")
        if not self._in_filter:
            self.names.add(name)

        def lookup(env: Env) -> Any:
            _tick(env)
            return env.lookup(name)

        return lookup

    def _input_value(self, _token: lark.Token) -> Node:
        self.uses_input = True
        return lambda env: env.lookup(INPUT)

    def _list(self, *items: Any) -> Node:
        nodes = [self.compile(i) for i in items if i is not None]

        def build(env: Env) -> Any:
            _tick(env)
            return check_size([n(env) for n in nodes])

        return build

    def _context(self, *entries: Any) -> Node:
        pairs: list[tuple[str, Node]] = []
        for entry in entries:
            if entry is None:
                continue
            key_token, value_tree = entry.children
            key = unescape(str(key_token)) if key_token.type == "STRING" else str(key_token)
            if any(k == key for k, _n in pairs):
                raise FeelSyntaxError(f"上下文中的键「{key}」重复。")
            pairs.append((key, self.compile(value_tree)))

        def build(env: Env) -> Any:
            _tick(env)
            return {k: n(env) for k, n in pairs}

        return build

    def _interval(self, opening: lark.Token, start: Any, end: Any, closing: lark.Token) -> Node:
        low, high = self.compile(start), self.compile(end)
        start_included, end_included = opening.type == "LSQB", closing.type == "RSQB"

        def build(env: Env) -> Any:
            _tick(env)
            return Range(low(env), high(env), start_included, end_included)

        return build

    # --- operators ------------------------------------------------------------------------
    def _binary(self, left: Any, right: Any, op: Callable[[Any, Any], Any]) -> Node:
        a, b = self.compile(left), self.compile(right)

        def apply(env: Env) -> Any:
            _tick(env)
            return op(a(env), b(env))

        return apply

    def _add(self, left: Any, right: Any) -> Node:
        return self._binary(left, right, add)

    def _sub(self, left: Any, right: Any) -> Node:
        return self._binary(left, right, sub)

    def _mul(self, left: Any, right: Any) -> Node:
        return self._binary(left, right, mul)

    def _div(self, left: Any, right: Any) -> Node:
        return self._binary(left, right, div)

    def _pow(self, left: Any, right: Any) -> Node:
        return self._binary(left, right, power)

    def _neg(self, operand: Any) -> Node:
        a = self.compile(operand)
        return lambda env: _neg(a(env))

    def _compare(self, left: Any, op: lark.Token, right: Any) -> Node:
        return self._binary(left, right, _cmp(str(op)))

    def _and_(self, left: Any, right: Any) -> Node:
        a, b = self.compile(left), self.compile(right)

        def both(env: Env) -> Any:
            _tick(env)
            first = a(env)
            return False if first is False else _and(first, b(env))

        return both

    def _or_(self, left: Any, right: Any) -> Node:
        a, b = self.compile(left), self.compile(right)

        def either(env: Env) -> Any:
            _tick(env)
            first = a(env)
            return True if first is True else _or(first, b(env))

        return either

    def _if_(self, condition: Any, then: Any, otherwise: Any) -> Node:
        c, t, e = self.compile(condition), self.compile(then), self.compile(otherwise)

        def choose(env: Env) -> Any:
            _tick(env)
            return t(env) if c(env) is True else e(env)

        return choose

    def _between(self, value: Any, low: Any, high: Any) -> Node:
        v, lo, hi = self.compile(value), self.compile(low), self.compile(high)
        ge, le = _cmp(">="), _cmp("<=")

        def check(env: Env) -> Any:
            _tick(env)
            x = v(env)
            return _and(ge(x, lo(env)), le(x, hi(env)))

        return check

    def _in_(self, value: Any, candidates: Any) -> Node:
        return self._binary(value, candidates, member)

    def _in_list(self, value: Any, *candidates: Any) -> Node:
        v = self.compile(value)
        nodes = [self.compile(c) for c in candidates]

        def check(env: Env) -> Any:
            _tick(env)
            x = v(env)
            results = [member(x, n(env)) for n in nodes]
            return True if True in results else (None if None in results else False)

        return check

    def _instance_of(self, value: Any, type_token: lark.Token) -> Node:
        v = self.compile(value)
        wanted = " ".join(str(type_token).split())
        test = _TYPES.get(wanted, lambda x: type_name(x) == wanted)
        return lambda env: test(v(env))

    # --- names, paths, filters, calls -------------------------------------------------------
    def _path(self, base: Any, key: lark.Token) -> Node:
        b = self.compile(base)
        name = str(key)
        if not self._in_filter and isinstance(base, lark.Tree) and base.data == "name":
            self.paths.add((str(base.children[0]), name))

        def get(env: Env) -> Any:
            _tick(env)
            return get_path(b(env), name)

        return get

    def _filter(self, base: Any, condition: Any) -> Node:
        b = self.compile(base)
        self._in_filter += 1
        try:
            c = self.compile(condition)
        finally:
            self._in_filter -= 1

        def select(env: Env) -> Any:
            _tick(env)
            items = b(env)
            if items is None:
                return None
            if not isinstance(items, list):
                items = [items]
            index = c(Env({"item": None}, env, env.budget))
            if isinstance(index, Decimal):
                if index != index.to_integral_value() or index == 0 or abs(index) > len(items):
                    return None
                return items[int(index) - 1 if index > 0 else int(index)]
            chosen = []
            for element in items:
                scope = Env({}, env, env.budget)
                scope.values = dict(element) if isinstance(element, dict) else {}
                scope.values["item"] = element
                if c(scope) is True:
                    chosen.append(element)
            return chosen

        return select

    def _call(self, name_token: lark.Token, *args: Any) -> Node:
        name = " ".join(str(name_token).split())
        function = BUILTINS.get(name)
        if function is None:
            raise FeelSyntaxError(
                f"不认识的函数「{name}」。可用的函数：{'、'.join(sorted(BUILTINS))}。")
        nodes = [self.compile(a) for a in args if a is not None]

        def call(env: Env) -> Any:
            _tick(env)
            try:
                return check_size(function(*[n(env) for n in nodes]))
            except TypeError:  # wrong number of arguments: null, as the specification says
                return None

        return call

    # --- unary tests ----------------------------------------------------------------------
    def _unary_compare(self, op: lark.Token, endpoint: Any) -> Callable[[Env, Any], Any]:
        e = self.compile(endpoint)
        test = _cmp(str(op))
        return lambda env, value: test(value, e(env))

    def _unary_expr(self, expression: Any) -> Callable[[Env, Any], Any]:
        before = self.uses_input
        self.uses_input = False
        e = self.compile(expression)
        uses_input, self.uses_input = self.uses_input, before or self.uses_input
        if uses_input:
            return lambda env, value: e(env) is True

        def test(env: Env, value: Any) -> Any:
            expected = e(env)
            if isinstance(expected, bool) and isinstance(value, bool):
                return value == expected
            if isinstance(expected, list) and isinstance(value, list):
                return equals(value, expected)
            return member(value, expected)

        return test

    def _unary_tests(self, *tests: Any) -> Callable[[Env, Any], Any]:
        compiled = [self.compile(t) for t in tests]

        def any_of(env: Env, value: Any) -> Any:
            seen_null = False
            for test in compiled:
                result = test(env, value)
                if result is True:
                    return True
                seen_null = seen_null or result is None
            return None if seen_null else False

        return any_of


def raise_for_errors(exc: Exception) -> FeelError:
    """Map an unexpected Python failure inside evaluation to a FEEL error a person can read."""
    if isinstance(exc, FeelError):
        return exc
    if isinstance(exc, RecursionError):
        return FeelLimitError("表达式嵌套过深。")
    return FeelError(f"表达式无法计算（{type(exc).__name__}）。")
