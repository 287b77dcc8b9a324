"""The task queue after a worker's death: put back what a dead worker left running.

django-tasks' database backend claims a task by marking it ``RUNNING`` and runs it outside any
transaction; a worker killed (``kill -9``, OOM, host lost) mid-task leaves the row ``RUNNING`` for
ever and nobody runs it again. ``requeue_stale_tasks`` marks such rows ``READY`` again so that a
surviving worker takes them: either those claimed by workers the operator knows are dead
(``worker_ids``: safe at once), or those running for longer than ``stale_after`` (choose it longer
than the longest task, or a slow task still running would run twice).

Every task of Yiwang may run twice: OCR pre-review replaces its findings, notification sending
claims each outbox row before sending, dataset pushes check their own state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yiwang.core.services import record_audit


def requeue_stale_tasks(
    *, stale_after: dt.timedelta | None = None, worker_ids: Iterable[str] = (), now: dt.datetime | None = None,
) -> list[str]:
    """Mark ``READY`` again the ``RUNNING`` tasks last claimed by one of ``worker_ids`` and/or started
    more than ``stale_after`` ago; returns their ids. One transaction, one audit record per task."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    dead = [w for w in worker_ids if w]
    if stale_after is None and not dead:
        raise ValueError("name the dead workers or give a staleness bound")
    now = now or timezone.now()
    requeued: list[str] = []
    with transaction.atomic():
        rows = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        if stale_after is not None:
            rows = rows.filter(Q(started_at__lt=now - stale_after) | Q(started_at__isnull=True))
        for row in rows.order_by("started_at"):
            last_worker = row.worker_ids[-1] if row.worker_ids else ""
            if dead and last_worker not in dead:
                continue
            DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.READY, started_at=None)
            record_audit(actor=None, event_type="task_requeued", subject_type="task", subject_id=row.pk, at=now,
                         details={"task": row.task_path, "worker": last_worker,
                                  "started_at": row.started_at.isoformat() if row.started_at else None})
            requeued.append(str(row.pk))
    return requeued
