"""Instant approval (秒批 / 无感申办): when every rule of the item's DMN table passes, the system
accepts and approves the case within the submitting request, recording the rule version and the
evidence; when any rule fails, the case goes to the window with the failing rules named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.models import (
    Case,
    CaseMaterial,
    CaseStatus,
    CaseStep,
    DeliveryMethod,
    EngineErrorAction,
    InstantDecision,
    MaterialSource,
    Outcome,
    StepDecision,
    StepStatus,
)
from yiwang.cases.runtime import CaseRuntime, EngineFailure
from yiwang.cases.services.common import STEP_DELIVERY, audit_case, save_engine_state, sync_steps, update_case
from yiwang.cases.services.credit import record_decision
from yiwang.cases.services.outputs import issue_case_outputs
from yiwang.cases.services.repair import record_engine_failure
from yiwang.catalog.dmn import evaluate_rules
from yiwang.catalog.models import RuleSetVersion, ServiceItem
from yiwang.core import calendar
from yiwang.core.ids import is_valid_citizen_id
from yiwang.core.models import Applicant, ApplicantKind
from yiwang.credit.selectors import credit_status_of

MAX_SYSTEM_STEPS = 50  # a process that never ends under "approve" is a modelling error, not a loop


def applicant_facts(applicant: Applicant, case: Case | None, now: dt.datetime, *,
                    item_id: int | None = None) -> dict[str, Any]:
    """Facts the rules may use (see ``yiwang.catalog.dmn.FACTS``): from the applicant's record, the
    platform's own history, and, under ``shared``, what data sharing proved for this case (免提交),
    by resource code: ``facts["shared"]["RS_SBCBXX"]["status"]``.

    Without a case (the pre-check before submission) ``shared`` is empty: shared data is read only
    when a case is submitted, through the exchange policy and its access log, never to pre-check."""
    facts: dict[str, Any] = {
        "applicant_kind": applicant.kind,
        "is_enterprise": applicant.kind == ApplicantKind.ORGANISATION,
        "local_resident": applicant.id_number[:6] == settings.YIWANG_DIVISION_CODE,
        "shared": {},
    }
    if applicant.kind == ApplicantKind.PERSON and is_valid_citizen_id(applicant.id_number):
        number = applicant.id_number
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        today = calendar.local_date(now)
        facts["age"] = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        facts["gender"] = "男" if int(number[16]) % 2 else "女"
    if case is not None:
        for shared in CaseMaterial.objects.filter(case=case, source=MaterialSource.SHARED).exclude(shared_facts=None):
            facts["shared"].setdefault(shared.shared_facts.get("resource", ""), {}).update(shared.shared_facts.get("facts", {}))
    same_item = Case.objects.filter(applicant=applicant, item_id=item_id if case is None else case.item_id)
    if case is not None:
        same_item = same_item.exclude(pk=case.pk)
    facts["has_open_case_same_item"] = same_item.filter(status__in=CaseStatus.open_states()).exists()
    facts["previous_approvals_same_item"] = same_item.filter(outcome=Outcome.APPROVED).count()
    return facts


def published_rules(item: ServiceItem) -> RuleSetVersion | None:
    """The rule version 秒批 applies to the item now: the latest published version of its set."""
    if not item.instant_rules_id:
        return None
    return (RuleSetVersion.objects.filter(rule_set_id=item.instant_rules_id).select_related("rule_set")
            .order_by("-version").first())


def credit_status(applicant: Applicant, now: dt.datetime | None = None) -> str:
    """The applicant's credit status for 秒批 rules, from the credit register (``yiwang.credit``):
    ``black``, ``red``, ``normal`` (recorded, on neither list) or ``unrecorded`` (the register has
    nothing on the applicant; the evidence says so, it is not shown as ``normal``)."""
    return credit_status_of(applicant.kind, applicant.id_index, calendar.local_date(now or timezone.now()))


def decide_instantly(*, case: Case, now: dt.datetime) -> InstantDecision | None:
    """Evaluate the item's instant-approval rules on a just-submitted case (inside the submitting
    transaction) and, when all pass, accept, approve and deliver it by the system."""
    version = published_rules(case.item)
    if version is None:
        return None
    rule_set = version.rule_set
    context = {"form": case.form_data, "facts": applicant_facts(case.applicant, case, now),
               "credit": credit_status(case.applicant, now)}
    outcome = evaluate_rules((version.pk, version.digest), version.dmn_xml, context, version.inputs)
    decision = InstantDecision.objects.create(
        case=case, rules_version=version, passed=outcome.passed, failed_rules=outcome.failed_rules,
        evidence=_jsonable(outcome.evidence), error=outcome.error, evaluated_at=now,
    )
    details = {"rule_set": rule_set.key, "rules_version": version.version, "evidence": decision.evidence}
    if not outcome.passed:
        audit_case(case, actor=None, at=now, event_type="case_instant_rules_failed", instant=True,
                   failed_rules=outcome.failed_rules, error=outcome.error, **details)
        return decision
    try:
        with transaction.atomic():  # a savepoint: an engine error undoes only the approval by the system
            _approve_by_system(case, version, now, details)
    except EngineFailure as exc:
        case.refresh_from_db()
        record_engine_failure(case_id=case.pk, action=EngineErrorAction.INSTANT, failure=exc, now=now)
        audit_case(case, actor=None, at=now, event_type="case_instant_rules_failed", instant=True,
                   failed_rules=[], error=str(exc)[:300], **details)
    return decision


def _jsonable(evidence: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v) for k, v in evidence.items()}


def _approve_by_system(case: Case, version: RuleSetVersion, now: dt.datetime, details: dict[str, Any]) -> None:
    comment = _("秒批：%(rules)s 第 %(v)d 版规则全部通过") % {"rules": version.rule_set.name, "v": version.version}
    runtime = CaseRuntime.start(case.process_version, {"form": case.form_data, "item": case.item.code,
                                                      "applicant_kind": case.applicant.kind})
    save_engine_state(case, runtime, created=True)
    sync_steps(case, runtime, now, status=CaseStatus.IN_REVIEW, accepted_at=now)
    audit_case(case, actor=None, at=now, event_type="case_accepted", instant=True, **details)
    for _round in range(MAX_SYSTEM_STEPS):
        open_steps = list(CaseStep.objects.filter(case=case, status=StepStatus.OPEN))
        if not open_steps:
            break
        for step in open_steps:
            runtime.complete(step.task_id, {"decision": StepDecision.APPROVE, "comment": comment})
        CaseStep.objects.filter(pk__in=[s.pk for s in open_steps]).update(
            status=StepStatus.COMPLETED, decision=StepDecision.APPROVE, comment=comment, completed_at=now)
        sync_steps(case, runtime, now)
    save_engine_state(case, runtime)
    if not runtime.is_completed:
        raise EngineFailure(f"process {case.process_version} did not complete under approval by rules",
                            error_type="NotCompleted")
    update_case(case, status=CaseStatus.AWAITING_DELIVERY, outcome=Outcome.APPROVED, decided_at=now,
                 decided_by_rules=True, outcome_note=comment, current_step=STEP_DELIVERY, current_department=None)
    audit_case(case, actor=None, at=now, event_type="case_decided", instant=True, outcome=Outcome.APPROVED, **details)
    record_decision(case, now=now)
    if DeliveryMethod.ELECTRONIC in (case.item.delivery_methods or []):
        update_case(case, status=CaseStatus.CLOSED, delivery_method=DeliveryMethod.ELECTRONIC, delivered_at=now,
                     closed_at=now, current_step="", current_department=None)
        audit_case(case, actor=None, at=now, event_type="case_delivered", instant=True, method=DeliveryMethod.ELECTRONIC,
                   outcome=Outcome.APPROVED)
    issue_case_outputs(case=case, event="case_instant_decided", now=now)
