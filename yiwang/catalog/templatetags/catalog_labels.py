"""``{{ step.name|step_label }}``: a step's name in the reader's language (``catalog.labels``)."""

from __future__ import annotations

from django import template

from yiwang.catalog.labels import step_label as _step_label

register = template.Library()


@register.filter
def step_label(name: str) -> str:
    return _step_label(name or "")
