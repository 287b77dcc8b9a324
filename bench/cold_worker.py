#!/usr/bin/env python
"""What is cold in a fresh web worker: its first case's requests against its later ones.

    BENCH_PG_DB=cold_worker .venv/bin/python bench/cold_worker.py [--cases 12] [--profile] [--runs 2]

The parent builds the bench database (``run_cases.py``'s world, on PostgreSQL, dropped and
recreated). Then, ``--runs`` times with the worker warm-up off and on in turn (ABAB), a fresh
Python process does what a fresh gunicorn worker does: imports ``yiwang.wsgi`` (the process
warm-up, ``yiwang/warmup.py``), then, if on, the worker warm-up gunicorn's ``post_worker_init`` runs
(``yiwang.core.warmup.warm_worker``; its own wall and CPU time reported), fetches the tokens and sends
``run_cases.py``'s bare insert 20 times (as the bench does before its cases), then ``--cases`` whole
two-step cases through Django's test client (the whole request handling). Per request kind: the
first case's process CPU, wall time and its PostgreSQL backend's CPU (``/proc``), beside the median
of the last half of the cases. Its database connection is new, so PostgreSQL's backend is cold too.
``--profile``: cProfile of the first and the last case's requests, the functions whose
own time differs most (what the first request builds that the later ones find built).
Nothing asserts; figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_DB", "yiwang_cold_worker")

from bench import run_cases as rc  # noqa: E402

STEPS = ["upload", "submit", "accept", "review", "decide", "deliver"]


def _backend_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(warm: bool, cases: int, profile: bool) -> dict[str, Any]:
    started = time.perf_counter(), time.process_time()
    import yiwang.wsgi  # noqa: F401 - what every worker imports: settings, apps, the process warm-up

    loaded = time.perf_counter() - started[0], time.process_time() - started[1]
    result: dict[str, Any] = {"warm": warm, "wsgi_s": loaded}
    if warm:
        from yiwang.core import warmup

        t0, c0 = time.perf_counter(), time.process_time()
        warmup.warm_worker()
        result["warm_up_s"] = (time.perf_counter() - t0, time.process_time() - c0)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from yiwang.catalog.models import ServiceItem

    with connection.cursor() as cursor:  # the backend a worker's requests run on
        cursor.execute("select pg_backend_pid()")
        backend = cursor.fetchone()[0]
    User = get_user_model()
    item = ServiceItem.objects.get(code=rc.TWO_STEP)
    required = next(m for m in item.materials.all() if m.required)
    client = Client(HTTP_HOST="127.0.0.1")

    def token(username: str) -> dict[str, str]:
        answer = client.post("/api/v1/auth/token", json.dumps({"username": username, "password": rc.PASSWORD}),
                             content_type="application/json")
        assert answer.status_code == 200, answer.content
        client.cookies.clear()
        return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['token']}"}

    auth = {who: token(name) for who, name in (("applicant", "citizen0000"), ("clerk", "clerk"),
                                                ("reviewer", "scjg_reviewer"), ("decider", "scjg_decider"))}
    del User
    for i in range(20):
        assert client.post("/bench/bare/insert", f"row {i}", content_type="text/plain").status_code == 201
    times: dict[str, list[tuple[float, float, float]]] = {step: [] for step in STEPS}
    profiles: dict[str, list[Any]] = {step: [] for step in STEPS}
    imported: dict[str, list[str]] = {}
    body, content_type = rc.multipart("file", "scan.pdf", rc.PDF)
    approve = json.dumps({"decision": "approve", "comment": "同意"}).encode()
    step_of = {"审查": "review", "决定": "decide"}

    def post(step: str, ok: int, who: str, profiled: bool, **request: Any) -> Any:
        import cProfile

        request.update(auth[who])
        prof = cProfile.Profile() if profiled else None
        modules = set(sys.modules)
        w0, c0, b0 = time.perf_counter(), time.process_time(), _backend_cpu(backend)
        if prof:
            prof.enable()
        response = client.generic("POST", **request)
        if prof:
            prof.disable()
            profiles[step].append(prof)
        times[step].append((time.process_time() - c0, time.perf_counter() - w0, _backend_cpu(backend) - b0))
        imported[step] = imported.get(step, sorted(set(sys.modules) - modules))  # the first request's imports
        assert response.status_code == ok, (step, response.status_code, response.content[:300])
        return response.json()

    for i in range(cases):
        profiled = profile and i in (0, cases - 1)
        up = post("upload", 201, "applicant", profiled, path="/api/v1/uploads", data=body, content_type=content_type)
        payload = {"item_code": item.code, "form": {"shop_name": f"青禾小馆{i}", "area": "35"},
                   "materials": [{"material_id": required.pk, "upload_id": up["id"]}]}
        case = post("submit", 201, "applicant", profiled, path="/api/v1/applications",
                    data=json.dumps(payload).encode(), content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=f"cold-{i}-{uuid.uuid4().hex[:8]}")
        number = case["number"]
        case = post("accept", 200, "clerk", profiled, path=f"/api/v1/cases/{number}/accept", data=b"{}",
                    content_type="application/json")
        while case["open_steps"]:
            step = case["open_steps"][0]
            label = step_of[step["name"]]
            case = post(label, 200, {"review": "reviewer", "decide": "decider"}[label], profiled,
                        path=f"/api/v1/tasks/{step['id']}/complete", data=approve, content_type="application/json")
        post("deliver", 200, "clerk", profiled, path=f"/api/v1/cases/{number}/deliver",
             data=json.dumps({"method": "window"}).encode(), content_type="application/json")
    result["steps"] = {}
    for step, values in times.items():
        later = values[len(values) // 2:]
        result["steps"][step] = {"first": values[0], "later": tuple(statistics.median(v[k] for v in later) for k in range(3))}
    result["imported"] = imported
    if profile:
        result["profile"] = {step: _diff(p[0], p[-1]) for step, p in profiles.items() if len(p) == 2}
    return result


def _diff(first: Any, last: Any) -> list[tuple[str, float, float, float, float]]:
    import pstats

    def table(prof: Any) -> dict[str, tuple[float, float]]:
        stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
        return {f"{_short(k[0])}:{k[1]}({k[2]})": (v[2], v[3]) for k, v in stats.items()}

    a, b = table(first), table(last)
    rows = [(name, own, cum, b.get(name, (0.0, 0.0))[0], b.get(name, (0.0, 0.0))[1]) for name, (own, cum) in a.items()]
    # the project's own functions whose cumulative time differs, and any whose own time does (the
    # leaves: compiling, parsing, waiting for the database)
    rows = [r for r in rows if (r[0].startswith("yiwang/") and r[2] - r[4] > 0.001) or r[1] - r[3] > 0.0005]
    rows.sort(key=lambda r: r[2] - r[4], reverse=True)
    return [(n, round(o * 1000, 2), round(c * 1000, 2), round(lo * 1000, 2), round(lc * 1000, 2))
            for n, o, c, lo, lc in rows[:60]]


def _short(path: str) -> str:
    """A profile's file name from the project or the library's package onwards."""
    for marker in ("/site-packages/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12)
    parser.add_argument("--runs", type=int, default=2, help="pairs of fresh processes, warm-up off then on")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=["off", "on"], help="only this variant")
    parser.add_argument("--child", choices=["off", "on"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child == "on", args.cases, args.profile)))
        return
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); sys.path.insert(0, '.');"
                    "from bench import run_cases as rc; rc.postgres_world(8)"], cwd=ROOT, check=True)
    env = rc.child_env("postgres")
    variants = [args.only] if args.only else ["off", "on"]
    for run in range(args.runs):
        for variant in variants:
            out = subprocess.run([sys.executable, __file__, "--child", variant, "--cases", str(args.cases),
                                  *(["--profile"] if args.profile else [])],
                                 cwd=ROOT, env=env, check=True, capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"\n## run {run + 1}, worker warm-up {variant}, load {os.getloadavg()[0]:.2f}; wsgi import "
                  f"{r['wsgi_s'][0] * 1000:.0f} ms wall / {r['wsgi_s'][1] * 1000:.0f} ms CPU"
                  + (f"; warm-up {r['warm_up_s'][0] * 1000:.0f} ms wall / {r['warm_up_s'][1] * 1000:.0f} ms CPU"
                     if "warm_up_s" in r else ""))
            print("| request | first: CPU ms | wall ms | PG CPU ms | later median: CPU ms | wall ms | PG CPU ms | first - later wall ms |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            total = 0.0
            for step, s in r["steps"].items():
                f, later = s["first"], s["later"]
                total += f[1] - later[1]
                print(f"| {step} | {f[0] * 1000:.1f} | {f[1] * 1000:.1f} | {f[2] * 1000:.0f} | {later[0] * 1000:.1f} | "
                      f"{later[1] * 1000:.1f} | {later[2] * 1000:.0f} | {(f[1] - later[1]) * 1000:.1f} |")
            print(f"| all six | | | | | | | {total * 1000:.1f} |")
            for step, names in r["imported"].items():
                if names:
                    print(f"modules first imported by the first {step}: {', '.join(names)}")
            for step, rows in r.get("profile", {}).items():
                print(f"\n### {step}: first case vs last, by cumulative ms (own first, cum first, own last, cum last)")
                for row in rows:
                    print(f"  {row[0][:90]:90} {row[1]:8.2f} {row[2]:8.2f} {row[3]:8.2f} {row[4]:8.2f}")


if __name__ == "__main__":
    main()
