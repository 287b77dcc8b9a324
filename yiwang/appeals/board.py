"""Reads of the command board (应急指挥): what is open now, where, how late, and what recurs.

Every light here is ``selectors.sla_light`` / ``sla_light_q`` (the one rule); a heat cell shows
its counts per light and takes the colour of the worst light present. The open appeals are a
small share of a long history: the counts read them from a covering partial index
(``appeal_open_board_idx``: an index-only scan, no table rows), the lists through the partial index
on open appeals by deadline (``appeal_open_due_idx``), the day's closures through
``appeal_closed_at_idx``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce, NullIf

from yiwang.appeals import hot_topics
from yiwang.appeals.gazetteer import geocode
from yiwang.appeals.models import Appeal, AppealStatus, AppealType, Urgency
from yiwang.appeals.selectors import GREEN, RED, YELLOW, sla_light, sla_light_q

OVERDUE_LIMIT = 15
POINT_LIMIT = 500
URGENT = (Urgency.URGENT, Urgency.EMERGENCY)


def worst_light(counts: dict[str, int]) -> str:
    """A group's colour: red if any of it is red, else yellow if any is yellow, else green."""
    for light in (RED, YELLOW):
        if counts.get(light):
            return light
    return GREEN


def _open() -> Any:
    return Appeal.objects.filter(status__in=AppealStatus.open_states())


def _heat(now: dt.datetime) -> list[dict[str, Any]]:
    """Open appeals by category × district × status with their counts per light (one query). An
    appeal still waiting for dispatch has no category yet: the classifier's suggestion stands in."""
    rows = (_open()
            .annotate(cat=Coalesce(NullIf("category", Value("")), "suggested_category"))
            .values("cat", "district", "status")
            .annotate(red=Count("id", filter=sla_light_q(RED, now=now)),
                      yellow=Count("id", filter=sla_light_q(YELLOW, now=now)),
                      green=Count("id", filter=sla_light_q(GREEN, now=now)),
                      urgent=Count("id", filter=Q(urgency__in=URGENT)))
            .order_by())
    return [{"category": r["cat"] or "", "district": r["district"] or "", "status": r["status"],
             RED: r["red"], YELLOW: r["yellow"], GREEN: r["green"], "urgent": r["urgent"]} for r in rows]


def _sum_by(rows: list[dict[str, Any]], *keys: str) -> dict[tuple, dict[str, int]]:
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: {RED: 0, YELLOW: 0, GREEN: 0})
    for r in rows:
        cell = out[tuple(r[k] for k in keys)]
        for light in (RED, YELLOW, GREEN):
            cell[light] += r[light]
    return out


def _groups(summed: dict[tuple, dict[str, int]], name: str) -> list[dict[str, Any]]:
    groups = [{name: key[0], "open": sum(c.values()), **c, "light": worst_light(c)} for key, c in summed.items()]
    return sorted(groups, key=lambda g: (-g["open"], g[name]))


def overdue(now: dt.datetime, limit: int = OVERDUE_LIMIT) -> list[dict[str, Any]]:
    """The open appeals longest past their deadline, oldest deadline first."""
    rows = (_open().filter(sla_light_q(RED, now=now)).select_related("lead_department")
            .order_by("due_at", "id")[:limit])
    return [{"number": a.number, "title": a.title, "category": a.category or a.suggested_category,
             "district": a.district, "urgency": a.urgency, "status": a.status,
             "department": a.lead_department.name if a.lead_department_id else "",
             "due_at": a.due_at, "overdue_hours": round((now - a.due_at).total_seconds() / 3600, 1)} for a in rows]


def points(now: dt.datetime, limit: int = POINT_LIMIT) -> list[dict[str, Any]]:
    """Open events (事件, sensors' included) and urgent appeals that have a place, the most
    pressing deadline first. One reported as an address only is placed by the county's gazetteer
    (``approximate``, with the place's uncertainty); one whose address names no known place is left
    off the map (it is still counted). The limit is taken in the query after the unplaceable are
    dropped, so that they never crowd placeable points out: the candidates' distinct addresses are
    read first and put through the gazetteer (cached), and only those it places are asked for."""
    candidates = _open().filter(Q(appeal_type=AppealType.EVENT) | Q(urgency__in=URGENT))
    typed = (candidates.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).exclude(address="")
             .values_list("address", flat=True).distinct().order_by())
    placeable = [address for address in typed if geocode(address) is not None]
    rows = (candidates.filter(Q(latitude__isnull=False, longitude__isnull=False) | Q(address__in=placeable))
            .order_by("due_at", "id")
            .values("number", "title", "latitude", "longitude", "address", "urgency", "appeal_type", "status",
                    "due_at", "warn_at")[:limit])
    out = []
    for r in rows:
        latitude, longitude, uncertainty = r["latitude"], r["longitude"], None
        if latitude is None or longitude is None:
            place = geocode(r["address"])
            if place is None:
                continue
            latitude, longitude, uncertainty = place.latitude, place.longitude, round(place.uncertainty_m)
        out.append({"number": r["number"], "title": r["title"], "latitude": latitude, "longitude": longitude,
                    "approximate": uncertainty is not None, "uncertainty_m": uncertainty,
                    "urgency": r["urgency"], "appeal_type": r["appeal_type"],
                    "light": sla_light(status=r["status"], due_at=r["due_at"], warn_at=r["warn_at"], now=now)})
    return out


def board(now: dt.datetime) -> dict[str, Any]:
    """The whole picture the duty officer's page polls for."""
    heat_rows = _heat(now)
    cells = _sum_by(heat_rows, "category", "district")
    by_status = _sum_by(heat_rows, "status")
    since = now - dt.timedelta(hours=24)
    totals = {light: sum(c[light] for c in cells.values()) for light in (RED, YELLOW, GREEN)}
    return {
        "generated_at": now,
        "totals": {
            "open": sum(totals.values()), "overdue": totals[RED], "due_soon": totals[YELLOW],
            "triage": sum(by_status.get((AppealStatus.TRIAGE.value,), {}).values()),
            "urgent_open": sum(r["urgent"] for r in heat_rows),
            "received_24h": Appeal.objects.filter(received_at__gte=since, received_at__lte=now).count(),
            "closed_24h": Appeal.objects.filter(closed_at__gte=since, closed_at__lte=now).count(),
        },
        "by_category": _groups(_sum_by(heat_rows, "category"), "category"),
        "by_district": _groups(_sum_by(heat_rows, "district"), "district"),
        "by_status": [{"status": s, "label": str(AppealStatus(s).label), "open": sum(c.values()), **c}
                      for (s,), c in sorted(by_status.items())],
        "heat": [{"category": cat, "district": district, **c, "light": worst_light(c)}
                 for (cat, district), c in sorted(cells.items())],
        "overdue": overdue(now),
        "points": points(now),
        "hot_topics": hot_topics.latest(),
    }
