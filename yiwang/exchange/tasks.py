"""Background work of data sharing (django-tasks; run a worker with ``python manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from yiwang.exchange.pushes import run_push


@task()
def ingest_push_task(push_id: int) -> str:
    """Load one queued dataset push: ``ingest_push_task.enqueue(push.id)``; returns its final status."""
    push = run_push(push_id=push_id)
    return push.status if push is not None else "missing"
