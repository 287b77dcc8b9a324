"""Tasks a killed worker left RUNNING go back to the queue, and nothing else does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from yiwang.core.models import AuditEvent
from yiwang.core.ops.taskqueue import requeue_stale_tasks

pytestmark = pytest.mark.django_db


def task_row(status: str, *, worker: str, started_minutes_ago: float | None):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status, worker_ids=[worker] if worker else [], task_path="yiwang.core.tasks.send_notifications",
        args_kwargs={"args": [[1]], "kwargs": {}}, queue_name="default", backend_name="default", run_after=now,
        started_at=now - dt.timedelta(minutes=started_minutes_ago) if started_minutes_ago is not None else None,
        exception_class_path="", traceback="")


def statuses():
    from django_tasks_db.models import DBTaskResult

    return dict(DBTaskResult.objects.values_list("worker_ids", "status").order_by())


def test_the_dead_workers_running_tasks_are_queued_again_and_audited():
    dead = task_row("RUNNING", worker="w-dead", started_minutes_ago=1)
    task_row("RUNNING", worker="w-alive", started_minutes_ago=1)
    task_row("SUCCESSFUL", worker="w-dead", started_minutes_ago=2)

    assert requeue_stale_tasks(worker_ids=["w-dead"]) == [str(dead.pk)]
    dead.refresh_from_db()
    assert dead.status == "READY" and dead.started_at is None
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1  # the live worker's task is left alone
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    audit = AuditEvent.objects.get(event_type="task_requeued")
    assert audit.subject_id == str(dead.pk) and audit.details["worker"] == "w-dead"


def test_a_staleness_bound_requeues_only_tasks_running_longer():
    old = task_row("RUNNING", worker="w1", started_minutes_ago=45)
    task_row("RUNNING", worker="w2", started_minutes_ago=5)
    assert requeue_stale_tasks(stale_after=dt.timedelta(minutes=30)) == [str(old.pk)]


def test_a_surviving_worker_takes_a_requeued_task():
    from django_tasks_db.models import DBTaskResult

    row = task_row("RUNNING", worker="w-dead", started_minutes_ago=1)
    assert not DBTaskResult.objects.ready().exists()  # what a worker looks for: nothing, the row is stuck
    requeue_stale_tasks(worker_ids=["w-dead"])
    taken = DBTaskResult.objects.ready().get_locked()  # db_worker's own query and claim
    assert taken is not None and taken.pk == row.pk
    taken.claim("w-survivor")
    row.refresh_from_db()
    assert row.status == "RUNNING" and row.worker_ids == ["w-dead", "w-survivor"]


def test_the_command_refuses_to_guess():
    with pytest.raises(CommandError):
        call_command("requeue_stale_tasks")
    with pytest.raises(CommandError):
        call_command("requeue_stale_tasks", "--minutes", "-1")
    with pytest.raises(ValueError):
        requeue_stale_tasks()
