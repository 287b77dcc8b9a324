"""The FEEL built-in functions Yiwang offers: a fixed table of plain functions over FEEL values.

Following the DMN specification, a built-in given arguments of the wrong type or number returns
null rather than raising; the caller (a condition, a rule) then sees null."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from yiwang.catalog.feel.values import NUMBER_CONTEXT, YearsMonths, check_size, compare, equals, number


def _all(kind: type | tuple[type, ...], *values: Any) -> bool:
    return all(isinstance(v, kind) and not isinstance(v, bool) for v in values)


def _int(value: Any) -> int | None:
    if _all(Decimal, value) and value == value.to_integral_value():
        return int(value)
    return None


def string_length(s: Any) -> Any:
    return Decimal(len(s)) if _all(str, s) else None


def substring(s: Any, start: Any, length: Any = None) -> Any:
    begin = _int(start)
    if not _all(str, s) or begin is None or begin == 0:
        return None
    index = begin - 1 if begin > 0 else len(s) + begin
    if length is None:
        return s[max(index, 0):]
    count = _int(length)
    if count is None or count < 0:
        return None
    return s[max(index, 0):max(index, 0) + count]


def contains(s: Any, match: Any) -> Any:
    return match in s if _all(str, s, match) else None


def starts_with(s: Any, match: Any) -> Any:
    return s.startswith(match) if _all(str, s, match) else None


def ends_with(s: Any, match: Any) -> Any:
    return s.endswith(match) if _all(str, s, match) else None


def upper_case(s: Any) -> Any:
    return check_size(s.upper()) if _all(str, s) else None


def lower_case(s: Any) -> Any:
    return check_size(s.lower()) if _all(str, s) else None


def substring_before(s: Any, match: Any) -> Any:
    return s.partition(match)[0] if _all(str, s, match) and match in s else ("" if _all(str, s, match) else None)


def substring_after(s: Any, match: Any) -> Any:
    return s.partition(match)[2] if _all(str, s, match) and match in s else ("" if _all(str, s, match) else None)


def _items(args: tuple[Any, ...]) -> list[Any] | None:
    if len(args) == 1 and isinstance(args[0], list):
        return args[0]
    return list(args) if args else None


def count(items: Any) -> Any:
    return Decimal(len(items)) if isinstance(items, list) else None


def sum_(*args: Any) -> Any:
    items = _items(args)
    if items is None or not _all(Decimal, *items):
        return None
    return sum(items, Decimal(0)) if items else None


def _extreme(args: tuple[Any, ...], sign: int) -> Any:
    items = _items(args)
    if not items:
        return None
    best = items[0]
    for item in items[1:]:
        order = compare(item, best)
        if order is None:
            return None
        if order == sign:
            best = item
    return best if len(items) > 1 or compare(best, best) == 0 else None


def min_(*args: Any) -> Any:
    return _extreme(args, -1)


def max_(*args: Any) -> Any:
    return _extreme(args, 1)


def list_contains(items: Any, element: Any) -> Any:
    if not isinstance(items, list):
        return None
    return any(equals(item, element) is True for item in items)


def abs_(n: Any) -> Any:
    return abs(n) if _all(Decimal, n) else None


def floor(n: Any) -> Any:
    return n.to_integral_value(rounding=decimal.ROUND_FLOOR) if _all(Decimal, n) else None


def ceiling(n: Any) -> Any:
    return n.to_integral_value(rounding=decimal.ROUND_CEILING) if _all(Decimal, n) else None


def not_(value: Any) -> Any:
    return (not value) if isinstance(value, bool) else None


def _from_text(parse: Callable[[str], Any], text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return parse(text)
    except ValueError:
        return None


def date(*args: Any) -> Any:
    if len(args) == 1:
        if isinstance(args[0], dt.datetime):
            return args[0].date()
        if isinstance(args[0], dt.date):
            return args[0]
        return _from_text(lambda t: dt.date.fromisoformat(t) if re.fullmatch(r"\d{4}-\d\d-\d\d", t) else
                          _raise(), args[0])
    if len(args) == 3:
        y, m, d = (_int(a) for a in args)
        if y is None or m is None or d is None:
            return None
        try:
            return dt.date(y, m, d)
        except ValueError:
            return None
    return None


def _raise() -> Any:
    raise ValueError


def time(*args: Any) -> Any:
    if len(args) == 1:
        if isinstance(args[0], dt.datetime):
            return args[0].timetz()
        return _from_text(dt.time.fromisoformat, args[0])
    if len(args) == 3:
        h, m, s = (_int(a) for a in args)
        if h is None or m is None or s is None:
            return None
        try:
            return dt.time(h, m, s)
        except ValueError:
            return None
    return None


def date_and_time(*args: Any) -> Any:
    if len(args) == 1:
        text = args[0]
        if isinstance(text, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            return None if date(text) is None else dt.datetime.combine(date(text), dt.time())
        return _from_text(lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00")) if "T" in t else _raise(), text)
    if len(args) == 2 and isinstance(args[0], dt.date) and isinstance(args[1], dt.time):
        day = args[0].date() if isinstance(args[0], dt.datetime) else args[0]
        return dt.datetime.combine(day, args[1])
    return None


_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def duration(text: Any) -> Any:
    if not isinstance(text, str) or len(text) > 64:
        return None
    match = _DURATION.fullmatch(text)
    if not match or text.rstrip("-").endswith(("P", "T")):
        return None
    parts = match.groupdict()
    sign = -1 if parts["sign"] else 1
    if parts["y"] or parts["mo"]:
        if parts["d"] or parts["h"] or parts["mi"] or parts["s"]:
            return None
        return YearsMonths(sign * (int(parts["y"] or 0) * 12 + int(parts["mo"] or 0)))
    try:
        return sign * dt.timedelta(days=int(parts["d"] or 0), hours=int(parts["h"] or 0),
                                   minutes=int(parts["mi"] or 0), seconds=float(parts["s"] or 0))
    except OverflowError:
        return None


def years_and_months_duration(start: Any, end: Any) -> Any:
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return None
    a = start.date() if isinstance(start, dt.datetime) else start
    b = end.date() if isinstance(end, dt.datetime) else end
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if months > 0 and b.day < a.day:
        months -= 1
    elif months < 0 and b.day > a.day:
        months += 1
    return YearsMonths(months)


def number_(text: Any) -> Any:
    if not isinstance(text, str) or not re.fullmatch(r"\s*-?(\d+(\.\d*)?|\.\d+)\s*", text):
        return None
    return number(text.strip())


def string(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(NUMBER_CONTEXT), "f") if value == value else None
    if isinstance(value, (str, dt.date, dt.time)):
        return value if isinstance(value, str) else value.isoformat()
    return None


BUILTINS: dict[str, Callable[..., Any]] = {
    "string length": string_length, "substring": substring, "substring before": substring_before,
    "substring after": substring_after, "contains": contains, "starts with": starts_with,
    "ends with": ends_with, "upper case": upper_case, "lower case": lower_case, "count": count, "sum": sum_,
    "min": min_, "max": max_, "list contains": list_contains, "abs": abs_, "floor": floor, "ceiling": ceiling,
    "not": not_, "date": date, "time": time, "date and time": date_and_time, "duration": duration,
    "years and months duration": years_and_months_duration, "number": number_, "string": string,
}
