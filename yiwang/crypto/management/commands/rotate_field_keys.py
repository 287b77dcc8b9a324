"""Re-encrypt stored field tokens under the newest SM4 key (the first entry of YIWANG_SM4_KEYS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.crypto.services import reencrypt_columns


class Command(BaseCommand):
    help = "Re-encrypt tokens made by older keys: rotate_field_keys core.Applicant.phone [app.Model.field ...]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("targets", nargs="+", metavar="app_label.Model.field")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        targets = options["targets"]
        bad = [t for t in targets if t.count(".") != 2]
        if bad:
            raise CommandError(f"expected app_label.Model.field, got: {', '.join(bad)}")
        try:
            result = reencrypt_columns(targets=targets, batch_size=options["batch_size"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for target, count in result.items():
            self.stdout.write(f"{target}: {count} re-encrypted")
