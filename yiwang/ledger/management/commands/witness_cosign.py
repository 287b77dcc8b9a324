"""``python manage.py witness_cosign [--department CODE ...] [--add]``: each department's witness
checks the latest signed tree head against the last one it saw (consistency proof) and co-signs it,
or refuses and raises an alert. Run it from cron after ``publish_tree_head``; exit 1 on a refusal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.core.models import Department
from yiwang.ledger.models import Witness
from yiwang.ledger.selectors import latest_tree_head
from yiwang.ledger.witness import WitnessRefused, add_witness, cosign


class Command(BaseCommand):
    help = "Let department witnesses check and co-sign the latest ledger tree head (C2SP cosignature/v1 with SM2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", action="append", default=[], help="department code (repeatable; default all)")
        parser.add_argument("--add", action="store_true", help="create a witness (SM2 key) for each named department first")

    def handle(self, *args: Any, **options: Any) -> None:
        codes = options["department"]
        if options["add"]:
            if not codes:
                raise CommandError("--add needs --department CODE")
            for code in codes:
                department = Department.objects.filter(code=code).first()
                if department is None:
                    raise CommandError(f"no department with code {code}")
                add_witness(actor=None, department=department)
        head = latest_tree_head()
        if head is None:
            raise CommandError("no signed tree head yet: run publish_tree_head first")
        witnesses = Witness.objects.select_related("department").order_by("name")
        if codes:
            witnesses = witnesses.filter(department__code__in=codes)
        refused = 0
        for witness in witnesses:
            try:
                cosign(witness=witness, head=head)
                self.stdout.write(f"{witness.name}: co-signed tree size {head.tree_size}")
            except WitnessRefused as exc:
                refused += 1
                self.stdout.write(f"{witness.name}: REFUSED ({exc.details.get('problem')}): {exc.message}")
        if refused:
            raise CommandError(f"{refused} witness(es) refused to co-sign tree size {head.tree_size}")
