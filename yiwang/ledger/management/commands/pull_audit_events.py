"""Append new core audit events (after the stored high-water mark) to the ledger."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiwang.ledger.services import append_audit_events


class Command(BaseCommand):
    help = "Pull audit events into the ledger, in batches, each batch one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--lag-seconds", type=float, default=None, help="skip events younger than this (default 5)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = append_audit_events(batch_size=options["batch_size"], lag_seconds=options["lag_seconds"])
        self.stdout.write(f"audit events appended: {count}")
