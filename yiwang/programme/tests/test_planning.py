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


# -- forecasts: a late task pushes its successors ----------------------------------------------------

TODAY = D(2027, 3, 10)
CHAIN = [("A", "B"), ("B", "C")]
A_END = D(2027, 3, 9)


def _chain(a_progress: int, a_end: dt.date = A_END) -> dict[str, tuple[dt.date, dt.date, int]]:
    # A (planned to end yesterday) → B (10 days from today) → C (5 days after B), B and C not started
    return {"A": (D(2027, 3, 1), a_end, a_progress), "B": (D(2027, 3, 10), D(2027, 3, 19), 0),
            "C": (D(2027, 3, 20), D(2027, 3, 24), 0)}


def test_a_task_unfinished_past_its_planned_end_pushes_its_successors_past_today():
    # given A planned to end yesterday at 60 % (9 days, 4 days of work left)
    forecast = planning.forecast(_chain(60), CHAIN, TODAY)
    # then A finishes in 4 days from today, B starts the day after and keeps its 10 days, C follows
    assert forecast["A"] == (D(2027, 3, 1), D(2027, 3, 13))
    assert forecast["B"] == (D(2027, 3, 14), D(2027, 3, 23))
    assert forecast["C"] == (D(2027, 3, 24), D(2027, 3, 28))
    assert all(start > TODAY for start, _end in (forecast["B"], forecast["C"]))


def test_a_task_behind_its_progress_pushes_its_successors_even_before_its_planned_end():
    # given A planned 2027-03-01 – 03-20 (20 days), today at 10 %: 18 days of work left, past its end
    tasks = _chain(10, a_end=D(2027, 3, 20))
    tasks["B"] = (D(2027, 3, 21), D(2027, 3, 30), 0)
    tasks["C"] = (D(2027, 3, 31), D(2027, 4, 4), 0)
    forecast = planning.forecast(tasks, CHAIN, TODAY)
    assert forecast["A"][1] == D(2027, 3, 27)
    assert forecast["B"] == (D(2027, 3, 28), D(2027, 4, 6)) and forecast["C"] == (D(2027, 4, 7), D(2027, 4, 11))


def test_tasks_on_time_keep_their_planned_dates_and_a_finished_one_pushes_nothing():
    forecast = planning.forecast(_chain(100), CHAIN, TODAY)
    assert forecast == {k: (s, e) for k, (s, e, _p) in _chain(100).items()}


def test_the_critical_path_and_the_lights_follow_the_forecast(settings):
    # given the chain with A late, and D a side task after A with a long float on the plan
    tasks = {**_chain(60), "D": (D(2027, 3, 10), D(2027, 3, 11), 0)}
    edges = [*CHAIN, ("A", "D")]
    forecast = planning.forecast(tasks, edges, TODAY)
    schedule = planning.critical_path(forecast, edges)
    # then the chain stays critical on its forecast, D (pushed to after A) keeps float
    assert [k for k, s in schedule.items() if s.critical] == ["A", "B", "C"]
    assert forecast["D"] == (D(2027, 3, 14), D(2027, 3, 15)) and schedule["D"].float_days == 13
    # B is green by its own progress (not started, planned from today) but its forecast ends 4 days
    # late: yellow; 7 days or more late (configurable): red; a finished task stays done
    own = planning.task_light(starts_on=D(2027, 3, 10), ends_on=D(2027, 3, 19), progress=0, today=TODAY)
    assert own == planning.GREEN
    assert planning.slip_light(own, planned_end=D(2027, 3, 19), forecast_end=forecast["B"][1]) == planning.YELLOW
    assert planning.slip_light(own, planned_end=D(2027, 3, 19), forecast_end=D(2027, 3, 26)) == planning.RED
    assert planning.slip_light(planning.RED, planned_end=D(2027, 3, 19), forecast_end=D(2027, 3, 19)) == planning.RED
    assert planning.slip_light(planning.DONE, planned_end=D(2027, 3, 19), forecast_end=D(2027, 4, 19)) == planning.DONE
    settings.YIWANG_PROGRAMME_WARNINGS = {"slip_red_days": 3}
    assert planning.slip_light(own, planned_end=D(2027, 3, 19), forecast_end=forecast["B"][1]) == planning.RED
    settings.YIWANG_PROGRAMME_WARNINGS = {"slip_red_days": 0}
    with pytest.raises(ValueError):
        planning.rules()
