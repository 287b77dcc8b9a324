"""Background work for appeals (django-tasks; the worker is ``python manage.py db_worker``).

催办 and escalation run without an operator remembering: ``supervise`` does one pass and enqueues
the next one ``SUPERVISE_EVERY`` later, so once started (``manage.py supervise_appeals --schedule``,
which ``make run`` does, or after a deployment) it runs as long as a worker runs. Where no worker
runs, or the task backend cannot defer, cron runs ``manage.py supervise_appeals`` instead
(docs/deployment.md); both may run at once (the pass is idempotent and skips locked rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from yiwang.appeals import hot_topics
from yiwang.appeals.services import supervise_appeals

SUPERVISE_EVERY = dt.timedelta(minutes=5)


@task()
def refresh_hot_topics() -> int:
    """Recompute the board's hot topics (enqueue every 10 minutes, or run the
    ``refresh_hot_topics`` command from cron). Returns the snapshot's id."""
    return hot_topics.refresh().pk


@task()
def supervise() -> dict[str, int]:
    """One supervision pass, then the next one is enqueued (also when this pass failed)."""
    try:
        return supervise_appeals()
    finally:
        schedule_supervision()


def schedule_supervision(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the next pass ``SUPERVISE_EVERY`` from now unless one is already waiting. False when
    the task backend cannot run a task later (then only cron runs it)."""
    backend = supervise.get_backend()
    if not backend.supports_defer:
        return False
    if _waiting(backend):
        return True
    supervise.using(run_after=(now or timezone.now()) + SUPERVISE_EVERY).enqueue()
    return True


def _waiting(backend: Any) -> bool:
    """A pass already enqueued and not started (only the database backend can be asked)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(backend, DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=supervise.module_path, status="READY").exists()
