"""``python manage.py compute_kpi_baseline CODE [CODE ...] --from 2025-01-01 --to 2025-12-31``: compute
each KPI's value over a past period from the platform's rollups and record it as the KPI's baseline
(provenance: computed, with the period and the counts; audited). ``--all`` for every KPI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.errors import DomainError
from yiwang.insights import services
from yiwang.insights.kpis import DEFINITIONS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Record KPI baselines computed from the platform's own data for a past baseline period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("codes", nargs="*", help="KPI codes (see docs/insights.md)")
        parser.add_argument("--all", action="store_true", help="every KPI")
        parser.add_argument("--from", dest="start", required=True, type=_date)
        parser.add_argument("--to", dest="end", required=True, type=_date)

    def handle(self, *args: Any, codes: list[str], all: bool, start: dt.date, end: dt.date, **options: Any) -> None:  # noqa: A002
        chosen = [d.code for d in DEFINITIONS] if all else codes
        if not chosen:
            raise CommandError("name one or more KPI codes, or --all")
        failed = 0
        for code in chosen:
            try:
                setting = services.compute_baseline(actor=None, code=code, start=start, end=end)
            except DomainError as exc:
                failed += 1
                self.stderr.write(f"{code}: {exc.message}")
            else:
                self.stdout.write(f"{code}: {setting.baseline:g} ({setting.baseline_note})")
        if failed == len(chosen):
            raise CommandError("no baseline recorded")
