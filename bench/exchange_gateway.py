#!/usr/bin/env python
"""Exchange gateway benchmark: lookups per second and p50/p99 against a resource of 1M rows on
PostgreSQL, the gateway (API key, policy, DB counters, access log, audit, SM3 of the response)
beside a bare view doing the same indexed query and decryption, in the same run and server.

    .venv/bin/python bench/exchange_gateway.py [--rows 1000000] [--requests 6000] [--clients 4] [--rounds 10] [--reuse]

Without ``--reuse`` it builds the database and ingests the rows first (bench/exchange_ingest.py's
people file). gunicorn (2 sync workers, ``bench.exchange_settings``) serves both; the same load
generator (client processes, one request in flight each) drives both paths in alternating short
rounds, so that both meet the same background load: first with ``--clients`` at once (requests
queue in the two workers), then with one client (the latency of one request alone).
Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.exchange_common import PEOPLE_FIELDS, PG_URL, ROOT, env, fresh_database, people_file, person_id  # noqa: E402
from bench.harness import Request, alternate, drive, gunicorn, run_child  # noqa: E402

FIELDS = "name,gender,birth_date"


def setup_child(path: str, ingest: bool) -> None:
    import django

    django.setup()
    from yiwang.core.models import Department
    from yiwang.exchange import services
    from yiwang.exchange.models import DataResource, Subscription

    ga, _ = Department.objects.get_or_create(code="GA", defaults={"name": "县公安局"})
    scjg, _ = Department.objects.get_or_create(code="SCJG", defaults={"name": "县市场监管局"})
    res = services.publish_resource(actor=None, code="BENCH_RK", name="人口基础信息（基准）", provider=ga,
                                    key_kind="citizen_id", key_field="id_number", fields=PEOPLE_FIELDS)
    if ingest or DataResource.objects.get(pk=res.pk).current_version == 0:
        with open(path, "rb") as stream:
            services.ingest_dataset(actor=None, resource=res, stream=stream, file_name=os.path.basename(path))
    sub = Subscription.objects.filter(resource=res, consumer=scjg, status="approved", purpose="基准测试").first()
    if sub is None:  # kept across --reuse runs: the access log of earlier runs points at it
        sub = services.request_subscription(actor=None, consumer=scjg, resource=res, fields=FIELDS.split(","),
                                            purpose="基准测试", legal_basis="基准")
        services.approve_subscription(actor=None, subscription=sub, expires_at=None, daily_quota=10**9,
                                      rate_per_minute=10**9)
    _cred, key = services.issue_credential(actor=None, department=scjg, name="bench", subscriptions=[sub])
    print(json.dumps({"key": key, "rows": DataResource.objects.get(pk=res.pk).row_count}))


def request(target: str, context: tuple[dict[str, str], list[str]], rng: random.Random, _i: int) -> Request:
    headers, keys = context
    key = rng.choice(keys)
    if target == "bare":
        url = "/bench/exchange/bare?" + urllib.parse.urlencode({"resource": "BENCH_RK", "key": key, "fields": FIELDS})
    else:
        url = "/api/v1/exchange/lookup?" + urllib.parse.urlencode(
            {"resource": "BENCH_RK", "key": key, "fields": FIELDS, "purpose": "基准测试"})
    return "GET", url, None, headers


def interleaved(port: int, auth: dict[str, str], keys: list[str], requests: int, clients: int, rounds: int) -> tuple[dict, dict]:
    """Bare and gateway alternate in ``rounds`` short runs, so both meet the same background load
    (the order flips every round); each path gets ``requests`` in all. A new connection per request."""
    timed = alternate(port, request, [("bare", ({}, keys)), ("gateway", (auth, keys))], requests=requests,
                      clients=clients, rounds=rounds, reconnect=True, timeout=30)
    return {"target": "bare", **timed["bare"]}, {"target": "gateway", **timed["gateway"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients of the loaded run")
    parser.add_argument("--rounds", type=int, default=10, help="alternating bare/gateway runs per measurement")
    parser.add_argument("--reuse", action="store_true", help="keep the database built by an earlier run")
    parser.add_argument("--setup-child", nargs=2)
    args = parser.parse_args()
    if args.setup_child:
        setup_child(args.setup_child[0], args.setup_child[1] == "1")
        return
    path = people_file(args.rows)
    if not args.reuse:
        fresh_database()
    child_env = env(DATABASE_URL=PG_URL, DJANGO_SETTINGS_MODULE="bench.exchange_settings", CONN_MAX_AGE="60")
    setup = json.loads(run_child(__file__, "--setup-child", str(path), "0" if args.reuse else "1",
                                 child_env=child_env))
    with gunicorn(child_env, timeout=None) as port:
        rng = random.Random(7)
        keys = [person_id(rng.randrange(setup["rows"])) for _ in range(20000)]
        auth = {"X-Api-Key": setup["key"]}
        for target, context in (("bare", ({}, keys)), ("gateway", (auth, keys))):  # warm up both paths
            drive(port, request, target, context, 400, args.clients, reconnect=True, timeout=30)
        load_before = os.getloadavg()[0]
        results = {}
        for clients in (args.clients, 1):  # loaded (queueing in 2 workers), then one request at a time
            results[clients] = interleaved(port, auth, keys, args.requests if clients > 1 else args.requests // 2,
                                           clients, args.rounds)
        load_after = os.getloadavg()[0]
    print(f"# exchange gateway, {setup['rows']:,} rows, PostgreSQL, gunicorn 2 sync workers, "
          f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load_before:.1f} -> {load_after:.1f}, "
          f"{args.rounds} alternating rounds per measurement")
    print("| clients | path | requests | lookups/s | p50 ms | p99 ms | statuses |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | --- |")
    summary = {}
    for clients, (bare, gateway) in results.items():
        for r in (bare, gateway):
            print(f"| {clients} | {r['target']} | {r['requests']} | {r['per_s']} | {r['p50_ms']} | {r['p99_ms']} | {r['statuses']} |")
        summary[clients] = {"bare": bare, "gateway": gateway, "ratio": round(gateway["per_s"] / bare["per_s"], 3),
                            "p50_overhead_ms": round(gateway["p50_ms"] - bare["p50_ms"], 2),
                            "p99_overhead_ms": round(gateway["p99_ms"] - bare["p99_ms"], 2)}
    print()
    for clients, r in summary.items():
        print(f"{clients} client(s): throughput ratio gateway/bare {r['ratio']:.2f} (goal >= 0.60); "
              f"p99 overhead {r['p99_overhead_ms']:.2f} ms (goal < 5 ms); p50 overhead {r['p50_overhead_ms']:.2f} ms")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"exchange-gateway-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps({"rows": setup["rows"], "load": [load_before, load_after], "runs": summary}, indent=2))


if __name__ == "__main__":
    main()
