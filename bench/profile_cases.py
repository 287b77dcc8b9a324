#!/usr/bin/env python
"""Where a case's request time goes: py-spy samples one gunicorn worker while one client drives
whole two-step cases through the HTTP API (upload, submit, accept, review, decide, deliver).

    .venv/bin/python bench/profile_cases.py --n 40          # PostgreSQL database yiwang_profile

It builds its own database (dropped and recreated) and data with ``bench/run_cases.py``'s helpers,
serves ``bench.settings`` with one sync worker under ``py-spy record --idle`` (so time spent
waiting for PostgreSQL counts too), and prints the share of the worker's request samples by
activity and the functions with the most samples of their own. A profile, not a throughput
figure: the sampler slows the worker a little and the shares are what to read.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_PG_DB", "yiwang_profile")

from bench import run_cases as rc  # noqa: E402

# Activities, first match wins, matched against the frames of a sample from the innermost out.
ACTIVITIES = [
    ("waiting for PostgreSQL (network, locks, commit)", re.compile(r"psycopg/(cursor|connection|waiting|generators)\.py")),
    ("SQL compilation (Django ORM)", re.compile(r"django/db/models/sql/compiler\.py")),
    ("building model instances (Django ORM)", re.compile(r"django/db/models/(query|base)\.py")),
    ("PDF rendering and signing (documents)", re.compile(r"reportlab|pypdf|yiwang/core/pdf|yiwang/crypto|gmssl|cases/documents\.py")),
    ("process engine (SpiffWorkflow)", re.compile(r"SpiffWorkflow")),
    ("password or token hashing", re.compile(r"hashers\.py|hashlib")),
    ("API parsing and answers (ninja, pydantic)", re.compile(r"ninja/|pydantic")),
    ("templates, translations, URL resolving", re.compile(r"django/(template|utils/translation|urls)/")),
]


# The case flow's views (cases/api.py): the upload, the application, acceptance, an approval step
# (review and decision alike) and delivery.
VIEWS = ("upload_material", "create_application", "accept", "complete_task", "deliver")


def _activity(frames: list[str]) -> str:
    for name, pattern in ACTIVITIES:
        if any(pattern.search(f) for f in frames):
            return name
    return "other Python (Yiwang services, Django request handling)"


def analyse(raw: Path, top: int) -> str:
    activities: Counter[str] = Counter()
    own: Counter[str] = Counter()
    by_view: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or "handle_request" not in stack or "obtain_token" in stack:
            continue  # the worker's loop between requests, the master, and signing in (set-up)
        n = int(count)
        frames = stack.split(";")
        total += n
        activities[_activity(frames[::-1])] += n
        own[re.sub(r"\s+", " ", frames[-1])] += n
        view = next((v for f in frames for v in VIEWS if f.startswith(f"{v} (") and "cases/api.py" in f),
                    "outside the view (middleware, authentication, the answer)")
        by_view[view] += n
    lines = [f"{total} samples inside the case flow's requests", "", "| activity | share of request time |",
             "| --- | ---: |"]
    lines += [f"| {name} | {100 * n / total:.1f} % |" for name, n in activities.most_common()]
    lines += ["", "| endpoint (view function) | share of request time |", "| --- | ---: |"]
    lines += [f"| `{name}` | {100 * n / total:.1f} % |" for name, n in by_view.most_common()]
    lines += ["", f"| top {top} functions by own samples | share |", "| --- | ---: |"]
    lines += [f"| `{name[:110]}` | {100 * n / total:.1f} % |" for name, n in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="two-step cases")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "profile-cases.txt")
    args = parser.parse_args()
    world, item, required = rc.postgres_world(8)

    port = rc.free_port()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(ROOT / ".venv" / "bin" / "py-spy"), "record", "--idle", "--subprocesses", "-r", "200", "-f", "raw",
           "-o", str(args.out), "--", str(ROOT / ".venv" / "bin" / "gunicorn"), "yiwang.wsgi:application",
           "--workers", "1", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
           "--timeout", "120", "--chdir", str(ROOT)]
    spy = subprocess.Popen(cmd, env=rc.child_env("postgres"), cwd=ROOT, start_new_session=True,
                           stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                tokens: dict[str, Any] = {
                    "staff": {name: rc.token_for(port, u.username) for name, u in world["users"].items()},
                    "applicant": rc.token_for(port, world["applicants"][0][0].username)}
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        rc._flow_client((port, {**tokens["staff"], "applicant": tokens["applicant"]}, {"required": required.pk},
                         item.code, 3, 0))  # warm-up: imports, first connection, the process spec
        started = time.perf_counter()
        result = rc._flow_client((port, {**tokens["staff"], "applicant": tokens["applicant"]},
                                  {"required": required.pk}, item.code, args.n, 1))
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(spy.pid, signal.SIGINT)
        spy.wait(timeout=120)
    print(f"{args.n} cases in {elapsed:.1f} s, errors {result['errors']}, load average {os.getloadavg()}")
    print(analyse(args.out, args.top))


if __name__ == "__main__":
    main()
