#!/usr/bin/env python
"""国密 and ledger benchmark: SM3/SM4/SM2 rates beside ``openssl speed``, ledger appends, proofs, verification.

    .venv/bin/python bench/crypto_ledger.py [--db sqlite|postgres|all|none] [--db-leaves 1000000]
                                           [--mem-leaves 10000000] [--batch 5000] [--seconds 3]

In one run:

* crypto: SM3 and SM4-GCM MB/s through ``cryptography`` (8 KiB buffers) and SM2 sign/verify per
  second through ``yiwang.crypto.sm2`` (system libcrypto), then ``openssl speed -evp sm3``,
  ``-evp sm4-cbc`` (and ``-aead -evp sm4-gcm`` where it works) and ``openssl speed sm2`` on the same
  machine, so the ratio is what matters, not the absolute figure;
* per database, in a child process on a fresh database (SQLite file ``var/bench/ledger.sqlite3``,
  or the PostgreSQL database ``yiwang_bench_ledger``, dropped and recreated): ``append_entries`` in
  batches up to ``--db-leaves`` leaves, ``append_audit_events`` over 20,000 audit rows, then at the
  final size inclusion and consistency proof generation (``selectors``) and verification
  (``merkle.verify_*``), and the full ``verify_ledger`` pass (seconds per million leaves);
* in memory, ``--mem-leaves`` leaves with every perfect node held in per-level lists (the same
  structure the database caches): proof generation and verification times at that size.

Results: Markdown on stdout, JSON in ``bench/results/``. Not a test: nothing asserts. The child
prints its progress on stderr (elapsed time and load average at each step: a build of 10 million
leaves takes minutes), and every figure is kept with the 1-minute load average around it, since on
a shared machine a figure means little without it. On PostgreSQL the tables' size on disk is kept too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1_000_000


# -- crypto ------------------------------------------------------------------------------------


def _rate(fn, seconds: float) -> float:
    """Calls per second of this process's CPU time, as ``openssl speed`` counts (it divides by user
    CPU time unless given ``-elapsed``): on a shared machine wall-clock rates measure the neighbours."""
    calls, start = 0, time.process_time()
    deadline = start + seconds
    while True:
        for _ in range(16):
            fn()
        calls += 16
        now = time.process_time()
        if now >= deadline:
            return calls / (now - start)


def ledger_crypto_rates(seconds: float) -> dict:
    from yiwang.crypto.primitives import sm3, sm4_gcm_encrypt
    from yiwang.crypto.sm2 import Sm2Key

    block = os.urandom(8192)
    key = os.urandom(16)
    nonce = os.urandom(12)
    small = b"x" * 64
    signer = Sm2Key.generate()
    public = signer.public_key()
    message = b"yiwang tree head " * 4
    signature = signer.sign(message)
    return {
        "sm3_8k_mb_s": _rate(lambda: sm3(block), seconds) * len(block) / MB,
        "sm3_64b_per_s": _rate(lambda: sm3(small), seconds),
        "sm4_gcm_8k_mb_s": _rate(lambda: sm4_gcm_encrypt(key, block, b"", nonce), seconds) * len(block) / MB,
        "sm2_sign_per_s": _rate(lambda: signer.sign(message), seconds),
        "sm2_verify_per_s": _rate(lambda: public.verify(message, signature), seconds),
    }


def _openssl(args: list[str]) -> str:
    try:
        result = subprocess.run(["openssl", "speed", *args], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"error: {exc}"
    return result.stdout + result.stderr


def _openssl_bytes_rate(output: str, name: str) -> float | None:
    """MB/s at the 8192-byte column of an ``openssl speed`` table row (values are in 1000s of bytes/s)."""
    header = re.search(r"^type\s+(.*)$", output, re.M)
    row = re.search(rf"^{re.escape(name)}\s+(.*)$", output, re.M | re.I)
    if not header or not row:
        return None
    sizes = re.findall(r"(\d+) bytes", header.group(1))
    values = re.findall(r"([\d.]+)k", row.group(1))
    if "8192" not in sizes or len(values) != len(sizes):
        return None
    return float(values[sizes.index("8192")]) * 1000 / MB


def ledger_openssl_rates(seconds: int) -> dict:
    out: dict = {}
    sm3_out = _openssl(["-seconds", str(seconds), "-evp", "sm3"])
    out["sm3_8k_mb_s"] = _openssl_bytes_rate(sm3_out, "sm3")
    cbc = _openssl(["-seconds", str(seconds), "-evp", "sm4-cbc"])
    out["sm4_cbc_8k_mb_s"] = _openssl_bytes_rate(cbc, "sm4-cbc") or _openssl_bytes_rate(cbc, "SM4-CBC")
    gcm = _openssl(["-seconds", str(seconds), "-aead", "-evp", "sm4-gcm"])
    out["sm4_gcm_8k_mb_s"] = _openssl_bytes_rate(gcm, "sm4-gcm") or _openssl_bytes_rate(gcm, "SM4-GCM")
    sm2 = _openssl(["-seconds", str(seconds), "sm2"])
    match = re.search(r"^\s*\d+ bits SM2 \(\w+\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", sm2, re.M)
    out["sm2_sign_per_s"] = float(match.group(1)) if match else None
    out["sm2_verify_per_s"] = float(match.group(2)) if match else None
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    out["version"] = version
    return out


# -- ledger in a database (child process) ------------------------------------------------------


def _prepare_database(db: str, *, fresh: bool = True) -> str:
    """The bench database's URL; dropped and recreated unless ``fresh`` is false (``--reuse-db``)."""
    if db == "sqlite":
        path = ROOT / "var" / "bench" / "ledger.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if fresh:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not fresh:
        return base.rsplit("/", 1)[0] + "/yiwang_bench_ledger"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS yiwang_bench_ledger")
        conn.execute("CREATE DATABASE yiwang_bench_ledger")
    return base.rsplit("/", 1)[0] + "/yiwang_bench_ledger"


def _load() -> float:
    """The 1-minute load average (what ``uptime`` shows first)."""
    return round(os.getloadavg()[0], 2)


def _progress(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:8.1f} s, load {_load():.2f}] {message}", file=sys.stderr, flush=True)


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    """(p50, p99) in ms."""
    ordered = sorted(seconds)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def _timed(fn, repeat: int, clock=time.perf_counter) -> float:
    """Mean seconds per call over ``repeat`` calls (wall clock; ``time.process_time`` for pure computation)."""
    start = clock()
    for _ in range(repeat):
        fn()
    return (clock() - start) / repeat


def _build_ledger(db: str, leaves: int, batch: int, result: dict, began: float) -> None:
    """``leaves`` document entries through ``append_entries``, then 20,000 audit events pulled."""
    from yiwang.core.models import AuditEvent
    from yiwang.ledger.services import NewEntry, append_audit_events, append_entries, publish_tree_head

    _progress(f"{db}: appending {leaves:,} leaves in batches of {batch:,}", began)
    result["load"]["appends_start"] = _load()
    # appends, batched; tree heads published at a few sizes so that verification checks roots
    head_every = max(batch, leaves // 10)
    done, start, batch_rates = 0, time.perf_counter(), []
    while done < leaves:
        size = min(batch, leaves - done)
        entries = [NewEntry(kind="document", reference=f"doc:{done + i}", payload={"sm3": f"{done + i:064x}"}) for i in range(size)]
        t0 = time.perf_counter()
        append_entries(entries=entries)
        batch_rates.append(size / (time.perf_counter() - t0))
        done += size
        if done % head_every < batch:
            publish_tree_head()
            _progress(f"{done:,} leaves, {done / (time.perf_counter() - start):,.0f}/s so far; tree head signed", began)
    elapsed = time.perf_counter() - start
    result["load"]["appends_end"] = _load()
    result["append_per_s_overall"] = leaves / elapsed
    result["append_per_s_first_10_batches"] = statistics.mean(batch_rates[:10])
    result["append_per_s_last_10_batches"] = statistics.mean(batch_rates[-10:])
    result["append_seconds"] = elapsed

    # the audit stream: 20,000 rows pulled
    AuditEvent.objects.bulk_create(
        [AuditEvent(event_type="case_accepted", subject_type="case", subject_id=str(i), details={"step": i % 7}) for i in range(20_000)],
        batch_size=2000,
    )
    result["load"]["audit_pull"] = _load()
    t0 = time.perf_counter()
    pulled = append_audit_events(batch_size=batch, lag_seconds=0)
    result["audit_pull_per_s"] = pulled / (time.perf_counter() - t0)
    _progress(f"{pulled:,} audit events pulled, {result['audit_pull_per_s']:,.0f}/s", began)


def ledger_db_child(db: str, leaves: int, batch: int, reuse: bool = False) -> dict:
    os.environ["DATABASE_URL"] = _prepare_database(db, fresh=not reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    os.environ.setdefault("DEMO_MODE", "1")  # a bench, not a deployment: demo keys and secret
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # as in production: no per-query logging (demo keys still allowed: env DEBUG unset)

    call_command("migrate", verbosity=0)
    from yiwang.ledger import merkle, selectors
    from yiwang.ledger.services import publish_tree_head
    from yiwang.ledger.verification import verify_ledger

    result: dict = {"db": db, "leaves": leaves, "batch": batch, "load": {}, "reused": reuse}
    began = time.perf_counter()
    if not reuse:
        _build_ledger(db, leaves, batch, result, began)
    if db == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size('ledger_ledgerentry'), pg_total_relation_size('ledger_ledgernode'), "
                "pg_database_size(current_database())"
            )
            entries_bytes, nodes_bytes, database_bytes = cursor.fetchone()
        result["disk_bytes"] = {"entries": entries_bytes, "nodes": nodes_bytes, "database": database_bytes}
    head = publish_tree_head()
    n = head.tree_size
    result["tree_size"] = n
    root = bytes(head.root_hash)

    # proofs at the final size
    rng = random.Random(1)
    indexes = [rng.randrange(n) for _ in range(300)]
    proofs = {}
    index_iter = iter(indexes * 2)
    inclusion_times: list[float] = []

    def one_inclusion():
        index = next(index_iter)
        t = time.perf_counter()
        proofs[index] = selectors.inclusion_proof(index=index, tree_size=n)
        inclusion_times.append(time.perf_counter() - t)

    for _ in range(20):  # warm the connection and caches
        one_inclusion()
    inclusion_times.clear()
    result["load"]["proofs"] = _load()
    result["inclusion_proof_ms"] = _timed(one_inclusion, 280) * 1000
    result["inclusion_proof_p50_ms"], result["inclusion_proof_p99_ms"] = _percentiles(inclusion_times)
    sample = list(proofs.values())
    it = iter(sample * 100)

    def verify_one():
        p = next(it)
        assert merkle.verify_inclusion(p.index, n, p.leaf_hash, p.path, root)

    result["inclusion_verify_us"] = _timed(verify_one, min(len(sample) * 100, 20_000), time.process_time) * 1e6
    result["inclusion_path_length"] = len(sample[0].path)
    olds = iter([rng.randint(1, n - 1) for _ in range(300)])
    consistency_times: list[float] = []

    def one_consistency():
        t = time.perf_counter()
        selectors.consistency_proof(first=next(olds), second=n)
        consistency_times.append(time.perf_counter() - t)

    result["consistency_proof_ms"] = _timed(one_consistency, 200) * 1000
    result["consistency_proof_p50_ms"], result["consistency_proof_p99_ms"] = _percentiles(consistency_times)
    m = n // 3 + 1
    cproof = selectors.consistency_proof(first=m, second=n)
    old_root = selectors.root_at(m)
    result["consistency_verify_us"] = _timed(lambda: merkle.verify_consistency(m, n, old_root, root, cproof), 5000, time.process_time) * 1e6

    _progress(f"proofs at {n:,} leaves: inclusion {result['inclusion_proof_ms']:.2f} ms, consistency {result['consistency_proof_ms']:.2f} ms; verifying the whole ledger", began)

    # full verification
    result["load"]["verify_start"] = _load()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    report = verify_ledger()
    seconds = time.perf_counter() - t0
    result["verify_cpu_seconds"] = time.process_time() - cpu0
    result["load"]["verify_end"] = _load()
    _progress(f"verify_ledger: {seconds:,.1f} s (ok={report.ok})", began)
    result["verify_ok"] = report.ok
    result["verify_seconds"] = seconds
    result["verify_seconds_per_million"] = seconds / n * 1_000_000
    return result


# -- ledger in memory --------------------------------------------------------------------------


class _Levels:
    def __init__(self, levels: list[list[bytes]]) -> None:
        self.levels = levels

    def get(self, level: int, index: int) -> bytes:
        return self.levels[level][index]


def ledger_memory(leaves: int) -> dict:
    from yiwang.ledger import merkle

    t0 = time.perf_counter()
    level = [merkle.leaf_hash(b'{"i":%d,"k":"document"}' % i) for i in range(leaves)]
    levels = [level]
    while len(level) > 1:
        level = [merkle.node_hash(level[j], level[j + 1]) for j in range(0, len(level) - 1, 2)]
        levels.append(level)
    build = time.perf_counter() - t0
    source = _Levels(levels)
    n = leaves
    root = merkle.root(source, n)
    rng = random.Random(2)
    indexes = [rng.randrange(n) for _ in range(5000)]
    it = iter(indexes)
    cpu = time.process_time
    gen = _timed(lambda: merkle.inclusion_path(source, next(it), n), len(indexes), cpu)
    paths = [(i, merkle.inclusion_path(source, i, n)) for i in indexes[:1000]]
    pit = iter(paths * 20)

    def verify_one():
        i, p = next(pit)
        assert merkle.verify_inclusion(i, n, levels[0][i], p, root)

    ver = _timed(verify_one, len(paths) * 20, cpu)
    m = n // 3 + 1
    cproof = merkle.consistency_path(source, m, n)
    old_root = merkle.root(source, m)
    cver = _timed(lambda: merkle.verify_consistency(m, n, old_root, root, cproof), 5000, cpu)
    cgen = _timed(lambda: merkle.consistency_path(source, rng.randint(1, n - 1), n), 2000, cpu)
    return {
        "leaves": leaves,
        "build_seconds": build,
        "inclusion_proof_us": gen * 1e6,
        "inclusion_verify_us": ver * 1e6,
        "consistency_proof_us": cgen * 1e6,
        "consistency_verify_us": cver * 1e6,
        "path_length": len(paths[0][1]),
    }


# -- report ------------------------------------------------------------------------------------


def _fmt(value, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def ledger_markdown(results: dict) -> str:
    ours, ssl = results["crypto"], results["openssl"]
    ratio = lambda a, b: f"{a / b:.0%}" if a and b else "n/a"  # noqa: E731
    lines = [
        f"Run {results['date']} on {results['machine']}; {ssl.get('version', '')}; "
        f"best of {len(results['crypto_rounds'])} alternating rounds "
        f"(load average {results.get('load_crypto_start', 'n/a')} → {results.get('load_crypto_end', 'n/a')}).",
        "",
        "Crypto rates and in-memory/verification times are per CPU second (as `openssl speed` counts);",
        "appends, database proofs and verify_ledger are wall clock.",
        "",
        "| operation | Yiwang | openssl speed | Yiwang / openssl |",
        "| --- | --- | --- | --- |",
        f"| SM3, 8 KiB buffers (MB/s) | {_fmt(ours['sm3_8k_mb_s'])} | {_fmt(ssl['sm3_8k_mb_s'])} | {ratio(ours['sm3_8k_mb_s'], ssl['sm3_8k_mb_s'])} |",
        f"| SM4-GCM encrypt, 8 KiB (MB/s) | {_fmt(ours['sm4_gcm_8k_mb_s'])} | GCM {_fmt(ssl['sm4_gcm_8k_mb_s'])} · CBC {_fmt(ssl['sm4_cbc_8k_mb_s'])} | {ratio(ours['sm4_gcm_8k_mb_s'], ssl['sm4_gcm_8k_mb_s'] or ssl['sm4_cbc_8k_mb_s'])} |",
        f"| SM2 sign (/s) | {_fmt(ours['sm2_sign_per_s'])} | {_fmt(ssl['sm2_sign_per_s'])} | {ratio(ours['sm2_sign_per_s'], ssl['sm2_sign_per_s'])} |",
        f"| SM2 verify (/s) | {_fmt(ours['sm2_verify_per_s'])} | {_fmt(ssl['sm2_verify_per_s'])} | {ratio(ours['sm2_verify_per_s'], ssl['sm2_verify_per_s'])} |",
        f"| SM3 of 64 bytes (/s, the leaf-hash case) | {_fmt(ours['sm3_64b_per_s'])} | | |",
        "",
    ]
    for db in results.get("db", []):
        if "error" in db:
            lines.append(f"{db['db']}: failed: {db['error']}")
            continue
        lines += [
            f"Ledger on {db['db']}, {db['tree_size']:,} leaves "
            + ("(reused from an earlier run: no appends measured):" if db.get("reused") else f"(batches of {db['batch']:,}):"),
            "",
            "| measure | value |",
            "| --- | --- |",
            f"| appends/s, overall (incl. tree heads) | {_fmt(db.get('append_per_s_overall'))} |",
            f"| appends/s, first / last 10 batches | {_fmt(db.get('append_per_s_first_10_batches'))} / {_fmt(db.get('append_per_s_last_10_batches'))} |",
            f"| audit events pulled/s | {_fmt(db.get('audit_pull_per_s'))} |",
            f"| inclusion proof from the database (ms, mean · p50 · p99) | {_fmt(db['inclusion_proof_ms'], 2)} · {_fmt(db.get('inclusion_proof_p50_ms'), 2)} · {_fmt(db.get('inclusion_proof_p99_ms'), 2)} |",
            f"| inclusion proof verification (µs, {db['inclusion_path_length']} hashes) | {_fmt(db['inclusion_verify_us'], 1)} |",
            f"| consistency proof from the database (ms, mean · p50 · p99) | {_fmt(db['consistency_proof_ms'], 2)} · {_fmt(db.get('consistency_proof_p50_ms'), 2)} · {_fmt(db.get('consistency_proof_p99_ms'), 2)} |",
            f"| consistency proof verification (µs) | {_fmt(db['consistency_verify_us'], 1)} |",
            f"| full verify_ledger (s per million leaves) | {_fmt(db['verify_seconds_per_million'], 1)} (ok={db['verify_ok']}; whole ledger {_fmt(db['verify_seconds'])} s wall, {_fmt(db.get('verify_cpu_seconds'))} s CPU in Python) |",
            f"| appends (s, overall) | {_fmt(db.get('append_seconds'))} |",
            f"| load average (1 min) by phase | {', '.join(f'{k} {v}' for k, v in db.get('load', {}).items())} |",
        ]
        if "disk_bytes" in db:
            size = db["disk_bytes"]
            lines.append(
                f"| on disk (GB: entries · nodes · database) | {size['entries'] / 1e9:.2f} · {size['nodes'] / 1e9:.2f} · {size['database'] / 1e9:.2f} |"
            )
        lines.append("")
    mem = results.get("memory")
    if mem:
        lines += [
            f"In memory, {mem['leaves']:,} leaves (all perfect nodes in per-level lists; built in {mem['build_seconds']:.0f} s; "
            f"load average {mem.get('load', {}).get('start', 'n/a')} → {mem.get('load', {}).get('end', 'n/a')}):",
            "",
            "| measure | value |",
            "| --- | --- |",
            f"| inclusion proof generation (µs, {mem['path_length']} hashes) | {_fmt(mem['inclusion_proof_us'], 1)} |",
            f"| inclusion proof verification (µs) | {_fmt(mem['inclusion_verify_us'], 1)} |",
            f"| consistency proof generation (µs) | {_fmt(mem['consistency_proof_us'], 1)} |",
            f"| consistency proof verification (µs) | {_fmt(mem['consistency_verify_us'], 1)} |",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "all", "none"], default="sqlite")
    parser.add_argument("--db-leaves", type=int, default=1_000_000)
    parser.add_argument("--mem-leaves", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=2, help="per crypto measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of Yiwang and openssl speed")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="measure proofs and verify_ledger on the ledger a previous run left in the bench database (no appends)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(ledger_db_child(args.child, args.db_leaves, args.batch, args.reuse_db)))
        return

    results: dict = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "args": vars(args),
    }
    # Alternate rounds of ours and openssl's and keep each one's best: on a shared machine the best
    # round is the one least disturbed by other work, and both sides get the same chances.
    results["load_crypto_start"] = _load()
    rounds = [(ledger_crypto_rates(args.seconds), ledger_openssl_rates(args.seconds)) for _ in range(args.rounds)]
    results["load_crypto_end"] = _load()
    results["crypto_rounds"] = rounds
    results["crypto"] = {k: max(r[0][k] for r in rounds) for k in rounds[0][0]}
    results["openssl"] = {
        k: (max((r[1][k] for r in rounds if r[1][k] is not None), default=None) if k != "version" else rounds[0][1][k])
        for k in rounds[0][1]
    }
    dbs = {"all": ["sqlite", "postgres"], "none": []}.get(args.db, [args.db])
    results["db"] = []
    for db in dbs:
        child = subprocess.run(  # stderr passes through: the child's progress and any traceback
            [sys.executable, __file__, "--child", db, "--db-leaves", str(args.db_leaves), "--batch", str(args.batch)]
            + (["--reuse-db"] if args.reuse_db else []),
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        try:
            results["db"].append(json.loads(child.stdout.strip().splitlines()[-1]))
        except (IndexError, ValueError):
            results["db"].append({"db": db, "error": f"child exited with {child.returncode}; its traceback is on stderr"})
    if args.mem_leaves:
        load = _load()
        results["memory"] = ledger_memory(args.mem_leaves)
        results["memory"]["load"] = {"start": load, "end": _load()}
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"crypto_ledger-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(results, indent=2))
    print(ledger_markdown(results))


if __name__ == "__main__":
    main()
