"""When a case's process fails: record the engine error, and let an administrator move the case to a
chosen step of its process version or migrate it to a newer version of its process.

An engine error (a gateway whose conditions all fail, a lane naming no department …) happens inside
the transaction of the step being completed; that transaction rolls back, so the step stays open and
nothing the person entered is half-saved. ``record_engine_failure`` then writes the error in its own
transaction, notifies the department heads and the platform administrators, and returns the 409 the
person sees. ``move_case`` is the repair: audited, with a required reason, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseEngineError, CaseEngineState, CaseStatus, CaseStep, StepStatus
from yiwang.cases.runtime import CaseRuntime, EngineFailure
from yiwang.cases.services.common import audit_case, lock_case, save_engine_state, sync_steps, update_case
from yiwang.catalog.models import ProcessVersion
from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import Notification, Role, StaffRole
from yiwang.core.users import User

logger = logging.getLogger(__name__)

MAX_REASON = 1000


def may_repair_process(actor: User | None) -> bool:
    """Only platform administrators move or migrate a running case."""
    return bool(actor is not None and getattr(actor, "is_superuser", False))


def record_engine_failure(
    *, case_id: int, action: str, failure: EngineFailure, actor: User | None = None,
    step: CaseStep | None = None, now: dt.datetime | None = None,
) -> Conflict:
    """Record the engine error on the case (its own transaction, so it survives the rollback of the
    step's), notify the heads of the departments concerned and the administrators, and return the
    error the person sees."""
    now = now or timezone.now()
    logger.warning("process engine error on case %s (%s): %s", case_id, action, failure)
    with transaction.atomic():
        case = Case.objects.select_related("process_version__definition").get(pk=case_id)
        error = CaseEngineError.objects.create(
            case=case, process_version=case.process_version, action=action,
            step_name=step.name if step else "", task_name=step.task_name if step else "",
            element=failure.element[:200], error_type=(failure.error_type or type(failure).__name__)[:100],
            message=str(failure)[:4000], occurred_at=now,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        departments = {case.department_id} | ({step.department_id} if step else set())
        recipients = set(StaffRole.objects.filter(role=Role.HEAD, department_id__in=departments).values_list("user_id", flat=True))
        recipients |= set(get_user_model().objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True))
        message = _("办件 %(number)s 的审批流程（%(process)s）出错，环节「%(step)s」无法办理，需要管理员处理。") % {
            "number": case.number, "process": str(case.process_version), "step": step.name if step else _("受理")}
        Notification.objects.bulk_create(
            Notification(recipient_id=uid, message=message[:300], link=f"/work/cases/{case.number}/") for uid in recipients)
        audit_case(case, actor=actor, at=now, event_type="case_engine_error", action=action,
                   step=step.name if step else "", element=failure.element, error=str(failure)[:500],
                   process_version=str(case.process_version), error_id=error.pk, notified=len(recipients))
    return Conflict(
        CaseErrorCode.PROCESS_ERROR,
        _("该事项的审批流程出现错误，已记录并通知管理员。办件没有任何改变，环节仍待办理，您的意见尚未提交；"
          "请在管理员处理后重新提交。"),
        {"error_id": error.pk},
    )


def may_see_engine_errors(user: User, case: Case) -> bool:
    """Platform administrators, and the heads of the case's department or of a department holding
    one of its open steps (they are notified, and answer to the applicant)."""
    if getattr(user, "is_superuser", False):
        return True
    departments = {case.department_id} | set(
        CaseStep.objects.filter(case=case, status=StepStatus.OPEN).values_list("department_id", flat=True))
    return StaffRole.objects.filter(user=user, role=Role.HEAD, department_id__in=departments).exists()


def open_engine_errors(case: Case) -> list[CaseEngineError]:
    return list(case.engine_errors.filter(resolved_at__isnull=True).select_related("process_version__definition")
                .order_by("-occurred_at"))


def move_case(
    *,
    actor: User,
    case_id: int,
    reason: str,
    version_id: int | None = None,
    steps: list[str] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Move a running case to chosen steps of its process version, or migrate it to another
    published version of the same process (``version_id``).

    ``steps`` are user task ids of the target version; by default the case's open steps, mapped by
    task id (a migration keeps the case where it is). Steps already completed keep their history;
    the case's open steps are cancelled and the chosen ones opened. A case not yet accepted (its
    process not started) only changes version. Open engine errors of the case are marked resolved.
    """
    if not may_repair_process(actor):
        raise Forbidden(CaseErrorCode.NOT_YOUR_STEP, _("只有平台管理员可以迁移或调整办件的流程。"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(CaseErrorCode.REASON_REQUIRED, _("迁移或调整办件流程时必须写明理由。"))
    now = now or timezone.now()
    with transaction.atomic():
        case = lock_case(case_id)
        source = case.process_version
        target = source
        if version_id is not None and version_id != source.pk:
            target = ProcessVersion.objects.filter(pk=version_id).first()
            if target is None or target.definition_id != source.definition_id:
                raise InvalidInput(CaseErrorCode.MOVE_INVALID,
                                   _("只能迁移到同一流程（%(process)s）的已发布版本。") % {"process": source.definition.key})
        open_steps = list(CaseStep.objects.filter(case=case, status=StepStatus.OPEN).order_by("id"))
        known = [s["task_id"] for s in target.steps]
        if case.status in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION):
            if steps:
                raise InvalidInput(CaseErrorCode.MOVE_INVALID, _("办件尚未受理，流程还没有开始：只能更换流程版本，不能指定环节。"))
            chosen: list[str] = []
        elif case.status == CaseStatus.IN_REVIEW:
            chosen = list(dict.fromkeys(steps or [s.task_name for s in open_steps]))
            unknown = [t for t in chosen if t not in known]
            if not chosen or unknown:
                raise InvalidInput(
                    CaseErrorCode.MOVE_INVALID,
                    _("流程 %(version)s 中没有环节 %(steps)s；可选环节：%(known)s。请指定要办理的环节。") % {
                        "version": str(target), "steps": "、".join(unknown) or "—",
                        "known": "、".join(f"{s['name']}（{s['task_id']}）" for s in target.steps)},
                    {"unknown": unknown, "known": known})
        else:
            raise Conflict(CaseErrorCode.ILLEGAL_TRANSITION,
                           _("办件 %(number)s 当前状态为「%(status)s」，审批流程已结束，不能调整。")
                           % {"number": case.number, "status": case.get_status_display()})
        if chosen:
            runtime = _moved_runtime(case, target, chosen)
            CaseStep.objects.filter(pk__in=[s.pk for s in open_steps]).update(status=StepStatus.CANCELLED, completed_at=now)
        fields: dict[str, Any] = {}
        if target.pk != source.pk:
            fields["process_version"] = target
        if chosen:
            case.process_version = target
            save_engine_state(case, runtime)
            try:
                opened = sync_steps(case, runtime, now, **fields)
            except EngineFailure as exc:
                raise InvalidInput(CaseErrorCode.MOVE_INVALID, _("无法移到这些环节：%(error)s") % {"error": exc}) from exc
        else:
            opened = []
            if fields:
                update_case(case, **fields)
        resolved = CaseEngineError.objects.filter(case=case, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=actor, resolution=reason[:MAX_REASON])
        audit_case(case, actor=actor, at=now,
                   event_type="case_process_migrated" if target.pk != source.pk else "case_process_moved",
                   reason=reason[:MAX_REASON], from_version=str(source), to_version=str(target),
                   cancelled_steps=[s.name for s in open_steps] if chosen else [],
                   opened_steps=[s.name for s in opened], errors_resolved=resolved)
    return case


def _moved_runtime(case: Case, target: ProcessVersion, chosen: list[str]) -> CaseRuntime:
    """A runtime of ``target`` at ``chosen``, carrying the data the case's engine holds (or, if
    its state cannot be read, the data the process started with)."""
    data: dict[str, Any] = {"form": case.form_data, "item": case.item.code, "applicant_kind": case.applicant.kind}
    state = CaseEngineState.objects.filter(case=case).values_list("state", flat=True).first()
    if state is not None:
        try:
            data = {**data, **CaseRuntime.load(case.process_version, state).data()}
        except Exception:  # a state the old version cannot read: start from the case's own data
            logger.warning("case %s: engine state unreadable, moving with the case data only", case.pk, exc_info=True)
    return CaseRuntime.start_at(target, data, chosen)
