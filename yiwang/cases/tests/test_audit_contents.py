"""What each audit record of a case says: who, for which department, and what was decided — the
record the ledger keeps and an inspector reads, so its contents are pinned, not only its type."""

from __future__ import annotations

import pytest

from yiwang.cases import services
from yiwang.cases.models import CaseStep, StepStatus
from yiwang.core.models import AuditEvent, Department
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def _event(case, event_type):
    return AuditEvent.objects.get(subject_type="case", subject_id=str(case.pk), event_type=event_type)


def _open(case, name):
    return CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)


def test_each_transition_records_its_actor_department_and_decision(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk, note="材料齐全")
    accepted = _event(case, "case_accepted")
    assert accepted.actor == world.clerk and accepted.actor_department == Department.objects.get(code="ZWFW")
    assert accepted.details["number"] == case.number and accepted.details["note"] == "材料齐全"
    assert accepted.details["next_steps"] == ["审查"]

    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=_open(case, "审查").pk, decision="approve",
                           comment="符合条件")
    reviewed = _event(case, "case_step_completed")
    assert reviewed.actor == world.reviewer and reviewed.actor_department.code == "SCJG"
    assert reviewed.details["step"] == "审查" and reviewed.details["decision"] == "approve"
    assert reviewed.details["comment"] == "符合条件" and reviewed.details["next_steps"] == ["决定"]

    services.complete_step(actor=world.decider, case_id=case.pk, step_id=_open(case, "决定").pk, decision="deny",
                           comment="经营场所不符合要求")
    decided = _event(case, "case_decided")
    assert decided.actor == world.decider and decided.details["outcome"] == "denied"
    last_step = AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk),
                                          event_type="case_step_completed").order_by("-id").first()
    assert last_step.details["decision"] == "deny" and last_step.details["comment"] == "经营场所不符合要求"

    services.deliver_result(actor=world.clerk, case_id=case.pk, method="electronic")
    delivered = _event(case, "case_delivered")
    assert delivered.details["method"] == "electronic" and delivered.details["outcome"] == "denied"
    assert delivered.details["status"] == "closed"
