"""Cases and credit supervision (信用监管): the joint rules (联合奖惩) at submission and at each
decision, their firings on the case and its timeline, and decisions flowing into the register.

The rules and the register live in ``yiwang.credit``; this module is the cases side of the seam."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yiwang.cases.models import Case, Outcome
from yiwang.cases.services.common import audit_case
from yiwang.catalog.models import ItemType, Material, ServiceItem
from yiwang.core.models import Applicant, Department
from yiwang.core.users import User
from yiwang.credit import services as credit
from yiwang.credit.models import CreditFinding, ItemCreditPolicy, JointRuleVersion, RecordKind, RepairStatus, Stage
from yiwang.credit.models import Outcome as CreditOutcome


def evaluate_for(item: ServiceItem, applicant: Applicant, now: dt.datetime, *,
                 keep_summary: bool = True) -> credit.Evaluation:
    kind, index = credit.subject_of_applicant(applicant)
    return credit.evaluate_joint_rules(item=item, subject_kind=kind, id_index=index, now=now,
                                       keep_summary=keep_summary)


def tolerated_material(item: ServiceItem, evaluation: credit.Evaluation, missing: list[Material]) -> Material | None:
    """容缺受理: when a rule grants it and exactly one required material is missing, and it is the
    material the item allows to follow later, that material may be supplied after acceptance."""
    if not evaluation.has(CreditOutcome.TOLERANCE) or len(missing) != 1:
        return None
    policy = ItemCreditPolicy.objects.filter(item=item).first()
    if policy is None or policy.tolerance_material_id != missing[0].pk:
        return None
    return missing[0]


def _rule_label(version: JointRuleVersion, rule_id: str) -> str:
    return f"{version.rule_set.key} v{version.version} · {rule_id}"


def _proof_on_timeline(case: Case, evaluation: credit.Evaluation, *, now: dt.datetime, department: Department | None,
                       pending: Material | None = None) -> credit.ProofWriter:
    """The evaluation's one audit row is the case's timeline event, and it carries the proof
    (``credit.proof_details``: rule set versions, rules, outcomes, facts commitment, stage,
    ``unchanged_since``): what the case shows is what reaches the ledger, in one row and one
    ``case_recorded``. Firings: one event listing every rule that fired (rule, outcome, reason);
    a re-evaluation that changed nothing: one event naming the rules that still apply."""

    def write(proof: dict[str, Any], unchanged: list[CreditFinding]) -> int:
        if unchanged:
            return audit_case(case, actor=None, at=now, event_type="case_credit_rules_unchanged", department=department,
                              credit_rule="、".join(_rule_label(f.rule_version, f.rule_id) for f in unchanged),
                              **proof).pk
        fired = evaluation.fired
        english = any(f.reason_en for f in fired)
        tolerated = pending is not None and evaluation.has(CreditOutcome.TOLERANCE)
        return audit_case(case, actor=None, at=now, event_type="case_credit_rule_fired", department=department,
                          credit_rule="、".join(_rule_label(f.version, f.rule_id[:100]) for f in fired),
                          credit_outcome="、".join(f.outcome for f in fired),
                          reason="；".join(f.reason for f in fired),
                          reason_en="; ".join(f.reason_en or f.reason for f in fired) if english else "",
                          pending_material=pending.name if tolerated and pending is not None else "", **proof).pk

    return write


def record_on_case(case: Case, evaluation: credit.Evaluation, *, stage: str, now: dt.datetime,
                   pending: Material | None = None, department: Department | None = None) -> list[CreditFinding]:
    """Keep the firings (credit findings) and put them on the case's timeline, whose event is their proof."""
    return credit.record_findings(
        case_id=case.pk, case_number=case.number or "", stage=stage, evaluation=evaluation, now=now,
        write_proof=_proof_on_timeline(case, evaluation, now=now, department=department, pending=pending),
        **_subject(case), pending_material=(pending.pk, pending.name) if pending is not None else None)


def _subject(case: Case) -> dict:
    # the department by id: it is read only when a rule asks for a commitment (告知承诺)
    return {"subject_kind": case.applicant.kind, "subject_number": case.applicant.id_number,
            "subject_name": case.applicant.name, "department_id": case.department_id}


def check_at_decision(case: Case, *, now: dt.datetime, department: Department | None) -> list[CreditFinding]:
    """Evaluate the joint rules again when a step is decided: the subject's credit may have changed
    since submission (a new black-list entry, a repair). Firings are recorded again only when the
    rules, their outcomes or the facts changed; otherwise the timeline gets one line saying the
    same rules applied (that line carries this evaluation's proof all the same)."""
    # keeps no facts summary: the decision's transaction may then bump the subject's facts version
    # (a licence or penalty entered), and holding the summary's row lock before the subject's would
    # take the two in the opposite order to a submission that bumps first (a rule's commitment) and
    # then keeps: a deadlock between the two on one subject
    evaluation = evaluate_for(case.item, case.applicant, now, keep_summary=False)
    findings, _unchanged = credit.record_reevaluation(
        case_id=case.pk, case_number=case.number or "", stage=Stage.DECISION, evaluation=evaluation, now=now,
        write_proof=_proof_on_timeline(case, evaluation, now=now, department=department), **_subject(case))
    return findings


def repair_at_submission(case: Case, evaluation: credit.Evaluation, *, actor: User | None, now: dt.datetime) -> None:
    """信用修复 as a case: a case of a repair item files its repair request, inside the submission's
    transaction; an entry that is not repairable refuses the application with the reason. Whether
    the item is a repair item came with the submission's evaluation (the same statement): a
    submission of any other item runs no query here."""
    if not evaluation.repair_item:
        return
    repair = credit.request_repair_in_case(actor=actor, item=case.item, applicant=case.applicant,
                                           form_data=case.form_data or {}, case_id=case.pk,
                                           case_number=case.number or "", now=now, repair_item=True)
    if repair is not None:
        audit_case(case, actor=actor, at=now, event_type="case_credit_repair_requested",
                   credit_rule=credit.repair_target(repair.record or repair.list_entry))


def record_decision(case: Case, *, now: dt.datetime, actor: User | None = None, note: str = "") -> None:
    """A decision flows into the register: a licence granted in Yiwang as an administrative-licence
    record (双公示) without re-typing; a repair case's decision approves or refuses its repair
    (with the decider's reason). Penalties are not decided in Yiwang's cases today (no item type
    for them); ``credit.services.record_from_decision`` takes them when they are."""
    licence = case.item.item_type == ItemType.LICENSING and case.outcome == Outcome.APPROVED
    record = dict(
        applicant=case.applicant, department=case.department, kind=RecordKind.LICENCE,
        title=f"{case.item.name}（准予许可）"[:300], basis=case.item.legal_basis or case.item.name,
        decided_at=now, reference=f"case:{case.pk}", decision_no=case.number or "") if licence else None
    if actor is None and record is None:
        return
    # the repair and the record: one credit function, whose first read asks after both
    repair = credit.decide_case_in_register(actor=actor, case_id=case.pk, approve=case.outcome == Outcome.APPROVED,
                                            note=note, now=now, record=record)
    if repair is not None:
        audit_case(case, actor=actor, at=now, reason=repair.decision_note,
                   event_type="case_credit_repaired" if repair.status == RepairStatus.APPROVED
                   else "case_credit_repair_refused")


def repair_closed(case: Case, *, actor: User | None, reason: str, withdrawn: bool, now: dt.datetime) -> None:
    """The case ended before a decision (refused at the window, withdrawn): its repair request closes."""
    credit.close_repair_in_case(actor=actor, case_id=case.pk, reason=reason, withdrawn=withdrawn, now=now)


def findings_of(case: Case) -> list[CreditFinding]:
    return list(CreditFinding.objects.filter(case_id=case.pk).select_related("rule_version__rule_set")
                .order_by("evaluated_at", "id"))
