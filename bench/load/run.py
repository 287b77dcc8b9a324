#!/usr/bin/env python
"""Drive the design load through the edge and report p50/p99 per endpoint, shed answers and errors.

    flock /tmp/yiwang-bench.lock .venv/bin/python bench/load/run.py --scale 1 --duration 120
    flock /tmp/yiwang-bench.lock .venv/bin/python bench/load/run.py --spike 3 --before 60 --spike-s 120 --after 120

The topology must be up (deploy/cluster/cluster.sh up). The first run seeds what the load needs
(bench/load/seed.py → var/cluster/load-seed.json). locust runs headless for a bounded time; every
request lands in a samples file, which this script reads:

* per endpoint: requests, **admitted** (any answer but a shed 429/503 and but a connection error),
  their p50/p99, shed 429 (nginx's limits), shed 503 (admission control), errors (5xx other than a
  shed 503, connection errors, an unexpected 4xx);
* with --spike: p99 of admitted requests per 10-s window, the 1× level before the spike, and the
  time from the spike's end until a window's p99 is back at that level (within 20 %) with nothing shed;
* the load average sampled every 5 s during the run;
* integrity: every acknowledged (2xx) submission in the ack log exists exactly once (its number and
  its Idempotency-Key); deploy/drills/check_integrity.py (nothing half-written: a case without its
  audit record, workflow state or open step, …) is run too when it is present
  (CHECK_INTEGRITY=path overrides where it is looked for).

Markdown on stdout, JSON in var/cluster/load/<label>/. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "var" / "cluster"
SEED = CLUSTER / "load-seed.json"
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
BASE_USERS = 25  # the weights' sum in locustfile.py: the users at 1×
SHED = {429, 503}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def app_env() -> dict[str, str]:
    """The application's environment as deploy/cluster/app.sh sets it (DATABASE_URL included)."""
    out = subprocess.run(["bash", "-c", 'eval "$(deploy/cluster/app.sh env)" && env -0'], cwd=ROOT,
                         capture_output=True, check=True, env=os.environ.copy()).stdout
    return dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)


def ensure_seed(env: dict[str, str]) -> None:
    if SEED.exists():
        return
    print("seeding the load's data (bench/load/seed.py)…", file=sys.stderr)
    data = subprocess.run([str(ROOT / ".venv/bin/python"), "bench/load/seed.py"], cwd=ROOT, env=env,
                          capture_output=True, check=True).stdout
    SEED.write_bytes(data)


class LoadSampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.time(), float(Path("/proc/loadavg").read_text().split()[0])))
            self.stop.wait(5)


def classify(status: int) -> str:
    if status in SHED:
        return f"shed{status}"
    if status == 0 or status >= 500:
        return "error"
    if 400 <= status < 500:
        return "error"
    return "ok"


def summarise(samples: list[dict[str, Any]]) -> dict[str, Any]:
    by: dict[str, dict[str, Any]] = defaultdict(lambda: {"n": 0, "ok_ms": [], "shed429": 0, "shed503": 0, "errors": 0,
                                                         "error_statuses": defaultdict(int)})
    for s in samples:
        e = by[s["name"]]
        e["n"] += 1
        kind = classify(s["status"])
        if kind == "ok":
            e["ok_ms"].append(s["ms"])
        elif kind == "error":
            e["errors"] += 1
            e["error_statuses"][s["status"]] += 1
        else:
            e[kind] += 1
    out = {}
    for name, e in sorted(by.items()):
        out[name] = {"n": e["n"], "admitted": len(e["ok_ms"]), "p50_ms": pct(e["ok_ms"], 50),
                     "p99_ms": pct(e["ok_ms"], 99), "shed429": e["shed429"], "shed503": e["shed503"],
                     "errors": e["errors"], "error_statuses": dict(e["error_statuses"])}
    return out


def windows(samples: list[dict[str, Any]], start: float, width: float = 10.0) -> list[dict[str, Any]]:
    buckets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for s in samples:
        buckets[int((s["t"] - start) // width)].append(s)
    rows = []
    for k in sorted(buckets):
        b = buckets[k]
        ok = [s["ms"] for s in b if classify(s["status"]) == "ok"]
        rows.append({"t0": k * width, "n": len(b), "admitted": len(ok), "p50_ms": pct(ok, 50), "p99_ms": pct(ok, 99),
                     "shed": sum(1 for s in b if s["status"] in SHED),
                     "errors": sum(1 for s in b if classify(s["status"]) == "error")})
    return rows


def integrity(env: dict[str, str], ack_log: Path) -> dict[str, Any]:
    acks = [json.loads(line) for line in ack_log.read_text(encoding="utf-8").splitlines() if line.strip()]
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        numbers = [a["case_number"] for a in acks]
        rows = conn.execute(
            "SELECT c.number, c.idempotency_key, (SELECT count(*) FROM cases_case d WHERE d.submitted_by_id ="
            " c.submitted_by_id AND d.idempotency_key = c.idempotency_key) FROM cases_case c WHERE c.number = ANY(%s)",
            [numbers]).fetchall()
    found = {r[0]: r for r in rows}
    missing = [a for a in acks if a["case_number"] not in found]
    wrong_key = [a for a in acks if a["case_number"] in found and found[a["case_number"]][1] != a["key"]]
    duplicated = [r[0] for r in rows if r[2] != 1]
    result: dict[str, Any] = {"acknowledged": len(acks), "distinct_keys": len({a["key"] for a in acks}),
                              "found": len(found), "missing": len(missing), "wrong_key": len(wrong_key),
                              "duplicated": len(duplicated)}
    checker = Path(os.environ.get("CHECK_INTEGRITY", ROOT / "deploy/drills/check_integrity.py"))
    if not checker.exists():
        alt = Path("/work/wt/crash/deploy/drills/check_integrity.py")
        checker = alt if alt.exists() else checker
    if checker.exists():
        p = subprocess.run([str(ROOT / ".venv/bin/python"), str(checker), "--ack-log", str(ack_log),
                            "--database-url", env["DATABASE_URL"]], cwd=ROOT, env=env, capture_output=True, text=True)
        result["check_integrity"] = {"path": str(checker), "rc": p.returncode, "output": (p.stdout + p.stderr)[-2000:]}
    else:
        result["check_integrity"] = "not present (H's deploy/drills/check_integrity.py): only the check above ran"
    return result


def f(x: float) -> str:
    return "–" if x != x else f"{x:.0f}"


def print_table(endpoints: dict[str, Any]) -> None:
    print("| endpoint | requests | admitted | p50 ms | p99 ms | shed 429 | shed 503 | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    tot: defaultdict[str, int] = defaultdict(int)
    for name, e in endpoints.items():
        errs = f"{e['errors']} {e['error_statuses']}" if e["errors"] else "0"
        print(f"| `{name}` | {e['n']} | {e['admitted']} | {f(e['p50_ms'])} | {f(e['p99_ms'])} | {e['shed429']} | "
              f"{e['shed503']} | {errs} |")
        for k in ("n", "admitted", "shed429", "shed503", "errors"):
            tot[k] += e[k]
    print(f"| **all** | {tot['n']} | {tot['admitted']} | | | {tot['shed429']} | {tot['shed503']} | {tot['errors']} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edge", default="http://127.0.0.1:8080")
    ap.add_argument("--scale", type=float, default=1.0, help="× the design load (steady run)")
    ap.add_argument("--duration", type=int, default=120, help="seconds (steady run)")
    ap.add_argument("--spike", type=float, help="1× → this × → 1× (recovery is measured)")
    ap.add_argument("--before", type=int, default=60)
    ap.add_argument("--spike-s", type=int, default=120)
    ap.add_argument("--after", type=int, default=120)
    ap.add_argument("--label", default=None)
    ap.add_argument("--warmup", type=int, default=30,
                    help="seconds at the start left out of the per-endpoint figures (every account signs in once "
                         "then: password hashing, not the design load); counted separately")
    ap.add_argument("--resummarise", metavar="DIR", help="print the table of an earlier run's samples again "
                    "(with this --warmup) and exit")
    args = ap.parse_args()
    if args.resummarise:
        d = Path(args.resummarise)
        old = json.loads((d / "result.json").read_text(encoding="utf-8"))
        samples = [json.loads(line) for line in (d / "samples.jsonl").read_text(encoding="utf-8").splitlines() if line]
        start = min(s["t"] for s in samples)
        measured = [s for s in samples if s["t"] >= start + args.warmup]
        print(f"{d.name}: {len(measured)} requests after the first {args.warmup} s "
              f"({len(measured) / max(1, old['duration_s'] - args.warmup):.1f}/s)")
        print_table(summarise(measured))
        return

    env = app_env()
    ensure_seed(env)
    label = args.label or (f"spike{args.spike:g}x" if args.spike else f"{args.scale:g}x") + dt.datetime.now(
        dt.UTC).strftime("-%H%M%S")
    out = CLUSTER / "load" / label
    out.mkdir(parents=True, exist_ok=True)
    ack_log, samples_path = out / "acks.jsonl", out / "samples.jsonl"
    lenv = {**os.environ, "LOAD_SEED": str(SEED), "LOAD_ACK_LOG": str(ack_log), "LOAD_SAMPLES": str(samples_path)}
    cmd = [str(ROOT / ".venv/bin/locust"), "-f", str(LOCUSTFILE), "--headless", "-H", args.edge, "--only-summary",
           "--stop-timeout", "15", "--loglevel", "WARNING"]
    if args.spike:
        lenv.update({"LOAD_PROFILE": "spike", "LOAD_SPIKE": str(args.spike), "LOAD_BEFORE": str(args.before),
                     "LOAD_SPIKE_S": str(args.spike_s), "LOAD_AFTER": str(args.after)})
        total = args.before + args.spike_s + args.after
    else:
        users = max(1, round(BASE_USERS * args.scale))
        cmd += ["-u", str(users), "-r", str(users), "-t", f"{args.duration}s"]
        total = args.duration
    sampler = LoadSampler()
    sampler.start()
    started = time.time()
    p = subprocess.run(cmd, cwd=ROOT, env=lenv, capture_output=True, text=True, timeout=total + 120)
    sampler.stop.set()
    (out / "locust.log").write_text(p.stdout + p.stderr, encoding="utf-8")
    samples = [json.loads(line) for line in samples_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    time.sleep(2)
    measured = [s for s in samples if s["t"] >= started + args.warmup]
    result: dict[str, Any] = {
        "warmup_s": args.warmup, "warmup_requests": len(samples) - len(measured),
        "warmup_endpoints": summarise([s for s in samples if s["t"] < started + args.warmup]),
        "label": label, "edge": args.edge, "scale": args.scale, "spike": args.spike, "started": started,
        "date": dt.datetime.fromtimestamp(started, dt.UTC).isoformat(timespec="seconds"),
        "duration_s": total, "requests": len(samples),
        "rate_rps": len(measured) / max(1, total - args.warmup),
        "load_average": {"min": min(v for _t, v in sampler.samples), "max": max(v for _t, v in sampler.samples),
                         "mean": sum(v for _t, v in sampler.samples) / len(sampler.samples)},
        "endpoints": summarise(measured),
        "integrity": integrity(env, ack_log) if ack_log.exists() else {"acknowledged": 0},
        "app_server": env.get("APP_SERVER", "gunicorn"), "locust_rc": p.returncode,
    }
    if args.spike:
        rows = windows(samples, started)
        result["windows"] = rows
        base = [r["p99_ms"] for r in rows if r["t0"] + 10 <= args.before and r["t0"] >= args.warmup]
        result["baseline_p99_ms"] = max(base) if base else float("nan")
        spike_end = args.before + args.spike_s
        result["spike_admitted_p99_ms"] = pct([s["ms"] for s in samples if classify(s["status"]) == "ok"
                                               and args.before <= s["t"] - started < spike_end], 99)
        level = result["baseline_p99_ms"] * 1.2
        recovered = next((r["t0"] + 10 - spike_end for r in rows if r["t0"] >= spike_end
                          and r["p99_ms"] <= level and r["shed"] == 0), None)
        result["recovery_s"] = recovered
    (out / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")

    la = result["load_average"]
    print(f"\n### {label}: {result['app_server']}, {result['date']}, {result['requests']} requests in {total} s, "
          f"{len(measured)} after the first {args.warmup} s ({result['rate_rps']:.1f}/s); load average "
          f"{la['min']:.1f}–{la['max']:.1f} (mean {la['mean']:.1f})\n")
    print_table(result["endpoints"])
    w = result["warmup_endpoints"]
    print(f"\nwarm-up ({args.warmup} s, left out above): {result['warmup_requests']} requests, "
          f"{sum(e['shed429'] + e['shed503'] for e in w.values())} shed, {sum(e['errors'] for e in w.values())} errors")
    if args.spike:
        print(f"\nbaseline (1×) admitted p99: {f(result['baseline_p99_ms'])} ms; during the spike: "
              f"{f(result['spike_admitted_p99_ms'])} ms; recovery after the spike: "
              f"{result['recovery_s'] if result['recovery_s'] is not None else 'NOT within the run'} s")
        print("\n| t (s) | requests | admitted | p50 ms | p99 ms | shed | errors |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in result["windows"]:
            print(f"| {r['t0']:.0f} | {r['n']} | {r['admitted']} | {f(r['p50_ms'])} | {f(r['p99_ms'])} | {r['shed']} | {r['errors']} |")
    print(f"\nintegrity: {json.dumps(result['integrity'], ensure_ascii=False, default=str)}")
    print(f"\n(JSON: {out / 'result.json'})")


if __name__ == "__main__":
    main()
