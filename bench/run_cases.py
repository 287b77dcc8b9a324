#!/usr/bin/env python
"""Cases benchmark (一窗受理): N complete cases through the services and through the HTTP API.

    .venv/bin/python bench/run_cases.py --db sqlite|postgres|all --n 1000 --mode service|http|all

Per database, a child process builds a fresh database (SQLite file under var/bench/, or the
PostgreSQL database ``yiwang_bench``, dropped and recreated), migrates it, makes its own data
(departments, staff, a two-step item, a countersign item, applicants) and then measures, in one run:

* service mode: N two-step cases (upload → submit → accept → review → decide → deliver) and N/5
  countersign cases through ``yiwang.cases.services`` in one process; per-step p50/p99 and SQL
  queries per step (cases 1–100 vs the last 100: constant means no N+1);
* the bare engine: the same BPMN in SpiffWorkflow alone (create, complete both user tasks,
  serialize/deserialize with JSON as the runtime does), no database;
* http mode: gunicorn (sync workers; ``--server production``: the production settings' gthread
  workers) serving ``bench.settings`` (Yiwang + a bare view that inserts
  one row); the bare view and then the case flows driven by the same Python load generator
  (several processes, one request in flight each); with ``--nodes N --edge nginx``, N gunicorn
  instances on their own ports (``--workers`` shared between them) behind nginx running the
  project's own site (deploy/nginx), every request (the bare view's too) through it; a request
  shed by admission control (503 + Retry-After) is sent again after the wait, as the API's clients
  do, its time counted from the first attempt and the shed 503s counted in the report;
* the supervision board over 100,000 open cases (plus closed ones) bulk-inserted with a spread
  over departments, items and deadlines: ``selectors.supervision_board()``, the API
  ``GET /api/v1/supervision/board`` (supervisor token) and the page ``/work/board/``.

Results: a Markdown report on stdout and JSON in bench/results/. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import multiprocessing as mp
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR_BENCH = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "yiwang_bench")
PASSWORD = "bench-pass-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

TWO_STEP = "BENCH-2STEP"
COUNTERSIGN = "BENCH-HUIQIAN"
TWO_STEP_FLOW = ["upload", "submit", "accept", "review", "decide", "deliver"]
COUNTERSIGN_FLOW = ["upload", "submit", "accept", "review", "countersign_ga", "countersign_zj", "decide", "deliver"]


# ----------------------------------------------------------------------------------- helpers


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": pct(values, 50) * 1000, "p99_ms": pct(values, 99) * 1000,
            "max_ms": max(values) * 1000 if values else float("nan")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{VAR_BENCH / 'cases.sqlite3'}"
    return PG_URL.rsplit("/", 1)[0] + "/" + PG_DB


def fresh_database(db: str) -> None:
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (VAR_BENCH / f"cases.sqlite3{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')


def child_env(db: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url(db),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "DEMO_MODE": "1",  # a bench, not a deployment: the demo SM2 key and hosts are fine
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "MEDIA_ROOT": str(VAR_BENCH / f"media-{db}"),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        # bench-only keys (DEBUG is off, so demo keys are refused): fixed, so that the bench
        # process and gunicorn read each other's encrypted fields
        "YIWANG_SM4_KEYS": "bench1:" + hashlib.sha256(b"yiwang bench sm4").hexdigest()[:32],
        "YIWANG_BLIND_INDEX_KEY": hashlib.sha256(b"yiwang bench blind index").hexdigest(),
    })
    return env


# ------------------------------------------------------------------------------- world setup


def postgres_world(n_applicants: int) -> tuple[dict[str, Any], Any, Any]:
    """In this process: a fresh PostgreSQL bench database, migrated, with ``build_world``'s county;
    the world, its two-step item and that item's first required material (``profile_cases.py``,
    ``submit_cpu.py``)."""
    fresh_database("postgres")
    os.environ.update(child_env("postgres"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    world = build_world(n_applicants)
    item = world["items"]["two"]
    return world, item, next(m for m in item.materials.all() if m.required)


def build_world(n_applicants: int) -> dict[str, Any]:
    """Departments, staff (one password hash for all), the two items, applicants."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from yiwang.core.models import Applicant, ApplicantKind, Role, StaffRole
    from yiwang.testing import factories, item_factories

    User = get_user_model()
    hashed = make_password(PASSWORD)
    # deadlines need the working calendar of the years they fall in (weekends only: no holidays
    # entered), or every submission is refused with calendar_year_unknown
    from yiwang.core.models import CalendarYear

    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="bench") for y in (2026, 2027)],
                                     ignore_conflicts=True)
    centre = factories.department("ZWFW", "政务服务管理局", centre=True)
    scjg = factories.department("SCJG", "市场监管局")
    ga = factories.department("GA", "公安局")
    zj = factories.department("ZJ", "住建局")

    def staff(username: str, *roles: tuple[Any, str]) -> Any:
        u = User.objects.create(username=username, password=hashed)
        for department, role in roles:
            StaffRole.objects.create(user=u, department=department, role=role)
        return u

    users = {
        "clerk": staff("clerk", (centre, Role.CLERK)),
        "reviewer": staff("scjg_reviewer", (scjg, Role.REVIEWER)),
        "decider": staff("scjg_decider", (scjg, Role.DECIDER)),
        "ga": staff("ga_reviewer", (ga, Role.REVIEWER)),
        "zj": staff("zj_reviewer", (zj, Role.REVIEWER)),
        "supervisor": staff("supervisor", (centre, Role.SUPERVISOR)),
    }
    two = item_factories.item(TWO_STEP, dept="SCJG", materials=(("身份证明", True), ("其他材料", False)))
    sign = item_factories.item(COUNTERSIGN, dept="SCJG", materials=(("身份证明", True),), stages=[
        {"id": "review", "name": "审查", "dept": "SCJG", "role": "reviewer"},
        [{"id": "cs_ga", "name": "公安会签", "dept": "GA", "role": "reviewer"},
         {"id": "cs_zj", "name": "住建会签", "dept": "ZJ", "role": "reviewer"}],
        {"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"},
    ])
    applicants = []
    for i in range(n_applicants):
        u = User.objects.create(username=f"citizen{i:04d}", password=hashed)
        first17 = f"3301021990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
        applicants.append((u, Applicant.objects.create(
            kind=ApplicantKind.PERSON, name=f"申请人{i}", id_number=factories.citizen_id(first17),
            phone="13800138000", address="某县城关镇人民路1号", user=u)))
    return {"users": users, "items": {"two": two, "sign": sign}, "applicants": applicants,
            "departments": {"centre": centre, "scjg": scjg, "ga": ga, "zj": zj}}


# ------------------------------------------------------------------------------ service mode


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def service_flows(world: dict[str, Any], item_key: str, n: int) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from yiwang.cases import services
    from yiwang.cases.models import CaseStep, StepStatus

    users = world["users"]
    item = world["items"][item_key]
    required = [m for m in item.materials.all() if m.required]
    signer_of = {"审查": users["reviewer"], "决定": users["decider"], "公安会签": users["ga"], "住建会签": users["zj"]}
    step_label = {"审查": "review", "决定": "decide", "公安会签": "countersign_ga", "住建会签": "countersign_zj"}
    times: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    counter = QueryCounter()

    def timed(step: str, fn: Any, **kwargs: Any) -> Any:
        counter.count = 0
        t0 = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = fn(**kwargs)
        times[step].append(time.perf_counter() - t0)
        queries[step].append(counter.count)
        return result

    def upload_all(actor: Any) -> list[Any]:
        return [services.stage_upload(actor=actor, file=SimpleUploadedFile("scan.pdf", PDF)) for _m in required]

    start = time.perf_counter()
    for i in range(n):
        user, applicant = world["applicants"][i % len(world["applicants"])]
        uploads = timed("upload", upload_all, actor=user)
        refs = [services.MaterialRef(material_id=m.pk, upload_id=u.pk) for m, u in zip(required, uploads, strict=True)]
        case, _created = timed("submit", services.submit_application, actor=user, item=item, applicant=applicant,
                               form_data={"shop_name": f"青禾小馆{i}", "area": "35"}, materials=refs,
                               idempotency_key=uuid.uuid4().hex)
        timed("accept", services.accept_application, actor=users["clerk"], case_id=case.pk)
        while True:  # the approvers' side: whatever steps are open, in the order the process opens them
            open_steps = list(CaseStep.objects.filter(case_id=case.pk, status=StepStatus.OPEN).order_by("id"))
            if not open_steps:
                break
            for step in open_steps:
                timed(step_label[step.name], services.complete_step, actor=signer_of[step.name], case_id=case.pk,
                      step_id=step.pk, decision="approve", comment="同意")
        timed("deliver", services.deliver_result, actor=users["clerk"], case_id=case.pk, method="window")
    elapsed = time.perf_counter() - start
    window = min(100, n)
    return {
        "n": n, "seconds": elapsed, "cases_per_s": n / elapsed,
        "steps": {
            step: {**summary_ms(times[step]),
                   "queries_first": statistics.mean(queries[step][:window]),
                   "queries_last": statistics.mean(queries[step][-window:]),
                   "queries_max": max(queries[step])}
            for step in times
        },
    }


# -------------------------------------------------------------------------- bare engine run


def bare_engine(n: int, countersign: bool = False) -> dict[str, Any]:
    """The same BPMN in SpiffWorkflow alone: start, then per user task load → complete → save,
    with the JSON round trip the database's JSON column does. No database, no Django models."""
    from SpiffWorkflow.util.task import TaskState

    from yiwang.catalog import bpmn
    from yiwang.catalog.models import ServiceItem

    item = ServiceItem.objects.get(code=COUNTERSIGN if countersign else TWO_STEP)
    version = item.process.latest_version()
    spec_json = json.loads(json.dumps(version.spec_json))
    spec, subprocess_specs = bpmn.specs_for(("bare", version.pk), spec_json)
    data = {"form": {"shop_name": "青禾小馆", "area": 35.0}, "item": item.code, "applicant_kind": "person"}
    t0 = time.perf_counter()
    for _i in range(n):
        wf = bpmn.new_workflow(spec, subprocess_specs)
        wf.task_tree.data.update(data)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(data)
        wf.do_engine_steps()
        stored = json.dumps(bpmn.dump_state(wf))
        while True:
            wf = bpmn.load_state(json.loads(stored), spec, subprocess_specs)
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            task = ready[0]
            task.data.update({"decision": "approve", "comment": "同意"})
            task.run()
            wf.do_engine_steps()
            stored = json.dumps(bpmn.dump_state(wf))
        assert wf.is_completed()
    elapsed = time.perf_counter() - t0
    return {"n": n, "seconds": elapsed, "cases_per_s": n / elapsed, "state_bytes": len(stored)}


# --------------------------------------------------------------------------------- http mode


class Http:
    """One request at a time, a fresh connection each (gunicorn's sync workers close it anyway)."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, dict[str, Any] | list[Any] | None, int, float]:
        a = self.send(method, path, body, headers)
        return a.status, a.data, a.queries, a.seconds

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             shed_retries: int = 0, retry_unavailable: bool = False) -> Answer:
        """The request, sent again after a 503 with ``Retry-After`` as a client of the API is told to
        (docs/deployment.md, "Admission control"): up to ``shed_retries`` times after admission
        control's refusal (nothing was done: safe to repeat), and after the database's 503 too when
        ``retry_unavailable`` (the warm-up only: in the measured phases that 503 is an error). The
        time is from the first attempt to the last answer, the waits included."""
        t0 = time.perf_counter()
        sent = time.time()
        shed = unavailable = 0
        while True:
            status, data, q, resp_headers = self._once(method, path, body, headers)
            is_shed = status == 503 and (resp_headers.get("x-bench-shed") == "1" or
                                         isinstance(data, dict) and data.get("code") == "overloaded")
            retry = (is_shed and shed < shed_retries) or (
                status == 503 and not is_shed and retry_unavailable and unavailable < shed_retries)
            if is_shed:
                shed += 1
            elif status == 503:
                unavailable += 1
            if not retry:
                return Answer(status, data, q, time.perf_counter() - t0, shed, is_shed,
                              f"sent={sent:.6f},got={time.time():.6f},{resp_headers.get('x-bench-time', '')}")
            time.sleep(retry_after_seconds(resp_headers.get("retry-after")))

    def _once(self, method: str, path: str, body: bytes | None, headers: dict[str, str] | None
              ) -> tuple[int, dict[str, Any] | list[Any] | None, int, dict[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        resp_headers = {k.lower(): v for k, v in resp.getheaders()}
        q = int(resp_headers.get("x-bench-queries") or -1)
        data = (json.loads(raw) if raw and resp_headers.get("content-type", "").startswith("application/json")
                else None)
        return resp.status, data, q, resp_headers


class Answer(NamedTuple):
    status: int
    data: dict[str, Any] | list[Any] | None
    queries: int
    seconds: float  # from the first attempt to this answer, Retry-After waits included
    shed: int  # admission control's 503s met on the way (each followed by a retry, but for the last if refused)
    refused: bool  # the last answer itself was a shed 503 (the retries were spent)
    timing: str = ""  # the client's send and receive wall times and the worker's X-Bench-Time (bench/p99_parts.py)


# What a client does with a 503's Retry-After: wait as long as told, within reason (the load tool's
# bounds, bench/load/locustfile.py), and at most this many times for one request.
RETRY_AFTER_BOUNDS = (0.5, 10.0)
SHED_RETRIES = 3
WARMUP_RETRIES = 5


def retry_after_seconds(value: str | None) -> float:
    try:
        seconds = float(value) if value is not None else 2.0
    except ValueError:
        seconds = 2.0
    return min(RETRY_AFTER_BOUNDS[1], max(RETRY_AFTER_BOUNDS[0], seconds))


def token_for(port: int, username: str) -> str:
    status, data, _q, _t = Http(port).request(
        "POST", "/api/v1/auth/token", json.dumps({"username": username, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"})
    assert status == 200, (status, data)
    return data["token"]  # type: ignore[index]  # the login answer's JSON is an object with a token


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _bare_client(args: tuple[Any, ...]) -> dict[str, Any]:
    """``(port, count, seed[, shed_retries[, warm_up]])``: ``count`` inserts one after another. A shed
    request is sent again after its Retry-After (``shed_retries`` times); ``warm_up`` also retries the
    database's 503 (a first connection refused while the cluster is busy). Any other answer than 201
    stops the client (AssertionError), a shed one given up on as well."""
    port, count, seed, *rest = args
    shed_retries = rest[0] if rest else SHED_RETRIES
    warm_up = bool(rest[1]) if len(rest) > 1 else False
    client = Http(port)
    times = []
    timings: list[str] = []
    shed = retried = 0
    for i in range(count):
        a = client.send("POST", "/bench/bare/insert", f"row {seed}-{i}".encode(), {"Content-Type": "text/plain"},
                        shed_retries=shed_retries, retry_unavailable=warm_up)
        assert a.status == 201, (a.status, "shed by admission control, retries spent" if a.refused else a.data)
        times.append(a.seconds)
        timings.append(a.timing)
        shed += a.shed
        retried += 1 if a.shed else 0
    return {"times": times, "shed": shed, "retried": retried, "timings": timings}


def _flow_client(args: tuple[Any, ...]) -> dict[str, Any]:
    """One applicant's client doing ``count`` whole cases, the staff's requests in between:
    ``(port, tokens, material_ids, item_code, count, seed[, shed_retries])``. A request shed by
    admission control (503 + Retry-After) is sent again after the wait, as the API's clients are told
    to, at most ``shed_retries`` times; its time runs from the first attempt. Any other unexpected
    answer, or a shed request whose retries are spent, abandons that case (an error)."""
    port, tokens, material_ids, item_code, count, seed, *rest = args
    shed_retries = rest[0] if rest else SHED_RETRIES
    client = Http(port)
    upload_body, upload_type = multipart("file", "scan.pdf", PDF)
    auth = {name: {"Authorization": f"Bearer {tok}"} for name, tok in tokens.items()}
    js = {"Content-Type": "application/json"}
    signer_of = {"审查": "reviewer", "决定": "decider", "公安会签": "ga", "住建会签": "zj"}
    step_label = {"审查": "review", "决定": "decide", "公安会签": "countersign_ga", "住建会签": "countersign_zj"}
    times: dict[str, list[float]] = defaultdict(list)
    timings: dict[str, list[str]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    shed: dict[str, int] = defaultdict(int)  # admission control's 503s met
    retried: dict[str, int] = defaultdict(int)  # requests that met one or more (and were sent again)
    errors = refused = 0

    def call(step: str, method: str, path: str, body: bytes | None, headers: dict[str, str], ok: int) -> Any:
        a = client.send(method, path, body, headers, shed_retries=shed_retries)
        shed[step] += a.shed
        if a.shed:
            retried[step] += 1
        if a.refused:
            raise Refused(f"{step}: shed by admission control {a.shed} times, retries spent")
        if a.status != ok:
            raise RuntimeError(f"{step}: HTTP {a.status}: {a.data}")
        times[step].append(a.seconds)
        timings[step].append(a.timing)
        queries[step].append(a.queries)
        return a.data

    cpu0 = time.process_time()
    for i in range(count):
        try:
            up = call("upload", "POST", "/api/v1/uploads", upload_body,
                      {**auth["applicant"], "Content-Type": upload_type}, 201)
            payload = {"item_code": item_code, "form": {"shop_name": f"青禾小馆{seed}-{i}", "area": "35"},
                       "materials": [{"material_id": material_ids["required"], "upload_id": up["id"]}]}
            # the same key on every attempt: a retried submission answers the first case
            case = call("submit", "POST", "/api/v1/applications", json.dumps(payload).encode(),
                        {**auth["applicant"], **js, "Idempotency-Key": f"bench-{seed}-{i}-{uuid.uuid4().hex[:8]}"}, 201)
            number = case["number"]
            case = call("accept", "POST", f"/api/v1/cases/{number}/accept", b"{}", {**auth["clerk"], **js}, 200)
            while True:
                open_steps = case["open_steps"]  # the actions' compact answer (issue #14)
                if not open_steps:
                    break
                for step in open_steps:
                    case = call(step_label[step["name"]], "POST", f"/api/v1/tasks/{step['id']}/complete",
                                json.dumps({"decision": "approve", "comment": "同意"}).encode(),
                                {**auth[signer_of[step["name"]]], **js}, 200)
            call("deliver", "POST", f"/api/v1/cases/{number}/deliver", json.dumps({"method": "window"}).encode(),
                 {**auth["clerk"], **js}, 200)
        except Refused as exc:
            refused += 1
            print(f"  client {seed}: {exc}", file=sys.stderr)
        except RuntimeError as exc:
            errors += 1
            print(f"  client {seed}: {exc}", file=sys.stderr)
    return {"times": dict(times), "timings": dict(timings), "queries": dict(queries), "errors": errors, "refused": refused,
            "shed": dict(shed), "retried": dict(retried), "cpu_s": time.process_time() - cpu0}


class Refused(Exception):
    """A request shed by admission control more times than the client retries."""


def _sampler_client(args: tuple[int, str, str, int]) -> dict[str, Any]:
    port, path, token, count = args
    client = Http(port)
    times, queries = [], []
    for _i in range(count):
        status, _d, q, t = client.request("GET", path, None, {"Authorization": f"Bearer {token}"})
        assert status == 200, status
        times.append(t)
        queries.append(q)
    return {"times": times, "queries": queries}


def wait_for_port(port: int, seconds: float, proc: subprocess.Popen[bytes] | None = None,
                  interval: float = 0.2) -> bool:
    """True as soon as something accepts connections on 127.0.0.1:``port``; False after ``seconds``,
    or at once when ``proc`` (the server being started) has exited."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            pass
        if (proc is not None and proc.poll() is not None) or time.monotonic() >= deadline:
            return False
        time.sleep(interval)


PRODUCTION_GUNICORN = ROOT / "deploy" / "gunicorn" / "gunicorn.conf.py"
SYNC_GUNICORN = ROOT / "bench" / "gunicorn_sync.conf.py"  # the production hooks (the worker warm-up)


class Gunicorn:
    """``server="sync"``: ``workers`` sync workers (one request at a time each: the clients beyond
    them wait in the listen queue). ``server="production"``: the production settings
    (``deploy/gunicorn/gunicorn.conf.py``: gthread workers with their threads, admission control)
    with ``workers`` processes."""

    def __init__(self, db: str, workers: int, server: str = "sync"):
        self.port = free_port()
        self.workers = workers
        env = child_env(db)
        if server == "production":
            self.cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(PRODUCTION_GUNICORN),
                        "yiwang.wsgi:application", "--log-level", "warning", "--chdir", str(ROOT)]
            env.update({"GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers),
                        "GUNICORN_MAX_REQUESTS": "0"})  # no recycling in the middle of a measurement
        else:
            self.cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(SYNC_GUNICORN), "yiwang.wsgi:application", "--workers",
                        str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
                        "--log-level", "warning", "--timeout", "120", "--chdir", str(ROOT)]
        self.proc = subprocess.Popen(self.cmd, env=env, cwd=ROOT, start_new_session=True)
        if not wait_for_port(self.port, 30, self.proc):
            self.stop()
            raise RuntimeError("gunicorn did not start")
        # warm every worker (imports, URL resolver, first connection): twice as many concurrent clients
        # as workers, so that each sync worker gets some; gthread workers do not share connections
        # evenly and one may take more than its MAX_IN_FLIGHT, so the warm-up honours 503 +
        # Retry-After (admission control's, and the database's for a first connection) with a
        # bounded retry. Any other failure stops the server: no gunicorn outlives the bench.
        try:
            with mp.Pool(workers * 2) as pool:
                pool.map(_bare_client, [(self.port, 5, 10_000 + k, WARMUP_RETRIES, True) for k in range(workers * 2)])
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process_group(self.proc)


def stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to a process started in its own session and its children, SIGKILL after 20 s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


class Sender:
    """The notification sender as production runs it (``manage.py send_notifications --loop``, one
    process), against the bench's database: the notices the actions queue in the outbox are sent
    while the cases run, and its CPU is counted with theirs (``--sender``)."""

    def __init__(self, db: str):
        self.proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "send_notifications", "--loop"],
                                     env=child_env(db), cwd=ROOT, start_new_session=True)

    def cpu(self) -> float:
        return _proc_cpu(self.proc.pid)

    def stop(self) -> None:
        stop_process_group(self.proc)


def outbox_counts() -> dict[str, int]:
    from django.db.models import Count

    from yiwang.core.models import OutboxMessage

    return dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def probe_notice(applicant: Any) -> None:
    """One notice committed, so that the sender's first pass has something to send."""
    from django.db import transaction

    from yiwang.core.notify import notify_applicant

    with transaction.atomic():
        notify_applicant(applicant=applicant, kind="bench_probe", title="bench", body="bench", params={})


def drain_outbox(sender: Sender, cpu_before: float, timeout: float = 300.0) -> dict[str, Any]:
    """Wait until the sender has taken every pending copy (or ``timeout``): the sender's work for
    the cases just run is then all in its CPU, however late it finished."""
    from yiwang.core.models import OutboxMessage, OutboxStatus

    t0 = time.perf_counter()
    while OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists() and time.perf_counter() - t0 < timeout:
        time.sleep(0.2)
    return {"cpu_s": sender.cpu() - cpu_before, "drained_after_s": time.perf_counter() - t0,
            "outbox": outbox_counts(), "alive": sender.proc.poll() is None}


def split_workers(total: int, nodes: int) -> list[int]:
    """``--workers`` is the total over the nodes, so that one node and two compare at the same
    number of processes on the same cores; the first nodes take the remainder."""
    if nodes < 1 or total < nodes:
        raise ValueError(f"{total} workers cannot be shared by {nodes} nodes")
    per, extra = divmod(total, nodes)
    return [per + (1 if k < extra else 0) for k in range(nodes)]


# The edge's shedding limits, lifted: the bench measures what the path costs, not where the edge
# refuses (the production limits, 120 r/s in total and 100 r/s per address, would answer most of
# the bare view's requests 429). The zones, the JSON access log and the proxying stay as deployed.
EDGE_UNLIMITED = ["--rate-per-ip", "100000r/s", "--burst-per-ip", "10000", "--rate-total", "100000r/s",
                  "--burst-total", "10000", "--conn-per-ip", "10000", "--conn-total", "10000"]


def edge_site_argv(upstream_ports: list[int], listen_port: int, workdir: Path) -> list[str]:
    """deploy/nginx/render_site.py's arguments for the bench's edge: the project's site, as the
    loopback topology (deploy/cluster/app.sh) renders it, on plain HTTP on a free loopback port."""
    ups = [arg for port in upstream_ports for arg in ("--upstream", f"127.0.0.1:{port}")]
    return [*ups, "--listen", f"127.0.0.1:{listen_port}", "--static-root", str(workdir / "static"),
            "--access-log", str(workdir / "access.log"), *EDGE_UNLIMITED]


def edge_nginx_conf(workdir: Path, worker_processes: int) -> str:
    """nginx's main file around the rendered site (the loopback topology's, deploy/cluster/app.sh)."""
    import getpass

    return (f"user {getpass.getuser()};\nworker_processes {worker_processes};\nworker_rlimit_nofile 8192;\n"
            f"pid {workdir}/nginx.pid;\nerror_log {workdir}/error.log warn;\n"
            "events { worker_connections 4096; }\nhttp {\n    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n    sendfile on;\n    server_tokens off;\n"
            + "".join(f"    {kind}_temp_path {workdir}/tmp/{kind};\n"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            + f"    include {workdir}/site.conf;\n}}\n")


def write_edge_config(workdir: Path, upstream_ports: list[int], listen_port: int, worker_processes: int) -> Path:
    """The site rendered by deploy/nginx/render_site.py and nginx's main file around it, in
    ``workdir`` (with the temp, static and log paths they name); returns the main file."""
    (workdir / "tmp").mkdir(exist_ok=True)
    (workdir / "static").mkdir(exist_ok=True)
    site = subprocess.run([sys.executable, str(ROOT / "deploy" / "nginx" / "render_site.py"),
                           *edge_site_argv(upstream_ports, listen_port, workdir)],
                          check=True, capture_output=True, text=True).stdout
    (workdir / "site.conf").write_text(site)
    conf = workdir / "nginx.conf"
    conf.write_text(edge_nginx_conf(workdir, worker_processes))
    return conf


class NginxEdge:
    """nginx with the project's own site (deploy/nginx) in front of the web nodes, in the foreground
    of its own session so that its master's pid is known (its workers are the master's children)."""

    def __init__(self, upstream_ports: list[int], worker_processes: int = 2):
        nginx = shutil.which("nginx")
        if nginx is None:
            raise RuntimeError("--edge nginx needs nginx on PATH (Debian: `make nginx-check` installs it)")
        VAR_BENCH.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix="edge-", dir=VAR_BENCH))
        self.port = free_port()
        conf = write_edge_config(self.dir, upstream_ports, self.port, worker_processes)
        subprocess.run([nginx, "-t", "-q", "-c", str(conf)], check=True)
        self.proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"], start_new_session=True)
        if not wait_for_port(self.port, 15, self.proc, interval=0.1):
            self.stop()
            raise RuntimeError(f"nginx did not start (see {self.dir / 'error.log'})")
        # its workers' first connections to the nodes; a refusal the warm-up's retries do not get past
        # stops nginx: the caller never holds this object to stop it
        try:
            with mp.Pool(4) as pool:
                pool.map(_bare_client, [(self.port, 10, 20_000 + k, WARMUP_RETRIES, True) for k in range(4)])
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: the workers finish and the master exits
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------- CPU by process group

_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(path: Path) -> tuple[str, list[str]] | None:
    """A /proc/PID/stat's command name and the fields after it (field 3, the state, first), or None."""
    try:
        text = path.read_text()
    except OSError:
        return None
    head, tail = text.rsplit(")", 1)
    return head.split("(", 1)[1], tail.split()


def _proc_cpu(pid: int, proc: Path = Path("/proc")) -> float:
    """User + system CPU seconds of a live process (Linux /proc), 0 if it is gone."""
    stat = _stat_fields(proc / str(pid) / "stat")
    if stat is None:
        return 0.0
    fields = stat[1]
    return (int(fields[11]) + int(fields[12])) / _HZ


def cpu_by_group(server_pids: Collection[int] = (), edge_pid: int | None = None,
                 proc: Path = Path("/proc")) -> dict[str, Any]:
    """CPU seconds so far of the web workers (children of each node's gunicorn master), PostgreSQL
    (all of the machine's clusters: read it on a quiet machine; beside it the backends connected to
    the bench's database, which others' work does not touch), the edge (nginx's master and its
    workers, when there is one) and the whole machine's busy time, from /proc. The load generator's
    clients measure their own.

    PostgreSQL's figure includes the processes that have exited: each postmaster's own time, the
    cumulative time of its children it has reaped (``cutime``/``cstime``: backends that closed their
    connection, e.g. at ``CONN_MAX_AGE``) and its live children's, so that it only grows between two
    readings. The bench database's backends are kept per process (``postgres_bench_db_pids``):
    ``cpu_spent`` counts what the backends alive at the second reading used, and reports how many
    had exited in between (their last part of CPU is then not in that figure, which is a lower bound)."""
    groups: dict[str, Any] = {"web": 0.0, "postgres": 0.0, "postgres_bench_db": 0.0}
    bench_db: dict[tuple[int, int], float] = {}  # (pid, start time): a pid used again is another process
    own_db = f" {PG_DB} ".encode()
    if edge_pid is not None:
        groups["edge"] = 0.0
    if not (proc / "stat").exists():
        return {}
    # pid: comm, ppid, own CPU, reaped children's CPU, start time, cmdline
    seen: dict[int, tuple[str, int, float, float, int, bytes]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat_fields(entry / "stat")
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if stat is None:
            continue
        comm, fields = stat
        seen[int(entry.name)] = (comm, int(fields[1]), (int(fields[11]) + int(fields[12])) / _HZ,
                                 (int(fields[13]) + int(fields[14])) / _HZ, int(fields[19]), cmdline)
    # a postmaster: a process named postgres whose parent is not one (the backends, the checkpointer,
    # the writers are its children)
    postmasters = {pid for pid, (comm, ppid, *_rest) in seen.items()
                   if comm == "postgres" and seen.get(ppid, ("",))[0] != "postgres"}
    for pid, (_comm, ppid, own, reaped, started, cmdline) in seen.items():
        if ppid in server_pids:
            groups["web"] += own
        elif edge_pid is not None and edge_pid in (pid, ppid):
            groups["edge"] += own
        elif pid in postmasters:
            groups["postgres"] += own + reaped
        elif ppid in postmasters:
            groups["postgres"] += own
            if own_db in cmdline:  # a backend of the bench's database: clean on a loaded machine too
                bench_db[(pid, started)] = own
    groups["postgres_bench_db"] = sum(bench_db.values())
    groups["postgres_bench_db_pids"] = bench_db
    first = (proc / "stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(v) for v in first]
    groups["machine_busy"] = (sum(ticks) - ticks[3] - ticks[4]) / _HZ
    return groups


def cpu_spent(before: dict[str, Any], after: dict[str, Any], clients_s: float) -> dict[str, float]:
    """Each group's CPU between two ``cpu_by_group`` readings, the clients' beside them. The bench
    database's backends: what each one alive at the second reading used since the first (all of it if
    it started in between); ``postgres_bench_db_exited`` counts those alive at the first and gone at
    the second (what they used in between is lost: the figure is then a lower bound)."""
    spent = {key: after[key] - before[key] for key in before
             if key in after and isinstance(before[key], float)}
    if not spent:
        return {}
    if "postgres_bench_db_pids" in before and "postgres_bench_db_pids" in after:
        was, now = before["postgres_bench_db_pids"], after["postgres_bench_db_pids"]
        spent["postgres_bench_db"] = sum(cpu - was.get(pid, 0.0) for pid, cpu in now.items())
        spent["postgres_bench_db_exited"] = float(len(set(was) - set(now)))
        spent["postgres_bench_db_backends"] = float(len(now))
    return {**spent, "clients": clients_s}


def _wait_sampler(interval: float, stop: Any, out: Any) -> None:
    """Every ``interval`` seconds until ``stop`` is set: the bench database's backends that wait
    (``pg_stat_activity``: wait event and the statement's first words), with the wall time; sent to
    ``out`` at the end (bench/p99_parts.py joins them to the requests by backend pid)."""
    import psycopg

    samples: list[tuple[float, int, str, str, str]] = []
    n = 0
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        while not stop.is_set():
            n += 1
            now = time.time()
            for pid, kind, event, query in conn.execute(
                    "SELECT pid, wait_event_type, wait_event, left(query, 60) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' "
                    "AND wait_event IS NOT NULL").fetchall():
                samples.append((now, pid, kind, event, " ".join(query.split()[:4])))
            time.sleep(interval)
    out.send({"interval": interval, "rounds": n, "samples": samples})


class WaitSampler:
    """``_wait_sampler`` in its own process for the time of a ``with`` block (``interval`` 0: none)."""

    def __init__(self, interval: float):
        self.interval = interval
        self.result: dict[str, Any] | None = None

    def __enter__(self) -> WaitSampler:
        if self.interval:
            self.stop = mp.Event()
            self.recv, send = mp.Pipe(duplex=False)
            self.proc = mp.Process(target=_wait_sampler, args=(self.interval, self.stop, send))
            self.proc.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.interval:
            self.stop.set()
            self.result = self.recv.recv()
            self.proc.join()


def http_bare(port: int, clients: int, total: int, shed_retries: int = SHED_RETRIES) -> dict[str, Any]:
    per = total // clients
    t0 = time.perf_counter()
    with mp.Pool(clients) as pool:
        parts = pool.map(_bare_client, [(port, per, k, shed_retries) for k in range(clients)])
    elapsed = time.perf_counter() - t0
    times = [t for p in parts for t in p["times"]]
    return {"requests": len(times), "seconds": elapsed, "req_per_s": len(times) / elapsed, **summary_ms(times),
            "shed": sum(p["shed"] for p in parts), "retried": sum(p["retried"] for p in parts),
            "timings": [t for p in parts for t in p.get("timings", [])]}


def http_flows(port: int, world: dict[str, Any], tokens: dict[str, str], item_key: str, n: int, clients: int,
               server_pids: Collection[int] = (), edge_pid: int | None = None,
               shed_retries: int = SHED_RETRIES, sample_waits: float = 0.0,
               sender: Sender | None = None) -> dict[str, Any]:
    item = world["items"][item_key]
    required = next(m for m in item.materials.all() if m.required)
    per, extra = divmod(n, clients)
    jobs = []
    for k in range(clients):
        toks = {**tokens["staff"], "applicant": tokens["applicants"][k]}
        jobs.append((port, toks, {"required": required.pk}, item.code, per + (1 if k < extra else 0), k, shed_retries))
    cpu_before = cpu_by_group(server_pids, edge_pid)
    sender_before = sender.cpu() if sender else 0.0
    t0 = time.perf_counter()
    with WaitSampler(sample_waits) as sampler, mp.Pool(clients) as pool:
        parts = pool.map(_flow_client, jobs)
    elapsed = time.perf_counter() - t0
    cpu = cpu_spent(cpu_before, cpu_by_group(server_pids, edge_pid), sum(p["cpu_s"] for p in parts))
    sent = drain_outbox(sender, sender_before) if sender else None
    if sent and cpu:
        cpu["sender"] = sent["cpu_s"]
    times: dict[str, list[float]] = defaultdict(list)
    timings: dict[str, list[str]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    shed: dict[str, int] = defaultdict(int)
    retried: dict[str, int] = defaultdict(int)
    for p in parts:
        for step, ts in p["times"].items():
            times[step] += ts
        for step, ts in p.get("timings", {}).items():
            timings[step] += ts
        for step, qs in p["queries"].items():
            queries[step] += qs
        for step, k in p["shed"].items():
            shed[step] += k
        for step, k in p["retried"].items():
            retried[step] += k
    errors = sum(p["errors"] for p in parts)
    refused = sum(p["refused"] for p in parts)
    done = n - errors - refused
    requests = sum(len(ts) for ts in times.values())
    return {
        "n": n, "errors": errors, "refused": refused, "seconds": elapsed, "cases_per_s": done / elapsed,
        "req_per_s": requests / elapsed, "cpu_s": cpu, "shed_retries": shed_retries,
        "shed": sum(shed.values()), "retried": sum(retried.values()),
        "steps": {step: {**summary_ms(times[step]), "queries_mean": statistics.mean(queries[step]),
                         "queries_max": max(queries[step]), "shed": shed.get(step, 0),
                         "retried": retried.get(step, 0)} for step in times},
        "timings": dict(timings), "waits": sampler.result, "sender": sent,
    }


# ---------------------------------------------------------------------------- board seeding


def seed_board(open_cases: int, closed_cases: int, seed: int = 7) -> dict[str, Any]:
    """Bulk-insert open (and closed) cases spread over 20 departments and 100 items, with
    deadlines from long overdue to weeks ahead; in-review cases get their open step."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from yiwang.cases.models import Case, CaseStatus, CaseStep, StepStatus
    from yiwang.core import calendar
    from yiwang.core.models import Applicant, ApplicantKind
    from yiwang.testing import factories, item_factories

    rng = random.Random(seed)
    t0 = time.perf_counter()
    names = ["发改", "教育", "科技", "工信", "民政", "司法", "财政", "人社", "自然资源", "生态环境", "交通运输",
             "水利", "农业农村", "商务", "文旅", "卫健", "应急", "税务", "医保", "城管"]
    departments = [factories.department(f"D{k:02d}", f"{name}局") for k, name in enumerate(names)]
    items = []
    for k, dept in enumerate(departments):
        for j in range(5):
            items.append(item_factories.item(f"BRD-{k:02d}-{j}", dept=dept.code, promised_days=rng.choice([1, 3, 5, 10, 15, 20]),
                                        materials=(("身份证明", True),)))
    versions = {it.pk: it.process.latest_version() for it in items}
    # department sizes follow a long tail (a few departments carry most cases), items likewise
    dept_weights = [1 / (k + 1) ** 0.8 for k in range(len(departments))]
    item_weights = [dept_weights[k // 5] / (k % 5 + 1) for k in range(len(items))]
    User = get_user_model()
    submitter = User.objects.create(username="board_submitter", password="!")
    def applicant(k: int) -> Applicant:
        a = Applicant(kind=ApplicantKind.PERSON, name=f"居民{k}", id_number=f"B{k:017d}", phone="13900000000")
        if hasattr(a, "id_index"):  # bulk_create skips save(), which computes the blind index
            from yiwang.core.models import applicant_id_index

            a.id_index = applicant_id_index(a.kind, a.id_number)
        return a

    applicants = Applicant.objects.bulk_create([applicant(k) for k in range(2000)])
    now = timezone.now()
    today = calendar.local_date(now)
    deadline_cache: dict[tuple[int, int], tuple[dt.datetime, dt.datetime]] = {}

    def deadline(offset: int, promised: int) -> tuple[dt.datetime, dt.datetime]:
        key = (offset, promised)
        if key not in deadline_cache:
            day = calendar.add_working_days(today, offset) if offset >= 0 else calendar.subtract_working_days(today, -offset)
            due = calendar.end_of_day(day)
            deadline_cache[key] = (due, calendar.warning_at(due, promised))
        return deadline_cache[key]

    statuses = [CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_DELIVERY]
    status_weights = [0.10, 0.05, 0.75, 0.10]
    batch = 5000
    made = 0
    serial = 0
    total = open_cases + closed_cases
    while made < total:
        rows = []
        for _k in range(min(batch, total - made)):
            serial += 1
            it = rng.choices(items, weights=item_weights)[0]
            is_open = made + len(rows) < open_cases
            status = rng.choices(statuses, weights=status_weights)[0] if is_open else CaseStatus.CLOSED
            # remaining working days: ~8 % overdue, the rest spread up to the promised time
            offset = rng.randint(-15, -1) if rng.random() < 0.08 else rng.randint(0, it.promised_days)
            if not is_open:
                offset = rng.randint(-120, -1)
            due, warn = deadline(offset, it.promised_days)
            submitted = due - dt.timedelta(days=it.promised_days * 7 // 5 + 1)
            rows.append(Case(
                number=f"YB{serial:010d}", item_id=it.pk, department_id=it.department_id,
                applicant=applicants[serial % len(applicants)], submitted_by=submitter, channel="online",
                status=status, form_data={"shop_name": f"店{serial}"}, process_version=versions[it.pk],
                submitted_at=submitted, accepted_at=submitted if status != CaseStatus.SUBMITTED else None,
                closed_at=due if not is_open else None, promised_days=it.promised_days, due_at=due, warn_at=warn,
                paused_at=now if status == CaseStatus.CORRECTION else None,
                current_step="审查" if status == CaseStatus.IN_REVIEW else "窗口受理",
                current_department_id=it.department_id if status == CaseStatus.IN_REVIEW else None,
            ))
        created = Case.objects.bulk_create(rows, batch_size=batch)
        steps = [CaseStep(case=c, task_id=uuid.uuid4().hex[:32], task_name="review", name="审查",
                          department_id=c.department_id, role="reviewer", status=StepStatus.OPEN,
                          opened_at=c.submitted_at, due_at=c.due_at, warn_at=c.warn_at)
                 for c in created if c.status == CaseStatus.IN_REVIEW]
        CaseStep.objects.bulk_create(steps, batch_size=batch)
        made += len(rows)
    seeded = time.perf_counter() - t0
    with connection.cursor() as cur:
        # what autovacuum / a periodic ANALYZE leaves behind after a bulk load: fresh statistics
        # (and, on PostgreSQL, a visibility map, so that index-only scans are possible)
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"open": open_cases, "closed": closed_cases, "seconds": seeded, "departments": len(departments),
            "items": len(items)}


def board_measurements(port: int | None, supervisor_token: str | None, repeats: int = 30) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client

    from yiwang.cases import selectors
    from yiwang.cases.models import Case, CaseStatus
    from yiwang.core.models import Department

    out: dict[str, Any] = {}
    open_count = Case.objects.filter(status__in=CaseStatus.open_states()).count()
    out["open_cases"] = open_count
    counter = QueryCounter()

    def measure(fn: Any, n: int) -> dict[str, float]:
        cold = None
        times = []
        for k in range(n):
            counter.count = 0
            t0 = time.perf_counter()
            with connection.execute_wrapper(counter):
                fn()
            t = time.perf_counter() - t0
            if k == 0:
                cold = t
            times.append(t)
        return {**summary_ms(times), "first_ms": cold * 1000, "queries": counter.count}  # type: ignore[operator]  # cold is set by the first run (k == 0)

    rows = selectors.supervision_board()
    out["board_rows"] = len(rows)
    out["board_total"] = sum(r.total for r in rows)
    out["lights"] = {k: sum(getattr(r, k) for r in rows) for k in ("green", "yellow", "red", "paused")}
    biggest = Department.objects.get(code="D00")
    out["service_board"] = measure(lambda: selectors.supervision_board(), repeats)
    out["service_board_department"] = measure(lambda: selectors.supervision_board(department_id=biggest.pk), repeats)
    out["service_board_cases_red"] = measure(lambda: selectors.board_cases(light="red"), repeats)
    from yiwang.core.models import Role, StaffRole

    reviewer, _new = get_user_model().objects.get_or_create(username="d00_reviewer", defaults={"password": "!"})
    StaffRole.objects.get_or_create(user=reviewer, department=biggest, role=Role.REVIEWER)
    out["service_my_tasks_100"] = measure(lambda: list(selectors.my_tasks(reviewer)[:100]), repeats)

    supervisor = get_user_model().objects.get(username="supervisor")
    client = Client()
    client.force_login(supervisor)
    reset_queries()

    def page() -> None:
        r = client.get("/work/board/")
        assert r.status_code == 200, r.status_code

    try:
        out["page_board_inprocess"] = measure(page, repeats)
    except Exception as exc:  # the page belongs to the UI; report rather than fail the bench
        out["page_board_inprocess"] = {"error": repr(exc)}
    if port is not None and supervisor_token:
        with mp.Pool(1) as pool:
            res = pool.map(_sampler_client, [(port, "/api/v1/supervision/board", supervisor_token, repeats)])[0]
            out["http_board"] = {**summary_ms(res["times"]), "first_ms": res["times"][0] * 1000,
                                 "queries": res["queries"][-1]}
            res = pool.map(_sampler_client, [(port, f"/api/v1/supervision/board?department={biggest.pk}",
                                              supervisor_token, repeats)])[0]
            out["http_board_department"] = {**summary_ms(res["times"]), "first_ms": res["times"][0] * 1000,
                                            "queries": res["queries"][-1]}
    return out


# ------------------------------------------------------------------------------- the child


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    fresh_database(args.db)
    media = VAR_BENCH / f"media-{args.db}"
    shutil.rmtree(media, ignore_errors=True)
    for key, value in child_env(args.db).items():
        os.environ[key] = value
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    assert not settings.DEBUG
    call_command("migrate", run_syncdb=True, verbosity=0)
    result: dict[str, Any] = {"db": args.db, "vendor": connection.vendor, "n": args.n,
                              "loadavg_start": os.getloadavg()}
    with connection.cursor() as cur:
        cur.execute("select version()" if connection.vendor == "postgresql" else "select sqlite_version()")
        result["db_version"] = cur.fetchone()[0]
    world = build_world(max(args.clients, 8))
    log = lambda msg: print(f"[{args.db}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    n_sign = max(1, args.n // 5)

    log(f"bare engine ×{args.n}")
    result["engine"] = bare_engine(args.n)
    result["engine_countersign"] = bare_engine(n_sign, countersign=True)
    if args.mode in ("service", "all"):
        log(f"service: {args.n} two-step cases")
        result["service"] = service_flows(world, "two", args.n)
        log(f"service: {n_sign} countersign cases")
        result["service_countersign"] = service_flows(world, "sign", n_sign)
    servers: list[Gunicorn] = []
    edge = None
    sender = None
    port = None
    sup_token = None
    try:
        if args.mode in ("http", "all"):
            # one node (the default), or several, each its own gunicorn on its own port; with an
            # edge, every request (the bare view's too) goes through it
            per_node = split_workers(args.workers, args.nodes)
            for workers in per_node:
                servers.append(Gunicorn(args.db, workers, args.server))
            if args.edge == "nginx":
                edge = NginxEdge([s.port for s in servers])
            port = edge.port if edge else servers[0].port
            pids = [s.proc.pid for s in servers]
            edge_pid = edge.proc.pid if edge else None
            production = (f"gthread ({os.environ.get('GUNICORN_THREADS', '16')} threads, MAX_IN_FLIGHT "
                          f"{os.environ.get('MAX_IN_FLIGHT', '8')}: the production settings)")
            result["gunicorn"] = {"workers": args.workers, "worker_class": production
                                  if args.server == "production" else "sync", "clients": args.clients,
                                  "nodes": args.nodes, "workers_per_node": per_node, "edge": args.edge}
            tokens: dict[str, Any] = {"staff": {name: token_for(port, u.username) for name, u in world["users"].items()},
                      "applicants": [token_for(port, u.username) for u, _a in world["applicants"]]}
            sup_token = tokens["staff"]["supervisor"]
            log("http: bare insert view")
            result["http_bare"] = http_bare(port, args.clients, args.bare_requests, args.shed_retries)
            result["warm_cases"] = args.warm_cases
            if args.warm_cases:
                log(f"http: {args.warm_cases} warm-up cases of each flow (not measured)")
                http_flows(port, world, tokens, "two", args.warm_cases, args.clients)
                http_flows(port, world, tokens, "sign", args.warm_cases, args.clients)
            if args.sender:
                sender = Sender(args.db)
                probe_notice(world["applicants"][0][1])
                # the sender's start (imports, connection) and the probe's and warm-up's copies: before
                # the measurement, which then counts only what the cases' notices cost it
                result["outbox_before"] = drain_outbox(sender, 0.0)["outbox"]
            log(f"http: {args.n} two-step cases" + (" (the notification sender running)" if sender else ""))
            result["http"] = http_flows(port, world, tokens, "two", args.n, args.clients, pids, edge_pid,
                                        args.shed_retries, args.sample_waits / 1000, sender)
            log(f"http: {n_sign} countersign cases")
            result["http_countersign"] = http_flows(port, world, tokens, "sign", n_sign, args.clients, pids,
                                                    edge_pid, args.shed_retries, sender=sender)
            log("http: bare insert view again")
            result["http_bare_after"] = http_bare(port, args.clients, args.bare_requests, args.shed_retries)
        if args.board_cases:
            log(f"seeding {args.board_cases} open + {args.board_closed} closed cases")
            result["board_seed"] = seed_board(args.board_cases, args.board_closed)
            log("board")
            result["board"] = board_measurements(port, sup_token)
    finally:
        if sender:
            sender.stop()
        if edge:
            edge.stop()
        for server in servers:
            server.stop()
    result["loadavg_end"] = os.getloadavg()
    return result


# ------------------------------------------------------------------------------- the report


def f(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def worst_p99(flows: dict[str, Any], bare: dict[str, Any]) -> str:
    """The request whose p99 is the largest multiple of the bare view's (issue #14's goal: under 4)."""
    step, v = max(flows["steps"].items(), key=lambda kv: kv[1]["p99_ms"])
    return f"{v['p99_ms'] / bare['p99_ms']:.2f} ({step})"


def report(results: list[dict[str, Any]], argv: list[str]) -> str:
    lines = []
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines.append(f"Command: `.venv/bin/python bench/run_cases.py {' '.join(argv)}`  ")
    warm_cases = max(r.get("warm_cases", 0) for r in results)
    if warm_cases:
        lines.append(f"Steady state: {warm_cases} throwaway cases of each flow before measuring (--warm-cases): "
                     "not a fresh worker's first requests.  ")
    lines.append(f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
                 f"{mem_gib:.0f} GiB; Python {platform.python_version()}; run {dt.date.today().isoformat()}")
    for r in results:
        lines.append(f"{r['db']}: {r['db_version']}; load average at start {r['loadavg_start'][0]:.2f}, "
                     f"at end {r['loadavg_end'][0]:.2f} (1 min)  ")
    lines.append("")
    lines.append("| database | mode | cases/s | req/s | bare engine cases/s | Yiwang ÷ engine | bare insert view req/s "
                 "| Yiwang cases/s ÷ bare req/s | worst request's p99 ÷ bare p99 |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        eng = r["engine"]["cases_per_s"]
        if "service" in r:
            s = r["service"]
            lines.append(f"| {r['db']} | service, 1 process, two-step | {f(s['cases_per_s'])} | | {f(eng)} | "
                         f"{s['cases_per_s'] / eng:.3f} | | | |")
        if "http" in r:
            h = r["http"]
            bare = r["http_bare"]["req_per_s"]
            lines.append(f"| {r['db']} | http, two-step | {f(h['cases_per_s'])} | {f(h['req_per_s'])} | {f(eng)} | "
                         f"{h['cases_per_s'] / eng:.3f} | {f(bare)} (after: {f(r['http_bare_after']['req_per_s'])}) | "
                         f"{h['cases_per_s'] / bare:.3f} | {worst_p99(h, r['http_bare'])} |")
        eng2 = r["engine_countersign"]["cases_per_s"]
        if "service_countersign" in r:
            s = r["service_countersign"]
            lines.append(f"| {r['db']} | service, countersign | {f(s['cases_per_s'])} | | {f(eng2)} | "
                         f"{s['cases_per_s'] / eng2:.3f} | | | |")
        if "http_countersign" in r:
            h = r["http_countersign"]
            bare = r["http_bare"]["req_per_s"]
            lines.append(f"| {r['db']} | http, countersign | {f(h['cases_per_s'])} | {f(h['req_per_s'])} | {f(eng2)} | "
                         f"{h['cases_per_s'] / eng2:.3f} | | {h['cases_per_s'] / bare:.3f} | {worst_p99(h, r['http_bare'])} |")
    lines.append("")
    for r in results:
        for key, label in (("service", "service, two-step"), ("service_countersign", "service, countersign")):
            if key not in r:
                continue
            s = r[key]
            lines.append(f"**{r['db']} · {label}** (N={s['n']}, {f(s['seconds'], 2)} s)")
            lines.append("")
            lines.append("| step | p50 ms | p99 ms | queries, cases 1–100 | queries, last 100 | max |")
            lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
            for step, v in s["steps"].items():
                lines.append(f"| {step} | {f(v['p50_ms'], 2)} | {f(v['p99_ms'], 2)} | {f(v['queries_first'], 1)} | "
                             f"{f(v['queries_last'], 1)} | {v['queries_max']} |")
            lines.append("")
        for key, label in (("http", "http, two-step"), ("http_countersign", "http, countersign")):
            if key not in r:
                continue
            h = r[key]
            g = r["gunicorn"]
            nodes = g.get("workers_per_node", [g["workers"]])
            if len(nodes) > 1:
                web = f"{len(nodes)} gunicorn nodes ({' + '.join(map(str, nodes))} {g.get('worker_class', 'sync')} workers)"
            else:
                web = f"gunicorn {g['workers']} {g.get('worker_class', 'sync')} workers"
            if g.get("edge", "none") != "none":
                web += f" behind {g['edge']}, the bare view through it too"
            b = r["http_bare"]
            retries = h.get("shed_retries", 0)
            lines.append(f"**{r['db']} · {label}** (N={h['n']}, {f(h['seconds'], 2)} s, errors {h['errors']}, "
                         f"shed 503 {h.get('shed', 0)} on {h.get('retried', 0)} requests, cases abandoned after "
                         f"{retries} retries {h.get('refused', 0)}; {web}, {g['clients']} client processes)")
            lines.append("")
            lines.append("| request | p50 ms | p99 ms | p99 ÷ bare view's p99 (goal < 4) | queries/request "
                         "| shed 503 (requests retried) |")
            lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
            for step, v in h["steps"].items():
                lines.append(f"| {step} | {f(v['p50_ms'], 2)} | {f(v['p99_ms'], 2)} | {v['p99_ms'] / b['p99_ms']:.2f} | "
                             f"{f(v['queries_mean'], 1)} | {v.get('shed', 0)} ({v.get('retried', 0)}) |")
            lines.append(f"| bare insert view | {f(b['p50_ms'], 2)} | {f(b['p99_ms'], 2)} | 1 | 3 | "
                         f"{b.get('shed', 0)} ({b.get('retried', 0)}) |")
            lines.append("")
            if h.get("shed") or b.get("shed"):
                lines.append(f"A shed request was sent again after its `Retry-After` (at most {retries} times); its "
                             "time runs from the first attempt, the waits included.")
                lines.append("")
            cpu, done = h.get("cpu_s") or {}, h["n"] - h["errors"] - h.get("refused", 0)
            if cpu and done:
                per = {key: value / done * 1000 for key, value in cpu.items()}
                edge_cpu = f", edge (nginx) {f(per['edge'])} ms" if "edge" in per else ""
                exited = int(cpu.get("postgres_bench_db_exited", 0))
                gone = f"; {exited} exited in the run: a lower bound" if exited else ""
                backends = f" {int(cpu['postgres_bench_db_backends'])}" if "postgres_bench_db_backends" in cpu else ""
                own = (f" (the bench database's{backends} backends {f(per['postgres_bench_db'])}{gone})"
                       if r["vendor"] == "postgresql" and "postgres_bench_db" in per else "")
                sent = h.get("sender") or {}
                sender_cpu = (f", the notification sender {f(per['sender'], 2)} ms (until its last copy, "
                              f"{f(sent['drained_after_s'], 1)} s after the cases; outbox {sent['outbox']})"
                              if "sender" in per else ", no notification sender (the outbox's copies wait)")
                lines.append(f"CPU per complete case: web workers {f(per['web'])} ms, PostgreSQL {f(per['postgres'])} ms{own}"
                             f"{edge_cpu}{sender_cpu}, load generator {f(per['clients'])} ms; the machine busy "
                             f"{f(per['machine_busy'])} ms per case ({f(cpu['machine_busy'] / h['seconds'], 2)} of "
                             f"{os.cpu_count()} cores; the sender's copies sent after the cases not in it)")
                lines.append("")
        if "board" in r:
            b = r["board"]
            sd = r["board_seed"]
            lines.append(f"**{r['db']} · supervision board** ({b['open_cases']:,} open + {sd['closed']:,} closed cases, "
                         f"{sd['departments']} departments, {sd['items']} items, seeded in {f(sd['seconds'])} s; "
                         f"lights {b['lights']})")
            lines.append("")
            lines.append("| read | first ms | p50 ms | p99 ms | queries |")
            lines.append("| --- | ---: | ---: | ---: | ---: |")
            for key, label in (("service_board", "`supervision_board()`"),
                               ("service_board_department", "`supervision_board(department_id=largest)`"),
                               ("service_board_cases_red", "`board_cases(light='red')` (200 rows)"),
                               ("service_my_tasks_100", "`my_tasks()` first 100, largest department"),
                               ("page_board_inprocess", "page `/work/board/` (in process, test client)"),
                               ("http_board", "HTTP `GET /api/v1/supervision/board`"),
                               ("http_board_department", "HTTP `GET /api/v1/supervision/board?department=`")):
                v = b.get(key)
                if not v:
                    continue
                if "error" in v:
                    lines.append(f"| {label} | error: {v['error']} | | | |")
                    continue
                lines.append(f"| {label} | {f(v['first_ms'], 1)} | {f(v['p50_ms'], 1)} | {f(v['p99_ms'], 1)} | "
                             f"{v['queries']} |")
            lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--n", type=int, default=1000, help="two-step cases per mode (countersign: N/5)")
    parser.add_argument("--mode", choices=["service", "http", "all"], default="all")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (in total, over --nodes)")
    parser.add_argument("--server", choices=["sync", "production"], default="sync",
                        help="sync workers, or deploy/gunicorn/gunicorn.conf.py's gthread workers")
    parser.add_argument("--nodes", type=int, default=1,
                        help="web nodes: gunicorn instances on their own ports, the workers shared (needs --edge)")
    parser.add_argument("--edge", choices=["none", "nginx"], default="none",
                        help="nginx with deploy/nginx's site in front of the nodes; every request goes through it")
    parser.add_argument("--clients", type=int, default=6, help="load-generator processes")
    parser.add_argument("--shed-retries", type=int, default=SHED_RETRIES,
                        help="times a client sends a request shed by admission control (503) again, after its "
                             "Retry-After; 0: a shed request abandons its case")
    parser.add_argument("--bare-requests", type=int, default=6000)
    parser.add_argument("--board-cases", type=int, default=100_000, help="open cases seeded for the board (0: skip)")
    parser.add_argument("--board-closed", type=int, default=50_000, help="closed cases seeded beside them")
    parser.add_argument("--warm-cases", type=int, default=0,
                        help="the steady state: before measuring, N throwaway cases of each flow (not measured), "
                             "so that every worker has served each request kind; the report says so. Default 0: "
                             "the workers as they start (their warm-up, yiwang/core/warmup.py, included)")
    parser.add_argument("--time-parts", action="store_true",
                        help="the workers time each request's parts (X-Bench-Time, for bench/p99_parts.py); costs each request a little")
    parser.add_argument("--sample-waits", type=float, default=0.0,
                        help="ms between samples of pg_stat_activity's waits during the two-step cases (0: none; "
                             "bench/p99_parts.py reads them)")
    parser.add_argument("--sender", action="store_true",
                        help="run the notification sender (send_notifications --loop) during the HTTP cases and "
                             "count its CPU, as production runs it")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    # inherited by the child and its gunicorn (bench/middleware.py); set either way, so that a value left
    # in the shell's environment does not time a plain run
    os.environ["BENCH_TIME_PARTS"] = "1" if args.time_parts else "0"
    if args.child:
        result = run_child(args)
        args.json.write_text(json.dumps(result, indent=1, default=str))
        return
    if args.nodes > 1 and args.edge == "none":
        parser.error("--nodes 2 or more needs a balancer in front: --edge nginx")
    try:
        split_workers(args.workers, args.nodes)
    except ValueError as exc:
        parser.error(str(exc))
    if args.edge == "nginx" and args.mode in ("http", "all") and shutil.which("nginx") is None:
        parser.error("--edge nginx needs nginx on PATH (Debian: `make nginx-check` installs it)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    dbs = ["sqlite", "postgres"] if args.db == "all" else [args.db]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results = []
    for db in dbs:
        out = RESULTS / f"cases-{stamp}-{db}.json"
        cmd = [sys.executable, __file__, "--child", "--db", db, "--json", str(out), "--n", str(args.n),
               "--mode", args.mode, "--workers", str(args.workers), "--nodes", str(args.nodes), "--edge", args.edge,
               "--server", args.server,
               "--clients", str(args.clients), "--shed-retries", str(args.shed_retries),
               "--bare-requests", str(args.bare_requests), "--board-cases", str(args.board_cases),
               "--board-closed", str(args.board_closed), "--sample-waits", str(args.sample_waits),
               *(["--time-parts"] if args.time_parts else []), *(["--sender"] if args.sender else []),
               "--warm-cases", str(args.warm_cases)]
        subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        results.append(json.loads(out.read_text()))
    text = report(results, sys.argv[1:])
    (RESULTS / f"cases-{stamp}.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
