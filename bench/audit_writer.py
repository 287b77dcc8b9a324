#!/usr/bin/env python
"""CPU of core's audit writer, the part every audited action pays (issue #14, branch mends5).

    .venv/bin/python bench/audit_writer.py [--db sqlite|postgres] [--n 2000] [--rounds 5]

On a fresh test database (Django's test database: SQLite in memory, or ``test_<name>`` of
``DATABASE_URL`` on PostgreSQL, created and migrated outside the lock), in one transaction per
round that is rolled back at its end:

- **record_audit**: one record, its id back (the form a caller that needs the id uses);
- **batch of 3**: an action's three records queued (``queue_audit``) in one ``audit_batch()``,
  written in one statement when the batch ends (the form the case actions use).

Each kind runs ``--n`` times per round, the kinds alternating round by round, the process's CPU
time (``time.process_time``) per call reported as the median over rounds (µs), with the load
average. The machine's benchmark lock (``--lock``) is held around the timed rounds only. Run it in
two trees (main and a branch) to compare them: the script uses only ``record_audit``,
``queue_audit`` and ``audit_batch``, which both have. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def bench_lock(path: str):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lock", default="/tmp/yiwang-bench.lock")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/yiwang_bench_audit"))
    args = parser.parse_args()

    os.environ.setdefault("DEMO_MODE", "1")
    os.environ["DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.settings"
    if args.db == "postgres":
        os.environ["DATABASE_URL"] = args.pg_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.db import connection, transaction

    from yiwang.core.services import audit_batch, queue_audit, record_audit

    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def single(n: int) -> None:
        for k in range(n):
            record_audit(actor=None, event_type="bench_recorded", subject_type="bench", subject_id=k,
                         details={"number": "B1", "status": "in_review", "k": k})

    def batch(n: int) -> None:
        for k in range(n):
            with audit_batch():
                for step in ("bench_a", "bench_b", "bench_c"):
                    queue_audit(actor=None, event_type=step, subject_type="bench", subject_id=k,
                                details={"number": "B1", "status": "in_review", "k": k})

    def timed(kind, n: int) -> float:
        with transaction.atomic():
            started = time.process_time()
            kind(n)
            spent = time.process_time() - started
            transaction.set_rollback(True)
        return spent / n * 1e6

    results: dict[str, list[float]] = {"record_audit": [], "batch of 3": []}
    timed(single, 200)
    timed(batch, 200)  # warm: statements prepared, caches filled
    with bench_lock(args.lock):
        load = os.getloadavg()
        for r in range(args.rounds):
            order = [("record_audit", single), ("batch of 3", batch)]
            for name, kind in order if r % 2 == 0 else reversed(order):
                results[name].append(timed(kind, args.n))
        load_end = os.getloadavg()
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    print(f"{args.db} {connection.vendor}; N = {args.n} × {args.rounds} rounds; "
          f"load average {load[0]:.2f} at start, {load_end[0]:.2f} at end")
    for name, values in results.items():
        print(f"  {name}: {statistics.median(values):.1f} µs CPU per call (median of rounds; "
              f"min {min(values):.1f}, max {max(values):.1f})")


if __name__ == "__main__":
    main()
