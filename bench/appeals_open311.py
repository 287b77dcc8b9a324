#!/usr/bin/env python
"""Open311 POST throughput beside the bare insert view, in one run (issue #11: goal ≥ 30 %).

    .venv/bin/python bench/appeals_open311.py [--requests 1200] [--clients 2] [--rounds 6]

A fresh SQLite database (``var/bench/open311.sqlite3``, WAL) is migrated and given what a partner's
POST needs: the handling departments and the catch-all, their category routes, the working-day
calendar, two Open311 services and one partner key. gunicorn (2 sync workers, ``bench.settings``)
then serves, alternately in ``--rounds`` short runs from the same client processes:

- ``POST /open311/v2/requests.json``, form-encoded as the specification and real clients send it
  (``api_key``, ``service_code``, ``lat``/``long`` spread over the county, a description, email,
  names, phone): key check, validation, one appeal and its report (contact encrypted with SM4),
  deadline from the rules and the calendar, automatic dispatch by the service's route, the duplicate
  search, notices, the audit record — one transaction;
- ``POST /bench/bare/insert``: a plain Django view that inserts and commits one row.

Markdown on stdout, JSON in ``bench/results/``. Not a test: nothing asserts (but every answer's
status is counted, and a run whose POSTs were not all 201 says so).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exchange_common import env  # noqa: E402
from bench.harness import Request, alternate, drive, fresh_sqlite, gunicorn, migrate, run_child  # noqa: E402

DB_NAME = "open311.sqlite3"
SERVICES = {"bus": ("公交服务", "交通运输", "JT"), "pollution": ("环境污染", "环境保护", "HB")}
DESCRIPTIONS = ["公交站台顶棚破损，下雨天候车的人都淋湿了，请尽快修复。",
                "河边排污口有黑水流出，气味很大，附近居民反映多次。",
                "路口信号灯一直黄闪，早高峰车辆乱行，存在安全隐患。",
                "工地夜间施工噪声扰民，凌晨一点还在打桩。"]


def setup() -> str:
    """Runs in a child with the bench database: the county's minimum for a partner's POST; prints the key."""
    import django

    django.setup()
    from yiwang.appeals import services
    from yiwang.appeals.models import Open311Service
    from yiwang.core.models import CalendarYear
    from yiwang.intelligence import services as intelligence
    from yiwang.testing import factories

    for code, name in (("JT", "县交通运输局"), ("HB", "县生态环境分局"), ("XZFB", "县人民政府办公室")):
        factories.department(code, name)
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="bench") for y in (2026, 2027)])
    for code, (name, category, department) in SERVICES.items():
        intelligence.set_category_route(actor=None, category=category, department_code=department)
        Open311Service.objects.create(code=code, name=name, category=category, group=name[:2])
    _partner, key = services.issue_open311_key(actor=None, name="bench-partner")
    return key


def body(key: str, rng: random.Random) -> bytes:
    # points spread over ~20 km: a few fall within the duplicate radius of an earlier one and merge,
    # as real reports do; the duplicate search runs for every one
    return urlencode({"api_key": key, "service_code": rng.choice(list(SERVICES)),
                      "lat": f"{30.10 + rng.random() * 0.2:.6f}", "long": f"{120.00 + rng.random() * 0.2:.6f}",
                      "description": rng.choice(DESCRIPTIONS), "email": "partner-user@example.com",
                      "first_name": "明", "last_name": "王", "phone": "13800138000"}).encode()


def request(target: str, key: str, rng: random.Random, _i: int) -> Request:
    if target == "bare":
        return "POST", "/bench/bare/insert", b"x" * 40, {"Content-Type": "text/plain"}
    return "POST", "/open311/v2/requests.json", body(key, rng), {"Content-Type": "application/x-www-form-urlencoded"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1200, help="per target, over all rounds")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(setup())
        return
    db = fresh_sqlite(DB_NAME)
    media = ROOT / "var" / "bench" / "open311-media"
    child_env = env(DATABASE_URL=f"sqlite:///{db}", DJANGO_SETTINGS_MODULE="bench.settings", MEDIA_ROOT=str(media))
    migrate(child_env)
    key = run_child(__file__, "--setup", child_env=child_env)
    load_before = os.getloadavg()[0]
    with gunicorn(child_env) as port:
        # the master listens before its workers have imported Django: warm both before timing
        drive(port, request, "bare", key, 60, args.clients)
        drive(port, request, "open311", key, 60, args.clients)
        timed = alternate(port, request, [("bare", key), ("open311", key)], requests=args.requests,
                          clients=args.clients, rounds=args.rounds, seed=1)
        bare_s, open311_s = timed["bare"], timed["open311"]
    load_after = os.getloadavg()[0]
    count = subprocess.run([sys.executable, "-c", "import django; django.setup(); from yiwang.appeals.models import "
                            "Appeal, AppealReport; print(Appeal.objects.count(), AppealReport.objects.count(), "
                            "Appeal.objects.filter(status='merged').count())"],
                           cwd=ROOT, env=child_env, capture_output=True, text=True).stdout.split()
    ratio = open311_s["per_s"] / bare_s["per_s"]
    result = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": platform.node(), "cores": os.cpu_count(),
              "python": platform.python_version(), "load": [round(load_before, 2), round(load_after, 2)],
              "clients": args.clients, "bare": bare_s, "open311": open311_s, "ratio": round(ratio, 3),
              "appeals_reports_merged": count, "goal_met": ratio >= 0.30}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"appeals_open311-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=2))
    print(f"# Open311 POST, SQLite (WAL), gunicorn 2 sync workers, {args.clients} clients, Python "
          f"{result['python']}, {result['cores']} cores, load average {load_before:.1f} -> {load_after:.1f}\n")
    print("| target | requests | req/s | p50 ms | p99 ms | statuses |\n| --- | --- | --- | --- | --- | --- |")
    for name, s in (("POST /open311/v2/requests.json", open311_s), ("bare insert view", bare_s)):
        print(f"| {name} | {s['requests']} | {s['per_s']} | {s['p50_ms']} | {s['p99_ms']} | {s['statuses']} |")
    print(f"\nOpen311 / bare: **{ratio:.0%}** (goal ≥ 30 %); appeals, reports, merged in the database: {count}")


if __name__ == "__main__":
    main()
