"""FEEL values and the border with Python.

A FEEL value is one of: ``None`` (null), ``bool``, ``Decimal`` (number), ``str``, ``datetime.date``,
``datetime.time``, ``datetime.datetime``, ``datetime.timedelta`` (days and time duration),
``YearsMonths`` (years and months duration), ``Range``, ``list`` of values, ``dict`` from ``str``
to values (context). Nothing else ever enters the evaluator: ``to_feel`` converts task data on the
way in and refuses anything else, so an expression can never reach a Python object's attributes.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yiwang.catalog.feel.errors import FeelError, FeelLimitError

MAX_STRING = 10_000  # characters in any string an expression reads or makes
MAX_LIST = 10_000  # elements in any list, entries in any context
MAX_NESTING = 32  # nesting of lists and contexts in data
# IEEE 754 decimal128, as the DMN specification asks for FEEL numbers; a smaller exponent range so
# that no number's digits can grow large.
NUMBER_CONTEXT = decimal.Context(prec=34, Emax=9999, Emin=-9999,
                                 traps=[decimal.Overflow, decimal.InvalidOperation, decimal.DivisionByZero])


@dataclass(frozen=True)
class YearsMonths:
    """A years and months duration, in months."""

    months: int

    def __str__(self) -> str:
        sign = "-" if self.months < 0 else ""
        years, months = divmod(abs(self.months), 12)
        return f"{sign}P{years}Y{months}M"


@dataclass(frozen=True)
class Range:
    start: Any
    end: Any
    start_included: bool
    end_included: bool


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, dt.timedelta):
        return "days and time duration"
    if isinstance(value, YearsMonths):
        return "years and months duration"
    if isinstance(value, Range):
        return "range"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "context"
    return type(value).__name__


def number(value: int | float | Decimal | str) -> Decimal | None:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        value = repr(value)
    try:
        return NUMBER_CONTEXT.create_decimal(value)
    except decimal.DecimalException as exc:
        raise FeelLimitError("数字超出范围（有效数字最多 34 位，数量级不超过 10^9999）。") from exc


def to_feel(value: Any, _depth: int = 0) -> Any:
    """Convert task data to a FEEL value; refuse anything that is not plain data."""
    if _depth > MAX_NESTING:
        raise FeelLimitError(f"数据嵌套超过 {MAX_NESTING} 层。")
    if value is None or isinstance(value, (bool, str, Decimal, dt.date, dt.time, dt.timedelta, YearsMonths, Range)):
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise FeelLimitError(f"文字超过 {MAX_STRING} 个字符。")
        if isinstance(value, Decimal):
            return number(value)
        return value
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, dict):
        if len(value) > MAX_LIST:
            raise FeelLimitError(f"数据超过 {MAX_LIST} 项。")
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise FeelError(f"数据中的键必须是文字，而不是 {type(key).__name__}。")
            out[key] = to_feel(item, _depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST:
            raise FeelLimitError(f"列表超过 {MAX_LIST} 项。")
        return [to_feel(item, _depth + 1) for item in value]
    raise FeelError(f"类型为 {type(value).__name__} 的数据不能在表达式中使用。")


def to_python(value: Any) -> Any:
    """A FEEL value as JSON-friendly Python (numbers as int when whole, temporal values as text)."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, list):
        return [to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: to_python(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dt.timedelta, YearsMonths, Range)):
        return str(value)
    return value


def check_size(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise FeelLimitError(f"表达式产生的文字超过 {MAX_STRING} 个字符。")
    if isinstance(value, (list, dict)) and len(value) > MAX_LIST:
        raise FeelLimitError(f"表达式产生的列表超过 {MAX_LIST} 项。")
    return value


_ORDERED = (Decimal, str, dt.date, dt.time, dt.timedelta, YearsMonths)


# Types for which "the same Python type" already means "the same FEEL kind" (a quick answer for the
# common case of a decision table comparing a number with a number; datetime and bool go the long way).
_SAME_TYPE_KINDS = frozenset({Decimal, str, dt.date, dt.time, dt.timedelta, YearsMonths, Range, list, dict})


def same_kind(a: Any, b: Any) -> bool:
    kind = type(a)
    if kind is type(b) and kind in _SAME_TYPE_KINDS:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return isinstance(a, dt.datetime) and isinstance(b, dt.datetime)
    return any(isinstance(a, t) and isinstance(b, t) for t in (Decimal, str, dt.date, dt.time, dt.timedelta,
                                                             YearsMonths, Range, list, dict))


def equals(a: Any, b: Any) -> bool | None:
    """FEEL ``=``: null equals only null; values of different types are not comparable (null)."""
    if a is None or b is None:
        return a is None and b is None
    if not same_kind(a, b):
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):
            eq = equals(x, y)
            if eq is not True:
                return eq
        return True
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        for key in a:
            eq = equals(a[key], b[key])
            if eq is not True:
                return eq
        return True
    if isinstance(a, dt.datetime) and (a.tzinfo is None) != (b.tzinfo is None):
        return None
    return a == b


def compare(a: Any, b: Any) -> int | None:
    """-1, 0, 1 for ordered values of one type; None when they cannot be ordered."""
    if a is None or b is None or not same_kind(a, b) or not isinstance(a, _ORDERED):
        return None
    if isinstance(a, YearsMonths):
        a, b = a.months, b.months
    try:
        return -1 if a < b else (1 if a > b else 0)
    except TypeError:  # naive and aware date-times
        return None


def in_range(value: Any, rng: Range) -> bool | None:
    low = compare(value, rng.start) if rng.start is not None else 1
    high = compare(value, rng.end) if rng.end is not None else -1
    if low is None or high is None:
        return None
    return (low > 0 or (low == 0 and rng.start_included)) and (high < 0 or (high == 0 and rng.end_included))
