"""bench/run_cases.py as production serves it (issue #14): the load generator's client honours a
503 shed by admission control (Retry-After, a bounded retry, the wait counted in the request's
time), retries the database's 503 only in the warm-up, and counts both; the port wait shared by
gunicorn and nginx; and PostgreSQL's CPU read so that backends exiting between two readings do not
take their CPU out of the group (the postmaster's reaped children's time)."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from bench import run_cases
from bench.middleware import QueryCountMiddleware

# ------------------------------------------------------------------------- the client's retries

ScriptedAnswer = tuple[int, dict[str, str], bytes, str]  # status, headers, body, content type

SHED: ScriptedAnswer = (503, {"Retry-After": "0", "X-Bench-Shed": "1"}, b"<html>busy</html>", "text/html")
SHED_API: ScriptedAnswer = (503, {"Retry-After": "0"}, json.dumps({"code": "overloaded"}).encode(), "application/json")
DB_DOWN: ScriptedAnswer = (503, {"Retry-After": "0"}, json.dumps({"code": "database_unavailable"}).encode(), "application/json")
CREATED: ScriptedAnswer = (201, {}, json.dumps({"id": 1}).encode(), "application/json")


class Scripted(http.server.ThreadingHTTPServer):
    """Answers each request with the next answer of ``script`` (the last one once it runs out)."""

    def __init__(self, script: list[ScriptedAnswer]):
        self.script = list(script)
        self.seen = 0
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(http.server.BaseHTTPRequestHandler):
    server: Scripted

    def do_POST(self) -> None:  # noqa: N802  # http.server's name for the POST handler
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, headers, body, ctype = self.server.script[min(self.server.seen, len(self.server.script) - 1)]
        self.server.seen += 1
        self.send_response(status)
        for key, value in {**headers, "Content-Type": ctype, "Content-Length": str(len(body))}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[object]:
    servers: list[Scripted] = []

    def start(*script: ScriptedAnswer) -> Scripted:
        server = Scripted(list(script))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_shed_request_is_sent_again_after_retry_after_and_its_time_includes_the_wait(serve):
    server = serve(SHED, SHED_API, CREATED)
    answer = run_cases.Http(server.server_address[1]).send("POST", "/bench/bare/insert", b"x", shed_retries=3)
    assert answer.status == 201 and answer.shed == 2 and not answer.refused
    assert server.seen == 3
    # Retry-After: 0 is waited as the shortest wait a client keeps (0.5 s), twice, from the first attempt
    assert answer.seconds >= 2 * run_cases.RETRY_AFTER_BOUNDS[0]


def test_a_client_gives_up_after_its_retries_and_says_it_was_shed(serve):
    server = serve(SHED)
    answer = run_cases.Http(server.server_address[1]).send("POST", "/x", b"x", shed_retries=1)
    assert answer.status == 503 and answer.refused and answer.shed == 2 and server.seen == 2
    server = serve(SHED)
    answer = run_cases.Http(server.server_address[1]).send("POST", "/x", b"x", shed_retries=0)
    assert answer.refused and answer.shed == 1 and server.seen == 1


def test_the_databases_503_is_not_retried_in_a_measurement_but_is_in_the_warm_up(serve):
    server = serve(DB_DOWN, CREATED)
    answer = run_cases.Http(server.server_address[1]).send("POST", "/api/v1/x", b"x", shed_retries=3)
    assert answer.status == 503 and answer.shed == 0 and not answer.refused and server.seen == 1
    server = serve(DB_DOWN, CREATED)
    answer = run_cases.Http(server.server_address[1]).send("POST", "/api/v1/x", b"x", shed_retries=3,
                                                           retry_unavailable=True)
    assert answer.status == 201 and answer.shed == 0 and server.seen == 2


def test_the_bare_client_counts_shed_requests_and_stops_on_a_refusal(serve):
    server = serve(SHED, CREATED)
    out = run_cases._bare_client((server.server_address[1], 3, 0, 2))
    assert len(out["times"]) == 3 and out["shed"] == 1 and out["retried"] == 1
    server = serve(SHED)
    with pytest.raises(AssertionError, match="shed by admission control"):
        run_cases._bare_client((server.server_address[1], 1, 0, 0))


def test_the_bench_middleware_marks_admission_controls_refusals():
    def shed(request):
        request.yiwang_shed = True
        return HttpResponse(status=503)

    request = RequestFactory().post("/bench/bare/insert")
    assert QueryCountMiddleware(shed)(request)["X-Bench-Shed"] == "1"
    answered = QueryCountMiddleware(lambda request: HttpResponse(status=201))(RequestFactory().post("/x"))
    assert "X-Bench-Shed" not in answered


# ---------------------------------------------------------------------------------- the port


def test_the_port_wait_returns_when_the_port_listens_and_at_once_when_the_server_died():
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        assert run_cases.wait_for_port(listening.getsockname()[1], 5)
    port = run_cases.free_port()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    started = time.monotonic()
    assert not run_cases.wait_for_port(port, 60, dead)
    assert time.monotonic() - started < 30  # not the whole minute: the server had exited


# ------------------------------------------------------------------------ PostgreSQL's CPU


def _fake_proc(root: Path, procs: dict[int, tuple[str, int, int, int, bytes]], busy: int) -> Path:
    """A /proc with ``procs`` (pid: comm, ppid, own ticks, reaped children's ticks, cmdline)."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    (root / "stat").write_text(f"cpu  {busy} 0 0 1000 0 0 0 0 0 0\n")
    for pid, (comm, ppid, own, reaped, cmdline) in procs.items():
        (root / str(pid)).mkdir()
        # fields 3..: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        # cutime cstime priority nice threads itrealvalue starttime
        (root / str(pid) / "stat").write_text(
            f"{pid} ({comm}) S {ppid} 0 0 0 0 0 0 0 0 0 {own} 0 {reaped} 0 20 0 1 0 {pid * 10}\n")
        (root / str(pid) / "cmdline").write_bytes(cmdline)
    return root


def test_a_backend_that_exits_between_two_readings_keeps_its_cpu_in_postgresqls_group(tmp_path: Path):
    hz = run_cases._HZ
    bench_db = f"postgres: 15/main: postgres {run_cases.PG_DB} 127.0.0.1(1) idle".encode()
    first = _fake_proc(tmp_path / "a", {
        1: ("systemd", 0, 0, 0, b"/sbin/init"),
        100: ("postgres", 1, 5, 0, b"/usr/lib/postgresql/15/bin/postgres\0-D\0/x"),
        101: ("postgres", 100, 2 * hz, 0, bench_db),  # a backend of the bench: exits before the second reading
        102: ("postgres", 100, 1 * hz, 0, bench_db),  # one that stays
        103: ("postgres", 100, 1 * hz, 0, b"postgres: 15/main: checkpointer"),
    }, busy=100)
    before = run_cases.cpu_by_group(proc=first)
    # 101 used 0.5 s more, then closed its connection (CONN_MAX_AGE) and was reaped by the postmaster;
    # 104 connected, used 0.25 s; 102 used 0.5 s more
    second = _fake_proc(tmp_path / "b", {
        1: ("systemd", 0, 0, 0, b"/sbin/init"),
        100: ("postgres", 1, 5, 2 * hz + hz // 2, b"/usr/lib/postgresql/15/bin/postgres\0-D\0/x"),
        102: ("postgres", 100, hz + hz // 2, 0, bench_db),
        103: ("postgres", 100, 1 * hz, 0, b"postgres: 15/main: checkpointer"),
        104: ("postgres", 100, hz // 4, 0, bench_db),
    }, busy=400)
    after = run_cases.cpu_by_group(proc=second)
    spent = run_cases.cpu_spent(before, after, clients_s=0.0)
    assert spent["postgres"] == pytest.approx(0.5 + 0.5 + 0.25)
    # the bench database's backends: those alive at the end (102: 0.5, 104 new: 0.25); 101's last
    # half second is lost with it, and said so
    assert spent["postgres_bench_db"] == pytest.approx(0.75)
    assert spent["postgres_bench_db_exited"] == 1
    assert spent["machine_busy"] == pytest.approx(300 / hz)


FAKE_POSTMASTER = """
import os, sys, time
go = sys.argv[1]
def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
pid = os.fork()
if pid == 0:  # a backend: some work, then more once told, then it exits
    burn(0.3)
    while not os.path.exists(go):
        time.sleep(0.02)
    burn(0.3)
    os._exit(0)
os.waitpid(pid, 0)  # reaped: its time moves into the postmaster's cutime/cstime
time.sleep(60)
"""


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = run_cases._stat_fields(entry / "stat")
            if stat is not None and int(stat[1][1]) == pid:
                out.append(int(entry.name))
    return out


def test_a_real_backend_exiting_mid_run_is_still_counted(tmp_path: Path):
    postgres = tmp_path / "postgres"  # the process is named "postgres", as a postmaster is
    postgres.symlink_to(sys.executable)
    go = tmp_path / "go"
    postmaster = subprocess.Popen([str(postgres), "-c", FAKE_POSTMASTER, str(go)])
    try:
        # (/proc's tick-sampled CPU can read a tick short of the 0.3 s the backend burns: wait for 0.25)
        deadline = time.time() + 30
        while time.time() < deadline:
            backends = _children(postmaster.pid)
            if backends and run_cases._proc_cpu(backends[0]) >= 0.25:
                break
            time.sleep(0.05)
        before = run_cases.cpu_by_group()
        go.write_text("")
        deadline = time.time() + 30  # its own wait: the backend's second burn and its exit
        while time.time() < deadline and _children(postmaster.pid):
            time.sleep(0.05)
        after = run_cases.cpu_by_group()
    finally:
        postmaster.kill()
        postmaster.wait()
    spent = run_cases.cpu_spent(before, after, clients_s=0.0)
    # the backend's last 0.3 s, though it had exited: the sum of live processes alone would have
    # lost all of its 0.6 s (a negative figure)
    assert spent["postgres"] >= 0.25
