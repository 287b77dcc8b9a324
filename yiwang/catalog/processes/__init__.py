"""Yiwang's stock approval processes: valid BPMN 2.0 files in the SpiffWorkflow dialect.

A user task's department is its lane, and a process shape that items of many departments share is
stored once with lanes named by placeholders (``dept``, and ``partner``, ``partner2`` for the other
departments of a hand-off or a joint review). It is published per department through the same lane
→ department mapping an operator uses at upload (``publish_process_version(lane_map=...)``):
``two_step`` with ``{"dept": "SCJG"}`` is published as ``two_step_SCJG``. Files without
placeholders (``enterprise_opening``, ``real_estate_transfer``) name their departments themselves.
Every file carries a diagram (``bpmndi``) so that the item guide can draw it, and validates against
the BPMN 2.0 XSD (see the tests).

Gateways read ``decision`` (``"approve"`` or ``"deny"``), which each user task sets.
"""

from __future__ import annotations

import functools
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
        Shape("credit_repair", "信用修复（核查—决定，来源部门）", ("dept",)),
    )
}


@functools.cache
def process_template(shape: str) -> str:
    """The BPMN text of a shape, placeholders unrendered."""
    if shape not in SHAPES:
        raise KeyError(f"unknown process shape {shape!r}; known: {', '.join(SHAPES)}")
    return (PROCESS_DIR / f"{shape}.bpmn").read_text(encoding="utf-8")


# Step names of a template that begin with a partner's placeholder label; ``personalize`` puts the
# department's name there (``协办部门一会签`` → ``市场监管会签``).
PARTNER_LABELS = {"partner": ("协办部门一", "协办部门"), "partner2": ("协办部门二",)}


def lane_map(shape: str, **codes: str) -> dict[str, str]:
    """The lane → department map that publishes ``shape`` for these departments."""
    if shape not in SHAPES:
        raise KeyError(f"unknown process shape {shape!r}; known: {', '.join(SHAPES)}")
    spec = SHAPES[shape]
    missing = [p for p in spec.params if not codes.get(p)]
    extra = sorted(set(codes) - set(spec.params))
    if missing or extra:
        raise ValueError(f"shape {shape} needs departments {spec.params}, got {sorted(codes)}")
    for code in codes.values():
        if not code.isascii() or not code.replace("_", "").isalnum():
            raise ValueError(f"department code {code!r} cannot be a lane name")
    return {param: codes[param] for param in spec.params}


def personalize(shape: str, names: dict[str, str], **codes: str) -> str:
    """The template of ``shape`` with the partner steps and the pool titled by department name
    (``协办部门一会签`` → ``市场监管会签``); lanes are left to the lane map."""
    from lxml import etree

    from yiwang.catalog.bpmn import BPMN_NS

    text = process_template(shape)
    if not codes:
        return text
    root = etree.fromstring(text.encode("utf-8"))
    lane_of: dict[str, str] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = lane.get("name") or ""
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        placeholder = lane_of.get(task.get("id") or "", "")
        title = task.get("name") or ""
        for label in PARTNER_LABELS.get(placeholder, ()):
            if title.startswith(label) and placeholder in codes:
                task.set("name", names.get(codes[placeholder], codes[placeholder]) + title[len(label):])
                break
    for pool in root.iter(f"{{{BPMN_NS}}}participant"):
        pool.set("name", f"{names.get(codes['dept'], codes['dept'])} · {pool.get('name') or ''}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def render_process(shape: str, *, names: dict[str, str] | None = None, **codes: str) -> str:
    """The BPMN of ``shape`` as published for these departments: partner steps titled with
    ``names`` (codes → display names, default the code) and lanes mapped to the codes by the same
    lane mapping an upload uses."""
    from lxml import etree

    from yiwang.catalog.bpmn_structure import apply_lane_map

    mapping = lane_map(shape, **codes)
    text = personalize(shape, names or {}, **codes)
    if not mapping:
        return text
    root = etree.fromstring(text.encode("utf-8"))
    problems = apply_lane_map(root, mapping)
    if problems:
        raise ValueError("; ".join(problems))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def definition_key(shape: str, **codes: str) -> str:
    """The process definition key a rendered shape is published under, e.g. ``two_step_SCJG``."""
    return SHAPES[shape].definition_key(**codes)
