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
the JSON it is made from; nothing asserts. ``bench/case_cpu.py`` times the whole case the same way
(this is its first two requests; the shared parts live there).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_DB", "yiwang_submit_cpu")

from bench import case_cpu  # noqa: E402
from bench import run_cases as rc  # noqa: E402


def main() -> None:
    args = case_cpu.arguments("CPU per upload and per submission", 300, 30, "upload + submit pairs")
    world, item, required = rc.postgres_world(8)
    case_cpu.run(args, case_cpu.SUBMIT_STEPS, case_cpu.submitter(world, item, required))


if __name__ == "__main__":
    main()
