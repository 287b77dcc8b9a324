"""The notification sender as systemd runs it (``deploy/systemd/yiwang-sender.service``: ``manage.py
send_notifications --loop``, stopped with SIGTERM), stopped while a copy is in flight at the SMS
gateway. What the code promises (``notify.run_sender``, the command's docstring, the unit's
comment): the sender finishes the copy being sent, then exits, status 0, before the next copy. So:
the copy in flight is sent once and marked sent (one attempt counted), the gateway is called
exactly once, and the other due copies are left as they were, pending for the next sender.

The sender is the real command in its own process, against the test database, and the gateway a
real HTTP server in this test that holds the request until told (the real ``HttpSmsGateway``
sends it). PostgreSQL: the process connects to the test database itself (committed rows:
``transaction=True``). SQLite: the test copies pytest's test database (a file, yiwang/conftest.py),
with its rows, into a database file of its own for the sender's process (SQLite's backup API), and
reads the outcome from that file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from yiwang.core import notify
from yiwang.core.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db(transaction=True)  # the sender's process reads committed rows

ROOT = Path(__file__).resolve().parents[3]
URL_VARIABLE = "YIWANG_TEST_HELD_GATEWAY_URL"


class HeldGateway(notify.HttpSmsGateway):
    """``HttpSmsGateway`` pointed at the test's server, named in ``NOTIFY_SMS_BACKEND`` (the
    settings give a channel only ``address_field``; the URL comes from the test's environment)."""

    def __init__(self, name: str, *, address_field: str = "phone") -> None:
        super().__init__(name, url=os.environ[URL_VARIABLE], timeout=60, address_field=address_field)


class Gateway:
    """An SMS gateway on 127.0.0.1 that answers 200 to each POST only once ``release`` is set, and
    keeps each request's ``Idempotency-Key`` and body."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append((self.headers["Idempotency-Key"], body))
                gateway.arrived.set()
                gateway.release.wait(60)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    held = Gateway()
    monkeypatch.setenv(URL_VARIABLE, held.url)
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": f"{__name__}.HeldGateway",
                                               "OPTIONS": {"address_field": "phone"}}}
    notify._build_channel.cache_clear()
    yield held
    held.close()
    notify._build_channel.cache_clear()


def _database_for_the_sender(tmp_path: Path) -> tuple[str, Any]:
    """The ``DATABASE_URL`` the sender's process uses, and how to read the outbox's rows afterwards
    (``(id, status, attempts, claimed)`` by id)."""
    table = OutboxMessage._meta.db_table
    query = f"SELECT id, status, attempts, last_attempt_at IS NOT NULL FROM {table} ORDER BY id"  # noqa: S608
    if connection.vendor == "sqlite":
        copy = tmp_path / "sender.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)  # the in-memory test database, committed rows and all

        def read_file() -> list[tuple[Any, ...]]:
            with sqlite3.connect(copy) as db:
                return [(i, s, a, bool(c)) for i, s, a, c in db.execute(query)]

        return f"sqlite:///{copy}", read_file
    settings_dict = connection.settings_dict
    url = (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST'] or '127.0.0.1'}"
           f":{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")

    def read_database() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return [(i, s, a, bool(c)) for i, s, a, c in cursor.fetchall()]

    return url, read_database


def test_sigterm_during_a_send_finishes_that_copy_exits_0_and_leaves_the_others_pending(gateway: Gateway,
                                                                                        tmp_path: Path) -> None:
    # three copies due, oldest first
    with transaction.atomic():
        rows = [notify.send_to_address(address_field="phone", address=f"1380000000{i}", kind="registration_code",
                                       subject="验证码", body=f"copy {i}")[0] for i in range(3)]
    first, *others = rows
    url, outbox = _database_for_the_sender(tmp_path)
    before = outbox()
    assert [r[1:] for r in before] == [(OutboxStatus.PENDING, 0, False)] * 3
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yiwang.settings", "DEMO_MODE": "1", "DATABASE_URL": url,
           "NOTIFY_SMS_BACKEND": f"{__name__}.HeldGateway", URL_VARIABLE: gateway.url, "LOG_LEVEL": "INFO"}
    sender = subprocess.Popen([sys.executable, "manage.py", "send_notifications", "--loop", "--every", "0.2"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # when the first copy is at the gateway, held there, the sender is told to stop
        assert gateway.arrived.wait(120), "the sender never reached the gateway"
        assert gateway.requests[0][0] == notify.message_id(first)
        sender.send_signal(signal.SIGTERM)
        with pytest.raises(subprocess.TimeoutExpired):
            sender.wait(1)  # it does not leave the copy behind: still waiting for the gateway's answer
        gateway.release.set()
        # then it exits promptly once the gateway answered (a bound for a hung process, not a speed check)
        output, _ = sender.communicate(timeout=60)
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.wait()
    assert sender.returncode == 0, output
    # the copy in flight was sent once and marked sent, its one attempt counted
    assert [key for key, _ in gateway.requests] == [notify.message_id(first)]
    assert gateway.requests[0][1]["text"].endswith("copy 0")
    after = {r[0]: r[1:] for r in outbox()}
    assert after[first.pk] == (OutboxStatus.SENT, 1, True)
    # and the others were left as they were: pending, never claimed, for the next sender
    assert [after[r.pk] for r in others] == [(OutboxStatus.PENDING, 0, False)] * 2
