"""The programme's rules over plain values, one home each: the critical path (CPM), cycles in the
dependency graph, the red/yellow/green light of a task and of a budget line.

Days are calendar days (a task's planned dates are both inclusive). The plan's dates are what the
county's office writes in calendar days, and a working-day count would need the holiday calendar of
years not yet published (``core.calendar`` refuses those); docs/programme.md says so.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"

# Overridable in settings as YIWANG_PROGRAMME_WARNINGS (docs/programme.md): a task is yellow when
# its progress lags the share of its planned time already elapsed by ``yellow_gap`` points or more,
# red at ``red_gap`` or when its planned end has passed unfinished; a budget line is yellow at
# ``budget_yellow_percent`` of its budget spent and red (overrun) above 100 %.
# A task whose forecast finish (see ``forecast``) passes its planned end is yellow, red once it passes
# it by ``slip_red_days`` days or more, whatever its own progress: the delay it inherits counts.
DEFAULT_RULES: dict[str, int] = {"yellow_gap": 10, "red_gap": 25, "budget_yellow_percent": 90, "slip_red_days": 7}


def rules() -> dict[str, int]:
    configured = getattr(settings, "YIWANG_PROGRAMME_WARNINGS", {}) or {}
    merged = {**DEFAULT_RULES, **{k: int(v) for k, v in dict(configured).items() if k in DEFAULT_RULES}}
    if not 0 < merged["yellow_gap"] <= merged["red_gap"] <= 100:
        raise ValueError("YIWANG_PROGRAMME_WARNINGS: need 0 < yellow_gap <= red_gap <= 100")
    if merged["slip_red_days"] < 1:
        raise ValueError("YIWANG_PROGRAMME_WARNINGS: need slip_red_days >= 1")
    return merged


def expected_progress(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> int:
    """The share (per cent) of the task's planned days elapsed before ``today`` begins: nothing on
    its first day, everything once its last day is over."""
    if today <= starts_on:
        return 0
    if today > ends_on:
        return 100
    total = (ends_on - starts_on).days + 1
    return int(100 * (today - starts_on).days / total)


def task_light(*, starts_on: dt.date, ends_on: dt.date, progress: int, today: dt.date,
               rule: Mapping[str, int] | None = None) -> str:
    """done, or red / yellow / green by dates and progress (the one rule; see ``DEFAULT_RULES``)."""
    rule = rule or rules()
    if progress >= 100:
        return DONE
    if today > ends_on:
        return RED
    gap = expected_progress(starts_on, ends_on, today) - progress
    if gap >= rule["red_gap"]:
        return RED
    if gap >= rule["yellow_gap"]:
        return YELLOW
    return GREEN


def slip_light(light: str, *, planned_end: dt.date, forecast_end: dt.date,
               rule: Mapping[str, int] | None = None) -> str:
    """The light of ``task_light`` raised by the forecast: yellow when the forecast finish passes the
    planned end, red when it passes it by ``slip_red_days`` or more (never lowered, done stays done)."""
    rule = rule or rules()
    if light == DONE:
        return light
    slip = (forecast_end - planned_end).days
    raised = RED if slip >= rule["slip_red_days"] else YELLOW if slip > 0 else GREEN
    order = {GREEN: 0, YELLOW: 1, RED: 2}
    return raised if order[raised] > order.get(light, 0) else light


def budget_light(*, planned: Decimal, spent: Decimal, rule: Mapping[str, int] | None = None) -> str:
    rule = rule or rules()
    if spent > planned:
        return RED
    if planned > 0 and spent * 100 >= planned * rule["budget_yellow_percent"]:
        return YELLOW
    return GREEN


def find_cycle(edges: Iterable[tuple[Any, Any]]) -> list[Any] | None:
    """A cycle in the finish-to-start graph ``(predecessor, successor)``, as the list of nodes
    around it (first == last), or None. The standard library's topological sorter finds it."""
    sorter: graphlib.TopologicalSorter[Any] = graphlib.TopologicalSorter()
    for predecessor, successor in edges:
        sorter.add(successor, predecessor)
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        # CycleError's second argument lists the nodes around the cycle, each one a predecessor of
        # the next, the first repeated at the end: already in reading order (A → B → A)
        return list(exc.args[1])
    return None


def _predecessors(tasks: Mapping[Any, Any], edges: list[tuple[Any, Any]]) -> dict[Any, list[Any]]:
    predecessors: dict[Any, list[Any]] = {key: [] for key in tasks}
    for predecessor, successor in edges:
        predecessors[successor].append(predecessor)
    return predecessors


def forecast(tasks: Mapping[Any, tuple[dt.date, dt.date, int]], edges: Iterable[tuple[Any, Any]],
             today: dt.date) -> dict[Any, tuple[dt.date, dt.date]]:
    """Forecast start and finish of each task (key → planned start, planned end, progress %), with
    finish-to-start ``edges``, as of ``today``:

    - a finished task (100 %) keeps its planned dates;
    - a task starts no earlier than its planned start nor the day after its predecessors' forecast
      finish; one not started yet (0 %) starts no earlier than today;
    - a task finishes no earlier than its forecast start plus its planned duration, nor before the
      work left (its planned duration × the share not done, rounded up to whole days) is done
      counting from today.

    So a late task (unfinished past its planned end, or behind its progress) finishes after today
    and pushes its successors' forecast past today. Raises ``ValueError`` on a cycle."""
    edges = list(edges)
    if find_cycle(edges):
        raise ValueError("the dependency graph has a cycle")
    predecessors = _predecessors(tasks, edges)
    one = dt.timedelta(days=1)
    out: dict[Any, tuple[dt.date, dt.date]] = {}
    for key in graphlib.TopologicalSorter(predecessors).static_order():
        start, end, progress = tasks[key]
        if progress >= 100:
            out[key] = (start, end)
            continue
        duration = (end - start).days + 1
        left = -(-duration * (100 - max(progress, 0)) // 100)  # ceil
        begin = max([start] + [out[p][1] + one for p in predecessors[key]])
        if progress <= 0:
            begin = max(begin, today)
        finish = max(begin + dt.timedelta(days=duration - 1), today + dt.timedelta(days=left - 1))
        out[key] = (begin, finish)
    return out


@dataclass(frozen=True)
class Scheduled:
    """One task after the CPM passes, in days from the programme's first planned start."""

    key: Any
    earliest_start: dt.date
    earliest_finish: dt.date
    latest_start: dt.date
    latest_finish: dt.date
    float_days: int

    @property
    def critical(self) -> bool:
        return self.float_days == 0


def critical_path(tasks: Mapping[Any, tuple[dt.date, dt.date]], edges: Iterable[tuple[Any, Any]]) -> dict[Any, Scheduled]:
    """CPM over ``tasks`` (key → planned start, planned end, both inclusive) and finish-to-start
    ``edges``. A task starts at its planned start or the day after its last predecessor's earliest
    finish, whichever is later (the plan's start is a start-no-earlier-than constraint); the
    backward pass runs from the latest earliest finish. A task with zero total float is critical:
    delaying it delays the programme's end. Raises ``ValueError`` on a cycle."""
    edges = list(edges)
    if find_cycle(edges):
        raise ValueError("the dependency graph has a cycle")
    predecessors: dict[Any, list[Any]] = {key: [] for key in tasks}
    successors: dict[Any, list[Any]] = {key: [] for key in tasks}
    for predecessor, successor in edges:
        predecessors[successor].append(predecessor)
        successors[predecessor].append(successor)
    sorter = graphlib.TopologicalSorter({key: predecessors[key] for key in tasks})
    order = list(sorter.static_order())
    one = dt.timedelta(days=1)
    early: dict[Any, tuple[dt.date, dt.date]] = {}
    for key in order:
        start, end = tasks[key]
        duration = (end - start).days
        es = max([start] + [early[p][1] + one for p in predecessors[key]])
        early[key] = (es, es + dt.timedelta(days=duration))
    if not early:
        return {}
    project_end = max(finish for _start, finish in early.values())
    late: dict[Any, tuple[dt.date, dt.date]] = {}
    for key in reversed(order):
        start, end = tasks[key]
        lf = min([project_end] + [late[s][0] - one for s in successors[key]])
        late[key] = (lf - (end - start), lf)
    return {key: Scheduled(key, early[key][0], early[key][1], late[key][0], late[key][1],
                           (late[key][0] - early[key][0]).days) for key in order}
