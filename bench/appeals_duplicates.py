"""Duplicate merging (appeals): precision and recall on a generated, labelled set.

    .venv/bin/python bench/appeals_duplicates.py [--set county|fictional] [--matters 300] [--seed 7]

Two labelled sets. ``--set county`` (default): every matter is at a place of the demo county —
a house number on a road, a crossing, a community or a landmark, read from the county's place list
(``yiwang/appeals/data/gazetteer.json``, read here as plain JSON: none of the geocoder's code is
used; where a house number or a crossing lies is worked out here from the roads' ends) — and
addresses are typed as people type them: with or without the town, numbers in Chinese numerals,
"门口"/"附近"/"旁边", one character wrong one time in ten, two wrong or the kind of place left out
("秋实54号") one time in twenty each (which no rule should guess), crossings as "A与B交叉口"/"AB路口". The
hard negatives "nearby" are another house number 250–600 m along the same road (or another place
that far). ``--set fictional``: the earlier set, on roads that exist nowhere ("第12号路3号"), where
only the address text can be compared.

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
from collections.abc import Sequence
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


GAZETTEER = REPO / "yiwang" / "appeals" / "data" / "gazetteer.json"
KINDS = ("大道", "路", "街", "小区", "新村", "村", "苑", "花园", "家园", "湾", "里", "府", "门第", "华庭", "人家",
         "小学", "卫生院", "公园", "市场", "医院", "政府")
TYPOS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所"


def metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Equirectangular distance, metres (enough over a few kilometres)."""
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(x, math.radians(lat2 - lat1)) * 6_371_000


def doors(road: dict, spacing: float) -> list[tuple[int, float, float]]:
    """(number, lat, lng) of every tenth house number on ``road``: numbers run from its start,
    odd and even facing each other, ``spacing`` metres apart."""
    (lat1, lng1), (lat2, lng2) = road["start"], road["end"]
    length = metres(lat1, lng1, lat2, lng2)
    out = []
    number = 1
    while (number + 1) // 2 * spacing <= length:
        f = (number + 1) // 2 * spacing / length
        out.append((number, lat1 + (lat2 - lat1) * f, lng1 + (lng2 - lng1) * f))
        number += rng_step(number)
    return out


def rng_step(number: int) -> int:
    return 3 if number % 2 else 7  # 1, 4, 11, 14, 21 ... : both sides, every ~50 m


def meet(a: dict, b: dict) -> tuple[float, float] | None:
    """Where two straight roads cross, if they do (parametric form, solved by Cramer's rule)."""
    (ay1, ax1), (ay2, ax2) = a["start"], a["end"]
    (by1, bx1), (by2, bx2) = b["start"], b["end"]
    rx, ry, sx, sy = ax2 - ax1, ay2 - ay1, bx2 - bx1, by2 - by1
    det = rx * (-sy) - ry * (-sx)
    if abs(det) < 1e-15:
        return None
    t = ((bx1 - ax1) * (-sy) - (by1 - ay1) * (-sx)) / det
    u = (rx * (by1 - ay1) - ry * (bx1 - ax1)) / det
    return (ay1 + t * ry, ax1 + t * rx) if 0 <= t <= 1 and 0 <= u <= 1 else None


def chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        return ("" if n // 10 == 1 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")
    return "".join(digits[int(c)] for c in str(n))  # 三零五: as often said digit by digit


def typo(name: str, rng: random.Random) -> str:
    """One character of the name's stem replaced (a slip of the keyboard or of speech-to-text)."""
    stem = len(name) - len(next((k for k in KINDS if name.endswith(k)), name[-1]))
    if stem < 2:
        return name
    i = rng.randrange(stem)
    return name[:i] + rng.choice([c for c in TYPOS if c != name[i]]) + name[i + 1:]


def generate_county(matters: int, seed: int, address_with_point: float) -> list[dict]:
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    start = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    spacing = data["house_spacing_m"]
    road_doors = {r["name"]: (r, doors(r, spacing)) for r in data["roads"]}
    crossings = [(a, b, p) for a in data["roads"] for b in data["roads"]
                 if a["town"] == b["town"] and a["name"] < b["name"] and (p := meet(a, b))]
    reports: list[dict] = []
    truth = 0

    def write(kind: str, names: tuple, number: int | None, town: str) -> str:
        slip = rng.random()
        if slip < 0.1:
            name = typo(names[0], rng)
        elif slip < 0.15:  # two slips: not something a geocoder should guess at
            name = typo(typo(names[0], rng), rng)
        elif slip < 0.2:  # the kind of place left out ("秋实54号", "东湖门口")
            name = names[0][:len(names[0]) - len(next((k for k in KINDS if names[0].endswith(k)), ""))] or names[0]
        else:
            name = names[0]
        prefix = rng.choice(["", "", town, data["county"] + town])
        if kind == "road":
            num = chinese(number) if number is not None and rng.random() < 0.2 else str(number)
            return prefix + name + num + "号" + rng.choice(["", "", "门口", "附近", "对面"])
        if kind == "crossing":
            a, b = (name, names[1]) if rng.random() < 0.5 else (names[1], name)
            return prefix + a + rng.choice(["与", "和", ""]) + b + rng.choice(["交叉口", "路口"])
        return prefix + name + rng.choice(["", "门口", "旁边", "附近", "里面"])

    def matter(category: str, place: dict, at: dt.datetime, copies: int) -> None:
        nonlocal truth
        truth += 1
        lat, lng = place["lat"], place["lng"]
        for i in range(copies):
            if i == 0:
                p_lat, p_lng, when = lat, lng, at
            else:
                p_lat, p_lng = offset(lat, lng, rng.uniform(0, 80), rng.uniform(0, 2 * math.pi))
                when = at + dt.timedelta(minutes=rng.uniform(1, 12 * 60))
            address_only = rng.random() < 0.2
            typed = address_only or rng.random() < address_with_point
            text = write(place["kind"], place["names"], place.get("number"), place["town"])
            reports.append({"matter": truth, "category": category, "at": when, "address": text if typed else "",
                            "lat": None if address_only else round(p_lat, 6),
                            "lng": None if address_only else round(p_lng, 6), "channel": rng.choice(CHANNELS)})

    def near(lat: float, lng: float, within: float) -> tuple[float, float]:
        return offset(lat, lng, rng.uniform(0, within), rng.uniform(0, 2 * math.pi))

    def random_place() -> dict:
        kind = rng.choices(["road", "crossing", "area", "landmark"], weights=[0.6, 0.15, 0.15, 0.1])[0]
        if kind == "road":
            road, ds = road_doors[rng.choice(list(road_doors))]
            number, lat, lng = rng.choice(ds[:60])
            lat, lng = near(lat, lng, 30)  # the pothole is in front of the door, not at it
            return {"kind": kind, "names": (road["name"],), "number": number, "town": road["town"], "lat": lat,
                    "lng": lng, "road": road["name"]}
        if kind == "crossing":
            a, b, (lat, lng) = rng.choice(crossings)
            lat, lng = near(lat, lng, 30)
            return {"kind": kind, "names": (a["name"], b["name"]), "town": a["town"], "lat": lat, "lng": lng}
        entry = rng.choice(data["areas"] if kind == "area" else data["landmarks"])
        (lat, lng), radius = entry["point"], entry["radius_m"]
        lat, lng = near(lat, lng, radius * 0.5)
        return {"kind": kind, "names": (entry["name"],), "town": entry["town"], "lat": lat, "lng": lng}

    def elsewhere(place: dict) -> dict:
        """A place 250–600 m away: another house number on the same road, else any door that far."""
        if place["kind"] == "road":
            road, ds = road_doors[place["road"]]
            pool = [(n, la, ln, road) for n, la, ln in ds]
        else:
            pool = [(n, la, ln, r) for r, ds in road_doors.values() for n, la, ln in ds if r["town"] == place["town"]]
        far = [d for d in pool if 250 <= metres(place["lat"], place["lng"], d[1], d[2]) <= 600]
        if not far:
            lat, lng = offset(place["lat"], place["lng"], rng.uniform(250, 600), rng.uniform(0, 2 * math.pi))
            return {"kind": "area", "names": (f"别处{len(reports)}号",), "town": place["town"], "lat": lat, "lng": lng}
        number, lat, lng, road = rng.choice(far)
        return {"kind": "road", "names": (road["name"],), "number": number, "town": road["town"], "lat": lat,
                "lng": lng, "road": road["name"]}

    # Matters of one category placed at random must not fall on the same spot in the same days by
    # chance: the truth would call two matters what any reader calls one (and places repeat: 36
    # communities, a few kilometres of numbered road). Only the designed negatives below come near.
    placed: list[tuple[str, dt.datetime, float, float]] = []

    def clear(category: str, at: dt.datetime, place: dict) -> bool:
        return all(c != category or abs((t - at).total_seconds()) > 60 * 3600
                   or metres(la, ln, place["lat"], place["lng"]) > 250 for c, t, la, ln in placed)

    bases: list[tuple[str, dict, dt.datetime]] = []
    while len(bases) < matters:
        category = rng.choice(CATEGORIES)
        place = random_place()
        at = start + dt.timedelta(minutes=rng.uniform(0, 30 * 24 * 60))
        if not clear(category, at, place):
            continue
        placed.append((category, at, place["lat"], place["lng"]))
        matter(category, place, at, rng.choices([1, 2, 3, 4], weights=[1, 0.5, 0.3, 0.2])[0])
        bases.append((category, place, at))
    for category, place, at in rng.sample(bases, matters // 3):  # nearby, but another place
        when = at + dt.timedelta(hours=rng.uniform(0, 6))
        other = next((p for p in (elsewhere(place) for _ in range(20)) if clear(category, when, p)), None)
        if other is not None:
            placed.append((category, when, other["lat"], other["lng"]))
            matter(category, other, when, 1)
    designed = [(rng.choice([c for c in CATEGORIES if c != category]), place, at + dt.timedelta(hours=rng.uniform(0, 6)))
                for category, place, at in rng.sample(bases, matters // 3)]  # same place, another category
    designed += [(category, place, at + dt.timedelta(days=rng.uniform(3, 5)))
                 for category, place, at in rng.sample(bases, matters // 6)]  # same place and category, days later
    for category, place, when in designed:
        if clear(category, when, place):
            placed.append((category, when, place["lat"], place["lng"]))
            matter(category, place, when, 1)
    reports.sort(key=lambda r: r["at"])
    return reports


def pairwise(labels_true: list[int], labels_pred: Sequence[object]) -> dict:
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


def exact_match_baseline(reports: list[dict]) -> list[int]:
    keys: dict[tuple, int] = {}
    labels = []
    for n, r in enumerate(reports):
        key = (r["category"], r["lat"], r["lng"]) if r["lat"] is not None else (r["category"], r["address"])
        labels.append(keys.setdefault(key, n))
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=["county", "fictional"], default="county")
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
    make = generate_county if args.set == "county" else generate
    reports = make(args.matters, args.seed, args.address_with_point)
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
              "set": args.set, "address_with_point": args.address_with_point, "matters": len({r["matter"] for r in reports}), "reports": len(reports),
              "intake_seconds": round(seconds, 2), "merging": ours, "baseline_exact_match": baseline,
              "goal": {"precision": 0.95, "recall": 0.90},
              "met": ours["precision"] >= 0.95 and ours["recall"] >= 0.90}
    groups: defaultdict[int, int] = defaultdict(int)
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
