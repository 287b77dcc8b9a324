"""``python manage.py supervise_appeals``: 催办 at the deadline, escalation to the head after it
(idempotent; run it every few minutes from cron or a systemd timer)."""

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.appeals.services import supervise_appeals


class Command(BaseCommand):
    help = "Urge overdue appeals' departments and escalate long-overdue ones to their heads (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = supervise_appeals()
        self.stdout.write(f"urged {counts['urged']}, escalated {counts['escalated']}")
