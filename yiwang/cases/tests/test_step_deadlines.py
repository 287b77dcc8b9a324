"""A step's deadline is its own number of working days from when it opens, but never later than the
case's deadline; a step without days of its own shares the case's deadline."""

from __future__ import annotations

import pytest

from yiwang.cases import services
from yiwang.cases.models import CaseStep, StepStatus
from yiwang.core import calendar
from yiwang.testing import case_factories, item_factories
from yiwang.testing.calendar import local

pytestmark = pytest.mark.django_db


def _item(code, review_days, decide_days=None, promised_days=10):
    decide = {"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"}
    if decide_days is not None:
        decide["days"] = decide_days
    return item_factories.item(code, promised_days=promised_days, stages=[
        {"id": "review", "name": "审查", "dept": "SCJG", "role": "reviewer", "days": review_days}, decide])


def _open(case, name):
    return CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)


def test_a_step_with_fewer_days_than_the_case_is_due_after_its_own_days(world):
    # given a 10-day item whose review step has 2 working days, accepted on a Monday morning
    item = _item("SCJG-D1", review_days=2)
    accepted_at = local(2026, 11, 16, 9)
    case = case_factories.apply_online(world.citizen, world.applicant, item, now=accepted_at)
    services.accept_application(actor=world.clerk, case_id=case.pk, now=accepted_at)
    case.refresh_from_db()
    review = _open(case, "审查")
    # then the review is due after its own 2 working days, well before the case
    assert review.due_at == calendar.deadline_after(accepted_at, 2)
    assert review.due_at < case.due_at
    # and its yellow light starts from its own days, not the case's
    assert review.warn_at == calendar.warning_at(review.due_at, 2)


def test_a_step_with_more_days_than_the_case_has_left_is_due_with_the_case(world):
    # given a 5-day item whose review step claims 30 working days
    item = _item("SCJG-D2", review_days=30, promised_days=5)
    accepted_at = local(2026, 11, 16, 9)
    case = case_factories.apply_online(world.citizen, world.applicant, item, now=accepted_at)
    services.accept_application(actor=world.clerk, case_id=case.pk, now=accepted_at)
    case.refresh_from_db()
    # then the step cannot outlive the case
    assert _open(case, "审查").due_at == case.due_at


def test_a_step_without_days_of_its_own_shares_the_cases_deadline(world):
    item = _item("SCJG-D3", review_days=1)
    accepted_at = local(2026, 11, 16, 9)
    case = case_factories.apply_online(world.citizen, world.applicant, item, now=accepted_at)
    services.accept_application(actor=world.clerk, case_id=case.pk, now=accepted_at)
    review = _open(case, "审查")
    # when the review is completed two days later, the decision step (no days of its own) opens
    done_at = local(2026, 11, 18, 10)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve", now=done_at)
    case.refresh_from_db()
    assert _open(case, "决定").due_at == case.due_at
