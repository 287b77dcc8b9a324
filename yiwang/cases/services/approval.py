"""Back-office approval (后台分类审批): complete a step with a decision, or return it (回退)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseStatus, CaseStep, EngineErrorAction, Outcome, StepDecision, StepStatus
from yiwang.cases.permissions import may_complete
from yiwang.cases.runtime import EngineFailure
from yiwang.cases.services import credit as credit_rules
from yiwang.cases.services.common import (
    DECISION_TEXT_CHARS,
    STEP_DELIVERY,
    illegal,
    load_runtime,
    lock_step,
    note_case,
    remember_open_steps,
    step_and_engine_updates,
    sync_steps,
)
from yiwang.cases.services.outputs import issue_case_outputs
from yiwang.cases.services.repair import record_engine_failure
from yiwang.core.clock import db_now
from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import Role
from yiwang.core.services import audit_batch
from yiwang.core.text import bounded_text
from yiwang.core.users import User


def _outcome(completed: list[CaseStep]) -> str:
    """Reviewers recommend; deciders and co-signers decide, and any deciding "no" is a no.
    ``completed``: the case's completed steps (the latest of each task counts)."""
    latest: dict[str, CaseStep] = {}
    for step in sorted(completed, key=lambda s: (s.completed_at, s.pk)):
        latest[step.task_name] = step
    deciding = [s for s in latest.values() if s.role != Role.REVIEWER] or list(latest.values())
    return Outcome.DENIED if any(s.decision == StepDecision.DENY for s in deciding) else Outcome.APPROVED


def complete_step(
    *,
    actor: User,
    case_id: int | None = None,
    step_id: int,
    decision: str,
    comment: str = "",
    confirmed: bool | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Complete one step of the case (审查 / 审核 / 决定 / 会签) with ``approve`` or ``deny``, or
    ``return`` it to the previous step with a reason. Exactly one of two concurrent attempts wins.
    ``confirmed``: a ``deny`` the approver confirmed on the workbench's confirmation page (recorded
    in the audit record)."""
    if decision not in StepDecision.values:
        raise InvalidInput(CaseErrorCode.ILLEGAL_TRANSITION, _("审批意见只能是同意、不同意或回退。"), {"decision": decision})
    comment = bounded_text(comment, field="comment", label=_("审批意见"), max_chars=DECISION_TEXT_CHARS)
    if decision in (StepDecision.DENY, StepDecision.RETURN) and not comment:
        raise InvalidInput(CaseErrorCode.REASON_REQUIRED, _("不同意或回退时必须写明理由。"))
    now = now or db_now()
    try:
        return _complete_step(actor=actor, case_id=case_id, step_id=step_id, decision=decision, comment=comment, now=now,
                              confirmed=confirmed)
    except EngineFailure as exc:
        # the step's transaction has rolled back: the case is as it was and the step still open. The
        # failure names the case its engine ran for (the step may be gone by now, and the caller
        # may have named only the step).
        case_id = exc.case_id if exc.case_id is not None else case_id
        found = CaseStep.objects.select_related("department").filter(pk=step_id)
        step = (found.filter(case_id=case_id) if case_id is not None else found).first()
        raise record_engine_failure(
            case_id=step.case_id if step is not None else case_id, step=step, failure=exc, actor=actor, now=now,
            action=EngineErrorAction.RETURN if decision == StepDecision.RETURN else EngineErrorAction.COMPLETE,
        ) from exc


def _complete_step(
    *, actor: User, case_id: int | None, step_id: int, decision: str, comment: str, now: dt.datetime,
    confirmed: bool | None = None,
) -> Case:
    with transaction.atomic(), audit_batch():
        case, step, open_steps, completed, engine_state = lock_step(step_id, case_id)
        if step.status != StepStatus.OPEN:
            raise Conflict(
                CaseErrorCode.STEP_ALREADY_COMPLETED,
                _("环节「%(step)s」已经办理（%(status)s），无需重复提交。") % {"step": step.name, "status": step.get_status_display()},
                {"step_status": step.status},
            )
        if not case.can_complete_step():
            raise illegal(case, _("审批"))
        if not may_complete(actor, step):
            raise Forbidden(CaseErrorCode.NOT_YOUR_STEP, _("该环节不属于您的部门或岗位。"))

        runtime = load_runtime(case, engine_state)
        if decision == StepDecision.RETURN:
            previous = runtime.previous_user_task(step.task_id)
            if previous is None:
                raise InvalidInput(CaseErrorCode.CANNOT_RETURN_FIRST_STEP,
                                   _("这是第一个审批环节，无法回退；如材料有问题，请填写「不同意」并说明理由。"))
            step.status = StepStatus.RETURNED
            event = "case_step_returned"
            runtime.reset_to(previous)
        else:
            step.status = StepStatus.COMPLETED
            event = "case_step_completed"
            runtime.complete(step.task_id, {"decision": decision, "comment": comment})
        step.decision, step.comment, step.completed_at, step.completed_by = decision, comment, now, actor
        # written with the case's update below (one statement with it on PostgreSQL, issue #14)
        closed = step_and_engine_updates(case, step, runtime, ["status", "decision", "comment", "completed_at",
                                                               "completed_by"])
        known = [case.item.department, case.department, *(s.department for s in open_steps)]
        confirmed_detail = {"confirmed": confirmed} if confirmed is not None else {}
        if not runtime.is_completed:
            opened = sync_steps(case, runtime, now, open_steps=open_steps, known_departments=known, also=closed)
            note_case(case, actor=actor, at=now, event_type=event, department=step.department, step=step.name,
                      decision=decision, comment=comment, next_steps=[s.name for s in opened],
                      **confirmed_detail)
            if decision != StepDecision.RETURN:
                credit_rules.check_at_decision(case, now=now, department=step.department)
        else:
            # The deciding step: the step's audit record and the credit check see the case in review,
            # as before the decision; then ONE update of the case row carries both the steps' mirror
            # (no step left open) and the decision's fields (it used to be two UPDATEs), sent with
            # the step's and the engine state's (one statement on PostgreSQL).
            outcome = _outcome([*completed, step] if step.status == StepStatus.COMPLETED else completed)
            note_case(case, actor=actor, at=now, event_type=event, department=step.department, step=step.name,
                      decision=decision, comment=comment, next_steps=[], **confirmed_detail)
            if decision != StepDecision.RETURN:
                credit_rules.check_at_decision(case, now=now, department=step.department)
            sync_steps(case, runtime, now, open_steps=open_steps, known_departments=known, also=closed,
                       status=CaseStatus.AWAITING_DELIVERY, outcome=outcome, decided_at=now, outcome_note=comment,
                       current_step=STEP_DELIVERY, current_department=None)
            note_case(case, actor=actor, at=now, event_type="case_decided", department=step.department, outcome=outcome)
            credit_rules.record_decision(case, now=now, actor=actor, note=comment)
            issue_case_outputs(case=case, event="case_decided", now=now)
            remember_open_steps(case, [])
    return case
