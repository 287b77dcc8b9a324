#!/usr/bin/env python
"""CPU per upload and per submission, in one process: the two requests that begin a case
(``POST /api/v1/uploads``, ``POST /api/v1/applications`` with an Idempotency-Key), sent through
Django's whole request handling (middleware, authentication by bearer token, the API) by Django's
test client, on PostgreSQL, each timed with ``time.process_time``.

    BENCH_PG_DB=submit_cpu .venv/bin/python bench/submit_cpu.py [--n 300] [--warm 30]

It builds its own database (dropped and recreated) and data with ``bench/run_cases.py``'s helpers
(``bench.settings``, the item ``BENCH-2STEP`` and its one required material, as the case flow
sends them), warms up, then times ``--n`` upload + submit pairs. Process time is this process's
CPU: the request's Python and the database driver's, not PostgreSQL's (see ``run_cases.py`` for
that), and the test client's own small share, the same in every tree. Less touched by other load
on the machine than a throughput figure, but not untouched (other processes on the same cores slow
this one's CPU too): to compare two trees, run one from ``git archive main`` beside the branch at the
same time, each taking its turn, so that both meet the same load:

    mkfifo /tmp/a /tmp/b
    (cd BASE && BENCH_PG_DB=cpu_a .venv/bin/python bench/submit_cpu.py --turn-in /tmp/a --turn-out /tmp/b) &
    (cd BRANCH && BENCH_PG_DB=cpu_b .venv/bin/python bench/submit_cpu.py --turn-in /tmp/b --turn-out /tmp/a --first)

With ``--turn-in``/``--turn-out`` each sends one upload and submission, then hands the turn to the
other (a byte through a named pipe); ``--first`` takes the first turn. Prints a Markdown table and
the JSON it is made from; nothing asserts.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_DB", "yiwang_submit_cpu")

from bench import run_cases as rc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="timed upload + submit pairs")
    parser.add_argument("--warm", type=int, default=30, help="pairs sent first, not timed")
    parser.add_argument("--turn-in", type=Path, help="a named pipe: wait for a byte from it before each pair")
    parser.add_argument("--turn-out", type=Path, help="a named pipe: write a byte to it after each pair")
    parser.add_argument("--first", action="store_true", help="take the first turn (with --turn-in/--turn-out)")
    args = parser.parse_args()
    world, item, required = rc.postgres_world(8)
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    answer = client.post("/api/v1/auth/token", json.dumps({"username": world["applicants"][0][0].username,
                                                           "password": rc.PASSWORD}), content_type="application/json")
    assert answer.status_code == 200, answer.content
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['token']}"}
    body, content_type = rc.multipart("file", "scan.pdf", rc.PDF)
    cpu: dict[str, list[float]] = {"upload": [], "submit": []}
    queries: dict[str, list[int]] = {"upload": [], "submit": []}

    def timed(step: str, ok: int, keep: bool, **request: Any) -> Any:
        started = time.process_time()
        response = client.generic("POST", **request, **auth)
        spent = time.process_time() - started
        assert response.status_code == ok, (step, response.status_code, response.content)
        if keep:
            cpu[step].append(spent * 1000)
            queries[step].append(int(response["X-Bench-Queries"]))
        return response.json()

    # the other process's pipe ends: opened in the same order by both (in, then out; the first the other
    # way round) so that neither waits for the other to open
    turns = None
    if args.turn_in and args.turn_out:
        if args.first:
            turn_out = open(args.turn_out, "wb", buffering=0)  # noqa: SIM115 - held for the whole run
            turn_in = open(args.turn_in, "rb", buffering=0)  # noqa: SIM115
        else:
            turn_in = open(args.turn_in, "rb", buffering=0)  # noqa: SIM115
            turn_out = open(args.turn_out, "wb", buffering=0)  # noqa: SIM115
        turns = (turn_in, turn_out)
    gc.collect()
    for i in range(args.warm + args.n):
        keep = i >= args.warm
        if turns is not None and not (args.first and i == 0):
            turns[0].read(1)
        up = timed("upload", 201, keep, path="/api/v1/uploads", data=body, content_type=content_type)
        payload = {"item_code": item.code, "form": {"shop_name": f"青禾小馆{i}", "area": "35"},
                   "materials": [{"material_id": required.pk, "upload_id": up["id"]}]}
        timed("submit", 201, keep, path="/api/v1/applications", data=json.dumps(payload).encode(),
              content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"cpu-{i}-{uuid.uuid4().hex[:8]}")
        if turns is not None:
            turns[1].write(b".")
    if turns is not None:
        if args.first:
            turns[0].read(1)  # the other's last pair done: its byte read before the pipe closes
        for end in turns:
            end.close()

    summary = {step: {"n": len(values), "median_ms": statistics.median(values), "mean_ms": statistics.fmean(values),
                      "p90_ms": statistics.quantiles(values, n=10)[-1],
                      "queries": sorted(set(queries[step]))}
               for step, values in cpu.items()}
    print(f"tree {ROOT}, load average {os.getloadavg()}")
    print("| request | n | CPU median ms | CPU mean ms | CPU p90 ms | queries |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for step, s in summary.items():
        print(f"| {step} | {s['n']} | {s['median_ms']:.2f} | {s['mean_ms']:.2f} | {s['p90_ms']:.2f} | {s['queries']} |")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
