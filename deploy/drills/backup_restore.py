#!/usr/bin/env python3
"""Backup and point-in-time restore drill (issue #15 item 4; docs/deployment.md "Backups and restore").

Everything runs on this machine, as root, in throwaway PostgreSQL 15 clusters under
``var/backup/drill/`` (ports 5440-5449; never the machine's 5432):

1.  a source cluster on 5440, archiving continuously to an encrypted pgBackRest repository
    (``archive_timeout`` as configured, 60 s by default), with Yiwang migrated and the demo county
    seeded (``seed_demo``), and optionally N bulk cases (``--bulk-cases``) for the large database;
2.  Yiwang (gunicorn, on a unix socket) serving it; a citizen uploads a material through the API and
    applies with it (the signed receipt is generated);
3.  a full base backup (pgBackRest) and a backup of what is outside the database with restic
    (``deploy/backup/files.sh``): the materials, and the keys in a second repository;
4.  applications keep coming through the API for ``--write-seconds``, each acknowledgement logged
    with its time; a point in time is chosen ``--pitr-after`` seconds into that window;
5.  the source is lost (``pg_ctl stop -m immediate``, its data directory and media deleted);
6.  restore A: into a fresh cluster on 5441 to the point in time, files and keys restored by restic,
    Yiwang started on it; RTO = from the start of the restore to the first answer of the restored
    system that serves the pre-backup material with its hash checked. Then ``verify_ledger`` on the
    restored database, and every acknowledgement checked against it: those acknowledged before the
    point exist, those sent after it do not;
7.  restore B: into 5442 to the end of the archive (what a real loss of the whole cluster leaves);
    RPO = the time between the last acknowledged application and the last one the restore holds.

    python deploy/drills/backup_restore.py [--write-seconds 150] [--pitr-after 50]
        [--archive-timeout 60] [--bulk-cases 0] [--bench-lock PATH] [--prep-nice 19] [--keep]

``--bulk-cases`` loads its cases without the three tables' secondary indexes, foreign keys and
unique constraints, rebuilds them, and stops unless every index and constraint of the schema is
as ``migrate`` made it (docs/benchmarks.md, "Ten million cases, measured").

The result is printed as JSON and written to var/backup/result.json. Every cluster and
server it started is stopped at the end, and var/backup/drill/ removed unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DRILL = ROOT / "var" / "backup" / "drill"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
FILES_SH = ROOT / "deploy" / "backup" / "files.sh"
STANZA = "yiwang"
SOURCE_PORT, PITR_PORT, LATEST_PORT = 5440, 5441, 5442
DEMO_PASSWORD = "yiwang2026"  # yiwang.core.demo.DEMO_PASSWORD (the drill runs the demo county)
KEY_FILES = {"YIWANG_SM4_KEYS": "sm4_keys", "YIWANG_BLIND_INDEX_KEY": "blind_index.key",
             "YIWANG_SM2_SIGNING_KEY": "sm2_signing.pem"}
# A one-page PDF (what stage_upload accepts as a .pdf): the material uploaded before the backup.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def log(message: str) -> None:
    print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], *, as_postgres: bool = False, env: dict[str, str] | None = None,
        capture: bool = False, cwd: Path | None = None) -> str:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    done = subprocess.run(cmd, env=env, cwd=cwd or ROOT, text=True, check=False,
                          stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout or ""


# ------------------------------------------------------------------------------------ PostgreSQL


class Cluster:
    def __init__(self, port: int):
        self.port = port
        self.data = DRILL / f"pg{port}"
        self.logfile = DRILL / f"pg{port}.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/yiwang"

    def options(self, extra: str = "") -> str:
        return f"-p {self.port} -k {DRILL / 'run'} -c listen_addresses=127.0.0.1 {extra}".strip()

    def start(self, extra: str = "", wait: bool = True) -> None:
        run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", self.options(extra),
             "-w" if wait else "-W", "-t", "3600", "start"], as_postgres=True)

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], as_postgres=True)

    def sql(self, query: str, db: str = "yiwang") -> str:
        return run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-XAtq",
                    "-v", "ON_ERROR_STOP=1", "-c", query], capture=True).strip()

    def accepts(self) -> bool:
        return subprocess.run([str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                              check=False).returncode == 0


def pgbackrest(*args: str, capture: bool = False) -> str:
    return run(["pgbackrest", f"--config={DRILL / 'pgbackrest.conf'}", f"--stanza={STANZA}", *args],
               as_postgres=True, capture=capture)


def write_pgbackrest_conf(source: Cluster) -> None:
    """The drill's pgBackRest configuration: deploy/backup/pgbackrest-repo.conf's choices, with
    the repository on this machine (in production it is on another host)."""
    conf = DRILL / "pgbackrest.conf"
    conf.write_text(f"""[global]
repo1-path={DRILL / 'repo'}
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass={secrets.token_urlsafe(36)}
repo1-retention-full=2
repo1-bundle=y
compress-type=zst
compress-level=3
process-max=2
start-fast=y
archive-async=y
spool-path={DRILL / 'spool'}
lock-path={DRILL / 'lock'}
log-path={DRILL / 'log'}
log-level-console=warn
log-level-file=info

[{STANZA}]
pg1-path={source.data}
pg1-port={source.port}
pg1-socket-path={DRILL / 'run'}
""")
    conf.chmod(0o600)
    shutil.chown(conf, "postgres", "postgres")


# ------------------------------------------------------------------------------------- Yiwang


def app_env(cluster: Cluster, home: Path, *, key_files: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YIWANG_", "DATABASE_", "MEDIA_"))}
    env.update(DEMO_MODE="1", DATABASE_URL=cluster.url, YIWANG_VAR_DIR=str(home), MEDIA_ROOT=str(home / "media"),
               CONN_MAX_AGE="0", LOG_LEVEL="WARNING")
    if key_files:
        # The restored system reads the keys restored from the key backup, by name: a missing
        # file stops the start instead of generating new demo keys that would not decrypt anything.
        for setting, name in KEY_FILES.items():
            env[f"{setting}_FILE"] = str(home / "keys" / name)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    return run([str(PYTHON), "manage.py", *args], env=env, capture=capture)


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float = 60):
        super().__init__("localhost", timeout=timeout)
        self.path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


APPS: list[App] = []


class App:
    """gunicorn serving Yiwang on a unix socket (no TCP port taken from anybody)."""

    def __init__(self, name: str, env: dict[str, str]):
        self.socket = DRILL / f"{name}.sock"
        self.env = {**env, "GUNICORN_BIND": f"unix:{self.socket}", "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}
        self.logfile = DRILL / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.logfile.open("ab") as out:
            self.proc = subprocess.Popen([str(GUNICORN), "-c", "deploy/gunicorn/gunicorn.conf.py", "yiwang.wsgi"],
                                         cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)
        APPS.append(self)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], bytes]:
        conn = UnixHTTPConnection(self.socket)
        try:
            conn.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, payload: Any = None, token: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        status, _h, raw = self.request(method, path, json.dumps(payload).encode() if payload is not None else None, h)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw[:300]

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.logfile}")
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"not ready after {timeout} s; see {self.logfile}")

    def token(self, username: str) -> str:
        status, data = self.json("POST", "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
        if status != 200:
            raise RuntimeError(f"token for {username}: {status} {data}")
        return data["token"]

    def session_get(self, username: str, path: str) -> tuple[int, dict[str, str], bytes]:
        """GET a site page as ``username`` logged in through the login form (CSRF and all)."""
        status, headers, body = self.request("GET", "/login/")
        cookies = dict(re.findall(r"(csrftoken)=([^;]+)", headers.get("set-cookie", "")))
        form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not cookies or not form_token:
            raise RuntimeError(f"login page: {status}")
        form = f"username={username}&password={DEMO_PASSWORD}&csrfmiddlewaretoken={form_token.group(1).decode()}"
        status, headers, _b = self.request("POST", "/login/", form.encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": "http://localhost/login/"})
        session = re.search(r"sessionid=([^;]+)", headers.get("set-cookie", ""))
        if status != 302 or not session:
            raise RuntimeError(f"login: {status}")
        return self.request("GET", path, headers={"Cookie": f"sessionid={session.group(1)}"})


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "drill" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def candidate_items(app: App, token: str) -> Any:
    """Items the citizen might apply for online with uploads only: (code, a form filled from the
    item's form_schema, the ids of the required materials to upload). The first that accepts an
    application is the drill's."""
    status, page = app.json("GET", "/api/v1/items?limit=200", token=token)
    if status != 200:
        raise RuntimeError(f"items: {status} {page}")
    for summary in page["items"]:
        status, item = app.json("GET", f"/api/v1/items/{summary['code']}", token=token)
        if status != 200:
            continue
        required = [m for m in item["materials"] if m["required"]]
        if any(m["obtained_by"] == "licence" or (m["obtained_by"] == "upload" and "pdf" not in m["formats"])
               for m in required):
            continue
        form: dict[str, Any] = {}
        for field in item.get("form_schema") or []:
            kind = field.get("type", "text")
            if kind == "select":
                form[field["name"]] = (field.get("options") or [""])[0]
            elif kind == "number":
                form[field["name"]] = 35
            elif kind == "date":
                form[field["name"]] = "2026-01-05"
            else:
                form[field["name"]] = "演练"
        yield summary["code"], form, [m["id"] for m in required if m["obtained_by"] == "upload"]


# -------------------------------------------------------------------------------------- the drill


class Writer(threading.Thread):
    """Applications through the API, one after another, each acknowledgement logged with the
    time it was sent and the time its 2xx came back."""

    def __init__(self, app: App, token: str, item: str, form: dict[str, Any], materials: list[int],
                 upload: bytes, seconds: float):
        super().__init__(daemon=True)
        self.app, self.token, self.item, self.form, self.materials = app, token, item, form, materials
        self.upload, self.seconds = upload, seconds
        self.acks: list[dict[str, Any]] = []
        self.errors: list[str] = []

    def apply_once(self, n: int) -> None:
        body, ctype = multipart(f"drill-{n}.pdf", self.upload)
        refs = []
        for material_id in self.materials:
            status, _h, raw = self.app.request("POST", "/api/v1/uploads", body,
                                               {"Content-Type": ctype, "Authorization": f"Bearer {self.token}"})
            if status != 201:
                raise RuntimeError(f"upload {status} {raw[:200]!r}")
            refs.append({"material_id": material_id, "upload_id": json.loads(raw)["id"]})
        key = f"drill-{n}-{uuid.uuid4().hex[:10]}"
        sent = time.time()
        status, case = self.app.json("POST", "/api/v1/applications",
                                     {"item_code": self.item, "form": self.form, "materials": refs},
                                     token=self.token, headers={"Idempotency-Key": key})
        if status not in (200, 201):
            raise RuntimeError(f"apply {status} {case}")
        self.acks.append({"key": key, "case_number": case["number"], "sent": sent, "acked": time.time()})

    def run(self) -> None:
        end = time.monotonic() + self.seconds
        n = 0
        while time.monotonic() < end:
            n += 1
            try:
                self.apply_once(n)
            except (RuntimeError, OSError) as exc:
                self.errors.append(str(exc))
            time.sleep(0.2)


def schema_snapshot(source: Cluster) -> dict[str, list[str]]:
    """Every index and constraint of the public schema, as PostgreSQL would recreate it, and
    whether it is valid: what a freshly migrated database has, to compare after the bulk."""
    indexes = source.sql("""select tablename || ' ' || indexname || ' ' || indexdef || ' valid=' || i.indisvalid
  || ' ready=' || i.indisready from pg_indexes x join pg_class c on c.relname = x.indexname
  join pg_namespace n on n.oid = c.relnamespace and n.nspname = x.schemaname
  join pg_index i on i.indexrelid = c.oid where x.schemaname = 'public' order by 1""")
    constraints = source.sql("""select conrelid::regclass || ' ' || conname || ' ' || contype::text || ' '
  || pg_get_constraintdef(oid) || ' validated=' || convalidated || ' deferrable=' || condeferrable
  || ' deferred=' || condeferred from pg_constraint where connamespace = 'public'::regnamespace order by 1""")
    return {"indexes": indexes.splitlines(), "constraints": constraints.splitlines()}


BULK_TABLES = ("cases_case", "cases_casestep", "core_auditevent")


def drop_secondary(source: Cluster) -> tuple[list[str], list[str]]:
    """Drop the bulk tables' foreign keys, unique constraints and secondary indexes (the primary
    keys stay: other tables' foreign keys reference them, and appending to a sequence's btree is
    cheap). Returns the statements that recreate them, indexes first, then the constraints."""
    tables = ",".join(f"'{t}'::regclass" for t in BULK_TABLES)
    constraints = [line.split("|", 2) for line in source.sql(f"""
select conrelid::regclass || '|' || quote_ident(conname) || '|' || pg_get_constraintdef(oid)
from pg_constraint where conrelid in ({tables}) and contype in ('f', 'u', 'x')
order by contype = 'f', conname""").splitlines()]
    indexes = [line.split("|", 1) for line in source.sql(f"""
select quote_ident(c.relname) || '|' || pg_get_indexdef(i.indexrelid) from pg_index i
join pg_class c on c.oid = i.indexrelid
where i.indrelid in ({tables}) and not i.indisprimary
  and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
order by 1""").splitlines()]
    drop = [f"alter table {t} drop constraint {name}" for t, name, _d in constraints]
    drop += [f"drop index {name}" for name, _d in indexes]
    source.sql(";\n".join(drop))
    # Unique constraints before foreign keys (a foreign key may need a unique key).
    create = [definition for _n, definition in indexes]
    create += [f"alter table {t} add constraint {name} {definition}" for t, name, definition in constraints]
    return create, drop


class Nicer(threading.Thread):
    """While the bulk is prepared: the source's PostgreSQL (postmaster and every backend and
    parallel worker it forked) at ``nice 19`` whenever another benchmark holds the bench lock, at
    ``idle_nice`` when none does; checked every 5 s. The measured part renices everything to 0."""

    def __init__(self, source: Cluster, lock_path: str | None, idle_nice: int):
        super().__init__(daemon=True)
        self.source, self.lock_path, self.idle_nice = source, lock_path, idle_nice
        self.stopping = threading.Event()
        self.held_seconds = 0.0

    def others_hold_lock(self) -> bool:
        if not self.lock_path:
            return False
        with open(self.lock_path, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
            return False

    def run(self) -> None:
        pidfile = self.source.data / "postmaster.pid"
        while not self.stopping.wait(5):
            held = self.others_hold_lock()
            if held:
                self.held_seconds += 5
            try:
                postmaster = pidfile.read_text().split()[0]
            except (OSError, IndexError):
                continue
            children = subprocess.run(["pgrep", "-P", postmaster], capture_output=True, text=True,
                                      check=False).stdout.split()
            subprocess.run(["renice", "-n", str(19 if held else self.idle_nice), "-p", postmaster, *children],
                           capture_output=True, check=False)


def bulk_cases(source: Cluster, n: int) -> dict[str, Any]:
    """N cases copied in SQL from one case the demo seeded, each with that case's steps and audit
    records (a stand-in for a county's years of cases: the backup copies bytes, whatever they say).

    The template is the seeded case whose numbers of steps and of audit records are nearest the
    seed's averages per case, so the bulk keeps the demo's proportions. Materials rows, documents,
    notifications and KPI facts are not copied (see docs/benchmarks.md).

    Loaded the way a bulk import is: the three tables' foreign keys, unique constraints and
    secondary indexes dropped, the rows inserted set-based in chunks of a million, then every
    index rebuilt (``maintenance_work_mem`` raised, a parallel worker) and every constraint added
    back and validated; the caller compares the schema with the one migrate made."""
    t0 = time.perf_counter()

    def columns(table: str, *skip: str) -> list[str]:
        listed = source.sql(f"select string_agg(quote_ident(column_name), ',' order by ordinal_position) from "
                            f"information_schema.columns where table_name='{table}' and column_name not in "
                            f"({','.join(repr(c) for c in skip)})")
        return listed.split(",")

    cols = ",".join(columns("cases_case", "id", "number", "idempotency_key", "submitted_at", "query_code"))
    step_cols = columns("cases_casestep", "id", "case_id", "task_id")
    audit_cols = columns("core_auditevent", "id", "subject_id")
    template, steps, audits = source.sql("""
with per_case as (
  select c.id, (select count(*) from cases_casestep s where s.case_id = c.id) as steps,
         (select count(*) from core_auditevent a where a.subject_type = 'case' and a.subject_id = c.id::text) as audits
  from cases_case c),
avg as (select avg(steps) as s, avg(audits) as a from per_case)
select id, steps, audits from per_case, avg order by abs(steps - avg.s) / greatest(avg.s, 1)
  + abs(audits - avg.a) / greatest(avg.a, 1), id limit 1""").split("|")
    seeded = source.sql("""select count(*) || '|' || (select count(*) from cases_casestep) || '|' ||
  (select count(*) from core_auditevent where subject_type = 'case') from cases_case""").split("|")
    log(f"  bulk template: case {template} with {steps} steps and {audits} audit records "
        f"(seed: {seeded[0]} cases, {seeded[1]} steps, {seeded[2]} case audit records)")
    # The template's rows, apart: once the indexes are gone, finding them in the growing tables
    # would be a full scan per chunk.
    source.sql(f"""
create unlogged table drill_tmpl_step as select * from cases_casestep where case_id = {template};
create unlogged table drill_tmpl_audit as
  select * from core_auditevent where subject_type = 'case' and subject_id = '{template}'""")
    recreate, dropped = drop_secondary(source)
    log(f"  dropped {len(dropped)} foreign keys, unique constraints and indexes of {', '.join(BULK_TABLES)}")
    t_load = time.perf_counter()
    chunk = 1_000_000
    for start in range(0, n, chunk):
        stop = min(n, start + chunk) - 1
        source.sql(f"""
set work_mem = '256MB';
begin;
create temporary table made (id bigint) on commit drop;
with ins as (
  insert into cases_case ({cols}, number, submitted_at, query_code)
  select {cols}, 'BK' || lpad(g::text, 12, '0'), now() - (g % 1000) * interval '1 hour',
         substr(md5(g::text), 1, 8)
  from cases_case c, generate_series({start}, {stop}) g where c.id = {template}
  returning id)
insert into made select id from ins;
insert into cases_casestep ({','.join(step_cols)}, case_id, task_id)
select {', '.join('s.' + c for c in step_cols)}, made.id, 'bulk-' || made.id || '-' || s.id
from made, drill_tmpl_step s;
insert into core_auditevent ({','.join(audit_cols)}, subject_id)
select {', '.join('a.' + c for c in audit_cols)}, made.id::text
from made, drill_tmpl_audit a
order by made.id, a.id;
commit""")
        log(f"  bulk cases: {stop + 1:,} / {n:,} ({time.perf_counter() - t0:.0f} s)")
    source.sql("drop table drill_tmpl_step; drop table drill_tmpl_audit")
    load_s = time.perf_counter() - t_load
    t_index = time.perf_counter()
    for statement in recreate:
        t1 = time.perf_counter()
        source.sql("set maintenance_work_mem = '1GB'; set max_parallel_maintenance_workers = 1;\n" + statement)
        log(f"  {time.perf_counter() - t1:.0f} s: {statement[:110]}")
    index_s = time.perf_counter() - t_index
    t_analyze = time.perf_counter()
    for table in BULK_TABLES:
        source.sql(f"analyze {table}")
    return {"bulk_s": round(time.perf_counter() - t0, 1), "load_s": round(load_s, 1),
            "indexes_and_constraints_s": round(index_s, 1), "recreated": len(recreate),
            "analyze_s": round(time.perf_counter() - t_analyze, 1), "template_case": int(template),
            "steps_per_case": int(steps), "audit_records_per_case": int(audits),
            "seed_cases_steps_case_audit": [int(x) for x in seeded]}


def restic_env(home: Path) -> dict[str, str]:
    return {**os.environ, "MEDIA_REPOSITORY": str(DRILL / "restic-media"),
            "MEDIA_PASSWORD_FILE": str(DRILL / "secrets" / "media.pass"),
            "KEYS_REPOSITORY": str(DRILL / "restic-keys"), "KEYS_PASSWORD_FILE": str(DRILL / "secrets" / "keys.pass"),
            "MEDIA_ROOT": ".", "KEY_PATHS": "keys"}


def files_backup(home: Path) -> float:
    t0 = time.perf_counter()
    env = restic_env(home)
    env["MEDIA_ROOT"] = "media"
    run(["bash", str(FILES_SH), "media"], env=env, cwd=home)
    run(["bash", str(FILES_SH), "keys"], env=env, cwd=home)
    return time.perf_counter() - t0


def files_restore(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    env = restic_env(home)
    run(["bash", str(FILES_SH), "restore-media", str(home)], env=env, cwd=home)
    run(["bash", str(FILES_SH), "restore-keys", str(home)], env=env, cwd=home)


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def restore(target: Cluster, home: Path, name: str, recovery: list[str], material: dict[str, Any],
            document: dict[str, Any]) -> tuple[dict[str, Any], App]:
    """Restore the database (pgBackRest) and the files (restic), start Yiwang on them, and time it
    until the restored system serves the material and the receipt uploaded before the backup."""
    shutil.rmtree(target.data, ignore_errors=True)
    t0 = time.perf_counter()
    # The files restore runs beside the database restore (different disks and tools in production).
    files = threading.Thread(target=files_restore, args=(home,))
    files.start()
    pgbackrest("restore", f"--pg1-path={target.data}", "--archive-mode=off", *recovery)
    t_db_files = time.perf_counter() - t0
    # Archiving stays off in the drill's restored clusters (a real restore keeps it on, on a new
    # timeline): restore B must not follow restore A's timeline.
    target.start("-c archive_mode=off")
    while target.sql("select pg_is_in_recovery()", db="postgres") == "t":
        time.sleep(0.2)
    t_db = time.perf_counter() - t0
    files.join()
    app = App(name, app_env(target, home, key_files=True))
    app.start()
    app.wait_ready()
    t_ready = time.perf_counter() - t0
    status, headers, body = app.session_get("citizen", f"/materials/{material['id']}/")
    material_ok = status == 200 and hashlib.sha256(body).hexdigest() == material["sha256"]
    token = app.token("citizen")
    status, headers, body = app.request("GET", document["url"], headers={"Authorization": f"Bearer {token}"})
    document_ok = (status == 200 and hashlib.sha256(body).hexdigest() == document["sha256"]
                   == headers.get("x-content-sha256"))
    t_serving = time.perf_counter() - t0
    return {"restore_files_s": round(t_db_files, 1), "recovered_s": round(t_db, 1),
            "ready_s": round(t_ready, 1), "rto_s": round(t_serving, 1),
            "material_served_hash_ok": material_ok, "receipt_served_hash_ok": document_ok,
            "load_average": load_average()}, app


def check_ledger(env: dict[str, str], pull: bool = True) -> dict[str, Any]:
    """verify_ledger on the restored database; then the audit events the restore holds beyond the
    last signed head are published (signed with the restored SM2 key) and verified again."""
    found: dict[str, Any] = {}
    for label in ("verify_ledger", "after_publish") if pull else ("verify_ledger",):
        if label == "after_publish":
            found["published"] = manage(env, "publish_tree_head", "--pull", capture=True).splitlines()[0]
        t0 = time.perf_counter()
        text = manage(env, "verify_ledger", "--json", capture=True)
        report, _end = json.JSONDecoder().raw_decode(text[text.index("{"):])
        found[label] = {k: report[k] for k in ("ok", "entries_checked", "tree_heads_checked", "problem_count")}
        found[label]["seconds"] = round(time.perf_counter() - t0, 1)
    return found


class Publisher(threading.Thread):
    """The cron job ``publish_tree_head --pull`` (every few minutes in production), every 20 s here."""

    def __init__(self, env: dict[str, str], seconds: float, pull: bool = True):
        super().__init__(daemon=True)
        self.env, self.seconds, self.heads, self.pull = env, seconds, 0, pull
        self.errors: list[str] = []

    def run(self) -> None:
        end = time.monotonic() + self.seconds
        while time.monotonic() + 20 < end:
            time.sleep(20)
            try:
                manage(self.env, "publish_tree_head", *(["--pull"] if self.pull else []), capture=True)
                self.heads += 1
            except RuntimeError as exc:
                self.errors.append(str(exc)[-300:])


def present_numbers(cluster: Cluster, numbers: list[str]) -> set[str]:
    if not numbers:
        return set()
    listed = ",".join("'" + n.replace("'", "") + "'" for n in numbers)
    out = cluster.sql(f"select number from cases_case where number in ({listed})")
    return set(out.split()) if out else set()


def drill(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "archive_timeout_s": args.archive_timeout, "bulk_cases": args.bulk_cases,
                              "load_average_start": load_average()}
    for sub in ("run", "spool", "lock", "log", "repo", "secrets"):
        (DRILL / sub).mkdir(parents=True, exist_ok=True)
    run(["chown", "-R", "postgres:postgres", str(DRILL)])
    (DRILL / "secrets").chmod(0o700)
    for name in ("media.pass", "keys.pass"):
        (DRILL / "secrets" / name).write_text(secrets.token_urlsafe(32))
    run(["bash", str(FILES_SH), "init"], env=restic_env(DRILL))
    source = Cluster(SOURCE_PORT)
    write_pgbackrest_conf(source)
    run([str(PG_BIN / "initdb"), "-D", str(source.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
         "--locale=C.UTF-8"], as_postgres=True, capture=True)
    archive = f"pgbackrest --config={DRILL / 'pgbackrest.conf'} --stanza={STANZA} archive-push %p"
    with (source.data / "postgresql.auto.conf").open("a") as conf:
        conf.write(f"archive_mode = on\narchive_command = '{archive}'\narchive_timeout = {args.archive_timeout}\n"
                   "wal_level = replica\nmax_wal_size = 4GB\ncheckpoint_timeout = 15min\n")
    source.start()
    source.sql("create database yiwang", db="postgres")
    pgbackrest("stanza-create")

    src_home = DRILL / "app-src"
    env = app_env(source, src_home, key_files=False)
    t0 = time.perf_counter()
    cache = DRILL.parent / "seed-cache"
    if args.reuse_seed and (cache / "yiwang.dump").exists():
        # A drill's seeded county (database, keys, media) kept from an earlier run: for
        # iterating on the drill only; the recorded runs seed afresh.
        run(["pg_restore", "-h", "127.0.0.1", "-p", str(source.port), "-U", "postgres", "-d", "yiwang",
             "--no-owner", str(cache / "yiwang.dump")])
        shutil.copytree(cache / "app-src", src_home)
        result["seed"] = "reused from var/backup/seed-cache"
    else:
        manage(env, "migrate", "-v", "0")
        manage(env, "seed_demo", "-v", "0")
        if args.reuse_seed:
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir(parents=True)
            run(["pg_dump", "-h", "127.0.0.1", "-p", str(source.port), "-U", "postgres", "-Fc", "-f",
                 str(cache / "yiwang.dump"), "yiwang"])
            shutil.copytree(src_home, cache / "app-src")
        result["seed"] = "migrate + seed_demo"
    result["seed_s"] = round(time.perf_counter() - t0, 1)
    log(f"migrated and seeded in {result['seed_s']} s")
    if args.bulk_cases:
        # The bulk's WAL is not archived: the full backup taken after it holds every row, and a
        # restore never replays WAL from before its backup. (Archiving it would spend this shared
        # machine's CPU compressing and encrypting gigabytes no restore reads.)
        archive_command = source.sql("show archive_command", db="postgres")
        source.sql("alter system set archive_command = '/bin/true'", db="postgres")
        source.sql("select pg_reload_conf()", db="postgres")
        migrated = schema_snapshot(source)
        nicer = Nicer(source, args.bench_lock, args.prep_nice)
        nicer.start()
        try:
            result["bulk"] = bulk_cases(source, args.bulk_cases)
        finally:
            nicer.stopping.set()
            nicer.join()
        result["bulk"]["other_benchmark_held_lock_s"] = nicer.held_seconds
        # The same schema as migrate made: every index and constraint back, valid and ready.
        after = schema_snapshot(source)
        if after != migrated:
            diff = {k: sorted(set(migrated[k]) ^ set(after[k]))[:10] for k in after}
            raise RuntimeError(f"the bulk changed the schema: {diff}")
        result["bulk"]["schema_as_migrated"] = {k: len(v) for k, v in after.items()}
        source.sql(f"alter system set archive_command = '{archive_command}'", db="postgres")
        source.sql("select pg_reload_conf()", db="postgres")
        source.sql("select pg_switch_wal()", db="postgres")
        log(f"bulk: {result['bulk']}")
        # The bulk's audit records are left out of the ledger: pulling millions of them (hashing each
        # into the Merkle log, ≈ 5,000–14,000/s) did not fit the time; the ledger's bytes per entry
        # are measured instead and added in the extrapolation (docs/benchmarks.md).
        result["bulk"]["ledger_bytes_per_entry"] = round(int(source.sql(
            "select pg_total_relation_size('ledger_ledgerentry') + pg_total_relation_size('ledger_ledgernode')"))
            / max(1, int(source.sql("select count(*) from ledger_ledgerentry"))))
    result["cases_in_source"] = int(source.sql("select count(*) from cases_case"))
    result["database_bytes"] = int(source.sql("select pg_database_size('yiwang')"))
    result["rows"] = {t: int(source.sql(f"select count(*) from {t}")) for t in
                      ("cases_case", "cases_casestep", "core_auditevent", "ledger_ledgerentry")}

    app = App("app-src", env)
    app.start()
    app.wait_ready()
    token = app.token("citizen")
    body, ctype = multipart("营业执照扫描件.pdf", PDF)

    def upload() -> dict[str, Any]:
        status, _h, raw = app.request("POST", "/api/v1/uploads", body,
                                      {"Content-Type": ctype, "Authorization": f"Bearer {token}"})
        if status != 201:
            raise RuntimeError(f"upload: {status} {raw[:300]!r}")
        return json.loads(raw)

    material = upload()  # the material that must come back after the restore
    tried = []
    for item, form, materials in candidate_items(app, token):
        if not materials:
            continue
        refs = [{"material_id": materials[0], "upload_id": material["id"]}]
        refs += [{"material_id": m, "upload_id": upload()["id"]} for m in materials[1:]]
        status, case = app.json("POST", "/api/v1/applications", {"item_code": item, "form": form, "materials": refs},
                                token=token, headers={"Idempotency-Key": f"drill-first-{uuid.uuid4().hex[:8]}"})
        if status == 201:
            break
        tried.append(f"{item}: {status} {str(case)[:120]}")
    else:
        raise RuntimeError(f"no item accepted the citizen's application: {tried[:5]}")
    result["item"] = item
    # The window accepts it (综合窗口, the demo's clerk): the signed receipt (受理回执) is made.
    status, accepted = app.json("POST", f"/api/v1/cases/{case['number']}/accept", {"acknowledge_findings": True},
                                token=app.token("clerk"))
    if status != 200:
        raise RuntimeError(f"accept {case['number']}: {status} {accepted}")
    status, detail = app.json("GET", f"/api/v1/cases/{case['number']}", token=token)
    documents = detail.get("documents", []) if isinstance(detail, dict) else []
    if status != 200 or not documents:
        raise RuntimeError(f"no signed receipt for {case['number']}: {status} {detail}")
    document = documents[0]
    result["material"] = {"id": material["id"], "sha256": material["sha256"], "case": case["number"],
                          "receipt": document["url"]}
    log(f"material {material['id']} uploaded, case {case['number']} with its receipt")

    if args.bench_lock:
        # The preparation above is not measured; from the base backup on, everything is.
        log(f"waiting for {args.bench_lock}")
        lock = open(args.bench_lock, "a")  # noqa: SIM115 - held until the process exits
        fcntl.flock(lock, fcntl.LOCK_EX)
        result["bench_lock_acquired"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        result["load_average_at_lock"] = load_average()
        log("lock acquired")
    # Preparation may run under `nice -n 19` (not to slow other work); the measured part does not.
    # The postmasters match the drill's path; their children (checkpointer, archiver and its
    # archive-push, backends) do not, and keep the niceness they were forked with: renice them too.
    drill_pids = subprocess.run(["pgrep", "-f", str(DRILL)], capture_output=True, text=True, check=False).stdout.split()
    children = [c for pid in drill_pids for c in subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True,
                                                                check=False).stdout.split()]
    subprocess.run(["renice", "-n", "0", "-p", str(os.getpid()), *drill_pids, *children], capture_output=True,
                   check=False)

    # --------------------------------------------------------------------- base backup, files
    t0 = time.perf_counter()
    pgbackrest("--type=full", "backup")
    result["backup_full_s"] = round(time.perf_counter() - t0, 1)
    info = json.loads(pgbackrest("info", "--output=json", capture=True))
    last = info[0]["backup"][-1]
    result["backup_repo_bytes"] = last["info"]["repository"]["delta"]
    result["backup_db_bytes"] = last["info"]["size"]
    result["backup_load_average"] = load_average()
    result["files_backup_s"] = round(files_backup(src_home), 1)
    result["media_bytes"] = dir_bytes(src_home / "media")
    log(f"full backup in {result['backup_full_s']} s, files in {result['files_backup_s']} s")

    # ------------------------------------------------------------------- writes, point in time
    writer = Writer(app, token, item, form, materials, PDF, args.write_seconds)
    writer.start()
    publisher = Publisher(env, args.write_seconds, pull=not args.bulk_cases)
    publisher.start()
    time.sleep(args.pitr_after)
    pitr = time.time()
    log(f"point in time: {dt.datetime.fromtimestamp(pitr, dt.UTC).isoformat()}")
    writer.join()
    loss = time.time()
    publisher.join()
    result["writes"] = {"acked": len(writer.acks), "errors": writer.errors[:5], "error_count": len(writer.errors),
                        "tree_heads_published": publisher.heads, "publish_errors": publisher.errors[:3]}
    if not writer.acks:
        raise RuntimeError(f"no application acknowledged: {writer.errors[:3]}")
    # The whole source is lost: PostgreSQL dies at once (WAL not yet archived goes with it),
    # its data directory, the application's media and keys are gone.
    app.stop()
    source.stop("immediate")
    result["last_ack_before_loss_s"] = round(loss - writer.acks[-1]["acked"], 2)
    shutil.rmtree(source.data)
    shutil.rmtree(src_home)
    (DRILL / "acks.jsonl").write_text("".join(json.dumps(a) + "\n" for a in writer.acks))

    # ------------------------------------------------------------------ restore A: point in time
    target = Cluster(PITR_PORT)
    stamp = dt.datetime.fromtimestamp(pitr, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")
    log("restore A: to the point in time")
    measured, restored = restore(target, DRILL / "app-pitr", "app-pitr",
                                 ["--type=time", f"--target={stamp}", "--target-action=promote"],
                                 result["material"], document)
    result["restore_pitr"] = measured
    result["restore_pitr"]["ledger"] = check_ledger(app_env(target, DRILL / "app-pitr", key_files=True),
                                                    pull=not args.bulk_cases)
    before = [a["case_number"] for a in writer.acks if a["acked"] < pitr]
    after = [a["case_number"] for a in writer.acks if a["sent"] > pitr]
    straddling = [a["case_number"] for a in writer.acks if a["sent"] <= pitr <= a["acked"]]
    present = present_numbers(target, before + after + straddling)
    result["restore_pitr"].update({
        "acked_before_point": len(before), "of_which_present": len(present & set(before)),
        "sent_after_point": len(after), "of_which_present_after": len(present & set(after)),
        "straddling_point": len(straddling), "straddling_present": len(present & set(straddling)),
        "material_case_present": case["number"] in present_numbers(target, [case["number"]]),
    })
    restored.stop()
    target.stop()
    # Restore A's copy goes before restore B makes another (the disk holds one large copy at a time).
    shutil.rmtree(target.data)
    log(f"restore A: {result['restore_pitr']}")

    # -------------------------------------------------------------------- restore B: latest (RPO)
    target_b = Cluster(LATEST_PORT)
    log("restore B: to the end of the archive")
    measured, restored = restore(target_b, DRILL / "app-latest", "app-latest", ["--type=default"],
                                 result["material"], document)
    numbers = [a["case_number"] for a in writer.acks]
    present = present_numbers(target_b, numbers)
    held = [a for a in writer.acks if a["case_number"] in present]
    lost = [a for a in writer.acks if a["case_number"] not in present]
    measured.update({
        "acked": len(numbers), "present": len(held), "lost": len(lost),
        # RPO: the acknowledged work the restore does not hold, as time (lost commits span it)
        "rpo_s": round(writer.acks[-1]["acked"] - held[-1]["acked"], 1) if held and lost else 0.0,
        "lost_are_the_newest": all(a["acked"] >= h["acked"] for a in lost for h in held),
    })
    result["restore_latest"] = measured
    restored.stop()
    target_b.stop()
    log(f"restore B: {measured}")
    result["load_average_end"] = load_average()
    return result


def cleanup(keep: bool) -> None:
    for app in APPS:
        app.stop()
    for port in (SOURCE_PORT, PITR_PORT, LATEST_PORT):
        try:
            Cluster(port).stop("immediate")
        except RuntimeError as exc:
            log(f"stop {port}: {exc}")
    if not keep:
        shutil.rmtree(DRILL, ignore_errors=True)


def install_missing_tools() -> None:
    """pgBackRest and restic from Debian where missing, as deploy/cluster/db.sh installs its tools: a
    fresh machine (or one just rebooted from an image) has neither."""
    missing = [package for package, binary in (("pgbackrest", "pgbackrest"), ("restic", "restic"))
               if shutil.which(binary) is None]
    if missing:
        print(f"installing {' '.join(missing)} from Debian", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=600", *missing], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-seconds", type=float, default=150)
    parser.add_argument("--pitr-after", type=float, default=50)
    parser.add_argument("--archive-timeout", type=int, default=60)
    parser.add_argument("--bulk-cases", type=int, default=0)
    parser.add_argument("--reuse-seed", action="store_true",
                        help="keep the seeded county in var/backup/seed-cache/ and reuse it next time (iterating)")
    parser.add_argument("--bench-lock", metavar="PATH",
                        help="take this lock (flock) before the base backup and hold it to the end, so that the "
                             "measured part never overlaps another benchmark (e.g. /tmp/yiwang-bench.lock)")
    parser.add_argument("--prep-nice", type=int, default=19, metavar="N",
                        help="niceness of the source's PostgreSQL during the bulk when no other benchmark holds "
                             "--bench-lock (19 whenever one does)")
    parser.add_argument("--keep", action="store_true", help="leave var/backup/drill/ (stopped) for inspection")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (PostgreSQL runs as the postgres user through runuser)")
    install_missing_tools()
    for port in (SOURCE_PORT, PITR_PORT, LATEST_PORT):
        if Cluster(port).accepts():
            sys.exit(f"port {port} is in use: another drill is running")
    cleanup(keep=False)
    DRILL.mkdir(parents=True)
    try:
        result = drill(args)
        (DRILL.parent / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(json.dumps(result, indent=2, ensure_ascii=False))
    finally:
        cleanup(args.keep)


if __name__ == "__main__":
    main()
