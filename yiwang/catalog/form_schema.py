"""An item's application form (``ServiceItem.form_schema``) and delivery methods: what a valid one
is. The admin's form editor, the demo catalogue and anything that writes an item's form go through
``validate_form_schema``; ``cases.services.intake.clean_form`` reads the same keys."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.catalog.errors import CatalogErrorCode
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
    return problems


def validate_form_schema(fields: Any) -> list[dict[str, Any]]:
    """The form definition if valid; else a coded error listing every problem."""
    problems = field_problems(fields)
    if problems:
        raise InvalidInput(CatalogErrorCode.FORM_SCHEMA_INVALID, _("申请表字段有误：%(problems)s") % {
            "problems": " ".join(problems)}, {"problems": problems})
    return fields


def validate_delivery_methods(methods: Any) -> list[str]:
    if (not isinstance(methods, list) or not methods or any(m not in DELIVERY_METHODS for m in methods)
            or len(set(methods)) != len(methods)):
        raise InvalidInput(CatalogErrorCode.FORM_SCHEMA_INVALID, _("出件方式至少选择一种：窗口领取、邮寄送达或电子送达。"),
                           {"problems": [_("出件方式不正确。")]})
    return methods
