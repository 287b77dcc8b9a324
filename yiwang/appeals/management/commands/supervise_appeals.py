"""``python manage.py supervise_appeals``: 催办 at the deadline, escalation to the head after it
(idempotent). Either run it every few minutes from cron, or once with ``--schedule`` where a
worker (``db_worker``) runs: the worker then runs it every five minutes by itself
(``yiwang.appeals.tasks``)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.appeals.services import supervise_appeals
from yiwang.appeals.tasks import SUPERVISE_EVERY, schedule_supervision


class Command(BaseCommand):
    help = "Urge overdue appeals' departments and escalate long-overdue ones to their heads (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schedule", action="store_true",
                            help="Do not run now: make the task worker run it periodically (once is enough).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if not schedule_supervision():
                raise CommandError("The task backend cannot run tasks later; run this command from cron instead.")
            minutes = int(SUPERVISE_EVERY.total_seconds() // 60)
            self.stdout.write(f"scheduled: the task worker runs the supervision every {minutes} minutes")
            return
        counts = supervise_appeals()
        self.stdout.write(f"urged {counts['urged']}, escalated {counts['escalated']}")
