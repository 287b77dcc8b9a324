"""Background work for core (django-tasks; run a worker with ``python manage.py db_worker``).

Notices are not sent by tasks any more: the outbox is the queue and the sender
(``manage.py send_notifications --loop``) sends it (``yiwang.core.notify``)."""

from __future__ import annotations

from django_tasks import task

from yiwang.core import notify


@task()
def send_notifications(outbox_ids: list[int]) -> dict[str, int]:
    """Send these outbox rows. Nothing enqueues it now; it stays so that a worker still runs the
    tasks enqueued before an upgrade (the claim keeps a copy the sender also took single)."""
    return notify.send_outbox(outbox_ids)


@task()
def send_due_notifications() -> dict[str, int]:
    """One pass of the sender (every outbox row whose (re)try time has come), for a deployment that
    would rather enqueue it than run ``send_notifications --loop`` or cron."""
    return notify.send_due_outbox()
