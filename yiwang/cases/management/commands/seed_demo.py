"""``python manage.py seed_demo``: idempotent demo data for the whole platform."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.cases.demo import seed_cases
from yiwang.catalog.demo import seed_catalog
from yiwang.core.demo import seed_core


class Command(BaseCommand):
    help = "Create the demo county: departments, calendar, accounts, 100+ items, historical cases (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=320, help="historical cases to create (default 320)")

    def handle(self, *args: Any, cases: int, **options: Any) -> None:
        core = seed_core()
        catalog = seed_catalog()
        new_cases = seed_cases(count=cases)
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {core!r:.200} | {catalog!r:.200} | {new_cases} new historical cases"))
