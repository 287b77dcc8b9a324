"""Joint rules at an application: what one evaluation reads and what recording it writes (the cost
``bench/credit.py`` measures), pinned so that a change that re-reads or writes per firing shows."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from yiwang.catalog.dmn import RulesRejected
from yiwang.core.models import AuditEvent
from yiwang.core.services import record_audit
from yiwang.credit import joint, services
from yiwang.credit.models import CreditFactsSummary, CreditFinding, JointRuleSet
from yiwang.credit.tests.conftest import company, list_entry, penalty
from yiwang.ledger.services import commitment

pytestmark = pytest.mark.django_db


def evaluate(item, firm):
    return services.evaluate_joint_rules(item=item, subject_kind=firm.kind, id_index=firm.id_index, now=dt.datetime.now(dt.UTC))


def test_an_evaluation_is_one_statement_with_or_without_active_rules(
        world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    penalty(firm, days_ago=5)
    evaluate(food_item, firm)  # this process compiles the version once
    # the active versions, the subject's facts and the item's settings in one statement
    with django_assert_num_queries(1):
        evaluation = evaluate(food_item, firm)
    assert {f.rule_id for f in evaluation.fired} == {"black_restricted", "recent_penalty"}
    assert evaluation.facts["credit"]["penalties_12m"] == 1 and evaluation.facts["item"]["restricted"] is True
    JointRuleSet.objects.filter(pk=joint_rules.rule_set_id).update(is_active=False)
    with django_assert_num_queries(1):
        assert evaluate(food_item, firm).fired == []


def test_a_compiled_table_is_kept_per_process_by_version_and_digest(world, joint_rules, food_item, monkeypatch):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    first = evaluate(food_item, firm)

    def never(*_args, **_kwargs):
        raise RulesRejected("the table was parsed again")

    monkeypatch.setattr(joint, "validate", never)
    assert [f.rule_id for f in evaluate(food_item, firm).fired] == [f.rule_id for f in first.fired]
    # a new version is a new key: it is compiled (here: refused by the patched parser, so it cannot
    # decide and a person reviews, never a quiet pass)
    monkeypatch.setattr(joint, "_tables", {})
    again = evaluate(food_item, firm)
    assert [(f.rule_id, f.outcome) for f in again.fired] == [("error", "manual_review")]


def test_recording_two_firings_is_two_statements_with_one_proof_that_opens(
        world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    penalty(firm, days_ago=5)
    evaluation = evaluate(food_item, firm)
    assert len(evaluation.fired) == 2
    written = []

    def write_proof(details, unchanged):  # as a caller writes it (cases: the case's timeline event)
        written.append(unchanged)
        return record_audit(actor=None, at=dt.datetime.now(dt.UTC), event_type="credit_rules_evaluated", subject_type="credit_evaluation",
                            subject_id=41, details=details).pk

    # the proof (one audit row, by the caller) and the findings (one INSERT), whatever the number of firings
    with django_assert_num_queries(2):
        findings = services.record_findings(case_id=41, case_number="YW1", stage="submission", evaluation=evaluation,
                                            now=dt.datetime.now(dt.UTC), write_proof=write_proof, subject_kind=firm.kind,
                                            subject_number=firm.id_number, subject_name=firm.name,
                                            department_id=food_item.department_id)
    assert written == [[]]  # once, as a new evaluation
    stored = list(CreditFinding.objects.filter(case_id=41).order_by("id"))
    assert [(f.rule_id, f.outcome) for f in stored] == [(f.rule_id, f.outcome) for f in findings]
    assert len({f.audit_event_id for f in stored}) == 1 and len({f.salt for f in stored}) == 1
    proof = AuditEvent.objects.get(pk=stored[0].audit_event_id)
    assert proof.details["stage"] == "submission"
    assert [(p["set"], p["v"], p["rule"], p["outcome"]) for p in proof.details["fired"]] == [
        ("demo", joint_rules.version, f.rule_id, f.outcome) for f in stored]
    assert proof.details["facts"] == commitment(stored[0].facts, salt=bytes.fromhex(stored[0].salt))
    assert firm.id_number not in str(proof.details) and firm.name not in str(proof.details)


def _work_of_the_evaluation(item, firm, today: dt.date | None = None) -> int:
    """How much work the database did for an evaluation's reads (``_active_versions_and_facts``: one
    statement, and one more that computes the facts when the subject has no current summary):
    SQLite's virtual machine instructions (a progress handler called at each one), or on PostgreSQL
    the rows produced by the scans of the subject's records in each statement it ran (each captured
    statement run again under ``EXPLAIN ANALYZE``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def read() -> None:
        services._active_versions_and_facts(item=item, subject_kind=firm.kind, id_index=firm.id_index,
                                            today=today or dt.datetime.now(dt.UTC).date())

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0

        connection.connection.set_progress_handler(count, 1)
        try:
            read()
        finally:
            connection.connection.set_progress_handler(None, 1)
        return steps[0]
    with CaptureQueriesContext(connection) as statements:
        read()

    def record_rows(node: dict) -> int:
        own = node.get("Actual Rows", 0) * node.get("Actual Loops", 0) \
            if node.get("Relation Name") == "credit_creditrecord" else 0
        return own + sum(record_rows(child) for child in node.get("Plans", []))

    rows = 0
    with connection.cursor() as cursor:
        for statement in statements.captured_queries:  # as sent, the parameters bound by the client
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement["sql"])
            plan = cursor.fetchone()[0]
            rows += record_rows((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    return rows


def test_without_active_rules_the_statement_does_not_compute_the_facts(world, joint_rules, food_item):
    # given a subject with many records: computing its facts is most of the statement's work
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县处罚较多公司")
    for i in range(60):
        penalty(firm, days_ago=5 + i, number=f"罚{i}")
    CreditFactsSummary.objects.all().delete()  # none kept (the writers keep one): the facts computed
    with_rules = _work_of_the_evaluation(food_item, firm)
    assert evaluate(food_item, firm).facts["credit"]["penalties_12m"] == 60
    # when no rule set is active, the same statement skips the facts: a submission without rules
    # pays for the versions only (the bench's baseline is not made slower by the folding)
    JointRuleSet.objects.filter(pk=joint_rules.rule_set_id).update(is_active=False)
    without_rules = _work_of_the_evaluation(food_item, firm)
    assert evaluate(food_item, firm).facts == {}
    from django.db import connection

    if connection.vendor == "sqlite":
        assert without_rules * 5 < with_rules, (without_rules, with_rules)
    else:
        assert with_rules >= 60 and without_rules == 0, (without_rules, with_rules)
