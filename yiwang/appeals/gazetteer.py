"""An offline gazetteer of the demo county, and a geocoder for addresses as people type them.

The county is fictitious (``geo.py``), so its places are generated here, deterministically, and
shipped as data: ``yiwang/appeals/data/gazetteer.json`` (``manage.py county_geojson`` rewrites it;
a test checks that the file and ``build_gazetteer()`` agree). A real county replaces the file with
its own roads (with the house numbers' run along each), communities and landmarks from its
地名地址库; the geocoder reads only the file.

``geocode(text)`` places a typed address — "青山镇解放路 12 号门口", "解放路十二号附近", "解方路12号"
(one character wrong), "人民路与建设路交叉口", "东湖花园小区", "县人民医院旁边" — as a point and an
uncertainty in metres, or says it cannot (a road without a number is a line kilometres long: no
point). Place names are matched exactly, or with one character wrong or missing (a typing or
speech-to-text slip) when the name's kind (路, 小区, 医院 …) is still there and nothing better matches.
No network, no external service.
"""

from __future__ import annotations

import json
import math
import random
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from yiwang.appeals.geo import NORTH, SOUTH, TOWNS, WEST, _cell

DATA_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.json"
COUNTY = "某县"
HOUSE_SPACING_M = 10  # house numbers advance ~10 m along a road (odd on one side, even on the other)
ROAD_UNCERTAINTY_M = 30
CROSSING_UNCERTAINTY_M = 50

_ROAD_STEMS = ("解放 人民 建设 中山 文化 新华 青年 胜利 和平 友谊 团结 光明 朝阳 东风 红旗 幸福 振兴 长江 "
               "黄河 环城 滨江 湖滨 望江 迎宾 金沙 银杏 桂花 樟树 梅园 竹林 荷塘 柳岸 石榴 枫林 桃源 杏花 "
               "青松 翠竹 春晖 秋实 丰收 永安 兴业 富民 育才 学府 健康 体育").split()
_COMMUNITY_NAMES = ("东湖花园 阳光小区 锦绣苑 翠湖新村 金色家园 幸福里 书香门第 丽景湾 紫荆苑 和谐家园 "
                    "桂园小区 碧水湾 春江花园 凤凰新村 康乐小区 清风苑 明珠花园 盛世华庭 江南人家 "
                    "绿城小区 梧桐苑 天和家园 瑞景苑 玉兰小区 观澜府 滨河小区 南苑新村 北门小区 "
                    "西溪花园 荷花村 柳树村 石桥村 白沙村 青山村 南塘村 东坞村").split()
_LANDMARK_KINDS = ("中心小学", "卫生院", "公园", "农贸市场")


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    uncertainty_m: float
    matched: str  # what was recognised, e.g. "解放路12号"


# Building the data (deterministic) -----------------------------------------------------------------

def _metres_per_degree(latitude: float) -> tuple[float, float]:
    return 111_320.0, 111_320.0 * math.cos(math.radians(latitude))


def build_gazetteer() -> dict[str, Any]:
    """Roads (straight, numbered from their start), communities and landmarks of each town."""
    rng = random.Random(20261206)
    stems = iter(_ROAD_STEMS)
    communities = iter(_COMMUNITY_NAMES)
    roads, areas, landmarks = [], [], []
    for town, col, row in TOWNS:
        west, east, south, north = _cell(col, row)
        margin_lng, margin_lat = (east - west) * 0.05, (north - south) * 0.05
        for k in range(4):  # east-west roads
            lat = south + (north - south) * (k + 1) / 5 + rng.uniform(-0.003, 0.003)
            roads.append({"name": next(stems) + ("路" if k % 2 == 0 else "街"), "town": town,
                          "start": [round(lat, 6), round(west + margin_lng, 6)],
                          "end": [round(lat + rng.uniform(-0.004, 0.004), 6), round(east - margin_lng, 6)]})
        for k in range(4):  # north-south roads
            lng = west + (east - west) * (k + 1) / 5 + rng.uniform(-0.003, 0.003)
            roads.append({"name": next(stems) + ("路" if k % 2 == 0 else "大道"), "town": town,
                          "start": [round(south + margin_lat, 6), round(lng, 6)],
                          "end": [round(north - margin_lat, 6), round(lng + rng.uniform(-0.004, 0.004), 6)]})
        for _ in range(6):
            areas.append({"name": next(communities), "town": town, "radius_m": rng.choice([120, 150, 200, 250]),
                          "point": [round(rng.uniform(south + margin_lat, north - margin_lat), 6),
                                    round(rng.uniform(west + margin_lng, east - margin_lng), 6)]})
        for kind in _LANDMARK_KINDS:
            landmarks.append({"name": town[:2] + kind, "town": town, "radius_m": 80 if kind != "公园" else 200,
                              "point": [round(rng.uniform(south + margin_lat, north - margin_lat), 6),
                                        round(rng.uniform(west + margin_lng, east - margin_lng), 6)]})
    landmarks += [{"name": "县人民医院", "town": TOWNS[0][0], "radius_m": 100,
                   "point": [round((SOUTH + NORTH) / 2 + 0.05, 6), round(WEST + 0.05, 6)]},
                  {"name": "县政府", "town": TOWNS[0][0], "radius_m": 100,
                   "point": [round((SOUTH + NORTH) / 2 + 0.06, 6), round(WEST + 0.07, 6)]}]
    return {"county": COUNTY, "towns": [t[0] for t in TOWNS], "house_spacing_m": HOUSE_SPACING_M,
            "roads": roads, "areas": areas, "landmarks": landmarks}


def write_gazetteer(path: Path = DATA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build_gazetteer(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Any]:
    return json.loads(DATA_PATH.read_text(encoding="utf-8"))


# Geocoding -----------------------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]+(?=号)")
_NUMBER = re.compile(r"(\d{1,5})号")
_NOISE = re.compile(r"[\s，,。.、;；:：!！?？()（）\-—_~·\"'“”‘’]+")
_CROSSING = re.compile(r"交叉口|路口|十字路口|交汇处|交界处")


def _cn_to_int(text: str) -> int:
    """十二 → 12, 一百零五 → 105, 二三 → 23 (digit by digit)."""
    if not any(c in text for c in "十百千"):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (current or 1) * unit
            current = 0
    return total + current


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _NOISE.sub("", text)
    return _CN_NUMBER.sub(lambda m: str(_cn_to_int(m.group(0))), text)


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one substituted, missing or extra character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@dataclass(frozen=True)
class _Hit:
    entry: dict[str, Any]
    kind: str  # road, area, landmark
    start: int
    end: int
    exact: bool


_KIND_SUFFIXES = ("大道", "路", "街", "小区", "新村", "村", "苑", "花园", "家园", "湾", "里", "府", "门第", "华庭", "人家",
                  "小学", "卫生院", "公园", "市场", "医院", "政府")


def _suffix(name: str) -> str:
    return next((s for s in _KIND_SUFFIXES if name.endswith(s)), name[-1:])


def _find(text: str, town: str) -> list[_Hit]:
    data = gazetteer()
    entries = ([(e, "road") for e in data["roads"]] + [(e, "area") for e in data["areas"]]
               + [(e, "landmark") for e in data["landmarks"]])
    if town:  # a town named in the address: its places only (names may repeat across towns)
        entries = [(e, k) for e, k in entries if e["town"] == town] or entries
    hits = []
    for entry, kind in entries:
        name = entry["name"]
        at = text.find(name)
        if at >= 0:
            hits.append(_Hit(entry, kind, at, at + len(name), True))
    taken = [(h.start, h.end) for h in hits]
    slips = []
    for entry, kind in entries:  # one character wrong or missing, the kind of place still written
        name = entry["name"]
        if len(name) < 3 or any(h.entry is entry for h in hits):
            continue
        suffix = _suffix(name)
        for size in (len(name) - 1, len(name), len(name) + 1):
            found = next((at for at in range(0, len(text) - size + 1)
                          if not any(at < end and start < at + size for start, end in taken)
                          and text[at:at + size].endswith(suffix) and _one_edit(text[at:at + size], name)), None)
            if found is not None:
                slips.append(_Hit(entry, kind, found, found + size, False))
                break
    # a slip that fits two places is no place
    return hits + (slips if len({h.entry["name"] for h in slips}) == 1 else [])


def _along(road: dict[str, Any], number: int) -> tuple[float, float] | None:
    (lat1, lng1), (lat2, lng2) = road["start"], road["end"]
    per_lat, per_lng = _metres_per_degree((lat1 + lat2) / 2)
    length = math.hypot((lat2 - lat1) * per_lat, (lng2 - lng1) * per_lng)
    metres = ((number + 1) // 2) * gazetteer()["house_spacing_m"]  # 1 and 2 face each other
    if metres > length:
        return None  # a number this road does not have
    f = metres / length
    return lat1 + (lat2 - lat1) * f, lng1 + (lng2 - lng1) * f


def _crossing(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, float] | None:
    (y1, x1), (y2, x2) = a["start"], a["end"]
    (y3, x3), (y4, x4) = b["start"], b["end"]
    d = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    if abs(d) < 1e-12:
        return None
    t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / d
    u = -((x1 - x2) * (y1 - y3) - (y1 - y2) * (x1 - x3)) / d
    if not (0 <= t <= 1 and 0 <= u <= 1):
        return None  # these two roads do not meet
    return y1 + t * (y2 - y1), x1 + t * (x2 - x1)


@lru_cache(maxsize=4096)
def geocode(address: str) -> Place | None:
    """The point a typed address names, with its uncertainty; None when it names no point."""
    text = normalise(address)
    if not text:
        return None
    text = text.replace(gazetteer()["county"], "", 1)
    town = next((t for t in gazetteer()["towns"] if t in text), "")
    hits = _find(text, town)
    if not hits:
        return None
    roads = [h for h in hits if h.kind == "road"]
    if len(roads) >= 2 and _CROSSING.search(text):
        point = _crossing(roads[0].entry, roads[1].entry)
        if point:
            return Place(*point, CROSSING_UNCERTAINTY_M, f"{roads[0].entry['name']}与{roads[1].entry['name']}")
    for hit in roads:
        number = _NUMBER.match(text, hit.end)
        if number:
            point = _along(hit.entry, int(number.group(1)))
            if point:
                return Place(*point, ROAD_UNCERTAINTY_M, f"{hit.entry['name']}{number.group(1)}号")
    places = [h for h in hits if h.kind != "road"]
    if places:
        # the most specific: a landmark or community named in full rather than by a slip, the longest name
        best = max(places, key=lambda h: (h.exact, h.end - h.start))
        lat, lng = best.entry["point"]
        return Place(lat, lng, float(best.entry["radius_m"]), best.entry["name"])
    return None  # a road without a (known) number: kilometres long, no point
