"""Pre-review before acceptance: the window sees each case's 材料预审 state; accepting a case with
open findings takes an explicit acknowledgement, recorded in the acceptance's audit record."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import CaseStatus, MaterialReview
from yiwang.cases.prereview import PrereviewState, prereview_material, prereview_states, start_prereview
from yiwang.cases.tests.test_prereview import MATERIALS, FakeEngine, attached, case_with, png_page
from yiwang.core.errors import Conflict
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db


def with_finding(world):
    case = case_with(world)
    card = attached(case, MATERIALS[0][0], png_page())
    prereview_material(material_id=card.pk, engine=FakeEngine(error=RuntimeError("engine down")))
    return case


def accepted_audit(case) -> dict:
    return AuditEvent.objects.get(subject_type="case", subject_id=str(case.pk), event_type="case_accepted").details


def test_open_findings_stop_an_unacknowledged_acceptance(world):
    # given a case whose pre-review found something
    case = with_finding(world)

    # when the clerk accepts without saying they checked it
    with pytest.raises(Conflict) as refused:
        services.accept_application(actor=world.clerk, case_id=case.pk)

    # then it is refused with a clear code, and the case still waits at the window
    assert refused.value.code == CaseErrorCode.PREREVIEW_FINDINGS_OPEN and refused.value.details["findings"] == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_an_acknowledged_acceptance_is_recorded_with_the_findings(world):
    case = with_finding(world)
    services.accept_application(actor=world.clerk, case_id=case.pk, acknowledge_findings=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert accepted_audit(case)["prereview"] == {"state": "findings", "findings": 1, "pending": 0,
                                                 "findings_acknowledged": True}


def test_a_case_without_findings_needs_no_acknowledgement(world):
    case = case_with(world)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    assert accepted_audit(case)["prereview"]["findings_acknowledged"] is False


def test_the_queue_states(world):
    # given four cases: never reviewed, being reviewed, reviewed clean, and with a finding
    found = with_finding(world)
    none, pending, clean = (case_factories.apply_online(world.citizen, world.applicant, found.item) for _ in range(3))
    start_prereview(material=pending.materials.first(), now=pending.submitted_at)
    MaterialReview.objects.create(material=clean.materials.first(), status="done")

    # then each shows its state
    states = prereview_states([none.pk, pending.pk, clean.pk, found.pk])
    assert [states[c.pk].state for c in (none, pending, clean, found)] == [
        PrereviewState.NONE, PrereviewState.PENDING, PrereviewState.CLEAN, PrereviewState.FINDINGS]

    # and one case at a time (acceptance's read, compiled once per connection) says the same
    for case in (none, pending, clean, found, none, found):
        assert prereview_states([case.pk]) == {case.pk: states[case.pk]}


def test_starting_a_pre_review_is_audited(world):
    case = case_with(world)
    material = case.materials.first()
    start_prereview(material=material, now=case.submitted_at)
    assert AuditEvent.objects.filter(event_type="material_prereview_started", subject_type="case_material",
                                     subject_id=str(material.pk)).exists()


def test_api_accept_needs_acknowledge_findings(world):
    case = with_finding(world)
    client = Client()
    auth = bearer(client, "clerk")
    body = assert_error(post_json(client, f"/api/v1/cases/{case.number}/accept", {"note": ""}, auth), 409,
                        "prereview_findings_open")
    assert body["details"]["findings"] == 1
    response = post_json(client, f"/api/v1/cases/{case.number}/accept", {"acknowledge_findings": True}, auth)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseStatus.IN_REVIEW


def test_the_window_shows_the_state_and_asks_for_the_checkbox(world):
    case = with_finding(world)
    client = Client()
    client.login(request=HttpRequest(), username="clerk", password="pw-clerk")
    queue = client.get("/work/window/").content.decode()
    assert 'data-prereview="findings"' in queue and "1 条预审意见" in queue
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert 'name="acknowledge_findings"' in page and "我已核对预审意见，仍然受理" in page

    # without the box ticked the case stays; ticked, it is accepted
    client.post(f"/work/cases/{case.number}/accept/", {"note": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    client.post(f"/work/cases/{case.number}/accept/", {"note": "", "acknowledge_findings": "1"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
