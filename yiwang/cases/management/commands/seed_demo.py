"""``python manage.py seed_demo``: idempotent demo data for the whole platform."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.cases.demo import seed_cases
from yiwang.catalog.demo import seed_catalog
from yiwang.catalog.demo_rules import seed_instant_rules
from yiwang.core.demo import seed_core


class Command(BaseCommand):
    help = "Create the demo county: departments, calendar, accounts, 100+ items, historical cases (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=320, help="historical cases to create (default 320)")

    def handle(self, *args: Any, cases: int, **options: Any) -> None:
        core = seed_core()
        catalog = seed_catalog()
        rules = seed_instant_rules()
        new_cases = seed_cases(count=cases)
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {len(core.get('accounts', []))} accounts (password {core.get('password')}), "
            f"{catalog.get('items')} items, {len(rules)} instant-approval rule sets, "
            f"{new_cases} new historical cases. Open http://127.0.0.1:8000/"))
