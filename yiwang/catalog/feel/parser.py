"""Text to syntax tree: the lark LALR parser, the length and nesting limits, and messages that say
what to change."""

from __future__ import annotations

import re

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from yiwang.catalog.feel.errors import FeelLimitError, FeelSyntaxError
from yiwang.catalog.feel.grammar import GRAMMAR

MAX_LENGTH = 2_000  # characters of one expression or one table cell
MAX_DEPTH = 40  # nesting of the syntax tree (brackets, operators, calls)

_PARSER = lark.Lark(GRAMMAR, parser="lalr", start=["start", "unary_tests"], maybe_placeholders=True,
                    propagate_positions=False, cache=False)

# Python, JavaScript and JUEL habits, and what FEEL writes instead
_HINTS = (
    (re.compile(r"[#$]\{"), "这像 Camunda 的 JUEL 表达式（#{…} / ${…}）：请直接写 FEEL 表达式，例如 ${approved} 写作 approved。"),
    (re.compile(r"=="), "FEEL 用一个等号 = 比较是否相等（不是 ==），例如 decision = \"deny\"。"),
    (re.compile(r"&&|\|\|"), "FEEL 用 and / or 连接条件（不是 && / ||）。"),
    (re.compile(r"'"), "FEEL 的文字用双引号括起，例如 \"外县\"（不是单引号）。"),
    (re.compile(r"\.get\(|\[\s*\""), "FEEL 用点取字段，例如 form.area（不是 form.get(\"area\") 或 form[\"area\"]）。"),
    (re.compile(r"(^|[\s(])not\s+[^\s(]|!\s*[\w(]"), "FEEL 的否定写作 not(条件)。"),
    (re.compile(r"\bTrue\b|\bFalse\b|\bNone\b"), "FEEL 写作 true / false / null（小写），不是 True / False / None。"),
    (re.compile(r"\blambda\b|\bimport\b|__"), "表达式不是 Python：不能定义函数、导入模块或访问内部属性。"),
)


_PY_GET = re.compile(r"""(\w+)\.get\(\s*["'](\w+)["']\s*(?:,\s*([^()]+?)\s*)?\)""")


def _hint(text: str) -> str:
    get = _PY_GET.search(text)
    if get:
        variable, key, default = get.groups()
        default = {"True": "true", "False": "false", "None": "null"}.get(default or "", default)
        feel = (f"if {variable}.{key} = null then {default} else {variable}.{key}" if default and default != "null"
                else f"{variable}.{key}")
        return f" FEEL 用点取字段：{get.group(0)} 写作 {feel}。"
    for pattern, hint in _HINTS:
        if pattern.search(text):
            return " " + hint
    return ""


def _depth(tree: lark.Tree) -> int:
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, lark.Tree))
    return deepest


def parse(text: str, *, start: str = "start") -> lark.Tree:
    if not isinstance(text, str):
        raise FeelSyntaxError("表达式必须是文字。")
    if len(text) > MAX_LENGTH:
        raise FeelLimitError(f"表达式过长（{len(text)} 个字符，最多 {MAX_LENGTH} 个）。")
    if not text.strip():
        raise FeelSyntaxError("表达式为空。")
    try:
        tree = _PARSER.parse(text, start=start)
    except UnexpectedInput as exc:
        raise FeelSyntaxError(_describe(text, exc) + _hint(text)) from None
    except RecursionError:
        raise FeelLimitError(f"表达式嵌套过深（最多 {MAX_DEPTH} 层）。") from None
    if _depth(tree) > MAX_DEPTH:
        raise FeelLimitError(f"表达式嵌套过深（最多 {MAX_DEPTH} 层）。")
    return tree


def _describe(text: str, exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return f"表达式「{_clip(text)}」不完整（在末尾缺少内容，例如右括号或右引号）。"
    position = getattr(exc, "pos_in_stream", None) or 0
    near = text[position:position + 12]
    if isinstance(exc, UnexpectedCharacters):
        return f"表达式「{_clip(text)}」在第 {position + 1} 个字符处有无法识别的符号「{near[:1]}」。"
    return f"表达式「{_clip(text)}」在第 {position + 1} 个字符附近无法理解：「{near}」。"


def _clip(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"
