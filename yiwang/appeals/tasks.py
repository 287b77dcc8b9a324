"""Background work for appeals (django-tasks; run a worker with ``python manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from yiwang.appeals import hot_topics


@task()
def refresh_hot_topics() -> int:
    """Recompute the board's hot topics (enqueue every 10 minutes, or run the
    ``refresh_hot_topics`` command from cron). Returns the snapshot's id."""
    return hot_topics.refresh().pk
