"""A case from submission to delivery, through the services, as the people involved meet it."""

from __future__ import annotations

import pytest

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseStatus, CaseStep, Outcome, StepStatus
from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def open_step(case, name):
    return CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)


def test_two_step_case_runs_from_submission_to_delivery(world):
    # given a citizen's complete online application
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert case.status == CaseStatus.SUBMITTED and case.number.startswith("YW")

    # when the window accepts it and the department reviews and decides
    services.accept_application(actor=world.clerk, case_id=case.pk)
    review = open_step(case, "审查")
    assert list(selectors.my_tasks(world.reviewer)) == [review]
    assert list(selectors.my_tasks(world.decider)) == []
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    decide = open_step(case, "决定")
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=decide.pk, decision="approve", comment="准予许可")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_DELIVERY and case.outcome == Outcome.APPROVED

    # then the window delivers and the case is closed (办结), with every step audited
    services.deliver_result(actor=world.clerk, case_id=case.pk, method="electronic")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    events = list(AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk)).values_list("event_type", flat=True))
    assert events == ["case_submitted", "case_accepted", "case_step_completed", "case_step_completed", "case_decided",
                      "case_delivered"]
    timeline = selectors.case_timeline(case)
    assert [t.department for t in timeline][1:4] == ["政务服务管理局", "SCJG局", "SCJG局"]


def test_countersign_needs_both_departments(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.countersign_item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=open_step(case, "审查").pk, decision="approve")
    assert {s.name for s in CaseStep.objects.filter(case=case, status="open")} == {"市场监管会签", "公安会签"}

    services.complete_step(actor=world.ga_signer, case_id=case.pk, step_id=open_step(case, "公安会签").pk, decision="approve")
    case.refresh_from_db()
    assert case.current_step == "市场监管会签"
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=open_step(case, "市场监管会签").pk,
                           decision="approve")
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=open_step(case, "决定").pk, decision="approve")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_DELIVERY and case.outcome == Outcome.APPROVED


def test_a_cosigner_saying_no_denies_the_case(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.countersign_item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=open_step(case, "审查").pk, decision="approve")
    services.complete_step(actor=world.ga_signer, case_id=case.pk, step_id=open_step(case, "公安会签").pk,
                           decision="deny", comment="消防条件不符")
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=open_step(case, "市场监管会签").pk,
                           decision="approve")
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=open_step(case, "决定").pk, decision="approve")
    case.refresh_from_db()
    assert case.outcome == Outcome.DENIED


def test_return_goes_back_to_the_previous_step_with_a_reason(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=open_step(case, "审查").pk, decision="approve")
    decide = open_step(case, "决定")

    with pytest.raises(InvalidInput) as no_reason:
        services.complete_step(actor=world.decider, case_id=case.pk, step_id=decide.pk, decision="return")
    assert no_reason.value.code == "reason_required"

    services.complete_step(actor=world.decider, case_id=case.pk, step_id=decide.pk, decision="return", comment="面积数据需核实")
    decide.refresh_from_db()
    assert decide.status == StepStatus.RETURNED
    again = open_step(case, "审查")
    assert again.pk != decide.pk
    case.refresh_from_db()
    assert case.current_step == "审查" and case.status == CaseStatus.IN_REVIEW


def test_the_first_step_cannot_be_returned(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    with pytest.raises(InvalidInput) as err:
        services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=open_step(case, "审查").pk,
                               decision="return", comment="x")
    assert err.value.code == "cannot_return_first_step"


def test_approver_of_another_department_or_role_cannot_act(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    review = open_step(case, "审查")
    for outsider in (world.ga_signer, world.decider, world.citizen):
        with pytest.raises(Forbidden):
            services.complete_step(actor=outsider, case_id=case.pk, step_id=review.pk, decision="approve")
    # the department head may act on any step of the department
    services.complete_step(actor=world.head, case_id=case.pk, step_id=review.pk, decision="approve")


def test_illegal_transitions_are_refused_and_change_nothing(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    # approve a case that was never accepted: there is no step to complete
    assert not CaseStep.objects.filter(case=case).exists()
    with pytest.raises(Conflict):
        services.deliver_result(actor=world.clerk, case_id=case.pk, method="window")
    services.accept_application(actor=world.clerk, case_id=case.pk)
    with pytest.raises(Conflict) as twice:
        services.accept_application(actor=world.clerk, case_id=case.pk)
    assert twice.value.code == "illegal_transition"
    with pytest.raises(Conflict):
        services.reject_application(actor=world.clerk, case_id=case.pk, reason="迟了")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert CaseStep.objects.filter(case=case).count() == 1


def test_completing_a_step_twice_is_a_clear_conflict(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    review = open_step(case, "审查")
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    with pytest.raises(Conflict) as err:
        services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    assert err.value.code == "step_already_completed"
    assert CaseStep.objects.filter(case=case, name="决定").count() == 1


def test_withdrawn_case_cannot_be_acted_on(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    review = open_step(case, "审查")
    services.withdraw_application(actor=world.citizen, case_id=case.pk, reason="不再需要")
    review.refresh_from_db()
    assert review.status == StepStatus.CANCELLED
    with pytest.raises(Conflict):
        services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    with pytest.raises(Conflict):
        services.withdraw_application(actor=world.citizen, case_id=case.pk)
    with pytest.raises(Conflict):
        services.deliver_result(actor=world.clerk, case_id=case.pk, method="window")
    assert list(selectors.my_tasks(world.reviewer)) == []


def test_only_the_applicant_may_withdraw(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    with pytest.raises(Forbidden):
        services.withdraw_application(actor=world.clerk, case_id=case.pk)


def test_decided_case_cannot_be_withdrawn(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=open_step(case, "审查").pk, decision="approve")
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=open_step(case, "决定").pk, decision="approve")
    with pytest.raises(Conflict):
        services.withdraw_application(actor=world.citizen, case_id=case.pk)


def test_rejection_needs_a_reason_and_closes_the_case(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    with pytest.raises(InvalidInput):
        services.reject_application(actor=world.clerk, case_id=case.pk, reason="  ")
    services.reject_application(actor=world.clerk, case_id=case.pk, reason="不属于本县管辖")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.reject_reason == "不属于本县管辖"


def test_only_clerks_run_the_window(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    for outsider in (world.citizen, world.reviewer):
        with pytest.raises(Forbidden):
            services.accept_application(actor=outsider, case_id=case.pk)


def test_post_delivery_needs_an_address(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=open_step(case, "审查").pk, decision="approve")
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=open_step(case, "决定").pk, decision="approve")
    with pytest.raises(InvalidInput):
        services.deliver_result(actor=world.clerk, case_id=case.pk, method="post", detail="")
    services.deliver_result(actor=world.clerk, case_id=case.pk, method="post", detail="某县人民路1号 EMS1234567890")
