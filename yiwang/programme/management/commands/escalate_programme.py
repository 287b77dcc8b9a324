"""``python manage.py escalate_programme``: notify the owner department's heads of every red task
of the pilot plan (run from cron once a day; each task is escalated once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.programme.services import escalate_red_tasks


class Command(BaseCommand):
    help = "Escalate every red task of the programme to its owner department's heads (once per task)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{escalate_red_tasks()} red task(s) escalated")
