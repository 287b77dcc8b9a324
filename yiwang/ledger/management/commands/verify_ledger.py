"""Recompute every leaf, node and signed root of the ledger; exit 0 when intact, 1 with a report otherwise."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.ledger.services import run_verification


class Command(BaseCommand):
    help = "Verify the whole ledger (leaf hashes, order, cached nodes, tree-head roots and SM2 signatures, audit commitments)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=50_000)
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--witnesses", type=int, default=0, metavar="K",
                            help="also demand that the latest tree head carries at least K valid co-signatures "
                                 "of distinct department witnesses (k of n)")

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_verification(chunk_size=options["chunk_size"])
        if options["json"]:
            self.stdout.write(json.dumps({
                "ok": run.ok, "entries_checked": run.entries_checked, "tree_heads_checked": run.tree_heads_checked,
                "problem_count": run.problem_count, "problems": run.problems,
            }, ensure_ascii=False, indent=2))
        else:
            for problem in run.problems:
                where = f"#{problem['index']} " if "index" in problem else ""
                self.stdout.write(f"[{problem['code']}] {where}{problem['message']}")
            if run.problem_count > len(run.problems):
                self.stdout.write(f"... {run.problem_count - len(run.problems)} more")
            self.stdout.write(
                f"entries checked: {run.entries_checked}; tree heads checked: {run.tree_heads_checked}; "
                f"problems: {run.problem_count}"
            )
        if not run.ok:
            raise CommandError(f"ledger verification failed: {run.problem_count} problem(s); report id {run.pk}")
        if options["witnesses"]:
            self._check_witnesses(options["witnesses"])
        self.stdout.write(self.style.SUCCESS("ledger intact"))

    def _check_witnesses(self, k: int) -> None:
        from yiwang.ledger.models import Witness
        from yiwang.ledger.selectors import latest_tree_head
        from yiwang.ledger.witness import check_cosignatures

        head = latest_tree_head()
        if head is None:
            raise CommandError("no signed tree head: nothing to count co-signatures on")
        check = check_cosignatures(head)
        total = Witness.objects.count()
        self.stdout.write(f"tree size {head.tree_size}: {len(check.valid)} of {total} witnesses co-signed"
                          + (f"; invalid co-signatures: {', '.join(check.invalid)}" if check.invalid else ""))
        if len(check.valid) < k:
            raise CommandError(f"only {len(check.valid)} valid co-signature(s) on tree size {head.tree_size}; {k} required")
        self.stdout.write(self.style.SUCCESS(f"{len(check.valid)} of {total} witnesses (k={k})"))
