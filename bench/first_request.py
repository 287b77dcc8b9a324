#!/usr/bin/env python
"""A fresh worker's first request, with the warm-up (``yiwang/warmup.py``) and without it.

    .venv/bin/python bench/first_request.py [--runs 3]

Starts gunicorn (one sync worker, ``yiwang.wsgi``, demo mode), waits ``--settle`` seconds so that
the worker has booted (and, with the warm-up, warmed), then times the first and the second
``GET /progress/`` (the public progress page: URL resolving, a template, no database query) and
reads the worker's CPU time after each. Off (``YIWANG_WARM_UP=0``) and on alternate, ``--runs``
times each. Prints a Markdown table; nothing asserts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exchange_common import VAR_BENCH, env  # noqa: E402
from bench.harness import free_port  # noqa: E402


def get(port: int) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/progress/")
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 200, response.status
    return time.perf_counter() - start


def worker_cpu(master: int) -> float:
    """CPU seconds (user + system) of the master's one child, the worker."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one(warm: bool, settle: float) -> dict[str, float]:
    port = free_port()
    child_env = env(DATABASE_URL=f"sqlite:///{VAR_BENCH / 'first-request.sqlite3'}", YIWANG_WARM_UP="1" if warm else "0",
                    DJANGO_SETTINGS_MODULE="yiwang.settings", LOG_LEVEL="ERROR")
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "yiwang.wsgi:application", "--workers", "1",
                             "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                            cwd=ROOT, env=child_env, start_new_session=True)
    try:
        time.sleep(settle)
        booted = worker_cpu(proc.pid)
        first = get(port)
        after_first = worker_cpu(proc.pid)
        second = get(port)
        return {"boot_cpu": booted, "first": first, "first_cpu": after_first - booted, "second": second}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds between start and the first request")
    args = parser.parse_args()
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    results: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for _ in range(args.runs):
        for warm in (False, True):
            results[warm].append(one(warm, args.settle))
    print(f"{started}, {os.cpu_count()} cores, load average {load:.1f} → {os.getloadavg()[0]:.1f}; "
          f"{args.runs} runs each, alternating; medians")
    print("| warm-up | worker CPU before the first request | first request | its CPU | second request |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for warm in (False, True):
        rows = results[warm]

        def med(key: str, rows: list[dict[str, float]] = rows) -> float:
            return statistics.median(r[key] for r in rows)

        print(f"| {'on' if warm else 'off'} | {med('boot_cpu'):.2f} s | {med('first') * 1e3:.0f} ms | "
              f"{med('first_cpu') * 1e3:.0f} ms | {med('second') * 1e3:.0f} ms |")


if __name__ == "__main__":
    main()
