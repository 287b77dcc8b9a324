#!/usr/bin/env python
"""What each request's latency is made of (issue #14): reads the JSON of ``bench/run_cases.py
--mode http`` (``bench/results/cases-*-postgres.json``) and splits every request's client-observed
time into

* ``queue``: from the client's send to the worker's middleware (waiting in the listen queue for a
  free sync worker; connection set-up and Django's handler before the middleware are in it too);
* the worker's time, in three parts that add up: ``cpu`` its own CPU, ``runq`` runnable but waiting
  for a core, ``blocked`` neither (waiting for PostgreSQL's answers, files);
* ``after``: from the worker's last middleware line to the client's reading the answer;

``total`` = ``queue`` + ``cpu`` + ``runq`` + ``blocked`` + ``after``. Beside them, overlapping those
(the worker's wait for a statement's answer is ``blocked`` and, once the answer is in, ``runq``):
``sql`` the statements' wall time, of which ``rollup`` the KPI day rows' upserts (where a row another
transaction holds is waited for) and ``commit`` the COMMITs' (WAL flush); ``b.cpu``/``b.runq`` the
PostgreSQL backend's CPU and run-queue wait over the request; ``lock``/``io``/``lwlock`` the
backend's waits sampled from ``pg_stat_activity`` (``--sample-waits``), samples × interval.

For each request kind: the mean of each part over the median band (45th–55th percentile of the
total) and over the tail (the requests at or above the 98th percentile), so that the tail's excess
over the median is read part by part. Not a test: nothing asserts.

The run must have been made with ``run_cases.py --time-parts`` (the workers' ``X-Bench-Time``).

    .venv/bin/python bench/p99_parts.py bench/results/cases-…-postgres.json [more.json …]
    .venv/bin/python bench/p99_parts.py --runs a.json b.json …   # one line per run, for A/B
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

PARTS = ("total", "queue", "cpu", "runq", "blocked", "after", "sql", "rollup", "commit", "b.cpu", "b.runq", "lock",
         "io", "lwlock")


def parse(timing: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in timing.split(","):
        key, _, value = pair.partition("=")
        if not key:
            continue
        try:
            out[key] = float(value)
        except ValueError:
            out[key] = value
    return out


def waits_by_pid(waits: dict[str, Any] | None) -> dict[int, list[tuple[float, str, str, str]]]:
    by_pid: dict[int, list[tuple[float, str, str, str]]] = defaultdict(list)
    for t, pid, kind, event, query in (waits or {}).get("samples", []):
        by_pid[int(pid)].append((t, kind, event, query))
    return by_pid


def parts_of(t: dict[str, Any], by_pid: dict[int, list[Any]], interval: float) -> dict[str, float] | None:
    if "start" not in t:
        return None
    p = {"total": t["got"] - t["sent"], "queue": t["start"] - t["sent"], "after": t["got"] - t["end"]}
    worker = t["end"] - t["start"]
    for key in ("cpu", "runq", "sql", "rollup", "commit"):
        p[key] = t.get(key, 0.0)
    p["b.cpu"], p["b.runq"] = t.get("bcpu", 0.0), t.get("brunq", 0.0)
    p["blocked"] = worker - p["cpu"] - p["runq"]
    p["lock"] = p["io"] = p["lwlock"] = 0.0
    if interval and "bpid" in t:
        for ts, kind, _event, _query in by_pid.get(int(t["bpid"]), ()):
            if t["start"] <= ts <= t["end"]:
                part = {"Lock": "lock", "IO": "io", "LWLock": "lwlock"}.get(kind)
                if part:
                    p[part] += interval
    return p


def mean(rows: list[dict[str, float]], key: str) -> float:
    return sum(r[key] for r in rows) / len(rows) if rows else float("nan")


def table(results: list[dict[str, Any]]) -> str:
    by_step: dict[str, list[dict[str, float]]] = defaultdict(list)
    events: dict[str, dict[tuple[str, str, str], int]] = defaultdict(lambda: defaultdict(int))
    for r in results:
        for section in ("http",):
            h = r.get(section) or {}
            waits = h.get("waits")
            interval = (waits or {}).get("interval", 0.0)
            by_pid = waits_by_pid(waits)
            for step, timings in h.get("timings", {}).items():
                for raw in timings:
                    t = parse(raw)
                    p = parts_of(t, by_pid, interval)
                    if p is not None:
                        by_step[step].append(p)
                        if interval and "bpid" in t:
                            for ts, kind, event, query in by_pid.get(int(t["bpid"]), ()):
                                if t["start"] <= ts <= t["end"]:
                                    events[step][(kind, event, query)] += 1
        bare = [parts_of(parse(raw), {}, 0.0) for raw in r.get("http_bare", {}).get("timings", [])]
        by_step["bare view"] += [p for p in bare if p is not None]
    lines = ["| request | band | n | " + " | ".join(PARTS) + " |", "| --- | --- | ---: |" + " ---: |" * len(PARTS)]
    for step, rows in by_step.items():
        rows.sort(key=lambda p: p["total"])
        n = len(rows)
        median = rows[int(n * 0.45):max(int(n * 0.55), int(n * 0.45) + 1)]
        tail = rows[int(n * 0.98):]
        p99 = rows[min(n - 1, round(0.99 * (n - 1)))]
        for band, chosen in (("p45–55", median), ("≥ p98", tail), ("the p99 request", [p99])):
            lines.append(f"| {step} | {band} | {len(chosen)} | "
                         + " | ".join(f"{mean(chosen, k) * 1000:.1f}" for k in PARTS) + " |")
    out = ["All figures ms (means over the band).", "", *lines]
    if events:
        out += ["", "Waits sampled in the tail's requests' backends are in the table; every wait sampled in the "
                "requests' backends, by request (samples):", ""]
        for step, counts in events.items():
            top = sorted(counts.items(), key=lambda kv: -kv[1])[:6]
            out.append(f"- {step}: " + "; ".join(f"{kind}:{event} on `{query}` {k}" for (kind, event, query), k in top))
    return "\n".join(out)


def runs(paths: list[str]) -> str:
    """One line per run (A/B comparisons): cases/s, the bare view's p99, each request's p99 and its
    multiple of the bare view's, and the rollup upserts' time in the submission and the delivery
    (mean and the largest, ms)."""
    out = []
    for path in paths:
        r = json.loads(Path(path).read_text())
        h, bare = r["http"], r["http_bare"]
        steps = " ".join(f"{step} {v['p99_ms']:.0f} ({v['p99_ms'] / bare['p99_ms']:.1f}×)" for step, v in h["steps"].items())
        roll = []
        for step in ("submit", "deliver"):
            ts = [parse(t).get("rollup", 0.0) * 1000 for t in h.get("timings", {}).get(step, [])]
            if ts:
                roll.append(f"{step} {sum(ts) / len(ts):.2f}/{max(ts):.1f}")
        out.append(f"{path}: {h['cases_per_s']:.1f} cases/s, bare {bare['req_per_s']:.0f} req/s p99 {bare['p99_ms']:.1f}; "
                   f"{steps}; rollup ms mean/max {', '.join(roll)}")
    return "\n".join(out)


def main() -> None:
    if sys.argv[1:2] == ["--runs"]:
        print(runs(sys.argv[2:]))
        return
    results = [json.loads(Path(arg).read_text()) for arg in sys.argv[1:]]
    print(table(results))


if __name__ == "__main__":
    main()
