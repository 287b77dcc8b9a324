#!/usr/bin/env python3
"""After a drill: every acknowledged submission exists exactly once, and nothing is half-written.

    DEMO_MODE=1 .venv/bin/python deploy/drills/check_integrity.py --ack-log var/cluster/acks.jsonl \\
        --database-url postgres://yiwang@127.0.0.1:6432/yiwang [--media-root var/cluster/media] [--json out.json]

Reads the ack log written by ``submitter.py`` (one JSON line per 2xx; a torn last line, from a
driver killed while writing, is reported and skipped) and checks the database (and the files under
MEDIA_ROOT) with ``yiwang.cases.integrity.check_all``: acknowledged keys → exactly one case with the
acknowledged number; no case without its number, its submission audit record, its workflow state or
its open step; the latest audit record of each case agrees with its status; no audit record about a
case that does not exist; every uploaded material and case document has its file, of the recorded
size; no notice copy pending for longer than ``--stuck-after`` seconds; no task left running by a
dead worker or due and untaken for that long.

Run it with the environment ``manage.py`` runs with (``DEMO_MODE=1`` for the drills; the settings
refuse to start otherwise without real keys). ``--database-url`` (else ``DATABASE_URL``) selects the
database. Exit status 0 when everything holds, 1 with what was found (stdout), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read_acks(path: str) -> tuple[list[dict], list[str]]:
    acks, problems = [], []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                str(record["key"])
            except (ValueError, KeyError, TypeError):
                problems.append(f"line {n} is not an acknowledgement: {line[:120]!r}")
                continue
            acks.append(record)
    return acks, problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ack-log", required=True, help="JSON lines written by submitter.py (several: comma-separated)")
    p.add_argument("--database-url", default="", help="default: the DATABASE_URL environment variable")
    p.add_argument("--media-root", default="", help="default: MEDIA_ROOT of the settings")
    p.add_argument("--stuck-after", type=float, default=300.0,
                   help="seconds after which a pending notice copy or a task is reported as stuck")
    p.add_argument("--no-size", action="store_true", help="only check that files exist, not their size")
    p.add_argument("--json", default="", help="also write the full report as JSON to this file")
    p.add_argument("--max-listed", type=int, default=50, help="findings printed per kind")
    args = p.parse_args(argv)

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if args.media_root:
        os.environ["MEDIA_ROOT"] = str(Path(args.media_root).resolve())
    if not os.environ.get("DATABASE_URL"):
        print("no database: give --database-url or set DATABASE_URL", file=sys.stderr)
        return 2
    acks, problems = [], []
    for path in filter(None, args.ack_log.split(",")):
        if not Path(path).exists():
            print(f"no ack log at {path}", file=sys.stderr)
            return 2
        got, bad = read_acks(path)
        acks += got
        problems += bad

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()
    from yiwang.cases.integrity import check_all

    report = check_all(acks, stuck_after=dt.timedelta(seconds=args.stuck_after), verify_size=not args.no_size)
    report["ack_log_problems"] = problems
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")

    counts = report["counts"]
    print(f"acknowledged keys: {counts['acknowledged_keys']}, their cases found: {counts['cases_found']}; "
          f"cases in the database: {counts['cases']}, materials: {counts['materials']}, "
          f"notice copies pending: {counts['outbox_pending']}")
    for problem in problems:
        print(f"  ack log: {problem}")
    if report["ok"]:
        print("OK: every acknowledged submission exists exactly once; nothing half-written.")
        return 0
    print("FOUND: " + ", ".join(f"{kind} × {n}" for kind, n in sorted(report["by_kind"].items())))
    shown: dict[str, int] = {}
    for f in report["findings"]:
        shown[f["kind"]] = shown.get(f["kind"], 0) + 1
        if shown[f["kind"]] <= args.max_listed:
            print(f"  {f['kind']}: {f['subject']}: {f['detail']}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
