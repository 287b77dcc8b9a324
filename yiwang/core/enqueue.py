"""Background tasks queued with the transaction that asks for them.

``enqueue_with_transaction(task, *args)`` makes the task exist if and only if the caller's
transaction commits. When the task's backend is django-tasks-db's ``DatabaseBackend`` writing to
the transaction's own database (production's queue: ``TASKS``), the task's row is inserted inside
the transaction: one commit for the caller's rows and the task (not a second transaction, and a
second WAL flush, after the first), and no window in which the caller's rows are committed and
the task not yet queued (a process dying there lost the task). The worker takes only committed
rows (``DBTaskResult.objects.get_locked``: ``SELECT … FOR UPDATE SKIP LOCKED``), so it never sees
a task whose data rolled back, nor one before its data is there. Any other backend (the tests'
immediate backend, which would run the task at once, inside the transaction; a queue outside the
database) is told after the commit (``transaction.on_commit``), as before.

A failure to queue never fails the caller's write, with one exception: a database error of the
task's row inside the transaction, which is an error of the caller's own database (on PostgreSQL
the transaction is aborted by it) and fails the write as any of its own statements would."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, router, transaction

logger = logging.getLogger(__name__)


def queued_in_database(task: Any, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether ``task``'s backend is a table of database ``using`` (its row can join a transaction there)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(task.get_backend(), DatabaseBackend) and router.db_for_write(DBTaskResult) == using


def enqueue_with_transaction(task: Any, *args: Any, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue ``task(*args)`` so that it exists if and only if the current transaction on ``using``
    commits (outside a transaction: at once). See the module's docstring."""
    if queued_in_database(task, using):
        try:
            task.enqueue(*args)
        except DatabaseError:
            raise  # the caller's database: its transaction cannot go on without this statement
        except Exception:  # noqa: BLE001 - queueing is never the caller's failure (e.g. a task the backend refuses)
            logger.exception("could not queue %s%r", task.module_path, args)
        return
    transaction.on_commit(functools.partial(_enqueue_logged, task, args), using=using)


def _enqueue_logged(task: Any, args: tuple[Any, ...]) -> None:
    try:
        task.enqueue(*args)
    except Exception:  # noqa: BLE001 - after the commit: the caller's write stands whatever the queue does
        logger.exception("could not queue %s%r", task.module_path, args)
