"""A refusal from the workbench — 不予受理 at the window, 不同意 at a step (which ends in 不予许可)
— is confirmed on a page of its own before it is made, without JavaScript, and the confirmation is
recorded in the refusal's audit record."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.models import CaseStatus, CaseStep, StepStatus
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=f"pw-{username}")
    return client


def test_the_clerk_confirms_a_rejection_before_it_is_made(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    clerk = signed_in("clerk")
    # when the clerk clicks 不予受理 with a reason
    page = clerk.post(f"/work/cases/{case.number}/reject/", {"reason": "不属于本县管辖范围"})
    # then a confirmation page asks first, repeating the reason, and nothing has happened yet
    html = page.content.decode()
    assert page.status_code == 200 and "确认不予受理" in html and "不属于本县管辖范围" in html
    assert 'name="confirm" value="1"' in html and "<script" not in html.split("<main", 1)[1]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not AuditEvent.objects.filter(event_type="case_rejected").exists()
    # when they confirm
    done = clerk.post(f"/work/cases/{case.number}/reject/", {"reason": "不属于本县管辖范围", "confirm": "1"})
    # then the case is rejected and the confirmation recorded
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    event = AuditEvent.objects.get(event_type="case_rejected")
    assert event.details["confirmed"] is True and event.details["reason"] == "不属于本县管辖范围"


def test_a_rejection_without_a_reason_is_refused_before_any_confirmation(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    clerk = signed_in("clerk")
    page = clerk.post(f"/work/cases/{case.number}/reject/", {"reason": "  "}, follow=True)
    assert "不予受理必须写明理由" in page.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_the_approver_confirms_a_denial_and_approval_needs_no_confirmation(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    reviewer = signed_in("scjg_reviewer")
    step = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    # when the reviewer clicks 不同意
    page = reviewer.post(f"/work/cases/{case.number}/complete/",
                         {"step_id": step.pk, "decision": "deny", "comment": "消防条件不符"})
    html = page.content.decode()
    assert page.status_code == 200 and "确认不同意" in html and "消防条件不符" in html and step.name in html
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN
    # then confirming completes the step with the denial, recorded as confirmed
    reviewer.post(f"/work/cases/{case.number}/complete/",
                  {"step_id": step.pk, "decision": "deny", "comment": "消防条件不符", "confirm": "1"})
    step.refresh_from_db()
    assert step.status == StepStatus.COMPLETED and step.decision == "deny"
    event = AuditEvent.objects.get(event_type="case_step_completed")
    assert event.details["confirmed"] is True
    # while 同意 goes straight through, with nothing to confirm
    decider = signed_in("scjg_decider")
    step = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    decider.post(f"/work/cases/{case.number}/complete/", {"step_id": step.pk, "decision": "approve"})
    step.refresh_from_db()
    assert step.status == StepStatus.COMPLETED
    assert "confirmed" not in AuditEvent.objects.filter(event_type="case_step_completed").order_by("-id")[0].details


def test_a_forged_confirmation_for_someone_elses_step_is_still_refused(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    step = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    outsider = factories.user("ga_reviewer", GA="reviewer")
    assert outsider
    client = signed_in("ga_reviewer")
    client.post(f"/work/cases/{case.number}/complete/",
                {"step_id": step.pk, "decision": "deny", "comment": "x", "confirm": "1"})
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN
