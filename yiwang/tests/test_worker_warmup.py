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
    assert "broken" in spent and "after" in spent
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["worker warm-up: broken failed; the worker serves without it"]
    assert all(q.is_compiled_for(q._routing().db) for q in precompiled._every)
    assert factories.department("SCJG").pk in licence_selectors._seals_read  # a warmer after the broken one
    assert _everything() == before
    assert connection.cursor()  # the connection still serves


class SyncWorker:  # gunicorn's sync worker as the hook tells it: it serves on the hook's thread
    pass


class ThreadWorker:  # gthread: its requests run on other threads, each with its own connection
    pass


def test_the_gunicorn_hook_warms_unless_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    closed: list[str] = []
    monkeypatch.setattr(warmup, "_warmers", {"probe": lambda: ran.append("probe")})
    monkeypatch.setattr(connections, "close_all", lambda: closed.append("closed"))
    monkeypatch.setenv("YIWANG_WARM_WORKERS", "0")
    warmup.post_worker_init(SyncWorker())
    assert ran == []
    monkeypatch.setenv("YIWANG_WARM_WORKERS", "1")
    warmup.post_worker_init(SyncWorker())
    assert ran == ["probe"] and closed == []  # the sync worker serves on the warmed connection
    warmup.post_worker_init(ThreadWorker())
    assert ran == ["probe", "probe"] and closed == ["closed"]  # nobody would use it again
