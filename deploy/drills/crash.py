#!/usr/bin/env python3
"""Crash drills: ``kill -9`` an application server, then a task worker, in the middle of load.

    DEMO_MODE=1 .venv/bin/python deploy/drills/crash.py app    [--runs 2] [--duration 45]
    DEMO_MODE=1 .venv/bin/python deploy/drills/crash.py worker [--runs 2] [--duration 40]

Own processes on loopback (ports 8201–8203), everything under ``var/cluster/crash/``: two gunicorn
servers from ``deploy/gunicorn/gunicorn.conf.py`` (8201, 8202; 2 workers × 8 threads each), an nginx
edge on 8203 in front of them (Debian's nginx; upstream with ``proxy_next_upstream error``), two
``db_worker`` processes; MEDIA_ROOT is ``--media-root`` (default ``var/media``, where ``seed_demo``
wrote the demo's files). The database is ``--database-url`` (default: the machine's PostgreSQL,
database ``crash``, which must hold the demo data: ``migrate`` and ``seed_demo``).

``app``: ``submitter.py`` drives submissions (two uploaded PDFs each, then the application with an
Idempotency-Key) through the edge; at 25 % of the run the whole server 8201 (master and workers) is
killed with SIGKILL, at 50 % it is started again, at 70 % one worker process of 8202 is killed
(its master replaces it).

``worker``: the same load, plus the clerk accepting every acknowledged case through the API (each
acceptance writes notices into the outbox, which no task carries since outbox15: the drill runs no
sender, its runbook's ``send_notifications`` pass sends them; each upload queues an OCR pre-review
task). At 30 % the worker holding a RUNNING task is killed with SIGKILL; at 55 % a new worker starts
in its place. Then the runbook: ``requeue_stale_tasks --worker <dead id>``, and
``send_notifications`` (the cron job) every few seconds until the outbox is empty.

After each run: the queue must drain, then ``check_integrity.py`` holds the database to the ack
log. A JSON report per run goes to ``var/cluster/crash/`` and a summary line to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.harness import stop_groups  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
DRILLS = ROOT / "deploy" / "drills"
ITEM = "330999-01-01006-000"  # demo: 个体工商户变更登记, two required PDF materials, citizen may apply online
MATERIALS = "23,24"
FORM = {"registration_number": "92330999MA0000000X", "change_items": "名称", "change_after": "青禾小馆",
        "contact_phone": "13800000000"}
EDGE = 8203
SERVERS = (8201, 8202)

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/nginx.error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_body_temp_path {run}/nginx-body; proxy_temp_path {run}/nginx-proxy;
  fastcgi_temp_path {run}/nginx-fcgi; uwsgi_temp_path {run}/nginx-uwsgi; scgi_temp_path {run}/nginx-scgi;
  client_max_body_size 25m;
  upstream yiwang {{
    server 127.0.0.1:{a} max_fails=1 fail_timeout=3s;
    server 127.0.0.1:{b} max_fails=1 fail_timeout=3s;
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{edge};
    location / {{
      proxy_pass http://yiwang;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      # a request nginx could not deliver goes to the other server; a POST already sent is not
      # resent by nginx (non_idempotent off): the client retries it with its Idempotency-Key
      proxy_next_upstream error timeout http_502;
      proxy_read_timeout 65s;
    }}
  }}
}}
"""


class Topology:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.run = ROOT / "var" / "cluster" / "crash"
        self.run.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "DEMO_MODE": "1", "DATABASE_URL": args.database_url,
                    "MEDIA_ROOT": str(Path(args.media_root).resolve()), "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "8",
                    "GUNICORN_MAX_REQUESTS": "0", "LOG_LEVEL": "ERROR", "TASKS_LOG_LEVEL": "WARNING",
                    "NOTIFY_LEASE_SECONDS": str(args.lease), "PYTHONUNBUFFERED": "1"}
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.servers: dict[int, subprocess.Popen] = {}
        self.workers: dict[str, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None

    def _log(self, name: str):  # noqa: ANN202
        return open(self.run / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child

    def start_server(self, port: int) -> None:
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.servers[port] = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn" / "gunicorn.conf.py"),
             "yiwang.wsgi"], cwd=ROOT, env=env, stdout=self._log(f"gunicorn-{port}"), stderr=subprocess.STDOUT,
            start_new_session=True)

    def start_worker(self, worker_id: str) -> None:
        self.workers[worker_id] = subprocess.Popen(
            [PY, "manage.py", "db_worker", "--queue-name", "*", "--worker-id", worker_id, "--interval", "0.2"],
            cwd=ROOT, env=self.env, stdout=self._log(f"worker-{worker_id}"), stderr=subprocess.STDOUT,
            start_new_session=True)

    def start_nginx(self) -> None:
        conf = self.run / "nginx.conf"
        conf.write_text(NGINX_CONF.format(run=self.run, a=SERVERS[0], b=SERVERS[1], edge=EDGE), encoding="utf-8")
        self.nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", str(conf), "-p", str(self.run)], cwd=self.run,
                                      stdout=self._log("nginx"), stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, port: int, timeout: float = 120) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"nothing answers on {port} after {timeout} s (see {self.run})")

    def kill_server(self, port: int) -> None:
        """SIGKILL the server's master and every worker (its process group): a crashed host."""
        os.killpg(self.servers[port].pid, signal.SIGKILL)
        self.servers[port].wait()

    def kill_one_server_worker(self, port: int) -> int:
        children = subprocess.run(["pgrep", "-P", str(self.servers[port].pid)], capture_output=True, text=True,
                                  check=False).stdout.split()
        pid = int(children[0])
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_worker(self, worker_id: str) -> None:
        os.killpg(self.workers[worker_id].pid, signal.SIGKILL)
        self.workers[worker_id].wait()

    def up(self) -> None:
        for port in SERVERS:
            self.start_server(port)
        self.start_nginx()
        for port in (*SERVERS, EDGE):
            self.wait_ready(port)
        self.start_worker("w1")
        self.start_worker("w2")

    def down(self) -> None:
        stop_groups([*self.servers.values(), *self.workers.values(), *([self.nginx] if self.nginx else [])])


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while a run lasts."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self.stop.wait(5)

    def summary(self) -> dict[str, float]:
        s = self.samples or [os.getloadavg()[0]]
        return {"load1_mean": round(sum(s) / len(s), 2), "load1_max": round(max(s), 2)}


def queue_counts() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    return dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))


def wait_running_task_of(worker_id: str, until: float) -> tuple[str, str] | None:
    """Poll (a dedicated connection, every few ms) until ``worker_id`` is running a task; tasks of
    a few milliseconds are missed by a slower poll."""
    from django.db import connection

    sql = ("SELECT id::text, task_path FROM django_tasks_database_dbtaskresult "
           "WHERE status = 'RUNNING' AND worker_ids ->> -1 = %s LIMIT 1")
    with connection.cursor() as cursor:
        while time.monotonic() < until:
            cursor.execute(sql, [worker_id])
            row = cursor.fetchone()
            if row is not None:
                return row[0], row[1]
            time.sleep(0.003)
    return None


def manage(topo: Topology, *argv: str) -> str:
    out = subprocess.run([PY, "manage.py", *argv], cwd=ROOT, env=topo.env, capture_output=True, text=True, check=False)
    return (out.stdout + out.stderr).strip()


def drain(topo: Topology, *, timeout: float, cron: bool) -> tuple[float, dict]:
    """Wait until no task is READY or RUNNING and (with ``cron``) no outbox row pending, running the
    send_notifications cron job every 5 s as cron would every minute."""
    from yiwang.core.models import OutboxMessage

    started = time.monotonic()
    last_cron = 0.0
    while time.monotonic() - started < timeout:
        counts = queue_counts()
        pending = OutboxMessage.objects.filter(status="pending").count()
        live = counts.get("READY", 0) + counts.get("RUNNING", 0)
        if live == 0 and (not cron or pending == 0):
            return time.monotonic() - started, {"queue": counts, "outbox_pending": pending}
        if cron and time.monotonic() - last_cron > 5:
            manage(topo, "send_notifications")
            last_cron = time.monotonic()
        time.sleep(1)
    return time.monotonic() - started, {"queue": queue_counts(), "outbox_pending":
                                        OutboxMessage.objects.filter(status="pending").count(), "timed_out": True}


class Acceptor(threading.Thread):
    """The clerk accepts every acknowledged case (through the edge), so notices are written."""

    def __init__(self, ack_log: Path, stop_at: float) -> None:
        super().__init__(daemon=True)
        self.ack_log, self.stop_at = ack_log, stop_at
        self.accepted: set[str] = set()
        self.errors = 0

    def _post(self, path: str, body: dict, token: str = "") -> tuple[int, dict]:
        req = urllib.request.Request(f"http://127.0.0.1:{EDGE}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, {}
        except OSError:
            return 0, {}

    def run(self) -> None:
        status, body = self._post("/api/v1/auth/token", {"username": "clerk", "password": "yiwang2026"})
        token = body.get("token", "")
        while time.monotonic() < self.stop_at + 5:
            numbers = []
            if self.ack_log.exists():
                for line in self.ack_log.read_text(encoding="utf-8").splitlines():
                    try:
                        numbers.append(json.loads(line)["case_number"])
                    except (ValueError, KeyError):
                        continue
            for number in numbers:
                if number in self.accepted:
                    continue
                status, _ = self._post(f"/api/v1/cases/{number}/accept", {"acknowledge_findings": True}, token)
                if status == 200 or status == 409:  # 409: accepted already (a retry after a lost answer)
                    self.accepted.add(number)
                else:
                    self.errors += 1
            time.sleep(0.5)


def sms_lines(path: Path, offset: int) -> list[dict]:
    if not path.exists():
        return []
    with path.open("rb") as fh:
        fh.seek(offset)
        return [json.loads(line) for line in fh.read().decode("utf-8").splitlines() if line.strip()]


def one_run(kind: str, n: int, topo: Topology, args: argparse.Namespace) -> dict:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    ack_log = topo.run / f"acks-{kind}-{stamp}.jsonl"
    sms = ROOT / "var" / "notify" / "sms.log"
    sms_offset = sms.stat().st_size if sms.exists() else 0
    sampler = LoadSampler()
    sampler.start()
    events: list[dict] = []
    t0 = time.monotonic()

    def at(fraction: float) -> None:
        time.sleep(max(0.0, t0 + fraction * args.duration - time.monotonic()))

    def note(what: str, **extra: object) -> None:
        events.append({"t": round(time.monotonic() - t0, 2), "event": what, **extra})
        print(f"  [{events[-1]['t']:6.1f}s] {what} {extra or ''}", flush=True)

    summary_file = topo.run / f"submitter-{kind}-{stamp}.json"
    submitter = subprocess.Popen(
        [sys.executable, str(DRILLS / "submitter.py"), "--base-url", f"http://127.0.0.1:{EDGE}", "--item", ITEM,
         "--material-id", MATERIALS, "--form", json.dumps(FORM), "--threads", str(args.threads),
         "--duration", str(args.duration), "--ack-log", str(ack_log), "--summary", str(summary_file),
         "--key-prefix", f"{kind}-{stamp}"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=topo._log("submitter"))
    acceptor = None
    if kind == "worker":
        acceptor = Acceptor(ack_log, t0 + args.duration)
        acceptor.start()
    killed_task = None
    if kind == "app":
        at(0.25)
        topo.kill_server(SERVERS[0])
        note("kill -9 server 8201 (master and workers)")
        at(0.5)
        topo.start_server(SERVERS[0])
        note("server 8201 starting")
        ready = threading.Thread(target=lambda: note("server 8201 ready", after_s=round(
            topo.wait_ready(SERVERS[0]), 1)), daemon=True)
        ready.start()  # a loaded machine takes tens of seconds: the next kill does not wait for it
        at(0.7)
        note("kill -9 one worker process of 8202", pid=topo.kill_one_server_worker(SERVERS[1]))
        ready.join()
    else:
        victim = sorted(topo.workers)[0]
        at(0.3)
        task = wait_running_task_of(victim, t0 + 0.8 * args.duration)
        topo.kill_worker(victim)
        topo.workers.pop(victim)
        killed_task = task
        note(f"kill -9 task worker {victim}", running_task=task)
        at(0.55)  # (at once if the wait for a running task took longer)
        topo.start_worker(f"w{n}-restarted")
        note(f"task worker w{n}-restarted started")
    submitter.wait()
    note("load ended")
    if acceptor is not None:
        acceptor.join(timeout=120)
        note("acceptor ended", accepted=len(acceptor.accepted), errors=acceptor.errors)
    if kind == "worker":
        note(f"runbook: requeue_stale_tasks --worker {victim}",
             out=manage(topo, "requeue_stale_tasks", "--worker", victim))
    drained_s, state = drain(topo, timeout=args.drain_timeout, cron=kind == "worker")
    note("queue drained", after_s=round(drained_s, 1), **state)
    check_json = topo.run / f"check-{kind}-{stamp}.json"
    check = subprocess.run([PY, str(DRILLS / "check_integrity.py"), "--ack-log", str(ack_log), "--stuck-after",
                            str(args.stuck_after), "--json", str(check_json)], cwd=ROOT, env=topo.env,
                           capture_output=True, text=True, check=False)
    sampler.stop.set()
    print(check.stdout, end="")
    report = {"kind": kind, "run": n, "started": stamp, "duration_s": args.duration, "threads": args.threads,
              "events": events, "submitter": json.loads(summary_file.read_text()) if summary_file.exists() else None,
              "check_exit": check.returncode, "check": json.loads(check_json.read_text()) if check_json.exists() else None,
              "load": sampler.summary(), "killed_task": killed_task}
    if kind == "worker":
        from yiwang.core.models import OutboxMessage

        numbers = {json.loads(line)["case_number"] for line in ack_log.read_text(encoding="utf-8").splitlines() if line}
        rows = OutboxMessage.objects.filter(case_number__in=numbers, channel="sms")
        lines = [x for x in sms_lines(sms, sms_offset) if any(num in x["body"] for num in numbers)]
        distinct = {(x["to"], x["subject"], x["body"]) for x in lines}
        report["notifications"] = {
            "sms_rows": rows.count(), "sms_rows_sent": rows.filter(status="sent").count(),
            "sms_rows_by_status": dict(__import__("collections").Counter(rows.values_list("status", flat=True))),
            "sms_lines_written": len(lines), "sms_distinct_messages": len(distinct),
            "duplicates": len(lines) - len(distinct)}
    out = topo.run / f"report-{kind}-{stamp}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    sub = report["submitter"] or {}
    print(f"RUN {kind} #{n}: acknowledged {sub.get('acknowledged')}, retries "
          f"{ {k: v for k, v in (sub.get('counts') or {}).items() if 'retry' in k} }, longest retry span "
          f"{sub.get('longest_retry_span_s')} s, check exit {check.returncode}, load {report['load']}"
          + (f", notifications {report['notifications']}" if kind == "worker" else "") + f" → {out}", flush=True)
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kind", choices=["app", "worker"])
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--duration", type=float, default=45.0)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--database-url", default=os.environ.get("CRASH_DATABASE_URL",
                                                            "postgres://postgres@127.0.0.1:5432/crash"))
    p.add_argument("--media-root", default=os.environ.get("MEDIA_ROOT", str(ROOT / "var" / "media")),
                   help="MEDIA_ROOT the database's files are under (default: where seed_demo put them)")
    p.add_argument("--lease", type=int, default=15, help="NOTIFY_LEASE_SECONDS for the drill (production: 300)")
    p.add_argument("--drain-timeout", type=float, default=600.0)
    p.add_argument("--stuck-after", type=float, default=120.0)
    args = p.parse_args(argv)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DEMO_MODE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()
    topo = Topology(args)
    failures = 0
    try:
        topo.up()
        waited, state = drain(topo, timeout=args.drain_timeout, cron=False)
        print(f"queue drained before the drill in {waited:.0f} s: {state}", flush=True)
        for n in range(1, args.runs + 1):
            report = one_run(args.kind, n, topo, args)
            failures += report["check_exit"] != 0
    finally:
        topo.down()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
