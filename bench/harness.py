"""The HTTP harness the server benchmarks share (``appeals_open311``, ``licences``, ``exchange_gateway``):
a fresh SQLite bench database, a set-up child run in the bench environment, gunicorn on a free port,
client processes that time requests, rounds that alternate targets so that each meets the same
background load, and the summary of what was timed.

A benchmark supplies only what is its own: how to build one request for a target
(``make(target, context, rng, i) -> (method, path, body, headers)``, a module-level function so that
the client processes can call it) and what to report.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.exchange_common import ROOT, VAR_BENCH, pct

Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers
MakeRequest = Callable[[str, Any, random.Random, int], Request]


def fresh_sqlite(name: str) -> Path:
    """``var/bench/<name>``, removed with its WAL files so that the run starts from nothing."""
    path = VAR_BENCH / name
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def migrate(child_env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--run-syncdb", "-v", "0"], cwd=ROOT, env=child_env,
                   check=True)


def run_child(script: str, *args: str, child_env: dict[str, str]) -> str:
    """Run ``script`` with ``args`` in the bench environment (Django set up there, not here); its
    last line of output, or exit with its errors."""
    out = subprocess.run([sys.executable, script, *args], cwd=ROOT, env=child_env, capture_output=True, text=True)
    if out.returncode:
        print(out.stderr, file=sys.stderr)
        sys.exit(1)
    return out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_groups(procs: Sequence[subprocess.Popen[Any]], *, grace: float = 30) -> None:
    """Stop processes started with ``start_new_session=True`` and everything they started: SIGTERM to
    each process group, then, for a group still there after ``grace`` seconds, SIGKILL. A process
    that already ended is left alone."""
    for proc in procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for proc in procs:
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


@contextmanager
def gunicorn(child_env: dict[str, str], *, workers: int = 2, timeout: int | None = 180) -> Iterator[int]:
    """gunicorn (sync workers) serving ``yiwang.wsgi`` on a free port, stopped on the way out; yields
    the port once the master listens (its workers may still be importing Django: warm up first)."""
    port = free_port()
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--log-level", "warning", "yiwang.wsgi:application"]
    if timeout is not None:
        cmd[5:5] = ["--timeout", str(timeout)]
    server = subprocess.Popen(cmd, cwd=ROOT, env=child_env, start_new_session=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        stop_groups([server])


def client(job: tuple[int, MakeRequest, str, Any, int, int, bool, int]) -> tuple[list[float], dict[int, int]]:
    """One client process: ``n`` requests one after another, each timed from sending to the last byte
    of the answer (with ``reconnect``, a new connection per request, its opening timed too)."""
    port, make, target, context, n, seed, reconnect, timeout = job
    rng = random.Random(seed)
    conn = None if reconnect else http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    times: list[float] = []
    statuses: dict[int, int] = {}
    for i in range(n):
        method, path, body, headers = make(target, context, rng, seed + i)
        started = time.perf_counter()
        c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request(method, path, body=body, headers=headers)
        response = c.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if conn is None:
            c.close()
    return times, statuses


def drive(port: int, make: MakeRequest, target: str, context: Any, requests: int, clients: int, seed: int = 0, *,
          reconnect: bool = False, timeout: int = 180) -> dict[str, Any]:
    """``requests`` requests to ``target`` from ``clients`` processes at once: the wall time, each
    request's time and the statuses per client."""
    per = requests // clients
    started = time.perf_counter()
    with mp.Pool(clients) as pool:
        parts = pool.map(client, [(port, make, target, context, per, seed * 100 + i, reconnect, timeout)
                                  for i in range(clients)])
    return {"wall": time.perf_counter() - started, "times": [t for p, _ in parts for t in p],
            "statuses": [s for _, s in parts]}


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Requests, requests per second over the rounds' wall time, p50 and p99 (ms), statuses counted."""
    times = [t for r in rounds for t in r["times"]]
    wall = sum(r["wall"] for r in rounds)
    statuses: dict[int, int] = {}
    for r in rounds:
        for part in r["statuses"]:
            for k, v in part.items():
                statuses[k] = statuses.get(k, 0) + v
    return {"requests": len(times), "per_s": round(len(times) / wall, 1), "p50_ms": round(pct(times, 50) * 1000, 2),
            "p99_ms": round(pct(times, 99) * 1000, 2), "statuses": statuses}


def alternate(port: int, make: MakeRequest, targets: Sequence[tuple[str, Any]], *, requests: int, clients: int,
              rounds: int, seed: int = 0, **options: Any) -> dict[str, dict[str, Any]]:
    """The targets in ``rounds`` short runs of ``requests // rounds`` each, their order reversed every
    other round so that all meet the same background load; each target's summary."""
    timed: dict[str, list[dict[str, Any]]] = {target: [] for target, _ in targets}
    for i in range(rounds):
        for target, context in targets if i % 2 == 0 else targets[::-1]:
            timed[target].append(drive(port, make, target, context, requests // rounds, clients, seed=i + seed,
                                       **options))
    return {target: summarise(runs) for target, runs in timed.items()}
