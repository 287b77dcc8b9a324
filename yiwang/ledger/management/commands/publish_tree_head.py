"""Sign and store the tree head of the ledger as it is now (run it after pull_audit_events, e.g. every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiwang.ledger.services import append_audit_events, publish_tree_head


class Command(BaseCommand):
    help = "Publish an SM2-signed tree head for the current ledger (optionally pulling audit events first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pull", action="store_true", help="pull new audit events into the ledger first")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["pull"]:
            self.stdout.write(f"audit events appended: {append_audit_events()}")
        head = publish_tree_head()
        self.stdout.write(
            f"tree_size={head.tree_size} root={bytes(head.root_hash).hex()} key_id={head.key_id} "
            f"timestamp={head.timestamp.isoformat()}"
        )
