"""Electronic supervision (电子监察): overdue steps escalate to the department head; a supervisor
urges (督办) the department that answers for a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseStatus, CaseStep, StepStatus
from yiwang.cases.services.common import audit_case
from yiwang.core.clock import db_now
from yiwang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yiwang.core.models import Department, Notification, Role, StaffRole
from yiwang.core.selectors import is_supervisor, staff_roles_of
from yiwang.core.services import record_audit
from yiwang.core.text import bounded_text
from yiwang.core.users import User

URGE_NOTE_MAX = 500


def notify_staff(notes: Iterable[tuple[int, str, str, str]], *, kind: str) -> list[Notification]:
    """The one place supervision writes notifications — ``(recipient id, message, link, case
    number)``, heads told of overdue (``case_step_escalated``) or urged (``case_urged``) cases — in
    one insert."""
    return Notification.objects.bulk_create(
        [Notification(recipient_id=user_id, kind=kind, case_number=number or "", message=message, link=link)
         for user_id, message, link, number in notes])


def department_heads(department_ids: Iterable[int]) -> dict[int, list[int]]:
    heads: dict[int, list[int]] = {}
    for row in StaffRole.objects.filter(role=Role.HEAD, department__in=set(department_ids)).order_by("user_id"):
        heads.setdefault(row.department_id, []).append(row.user_id)
    return heads


def urge_case(*, actor: User, case_id: int, note: str, step_id: int | None = None,
              now: dt.datetime | None = None) -> dict[str, object]:
    """督办: a supervisor urges the department that answers for an open case (the service centre
    while it is at the window, else the approving department), or for one open step, with a note
    that says what is expected. The heads of that department are notified; the urge is audited and
    shows on the case's timeline."""
    from yiwang.cases.selectors import responsible_department

    if not is_supervisor(actor):
        raise Forbidden("permission_denied", _("只有电子监察人员可以督办。"))
    note = bounded_text(note, field="note", label=_("督办意见"), max_chars=URGE_NOTE_MAX)
    if not note:
        raise InvalidInput(CaseErrorCode.NOTE_REQUIRED, _("督办必须写明督办意见。"))
    now = now or db_now()
    with transaction.atomic():
        case = Case.objects.select_related("department").filter(pk=case_id).first()
        if case is None:
            raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("办件不存在。"))
        if case.status not in CaseStatus.open_states():
            raise Conflict(CaseErrorCode.ILLEGAL_TRANSITION,
                           _("办件 %(number)s 已「%(status)s」，无需督办。")
                           % {"number": case.number, "status": case.get_status_display()},
                           {"status": case.status, "action": "urge"})
        step = None
        if step_id is not None:
            step = (CaseStep.objects.select_related("department")
                    .filter(pk=step_id, case=case, status=StepStatus.OPEN).first())
            if step is None:
                raise NotFound(CaseErrorCode.STEP_NOT_FOUND, _("该办件没有这个在办环节。"))
        department: Department | None = step.department if step else responsible_department(case)
        if department is None:  # an open case always has one; a closed one cannot be urged (checked above)
            raise InvalidInput(CaseErrorCode.ILLEGAL_TRANSITION, _("该办件当前没有责任部门，无法督办。"))
        heads = department_heads([department.pk]).get(department.pk, [])
        step_name = step.name if step else (case.current_step or case.get_status_display())
        message = (_("电子监察督办：办件 %(number)s（%(step)s）—— %(note)s")
                   % {"number": case.number, "step": _(step_name), "note": note})
        notify_staff(((head, message, f"/work/cases/{case.number}/", case.number) for head in heads), kind="case_urged")
        supervisor_department = next((r.department for r in staff_roles_of(actor) if r.role == Role.SUPERVISOR), None)
        audit_case(case, actor=actor, at=now, event_type="case_urged", department=supervisor_department,
                   note=note, step=step_name, responsible=department.name, responsible_code=department.code,
                   step_id=step.pk if step else None, heads_notified=len(heads))
    return {"case": case, "department": department, "heads_notified": len(heads)}


def escalate_overdue_steps(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Notify each department head of every open step past its deadline, once per step."""
    now = now or db_now()
    escalated = 0
    while True:
        with transaction.atomic():
            steps = list(
                CaseStep.objects.select_for_update(skip_locked=True)
                .select_related("case", "department")
                .filter(status=StepStatus.OPEN, due_at__lte=now, escalated_at__isnull=True)
                .order_by("due_at")[:batch_size]
            )
            if not steps:
                return escalated
            heads = department_heads(s.department_id for s in steps)
            notes = []
            for step in steps:
                message = _("办件 %(number)s 的「%(step)s」环节已超期，请督办。") % {"number": step.case.number, "step": step.name}
                notes += [(head, message, f"/work/cases/{step.case.number}/", step.case.number)
                          for head in heads.get(step.department_id, [])]
                record_audit(actor=None, at=now, event_type="case_step_escalated", subject_type="case", subject_id=step.case_id,
                             details={"number": step.case.number, "step": step.name, "due_at": step.due_at.isoformat(),
                                      "heads_notified": len(heads.get(step.department_id, []))},
                             actor_department=step.department)
            notify_staff(notes, kind="case_step_escalated")
            CaseStep.objects.filter(pk__in=[s.pk for s in steps]).update(escalated_at=now)
            escalated += len(steps)
