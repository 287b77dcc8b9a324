#!/usr/bin/env python
"""The soak (issue #15): the design load for an hour on the whole topology; memory of every
process, PostgreSQL connections and errors over time.

    flock /tmp/yiwang-bench.lock .venv/bin/python bench/load/soak.py --minutes 60 [--piddir DIR ...]

Runs ``bench/load/run.py --scale 1 --duration MINUTES×60 --label soak-…`` and meanwhile, every
``--every`` seconds (30), records:

* the RSS and PSS of every process of the topology: each pid file under var/cluster/run/ (and every
  ``--piddir``, e.g. the database tier's run directory) with all its descendants: nginx's master and
  workers, each application server's master and workers, the task workers, and with the database
  tier its Patroni, PgBouncer, HAProxy and etcd processes; and every PostgreSQL postmaster with its
  backends, found by data directory (``postmaster.pid`` in each ``data/*/`` beside a ``--piddir``,
  and every ``--pgdata``): Patroni starts PostgreSQL detached, so it is not Patroni's descendant;
* PostgreSQL's connections (``pg_stat_activity`` by database and state) through DATABASE_URL;
* the load average.

Reported: per process the RSS at the start (after a warm-up, ``--warmup`` s) and the end, and the
least-squares slope in MB per hour; a process that appeared or vanished during the run (a worker
replaced) is shown as such. Connections: min / max / last by state. The runner's own report
(errors, p50/p99) follows. JSON with every sample in var/cluster/load/soak-…/soak.json.
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
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.run import app_env  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = defaultdict(list)
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                kids[ppid].append(int(d.name))
            except (OSError, ValueError, IndexError):
                continue
    return kids


def pss_mb(pid: int) -> float | None:
    """Proportional set size: shared pages divided among the processes sharing them (PostgreSQL's
    shared buffers would otherwise count once per backend)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1e3
    except (OSError, ValueError, IndexError):
        return None
    return None


def describe(pid: int) -> tuple[str, float] | None:
    try:
        cmd = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip())
        rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return cmd[:160], rss_pages * PAGE / 1e6


def roots(piddirs: list[Path], pgdata: list[Path]) -> list[tuple[str, Path]]:
    """(group, file whose first line is a pid): every ``*.pid`` of the pid directories, then the
    ``postmaster.pid`` of every PostgreSQL data directory (``data/*/`` beside a pid directory, e.g.
    var/cluster/db/data/pg1 beside var/cluster/db/run, and the ``--pgdata`` ones)."""
    found = [(f.stem, f) for d in piddirs for f in sorted(d.glob("*.pid"))]
    datadirs = [*(x for d in piddirs for x in sorted((d.parent / "data").glob("*"))), *pgdata]
    seen: set[Path] = set()
    for data in datadirs:
        pm = data / "postmaster.pid"
        if pm.resolve() in seen or not pm.exists():
            continue
        seen.add(pm.resolve())
        found.append((f"postgres-{data.name}", pm))
    return found


def snapshot(piddirs: list[Path], pgdata: list[Path] | None = None) -> dict[str, dict[str, Any]]:
    kids = children_map()
    out: dict[str, dict[str, Any]] = {}
    for group, f in roots(piddirs, pgdata or []):
        try:
            root = int(f.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        stack, seen = [(root, group)], set()
        while stack:
            pid, label = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            info = describe(pid)
            if info is None:
                continue
            cmd, rss = info
            pss = pss_mb(pid)
            out[f"{label}:{pid}"] = {"group": group, "pid": pid, "cmd": cmd, "rss_mb": round(rss, 2),
                                     "pss_mb": None if pss is None else round(pss, 2)}
            stack.extend((k, f"{group}/child") for k in kids.get(pid, []))
    return out


def dead_roots(piddirs: list[Path], pgdata: list[Path] | None = None) -> list[str]:
    """The groups whose pid file names no running process (a task worker that exited): without
    this a dead process would only be missing from the tables."""
    dead = []
    for group, f in roots(piddirs, pgdata or []):
        try:
            os.kill(int(f.read_text().split()[0]), 0)
        except (OSError, ValueError, IndexError):
            dead.append(group)
    return dead


def pg_connections(url: str) -> dict[str, int]:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as c:
            rows = c.execute("SELECT coalesce(datname, '-'), coalesce(state, backend_type), count(*) FROM pg_stat_activity "
                             "GROUP BY 1, 2").fetchall()
    except psycopg.Error as exc:
        return {"error": 1, "message": str(exc)[:100]}  # type: ignore[dict-item]
    return {f"{db}/{state}": n for db, state, n in rows}


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope (y per hour) of (t seconds, y)."""
    if len(points) < 3:
        return float("nan")
    n = len(points)
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return (sum((t - mt) * (y - my) for t, y in points) / var) * 3600 if var else float("nan")


def report(samples: list[dict[str, Any]], *, label: str, minutes: float, scale: float, every: float, warmup: float,
           runner_out: str) -> str:
    series: dict[str, list[tuple[float, float]]] = defaultdict(list)
    meta: dict[str, dict[str, Any]] = {}
    for s in samples:
        for key, p in s["processes"].items():
            series[key].append((s["t"], p["rss_mb"]))
            meta[key] = p
    end_t = samples[-1]["t"]
    rows = []
    for key, pts in sorted(series.items(), key=lambda kv: (meta[kv[0]]["group"], kv[0])):
        warm = [(t, y) for t, y in pts if t >= warmup] or pts
        note = ""
        if pts[0][0] > every * 1.5:
            note = f"appeared at {pts[0][0]:.0f} s"
        if pts[-1][0] < end_t - every * 1.5:
            note += (", " if note else "") + f"gone at {pts[-1][0]:.0f} s"
        rows.append((key.rsplit(":", 1)[0], meta[key]["pid"], meta[key]["cmd"][:70], warm[0][1], warm[-1][1],
                     max(y for _t, y in pts), slope(warm), note))
    # per group (a pid file or a data directory): processes and total PSS per sample
    totals: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for s in samples:
        per: dict[str, list[float]] = defaultdict(list)
        for p in s["processes"].values():
            per[p["group"]].append(p.get("pss_mb") or 0.0)
        for g, vals in per.items():
            totals[g].append((s["t"], sum(vals), len(vals)))
    pg_keys = sorted({k for s in samples for k in s["pg"] if k not in ("error", "message")})
    loads = [s["load"] for s in samples]

    lines = [f"## Soak {label}: {minutes:g} min at {scale:g}× design load; load average "
             f"{min(loads):.1f}–{max(loads):.1f} (mean {sum(loads) / len(loads):.1f}), {len(samples)} samples every {every:g} s\n",
             f"RSS per process (MB), from {warmup:g} s (after the warm-up) to the end; slope by least squares over those samples\n",
             "| process | pid | command | RSS start | RSS end | RSS max | slope MB/h | note |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    for g, pid, cmd, a, b, m, sl, note in rows:
        lines.append(f"| {g} | {pid} | `{cmd}` | {a:.1f} | {b:.1f} | {m:.1f} | {sl:+.2f} | {note} |")
    lines += ["", f"Per group, all its processes together: PSS (MB, shared pages divided among their sharers) from "
              f"{warmup:g} s to the end, and the number of processes", "",
              "| group | processes (min–max) | PSS start | PSS end | slope MB/h |", "| --- | --- | ---: | ---: | ---: |"]
    for g, group_pts in sorted(totals.items()):
        warm = [(t, y) for t, y, _n in group_pts if t >= warmup] or [(t, y) for t, y, _n in group_pts]
        counts = [n for _t, _y, n in group_pts]
        lines.append(f"| {g} | {min(counts)}–{max(counts)} | {warm[0][1]:.1f} | {warm[-1][1]:.1f} | {slope(warm):+.2f} |")
    lines += ["", "PostgreSQL connections (pg_stat_activity, database/state): min / max / last", "",
              "| database/state | min | max | last |", "| --- | ---: | ---: | ---: |"]
    for k in pg_keys:
        vals = [s["pg"].get(k, 0) for s in samples]
        lines.append(f"| {k} | {min(vals)} | {max(vals)} | {vals[-1]} |")
    dead = Counter(g for s in samples for g in s.get("dead", []))
    if dead:
        lines += ["", "**Pid files whose process was not running** (in how many of the samples): "
                  + ", ".join(f"{g} ({n} of {len(samples)})" for g, n in sorted(dead.items()))]
    pg_errors = sum(1 for s in samples if "error" in s["pg"])
    if pg_errors:
        lines.append(f"\n{pg_errors} samples could not read pg_stat_activity")
    lines += ["", "### The load (bench/load/run.py)", runner_out]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--every", type=float, default=30)
    ap.add_argument("--warmup", type=float, default=300)
    ap.add_argument("--piddir", action="append", default=[], help="another directory of pid files (repeat)")
    ap.add_argument("--pgdata", action="append", default=[],
                    help="a PostgreSQL data directory whose postmaster and backends to sample (repeat)")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--report", metavar="DIR", help="print the report of an earlier soak's soak.json and exit")
    args = ap.parse_args()
    if args.report:
        data = json.loads((Path(args.report) / "soak.json").read_text(encoding="utf-8"))
        print(report(data["samples"], label=data["label"], minutes=args.minutes, scale=args.scale, every=args.every,
                     warmup=args.warmup, runner_out="(see the run's result.json)"))
        return

    env = app_env()
    label = "soak-" + dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    out = ROOT / "var" / "cluster" / "load" / label
    out.mkdir(parents=True, exist_ok=True)
    piddirs = [ROOT / "var" / "cluster" / "run", *map(Path, args.piddir)]
    pgdata = [Path(x) for x in args.pgdata]
    samples: list[dict[str, Any]] = []
    stop = threading.Event()
    started = time.time()

    def sample() -> None:
        while not stop.is_set():
            samples.append({"t": round(time.time() - started, 1), "load": float(Path("/proc/loadavg").read_text().split()[0]),
                            "processes": snapshot(piddirs, pgdata), "dead": dead_roots(piddirs, pgdata),
                            "pg": pg_connections(env["DATABASE_URL"])})
            (out / "soak.json").write_text(json.dumps({"label": label, "started": started, "samples": samples},
                                                      ensure_ascii=False), encoding="utf-8")
            stop.wait(args.every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    seconds = int(args.minutes * 60)
    runner = subprocess.run([str(ROOT / ".venv/bin/python"), "bench/load/run.py", "--scale", str(args.scale),
                             "--duration", str(seconds), "--label", label], cwd=ROOT, capture_output=True, text=True,
                            env=os.environ.copy())
    stop.set()
    sampler.join(timeout=60)
    samples.append({"t": round(time.time() - started, 1), "load": float(Path("/proc/loadavg").read_text().split()[0]),
                    "processes": snapshot(piddirs, pgdata), "dead": dead_roots(piddirs, pgdata),
                            "pg": pg_connections(env["DATABASE_URL"])})

    text = report(samples, label=label, minutes=args.minutes, scale=args.scale, every=args.every,
                  warmup=args.warmup, runner_out=runner.stdout[-6000:] + runner.stderr[-2000:])
    (out / "soak.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
