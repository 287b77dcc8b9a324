"""An item's application form (``ServiceItem.form_schema``): what a field may say, and the one
place where its conditions are read and evaluated (``docs/forms.md``).

A field is a dict::

    {"name": "delivery_address", "label": "邮寄地址", "type": "text", "required": False,
     "required_when": 'form.delivery = "邮寄到家"', "shown_when": 'form.delivery = "邮寄到家"'}

``required_when`` and ``shown_when`` are optional FEEL expressions (``yiwang.catalog.feel``, the one
expression language of everything uploaded) over ``form``, the other fields of the same form. A
condition holds only when it is ``true`` (``null``, e.g. a field left empty, means "no"), as a
gateway condition does. A hidden field is never required and its value is not kept. The browser
shows and hides fields from the states computed here (``field_states``), and the server enforces
them at submission (``yiwang.cases.services.intake.clean_form``): nothing evaluates a condition a
second way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from yiwang.catalog.feel import FeelError, compile_expression, to_feel

FIELD_TYPES = ("text", "textarea", "number", "date", "select", "tel")
CONDITION_KEYS = ("required_when", "shown_when")
KNOWN_KEYS = {"name", "label", "type", "required", "options", *CONDITION_KEYS}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class FormSchemaRejected(ValueError):
    """A form schema that cannot be used, with every reason (Chinese first, as all refusals)."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FieldState:
    shown: bool
    required: bool


def validate_form_schema(schema: Any) -> list[dict[str, Any]]:
    """Check a form schema and return it; raise ``FormSchemaRejected`` naming every problem.

    Conditions must be FEEL that reads only ``form.<another field of this form>``."""
    if not isinstance(schema, list):
        raise FormSchemaRejected([_("申请表字段须是字段列表。")])
    problems: list[str] = []
    names: list[str] = []
    for index, field in enumerate(schema, start=1):
        if not isinstance(field, dict):
            problems.append(_("第 %(n)d 个字段不是对象。") % {"n": index})
            continue
        name = field.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(_("第 %(n)d 个字段的名称「%(name)s」无效：须以字母或下划线开头，只含字母、数字和下划线。")
                            % {"n": index, "name": name})
            continue
        if name in names:
            problems.append(_("字段「%(name)s」重复。") % {"name": name})
        names.append(name)
        if field.get("type", "text") not in FIELD_TYPES:
            problems.append(_("字段「%(name)s」的类型「%(type)s」无效；可用：%(types)s。")
                            % {"name": name, "type": field.get("type"), "types": "、".join(FIELD_TYPES)})
        if field.get("type") == "select":
            options = field.get("options")
            if not isinstance(options, list) or not options or not all(isinstance(o, str) for o in options):
                problems.append(_("下拉字段「%(name)s」须列出可选项（options）。") % {"name": name})
        unknown = sorted(set(field) - KNOWN_KEYS)
        if unknown:
            problems.append(_("字段「%(name)s」有未知的键：%(keys)s。") % {"name": name, "keys": "、".join(unknown)})
    for field in schema:
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            continue
        for key in CONDITION_KEYS:
            if key in field:
                problems.extend(_condition_problems(field["name"], key, field[key], set(names)))
    if problems:
        raise FormSchemaRejected(problems)
    return schema


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
