"""An item's application form (``ServiceItem.form_schema``) and delivery methods: what a valid one
is, and the one place where a field's conditions are read and evaluated (``docs/forms.md``).

The admin's form editor, the demo catalogue, ``ServiceItem.clean`` and anything else that writes an
item's form go through ``validate_form_schema``; ``cases.services.intake.clean_form`` reads the
same keys. A field is a dict::

    {"name": "delivery_address", "label": "邮寄地址", "type": "text", "required": False,
     "required_when": 'form.delivery = "邮寄到家"', "shown_when": 'form.delivery = "邮寄到家"'}

``required_when`` and ``shown_when`` are optional FEEL expressions (``yiwang.catalog.feel``, the one
expression language of everything uploaded) over ``form``, the other fields of the same form. A
condition holds only when it is ``true`` (``null``, e.g. a field left empty, means "no"), as a
gateway condition does. A hidden field is never required and its value is not kept. The browser
shows and hides fields from the states computed here (``field_states``), and the server enforces
them at submission: nothing evaluates a condition a second way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.feel import FeelError, compile_expression, to_feel
from yiwang.core.errors import InvalidInput

FIELD_TYPES: dict[str, Any] = {
    "text": gettext_lazy("单行文字"),
    "textarea": gettext_lazy("多行文字"),
    "number": gettext_lazy("数字"),
    "date": gettext_lazy("日期"),
    "select": gettext_lazy("单选（下拉）"),
    "tel": gettext_lazy("电话号码"),
}
# The values of ``cases.models.DeliveryMethod`` (cases sits above catalog and cannot be imported
# here; a test keeps the two lists equal).
DELIVERY_METHODS: dict[str, Any] = {
    "window": gettext_lazy("窗口领取"),
    "post": gettext_lazy("邮寄送达"),
    "electronic": gettext_lazy("电子送达"),
}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 60
MAX_LABEL = 100
MAX_HELP = 300
MAX_OPTIONS = 50
MAX_OPTION = 100
# keys a field may carry besides those edited here (kept as they are when an operator edits the form)
EDITED_KEYS = ("name", "label", "type", "required", "options", "help")
CONDITION_KEYS = ("required_when", "shown_when")
KNOWN_KEYS = {*EDITED_KEYS, *CONDITION_KEYS}


class FormSchemaRejected(InvalidInput):
    """A form schema that cannot be used, with every reason (``problems``), each naming the field."""

    def __init__(self, problems: list[str]):
        super().__init__(CatalogErrorCode.FORM_SCHEMA_INVALID,
                         _("申请表字段有误：%(problems)s") % {"problems": " ".join(problems)}, {"problems": problems})
        self.problems = problems


@dataclass(frozen=True)
class FieldState:
    shown: bool
    required: bool


def field_problems(fields: Any) -> list[str]:
    """Every problem of a form definition, each naming the field (empty: valid)."""
    if not isinstance(fields, list):
        return [_("申请表字段必须是字段列表。")]
    if len(fields) > MAX_FIELDS:
        return [_("申请表最多 %(max)d 个字段。") % {"max": MAX_FIELDS}]
    problems: list[str] = []
    seen: set[str] = set()
    for number, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            problems.append(_("第 %(n)d 个字段格式不对。") % {"n": number})
            continue
        name = field.get("name")
        where = _("第 %(n)d 个字段「%(name)s」") % {"n": number, "name": name or "—"}
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            problems.append(where + _("：字段名只能用小写字母、数字和下划线，以字母开头，最长 40 个字符。"))
        elif name in seen:
            problems.append(where + _("：字段名重复。"))
        else:
            seen.add(name)
        label = field.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(where + _("：缺少显示名称。"))
        elif len(label) > MAX_LABEL:
            problems.append(where + _("：显示名称过长。"))
        kind = field.get("type", "text")
        if kind not in FIELD_TYPES:
            problems.append(where + _("：类型「%(type)s」不受支持。") % {"type": kind})
        if not isinstance(field.get("required", False), bool):
            problems.append(where + _("：是否必填须为是或否。"))
        options = field.get("options")
        if kind == "select":
            if not isinstance(options, list) or not options:
                problems.append(where + _("：单选字段至少要有一个选项。"))
            elif (len(options) > MAX_OPTIONS or not all(isinstance(o, str) and o.strip() and len(o) <= MAX_OPTION
                                                         for o in options)):
                problems.append(where + _("：选项不能为空，每项最长 100 个字符，最多 50 项。"))
            elif len(set(options)) != len(options):
                problems.append(where + _("：选项重复。"))
        elif options not in (None, []):
            problems.append(where + _("：只有单选字段可以有选项。"))
        help_text = field.get("help", "")
        if not isinstance(help_text, str) or len(help_text) > MAX_HELP:
            problems.append(where + _("：填写说明最长 300 个字符。"))
        unknown = sorted(set(field) - KNOWN_KEYS)
        if unknown:
            problems.append(where + _("：有未知的键：%(keys)s。") % {"keys": "、".join(unknown)})
    for field in fields:
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            continue
        for key in CONDITION_KEYS:
            if key in field:
                problems.extend(_condition_problems(field["name"], key, field[key], seen))
    return problems


def validate_form_schema(fields: Any) -> list[dict[str, Any]]:
    """The form definition if valid; else a coded error listing every problem."""
    problems = field_problems(fields)
    if problems:
        raise FormSchemaRejected(problems)
    return fields


def validate_delivery_methods(methods: Any) -> list[str]:
    if (not isinstance(methods, list) or not methods or any(m not in DELIVERY_METHODS for m in methods)
            or len(set(methods)) != len(methods)):
        raise InvalidInput(CatalogErrorCode.FORM_SCHEMA_INVALID, _("出件方式至少选择一种：窗口领取、邮寄送达或电子送达。"),
                           {"problems": [_("出件方式不正确。")]})
    return methods


def _condition_problems(name: str, key: str, text: Any, names: set[str]) -> list[str]:
    where = _("字段「%(name)s」的条件 %(key)s") % {"name": name, "key": key}
    if not isinstance(text, str) or not text.strip():
        return [_("%(where)s须是一个 FEEL 表达式，例如 form.delivery = \"邮寄到家\"。") % {"where": where}]
    try:
        expression = compile_expression(text)
    except FeelError as exc:
        return [_("%(where)s「%(text)s」不是有效的 FEEL：%(error)s") % {"where": where, "text": text, "error": exc}]
    problems = []
    others = sorted(expression.names - {"form"})
    if others:
        problems.append(_("%(where)s「%(text)s」引用了未知变量「%(names)s」：条件只能读取 form（本表的其他字段）。")
                        % {"where": where, "text": text, "names": "、".join(others)})
    for variable, field_name in sorted(expression.paths):
        if variable != "form":
            continue
        if field_name == name:
            problems.append(_("%(where)s不能引用字段自身。") % {"where": where})
        elif field_name not in names:
            problems.append(_("%(where)s「%(text)s」引用了申请表中不存在的字段「%(field)s」；本表的字段：%(names)s。")
                            % {"where": where, "text": text, "field": field_name, "names": "、".join(sorted(names))})
    return problems


def _holds(text: str | None, form: Mapping[str, Any], default: bool) -> bool:
    """Whether a condition is ``true`` over ``form``. No condition: ``default``. A condition that
    cannot be evaluated (it was valid when saved, so only a limit can stop it) counts as holding for
    ``shown_when`` and not for ``required_when`` — the caller passes which via ``default`` — so that a
    broken condition never hides a field nor blocks a submission."""
    if not text:
        return default
    try:
        return compile_expression(text).evaluate({"form": to_feel(dict(form))}) is True
    except FeelError:
        return default
    except Exception:  # noqa: BLE001 - a stored schema edited by hand must never cost a 500
        return default


def field_states(schema: Iterable[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, FieldState]:
    """Whether each field is shown and required for these form values.

    A hidden field's value does not count: conditions are evaluated again without it until nothing
    changes (a field shown only when a hidden one has some value is hidden too)."""
    fields = [f for f in schema if isinstance(f, dict) and isinstance(f.get("name"), str)]
    visible = {f["name"]: v for f in fields if (v := values.get(f["name"])) not in (None, "")}
    states: dict[str, FieldState] = {}
    for _round in range(len(fields) + 1):
        shown = {f["name"]: _holds(f.get("shown_when"), visible, True) for f in fields}
        pruned = {name: value for name, value in visible.items() if shown.get(name, True)}
        states = {
            f["name"]: FieldState(
                shown=shown[f["name"]],
                required=shown[f["name"]] and (bool(f.get("required"))
                                                or _holds(f.get("required_when"), pruned, False)),
            )
            for f in fields
        }
        if pruned == visible:
            break
        visible = pruned
    return states


def is_conditional(field: Mapping[str, Any]) -> bool:
    return any(field.get(key) for key in CONDITION_KEYS)


# A number field whose label ends in a currency unit, e.g. "月租金（元）" or "注册资本（万元）".
_MONEY_LABEL = re.compile(r"[（(]\s*((?:万|亿)?元)\s*[)）]\s*$")


def format_form_value(field: Mapping[str, Any], value: Any) -> Any:
    """A form value as a person reads it. Numbers are stored as JSON numbers (``120.0`` after
    ``float``): an amount of money shows two decimals only when it has cents, with its unit
    ("120 元", "120.50 元", "30 万元"); any other number drops a trailing ``.0`` ("85.5", "3").
    Everything else is returned unchanged."""
    if field.get("type") != "number" or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    try:
        number = Decimal(str(value))
    except InvalidOperation:  # nan / inf never pass read_form; shown as stored if they did
        return value
    if not number.is_finite():
        return value
    money = _MONEY_LABEL.search(str(field.get("label", "")))
    if money:
        cents = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = f"{cents:.0f}" if cents == cents.to_integral_value() else f"{cents:.2f}"
        return f"{text} {money.group(1)}"
    if number == number.to_integral_value():
        return f"{number:.0f}"
    return format(number.normalize(), "f")
