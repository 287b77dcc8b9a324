#!/usr/bin/env python
"""CPU per request of the whole two-step case, in one process: upload, submit, accept, review,
decide and deliver (``bench/run_cases.py``'s flow), each sent through Django's whole request
handling (middleware, authentication by bearer token, the API) by Django's test client, on
PostgreSQL, each timed with ``time.process_time``.

    BENCH_PG_DB=case_cpu .venv/bin/python bench/case_cpu.py [--n 100] [--warm 15]

It builds its own database (dropped and recreated) and data with ``bench/run_cases.py``'s helpers
(``bench.settings``, the item ``BENCH-2STEP`` and its one required material, the clerk, reviewer and
decider), warms up, then times ``--n`` whole cases. Accept and decide issue their documents (the
receipt, the decision letter) in this process, as the web worker does; the notices' deliveries are
queued, not sent (as in the web worker). Process time is this process's CPU: the request's Python
and the database driver's, not PostgreSQL's (see ``run_cases.py`` for that), and the test client's
own small share, the same in every tree. Less touched by other load on the machine than a
throughput figure, but not untouched (other processes on the same cores slow this one's CPU too):
to compare two trees, run one from ``git archive main`` (copy this file into it if it has none)
beside the branch at the same time, each taking its turn, so that both meet the same load:

    mkfifo /tmp/a /tmp/b
    (cd BASE && BENCH_PG_DB=cpu_a .venv/bin/python bench/case_cpu.py --turn-in /tmp/a --turn-out /tmp/b) &
    (cd BRANCH && BENCH_PG_DB=cpu_b .venv/bin/python bench/case_cpu.py --turn-in /tmp/b --turn-out /tmp/a --first)

With ``--turn-in``/``--turn-out`` each sends one case (all its requests), then hands the turn to the
other (a byte through a named pipe); ``--first`` takes the first turn. Prints a Markdown table (per
request: CPU median, mean, p90, statements; then the case's total of the means and the total of
accept, review, decide and deliver) and the JSON it is made from; nothing asserts.
``bench/submit_cpu.py`` is this with only the first two requests.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_DB", "yiwang_case_cpu")  # before run_cases reads it (submit_cpu.py sets its own)

from bench import run_cases as rc  # noqa: E402

CASE_STEPS = ["upload", "submit", "accept", "review", "decide", "deliver"]
SUBMIT_STEPS = ["upload", "submit"]
STAFF_STEPS = ["accept", "review", "decide", "deliver"]  # the actions after submission (issue #14)


def arguments(description: str, n: int, warm: int, unit: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--n", type=int, default=n, help=f"timed {unit}")
    parser.add_argument("--warm", type=int, default=warm, help=f"{unit} sent first, not timed")
    parser.add_argument("--turn-in", type=Path, help=f"a named pipe: wait for a byte from it before each of the {unit}")
    parser.add_argument("--turn-out", type=Path, help=f"a named pipe: write a byte to it after each of the {unit}")
    parser.add_argument("--first", action="store_true", help="take the first turn (with --turn-in/--turn-out)")
    return parser.parse_args()


class Turns:
    """Turn-taking with another process through two named pipes: ``wait()`` before a round (not the
    first one's first), ``done()`` after it, ``close()`` at the end. Without pipes, nothing waits."""

    def __init__(self, turn_in: Path | None, turn_out: Path | None, first: bool) -> None:
        self.first = first
        self.started = False
        self.ends: tuple[BinaryIO, BinaryIO] | None = None
        if turn_in and turn_out:
            # opened in the same order by both (in, then out; the first the other way round) so that
            # neither waits for the other to open
            if first:
                turn_out_end = open(turn_out, "wb", buffering=0)  # noqa: SIM115 - held for the whole run
                turn_in_end = open(turn_in, "rb", buffering=0)  # noqa: SIM115
            else:
                turn_in_end = open(turn_in, "rb", buffering=0)  # noqa: SIM115
                turn_out_end = open(turn_out, "wb", buffering=0)  # noqa: SIM115
            self.ends = (turn_in_end, turn_out_end)

    def wait(self) -> None:
        if self.ends is not None and not (self.first and not self.started):
            self.ends[0].read(1)
        self.started = True

    def done(self) -> None:
        if self.ends is not None:
            self.ends[1].write(b".")

    def close(self) -> None:
        if self.ends is None:
            return
        if self.first:
            self.ends[0].read(1)  # the other's last round done: its byte read before the pipe closes
        for end in self.ends:
            end.close()


class Timer:
    """Sends requests through Django's test client and keeps each one's process time and statements."""

    def __init__(self, steps: list[str]) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.cpu: dict[str, list[float]] = {step: [] for step in steps}
        self.queries: dict[str, list[int]] = {step: [] for step in steps}

    def token(self, username: str) -> dict[str, str]:
        answer = self.client.post("/api/v1/auth/token", json.dumps({"username": username, "password": rc.PASSWORD}),
                                  content_type="application/json")
        assert answer.status_code == 200, answer.content
        # the token's answer sets a session cookie; run_cases.py's clients (and the API's) send only the
        # bearer token, so the session is not sent back (its read would be timed in every request)
        self.client.cookies.clear()
        return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['token']}"}

    def post(self, step: str, ok: int, keep: bool, auth: dict[str, str], **request: Any) -> Any:
        request.update(auth)
        started = time.process_time()
        response = self.client.generic("POST", **request)
        spent = time.process_time() - started
        assert response.status_code == ok, (step, response.status_code, response.content)
        if keep:
            self.cpu[step].append(spent * 1000)
            self.queries[step].append(int(response["X-Bench-Queries"]))
        return response.json()

    def summary(self) -> dict[str, dict[str, Any]]:
        return {step: {"n": len(values), "median_ms": statistics.median(values), "mean_ms": statistics.fmean(values),
                       "p90_ms": statistics.quantiles(values, n=10)[-1], "queries": sorted(set(self.queries[step]))}
                for step, values in self.cpu.items()}


def run(args: argparse.Namespace, steps: list[str], one: Callable[[Timer, int, bool], Any]) -> dict[str, Any]:
    """Warm up and time ``args.n`` rounds of ``one(timer, i, keep)``, taking turns if asked; prints the table."""
    timer = Timer(steps)
    setup = one.__dict__.get("setup")
    if setup is not None:
        setup(timer)
    turns = Turns(args.turn_in, args.turn_out, args.first)
    gc.collect()
    for i in range(args.warm + args.n):
        turns.wait()
        one(timer, i, i >= args.warm)
        turns.done()
    turns.close()
    summary = timer.summary()
    print(f"tree {ROOT}, load average {os.getloadavg()}")
    print("| request | n | CPU median ms | CPU mean ms | CPU p90 ms | queries |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for step, s in summary.items():
        print(f"| {step} | {s['n']} | {s['median_ms']:.2f} | {s['mean_ms']:.2f} | {s['p90_ms']:.2f} | {s['queries']} |")
    totals = {"all_mean_ms": sum(s["mean_ms"] for s in summary.values())}
    if all(step in summary for step in STAFF_STEPS):
        totals["staff_mean_ms"] = sum(summary[step]["mean_ms"] for step in STAFF_STEPS)
        print(f"| per case, {' + '.join(STAFF_STEPS)} | | | {totals['staff_mean_ms']:.2f} | | |")
    print(f"| per case, all | | | {totals['all_mean_ms']:.2f} | | |")
    summary["totals"] = totals
    print(json.dumps(summary))
    return summary


def submitter(world: dict[str, Any], item: Any, required: Any) -> Callable[[Timer, int, bool], dict[str, Any]]:
    """One upload and one submission (the applicant's two requests); answers the new case."""
    body, content_type = rc.multipart("file", "scan.pdf", rc.PDF)
    auth: dict[str, dict[str, str]] = {}

    def setup(timer: Timer) -> None:
        auth["applicant"] = timer.token(world["applicants"][0][0].username)

    def one(timer: Timer, i: int, keep: bool) -> dict[str, Any]:
        up = timer.post("upload", 201, keep, auth["applicant"], path="/api/v1/uploads", data=body,
                        content_type=content_type)
        payload = {"item_code": item.code, "form": {"shop_name": f"青禾小馆{i}", "area": "35"},
                   "materials": [{"material_id": required.pk, "upload_id": up["id"]}]}
        return timer.post("submit", 201, keep, auth["applicant"], path="/api/v1/applications",
                          data=json.dumps(payload).encode(), content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY=f"cpu-{i}-{uuid.uuid4().hex[:8]}")

    one.setup = setup  # type: ignore[attr-defined]
    return one


def whole_case(world: dict[str, Any], item: Any, required: Any) -> Callable[[Timer, int, bool], None]:
    """The two-step case's six requests, as ``run_cases.py``'s clients send them."""
    submit = submitter(world, item, required)
    users = world["users"]
    auth: dict[str, dict[str, str]] = {}
    step_of = {"审查": "review", "决定": "decide"}
    signer_of = {"review": "reviewer", "decide": "decider"}
    approve = json.dumps({"decision": "approve", "comment": "同意"}).encode()

    def setup(timer: Timer) -> None:
        submit.setup(timer)  # type: ignore[attr-defined]
        for who in ("clerk", "reviewer", "decider"):
            auth[who] = timer.token(users[who].username)

    def one(timer: Timer, i: int, keep: bool) -> None:
        number = submit(timer, i, keep)["number"]
        case = timer.post("accept", 200, keep, auth["clerk"], path=f"/api/v1/cases/{number}/accept", data=b"{}",
                          content_type="application/json")
        while case["open_steps"]:
            step = case["open_steps"][0]
            label = step_of[step["name"]]
            case = timer.post(label, 200, keep, auth[signer_of[label]], path=f"/api/v1/tasks/{step['id']}/complete",
                              data=approve, content_type="application/json")
        timer.post("deliver", 200, keep, auth["clerk"], path=f"/api/v1/cases/{number}/deliver",
                   data=json.dumps({"method": "window"}).encode(), content_type="application/json")

    one.setup = setup  # type: ignore[attr-defined]
    return one


def main() -> None:
    args = arguments("CPU per request of the whole two-step case", 100, 15, "cases")
    world, item, required = rc.postgres_world(8)
    run(args, CASE_STEPS, whole_case(world, item, required))


if __name__ == "__main__":
    main()
