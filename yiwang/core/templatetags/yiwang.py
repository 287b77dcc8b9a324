"""Template helpers: deadlines shown as the last working day they fall on."""

from __future__ import annotations

import datetime as dt

from django import template

from yiwang.core.calendar import local_date
from yiwang.core.care import plain as plain_words

register = template.Library()


@register.filter
def deadline_day(value: dt.datetime | None) -> str:
    """A deadline at local midnight ends the previous day: show that day (``2026-12-07``)."""
    if not value:
        return ""
    return local_date(value - dt.timedelta(microseconds=1)).isoformat()


@register.simple_tag(takes_context=True)
def plain(context: template.Context, term: str) -> str:
    """``{% plain "承诺时限" %}``: the term, or its plain words in 关怀版 (yiwang.core.care)."""
    return plain_words(term, care=bool(context.get("care_mode")))
