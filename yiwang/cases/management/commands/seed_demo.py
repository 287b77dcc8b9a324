"""``python manage.py seed_demo``: idempotent demo data for the whole platform."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.appeals.demo import seed_appeals
from yiwang.cases.demo import seed_cases
from yiwang.catalog.demo import seed_catalog
from yiwang.catalog.demo_rules import seed_instant_rules
from yiwang.core.demo import registered_demo_seeders, seed_core
from yiwang.credit.demo import seed_credit
from yiwang.exchange.demo import seed_exchange
from yiwang.identity.demo import seed_identity
from yiwang.intelligence.demo import seed_category_routes
from yiwang.ledger.services import append_audit_events, publish_tree_head
from yiwang.ledger.witness import cosign_all
from yiwang.licenses.demo import seed_licences


class Command(BaseCommand):
    help = "Create the demo county: departments, calendar, accounts, 100+ items, historical cases (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=320, help="historical cases to create (default 320)")
        parser.add_argument("--appeals", type=int, default=3000, help="demo appeals over 90 days (default 3000)")

    def handle(self, *args: Any, cases: int, **options: Any) -> None:
        core = seed_core()
        catalog = seed_catalog()
        rules = seed_instant_rules()
        seed_category_routes()
        exchange = seed_exchange()
        identity = seed_identity()
        licences = seed_licences()
        credit = seed_credit()
        new_cases = seed_cases(count=cases)
        appeals = seed_appeals(count=options.get("appeals", 3000))
        # the apps above cases (好差评, KPIs, the programme) register their own seeders
        more = {name: seeder() for name, seeder in registered_demo_seeders()}
        # the demo's history goes onto the tamper-evident ledger, under a signed tree head
        logged = append_audit_events(lag_seconds=0)
        head = publish_tree_head()
        cosigned = cosign_all(head)
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {len(core.get('accounts', []))} accounts (password {core.get('password')}), "
            f"{catalog.get('items')} items, {len(rules)} instant-approval rule sets, "
            f"{exchange.get('resources')} shared data resources, "
            f"identity: {identity['counts']}, "
            f"{licences.get('types')} new licence types and {licences.get('licences')} demo licences, "
            f"credit: black-listed {credit['black_listed']}, red-listed {credit['red_listed']}, "
            f"{new_cases} new historical cases, {appeals['appeals']} new appeals, {logged} audit events appended to the ledger "
            f"(tree size {head.tree_size}, co-signed by {cosigned} department witnesses)"
            + "".join(f", {name}: {summary}" for name, summary in more.items())
            + ". Open http://127.0.0.1:8000/"))
