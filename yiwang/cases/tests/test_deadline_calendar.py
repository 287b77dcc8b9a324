"""Working days (工作日) across the real 2026 holidays and make-up days (调休): the deadlines a
case is promised, when it turns yellow, and how a correction's pause moves the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseStep, StepStatus
from yiwang.core import calendar
from yiwang.core.models import AuditEvent, CalendarDay
from yiwang.core.services import set_calendar_day
from yiwang.testing import case_factories
from yiwang.testing.calendar import local, observe_2026_holidays

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def holidays_2026(db):
    observe_2026_holidays()


def test_the_calendar_says_which_days_are_worked(holidays_2026):
    assert not calendar.is_working_day(D(2026, 10, 1))  # 国庆, a Thursday
    assert not calendar.is_working_day(D(2026, 2, 23))  # 春节, a Monday
    assert calendar.is_working_day(D(2026, 9, 20))  # 调休, a Sunday
    assert calendar.is_working_day(D(2026, 10, 10))  # 调休, a Saturday
    assert calendar.is_working_day(D(2026, 2, 14))
    assert not calendar.is_working_day(D(2026, 9, 26))  # an ordinary Saturday
    assert calendar.is_working_day(D(2026, 9, 25))  # an ordinary Friday


def test_declaring_a_day_is_audited_and_takes_effect_at_once(db):
    # given a Friday the calendar has already been asked about (and cached)
    friday = D(2026, 5, 1)
    assert calendar.is_working_day(friday)
    # when the county declares it a holiday
    set_calendar_day(actor=None, date=friday, is_working_day=False, name="劳动节")
    # then it is off at once, and the declaration is on record
    assert not calendar.is_working_day(friday)
    assert CalendarDay.objects.get(date=friday).name == "劳动节"
    assert AuditEvent.objects.filter(event_type="calendar_day_set", subject_id="2026-05-01").exists()


def test_deadline_from_the_thursday_before_national_day_skips_the_golden_week(holidays_2026):
    # given a case started on Thursday 24 September, promised in 5 working days
    start = local(2026, 9, 24, 15)
    # then the days are Fri 25, Mon 28, Tue 29, Wed 30 and Thu 8 October: due at the end of 8 October
    assert calendar.deadline_after(start, 5) == local(2026, 10, 9)
    # and in 1 working day, from the last day before the holiday, the next day worked is 8 October
    assert calendar.deadline_after(local(2026, 9, 30, 16), 1) == local(2026, 10, 9)


def test_twenty_working_days_count_the_make_up_saturday(holidays_2026):
    # Sep 25, 28, 29, 30, Oct 8, 9, 10 (Sat, worked), 12 … 16, 19 … 23, 26, 27, 28
    assert calendar.deadline_after(local(2026, 9, 24, 9), 20) == local(2026, 10, 29)


def test_deadline_from_a_make_up_saturday(holidays_2026):
    # started on Saturday 10 October (a working day), one working day later is Monday 12 October
    assert calendar.deadline_after(local(2026, 10, 10, 10), 1) == local(2026, 10, 13)
    # started on Saturday 14 February (worked before 春节), the next working day is Tuesday 24 February
    assert calendar.deadline_after(local(2026, 2, 14, 10), 1) == local(2026, 2, 25)
    # an ordinary Saturday's next working day is the make-up Sunday 20 September
    assert calendar.deadline_after(local(2026, 9, 19, 10), 1) == local(2026, 9, 21)


def test_deadline_across_the_spring_festival(holidays_2026):
    # Fri 13 Feb + 3: Sat 14 (worked), then 24 and 25 February
    assert calendar.deadline_after(local(2026, 2, 13, 9), 3) == local(2026, 2, 26)
    # Fri 27 Feb + 1: Sat 28 is worked
    assert calendar.deadline_after(local(2026, 2, 27, 9), 1) == local(2026, 3, 1)


def test_promised_zero_days_means_the_end_of_the_same_or_next_working_day(holidays_2026):
    assert calendar.deadline_after(local(2026, 10, 10, 9), 0) == local(2026, 10, 11)  # worked Saturday
    assert calendar.deadline_after(local(2026, 10, 3, 9), 0) == local(2026, 10, 9)  # holiday → 8 October
    assert calendar.deadline_after(local(2026, 9, 26, 9), 0) == local(2026, 9, 29)  # Saturday → Monday
    assert calendar.deadline_after(local(2026, 9, 25, 9), 0) == local(2026, 9, 26)  # Friday itself


def test_the_start_day_is_the_local_day_not_the_utc_day(holidays_2026):
    # given 17:00 UTC on Thursday 24 September, which is already Friday 01:00 in the county
    start = dt.datetime(2026, 9, 24, 17, tzinfo=dt.UTC)
    # then one working day later is Monday 28 September, not Friday 25
    assert calendar.deadline_after(start, 1) == local(2026, 9, 29)


@pytest.mark.parametrize("promised, threshold", [(0, 1), (1, 1), (3, 1), (5, 1), (9, 1), (10, 2), (20, 4), (60, 12)])
def test_warning_threshold_is_one_day_or_a_fifth_of_the_promised_time(promised, threshold):
    assert calendar.warning_threshold_days(promised) == threshold


def test_five_day_case_turns_yellow_with_one_working_day_left_even_across_the_holiday(holidays_2026):
    # given the 5-day case due at the end of 8 October
    due = calendar.deadline_after(local(2026, 9, 24, 15), 5)
    warn = calendar.warning_at(due, 5)
    # then it is yellow from the end of 30 September: only 8 October, one working day, is left
    assert warn == local(2026, 10, 1)
    assert selectors.sla_light(status="in_review", due_at=due, warn_at=warn, now=local(2026, 9, 30, 23, 59)) == "green"
    assert selectors.sla_light(status="in_review", due_at=due, warn_at=warn, now=local(2026, 10, 1)) == "yellow"
    assert selectors.sla_light(status="in_review", due_at=due, warn_at=warn, now=local(2026, 10, 8, 23, 59)) == "yellow"
    assert selectors.sla_light(status="in_review", due_at=due, warn_at=warn, now=local(2026, 10, 9)) == "red"


def test_twenty_day_case_turns_yellow_with_a_fifth_of_its_time_left(holidays_2026):
    # given the 20-day case due at the end of 28 October
    due = calendar.deadline_after(local(2026, 9, 24, 9), 20)
    warn = calendar.warning_at(due, 20)
    # then it turns yellow when 4 working days (23, 26, 27, 28 October) are left
    assert warn == local(2026, 10, 23)
    assert calendar.working_days_between(D(2026, 10, 22), D(2026, 10, 28)) == 4


def test_extending_a_deadline_counts_only_working_days(holidays_2026):
    # given a deadline at the end of 30 September
    deadline = local(2026, 10, 1)
    # then two more working days are 8 and 9 October; none leaves it where it was
    assert calendar.extend_deadline(deadline, 2) == local(2026, 10, 10)
    assert calendar.extend_deadline(deadline, 0) == deadline
    # and one more working day after Friday 13 February is the make-up Saturday
    assert calendar.extend_deadline(local(2026, 2, 14), 1) == local(2026, 2, 15)


def test_paused_working_days_are_the_working_days_that_began_during_the_pause(holidays_2026):
    # over national day: 30 September, 8 and 9 October began while paused
    assert calendar.paused_working_days(local(2026, 9, 29, 10), local(2026, 10, 9, 15)) == 3
    # a pause that fits inside the holiday costs no working day
    assert calendar.paused_working_days(local(2026, 9, 30, 17), local(2026, 10, 7, 9)) == 0
    # Friday evening to Monday morning around the make-up Sunday: Sunday 20 and Monday 21
    assert calendar.paused_working_days(local(2026, 9, 18, 18), local(2026, 9, 21, 9)) == 2
    # the same day
    assert calendar.paused_working_days(local(2026, 9, 22, 9), local(2026, 9, 22, 17)) == 0


def test_case_submitted_before_the_holiday_is_due_after_it(world, holidays_2026):
    # given the 5-day item, applied for on the afternoon of 30 September
    case = case_factories.apply_online(world.citizen, world.applicant, world.item, now=local(2026, 9, 30, 16))
    # then it is due at the end of 13 October (8, 9, 10 (Sat), 12, 13) and turns yellow a day before
    assert case.due_at == local(2026, 10, 14)
    assert case.warn_at == local(2026, 10, 13)
    assert case.number.startswith("YW20260930")


def test_a_correction_extends_the_deadline_by_exactly_the_working_days_paused(world, holidays_2026):
    # given a case submitted on Thursday 24 September, due at the end of 8 October
    case = case_factories.apply_online(world.citizen, world.applicant, world.item, now=local(2026, 9, 24, 9))
    assert case.due_at == local(2026, 10, 9)
    # when the window asks for a correction on Friday 25 September
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="营业执照复印件不清晰",
                                now=local(2026, 9, 25, 10))
    case.refresh_from_db()
    assert case.paused_at == local(2026, 9, 25, 10)
    # and the applicant answers on 9 October: 28, 29, 30 September, 8 and 9 October stood still
    services.supply_correction(actor=world.citizen, case_id=case.pk, note="已重新上传", now=local(2026, 10, 9, 11))
    # then the deadline moves by those five working days: 9, 10 (Sat), 12, 13, 14 October
    case.refresh_from_db()
    assert case.paused_days == 5 and case.paused_at is None
    assert case.due_at == local(2026, 10, 15)
    assert case.warn_at == local(2026, 10, 14)
    assert calendar.working_days_between(D(2026, 10, 8), calendar.local_date(case.due_at - dt.timedelta(seconds=1))) == 5
    supplied = AuditEvent.objects.get(subject_type="case", subject_id=str(case.pk), event_type="case_correction_supplied")
    assert supplied.details["paused_days"] == 5

    # and the step opened at acceptance carries the extended deadline
    services.accept_application(actor=world.clerk, case_id=case.pk, now=local(2026, 10, 9, 14))
    step = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    assert step.due_at == local(2026, 10, 15)


def test_a_correction_answered_during_the_holiday_costs_no_working_day_it_did_not_span(world, holidays_2026):
    # given a case submitted on 29 September and paused on 30 September
    case = case_factories.apply_online(world.citizen, world.applicant, world.item, now=local(2026, 9, 29, 9))
    due_before = case.due_at
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="请补充说明",
                                now=local(2026, 9, 30, 15))
    # when the applicant answers on 5 October, in the middle of the holiday
    services.supply_correction(actor=world.citizen, case_id=case.pk, now=local(2026, 10, 5, 20))
    # then no working day stood still and the deadline is unchanged
    case.refresh_from_db()
    assert case.paused_days == 0
    assert case.due_at == due_before
