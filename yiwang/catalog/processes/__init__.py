"""Yiwang's stock approval processes: BPMN 2.0 files in the SpiffWorkflow dialect.

A user task's lane name is a department code, so a process shape that items of many departments
share is stored once as a template whose lanes read ``${dept}`` (and ``${partner}``,
``${partner2}`` for the other departments of a hand-off or a joint review) and rendered per
department: ``render_process("two_step", dept="SCJG")`` is published as ``two_step_SCJG``.
Files without placeholders (``enterprise_opening``, ``real_estate_transfer``) name their departments
themselves. Every file carries a diagram (``bpmndi``) so that the item guide can draw it.

Gateways read ``decision`` (``"approve"`` or ``"deny"``), which each user task sets.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path

PROCESS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Shape:
    """One process shape: its file, the department roles it needs and how it is named."""

    key: str
    label: str
    params: tuple[str, ...]  # department placeholders the template needs, in lane order

    def definition_key(self, **codes: str) -> str:
        return "_".join([self.key, *(codes[p] for p in self.params)])


SHAPES: dict[str, Shape] = {
    s.key: s
    for s in (
        Shape("one_step", "即办件（一步办结）", ("dept",)),
        Shape("two_step", "承诺件（审查—决定）", ("dept",)),
        Shape("three_step", "三级审批（受理审查—审核—决定，不予提前办结）", ("dept",)),
        Shape("site_check", "现场核查类许可（审查—现场核查—决定）", ("dept",)),
        Shape("handoff", "跨部门协查（审查—协查—决定）", ("dept", "partner")),
        Shape("joint_review", "并联审批（审查—多部门会签—决定）", ("dept", "partner", "partner2")),
        Shape("enterprise_opening", "企业开办（市场监管、税务、公安并联）", ()),
        Shape("real_estate_transfer", "不动产转移登记（登记—税务—登簿）", ()),
    )
}


@functools.cache
def process_template(shape: str) -> str:
    """The BPMN text of a shape, placeholders unrendered."""
    if shape not in SHAPES:
        raise KeyError(f"unknown process shape {shape!r}; known: {', '.join(SHAPES)}")
    return (PROCESS_DIR / f"{shape}.bpmn").read_text(encoding="utf-8")


def render_process(shape: str, *, names: dict[str, str] | None = None, **codes: str) -> str:
    """The BPMN of ``shape`` with its lanes set to department codes.

    ``codes`` gives each placeholder of the shape (``dept``, ``partner``, ``partner2``) a department
    code; ``names`` maps codes to display names (pool and step titles), defaulting to the code.
    """
    if shape not in SHAPES:
        raise KeyError(f"unknown process shape {shape!r}; known: {', '.join(SHAPES)}")
    spec = SHAPES[shape]
    missing = [p for p in spec.params if not codes.get(p)]
    extra = sorted(set(codes) - set(spec.params))
    if missing or extra:
        raise ValueError(f"shape {shape} needs departments {spec.params}, got {sorted(codes)}")
    names = names or {}
    values: dict[str, str] = {}
    for param in spec.params:
        code = codes[param]
        if not code.isascii() or not code.replace("_", "").isalnum():
            raise ValueError(f"department code {code!r} cannot be a lane name in a process id")
        values[param] = code
        values[f"{param}_name"] = names.get(code, code)
    return string.Template(process_template(shape)).substitute(values)


def definition_key(shape: str, **codes: str) -> str:
    """The process definition key a rendered shape is published under, e.g. ``two_step_SCJG``."""
    return SHAPES[shape].definition_key(**codes)
