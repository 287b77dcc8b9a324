#!/usr/bin/env python
"""How long a committed notice waits for the notification sender (``manage.py send_notifications --loop``).

    .venv/bin/python bench/sender_latency.py [--db postgres|sqlite] [--n 60] [--every 1] [--senders 1]

Makes a fresh database (PostgreSQL: ``BENCH_PG_DB``, default ``yiwang_sender_latency``, dropped and
created; SQLite: a file in a temporary directory) and migrates it, starts ``--senders`` sender
processes (``--every`` seconds between passes; SMS to the console channel, the log thrown away),
waits until a first notice (not counted) has gone out, then commits ``--n`` notices one by one at random moments (0–1.5 s apart, so that they fall anywhere
in the poll interval), each ``notify_applicant`` in a transaction of its own, noting the wall time
just after its COMMIT. When every copy is sent it prints commit → ``sent_at`` (the sender stamps it
after the channel took the copy; same machine, same clock): median, p90, max, and whether any copy
was sent twice (attempts ≠ 1). Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def database_url(db: str, tmp: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{tmp / 'latency.sqlite3'}"
    import psycopg

    name = os.environ.get("BENCH_PG_DB", "yiwang_sender_latency")
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--every", type=float, default=1.0)
    parser.add_argument("--senders", type=int, default=1)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sender-latency-"))
    os.environ.update({"DATABASE_URL": database_url(args.db, tmp), "DEMO_MODE": "1", "LOG_LEVEL": "ERROR",
                       "NOTIFY_SMS_BACKEND": "yiwang.core.notify.ConsoleChannel", "MEDIA_ROOT": str(tmp / "media"),
                       "DJANGO_SETTINGS_MODULE": "yiwang.settings"})
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)

    import django

    django.setup()
    from django.db import transaction

    from yiwang.core import notify
    from yiwang.core.models import OutboxMessage
    from yiwang.testing import factories

    _user, applicant = factories.citizen()
    senders = [subprocess.Popen([PY, "manage.py", "send_notifications", "--loop", "--every", str(args.every)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(args.senders)]
    committed: dict[str, float] = {}
    try:
        # the senders are up once a first notice (not counted) has gone out
        with transaction.atomic():
            notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理", body="预热",
                                    params={})
        rows = OutboxMessage.objects.filter(channel="sms")
        deadline = time.monotonic() + 120
        while rows.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        rows = rows.exclude(body="预热")
        rng = random.Random(14)
        for i in range(args.n):
            time.sleep(rng.uniform(0, 1.5))
            with transaction.atomic():
                notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理",
                                        body=f"通知 {i}", params={})
            committed[f"通知 {i}"] = time.time()
        deadline = time.monotonic() + 60
        while rows.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        latencies = sorted(r.sent_at.timestamp() - committed[r.body] for r in rows if r.sent_at)
        twice = rows.exclude(attempts=1).count()
    finally:
        for process in senders:
            process.terminate()
        for process in senders:
            process.wait(30)
    print("| db | senders | every (s) | notices | sent | commit → sent median (s) | p90 (s) | max (s) | attempts ≠ 1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    p90 = latencies[int(0.9 * (len(latencies) - 1))] if latencies else float("nan")
    print(f"| {args.db} | {args.senders} | {args.every:g} | {args.n} | {len(latencies)} | "
          f"{statistics.median(latencies):.3f} | {p90:.3f} | {latencies[-1]:.3f} | {twice} |")


if __name__ == "__main__":
    main()
