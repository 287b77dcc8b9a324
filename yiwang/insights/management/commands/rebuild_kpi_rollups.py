"""Recompute the KPI rollups (facts and day rows) from the cases, their materials and the appeals.

Run after a bulk import that bypassed the services, or to check the incremental rollup: the rows
it writes are the ones the events would have produced (a test holds them equal)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.core.services import record_audit
from yiwang.insights import rollup


class Command(BaseCommand):
    help = "Rebuild the KPI rollups from scratch (insights_casefact, insights_appealfact, insights_dailyrollup)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chunk", type=int, default=5000, help="cases read per query")

    def handle(self, *args: Any, chunk: int, **options: Any) -> None:
        result = rollup.rebuild(chunk=chunk)
        record_audit(actor=None, event_type="kpi_rollups_rebuilt", subject_type="kpi_rollup", subject_id="all",
                     details=result)
        self.stdout.write(f"{result['cases']} cases, {result['appeals']} appeals, {result['rows']} day rows")
