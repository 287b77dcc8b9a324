"""Counts the SQL queries of each request and reports them in the ``X-Bench-Queries`` header, and
marks admission control's refusals with ``X-Bench-Shed: 1`` (a 503 of the bare view is a page, not
the API's JSON with its ``code``): the bench tells a shed request from the database's 503.

``X-Bench-Time`` (issue #14, what a request's latency is made of) tells where the worker's time
went, as comma-separated ``name=value`` pairs (seconds unless said): ``start``/``end`` the wall
clock (``time.time()``) when the request reached this middleware and left it (the client's send
time before ``start`` is the time queued for a worker); ``cpu`` the worker's CPU, ``runq`` its time
runnable but waiting for a core (``/proc/thread-self/schedstat``); ``sql`` the statements' wall time
(``sqln`` how many), of which ``rollup`` the KPI day rows' upserts (a row another transaction holds
is waited for here) and ``slow`` the slowest statement, ``slowq`` its first words; ``commit`` the
COMMITs' wall time; ``bpid`` the PostgreSQL backend, ``bcpu``/``brunq`` its CPU and run-queue wait
over the request (its schedstat, when readable). Bench-only: nothing here is in the product.
Only with ``BENCH_TIME_PARTS=1`` in the server's environment (``run_cases.py --time-parts``): the
timing reads /proc four times and wraps every statement, a cost the bare view would pay too, so an
ordinary run leaves it out and its figures stay comparable with earlier ones."""

import os
import threading
import time
from collections.abc import Callable

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

_commit_time = threading.local()  # per thread: gthread workers serve requests side by side


def _timed_commit(original: Callable[[BaseDatabaseWrapper], None]) -> Callable[[BaseDatabaseWrapper], None]:
    def _commit(self: BaseDatabaseWrapper) -> None:
        t0 = time.perf_counter()
        try:
            original(self)
        finally:
            _commit_time.seconds = getattr(_commit_time, "seconds", 0.0) + time.perf_counter() - t0

    _commit.__wrapped__ = original  # type: ignore[attr-defined]
    return _commit


TIME_PARTS = os.environ.get("BENCH_TIME_PARTS") == "1"

if TIME_PARTS and not hasattr(getattr(BaseDatabaseWrapper, "_commit"), "__wrapped__"):  # noqa: B009 (not in django-stubs)
    setattr(BaseDatabaseWrapper, "_commit", _timed_commit(getattr(BaseDatabaseWrapper, "_commit")))  # noqa: B009, B010


def _schedstat(path: str) -> tuple[float, float] | None:
    """(CPU seconds, seconds runnable but waiting for a core) of a thread, or None."""
    try:
        with open(path) as f:
            cpu, wait, _slices = f.read().split()
    except (OSError, ValueError):
        return None
    return int(cpu) / 1e9, int(wait) / 1e9


def _backend_pid() -> int | None:
    raw = getattr(connection, "connection", None)
    info = getattr(raw, "info", None)
    return getattr(info, "backend_pid", None) if connection.vendor == "postgresql" else None


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not TIME_PARTS:
            return self._counted(request)
        return self._timed(request)

    def _counted(self, request: HttpRequest) -> HttpResponse:
        count = [0]

        def counter(execute, sql_text, params, many, context):
            count[0] += 1
            return execute(sql_text, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count[0])
        if getattr(request, "yiwang_shed", False):
            response["X-Bench-Shed"] = "1"
        return response

    def _timed(self, request: HttpRequest) -> HttpResponse:
        start = time.time()
        me0 = _schedstat("/proc/thread-self/schedstat")
        pid0 = _backend_pid()
        b0 = _schedstat(f"/proc/{pid0}/schedstat") if pid0 else None
        _commit_time.seconds = 0.0
        count = [0]
        sql = {"all": 0.0, "rollup": 0.0, "slow": 0.0}
        slowq = [""]

        def counter(execute, sql_text, params, many, context):
            count[0] += 1
            t0 = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                spent = time.perf_counter() - t0
                sql["all"] += spent
                if "insights_dailyrollup" in sql_text:
                    sql["rollup"] += spent
                if spent > sql["slow"]:
                    sql["slow"] = spent
                    slowq[0] = " ".join(sql_text.split()[:4]).replace(",", " ").replace('"', "")[:60]

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count[0])
        if getattr(request, "yiwang_shed", False):
            response["X-Bench-Shed"] = "1"
        me1 = _schedstat("/proc/thread-self/schedstat")
        pid1 = _backend_pid()
        parts = {"sqln": count[0], "sql": sql["all"], "rollup": sql["rollup"], "slow": sql["slow"],
                 "commit": _commit_time.seconds}
        if me0 and me1:
            parts.update(cpu=me1[0] - me0[0], runq=me1[1] - me0[1])
        if pid1:
            parts["bpid"] = pid1
            b1 = _schedstat(f"/proc/{pid1}/schedstat")
            if b1 and (b0 is None or pid0 != pid1):
                b0 = None  # a connection opened in the request: its backend's whole life is this request's
            if b1:
                parts.update(bcpu=b1[0] - (b0[0] if b0 else 0.0), brunq=b1[1] - (b0[1] if b0 else 0.0))
        end = time.time()
        response["X-Bench-Time"] = ",".join(
            [f"start={start:.6f}", f"end={end:.6f}", f"slowq={slowq[0]}",
             *(f"{k}={v:.6f}" if isinstance(v, float) else f"{k}={v}" for k, v in parts.items())])
        return response
