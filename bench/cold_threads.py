#!/usr/bin/env python
"""What is cold in a fresh *gthread* worker, per request thread: each thread's first requests on its
own database connection against the later ones (``cold_worker.py`` measures a sync worker).

    BENCH_PG_DB=cold_threads .venv/bin/python bench/cold_threads.py [--threads 16] [--clients 4] [--cases 6] [--runs 2]

The parent builds the bench database (``run_cases.py``'s world, on PostgreSQL, dropped and
recreated). Then, ``--runs`` times with the worker warm-up off and on in turn (ABAB), a fresh Python
process does what a fresh gunicorn gthread worker of the production settings does: imports
``yiwang.wsgi``, makes gunicorn's own ``ThreadWorker`` with ``--threads`` threads and its thread
pool (as its ``init_process`` does), runs production's ``post_worker_init`` hook
(``deploy/gunicorn/gunicorn.conf.py``: whatever the tree's warm-up does; its wall and process CPU,
all threads, reported), then ``--clients`` clients at once each send ``--cases`` two-step cases,
every request handled on the worker's pool (``tpool.submit``, as gthread hands a connection to a
thread) through Django's test client. Per request: the pool thread that served it, that thread's
CPU (``time.thread_time``) and the wall time. Per request kind: each thread's first request of the
kind against the median of the kind's requests that were not a thread's first (second half).
"extra" sums, over the threads, the first's CPU above that median: what the requests paid for cold
connections. Also: how many pool threads served (each with its own connection) and the CPU of the
live PostgreSQL backends of the worker (the serving connections; a connection the warm-up closed is
gone and not counted). The bench's tokens and bare inserts run on the main thread first (its
connection closed after), as ``cold_worker.py``'s do. Nothing asserts; figures only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import runpy
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_DB", "yiwang_cold_threads")

from bench import run_cases as rc  # noqa: E402
from bench.cold_worker import STEPS, _backend_cpu  # noqa: E402

HOOK = ROOT / "deploy" / "gunicorn" / "gunicorn.conf.py"


def child(warm: bool, threads: int, clients: int, cases: int) -> dict[str, Any]:
    os.environ["YIWANG_WARM_WORKERS"] = "1" if warm else "0"
    from gunicorn.config import Config
    from gunicorn.workers.gthread import ThreadWorker

    import yiwang.wsgi  # noqa: F401 - what every worker imports: settings, apps, the process warm-up

    cfg = Config()
    cfg.set("worker_class", "gthread")
    cfg.set("threads", threads)
    worker = ThreadWorker(1, os.getppid(), [], None, 60, cfg, logging.getLogger("gunicorn.error"))
    worker.tpool = worker.get_thread_pool()  # as ThreadWorker.init_process, before the hook
    hook = runpy.run_path(str(HOOK))["post_worker_init"]
    t0, c0 = time.perf_counter(), time.process_time()
    hook(worker)
    result: dict[str, Any] = {"warm": warm, "hook_s": (time.perf_counter() - t0, time.process_time() - c0),
                              "pool_threads_after_hook": len(worker.tpool._threads)}

    from django.db import connection, connections
    from django.test import Client

    from yiwang.catalog.models import ServiceItem

    item = ServiceItem.objects.get(code=rc.TWO_STEP)
    required = next(m for m in item.materials.all() if m.required)
    setup_client = Client(HTTP_HOST="127.0.0.1")

    def token(username: str) -> dict[str, str]:
        answer = setup_client.post("/api/v1/auth/token", json.dumps({"username": username, "password": rc.PASSWORD}),
                                   content_type="application/json")
        assert answer.status_code == 200, answer.content
        setup_client.cookies.clear()
        return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['token']}"}

    names = [("clerk", "clerk"), ("reviewer", "scjg_reviewer"), ("decider", "scjg_decider")]
    staff = {who: token(name) for who, name in names}
    applicants = [token(f"citizen{i:04d}") for i in range(clients)]
    for i in range(20):
        assert setup_client.post("/bench/bare/insert", f"row {i}", content_type="text/plain").status_code == 201
    connections.close_all()  # the main thread serves nothing: only the pool threads' connections count

    lock = threading.Lock()
    records: list[tuple[float, int, str, float, float]] = []  # (when, thread, step, thread CPU, wall)
    backends: dict[int, int] = {}  # pool thread -> its PostgreSQL backend
    body, content_type = rc.multipart("file", "scan.pdf", rc.PDF)
    approve = json.dumps({"decision": "approve", "comment": "同意"}).encode()
    step_of = {"审查": "review", "决定": "decide"}

    def served(client: Any, step: str, request: dict[str, Any]) -> Any:
        """On a pool thread, as gthread's handle(): one request, its thread's CPU and wall time."""
        w0, c0 = time.perf_counter(), time.thread_time()
        response = client.generic("POST", **request)
        spent = time.thread_time() - c0, time.perf_counter() - w0
        ident = threading.get_ident()
        if ident not in backends and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("select pg_backend_pid()")
                backends[ident] = cursor.fetchone()[0]
        with lock:
            records.append((w0, ident, step, *spent))
        return response

    def run_client(n: int) -> None:
        client = Client(HTTP_HOST="127.0.0.1")
        auth = {"applicant": applicants[n], **staff}

        def post(step: str, ok: int, who: str, **request: Any) -> Any:
            request.update(auth[who])
            response = worker.tpool.submit(served, client, step, request).result()
            assert response.status_code == ok, (step, response.status_code, response.content[:300])
            return response.json()

        for i in range(cases):
            up = post("upload", 201, "applicant", path="/api/v1/uploads", data=body, content_type=content_type)
            payload = {"item_code": item.code, "form": {"shop_name": f"青禾小馆{n}-{i}", "area": "35"},
                       "materials": [{"material_id": required.pk, "upload_id": up["id"]}]}
            case = post("submit", 201, "applicant", path="/api/v1/applications", data=json.dumps(payload).encode(),
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"thr-{n}-{i}-{uuid.uuid4().hex[:8]}")
            number = case["number"]
            case = post("accept", 200, "clerk", path=f"/api/v1/cases/{number}/accept", data=b"{}",
                        content_type="application/json")
            while case["open_steps"]:
                step = case["open_steps"][0]
                label = step_of[step["name"]]
                case = post(label, 200, {"review": "reviewer", "decide": "decider"}[label],
                            path=f"/api/v1/tasks/{step['id']}/complete", data=approve, content_type="application/json")
            post("deliver", 200, "clerk", path=f"/api/v1/cases/{number}/deliver",
                 data=json.dumps({"method": "window"}).encode(), content_type="application/json")

    t0, c0 = time.perf_counter(), time.process_time()
    runners = [threading.Thread(target=run_client, args=(n,)) for n in range(clients)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    result["serve_s"] = (time.perf_counter() - t0, time.process_time() - c0)
    worker.tpool.shutdown(wait=True)
    records.sort()
    result["threads_served"] = len({r[1] for r in records})
    result["pool_threads"] = len(worker.tpool._threads)
    result["backend_cpu_s"] = sum(_backend_cpu(pid) for pid in backends.values())
    result["steps"] = {}
    for step in STEPS:
        mine = [r for r in records if r[2] == step]
        seen: set[int] = set()
        firsts: list[tuple[float, int, str, float, float]] = []
        others: list[tuple[float, int, str, float, float]] = []
        for r in mine:
            (others if r[1] in seen else firsts).append(r)
            seen.add(r[1])
        later = others[len(others) // 2:] or others
        median = (statistics.median(r[3] for r in later), statistics.median(r[4] for r in later)) if later else (0.0, 0.0)
        result["steps"][step] = {"requests": len(mine), "firsts": len(firsts), "later": median,
                                 "first_cpu": [r[3] for r in firsts], "first_wall": [r[4] for r in firsts],
                                 "extra_cpu": sum(r[3] - median[0] for r in firsts),
                                 "extra_wall": sum(r[4] - median[1] for r in firsts)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=16, help="the gthread worker's threads (production: 16)")
    parser.add_argument("--clients", type=int, default=4, help="clients sending cases at once")
    parser.add_argument("--cases", type=int, default=6, help="cases per client")
    parser.add_argument("--runs", type=int, default=2, help="pairs of fresh processes, warm-up off then on")
    parser.add_argument("--only", choices=["off", "on"], help="only this variant")
    parser.add_argument("--no-world", action="store_true", help="reuse the bench database as it is")
    parser.add_argument("--child", choices=["off", "on"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child == "on", args.threads, args.clients, args.cases)))
        return
    if not args.no_world:
        subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); sys.path.insert(0, '.');"
                        f"from bench import run_cases as rc; rc.postgres_world({max(8, args.clients)})"],
                       cwd=ROOT, check=True)
    env = rc.child_env("postgres")
    variants = [args.only] if args.only else ["off", "on"]
    for run in range(args.runs):
        for variant in variants:
            out = subprocess.run([sys.executable, __file__, "--child", variant, "--threads", str(args.threads),
                                  "--clients", str(args.clients), "--cases", str(args.cases)],
                                 cwd=ROOT, env=env, check=True, capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"\n## run {run + 1}, worker warm-up {variant}, load {os.getloadavg()[0]:.2f}; hook "
                  f"{r['hook_s'][0] * 1000:.0f} ms wall / {r['hook_s'][1] * 1000:.0f} ms CPU, pool threads after "
                  f"it {r['pool_threads_after_hook']}; serving {r['serve_s'][0]:.2f} s wall / {r['serve_s'][1]:.2f} s "
                  f"CPU; {r['threads_served']} threads served (pool {r['pool_threads']}); live backends' CPU "
                  f"{r['backend_cpu_s'] * 1000:.0f} ms")
            print("| request | requests | threads' firsts | first CPU ms (mean) | later CPU ms (median) | "
                  "extra CPU ms (sum) | first wall ms (mean) | later wall ms | extra wall ms (sum) |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            total_cpu = total_wall = 0.0
            for step, s in r["steps"].items():
                total_cpu += s["extra_cpu"]
                total_wall += s["extra_wall"]
                print(f"| {step} | {s['requests']} | {s['firsts']} | {statistics.mean(s['first_cpu']) * 1000:.1f} | "
                      f"{s['later'][0] * 1000:.1f} | {s['extra_cpu'] * 1000:.0f} | "
                      f"{statistics.mean(s['first_wall']) * 1000:.1f} | {s['later'][1] * 1000:.1f} | "
                      f"{s['extra_wall'] * 1000:.0f} |")
            print(f"| all six | | | | | {total_cpu * 1000:.0f} | | | {total_wall * 1000:.0f} |")


if __name__ == "__main__":
    main()
