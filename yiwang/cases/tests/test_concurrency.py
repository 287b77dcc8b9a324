"""Two people acting on the same case at the same moment: exactly one wins, the other is told
clearly, and the case never forks. Real threads, each with its own database connection, released
together by a barrier; the per-case lock (PostgreSQL: the row lock; SQLite: BEGIN IMMEDIATE and
the busy timeout) must serialise them."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.models import Case, CaseStatus, CaseStep, StepStatus
from yiwang.core.errors import Conflict
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories, factories
from yiwang.testing.concurrency import race
from yiwang.testing.http import bearer, post_json, upload

pytestmark = pytest.mark.django_db(transaction=True)


def open_steps(case):
    return list(CaseStep.objects.filter(case=case, status=StepStatus.OPEN).values_list("name", flat=True))


def events(case, event_type):
    return AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk), event_type=event_type).count()


def test_two_approvers_completing_the_same_step_one_wins_one_gets_a_conflict(world):
    # given an accepted case whose review step two reviewers both see in their inbox
    second_reviewer = factories.user("scjg_reviewer_2", SCJG="reviewer")
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    review = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    client_a, client_b = Client(), Client()
    auth_a, auth_b = bearer(client_a, "scjg_reviewer"), bearer(client_b, "scjg_reviewer_2")
    assert second_reviewer.pk

    # when both press 同意 at the same moment
    outcomes = race(
        lambda: post_json(client_a, f"/api/v1/tasks/{review.pk}/complete", {"decision": "approve"}, auth_a),
        lambda: post_json(client_b, f"/api/v1/tasks/{review.pk}/complete", {"decision": "approve"}, auth_b),
    )

    # then one succeeds and the other is told the step was already done (409, the error shape)
    assert [o.error for o in outcomes] == [None, None]
    responses = sorted((o.value for o in outcomes), key=lambda r: r.status_code)
    assert [r.status_code for r in responses] == [200, 409], [r.content for r in responses]
    loser = responses[1].json()
    assert set(loser) == {"code", "message", "details"}
    assert loser["code"] == "step_already_completed" and loser["details"] == {"step_status": "completed"}
    # and the case moved on exactly once
    case.refresh_from_db()
    assert open_steps(case) == ["决定"]
    assert CaseStep.objects.filter(case=case, name="审查").count() == 1
    assert events(case, "case_step_completed") == 1
    assert case.status == CaseStatus.IN_REVIEW


def test_two_approvers_deciding_differently_only_the_first_decision_counts(world):
    # given a case at its last step, seen by the decider and by the department head
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    review = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    decide = CaseStep.objects.get(case=case, status=StepStatus.OPEN)

    # when one approves and the other denies at the same moment
    outcomes = race(
        lambda: services.complete_step(actor=world.decider, case_id=case.pk, step_id=decide.pk, decision="approve"),
        lambda: services.complete_step(actor=world.head, case_id=case.pk, step_id=decide.pk, decision="deny",
                                       comment="不符合条件"),
    )

    # then exactly one decision stands, and the outcome is that decision's
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert errors[0].code == "step_already_completed" and errors[0].status == 409
    decide.refresh_from_db()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_DELIVERY
    assert case.outcome == ("approved" if decide.decision == "approve" else "denied")
    assert events(case, "case_decided") == 1


def test_two_countersigners_at_the_same_moment_both_count_and_the_join_opens_once(world):
    # given a case at its 会签: one step for 市场监管, one for 公安
    case = case_factories.apply_online(world.citizen, world.applicant, world.countersign_item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    review = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    scjg = CaseStep.objects.get(case=case, status=StepStatus.OPEN, name="市场监管会签")
    ga = CaseStep.objects.get(case=case, status=StepStatus.OPEN, name="公安会签")

    # when both departments sign at the same moment
    outcomes = race(
        lambda: services.complete_step(actor=world.decider, case_id=case.pk, step_id=scjg.pk, decision="approve"),
        lambda: services.complete_step(actor=world.ga_signer, case_id=case.pk, step_id=ga.pk, decision="approve"),
    )

    # then neither signature is lost, and the decision step opens exactly once
    assert [o.error for o in outcomes] == [None, None]
    assert set(CaseStep.objects.filter(case=case, status=StepStatus.COMPLETED).values_list("name", flat=True)) == {
        "审查", "市场监管会签", "公安会签"}
    assert open_steps(case) == ["决定"]


def test_two_clerks_accepting_the_same_case_one_wins(world):
    # given a submitted case and a second clerk at the next window
    other_clerk = factories.user("clerk_2", ZWFW="clerk")
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)

    # when both clerks press 受理 at the same moment
    outcomes = race(
        lambda: services.accept_application(actor=world.clerk, case_id=case.pk),
        lambda: services.accept_application(actor=other_clerk, case_id=case.pk),
    )

    # then one accepted it and the other was told it is no longer waiting (409)
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert errors[0].code == "illegal_transition" and errors[0].status == 409
    assert errors[0].details["status"] == CaseStatus.IN_REVIEW
    # and the process started once: one engine state, one first step, one audit record
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert open_steps(case) == ["审查"]
    assert CaseStep.objects.filter(case=case).count() == 1
    assert events(case, "case_accepted") == 1


def test_the_same_submission_sent_twice_at_once_with_one_key_makes_one_case(world):
    # given a citizen's application, ready to send, and a flaky network that sends it twice
    client_a, client_b = Client(), Client()
    auth = bearer(client_a, "citizen")
    materials = []
    for m in world.item.materials.filter(required=True):
        materials.append({"material_id": m.pk, "upload_id": upload(client_a, auth).json()["id"]})
    payload = {"item_code": world.item.code, "form": {"shop_name": "青禾小馆"}, "materials": materials}

    # when both copies arrive at the same moment with the same Idempotency-Key
    outcomes = race(
        lambda: post_json(client_a, "/api/v1/applications", payload, auth, HTTP_IDEMPOTENCY_KEY="order-7"),
        lambda: post_json(client_b, "/api/v1/applications", payload, auth, HTTP_IDEMPOTENCY_KEY="order-7"),
    )

    # then one created the case (201) and the other got the same case back (200)
    assert [o.error for o in outcomes] == [None, None]
    responses = sorted((o.value for o in outcomes), key=lambda r: r.status_code)
    assert [r.status_code for r in responses] == [200, 201], [r.content for r in responses]
    assert responses[0].json()["number"] == responses[1].json()["number"]
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.materials.count() == len(materials)
    assert events(case, "case_submitted") == 1


def test_applications_submitted_at_the_same_moment_get_distinct_numbers_of_the_one_form(world):
    # given three applications of one citizen, ready to send (the number is made in the case's own
    # INSERT on PostgreSQL, from the id the same statement draws)
    from yiwang.core.calendar import local_date

    clients = [Client() for _ in range(3)]
    auth = bearer(clients[0], "citizen")
    payloads = []
    for _ in clients:
        materials = [{"material_id": m.pk, "upload_id": upload(clients[0], auth).json()["id"]}
                     for m in world.item.materials.filter(required=True)]
        payloads.append({"item_code": world.item.code, "form": {"shop_name": "青禾小馆"}, "materials": materials})

    # when all three arrive at the same moment
    outcomes = race(*(lambda c=c, p=p: post_json(c, "/api/v1/applications", p, auth) for c, p in zip(clients, payloads, strict=True)))

    # then each made its case, and each case's number is YW, its day and its id in 8 digits: distinct
    assert [o.error for o in outcomes] == [None, None, None]
    assert [o.value.status_code for o in outcomes] == [201, 201, 201], [o.value.content for o in outcomes]
    numbers = {o.value.json()["number"] for o in outcomes}
    cases = list(Case.objects.all())
    assert len(cases) == 3 and numbers == {c.number for c in cases}
    assert all(c.number == f"YW{local_date(c.submitted_at):%Y%m%d}{c.pk:08d}" for c in cases), [
        (c.pk, c.number) for c in cases]
