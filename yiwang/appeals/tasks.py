"""Background work for appeals (django-tasks; the worker is ``python manage.py db_worker``).

催办 and escalation, and the command board's hot topics, run without an operator remembering: each
task does one pass and enqueues the next one its period later, so once started (``manage.py
supervise_appeals --schedule`` and ``manage.py refresh_hot_topics --schedule``, which ``make run``
does, or after a deployment) they run as long as a worker runs. Where no worker runs, or the task
backend cannot defer, cron runs the commands instead (docs/deployment.md); both may run at once
(the passes are idempotent: supervision skips locked rows, a hot-topics refresh replaces the snapshot)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from yiwang.appeals import hot_topics
from yiwang.appeals.services import supervise_appeals

SUPERVISE_EVERY = dt.timedelta(minutes=5)
HOT_TOPICS_EVERY = dt.timedelta(minutes=10)


@task()
def supervise() -> dict[str, int]:
    """One supervision pass, then the next one is enqueued (also when this pass failed)."""
    try:
        return supervise_appeals()
    finally:
        schedule_supervision()


@task()
def refresh_hot_topics() -> int:
    """Recompute the board's hot topics, then enqueue the next refresh (also when this one failed).
    Returns the snapshot's id."""
    try:
        return hot_topics.refresh().pk
    finally:
        schedule_hot_topics()


def schedule_supervision(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the next supervision pass ``SUPERVISE_EVERY`` from now unless one is already waiting.
    False when the task backend cannot run a task later (then only cron runs it)."""
    return _schedule_next(supervise, SUPERVISE_EVERY, now)


def schedule_hot_topics(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the next hot-topics refresh ``HOT_TOPICS_EVERY`` from now unless one is waiting."""
    return _schedule_next(refresh_hot_topics, HOT_TOPICS_EVERY, now)


def _schedule_next(periodic: Any, every: dt.timedelta, now: dt.datetime | None) -> bool:
    backend = periodic.get_backend()
    if not backend.supports_defer:
        return False
    if _waiting(backend, periodic):
        return True
    periodic.using(run_after=(now or timezone.now()) + every).enqueue()
    return True


def _waiting(backend: Any, periodic: Any) -> bool:
    """A run of ``periodic`` already enqueued and not started (only the database backend can be asked)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(backend, DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=periodic.module_path, status="READY").exists()
