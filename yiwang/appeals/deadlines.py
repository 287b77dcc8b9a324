"""Deadlines (办理时限) by rule: which rule an appeal falls under, and when it is due and turns yellow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yiwang.appeals.models import DeadlineRule, DeadlineUnit
from yiwang.core import calendar


@dataclass(frozen=True)
class Deadline:
    rule: str
    due_at: dt.datetime
    warn_at: dt.datetime


def matching_rule(*, urgency: str, is_complex: bool, text: str) -> DeadlineRule | None:
    for rule in DeadlineRule.objects.filter(active=True).order_by("priority", "code"):
        if rule.match_urgency and rule.match_urgency != urgency:
            continue
        if rule.match_complex and not is_complex:
            continue
        words = rule.keywords()
        if words and not any(w in text for w in words):
            continue
        return rule
    return None


def compute(*, start: dt.datetime, urgency: str, is_complex: bool, text: str) -> Deadline:
    """The deadline of an appeal received (or reopened) at ``start``. Working days come from core's
    calendar (which refuses a year it does not know). With no rule at all, the general default."""
    rule = matching_rule(urgency=urgency, is_complex=is_complex, text=text)
    code, amount, unit = (rule.code, rule.amount, rule.unit) if rule else ("general", 7, DeadlineUnit.WORKING_DAYS)
    if unit == DeadlineUnit.HOURS:
        due = start + dt.timedelta(hours=amount)
    elif unit == DeadlineUnit.CALENDAR_DAYS:
        due = calendar.end_of_day(calendar.local_date(start) + dt.timedelta(days=amount))
    else:
        due = calendar.deadline_after(start, amount)
        return Deadline(code, due, min(calendar.warning_at(due, amount), due))
    # yellow for the last fifth of the time (at least the last hour of a day-long rule)
    return Deadline(code, due, due - (due - start) / 5)
