"""``python manage.py refresh_hot_topics``: recompute the command board's hot topics. Either run it
every 10 minutes from cron, or once with ``--schedule`` where a worker (``db_worker``) runs: the
worker then refreshes them every ten minutes by itself (``yiwang.appeals.tasks``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.appeals import hot_topics
from yiwang.appeals.tasks import HOT_TOPICS_EVERY, schedule_hot_topics


class Command(BaseCommand):
    help = "Cluster the last seven days of appeals into hot topics for the command board (应急指挥)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schedule", action="store_true",
                            help="Do not run now: make the task worker run it periodically (once is enough).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if not schedule_hot_topics():
                raise CommandError("The task backend cannot run tasks later; run this command from cron instead.")
            minutes = int(HOT_TOPICS_EVERY.total_seconds() // 60)
            self.stdout.write(f"scheduled: the task worker refreshes the hot topics every {minutes} minutes")
            return
        snapshot = hot_topics.refresh()
        self.stdout.write(f"{len(snapshot.topics)} topics from {snapshot.considered} appeals "
                          f"in {snapshot.seconds:.1f} s")
