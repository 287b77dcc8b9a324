"""The programme's rules over plain values: CPM, cycles, the lights (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiwang.programme import planning

D = dt.date


def test_the_critical_path_is_the_longest_chain_and_the_short_branch_has_float():
    # given A (5 days) → B (3 days) → D and A → C (10 days) → D, every task planned to start at once
    start = D(2027, 1, 1)
    tasks = {"A": (start, D(2027, 1, 5)), "B": (start, D(2027, 1, 3)), "C": (start, D(2027, 1, 10)),
             "D": (start, D(2027, 1, 2))}
    # when
    schedule = planning.critical_path(tasks, [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")])
    # then the predecessors push their successors, and B can slip 7 days without moving the end
    assert schedule["C"].earliest_start == D(2027, 1, 6) and schedule["C"].earliest_finish == D(2027, 1, 15)
    assert schedule["D"].earliest_start == D(2027, 1, 16) and schedule["D"].earliest_finish == D(2027, 1, 17)
    assert [k for k, s in schedule.items() if s.critical] == ["A", "C", "D"]
    assert schedule["B"].float_days == 7 and schedule["B"].latest_finish == D(2027, 1, 15)


def test_a_planned_start_later_than_the_predecessors_finish_is_kept():
    tasks = {"A": (D(2027, 1, 1), D(2027, 1, 2)), "B": (D(2027, 1, 10), D(2027, 1, 11)), "C": (D(2027, 1, 1), D(2027, 1, 3))}
    schedule = planning.critical_path(tasks, [("A", "B")])
    assert schedule["B"].earliest_start == D(2027, 1, 10)
    # the programme ends with B; C ends 8 days before it
    assert schedule["B"].critical and schedule["C"].float_days == 8
    # A may finish as late as the day before B's planned start
    assert schedule["A"].float_days == 7


def test_a_cycle_is_found_and_named_in_reading_order():
    assert planning.find_cycle([("A", "B"), ("B", "C")]) is None
    cycle = planning.find_cycle([("A", "B"), ("B", "C"), ("C", "A"), ("X", "A")])
    assert cycle[0] == cycle[-1] and set(cycle) == {"A", "B", "C"}
    assert all((a, b) in {("A", "B"), ("B", "C"), ("C", "A")} for a, b in zip(cycle, cycle[1:], strict=False))
    with pytest.raises(ValueError):
        planning.critical_path({"A": (D(2027, 1, 1), D(2027, 1, 1)), "B": (D(2027, 1, 1), D(2027, 1, 1))},
                               [("A", "B"), ("B", "A")])


@pytest.mark.parametrize(("progress", "today", "light"), [
    (0, D(2026, 12, 31), planning.GREEN),   # not started yet: nothing expected
    (0, D(2027, 1, 1), planning.GREEN),     # its first day: nothing elapsed yet
    (40, D(2027, 1, 5), planning.GREEN),    # 4 of 10 days elapsed → 40 % expected
    (31, D(2027, 1, 5), planning.GREEN),    # 9 points behind
    (30, D(2027, 1, 5), planning.YELLOW),   # 10 points behind
    (16, D(2027, 1, 5), planning.YELLOW),   # 24 points behind
    (15, D(2027, 1, 5), planning.RED),      # 25 points behind
    (80, D(2027, 1, 10), planning.YELLOW),  # its last day: 90 % expected, 10 points behind
    (99, D(2027, 1, 11), planning.RED),     # past its planned end, unfinished
    (100, D(2027, 2, 1), planning.DONE),
])
def test_a_tasks_light_compares_its_progress_with_the_time_elapsed(progress, today, light):
    assert planning.task_light(starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 10), progress=progress, today=today) == light


def test_the_warning_thresholds_are_configurable(settings):
    settings.YIWANG_PROGRAMME_WARNINGS = {"yellow_gap": 30, "red_gap": 60}
    assert planning.task_light(starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 10), progress=15, today=D(2027, 1, 5)) == planning.GREEN
    settings.YIWANG_PROGRAMME_WARNINGS = {"yellow_gap": 70, "red_gap": 60}
    with pytest.raises(ValueError):
        planning.rules()
    # a bad configuration stops the start (a system check), not a page
    from yiwang.programme.apps import check_warning_rules

    assert [e.id for e in check_warning_rules()] == ["programme.E001"]
    settings.YIWANG_PROGRAMME_WARNINGS = {"yellow_gap": 5}
    assert check_warning_rules() == []


def test_a_budget_line_is_yellow_from_ninety_per_cent_and_red_when_overrun():
    assert planning.budget_light(planned=Decimal(100), spent=Decimal("89.99")) == planning.GREEN
    assert planning.budget_light(planned=Decimal(100), spent=Decimal(90)) == planning.YELLOW
    assert planning.budget_light(planned=Decimal(100), spent=Decimal(100)) == planning.YELLOW
    assert planning.budget_light(planned=Decimal(100), spent=Decimal("100.01")) == planning.RED
