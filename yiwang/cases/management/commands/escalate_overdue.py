"""``python manage.py escalate_overdue``: notify department heads of overdue steps (run from cron,
e.g. every 15 minutes; each overdue step is escalated once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.cases.services import escalate_overdue_steps


class Command(BaseCommand):
    help = "Escalate every open step past its working-day deadline to its department head (once per step)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_overdue_steps()
        self.stdout.write(f"{count} overdue step(s) escalated")
