"""Joint rules (联合奖惩) act at the window: evaluated at submission and at each decision, every
firing kept on the case, its timeline and the ledger (facts as a salted commitment)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import translation

from yiwang.cases import services as case_services
from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import CaseStatus, CaseStep, InstantDecision, Outcome
from yiwang.cases.selectors import case_timeline
from yiwang.catalog.models import Material
from yiwang.catalog.services import publish_rule_set_version
from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.credit import services
from yiwang.credit.facts import subject_facts
from yiwang.credit.models import (
    CommitmentStatus,
    CreditFactsSummary,
    CreditFinding,
    CreditRecord,
    CreditSubject,
    ItemCreditPolicy,
    RecordKind,
)
from yiwang.credit.tests.conftest import RULES, company, credit_officer, list_entry, penalty
from yiwang.ledger import merkle
from yiwang.ledger.models import LedgerEntry
from yiwang.ledger.services import (
    AUDIT_FIELDS,
    append_audit_events,
    audit_record,
    commitment,
    publish_tree_head,
    run_verification,
)
from yiwang.testing import case_factories
from yiwang.testing.http import bearer

pytestmark = pytest.mark.django_db

INSTANT = ('<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
           'id="d" name="t" namespace="http://yiwang"><decision id="food_instant" name="秒批">'
           '<decisionTable id="t" hitPolicy="COLLECT"><input id="i1" label="信用状况"><inputExpression id="e1">'
           '<text>credit</text></inputExpression></input><output id="o" label="未通过的规则" name="failed_rule"/>'
           '<rule id="r1"><inputEntry id="r1a"><text>"black"</text></inputEntry><outputEntry id="r1o">'
           '<text>"申请人在失信名单中"</text></outputEntry></rule></decisionTable></decision></definitions>')


def submit(user, applicant, item, *, exclude=()):
    refs = case_factories.required_material_refs(user, item, exclude=exclude)
    case, _created = case_services.submit_application(actor=user, item=item, applicant=applicant,
                                                      form_data={"shop_name": "青禾小馆"}, materials=refs)
    case.refresh_from_db()
    return case


@pytest.fixture
def instant_food(food_item):
    publish_rule_set_version(actor=None, key="food_instant", name="食品秒批", dmn_xml=INSTANT, items=[food_item])
    food_item.refresh_from_db()
    return food_item


def test_a_black_listed_company_applying_for_a_restricted_item_goes_to_a_person_and_the_clerk_is_told_why(
        world, joint_rules, instant_food):
    # given a company on the black list and an item of a restricted category that 秒批 would approve
    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black", reason="食品安全严重违法")
    # when it applies online
    case = submit(user, firm, instant_food)
    # then no 秒批: the case waits at the window, with the rule, its version and the reason on the case
    assert case.status == CaseStatus.SUBMITTED and not case.decided_by_rules
    assert not InstantDecision.objects.filter(case=case).exists()
    finding = CreditFinding.objects.get(case_id=case.pk, outcome="manual_review")
    assert finding.rule_id == "black_restricted" and finding.rule_version == joint_rules
    assert "失信惩戒名单" in finding.reason
    events = [t.event_type for t in case_timeline(case)]
    assert "case_credit_rule_fired" in events and "case_instant_blocked_by_credit" in events
    # and the clerk's API view carries credit_findings
    client = Client()
    response = client.get(f"/api/v1/cases/{case.number}", **bearer(client, "clerk"))
    assert response.status_code == 200, response.content
    findings = response.json()["credit_findings"]
    assert findings[0]["rule_set"] == "demo" and findings[0]["rule_set_version"] == 1
    assert findings[0]["rule_id"] == "black_restricted" and findings[0]["outcome"] == "manual_review"
    assert "失信惩戒名单" in findings[0]["reason"]


def proof_on_ledger(finding):
    """The ledger entry of the finding's proof event, after the audit stream was pulled."""
    append_audit_events(lag_seconds=0)
    event = AuditEvent.objects.get(pk=finding.audit_event_id)
    entry = LedgerEntry.objects.get(reference=f"audit:{event.pk}")
    return event, entry


def test_the_firing_is_on_the_ledger_with_its_facts_as_a_salted_commitment_and_nothing_personal(
        world, joint_rules, food_item):
    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    case = submit(user, firm, food_item)
    finding = CreditFinding.objects.get(case_id=case.pk, outcome="manual_review")
    event, entry = proof_on_ledger(finding)
    # the proof is the case's timeline event of the evaluation: one audit row, shown and proven
    assert (event.event_type, event.subject_type, event.subject_id) == ("case_credit_rule_fired", "case", str(case.pk))
    assert event.details["stage"] == "submission" and event.details["credit_rule"] == "demo v1 · black_restricted"
    # the ledger commits to the whole proof event (the audit stream's salted commitment) ...
    payload = json.loads(entry.payload)
    assert payload["event_type"] == "case_credit_rule_fired"
    assert payload["commitment"] == commitment(audit_record(
        AuditEvent.objects.filter(pk=event.pk).values(*AUDIT_FIELDS).get()), salt=bytes.fromhex(entry.salt))
    # ... and the event commits to the facts: the stored facts and salt reproduce it
    assert event.details["facts"] == commitment(finding.facts, salt=bytes.fromhex(finding.salt))
    assert finding.facts["credit"]["black_listed"] is True
    assert event.details["fired"][0] == {"set": "demo", "v": 1, "digest": joint_rules.digest[:16],
                                         "rule": "black_restricted", "outcome": "manual_review"}
    # a different fact would not match the commitment
    changed = {**finding.facts, "credit": {**finding.facts["credit"], "black_listed": False}}
    assert event.details["facts"] != commitment(changed, salt=bytes.fromhex(finding.salt))
    # no name, credit code or ID number in the proof, nor on the ledger
    for text in (json.dumps(event.details, ensure_ascii=False), entry.payload):
        assert firm.name not in text and firm.id_number not in text
    # the case API names the proof, and the ledger proves the proof's inclusion under a signed head
    client = Client()
    auth = bearer(client, "clerk")
    proof_id = client.get(f"/api/v1/cases/{case.number}", **auth).json()["credit_findings"][0]["proof_audit_id"]
    assert proof_id == event.pk
    publish_tree_head()
    head = client.get("/api/v1/ledger/tree-head").json()
    body = client.get(f"/api/v1/ledger/proofs/inclusion?reference=audit:{proof_id}", **auth).json()
    assert body["entry"]["payload"]["event_type"] == "case_credit_rule_fired"
    assert merkle.verify_inclusion(body["index"], body["tree_size"], bytes.fromhex(body["leaf_hash"]),
                                   [bytes.fromhex(h) for h in body["audit_path"]], bytes.fromhex(head["root_hash"]))
    assert not run_verification().problems
    # and a proof edited after it was logged is caught by the ledger's verification
    AuditEvent.objects.filter(pk=event.pk).update(details={**event.details, "fired": []})
    assert "audit_event_changed" in {p["code"] for p in run_verification().problems}


def test_a_clean_company_gets_instant_approval_on_the_same_item(world, joint_rules, instant_food):
    user, firm = company("clean", "91330100MA2B3C4D5", "某县守法食品有限公司")
    case = submit(user, firm, instant_food)
    assert case.decided_by_rules and case.outcome == Outcome.APPROVED
    assert not CreditFinding.objects.filter(case_id=case.pk).exists()


def test_a_penalty_in_the_last_12_months_stops_instant_approval_and_an_older_one_does_not(
        world, joint_rules, instant_food):
    ItemCreditPolicy.objects.filter(item=instant_food).update(restricted=False)
    recent_user, recent = company("recent", "91330100MA2B3C4D5", "近期处罚公司")
    penalty(recent, days_ago=30, number="罚1")
    old_user, old = company("old", "91330100MA2B3C4D6", "早年处罚公司")
    penalty(old, days_ago=400, number="罚2")
    recent_case = submit(recent_user, recent, instant_food)
    old_case = submit(old_user, old, instant_food)
    assert not recent_case.decided_by_rules and recent_case.status == CaseStatus.SUBMITTED
    assert CreditFinding.objects.get(case_id=recent_case.pk).outcome == "no_instant"
    assert old_case.decided_by_rules


def test_a_red_listed_company_is_accepted_with_one_material_pending_and_the_case_tracks_it(
        world, joint_rules, food_item):
    layout = Material.objects.get(item=food_item, name="经营场所证明")
    red_user, red = company("red", "91330100MA2B3C4D5", "守信示范公司")
    list_entry(red, "red", dept="SW")
    plain_user, plain = company("plain", "91330100MA2B3C4D6", "普通公司")
    # a company not on the red list must bring every material
    with pytest.raises(InvalidInput) as refused:
        submit(plain_user, plain, food_item, exclude=(layout.pk,))
    assert refused.value.code == CaseErrorCode.MATERIALS_MISSING
    # the red-listed one is accepted without the site document, which the case then tracks
    case = submit(red_user, red, food_item, exclude=(layout.pk,))
    finding = CreditFinding.objects.get(case_id=case.pk, outcome="tolerance")
    assert finding.pending_material == "经营场所证明" and finding.pending_material_id == layout.pk
    assert services.pending_material_id(case.pk) == layout.pk
    # when it is supplied, the case no longer has it pending
    services.resolve_pending_material(case_id=case.pk, material_ids={layout.pk}, now=case.submitted_at)
    assert services.pending_material_id(case.pk) is None


def test_a_red_listed_company_still_cannot_leave_out_two_materials(world, joint_rules, food_item):
    red_user, red = company("red", "91330100MA2B3C4D5", "守信示范公司")
    list_entry(red, "red", dept="SW")
    missing = tuple(Material.objects.filter(item=food_item, required=True).values_list("pk", flat=True))
    with pytest.raises(InvalidInput):
        submit(red_user, red, food_item, exclude=missing)


def test_a_commitment_item_records_the_commitment_which_is_checked_later(world, joint_rules, food_item):
    ItemCreditPolicy.objects.filter(item=food_item).update(commitment_system=True, restricted=False)
    user, firm = company("firm", "91330100MA2B3C4D5", "承诺制公司")
    case = submit(user, firm, food_item)
    finding = CreditFinding.objects.get(case_id=case.pk, outcome="commitment")
    record = finding.commitment_record
    assert record.kind == RecordKind.COMMITMENT and record.commitment_status == CommitmentStatus.PENDING
    assert record.source_ref == f"case:{case.pk}"
    # checked later by the department: broken, it counts against the company's credit
    officer = credit_officer("scjg_credit", "SCJG")
    services.check_commitment(actor=officer, record_id=record.pk, kept=False, note="现场核查不符")
    facts = subject_facts(record.subject, dt.date.today())
    assert facts["broken_commitments"] == 1 and facts["level"] == "C"
    with pytest.raises(InvalidInput):
        services.check_commitment(actor=officer, record_id=record.pk, kept=True)


def test_rules_are_evaluated_again_at_each_decision(world, joint_rules, food_item):
    user, firm = company("firm", "91330100MA2B3C4D5", "后列入黑名单公司")
    case = submit(user, firm, food_item)
    assert not CreditFinding.objects.filter(case_id=case.pk).exists()
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    # the company is black-listed while its case is in review
    list_entry(firm, "black")
    step = CaseStep.objects.get(case=case, status="open")
    case_services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=step.pk, decision="approve")
    finding = CreditFinding.objects.get(case_id=case.pk)
    assert finding.stage == "decision" and finding.outcome == "manual_review"


def decide_step(world, case, actor):
    step = CaseStep.objects.get(case=case, status="open")
    case_services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")


def test_a_decision_computes_the_facts_afresh_but_keeps_no_summary(world, joint_rules, food_item):
    # given a company whose facts summary was kept at its submission, then made stale by a list entry
    user, firm = company("firm", "91330100MA2B3C4D5", "后列入黑名单公司")
    penalty(firm, days_ago=800, number="罚旧1")  # on file, nothing that fires
    case = submit(user, firm, food_item)
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    list_entry(firm, "black")
    # (the list entry kept the summary current; made stale here as a write by hand would leave it:
    # the version bumped, and the summary still saying what it said before the list entry)
    services.bump_facts_version([subject.pk])
    CreditFactsSummary.objects.filter(subject=subject).update(black_listed=0)
    kept = CreditFactsSummary.objects.get(subject=subject)
    # when a step is decided, the rules see the black list (the facts computed, not the stale summary)
    decide_step(world, case, world.reviewer)
    assert CreditFinding.objects.get(case_id=case.pk).outcome == "manual_review"
    # but the decision kept no summary: keeping it would take the summary's row lock inside the
    # decision's transaction, before the subject's (a licence entered bumps it), the opposite order
    # to a submission that bumps first and keeps after
    again = CreditFactsSummary.objects.get(subject=subject)
    assert (again.facts_version, again.computed_for) == (kept.facts_version, kept.computed_for)
    assert again.facts_version < CreditSubject.objects.get(pk=subject.pk).facts_version


def test_an_unchanged_firing_is_not_recorded_again_at_each_decision_but_its_proof_is(world, joint_rules, food_item):
    # given a black-listed company whose case fired a rule at submission
    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    case = submit(user, firm, food_item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    # when the first step is decided and nothing about the company changed
    decide_step(world, case, world.reviewer)
    # then the finding is not written again, the timeline says once that the same rules applied ...
    assert CreditFinding.objects.filter(case_id=case.pk).count() == 1
    events = [t.event_type for t in case_timeline(case)]
    assert events.count("case_credit_rule_fired") == 1 and events.count("case_credit_rules_unchanged") == 1
    # ... and the evaluation's proof is written all the same, with the same facts commitment: the
    # timeline's line carries it (one audit row per evaluation)
    proofs = list(AuditEvent.objects.filter(
        subject_type="case", subject_id=str(case.pk),
        event_type__in=("case_credit_rule_fired", "case_credit_rules_unchanged")).order_by("id"))
    assert [p.event_type for p in proofs] == ["case_credit_rule_fired", "case_credit_rules_unchanged"]
    assert CreditFinding.objects.get(case_id=case.pk).audit_event_id == proofs[0].pk
    assert proofs[1].details["stage"] == "decision"
    assert proofs[1].details["credit_rule"] == "demo v1 · black_restricted"
    assert proofs[1].details["facts"] == proofs[0].details["facts"]
    assert proofs[1].details["unchanged_since"] == proofs[0].pk
    assert proofs[1].details["fired"] == proofs[0].details["fired"]
    # when a fact changes but the same rule fires (a licence entered meanwhile), the next decision
    # records the firing again, with the new facts
    services.add_record(actor=None, check_permission=False, subject_kind=firm.kind, subject_number=firm.id_number,
                        subject_name=firm.name, department=food_item.department,
                        data=services.RecordInput(kind=RecordKind.LICENCE, title="食品经营许可", basis="《食品安全法》",
                                                  decided_on=dt.date.today(), decision_no="许新"))
    decide_step(world, case, world.decider)
    latest = CreditFinding.objects.get(case_id=case.pk, stage="decision")
    assert latest.outcome == "manual_review" and latest.facts["credit"]["licences"] == 1
    assert [t.event_type for t in case_timeline(case)].count("case_credit_rule_fired") == 2


def test_a_changed_outcome_at_a_decision_is_recorded_again(world, joint_rules, food_item):
    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    case = submit(user, firm, food_item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    penalty(firm, days_ago=5, number="罚新")
    decide_step(world, case, world.reviewer)
    latest = CreditFinding.objects.filter(case_id=case.pk, stage="decision")
    assert {f.outcome for f in latest} == {"manual_review", "no_instant"}
    assert latest[0].facts["credit"]["penalties_12m"] == 1


def test_two_firings_are_one_timeline_event_listing_both_with_one_proof(world, joint_rules, food_item):
    # given a black-listed company with a penalty this year: two rules fire for it
    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    penalty(firm, days_ago=5, number="罚新")
    case = submit(user, firm, food_item)
    findings = list(CreditFinding.objects.filter(case_id=case.pk).order_by("id"))
    assert [f.outcome for f in findings] == ["manual_review", "no_instant"]
    # then the timeline has one line for the evaluation, naming both rules, outcomes and reasons ...
    fired = [t for t in case_timeline(case) if t.event_type == "case_credit_rule_fired"]
    assert len(fired) == 1
    assert fired[0].details["credit_rule"] == "、".join(f"demo v1 · {f.rule_id}" for f in findings)
    assert fired[0].details["credit_outcome"] == "manual_review、no_instant"
    assert fired[0].details["reason"] == "；".join(f.reason for f in findings)
    assert fired[0].details["stage"] == "submission"
    # ... its audit row is the one proof both findings share, listing every firing
    row = AuditEvent.objects.get(subject_type="case", subject_id=str(case.pk), event_type="case_credit_rule_fired")
    assert {f.audit_event_id for f in findings} == {row.pk}
    assert [(p["set"], p["v"], p["rule"], p["outcome"]) for p in row.details["fired"]] == [
        ("demo", 1, f.rule_id, f.outcome) for f in findings]
    assert row.details["facts"] == commitment(findings[0].facts, salt=bytes.fromhex(findings[0].salt))
    assert not AuditEvent.objects.filter(event_type="credit_rules_evaluated").exists()
    with translation.override("en"):
        english = [t for t in case_timeline(case) if t.event_type == "case_credit_rule_fired"][0]
        assert english.details["reason"] == "; ".join(f.reason_en or f.reason for f in findings)


def test_recording_an_evaluation_on_the_case_is_two_statements_however_many_rules_fire(
        world, joint_rules, food_item, django_assert_num_queries):
    from yiwang.cases.services.credit import record_on_case

    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    penalty(firm, days_ago=5, number="罚新")
    case = submit(user, firm, food_item)
    case.applicant = firm  # as at submission: the applicant is in memory
    evaluation = services.evaluate_joint_rules(item=food_item, subject_kind=firm.kind, id_index=firm.id_index,
                                               now=dt.datetime.now(dt.UTC))
    assert len(evaluation.fired) == 2
    # the timeline event that is the proof, then the findings (one statement); nothing re-read (the
    # department only when a commitment is recorded), and the KPI rollup reads nothing on a credit event
    with django_assert_num_queries(2):
        findings = record_on_case(case, evaluation, stage="submission", now=dt.datetime.now(dt.UTC))
    assert len(findings) == 2


def test_rule_reasons_are_shown_in_english_in_the_english_interface(world, joint_rules, food_item):
    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    case = submit(user, firm, food_item)
    finding = CreditFinding.objects.get(case_id=case.pk)
    assert finding.reason_en.startswith("The applicant is on the credit blacklist")
    client = Client()
    auth = bearer(client, "clerk")
    body = client.get(f"/api/v1/cases/{case.number}", **auth).json()
    assert body["credit_findings"][0]["reason_en"] == finding.reason_en
    with translation.override("en"):
        reasons = [t.details.get("reason") for t in case_timeline(case) if t.event_type == "case_credit_rule_fired"]
        assert reasons == [finding.reason_en]
    with translation.override("zh-hans"):
        reasons = [t.details.get("reason") for t in case_timeline(case) if t.event_type == "case_credit_rule_fired"]
        assert reasons == [finding.reason]


def test_a_licence_granted_in_yiwang_flows_into_the_register(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    for actor in (world.reviewer, world.decider):
        step = CaseStep.objects.get(case=case, status="open")
        case_services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")
    record = CreditRecord.objects.get(source_ref=f"case:{case.pk}")
    assert record.kind == RecordKind.LICENCE and record.source == "decision"
    assert record.subject.kind == "person" and record.subject.code == ""
    assert record.subject.id_index == world.applicant.id_index
    # calling it again (a retry) adds nothing
    services.record_from_decision(applicant=world.applicant, department=case.department, kind=RecordKind.LICENCE,
                                  title="x", basis="y", decided_at=case.decided_at, reference=f"case:{case.pk}")
    assert CreditRecord.objects.filter(source_ref=f"case:{case.pk}").count() == 1


def test_instant_rules_see_unrecorded_for_a_subject_the_register_does_not_know(world, instant_food):
    user, firm = company("new", "91330100MA2B3C4D5", "新设公司")
    case = submit(user, firm, instant_food)
    assert case.instant_decision.evidence["信用状况"] == "unrecorded"
    user2, firm2 = company("black", "91330100MA2B3C4D6", "黑名单公司")
    list_entry(firm2, "black")
    case2 = submit(user2, firm2, instant_food)
    assert case2.instant_decision.evidence["信用状况"] == "black" and not case2.instant_decision.passed


def test_a_rule_reading_an_unknown_fact_is_refused_when_saved_with_the_reason(db):
    bad = RULES.replace("credit.penalties_12m", "credit.bankrupt")
    with pytest.raises(InvalidInput) as refused:
        services.publish_joint_rules(actor=None, key="bad", name="坏规则", dmn_xml=bad)
    assert "credit.bankrupt" in refused.value.message
    other_variable = RULES.replace("credit.penalties_12m", "applicant.penalties")
    with pytest.raises(InvalidInput) as refused:
        services.publish_joint_rules(actor=None, key="bad", name="坏规则", dmn_xml=other_variable)
    assert "applicant" in refused.value.message
    unknown_outcome = RULES.replace('"no_instant"', '"approve"')
    with pytest.raises(InvalidInput) as refused:
        services.publish_joint_rules(actor=None, key="bad", name="坏规则", dmn_xml=unknown_outcome)
    assert "outcome" in refused.value.message


def test_the_admin_refuses_an_unknown_fact_at_save_with_the_reason(db):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    root = get_user_model().objects.create_superuser("root", password="pw-root")
    client = Client()
    client.force_login(root)
    bad = RULES.replace("credit.penalties_12m", "credit.bankrupt").encode("utf-8")
    response = client.post("/admin/credit/jointruleset/add/", {
        "key": "bad", "name": "坏规则", "description": "", "is_active": "on",
        "dmn_file": SimpleUploadedFile("bad.dmn", bad), "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "credit.bankrupt" in response.content.decode()
    good = SimpleUploadedFile("good.dmn", RULES.encode("utf-8"))
    response = client.post("/admin/credit/jointruleset/add/", {
        "key": "good", "name": "好规则", "description": "", "is_active": "on", "dmn_file": good,
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert services.active_rule_versions()[0].rule_set.key == "good"
