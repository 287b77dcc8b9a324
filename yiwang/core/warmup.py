"""A web worker's warm-up after the fork, before its first request: what is kept per database
connection and per process but read from the database (issue #14's tail).

``yiwang/warmup.py`` builds, at import of ``yiwang.wsgi``, what needs no database (the URLconf,
jieba, the font); it may run in gunicorn's master before the fork. This runs in each worker once it
has its own process, from gunicorn's ``post_worker_init`` hook (``deploy/gunicorn/gunicorn.conf.py``,
and the same hook in ``bench/gunicorn_sync.conf.py`` for the bench's sync workers), before the worker
accepts a connection. Measured (``bench/cold_worker.py``, docs/benchmarks.md): without it a fresh
worker's first request of each kind took 15–65 ms more than its later ones, about 240 ms over the
first case's six requests: compiling the precompiled reads for the new connection
(``core.precompiled``), PostgreSQL's new backend loading the catalog entries of the tables and
indexes it touches and planning each statement for the first time, and the process caches filled
from the database (the working calendar, the departments' seals, the processes' parsed specs).

What it does: opens the worker's database connection (kept: ``CONN_MAX_AGE``), runs every
:class:`~yiwang.core.precompiled.PrecompiledQuery` of the code with arguments no row has (each
compiled for this connection, its tables known to the backend, its statement planned; run twice,
so that psycopg prepares it on the first request's execution: ``YIWANG_DATABASE_PREPARE_THRESHOLD``), then the warmers the apps registered in
their ``AppConfig.ready()`` (:func:`register`; core does not import the apps). It writes nothing:
reads only, in one transaction (the precompiled locking reads need one; they lock no row). It is
committed, not rolled back: psycopg forgets a connection's prepared statements on a ``ROLLBACK``; the
tests count every table's rows and every sequence before and after. Every piece is tried on
its own: a failure is logged as a warning and the worker serves without that piece (it would have
filled it on its first use anyway).

Only what the serving thread will use is warmed: gunicorn's sync workers serve on the thread that ran
the hook, on the same connection. A gthread worker's request threads each open their own connection
(Django keeps them per thread), so there only the process's caches carry over, and the warm-up's
connection is closed (``post_worker_init``). If the database cannot be reached the warm-up gives
up after the connection timeout (``DB_CONNECT_TIMEOUT``) and the worker serves.

``YIWANG_WARM_WORKERS=0`` turns it off (on by default).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

Warmer = Callable[[], object]
_warmers: dict[str, Warmer] = {}


def register(name: str, warmer: Warmer) -> None:
    """Add ``warmer`` (no arguments; reads only) to what a worker runs before its first request.
    Registered once per name (an app's ``ready()`` may run again in tests): the last one stays."""
    _warmers[name] = warmer


def enabled() -> bool:
    return os.environ.get("YIWANG_WARM_WORKERS", "1").strip().lower() not in {"0", "false", "no", "off"}


def post_worker_init(worker: object) -> None:
    """gunicorn's ``post_worker_init`` hook, shared by every gunicorn configuration: after the
    worker loaded the application, before it serves. Never raises. A worker that serves on other
    threads (gthread) would never use this thread's connection again: it is closed, the process's
    caches stay."""
    if not enabled():
        return
    warm_worker()
    if type(worker).__name__ != "SyncWorker":
        from django.db import connections

        try:
            connections.close_all()
        except Exception:
            logger.warning("worker warm-up: closing its connection failed", exc_info=True)


def warm_worker() -> dict[str, float]:
    """Warm this worker's database connection and caches; answers each piece's wall time (s).
    Never raises: a failing piece is logged (warning) and skipped."""
    from django.db import connections, transaction

    from yiwang.core import precompiled

    spent: dict[str, float] = {}
    pieces: list[tuple[str, Warmer]] = [("precompiled reads", precompiled.warm_all), *_warmers.items()]
    started = time.perf_counter()
    try:
        with transaction.atomic():
            for name, warmer in pieces:
                began = time.perf_counter()
                try:
                    with transaction.atomic():  # a savepoint: a failed statement spoils only its own piece
                        warmer()
                except Exception:
                    logger.warning("worker warm-up: %s failed; the worker serves without it", name, exc_info=True)
                spent[name] = time.perf_counter() - began
    except Exception:
        logger.warning("worker warm-up failed; the worker serves without it", exc_info=True)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
    logger.info("worker warm-up: %.0f ms (%s)", (time.perf_counter() - started) * 1000,
                ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in spent.items()))
    return spent
