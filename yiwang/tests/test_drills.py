"""The drill code that runs against the loopback cluster, exercised without one: the task workers'
restart loop (deploy/cluster/keep-running.sh, which app.sh runs each db_worker under) with a fake
worker, and the failover drill's ``kill_leader`` (deploy/drills/failover.py) against real processes
standing in for Patroni and the postmaster, and fake Patroni REST endpoints.

Nothing here waits for a time to pass: each test ends when its processes say so, and the one
timeout (``HANG``) only keeps a broken loop from hanging the suite, far above what a run needs."""

from __future__ import annotations

import http.server
import importlib.util
import os
import select
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
KEEP_RUNNING = DEPLOY / "cluster" / "keep-running.sh"
HANG = 120  # seconds: a hang guard only (every run here takes about a second)


# -- the task workers' restart loop -----------------------------------------------------------------

# A task worker that exits with its run number until run LAST_RUN; that run asks the loop to stop
# (TERM to its parent, the loop: bash runs `cmd &` as a fork that execs cmd), as app.sh's `down`
# does, and keeps running until the loop passes the TERM on.
FAKE_WORKER = r"""
n=$(( $(cat "$RUNS" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$RUNS"
if [ "$n" -lt "$LAST_RUN" ]; then exit "$n"; fi
trap 'echo terminated > "$TERMINATED"; exit 0' TERM
kill -TERM "$PPID"
for _ in $(seq 1 4000); do sleep 0.05; done  # bounded: a few minutes at most
"""


def _end(loop: subprocess.Popen) -> None:
    """After a hang: kill the loop's own session (the loop and its worker, which a broken loop would
    leave running), by the group id of the session this test started. The fake worker's own wait
    is bounded too, for a loop that exits without stopping it."""
    if loop.poll() is None:  # not yet reaped, so the group id is still this session's
        os.killpg(loop.pid, signal.SIGKILL)
        loop.wait()
    if loop.stderr is not None:
        loop.stderr.close()


def _keep_running(tmp_path: Path, *, delay: str, last_run: int) -> tuple[int, str, int, bool]:
    """Run keep-running.sh over the fake worker: the loop's exit status and stderr, how many times
    the worker ran, and whether its last run was told to stop."""
    runs, terminated = tmp_path / "runs", tmp_path / "terminated"
    loop = subprocess.Popen(
        ["bash", str(KEEP_RUNNING), "fake worker", "bash", "-c", FAKE_WORKER],
        env={**os.environ, "RESTART_DELAY": delay, "RUNS": str(runs), "TERMINATED": str(terminated),
             "LAST_RUN": str(last_run)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, err = loop.communicate(timeout=HANG)
    finally:
        _end(loop)
    return loop.returncode, err, int(runs.read_text()), terminated.exists()


def test_a_task_worker_that_exits_is_started_again_and_term_stops_the_loop_and_the_worker(tmp_path):
    # given a worker that exits twice (status 1, then 2) and on its third run asks the loop to stop
    status, err, runs, terminated = _keep_running(tmp_path, delay="0", last_run=3)
    # then it was started again after each exit, each exit logged with its status
    assert runs == 3
    assert [line.split(" ", 1)[1] for line in err.splitlines()] == [
        "fake worker exited (1): restarting in 0 s", "fake worker exited (2): restarting in 0 s"]
    # and TERM stopped the loop (status 0) after passing TERM to the running worker
    assert status == 0 and terminated


def test_term_during_the_pause_between_runs_stops_the_loop_without_another_run(tmp_path):
    # given a worker that exits at once, and a pause of ten minutes before it is started again
    runs = tmp_path / "runs"
    loop = subprocess.Popen(
        ["bash", str(KEEP_RUNNING), "fake worker", "bash", "-c", 'echo run >> "$RUNS"; exit 3'],
        env={**os.environ, "RESTART_DELAY": "600", "RUNS": str(runs)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert loop.stderr is not None
        readable, _, _ = select.select([loop.stderr], [], [], HANG)
        assert readable, "the loop never reported the worker's exit"
        assert loop.stderr.readline().rstrip().endswith("fake worker exited (3): restarting in 600 s")
        # when TERM arrives in the pause (the worker is not running)
        loop.send_signal(signal.SIGTERM)
        # then the loop ends at once (a pause run in the foreground would hold the TERM for ten
        # minutes: the hang guard would fail this) and the worker is not started again
        assert loop.wait(timeout=HANG) == 0
    finally:
        _end(loop)
    assert runs.read_text().splitlines() == ["run"]


# -- the failover drill's kill_leader ---------------------------------------------------------------


def _failover(cluster_dir: Path) -> ModuleType:
    """deploy/drills/failover.py, imported as the drill imports it, its cluster directory a temporary
    one (it reads pid files there)."""
    previous = os.environ.get("YIWANG_CLUSTER_DIR")
    os.environ["YIWANG_CLUSTER_DIR"] = str(cluster_dir)
    try:
        spec = importlib.util.spec_from_file_location("failover_drill", DEPLOY / "drills" / "failover.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        if previous is None:
            del os.environ["YIWANG_CLUSTER_DIR"]
        else:
            os.environ["YIWANG_CLUSTER_DIR"] = previous
    return module


class _Patroni:
    """Fake Patroni REST endpoints, one per node, answering ``GET /primary`` as Patroni does (200 on
    the leader, 503 elsewhere) from ``is_leader(node)``."""

    def __init__(self, nodes: list[str], is_leader: Callable[[str], bool]) -> None:
        self.servers: dict[str, http.server.ThreadingHTTPServer] = {}
        for node in nodes:
            class Handler(http.server.BaseHTTPRequestHandler):
                name = node

                def do_GET(self) -> None:  # noqa: N802 - the http.server interface
                    leading = self.path == "/primary" and is_leader(self.name)
                    self.send_response(200 if leading else 503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

                def log_message(self, *args: object) -> None:
                    pass

            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers[node] = server

    def port(self, node: str) -> int:
        return self.servers[node].server_address[1]

    def close(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict[str, object]]:
    """Three nodes whose Patroni and postmaster are real processes (``sleep``) with the pid files the
    drill reads: ``run/patroni-<node>.pid`` and ``data/<node>/postmaster.pid``."""
    db = tmp_path / "db"
    (db / "run").mkdir(parents=True)
    processes: dict[str, subprocess.Popen] = {}
    for node in ("pg1", "pg2", "pg3"):
        (db / "data" / node).mkdir(parents=True)
        for role, pid_file in (("patroni", db / "run" / f"patroni-{node}.pid"),
                               ("postmaster", db / "data" / node / "postmaster.pid")):
            process = subprocess.Popen(["sleep", str(HANG * 10)])
            processes[f"{role}-{node}"] = process
            # a postmaster.pid holds more lines (data directory, start time, port…): the pid comes first
            pid_file.write_text(f"{process.pid}\n{db / 'data' / node}\n")
    try:
        yield {"dir": tmp_path, "processes": processes}
    finally:
        for process in processes.values():  # ours, by their handles
            if process.poll() is None:
                process.kill()
            process.wait()


def _with_fake_patroni(failover: ModuleType, patroni: _Patroni) -> None:
    vars(failover)["NODES"] = {node: (0, patroni.port(node)) for node in patroni.servers}


def test_kill_leader_kills_the_leaders_patroni_and_postmaster_and_waits_for_the_promoted_node(cluster):
    # given pg1 leads, and pg2 is promoted once pg1's postmaster is gone (as Patroni would, later)
    processes = cluster["processes"]
    failover = _failover(cluster["dir"])

    def is_leader(node: str) -> bool:
        pg1_alive = processes["postmaster-pg1"].poll() is None
        return node == "pg1" if pg1_alive else node == "pg2"

    patroni = _Patroni(["pg1", "pg2", "pg3"], is_leader)
    try:
        _with_fake_patroni(failover, patroni)
        assert failover.leader() == "pg1"
        # when the drill kills the leader
        load_before, t_kill, wall_kill, t_leader, new = failover.kill_leader("pg1")
    finally:
        patroni.close()
    # then pg1's Patroni and postmaster were killed with SIGKILL (the host is gone), nothing else
    assert processes["patroni-pg1"].wait(timeout=HANG) == -signal.SIGKILL
    assert processes["postmaster-pg1"].wait(timeout=HANG) == -signal.SIGKILL
    assert all(p.poll() is None for name, p in processes.items() if not name.endswith("pg1"))
    # and it returns the promoted node, seen after the kill, with the load average beside it
    assert new == "pg2" and t_leader >= t_kill and wall_kill > 0
    assert len(load_before.split()) == 3


def test_kill_leader_fails_the_drill_when_the_new_leader_goes_away_again(cluster):
    # given pg2 is seen leading once after the kill, and then no node leads
    processes = cluster["processes"]
    failover = _failover(cluster["dir"])
    answers = {"pg2": 0}

    def is_leader(node: str) -> bool:
        if processes["postmaster-pg1"].poll() is None:
            return node == "pg1"
        if node == "pg2":
            answers["pg2"] += 1
            return answers["pg2"] == 1
        return False

    patroni = _Patroni(["pg1", "pg2", "pg3"], is_leader)
    try:
        _with_fake_patroni(failover, patroni)
        # when the drill kills the leader, then it fails, saying why, instead of reporting a leader
        with pytest.raises(SystemExit, match="new leader key went away again after pg1 was killed"):
            failover.kill_leader("pg1")
    finally:
        patroni.close()
