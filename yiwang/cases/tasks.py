"""Background work for cases (django-tasks; run a worker with ``python manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from yiwang.cases.services import escalate_overdue_steps


@task()
def escalate_overdue() -> int:
    """Escalate overdue steps; enqueue periodically (``escalate_overdue.enqueue()``) or use the
    ``escalate_overdue`` management command from cron."""
    return escalate_overdue_steps()
