#!/usr/bin/env python
"""Exchange ingestion benchmark: a 1-million-row CSV validated and loaded, on PostgreSQL (COPY).

    .venv/bin/python bench/exchange_ingest.py [--rows 1000000] [--keep]

Builds a fresh PostgreSQL database (``yiwang_bench_exchange``), then in child processes ingests,
through ``yiwang.exchange.services.ingest_dataset`` (the same code the API and the steward page
call), two files of the same size in the same run:

* 人口基础信息-like: keyed by citizen ID, every field personal → blind index (HMAC-SM3) and one
  SM4-GCM token per row;
* 企业登记-like: keyed by credit code, no personal field → blind index only, values in clear.

Reports rows/s, seconds, Python CPU (the child and the ingestion's worker processes together, and
the child alone) and peak RSS of the child and of its largest worker (memory must not grow with
the file). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.exchange_common import (  # noqa: E402
    ORG_FIELDS,
    PEOPLE_FIELDS,
    PG_URL,
    ROOT,
    env,
    fresh_database,
    orgs_file,
    people_file,
)


def child(kind: str, path: str) -> None:
    import django

    django.setup()
    from yiwang.core.models import Department
    from yiwang.exchange import services

    dept, _ = Department.objects.get_or_create(code="GA" if kind == "people" else "SCJG", defaults={"name": kind})
    code = "BENCH_RK" if kind == "people" else "BENCH_QY"
    res = services.publish_resource(actor=None, code=code, name=code, provider=dept,
                                    key_kind="citizen_id" if kind == "people" else "uscc",
                                    key_field="id_number" if kind == "people" else "uscc",
                                    fields=PEOPLE_FIELDS if kind == "people" else ORG_FIELDS)
    before = resource.getrusage(resource.RUSAGE_SELF)
    kids_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_before, cpu_before = before.ru_maxrss, before.ru_utime + before.ru_stime
    kids_cpu_before = kids_before.ru_utime + kids_before.ru_stime
    started = time.perf_counter()
    with open(path, "rb") as stream:
        result = services.ingest_dataset(actor=None, resource=res, stream=stream, file_name=os.path.basename(path))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss = usage.ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the ingestion's worker processes, once they have ended
    main_cpu = usage.ru_utime + usage.ru_stime - cpu_before
    cpu = main_cpu + kids.ru_utime + kids.ru_stime - kids_cpu_before
    print(json.dumps({"kind": kind, "rows_loaded": result.dataset.rows_loaded, "rows_rejected": result.dataset.rows_rejected,
                      "seconds": round(seconds, 2), "rows_per_s": round(result.dataset.rows_read / seconds),
                      "python_cpu_s": round(cpu, 1), "main_cpu_s": round(main_cpu, 1),
                      "rows_per_python_cpu_s": round(result.dataset.rows_read / cpu),
                      "worker_peak_rss_mib": round(kids.ru_maxrss / 1024, 1),
                      "peak_rss_mib": round(rss / 1024, 1), "rss_before_mib": round(rss_before / 1024, 1),
                      "file_mib": round(os.path.getsize(path) / 2**20, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    os.environ.setdefault("DEMO_MODE", "1")  # a bench, not a deployment: demo keys and secret
    files = {"people": people_file(args.rows), "orgs": orgs_file(args.rows)}
    fresh_database()
    results = []
    for kind, path in files.items():
        out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], cwd=ROOT, capture_output=True,
                             text=True, env=env(DATABASE_URL=PG_URL, DJANGO_SETTINGS_MODULE="yiwang.settings"))
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            sys.exit(out.returncode)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"# exchange ingestion, {args.rows:,} rows, PostgreSQL COPY, {platform.python_version()}, {os.cpu_count()} cores")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("| file | rows loaded | seconds | rows/s | Python CPU s (main) | rows per Python CPU s | RSS before → peak MiB "
          "| worker peak RSS MiB | file MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['kind']} | {r['rows_loaded']:,} | {r['seconds']} | {r['rows_per_s']:,} | {r['python_cpu_s']} ({r['main_cpu_s']}) | "
              f"{r['rows_per_python_cpu_s']:,} | {r['rss_before_mib']} → {r['peak_rss_mib']} | {r['worker_peak_rss_mib']} | "
              f"{r['file_mib']} |")
    out_path = ROOT / "bench" / "results" / f"exchange-ingest-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out_path.write_text(json.dumps({"rows": args.rows, "results": results}, indent=2))


if __name__ == "__main__":
    main()
