"""Background work for core (django-tasks; run a worker with ``python manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from yiwang.core import notify


@task()
def send_notifications(outbox_ids: list[int]) -> dict[str, int]:
    """Send these outbox rows (SMS, email) after the event that wrote them committed."""
    return notify.send_outbox(outbox_ids)


@task()
def send_due_notifications() -> dict[str, int]:
    """Send every outbox row whose (re)try time has come; enqueue periodically or use the
    ``send_notifications`` management command from cron."""
    return notify.send_due_outbox()
