"""``python manage.py refresh_credit_summaries [--day YYYY-MM-DD]``: keep again the credit facts
summaries that are not current on the day (default: the county's today), set-based — those expired
by the calendar alone (``valid_until`` on or before the day), kept by an older definition of the facts
(``FACTS_DEFINITION``: a deployment changed it), under an older facts version (a write by hand that
kept none), or missing. Meant for a nightly timer just after midnight (docs/deployment.md), so that
the day's first application of a subject reads one row instead of computing its facts. Idempotent
(a current summary is left alone) and safe beside live traffic (``credit.facts.refresh_summaries``).

Each chunk of subjects is its own transaction. A chunk that fails stops the run with exit status 1,
a message, and an audit record of what was done (``credit_summaries_refresh_failed``: the chunks and
subjects done, the summaries kept, the last subject id done, the error); the chunks done stay kept,
and a second run keeps the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yiwang.core import calendar
from yiwang.core.services import record_audit
from yiwang.credit.facts import RefreshInterrupted, refresh_summaries


class Command(BaseCommand):
    help = "Recompute the credit facts summaries not current on a day (expired, older definition, stale, missing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="the day to refresh for, YYYY-MM-DD (default: today, county time)")

    def handle(self, *args: Any, day: str | None = None, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(day) if day else calendar.local_date(timezone.now())
        except ValueError as exc:
            raise CommandError(f"--day must be a date YYYY-MM-DD, not {day!r}") from exc
        if not dt.date(1950, 1, 1) <= on <= dt.date(9000, 12, 31):  # the facts' windows reach 36 months back
            raise CommandError(f"--day {on.isoformat()} is outside the years the register can hold (1950–9000)")
        try:
            result = refresh_summaries(on)
        except RefreshInterrupted as stopped:
            raise CommandError(_interrupted(on, stopped)) from stopped
        record_audit(actor=None, event_type="credit_summaries_refreshed", subject_type="credit_facts_summary",
                     subject_id=on.isoformat(), details=result)
        self.stdout.write(f"{result['kept']} credit facts summaries kept for {on.isoformat()} "
                          f"({result['due']} not current)")


def _interrupted(on: dt.date, stopped: RefreshInterrupted) -> str:
    """Audit what a failed run did (its own record: the failed chunk's transaction was rolled back,
    the chunks before were committed) and say it; the audit's own failure is said, not raised."""
    message = (f"refresh for {on.isoformat()} stopped: {stopped}; run it again to keep the rest "
               f"({stopped.due - stopped.subjects_done} subjects)")
    try:
        record_audit(actor=None, event_type="credit_summaries_refresh_failed", subject_type="credit_facts_summary",
                     subject_id=on.isoformat(), details=stopped.details())
    except Exception as exc:  # e.g. the database lost: the message still says what was done
        return f"{message}; the audit record could not be written ({type(exc).__name__}: {exc})"
    return message
