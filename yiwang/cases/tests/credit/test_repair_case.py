"""信用修复 as a case: a subject applies through a case of the source department's repair item (its
own BPMN), the department decides in the workbench like any case, and the decision ends the entry's
publicity early (or refuses, with the reason); the history is appended, never deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from yiwang.cases import services as case_services
from yiwang.cases.models import Case, CaseStatus, CaseStep, Outcome
from yiwang.cases.selectors import case_timeline
from yiwang.catalog.services import publish_stock_process
from yiwang.core.errors import DomainError, InvalidInput, NotFound
from yiwang.credit.errors import CreditErrorCode
from yiwang.credit.facts import subject_facts
from yiwang.credit.models import (
    CreditHistory,
    CreditRecord,
    ItemCreditPolicy,
    ListEntry,
    RecordStatus,
    RepairRequest,
    RepairStatus,
    Severity,
)
from yiwang.credit.tests.conftest import company, list_entry, penalty, today
from yiwang.testing import case_factories, factories, item_factories
from yiwang.testing.http import bearer

pytestmark = pytest.mark.django_db

REPAIR_FORM = [
    {"name": "credit_entry", "label": "修复对象编号", "type": "text", "required": True},
    {"name": "repair_statement", "label": "修复申请说明", "type": "textarea", "required": True},
]


def repair_item(dept: str = "SCJG", code: str = "SCJG-XYXF"):
    """A repair item of ``dept`` on the stock 信用修复 process (catalog/processes/credit_repair.bpmn)."""
    item = item_factories.item(code, dept=dept, materials=(("信用修复申请书", True),), form_schema=REPAIR_FORM)
    item.item_type = "other_power"
    item.process = publish_stock_process(actor=None, shape="credit_repair", codes={"dept": dept},
                                         names={dept: factories.department(dept).name}).definition
    item.save(update_fields=["item_type", "process"])
    ItemCreditPolicy.objects.create(item=item, repairs=True)
    return item


def apply_for_repair(user, firm, item, target: str, statement: str = "罚款已缴清，已整改并作出守信承诺"):
    refs = case_factories.required_material_refs(user, item)
    case, _created = case_services.submit_application(
        actor=user, item=item, applicant=firm, form_data={"credit_entry": target, "repair_statement": statement},
        materials=refs)
    case.refresh_from_db()
    return case


def decide(world, case, decision: str, comment: str = ""):
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    for actor, step_decision in ((world.reviewer, "approve"), (world.decider, decision)):
        step = CaseStep.objects.get(case=case, status="open")
        case_services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision=step_decision,
                                    comment=comment)
    case.refresh_from_db()
    return case


def test_an_approved_repair_case_ends_the_penalty_publicity_early_and_appends_the_history(world):
    # given a company with a general penalty past its minimum publicity (3 months)
    user, firm = company("firm", "91330100MA2B3C4D5", "已整改公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕5号")
    item = repair_item()
    assert subject_facts(record.subject, today())["penalties_12m"] == 1
    # when it applies through the repair item, on its own process
    case = apply_for_repair(user, firm, item, f"R{record.pk}")
    repair = RepairRequest.objects.get(case_id=case.pk)
    assert repair.status == RepairStatus.PENDING and repair.record == record and repair.case_number == case.number
    assert not CaseStep.objects.filter(case=case).exists() and case.status == CaseStatus.SUBMITTED
    # and the department approves it in the workbench like any case
    case = decide(world, case, "approve", "已核实罚款缴纳凭证")
    assert case.outcome == Outcome.APPROVED
    assert [s.task_name for s in CaseStep.objects.filter(case=case).order_by("id")] == ["verify", "decide"]
    # then the record's publicity ended today, the record is kept, and the history is appended
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED and record.ended_on == today()
    repair.refresh_from_db()
    assert repair.status == RepairStatus.APPROVED and repair.decided_by == world.decider
    events = list(CreditHistory.objects.filter(record=record).order_by("id").values_list("event", flat=True))
    assert events == ["record_entered", "repair_requested", "repair_approved"]
    assert subject_facts(record.subject, today())["penalties_12m"] == 0
    # and the case's timeline tells the applicant
    timeline = case_timeline(case, viewer=user)
    assert [t.event_type for t in timeline].count("case_credit_repaired") == 1


def test_a_refused_repair_case_records_the_reason_and_keeps_the_record_in_publicity(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "未整改公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕6号")
    case = apply_for_repair(user, firm, repair_item(), f"R{record.pk}")
    case = decide(world, case, "deny", "罚款尚未缴清")
    assert case.outcome == Outcome.DENIED
    repair = RepairRequest.objects.get(case_id=case.pk)
    assert repair.status == RepairStatus.REFUSED and repair.decision_note == "罚款尚未缴清"
    refused = [t for t in case_timeline(case, viewer=user) if t.event_type == "case_credit_repair_refused"]
    assert len(refused) == 1 and refused[0].details["reason"] == "罚款尚未缴清"
    record.refresh_from_db()
    assert record.status == RecordStatus.IN_FORCE and record.ended_on is None
    assert CreditHistory.objects.filter(record=record, event="repair_refused", note="罚款尚未缴清").exists()


def test_an_approvers_long_reason_reaches_the_repair_its_history_and_the_cases_audit_whole(world):
    """Before, the history and the case's audit record kept ``decision_note[:500]`` of the
    approver's comment (up to 1,000 characters)."""
    user, firm = company("firm", "91330100MA2B3C4D5", "未整改公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕6号")
    case = apply_for_repair(user, firm, repair_item(), f"R{record.pk}")
    reason = "罚" * 999 + "清"
    case = decide(world, case, "deny", reason)
    assert RepairRequest.objects.get(case_id=case.pk).decision_note == reason
    assert CreditHistory.objects.get(record=record, event="repair_refused").note == reason
    refused = [t for t in case_timeline(case, viewer=user) if t.event_type == "case_credit_repair_refused"]
    assert refused[0].details["reason"] == reason


def test_a_window_refusals_long_reason_reaches_the_repair_history_whole(world):
    """Before, the history kept ``decision_note[:500]`` of a refusal reason of up to 1,000."""
    user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕12号")
    case = apply_for_repair(user, firm, repair_item(), f"R{record.pk}")
    reason = "缺" * 999 + "件"
    case_services.reject_application(actor=world.clerk, case_id=case.pk, reason=reason)
    assert RepairRequest.objects.get(case_id=case.pk).decision_note == reason
    assert CreditHistory.objects.get(record=record, event="repair_refused").note == reason


def test_a_refusal_without_a_reason_is_a_4xx_that_says_so_and_nothing_changes(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "未整改公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕6号")
    case = apply_for_repair(user, firm, repair_item(), f"R{record.pk}")
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    step = CaseStep.objects.get(case=case, status="open")
    case_services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=step.pk, decision="approve")
    step = CaseStep.objects.get(case=case, status="open")
    with pytest.raises(InvalidInput) as refused:
        case_services.complete_step(actor=world.decider, case_id=case.pk, step_id=step.pk, decision="deny")
    assert "理由" in refused.value.message
    assert RepairRequest.objects.get(case_id=case.pk).status == RepairStatus.PENDING
    assert CaseStep.objects.get(pk=step.pk).status == "open"


def test_a_black_list_entry_is_repaired_through_a_case_and_leaves_the_list(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "名单内公司")
    entry = list_entry(firm, "black", starts_on=today() - dt.timedelta(days=200))
    case = apply_for_repair(user, firm, repair_item(), f"L{entry.pk}")
    decide(world, case, "approve", "已纠正失信行为")
    entry.refresh_from_db()
    assert entry.ended_on == today() and not entry.in_force_on(today())
    assert ListEntry.objects.filter(pk=entry.pk).exists()  # never deleted


def test_a_repair_of_a_serious_penalty_within_its_minimum_period_is_refused_at_application(world):
    # given a serious penalty two months old (minimum publicity 12 months)
    user, firm = company("firm", "91330100MA2B3C4D5", "严重失信公司")
    record = penalty(firm, days_ago=60, severity=Severity.SERIOUS, number="罚〔2026〕7号")
    item = repair_item()
    # when it applies for repair, the application itself is refused, saying until when
    with pytest.raises(InvalidInput) as refused:
        apply_for_repair(user, firm, item, f"R{record.pk}")
    assert refused.value.code == CreditErrorCode.NOT_REPAIRABLE
    assert "最短公示期" in refused.value.message and record.min_publicity_end.isoformat() in refused.value.message
    # and no case, no request was left behind
    assert not RepairRequest.objects.exists()
    assert not Case.objects.filter(item=item).exists()


def test_the_api_refuses_a_non_repairable_entry_with_a_422_in_words(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "严重失信公司")
    record = penalty(firm, days_ago=60, severity=Severity.SERIOUS, number="罚〔2026〕7号")
    item = repair_item()
    refs = case_factories.required_material_refs(user, item)
    client = Client()
    response = client.post("/api/v1/applications", {
        "item_code": item.code, "form": {"credit_entry": f"R{record.pk}", "repair_statement": "已整改"},
        "materials": [{"material_id": r.material_id, "upload_id": r.upload_id} for r in refs]},
        content_type="application/json", **bearer(client, "firm"))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == CreditErrorCode.NOT_REPAIRABLE
    assert "最短公示期" in response.json()["message"]


@pytest.mark.parametrize("target", ["12", "X12", "R", "R12a", "R99999999", "L-1", "R" + "9" * 30, "R1 OR 1=1"])
def test_a_bad_or_unknown_repair_target_is_refused_in_words(world, target):
    user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    penalty(firm, days_ago=120, number="罚〔2026〕8号")
    with pytest.raises(DomainError) as refused:
        apply_for_repair(user, firm, repair_item(), target)
    assert refused.value.code == CreditErrorCode.NOT_REPAIRABLE
    assert "编号" in refused.value.message
    assert not RepairRequest.objects.exists()


def test_a_repair_without_a_statement_is_refused_in_words(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕8号")
    with pytest.raises(DomainError) as refused:
        apply_for_repair(user, firm, repair_item(), f"R{record.pk}", statement="   ")
    assert "说明" in refused.value.message
    assert not RepairRequest.objects.exists()


def test_another_subjects_record_cannot_be_named_for_repair(world):
    _other_user, other = company("other", "91330100MA2B3C4D6", "别家公司")
    foreign = penalty(other, days_ago=120, number="罚〔2026〕9号")
    user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    penalty(firm, days_ago=120, number="罚〔2026〕10号")
    with pytest.raises(NotFound):
        apply_for_repair(user, firm, repair_item(), f"R{foreign.pk}")
    assert not RepairRequest.objects.exists()


def test_a_record_of_another_department_is_sent_to_that_departments_repair_item(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    record = penalty(firm, dept="SW", days_ago=120, number="税罚〔2026〕1号")
    with pytest.raises(InvalidInput) as refused:
        apply_for_repair(user, firm, repair_item(), f"R{record.pk}")
    assert refused.value.code == CreditErrorCode.NOT_SOURCE_DEPARTMENT
    assert factories.department("SW").name in refused.value.message


def test_a_withdrawn_repair_case_closes_its_request(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕11号")
    case = apply_for_repair(user, firm, repair_item(), f"R{record.pk}")
    case_services.withdraw_application(actor=user, case_id=case.pk, reason="材料不全，重新申请")
    repair = RepairRequest.objects.get(case_id=case.pk)
    assert repair.status == RepairStatus.WITHDRAWN
    # and a new application for the same record is possible again
    apply_for_repair(user, firm, repair_item("SCJG", "SCJG-XYXF2"), f"R{record.pk}")
    assert RepairRequest.objects.filter(record=record, status=RepairStatus.PENDING).count() == 1


def test_my_credit_shows_what_can_be_repaired_and_the_outcome(world):
    user, firm = company("firm", "91330100MA2B3C4D5", "已整改公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕5号")
    serious = penalty(firm, days_ago=60, severity=Severity.SERIOUS, number="罚〔2026〕12号")
    item = repair_item()
    client = Client()
    client.force_login(user)
    page = client.get("/credit/mine/").content.decode()
    assert f"R{record.pk}" in page and f"/items/{item.code}/" in page
    assert f"R{serious.pk}" in page and serious.min_publicity_end.isoformat() in page
    case = apply_for_repair(user, firm, item, f"R{record.pk}")
    decide(world, case, "deny", "罚款尚未缴清")
    page = client.get("/credit/mine/").content.decode()
    assert "不予修复" in page and "罚款尚未缴清" in page and case.number in page
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.IN_FORCE


def test_a_licensing_repair_case_decided_approves_its_repair_and_enters_its_licence_once(world):
    # given a repair item that is also a licence (both of the decision's register writes are due;
    # one read asks after the pending repair and the decision's record together)
    from yiwang.credit import services as credit
    from yiwang.credit.models import RecordKind, RecordSource

    user, firm = company("firm", "91330100MA2B3C4D5", "已整改公司")
    record = penalty(firm, days_ago=120, number="罚〔2026〕5号")
    item = repair_item()
    item.item_type = "licensing"
    item.save(update_fields=["item_type"])
    case = apply_for_repair(user, firm, item, f"R{record.pk}")
    # when the department approves it
    case = decide(world, case, "approve")
    # then the repair is approved and the licence is in the register, once
    assert RepairRequest.objects.get(case_id=case.pk).status == RepairStatus.APPROVED
    licences = CreditRecord.objects.filter(source=RecordSource.DECISION, source_ref=f"case:{case.pk}")
    assert [r.kind for r in licences] == [RecordKind.LICENCE]
    # and the decision entered again (a retry) decides no repair and makes no second record
    again = credit.decide_case_in_register(
        actor=world.decider, case_id=case.pk, approve=True, note="", now=case.decided_at,
        record=dict(applicant=firm, department=case.department, kind=RecordKind.LICENCE, title="重试", basis="重试",
                    decided_at=case.decided_at, reference=f"case:{case.pk}", decision_no=case.number))
    assert again is None
    assert list(CreditRecord.objects.filter(source=RecordSource.DECISION, source_ref=f"case:{case.pk}")) == list(licences)
    assert RepairRequest.objects.get(case_id=case.pk).status == RepairStatus.APPROVED
