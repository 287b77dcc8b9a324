"""Electronic supervision (电子监察): overdue steps escalate to the department head."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.models import CaseStep, StepStatus
from yiwang.core.models import Notification, Role, StaffRole
from yiwang.core.services import record_audit


def escalate_overdue_steps(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Notify each department head of every open step past its deadline, once per step."""
    now = now or timezone.now()
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
            heads: dict[int, list[int]] = {}
            for row in StaffRole.objects.filter(role=Role.HEAD, department__in={s.department_id for s in steps}):
                heads.setdefault(row.department_id, []).append(row.user_id)
            notes = []
            for step in steps:
                for user_id in heads.get(step.department_id, []):
                    notes.append(Notification(
                        recipient_id=user_id, kind="case_step_escalated", case_number=step.case.number or "",
                        message=_("办件 %(number)s 的「%(step)s」环节已超期，请督办。") % {"number": step.case.number, "step": step.name},
                        link=f"/work/cases/{step.case.number}/",
                    ))
                record_audit(actor=None, at=now, event_type="case_step_escalated", subject_type="case", subject_id=step.case_id,
                             details={"number": step.case.number, "step": step.name, "due_at": step.due_at.isoformat(),
                                      "heads_notified": len(heads.get(step.department_id, []))},
                             actor_department=step.department)
            Notification.objects.bulk_create(notes)
            CaseStep.objects.filter(pk__in=[s.pk for s in steps]).update(escalated_at=now)
            escalated += len(steps)
