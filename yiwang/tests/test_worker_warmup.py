"""A web worker's warm-up after the fork (yiwang/core/warmup.py, gunicorn's ``post_worker_init``):
it writes nothing, a failing piece does not stop the others, and afterwards the worker's connection
holds every precompiled read compiled and the process holds the seals and process specs its first
case would read."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection, connections

from yiwang.catalog import bpmn
from yiwang.catalog.selectors import versions_newest_first
from yiwang.core import precompiled, warmup
from yiwang.licenses import selectors as licence_selectors
from yiwang.licenses import services as licence_services
from yiwang.licenses.demo import department_uscc
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(world: Any) -> Any:
    """The shared world with a seal for 市场监管 (SCJG): something in every table the warmers read."""
    anchor = licence_services.ensure_demo_ca()
    licence_services.create_seal(department=factories.department("SCJG"), uscc=department_uscc("SCJG"), anchor=anchor)
    return world


def _everything() -> dict[str, Any]:
    """Every table's row count and every sequence's state: what any write would change."""
    counts: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2")
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        counts["sequences"] = cursor.fetchall()
    return counts


def _forget_compiled() -> None:
    """As a fresh worker's connections: no read compiled for them yet."""
    for each in connections.all():
        each.__dict__.pop("_yiwang_precompiled", None)


def test_the_warm_up_writes_nothing_and_reads_without_a_failure(county: Any, caplog: pytest.LogCaptureFixture) -> None:
    before = _everything()
    assert sum(n for table, n in before.items() if table != "sequences") > 0
    assert before["sequences"]  # the world's rows drew from them
    _forget_compiled()
    with caplog.at_level(logging.WARNING):
        spent = warmup.warm_worker()
    assert _everything() == before
    # every piece ran to its end: a warm-up that failed at once would also have written nothing
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert {"precompiled reads", "core: working calendar", "crypto: signing key", "licences: current seals",
            "catalog: the processes' specs"} <= spent.keys()


def test_afterwards_every_precompiled_read_is_compiled_for_the_connection(county: Any) -> None:
    _forget_compiled()
    queries = list(precompiled._every)
    assert len(queries) >= 15  # the hot path's reads (catalog, identity, cases, credit, licences, ...)
    assert not any(q.is_compiled_for(q._routing().db) for q in queries)
    warmup.warm_worker()
    assert all(q.is_compiled_for(q._routing().db) for q in queries)


def test_afterwards_the_seals_and_the_process_specs_are_in_the_process(county: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(licence_selectors, "_seals_read", {})
    monkeypatch.setattr(bpmn, "_spec_cache", {})
    scjg = factories.department("SCJG")
    version = versions_newest_first(county.item.process_id).first()
    assert version is not None
    warmup.warm_worker()
    seal = licence_selectors._seals_read[scjg.pk]
    assert seal is not None and seal == licence_selectors.current_seal_or_none(scjg)
    assert (version.pk, version.digest) in bpmn._spec_cache


def test_a_failing_piece_is_logged_and_the_others_still_run(county: Any, monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        connection.cursor().execute("SELECT * FROM no_such_table")  # fails in the database, inside the transaction

    monkeypatch.setattr(warmup, "_warmers", {"broken": broken, **warmup._warmers, "after": lambda: ran.append("after")})
    _forget_compiled()
    before = _everything()
    with caplog.at_level(logging.WARNING):
        spent = warmup.warm_worker()
    assert ran == ["broken", "after"]
    assert "broken" not in spent and "after" in spent  # only what was warmed is answered
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["worker warm-up: broken failed; the worker serves without it"]
    assert all(q.is_compiled_for(q._routing().db) for q in precompiled._every)
    assert factories.department("SCJG").pk in licence_selectors._seals_read  # a warmer after the broken one
    assert _everything() == before
    assert connection.cursor()  # the connection still serves


def _gunicorn_worker(kind: str, threads: int = 1) -> Any:
    """A gunicorn worker of ``kind`` ("sync" or "gthread") as the master makes it, at the point where
    it runs ``post_worker_init``: a gthread worker has made its thread pool (``init_process``)."""
    from gunicorn.config import Config
    from gunicorn.workers.gthread import ThreadWorker
    from gunicorn.workers.sync import SyncWorker

    cfg = Config()
    cfg.set("worker_class", kind)
    cfg.set("threads", threads)
    worker = (ThreadWorker if kind == "gthread" else SyncWorker)(1, 0, [], None, 30, cfg, logging.getLogger("test"))
    if kind == "gthread":
        worker.tpool = worker.get_thread_pool()
    return worker


def _production_hook() -> Any:
    """deploy/gunicorn/gunicorn.conf.py's ``post_worker_init``, as gunicorn loads it."""
    import runpy
    from pathlib import Path

    return runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy/gunicorn/gunicorn.conf.py"))["post_worker_init"]


def _on_each_thread(pool: Any, threads: int, what: Any) -> list[Any]:
    """``what()`` run once on each of the pool's ``threads`` threads (a barrier: one job a thread)."""
    import threading

    barrier = threading.Barrier(threads, timeout=10)

    def job() -> Any:
        barrier.wait()
        return threading.get_ident(), what()

    return [f.result(timeout=30) for f in [pool.submit(job) for _ in range(threads)]]


def _compiled_here() -> bool:
    """Whether this thread's connection is open and holds every precompiled read compiled."""
    return connection.connection is not None and all(q.is_compiled_for(q._routing().db) for q in precompiled._every)


def _close_here() -> None:
    connections.close_all()


@pytest.mark.django_db(transaction=True)  # the request threads' own connections see the committed world
def test_a_gthread_worker_warms_each_request_threads_connection_on_that_thread(county: Any,
                                                                                caplog: pytest.LogCaptureFixture) -> None:
    worker = _gunicorn_worker("gthread", threads=4)
    _forget_compiled()
    before = _everything()
    try:
        with caplog.at_level(logging.INFO, logger="yiwang.core.warmup"):
            _production_hook()(worker)
        # every thread of the pool exists and holds its own open connection, each read compiled for it
        assert len(worker.tpool._threads) == 4
        seen = _on_each_thread(worker.tpool, 4, _compiled_here)
        assert len({ident for ident, _ in seen}) == 4 and all(compiled for _, compiled in seen)
        assert "worker warm-up: 4 of 4 request threads' connections" in caplog.text
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
        # the hook's own thread opened no connection for nobody to use
        assert not connection.__dict__.get("_yiwang_precompiled")
        assert _everything() == before  # nothing written, on any thread
    finally:
        _on_each_thread(worker.tpool, 4, _close_here)
        worker.tpool.shutdown(wait=True)


@pytest.mark.django_db(transaction=True)
def test_a_request_thread_whose_warm_up_fails_is_logged_and_serves_cold(county: Any, monkeypatch: pytest.MonkeyPatch,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    import threading

    warm_all = precompiled.warm_all
    failed: list[int] = []
    lock = threading.Lock()

    def fails_once() -> None:
        with lock:
            if not failed:
                failed.append(threading.get_ident())
                raise RuntimeError("the database went away")
        warm_all()

    monkeypatch.setattr(precompiled, "warm_all", fails_once)
    worker = _gunicorn_worker("gthread", threads=3)
    before = _everything()
    try:
        with caplog.at_level(logging.INFO, logger="yiwang.core.warmup"):
            _production_hook()(worker)
        seen = dict(_on_each_thread(worker.tpool, 3, _compiled_here))
        assert seen.pop(failed[0]) is False  # the thread whose warm-up failed: nothing compiled, it serves cold
        assert list(seen.values()) == [True, True]  # the others warmed theirs
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert warnings == ["worker warm-up: precompiled reads failed; the worker serves without it"]
        # and the count the operator reads says so (a failed thread is not counted as warmed)
        infos = [r.getMessage() for r in caplog.records if "request threads' connections" in r.getMessage()]
        assert len(infos) == 1 and infos[0].startswith("worker warm-up: 2 of 3 request threads' connections"), infos
        assert _everything() == before
    finally:
        _on_each_thread(worker.tpool, 3, _close_here)
        worker.tpool.shutdown(wait=True)


@pytest.mark.django_db(transaction=True)
def test_a_gthread_worker_warms_as_many_threads_as_admission_control_lets_work_at_once(county: Any, settings: Any) -> None:
    settings.YIWANG_MAX_IN_FLIGHT = 2
    worker = _gunicorn_worker("gthread", threads=4)
    try:
        _production_hook()(worker)
        assert len(worker.tpool._threads) == 2  # the pool makes the others only when both are busy
        seen = _on_each_thread(worker.tpool, 2, _compiled_here)
        assert len({ident for ident, _ in seen}) == 2 and all(compiled for _, compiled in seen)
    finally:
        _on_each_thread(worker.tpool, len(worker.tpool._threads), _close_here)
        worker.tpool.shutdown(wait=True)
    settings.YIWANG_MAX_IN_FLIGHT = 0  # no bound: every thread
    assert warmup.threads_to_warm(16) == 16
    settings.YIWANG_MAX_IN_FLIGHT = 8
    assert warmup.threads_to_warm(16) == 8 and warmup.threads_to_warm(4) == 4


def test_when_the_database_cannot_be_reached_one_thread_tries_and_the_others_do_not_wait(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.utils import OperationalError

    tried: list[str] = []

    def refused(self: Any) -> None:
        tried.append(self.alias)
        raise OperationalError("connection refused")  # as a dead primary answers, after DB_CONNECT_TIMEOUT at worst

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refused)
    worker = _gunicorn_worker("gthread", threads=3)
    try:
        with caplog.at_level(logging.INFO, logger="yiwang.core.warmup"):
            _production_hook()(worker)  # never raises
    finally:
        worker.tpool.shutdown(wait=True)
    assert tried == ["default"]  # one thread tried; the other two did not wait their turn for the same answer
    assert "worker warm-up failed; the worker serves without it" in caplog.text
    assert "worker warm-up: 0 of 3 request threads' connections" in caplog.text


def test_the_gunicorn_hook_warms_unless_turned_off(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    ran: list[str] = []
    closed: list[str] = []
    monkeypatch.setattr(warmup, "_warmers", {"probe": lambda: ran.append("probe")})
    monkeypatch.setattr(connections, "close_all", lambda: closed.append("closed"))
    settings.YIWANG_WARM_WORKERS = False
    _production_hook()(_gunicorn_worker("sync"))
    gthread = _gunicorn_worker("gthread", threads=2)
    _production_hook()(gthread)
    assert ran == [] and gthread.tpool._threads == set()  # off: no thread started, nothing read
    settings.YIWANG_WARM_WORKERS = True
    _production_hook()(_gunicorn_worker("sync"))
    assert ran == ["probe"] and closed == []  # the sync worker serves on the warmed connection


def test_the_switch_is_a_setting_read_from_the_environment() -> None:
    import subprocess
    import sys

    def read(value: str | None) -> str:
        import os

        env = {k: v for k, v in os.environ.items() if k != "YIWANG_WARM_WORKERS"}
        env.update({"DJANGO_SETTINGS_MODULE": "yiwang.settings", "DEMO_MODE": "1"})
        if value is not None:
            env["YIWANG_WARM_WORKERS"] = value
        done = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.YIWANG_WARM_WORKERS)"],
                              env=env, capture_output=True, text=True, timeout=120)
        return done.stdout.strip() or done.stderr.strip().splitlines()[-1]

    assert read(None) == "True"
    assert read("0") == "False" and read("off") == "False"
    assert read("1") == "True"
    assert "YIWANG_WARM_WORKERS must be 1 or 0" in read("perhaps")  # refused, not taken as on or off


def test_the_worker_kind_is_told_by_gunicorn_classes_not_by_a_name() -> None:
    from gunicorn.workers.base import Worker
    from gunicorn.workers.sync import SyncWorker

    class CountyWorker(SyncWorker):  # a deployment's own sync worker: serves on the hook's thread all the same
        pass

    class GreenWorker(Worker):  # gevent, eventlet, ...: neither the hook's thread nor a pool of threads
        pass

    sync = _gunicorn_worker("sync")
    assert warmup.request_threads(CountyWorker(1, 0, [], None, 30, sync.cfg, sync.log)) == ("hook", None, 1)
    assert warmup.request_threads(GreenWorker(1, 0, [], None, 30, sync.cfg, sync.log)) == ("other", None, 0)
    gthread = _gunicorn_worker("gthread", threads=5)
    try:
        assert warmup.request_threads(gthread) == ("pool", gthread.tpool, 5)
    finally:
        gthread.tpool.shutdown()
