"""No upload can strand a case: an engine error while completing a step answers 409, keeps the step
open, is recorded and shown to the head and the administrator, and an administrator can migrate the
case to a fixed process version (or move it to a chosen step) and the case goes on to 办结."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from yiwang.cases import services
from yiwang.cases.models import CaseEngineError, CaseStatus, CaseStep, StepStatus
from yiwang.catalog.bpmn import parse_process
from yiwang.catalog.models import ProcessVersion
from yiwang.catalog.services import publish_process_version
from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import AuditEvent, Notification
from yiwang.testing import case_factories, item_factories
from yiwang.testing.bpmn import build_bpmn
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

STAGES = [{"id": "review", "name": "审查", "dept": "SCJG", "role": "reviewer"},
          {"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"}]


def broken_version(item) -> ProcessVersion:
    """A version the upload checks would refuse (its "决定" lane names no department), stored
    directly as an older release or a since-deleted department would leave it: it fails at run
    time, when "审查" is completed and "决定" should open."""
    xml = build_bpmn("broken", [STAGES[0], {**STAGES[1], "dept": "GONE"}])
    parsed = parse_process(xml)
    latest = item.process.latest_version()
    return ProcessVersion.objects.create(
        definition=item.process, version=latest.version + 1, bpmn_xml=xml, process_id=parsed.process_id,
        spec_json=parsed.spec_json, steps=[s.as_dict() for s in parsed.steps], digest=parsed.digest)


@pytest.fixture
def admin_user(world):
    return get_user_model().objects.create_superuser("platform_admin", password="pw-platform_admin")


@pytest.fixture
def stranded(world, admin_user):
    """A case of the broken version, accepted, its first step open."""
    broken = broken_version(world.item)
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert case.process_version_id == broken.pk
    services.accept_application(actor=world.clerk, case_id=case.pk)
    return case


def open_step(case, task_name):
    return CaseStep.objects.get(case=case, task_name=task_name, status=StepStatus.OPEN)


def test_an_engine_error_keeps_the_step_open_and_is_recorded(world, stranded, admin_user):
    review = open_step(stranded, "review")
    # when the reviewer completes the step and the process cannot go on
    with pytest.raises(Conflict) as info:
        services.complete_step(actor=world.reviewer, case_id=stranded.pk, step_id=review.pk, decision="approve",
                               comment="材料齐全")
    # then the person is told what happened, in words they understand
    assert info.value.code == "process_error" and info.value.status == 409
    assert "已记录并通知管理员" in info.value.message and "没有任何改变" in info.value.message
    # and nothing of the step's transaction was kept: the step is open, the case unchanged
    review.refresh_from_db()
    stranded.refresh_from_db()
    assert review.status == StepStatus.OPEN and review.decision == "" and review.completed_at is None
    assert stranded.status == CaseStatus.IN_REVIEW and stranded.current_step == "审查"
    assert not AuditEvent.objects.filter(subject_id=str(stranded.pk), event_type="case_step_completed").exists()
    # but the error survived the rollback, named, with the head and the administrator notified
    error = CaseEngineError.objects.get(case=stranded)
    assert error.step_name == "审查" and error.task_name == "review" and error.resolved_at is None
    assert "GONE" in error.message and error.actor == world.reviewer
    assert error.process_version_id == stranded.process_version_id
    notified = set(Notification.objects.filter(message__contains=stranded.number).values_list("recipient", flat=True))
    assert notified == {world.head.pk, admin_user.pk}
    assert AuditEvent.objects.filter(subject_id=str(stranded.pk), event_type="case_engine_error").count() == 1


def test_the_error_is_recorded_on_its_case_even_when_the_step_cannot_be_found_again(world, stranded, monkeypatch):
    """The failure names the case its engine ran for: recording it does not depend on finding the
    step again after the rollback. Here the step is gone by then (as if removed by a concurrent
    repair) and the caller named only the step, as the task API does; the error is still recorded
    on the case and the person still gets the 409, not a 500 from looking up case ``None``."""
    from yiwang.cases.services import approval

    review = open_step(stranded, "review")
    real = approval._complete_step

    def fails_then_the_step_is_gone(**kwargs):
        try:
            return real(**kwargs)
        except Exception:
            CaseStep.objects.filter(pk=review.pk).delete()
            raise

    monkeypatch.setattr(approval, "_complete_step", fails_then_the_step_is_gone)
    with pytest.raises(Conflict) as info:
        services.complete_step(actor=world.reviewer, step_id=review.pk, decision="approve")
    assert info.value.code == "process_error"
    error = CaseEngineError.objects.get(case=stranded)
    assert info.value.details == {"error_id": error.pk} and "GONE" in error.message
    assert AuditEvent.objects.filter(subject_type="case", subject_id=str(stranded.pk),
                                     event_type="case_engine_error").count() == 1


def test_the_api_answers_409_not_500(world, stranded, client):
    review = open_step(stranded, "review")
    response = post_json(client, f"/api/v1/tasks/{review.pk}/complete", {"decision": "approve", "comment": ""},
                         bearer(client, "scjg_reviewer"))
    body = assert_error(response, 409, "process_error")
    assert body["details"]["error_id"] == CaseEngineError.objects.get(case=stranded).pk
    assert open_step(stranded, "review").pk == review.pk


def test_the_workbench_shows_the_error_to_the_head_and_the_administrator_only(world, stranded, admin_user, client):
    review = open_step(stranded, "review")
    client.force_login(world.reviewer)
    response = client.post(f"/work/cases/{stranded.number}/complete/", {"step_id": review.pk, "decision": "approve"},
                           follow=True)
    assert response.status_code == 200
    assert "已记录并通知管理员" in response.content.decode()
    assert 'id="engine-errors"' not in response.content.decode()  # the reviewer is told, not shown the details
    for user, sees in ((world.head, True), (admin_user, True), (world.decider, False)):
        client.force_login(user)
        page = client.get(f"/work/cases/{stranded.number}/").content.decode()
        assert ('id="engine-errors"' in page) is sees, user
        if sees:
            assert "GONE" in page
    client.force_login(admin_user)
    listing = client.get("/admin/cases/caseengineerror/?open=1").content.decode()
    assert stranded.number in listing


def test_an_administrator_migrates_the_case_to_a_fixed_version_and_it_is_closed(world, stranded, admin_user):
    review = open_step(stranded, "review")
    with pytest.raises(Conflict):
        services.complete_step(actor=world.reviewer, case_id=stranded.pk, step_id=review.pk, decision="approve")
    broken = stranded.process_version
    # given a fixed version published the ordinary way
    fixed = publish_process_version(actor=admin_user, key=world.item.process.key, name="fixed",
                                    bpmn_xml=build_bpmn("fixed", STAGES))
    assert fixed.version == broken.version + 1
    # when the administrator migrates the case (its open step mapped by task id) with a reason
    services.move_case(actor=admin_user, case_id=stranded.pk, version_id=fixed.pk, reason="决定环节泳道写错，已发布修正版本")
    stranded.refresh_from_db()
    assert stranded.process_version_id == fixed.pk and stranded.status == CaseStatus.IN_REVIEW
    assert CaseEngineError.objects.get(case=stranded).resolved_at is not None
    audit = AuditEvent.objects.get(subject_id=str(stranded.pk), event_type="case_process_migrated")
    assert audit.actor == admin_user and audit.details["reason"].startswith("决定环节")
    assert audit.details["from_version"] == str(broken) and audit.details["to_version"] == str(fixed)
    # then the step is open again and the case goes on to 办结
    review.refresh_from_db()
    assert review.status == StepStatus.CANCELLED
    services.complete_step(actor=world.reviewer, case_id=stranded.pk, step_id=open_step(stranded, "review").pk,
                           decision="approve")
    services.complete_step(actor=world.decider, case_id=stranded.pk, step_id=open_step(stranded, "decide").pk,
                           decision="approve", comment="准予")
    services.deliver_result(actor=world.clerk, case_id=stranded.pk, method="electronic")
    stranded.refresh_from_db()
    assert stranded.status == CaseStatus.CLOSED and stranded.outcome == "approved"


def test_an_administrator_moves_a_case_to_a_chosen_step_of_its_version(world, admin_user):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    services.move_case(actor=admin_user, case_id=case.pk, steps=["decide"], reason="审查已线下完成，经负责人同意")
    assert open_step(case, "decide")
    assert not CaseStep.objects.filter(case=case, task_name="review", status=StepStatus.OPEN).exists()
    assert AuditEvent.objects.filter(subject_id=str(case.pk), event_type="case_process_moved").exists()
    services.complete_step(actor=world.decider, case_id=case.pk, step_id=open_step(case, "decide").pk, decision="approve")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_DELIVERY


def test_moving_into_a_parallel_branch_counts_the_other_branch_as_done(world, admin_user):
    case = case_factories.apply_online(world.citizen, world.applicant, world.countersign_item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    services.move_case(actor=admin_user, case_id=case.pk, steps=["sign_ga"], reason="市场监管会签已线下完成")
    services.complete_step(actor=world.ga_signer, case_id=case.pk, step_id=open_step(case, "sign_ga").pk,
                           decision="approve")
    assert open_step(case, "decide")


def test_only_an_administrator_with_a_reason_may_move_a_case(world, stranded, admin_user, client):
    with pytest.raises(Forbidden):
        services.move_case(actor=world.head, case_id=stranded.pk, steps=["review"], reason="负责人想跳过")
    with pytest.raises(InvalidInput) as info:
        services.move_case(actor=admin_user, case_id=stranded.pk, steps=["review"], reason="  ")
    assert info.value.code == "reason_required"
    with pytest.raises(InvalidInput) as info:
        services.move_case(actor=admin_user, case_id=stranded.pk, steps=["nope"], reason="试试")
    assert "nope" in info.value.message and "审查（review）" in info.value.message
    other = item_factories.item("OTHER-1")
    with pytest.raises(InvalidInput):
        services.move_case(actor=admin_user, case_id=stranded.pk, reason="换流程",
                           version_id=other.process.latest_version().pk)
    assert not AuditEvent.objects.filter(event_type__in=("case_process_moved", "case_process_migrated")).exists()
    client.force_login(world.head)
    assert client.get(f"/admin/cases/caseengineerror/move/{stranded.pk}/").status_code in (302, 403)


def test_the_admin_form_migrates_the_case(world, stranded, admin_user, client):
    fixed = publish_process_version(actor=admin_user, key=world.item.process.key, name="fixed",
                                    bpmn_xml=build_bpmn("fixed", STAGES))
    client.force_login(admin_user)
    url = f"/admin/cases/caseengineerror/move/{stranded.pk}/"
    assert "审查（review" in client.get(url).content.decode()
    refused = client.post(url, {"version": fixed.pk, "steps": "", "reason": ""})
    assert refused.status_code == 200 and "reason" in refused.content.decode()
    done = client.post(url, {"version": fixed.pk, "steps": "", "reason": "修正泳道"})
    assert done.status_code == 302
    stranded.refresh_from_db()
    assert stranded.process_version_id == fixed.pk


def test_an_engine_error_when_accepting_leaves_the_case_waiting(world, admin_user):
    item = item_factories.item("GONE-1", stages=[{"id": "review", "name": "审查", "dept": "SCJG"}])
    xml = build_bpmn("gone_first", [{"id": "review", "name": "审查", "dept": "GONE"}])
    parsed = parse_process(xml)
    ProcessVersion.objects.create(definition=item.process, version=2, bpmn_xml=xml, process_id=parsed.process_id,
                                  spec_json=parsed.spec_json, steps=[s.as_dict() for s in parsed.steps],
                                  digest=parsed.digest)
    case = case_factories.apply_online(world.citizen, world.applicant, item)
    with pytest.raises(Conflict) as info:
        services.accept_application(actor=world.clerk, case_id=case.pk)
    assert info.value.code == "process_error"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not CaseStep.objects.filter(case=case).exists()
    assert CaseEngineError.objects.get(case=case).action == "accept"
    # the administrator switches the case to the working version 1; the window accepts it again
    services.move_case(actor=admin_user, case_id=case.pk, version_id=item.process.versions.get(version=1).pk,
                       reason="版本 2 泳道错误")
    services.accept_application(actor=world.clerk, case_id=case.pk)
    assert open_step(case, "review")
