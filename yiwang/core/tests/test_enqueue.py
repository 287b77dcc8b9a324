"""A task queued with the caller's transaction: in it when the queue is a table of its database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from yiwang.core.enqueue import enqueue_with_transaction
from yiwang.core.tasks import send_due_notifications

pytestmark = pytest.mark.django_db


def test_the_database_queue_takes_the_task_in_the_transaction_and_loses_it_with_a_rollback(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_with_transaction(send_due_notifications)
        assert DBTaskResult.objects.filter(task_path=send_due_notifications.module_path).count() == 1
        raise RuntimeError("the caller's write fails")
    assert not DBTaskResult.objects.exists()


def test_a_database_error_of_the_tasks_row_fails_the_callers_write(settings, monkeypatch):
    """Not logged and carried on: the row is a statement of the caller's own transaction, which on
    PostgreSQL cannot go on after it failed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def broken(self, task, args, kwargs):
        raise DatabaseError("the database failed")

    monkeypatch.setattr(DatabaseBackend, "enqueue", broken)
    with pytest.raises(DatabaseError), transaction.atomic():
        enqueue_with_transaction(send_due_notifications)
