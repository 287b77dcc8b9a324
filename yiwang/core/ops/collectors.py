"""The core's scrape-time metrics: the task queue (django-tasks-db's table) and the notices' outbox."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily


def task_queue() -> Iterable[Any]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # READY and RUNNING rows are few (a partial index serves READY); finished rows are many and
    # are not counted at every scrape.
    live = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    counts = dict(DBTaskResult.objects.filter(status__in=live).order_by()
                  .values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    depth = GaugeMetricFamily("yiwang_task_queue_depth",
                              "Background tasks waiting (ready, including deferred retries) or running, by status",
                              labels=["status"])
    for status in live:
        depth.add_metric([status.lower()], counts.get(status, 0))
    yield depth
    oldest = DBTaskResult.objects.ready().order_by().aggregate(oldest=Min("enqueued_at"))["oldest"]
    yield GaugeMetricFamily("yiwang_task_queue_oldest_runnable_age_seconds",
                            "Seconds since the oldest task that may run now was enqueued (0 when none): "
                            "grows when the workers do not keep up or are down",
                            value=(timezone.now() - oldest).total_seconds() if oldest else 0)


def outbox() -> Iterable[Any]:
    """The notices waiting for the sender (``manage.py send_notifications --loop``): due copies (new,
    retries whose time has come, copies a dead sender held) and how long the oldest has waited —
    the sign that no sender runs or that one is stuck (the outbox is its own queue, not a task)."""
    from yiwang.core.clock import db_now
    from yiwang.core.notify import due_messages

    # due by the database's clock, as the sender's pass counts them (rows are stamped by it; this
    # server's estimate of it may lag by milliseconds and miss a copy written just before)
    found = due_messages().order_by().aggregate(n=Count("id"), oldest=Min("next_attempt_at"))
    yield GaugeMetricFamily("yiwang_outbox_due", "Notice copies (SMS, email) due and not yet sent",
                            value=found["n"])
    # the age by the estimate: a copy due a moment ago reads 0, not a few milliseconds below it
    age = max(0.0, (db_now() - found["oldest"]).total_seconds()) if found["oldest"] else 0
    yield GaugeMetricFamily("yiwang_outbox_oldest_due_age_seconds",
                            "Seconds the oldest due notice copy has waited (0 when none): grows when no "
                            "notification sender runs or one is stuck",
                            value=age)
