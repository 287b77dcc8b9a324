"""``python manage.py requeue_dataset_pushes [--minutes 30]``: queue again the dataset pushes that
no worker took, or that a worker left half-way (killed mid-load; nothing of it was committed).
Run from cron, e.g. every 15 minutes; a push already done is never loaded twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from yiwang.exchange.pushes import requeue_stale


class Command(BaseCommand):
    help = "Queue again dataset pushes queued or loading for longer than --minutes (default 30)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        ids = requeue_stale(stale_after=dt.timedelta(minutes=options["minutes"]))
        self.stdout.write(f"{len(ids)} dataset push(es) queued again")
