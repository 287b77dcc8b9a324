"""Send due notification copies (SMS, email): new ones a queue missed, retries, dead workers' claims."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.core.notify import send_due_outbox


class Command(BaseCommand):
    help = "Send every pending notification (outbox) row whose time has come; run from cron every minute."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_due_outbox()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")
