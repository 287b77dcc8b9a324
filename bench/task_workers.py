#!/usr/bin/env python
"""How many task workers one PostgreSQL can feed: django-tasks' database backend, 1–16 workers.

    .venv/bin/python bench/task_workers.py --bench-lock /tmp/yiwang-bench.lock [--workers 1,2,4,8,16]
        [--noop 1500] [--realistic 600] [--dbname crash_bench]

The database is created and migrated outside the lock; ``--bench-lock`` is taken (flock) for each
point only, from starting its workers to stopping them, so that the preparation never holds it.

For each worker count N and each kind of task, in a database of its own (migrated once, the task
table emptied between points): N ``manage.py db_worker`` processes are started and given time to
come up; then M READY tasks are inserted at once and the clock runs until every one is finished.

* ``noop``: a task that does nothing (``bench.task_workers.noop``): the queue's own cost, claim
  (``SELECT … FOR UPDATE SKIP LOCKED`` + UPDATE) and result (UPDATE), per task;
* ``realistic``: ``yiwang.core.tasks.send_notifications`` for one outbox row each (claim the row,
  read it and the applicant, decrypt the phone number (SM4), write the SMS line, mark it sent) —
  the commonest background work of the platform.

Measured per point: tasks/s; CPU seconds used by the PostgreSQL backends serving this database
(from /proc, per backend pid seen in pg_stat_activity), as a share of the wall time (100 % = one
core); lock waits (samples of pg_stat_activity every 0.1 s with ``wait_event_type = 'Lock'`` or
``'LWLock'`` for this database: the mean number of backends waiting); the 1-minute load average.
A Markdown table to stdout and JSON into ``bench/results/``. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import stop_groups  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")

if __name__ != "__main__":
    # Imported by the workers (``bench.task_workers.noop``), where Django is set up. The benchmark's
    # own process inserts the task rows by path and never needs the object: declaring it there would
    # read the settings before the benchmark has chosen its database.
    from django_tasks import task

    @task()
    def noop() -> None:
        """Nothing: the queue's own cost."""


def clk_tck() -> int:
    return os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / clk_tck()


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


class PgSampler(threading.Thread):
    """Backends of our database: their CPU (first and last reading per pid) and lock waits."""

    def __init__(self, admin_dsn: str, dbname: str) -> None:
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(admin_dsn, autocommit=True)
        self.dbname = dbname
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.waiting: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            rows = self.conn.execute(
                "SELECT pid, wait_event_type FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.dbname,)).fetchall()
            waits = 0
            for pid, wait in rows:
                cpu = proc_cpu(pid)
                self.first.setdefault(pid, cpu)
                self.last[pid] = cpu
                waits += wait in ("Lock", "LWLock")
            self.waiting.append(waits)
            self.stop.wait(0.1)

    def result(self) -> tuple[float, float]:
        self.conn.close()
        cpu = sum(self.last[p] - self.first[p] for p in self.last)
        return cpu, (sum(self.waiting) / len(self.waiting) if self.waiting else 0.0)


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEMO_MODE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()


def prepare_database(admin_dsn: str, dbname: str, env: dict) -> None:
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)


def make_outbox(n: int) -> list[int]:
    """One applicant with a phone number, and n pending SMS rows for it."""
    from yiwang.core.models import Applicant, OutboxMessage

    applicant = Applicant.objects.create(kind="person", name="压测", id_number=f"BENCH{uuid.uuid4().hex[:12]}",
                                         phone="13800000000")
    due = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    rows = OutboxMessage.objects.bulk_create([
        OutboxMessage(applicant=applicant, channel="sms", kind="bench", subject="压测", body=f"第 {i} 条",
                      next_attempt_at=due) for i in range(n)])
    return [r.pk for r in rows]


def insert_tasks(kind: str, m: int) -> None:
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    if kind == "noop":
        specs = [("bench.task_workers.noop", {"args": [], "kwargs": {}})] * m
    else:
        specs = [("yiwang.core.tasks.send_notifications", {"args": [[pk]], "kwargs": {}}) for pk in make_outbox(m)]
    DBTaskResult.objects.bulk_create([
        DBTaskResult(status=TaskResultStatus.READY, task_path=path, args_kwargs=args, queue_name="default",
                     backend_name="default", run_after=now, priority=0, exception_class_path="", traceback="")
        for path, args in specs], batch_size=1000)


def unfinished() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()


def start_workers(n: int, env: dict, log: Path) -> list[subprocess.Popen]:
    procs = []
    for i in range(n):
        procs.append(subprocess.Popen(
            [PY, "manage.py", "db_worker", "--queue-name", "*", "--worker-id", f"bench-{n}-{i}", "--interval", "0.05",
             "--no-startup-delay"], cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True))
    return procs


def wait_started(log: Path, n: int, before: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("Starting worker") - before >= n:
            return
        time.sleep(0.5)
    raise SystemExit(f"{n} workers did not start within {timeout} s")


def one_point(kind: str, n: int, m: int, args: argparse.Namespace, env: dict, log: Path) -> dict:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    before = log.read_text(errors="replace").count("Starting worker") if log.exists() else 0
    lock = None
    if args.bench_lock:
        lock = open(args.bench_lock, "a")  # noqa: SIM115 - closed (released) in the finally below
        fcntl.flock(lock, fcntl.LOCK_EX)
    procs = start_workers(n, env, log)
    try:
        wait_started(log, n, before)
        time.sleep(2)  # past the first poll
        sampler = PgSampler(args.admin_dsn, args.dbname)
        load_before = os.getloadavg()[0]
        insert_tasks(kind, m)
        sampler.start()
        workers_cpu0 = sum(proc_cpu(p.pid) for p in procs)
        busy0, total0 = machine_cpu()
        t0 = time.monotonic()
        left = m
        while left and time.monotonic() - t0 < args.limit:
            time.sleep(0.2)
            left = unfinished()
        elapsed = time.monotonic() - t0
        busy1, total1 = machine_cpu()
        workers_cpu = sum(proc_cpu(p.pid) for p in procs) - workers_cpu0
        sampler.stop.set()
        sampler.join()
        cpu, waiting = sampler.result()
        done = m - left
        failed = DBTaskResult.objects.filter(status="FAILED").count()
        return {"kind": kind, "workers": n, "tasks": m, "done": done, "failed": failed, "seconds": round(elapsed, 2),
                "tasks_per_s": round(done / elapsed, 1), "pg_cpu_pct": round(100 * cpu / elapsed, 1),
                "workers_cpu_pct": round(100 * workers_cpu / elapsed, 1),
                "machine_busy_pct": round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
                "lock_waiting_mean": round(waiting, 2), "load1": round((load_before + os.getloadavg()[0]) / 2, 2),
                "timed_out": bool(left)}
    finally:
        stop_groups(procs)
        if lock is not None:
            lock.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", default="1,2,4,8,16")
    p.add_argument("--realistic-workers", default="", help="worker counts for the realistic tasks (default: --workers)")
    p.add_argument("--noop", type=int, default=1500)
    p.add_argument("--realistic", type=int, default=600)
    p.add_argument("--limit", type=float, default=180.0, help="seconds per point before giving up")
    p.add_argument("--admin-dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--dbname", default="crash_bench")
    p.add_argument("--bench-lock", metavar="PATH", help="flock this file around each measured point")
    args = p.parse_args()

    url = f"postgres://postgres@127.0.0.1:5432/{args.dbname}"
    out_dir = ROOT / "var" / "bench" / "task_workers"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "DEMO_MODE": "1", "TASKS_LOG_LEVEL": "INFO", "LOG_LEVEL": "ERROR",
           "YIWANG_VAR_DIR": str(out_dir / "var")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    os.environ["YIWANG_VAR_DIR"] = env["YIWANG_VAR_DIR"]
    prepare_database(args.admin_dsn, args.dbname, env)
    django_setup(url)
    log = out_dir / "workers.log"
    log.write_text("")
    started = dt.datetime.now(dt.UTC)
    results = []
    for kind, m, counts in (("noop", args.noop, args.workers),
                            ("realistic", args.realistic, args.realistic_workers or args.workers)):
        for n in [int(x) for x in counts.split(",")]:
            r = one_point(kind, n, m, args, env, log)
            results.append(r)
            print(json.dumps(r), flush=True)
    print(f"\n{started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores\n")
    print("| task | workers | tasks | tasks/s | PostgreSQL CPU (% of a core) | workers' CPU (% of a core) "
          "| machine busy (% of both cores) | backends waiting on locks (mean) | load1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['kind']} | {r['workers']} | {r['done']}/{r['tasks']} | {r['tasks_per_s']} | {r['pg_cpu_pct']} | "
              f"{r['workers_cpu_pct']} | {r['machine_busy_pct']} | {r['lock_waiting_mean']} | {r['load1']} |")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"task_workers-{started:%Y%m%dT%H%M}.json").write_text(json.dumps(results, indent=1))
    import psycopg

    with psycopg.connect(args.admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.dbname}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
