"""What a clerk, an approver or an applicant types on a case (an acceptance note, a correction
note, a reject reason, a decision comment, a delivery detail, a supply note, a withdrawal reason)
is kept whole or refused by the service, whichever way it comes: before, the services audited
``note[:500]``, ``reason.strip()[:1000]``, ``comment[:1000]`` and stored ``detail.strip()[:300]``, so a
form (which has no API schema in front of it) got its text cut in the legal record. A line break
counts one character (CR LF is kept as LF)."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.models import Case, CaseStatus, CorrectionNotice
from yiwang.cases.services.common import text_limits
from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db

LIMITS = text_limits()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at(limit: int) -> tuple[str, str]:
    sent = "说明\r\n𬌗" + "长" * (limit - 4)
    return sent, sent.replace("\r\n", "\n")


def _audited(event_type: str) -> dict:
    return AuditEvent.objects.filter(event_type=event_type).latest("pk").details


# (action posted on the case page or the applicant's page, who, form field, limit, event, detail key, state)
FORMS = [
    ("accept", "clerk", "note", "accept_note", "case_accepted", "note", "submitted"),
    ("correction", "clerk", "note", "decision_text", "case_correction_requested", "note", "submitted"),
    ("reject", "clerk", "reason", "decision_text", "case_rejected", "reason", "submitted"),
    ("withdraw", "citizen", "reason", "withdraw_reason", "case_withdrawn", "reason", "submitted"),
    ("supply", "citizen", "note", "supply_note", "case_correction_supplied", "note", "correction"),
]


@pytest.mark.parametrize(("action", "who", "field", "limit", "event", "key", "state"), FORMS, ids=[f[0] for f in FORMS])
def test_a_form_text_one_over_is_refused_and_one_at_the_limit_is_kept_whole(world, action, who, field, limit, event,
                                                                            key, state):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    if state == "correction":
        services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="请补交营业执照")
    status = Case.objects.get(pk=case.pk).status
    user = world.clerk if who == "clerk" else world.citizen
    path = f"/me/cases/{case.number}/{action}/" if who == "citizen" else f"/work/cases/{case.number}/{action}/"
    extra = {"confirm": "1"} if action == "reject" else {}
    # when one character over the limit is posted, then it is refused with the limit said, nothing written
    page = _client(user).post(path, {field: "长" * (LIMITS[limit] + 1), **extra}, follow=True).content.decode()
    assert f"不能超过 {LIMITS[limit]} 个字" in page
    assert Case.objects.get(pk=case.pk).status == status and not AuditEvent.objects.filter(event_type=event).exists()
    # when exactly the limit is posted (a line break sent as CR LF counting one), then it is kept whole
    sent, kept = _at(LIMITS[limit])
    _client(user).post(path, {field: sent, **extra})
    assert _audited(event)[key] == kept
    if action == "reject":
        assert Case.objects.get(pk=case.pk).reject_reason == kept
    if action == "correction":
        assert CorrectionNotice.objects.get(case=case).note == kept


def test_a_decision_comment_one_over_is_refused_and_at_the_limit_is_kept_whole(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    step = case.steps.get(status="open")
    approver = step.department.staff_roles.get(role=step.role).user
    with pytest.raises(InvalidInput) as refused:
        services.complete_step(actor=approver, case_id=case.pk, step_id=step.pk, decision="approve",
                               comment="意" * (LIMITS["decision_text"] + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "comment"
    assert not AuditEvent.objects.filter(event_type="case_step_completed").exists()
    sent, kept = _at(LIMITS["decision_text"])
    services.complete_step(actor=approver, case_id=case.pk, step_id=step.pk, decision="approve", comment=sent)
    step.refresh_from_db()
    assert step.comment == kept and _audited("case_step_completed")["comment"] == kept


def test_a_delivery_detail_one_over_is_refused_and_at_the_limit_is_kept_whole(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.AWAITING_DELIVERY)
    with pytest.raises(InvalidInput) as refused:
        services.deliver_result(actor=world.clerk, case_id=case.pk, method="window",
                                detail="址" * (LIMITS["delivery_detail"] + 1))
    assert refused.value.details["field"] == "detail" and Case.objects.get(pk=case.pk).status == CaseStatus.AWAITING_DELIVERY
    sent, kept = _at(LIMITS["delivery_detail"])
    services.deliver_result(actor=world.clerk, case_id=case.pk, method="window", detail=sent)
    assert Case.objects.get(pk=case.pk).delivery_detail == kept


@pytest.mark.parametrize(("comment", "problem", "position"), [
    ("可以\x00", "control_character", 3), ("可\x07以", "control_character", 2), ("可\x85以", "control_character", 2),
    ("可以\ud800", "lone_surrogate", 3)])
def test_a_decision_comment_with_a_control_character_or_a_lone_surrogate_is_refused_and_nothing_written(
        world, comment, problem, position):
    """Before, NUL was PostgreSQL's DataError and a lone surrogate psycopg's UnicodeEncodeError: a 500
    for any caller that reached the service past the request's checks (SQLite stored both)."""
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    step = case.steps.get(status="open")
    approver = step.department.staff_roles.get(role=step.role).user
    with pytest.raises(InvalidInput) as refused:
        services.complete_step(actor=approver, case_id=case.pk, step_id=step.pk, decision="approve", comment=comment)
    assert refused.value.status == 422 and refused.value.code == "text_unstorable"
    assert refused.value.details == {"field": "comment", "problem": problem, "position": position}
    assert "审批意见" in refused.value.message
    assert not AuditEvent.objects.filter(event_type="case_step_completed").exists()
    step.refresh_from_db()
    assert step.status == "open" and not step.comment
    # a line break and a tab are text
    services.complete_step(actor=approver, case_id=case.pk, step_id=step.pk, decision="approve", comment="可以\r\n\t同意")
    step.refresh_from_db()
    assert step.comment == "可以\n\t同意"
