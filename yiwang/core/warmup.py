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

Each connection that will serve is warmed on the thread that will use it (Django keeps connections
per thread). gunicorn's sync workers serve on the thread that runs the hook: :func:`warm_worker`
there. A gthread worker (production, ``deploy/gunicorn/gunicorn.conf.py``) serves on the threads of
its pool (``ThreadWorker.tpool``, made before the hook runs): :func:`warm_request_threads` hands
one job to each of as many threads as admission control lets work at once (:func:`threads_to_warm`:
``MAX_IN_FLIGHT``, 8 of the 16 by default; a barrier holds every job until all have started, so no
thread takes two), each in turn warms its own connection (:func:`warm_connection`: the precompiled
reads) and one of them also fills the process caches. Measured (``bench/cold_threads.py``,
docs/benchmarks.md): without it every request thread's first requests paid the connection's part
again, 26–46 ms of CPU per thread. The cost, at the worker's start: 35–50 ms of CPU per warmed
thread, and its connection open from the start (within the budget docs/deployment.md already asks
for: workers × threads below PostgreSQL's ``max_connections``); the warmed threads exist from the
start, so requests spread over all of them (the pool makes a thread only when none is idle). A
connection's ``CONN_MAX_AGE`` counts from its opening: a thread whose first
request comes later than that finds it expired and opens a cold one, as without the warm-up. Other
worker kinds (gevent, eventlet, ...) get the process caches only; the hook's connection is closed.

If the database cannot be reached a connection's warm-up gives up after the connection timeout
(``DB_CONNECT_TIMEOUT``), the other threads do not try, and they all serve; the hook waits for the threads at most half the
worker's ``timeout`` (gunicorn kills a worker silent that long), then the worker serves.

``YIWANG_WARM_WORKERS=0`` (the setting of that name) turns it off (on by default).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent import futures
from typing import Any

logger = logging.getLogger(__name__)

Warmer = Callable[[], object]
_warmers: dict[str, Warmer] = {}


def register(name: str, warmer: Warmer) -> None:
    """Add ``warmer`` (no arguments; reads only) to what a worker runs before its first request.
    Registered once per name (an app's ``ready()`` may run again in tests): the last one stays."""
    _warmers[name] = warmer


def enabled() -> bool:
    """``settings.YIWANG_WARM_WORKERS`` (the environment variable of that name, read in yiwang/settings.py)."""
    from django.conf import settings

    return bool(getattr(settings, "YIWANG_WARM_WORKERS", True))


def request_threads(worker: object) -> tuple[str, Any, int]:
    """Where gunicorn's ``worker`` will serve its requests, told by gunicorn's own classes: ``("hook",
    None, 1)`` for a sync worker (the thread that runs ``post_worker_init``); ``("pool", executor,
    threads)`` for a gthread worker (its thread pool, made in ``init_process`` before the hook);
    ``("other", None, 0)`` for any other kind (gevent, eventlet, ..., or a gthread worker without
    its pool yet)."""
    from gunicorn.workers.gthread import ThreadWorker
    from gunicorn.workers.sync import SyncWorker

    if isinstance(worker, SyncWorker):
        return "hook", None, 1
    pool = getattr(worker, "tpool", None)
    if isinstance(worker, ThreadWorker) and pool is not None:
        # the pool's own size if it says (a thread more than it makes would hold the barrier)
        return "pool", pool, min(int(worker.cfg.threads), int(getattr(pool, "_max_workers", worker.cfg.threads)))
    return "other", None, 0


def post_worker_init(worker: object) -> None:
    """gunicorn's ``post_worker_init`` hook, shared by every gunicorn configuration: after the
    worker loaded the application, before it serves. Never raises. Each connection that will serve
    is warmed on its own thread (:func:`request_threads`); a worker of another kind gets the process
    caches, and the hook's connection, which no request would use, is closed."""
    if not enabled():
        return
    where, pool, threads = request_threads(worker)
    if where == "hook":
        warm_worker()
        return
    if where == "pool":
        timeout = float(getattr(getattr(worker, "cfg", None), "timeout", 60) or 60) / 2
        warm_request_threads(pool, threads_to_warm(threads), timeout=timeout)
        return
    from django.db import connections

    warm_worker()
    try:
        connections.close_all()
    except Exception:
        logger.warning("worker warm-up: closing its connection failed", exc_info=True)


def threads_to_warm(threads: int) -> int:
    """How many of a gthread worker's ``threads`` to warm: as many as admission control lets work
    at once (``YIWANG_MAX_IN_FLIGHT``; 0, no bound: all). The pool makes a thread only when none is
    idle, so it stays at the warmed threads until more requests than that are in hand at once, and
    those beyond the bound are refused at once (503) without reaching the database."""
    from django.conf import settings

    bound = int(getattr(settings, "YIWANG_MAX_IN_FLIGHT", 0) or 0)
    return min(threads, bound) if bound > 0 else threads


def warm_request_threads(pool: futures.Executor, threads: int, *, timeout: float = 30.0) -> int:
    """Warm the connection of each of ``threads`` threads of ``pool`` (gthread's request threads),
    on that thread, and the process caches once (on the first thread in). One job per thread: each
    job waits at a barrier until all ``threads`` have started, so a thread that finished its job
    cannot take another's (the pool makes a new thread while none is idle, up to its size). Waits
    at most ``timeout`` seconds; answers how many threads warmed their connection. Never raises: a
    thread whose warm-up failed, or that the barrier gave up on, serves cold (logged)."""
    if threads < 1:
        return 0
    barrier = threading.Barrier(threads, timeout=timeout)
    one_at_a_time = threading.Lock()  # the GIL runs them one at a time anyway; SQLite's writer lock too
    unreachable = threading.Event()

    def job() -> bool:
        first = barrier.wait() == 0  # each thread its own number: one of them fills the process caches
        with one_at_a_time:
            if unreachable.is_set():  # the others would each wait DB_CONNECT_TIMEOUT in turn
                return False
            spent = warm_worker() if first else warm_connection()
            if not spent.reached:  # the warm-up's transaction itself failed: no connection to be had
                unreachable.set()
        return "precompiled reads" in spent

    started = time.perf_counter()
    try:
        jobs = [pool.submit(job) for _ in range(threads)]
    except Exception:
        logger.warning("worker warm-up: the request threads could not be started; they serve cold", exc_info=True)
        return 0
    done, late = futures.wait(jobs, timeout=timeout)
    warmed = 0
    for each in done:
        try:
            warmed += bool(each.result())
        except Exception:
            logger.warning("worker warm-up: a request thread's warm-up failed; it serves cold", exc_info=True)
    if late:
        barrier.abort()
        logger.warning("worker warm-up: %d request threads not warmed within %.0f s; the worker serves", len(late), timeout)
    logger.info("worker warm-up: %d of %d request threads' connections in %.0f ms", warmed, threads,
                (time.perf_counter() - started) * 1000)
    return warmed


def warm_connection() -> Warmed:
    """Warm this thread's database connection only (the precompiled reads): what a request thread
    whose process caches another thread filled needs. Never raises; see :func:`warm_worker`."""
    from yiwang.core import precompiled

    return _warm([("precompiled reads", precompiled.warm_all)])


def warm_worker() -> Warmed:
    """Warm this worker's database connection and caches; answers each piece's wall time (s).
    Never raises: a failing piece is logged (warning) and skipped."""
    from yiwang.core import precompiled

    return _warm([("precompiled reads", precompiled.warm_all), *_warmers.items()])


class Warmed(dict[str, float]):
    """Each piece that was warmed, and its wall time (s); ``reached``: whether the warm-up's
    transaction could run at all (False: no connection to be had, nothing warmed)."""

    reached = True


def _warm(pieces: list[tuple[str, Warmer]]) -> Warmed:
    """Run ``pieces`` on this thread's connection in one transaction, committed (a rollback would
    drop the statements psycopg prepared), each in its own savepoint; answers the wall time of each one that succeeded."""
    from django.db import connections, transaction

    spent = Warmed()
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
                else:  # only what was warmed is answered: a failed piece is not counted as done
                    spent[name] = time.perf_counter() - began
    except Exception:
        logger.warning("worker warm-up failed; the worker serves without it", exc_info=True)
        spent.clear()
        spent.reached = False
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
    logger.info("worker warm-up: %.0f ms (%s)", (time.perf_counter() - started) * 1000,
                ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in spent.items()))
    return spent
