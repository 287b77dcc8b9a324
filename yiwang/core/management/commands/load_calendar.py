"""Load the published national holiday calendar into the database (idempotent, audited)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.core.calendar import last_known_year
from yiwang.core.models import CalendarYear, CalendarYearStatus
from yiwang.core.services import load_statutory_calendar


class Command(BaseCommand):
    help = "Load the statutory holidays and make-up working days (调休) shipped in yiwang/core/holidays_cn.py."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_statutory_calendar(actor=None)
        self.stdout.write(f"calendar: {counts['days_set']} days set, {counts['years_set']} years set, "
                          f"{counts['years_kept']} confirmed years kept; known through {last_known_year()}")
        for year in CalendarYear.objects.filter(status=CalendarYearStatus.PROVISIONAL):
            self.stdout.write(self.style.WARNING(
                f"{year.year} is provisional: check it against the State Council's notice and confirm it in the admin"))
