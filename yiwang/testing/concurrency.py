"""Run callables at the same moment in real threads, each with its own database connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def race(*calls: Callable[[], Any], timeout: float = 30.0) -> list[Outcome]:
    """Start every call in its own thread, release them together with a barrier, and return what
    each returned or raised, in order. Needs ``django_db(transaction=True)``: the threads see only
    committed data. Each thread closes its connection when done."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[i].value = call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            outcomes[i].error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    return outcomes


def closing_connections(call: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a thread's target so the database connections it opened are closed when it ends.

    A test's own thread (a request through the test client, a listener) opens its own connections,
    which the test client's handler never closes; left open, PostgreSQL refuses to drop the test
    database at the end of the session ("being accessed by other users")."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        finally:
            connections.close_all()

    return run


def backend_pid() -> int:
    """PostgreSQL: the id of the server process behind this thread's connection (``pg_backend_pid``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def hold_until_blocked_or_done(pid: int, done: threading.Event, *, what: str, guard: float = 20.0) -> str:
    """PostgreSQL, in the transaction whose locks another thread must meet: return ``"blocked"`` once
    the backend ``pid`` waits on a lock this connection holds (``pg_blocking_pids``), or ``"done"``
    once ``done`` is set (the other thread went past the locks without waiting). Orders two threads by
    the server's lock table, not by a sleep; ``guard`` only stops a hang, with a message naming ``what``."""
    deadline = time.monotonic() + guard
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [pid])
            if cursor.fetchone()[0]:
                return "blocked"
            if done.wait(0.01):  # the poll's pace; the order comes from the two conditions
                return "done"
            assert time.monotonic() < deadline, (
                f"{what} neither waited on this transaction's locks nor finished within {guard:.0f} s")
