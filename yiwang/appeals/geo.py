"""The demo county's map, offline: a GeoJSON outline of 某县 and its six towns (乡镇), generated here
(a fictitious county, so no survey data is needed or claimed). ``manage.py county_geojson`` writes
it to ``static/appeals/county.geojson``; the portal's location picker and the command board draw it
with ECharts (no tile server). ``district_of`` tells which town a point lies in."""

from __future__ import annotations

import json
from pathlib import Path

# centre and extent of the fictitious county (WGS-84 degrees)
WEST, EAST, SOUTH, NORTH = 120.00, 120.36, 30.00, 30.24
TOWNS = [  # name, column, row in a 3 × 2 grid
    ("城关镇", 0, 0), ("东湖街道", 1, 0), ("青山镇", 2, 0),
    ("南塘镇", 0, 1), ("石桥乡", 1, 1), ("白沙镇", 2, 1),
]
GEOJSON_PATH = Path(__file__).resolve().parents[2] / "static" / "appeals" / "county.geojson"


def _cell(col: int, row: int) -> tuple[float, float, float, float]:
    width, height = (EAST - WEST) / 3, (NORTH - SOUTH) / 2
    west, north = WEST + col * width, NORTH - row * height
    return west, west + width, north - height, north


def _ring(col: int, row: int) -> list[list[float]]:
    """A town's outline: its grid cell with a wobble on each side, so the map reads as a map."""
    west, east, south, north = _cell(col, row)
    wobble = 0.006
    points = [
        [west, south], [(west + east) / 2, south + (wobble if row == 1 else -wobble)], [east, south],
        [east + (wobble if col < 2 else 0.012), (south + north) / 2], [east, north],
        [(west + east) / 2, north + (0.01 if row == 0 else wobble)], [west, north],
        [west - (0.012 if col == 0 else wobble), (south + north) / 2], [west, south],
    ]
    return [[round(x, 5), round(y, 5)] for x, y in points]


def county_geojson() -> dict:
    features = [{"type": "Feature", "properties": {"name": name},
                 "geometry": {"type": "Polygon", "coordinates": [_ring(col, row)]}} for name, col, row in TOWNS]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(path: Path = GEOJSON_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(county_geojson(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def district_of(latitude: float | None, longitude: float | None) -> str:
    """The town whose grid cell holds the point ('' outside the county or without a point)."""
    if latitude is None or longitude is None:
        return ""
    for name, col, row in TOWNS:
        west, east, south, north = _cell(col, row)
        if west <= longitude < east and south <= latitude < north:
            return name
    return ""
