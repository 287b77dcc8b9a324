"""What completing a step writes: the step, the engine state, the new steps and the case's row,
sent together (one statement on PostgreSQL, ``services.common.sync_steps(also=…)``)."""

from __future__ import annotations

import pytest

from yiwang.cases import services
from yiwang.cases.models import Case, CaseEngineState, CaseStatus, CaseStep, Outcome, StepDecision, StepStatus
from yiwang.cases.runtime import CaseRuntime, ReadyStep
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def _accepted(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    return case, CaseStep.objects.get(case=case, name="审查", status=StepStatus.OPEN)


def test_a_review_writes_the_step_the_engine_the_next_step_and_the_case(world):
    case, review = _accepted(world)
    state_before = CaseEngineState.objects.get(case=case).state
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve", comment="可以")
    review.refresh_from_db()
    assert (review.status, review.decision, review.comment, review.completed_by) == (
        StepStatus.COMPLETED, StepDecision.APPROVE, "可以", world.reviewer)
    assert CaseEngineState.objects.get(case=case).state != state_before
    assert list(CaseStep.objects.filter(case=case, status=StepStatus.OPEN).values_list("name", flat=True)) == ["决定"]
    assert Case.objects.get(pk=case.pk).current_step == "决定"


def test_a_decision_writes_the_step_the_engine_and_the_decided_case(world):
    case, review = _accepted(world)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    decide = CaseStep.objects.get(case=case, name="决定", status=StepStatus.OPEN)
    state_before = CaseEngineState.objects.get(case=case).state
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=decide.pk, decision="approve")
    decide.refresh_from_db()
    assert decide.status == StepStatus.COMPLETED and decide.completed_by == world.decider
    assert CaseEngineState.objects.get(case=case).state != state_before
    case.refresh_from_db()
    assert (case.status, case.outcome, case.decided_at) == (CaseStatus.AWAITING_DELIVERY, Outcome.APPROVED,
                                                            decide.completed_at)
    assert not CaseStep.objects.filter(case=case, status=StepStatus.OPEN).exists()


def test_a_task_that_opens_again_as_its_step_closes_gets_a_new_step(world, monkeypatch):
    """The step closed and its task's new step cannot go in one statement (the one open step per
    task: the statement's parts run in no set order), so the closed step is written first."""
    case, review = _accepted(world)
    again = ReadyStep(task_id=review.task_id, task_name=review.task_name, name=review.name,
                      department_code=review.department.code, role=review.role, days=None)
    monkeypatch.setattr(CaseRuntime, "ready_steps", lambda self: [again])
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    steps = CaseStep.objects.filter(case=case, task_id=review.task_id).order_by("pk")
    assert [s.status for s in steps] == [StepStatus.COMPLETED, StepStatus.OPEN]
