"""``python manage.py requeue_stale_tasks --worker ID [--worker ID ...] | --minutes N``: give the
tasks a dead task worker left running back to the queue (see ``yiwang.core.ops.taskqueue``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.ops.taskqueue import requeue_stale_tasks


class Command(BaseCommand):
    help = ("Mark READY again the tasks a dead worker left RUNNING: those of the named workers (--worker, "
            "at once), or those running longer than --minutes (from cron; longer than the longest task).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--worker", action="append", default=[], help="id of a worker known to be dead")
        parser.add_argument("--minutes", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["minutes"] is None and not options["worker"]:
            raise CommandError("give --worker ID (a worker known dead) or --minutes N")
        if options["minutes"] is not None and options["minutes"] < 0:
            raise CommandError("--minutes must not be negative")
        stale = dt.timedelta(minutes=options["minutes"]) if options["minutes"] is not None else None
        ids = requeue_stale_tasks(stale_after=stale, worker_ids=options["worker"])
        self.stdout.write(f"{len(ids)} task(s) queued again" + (f": {', '.join(ids)}" if ids else ""))
