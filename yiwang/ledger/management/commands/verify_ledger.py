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
        self.stdout.write(self.style.SUCCESS("ledger intact"))
