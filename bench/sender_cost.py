#!/usr/bin/env python
"""What a copy costs the notification sender: CPU and wall time per copy of a pass
(``notify.send_due_outbox``), with its commits durable (PostgreSQL's default) and as the sender's
own session runs them (``notify._without_waiting_for_flush``: ``synchronous_commit`` off), in
interleaved rounds in one process.

    .venv/bin/python bench/sender_cost.py [--copies 300] [--rounds 4]

PostgreSQL only (the setting is PostgreSQL's): a fresh database ``BENCH_PG_DB`` (default
``yiwang_sender_cost``, dropped and created). Each round commits ``--copies`` notices (SMS to a file
channel, one copy each) in one transaction, then times one pass that sends them all. Not a test:
nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4, help="rounds of each setting, interleaved")
    args = parser.parse_args()
    import psycopg

    name = os.environ.get("BENCH_PG_DB", "yiwang_sender_cost")
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    tmp = Path(tempfile.mkdtemp(prefix="sender-cost-"))
    os.environ.update({"DATABASE_URL": PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", "DEMO_MODE": "1",
                       "LOG_LEVEL": "ERROR", "MEDIA_ROOT": str(tmp / "media"), "DJANGO_SETTINGS_MODULE": "yiwang.settings"})
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from yiwang.core import notify
    from yiwang.testing import factories

    call_command("migrate", verbosity=0)
    settings.YIWANG_NOTIFY_CHANNELS = {"sms": {"BACKEND": "yiwang.core.notify.FileChannel",
                                               "OPTIONS": {"address_field": "phone", "path": str(tmp / "sms.log")}}}
    _user, applicant = factories.citizen()

    def one_round(relaxed: bool) -> tuple[float, float]:
        with transaction.atomic():
            for k in range(args.copies):
                notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理",
                                        body=f"通知 {k}", params={})
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")
        if relaxed:
            notify._without_waiting_for_flush("default")
        cpu, wall = time.process_time(), time.perf_counter()
        counts = notify.send_due_outbox()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert counts == {"sent": args.copies}, counts
        return cpu * 1000 / args.copies, wall * 1000 / args.copies

    one_round(False)  # warm: connection, statements, the channel's file
    results: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    load = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for relaxed in (False, True, True, False):
            results[relaxed].append(one_round(relaxed))
    load.append(os.getloadavg()[0])
    print(f"PostgreSQL, {args.copies} copies a pass, {args.rounds * 2} passes of each setting interleaved; "
          f"load average {load[0]:.2f} → {load[1]:.2f}")
    print("| the sender's commits | CPU ms per copy (median of passes) | wall ms per copy (median) |")
    print("| --- | ---: | ---: |")
    for relaxed, label in ((False, "durable (synchronous_commit on)"), (True, "the sender's session (synchronous_commit off)")):
        cpu = statistics.median(r[0] for r in results[relaxed])
        wall = statistics.median(r[1] for r in results[relaxed])
        print(f"| {label} | {cpu:.2f} | {wall:.2f} |")


if __name__ == "__main__":
    main()
