"""Duplicate merging (appeals): precision and recall on a generated, labelled set.

    .venv/bin/python bench/appeals_duplicates.py [--matters 300] [--seed 7]

The set: ``--matters`` true matters (a category of four, a point in the demo county, a time in 30
days), each reported 1–4 times (weights 1:0.5:0.3:0.2) through random channels, each repeat within
80 m and 12 hours of the first report; one report in five carries only the matter's address (with
spacing and punctuation varied), no point; a report with a point also types the address with
probability ``--address-with-point`` (default 0.5; 0 is the harder case where a point-only report
and an address-only report share nothing to compare). Hard negatives, each a matter of its own: one per
three matters 250–600 m from an existing matter (same category, same hours), one per three at the
same point with another category, one per six at the same point and category 3–5 days later.

Every report goes through ``yiwang.appeals.services.submit_appeal`` in time order on a scratch
SQLite database (category given, as a sensor or an Open311 service gives it, so the classifier is
not what is measured). Scored pairwise over reports: a pair is predicted "same" when both reports
end in the same appeal, true "same" when they belong to the same matter. Baseline in the same run:
merging only reports with the identical point or identical address text (what an exact-match
de-duplication does). Goal (issue #11): precision ≥ 95 %, recall ≥ 90 %.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import platform
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CATEGORIES = ["城乡建设", "交通运输", "环境保护", "卫生计生"]
CHANNELS = ["portal", "open311", "sensor"]  # channels that need no staff account to file


def offset(lat: float, lng: float, metres: float, bearing: float) -> tuple[float, float]:
    dlat = metres * math.cos(bearing) / 111_000
    dlng = metres * math.sin(bearing) / (111_000 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def generate(matters: int, seed: int, address_with_point: float) -> list[dict]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    reports: list[dict] = []
    truth = 0

    def matter(category: str, lat: float, lng: float, at: dt.datetime, copies: int, address: str) -> None:
        nonlocal truth
        truth += 1
        for i in range(copies):
            if i == 0:
                p_lat, p_lng, when = lat, lng, at
            else:
                p_lat, p_lng = offset(lat, lng, rng.uniform(0, 80), rng.uniform(0, 2 * math.pi))
                when = at + dt.timedelta(minutes=rng.uniform(1, 12 * 60))
            address_only = rng.random() < 0.2
            shown = address if not address_only else rng.choice([address, address.replace("路", " 路 "),
                                                                 address + "。", " " + address])
            typed = address_only or rng.random() < address_with_point
            reports.append({"matter": truth, "category": category, "at": when, "address": shown if typed else "",
                            "lat": None if address_only else round(p_lat, 6),
                            "lng": None if address_only else round(p_lng, 6), "channel": rng.choice(CHANNELS)})

    bases = []
    for n in range(matters):
        category = rng.choice(CATEGORIES)
        lat, lng = rng.uniform(30.01, 30.23), rng.uniform(120.01, 120.35)
        at = start + dt.timedelta(minutes=rng.uniform(0, 30 * 24 * 60))
        copies = rng.choices([1, 2, 3, 4], weights=[1, 0.5, 0.3, 0.2])[0]
        address = f"第{n}号路{rng.randint(1, 300)}号"
        matter(category, lat, lng, at, copies, address)
        bases.append((category, lat, lng, at))
    for category, lat, lng, at in rng.sample(bases, matters // 3):  # nearby, but another place
        n_lat, n_lng = offset(lat, lng, rng.uniform(250, 600), rng.uniform(0, 2 * math.pi))
        matter(category, n_lat, n_lng, at + dt.timedelta(hours=rng.uniform(0, 6)), 1, f"别处{len(reports)}号")
    for category, lat, lng, at in rng.sample(bases, matters // 3):  # same place, another category
        other = rng.choice([c for c in CATEGORIES if c != category])
        matter(other, lat, lng, at + dt.timedelta(hours=rng.uniform(0, 6)), 1, f"同地{len(reports)}号")
    for category, lat, lng, at in rng.sample(bases, matters // 6):  # same place and category, days later
        matter(category, lat, lng, at + dt.timedelta(days=rng.uniform(3, 5)), 1, f"后来{len(reports)}号")
    reports.sort(key=lambda r: r["at"])
    return reports


def pairwise(labels_true: list[int], labels_pred: list[object]) -> dict:
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(labels_true)), 2):
        same_true = labels_true[i] == labels_true[j]
        same_pred = labels_pred[i] == labels_pred[j]
        tp += same_true and same_pred
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"pairs_true": tp + fn, "pairs_predicted": tp + fp, "precision": round(precision, 4),
            "recall": round(recall, 4)}


def exact_match_baseline(reports: list[dict]) -> list[object]:
    keys: dict[tuple, int] = {}
    labels = []
    for n, r in enumerate(reports):
        key = (r["category"], r["lat"], r["lng"]) if r["lat"] is not None else (r["category"], r["address"])
        labels.append(keys.setdefault(key, n))
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matters", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--address-with-point", type=float, default=0.5)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="yiwang-bench-dupes-")
    os.environ["YIWANG_VAR_DIR"] = tmp.name
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DEMO_MODE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yiwang.appeals import services
    from yiwang.appeals.models import AppealReport
    from yiwang.core.models import CalendarYear

    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="bench") for y in (2026, 2027)])
    reports = generate(args.matters, args.seed, args.address_with_point)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    tokens = []
    for r in reports:
        report = services.submit_appeal(actor=None, intake=services.Intake(
            channel=r["channel"], title=f"{r['category']}问题反映", body="现场情况需要处理", appeal_type="complaint",
            latitude=r["lat"], longitude=r["lng"], address=r["address"], category=r["category"]), now=r["at"])
        tokens.append(report.token)
    seconds = time.perf_counter() - started
    final = dict(AppealReport.objects.values_list("token", "appeal_id"))
    ours = pairwise([r["matter"] for r in reports], [final[t] for t in tokens])
    baseline = pairwise([r["matter"] for r in reports], exact_match_baseline(reports))
    result = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": platform.node(),
              "cpu_count": os.cpu_count(), "load_start": round(load, 2), "load_end": round(os.getloadavg()[0], 2),
              "address_with_point": args.address_with_point, "matters": len({r["matter"] for r in reports}), "reports": len(reports),
              "intake_seconds": round(seconds, 2), "merging": ours, "baseline_exact_match": baseline,
              "goal": {"precision": 0.95, "recall": 0.90},
              "met": ours["precision"] >= 0.95 and ours["recall"] >= 0.90}
    groups = defaultdict(int)
    for r in reports:
        groups[r["matter"]] += 1
    result["reports_per_matter"] = dict(sorted(defaultdict(int, {k: list(groups.values()).count(k)
                                                                 for k in set(groups.values())}).items()))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"appeals_duplicates-{int(time.time())}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
