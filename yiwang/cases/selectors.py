"""Reads: inboxes, queues, case detail with timeline, and the supervision board.

Inboxes and boards read only indexed columns of ``Case`` and ``CaseStep``; none of them
deserializes engine state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseStatus, CaseStep, StepStatus
from yiwang.cases.services.approval import APPROVER_ROLES
from yiwang.core.errors import Forbidden, NotFound
from yiwang.core.ids import mask_id_number, mask_phone
from yiwang.core.models import AuditEvent, Role
from yiwang.core.selectors import is_supervisor, staff_roles_of

GREEN, YELLOW, RED, PAUSED, DONE = "green", "yellow", "red", "paused", "done"


def sla_light(*, status: str, due_at: dt.datetime, warn_at: dt.datetime, now: dt.datetime) -> str:
    """Green / yellow (at most one working day or 20 % of the promised time left) / red (overdue);
    paused while waiting for the applicant's correction; done once closed."""
    if status not in CaseStatus.open_states():
        return DONE
    if status == CaseStatus.CORRECTION:
        return PAUSED
    if due_at <= now:
        return RED
    if warn_at <= now:
        return YELLOW
    return GREEN


def is_clerk(user: AbstractBaseUser) -> bool:
    return any(r.role == Role.CLERK for r in staff_roles_of(user))


def _step_scope(user: AbstractBaseUser) -> Q:
    """Open steps the user may act on: their department, their role (heads: any step)."""
    q = Q(pk__in=[])
    for r in staff_roles_of(user):
        if r.role == Role.HEAD:
            q |= Q(department_id=r.department_id)
        elif r.role in APPROVER_ROLES:
            q |= Q(department_id=r.department_id, role__in=[r.role, ""])
    return q


def my_tasks(user: AbstractBaseUser) -> QuerySet[CaseStep]:
    """The approver's inbox: open steps of their department and role, most urgent first."""
    return (
        CaseStep.objects.filter(_step_scope(user), status=StepStatus.OPEN, case__status=CaseStatus.IN_REVIEW)
        .select_related("case", "case__item", "case__applicant", "department")
        .order_by("due_at", "id")
    )


def window_queue(status: str | None = None) -> QuerySet[Case]:
    """The one window's work: cases to accept, waiting for correction, or ready to deliver."""
    statuses = [status] if status else [CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.AWAITING_DELIVERY]
    return (
        Case.objects.filter(status__in=statuses)
        .select_related("item", "applicant", "department")
        .order_by("due_at", "id")
    )


def applicant_cases(user: AbstractBaseUser) -> QuerySet[Case]:
    return (
        Case.objects.filter(Q(submitted_by=user) | Q(applicant__user=user))
        .select_related("item", "department", "current_department")
        .order_by("-submitted_at", "-id")
    )


def is_own_case(user: AbstractBaseUser, case: Case) -> bool:
    return case.submitted_by_id == user.pk or case.applicant.user_id == user.pk


def may_see_personal_data(user: AbstractBaseUser, case: Case) -> bool:
    """The applicant, window clerks and staff of a department that handles the case see personal
    data in full; everyone else (supervisors, other departments) sees it masked."""
    if is_own_case(user, case) or is_clerk(user):
        return True
    departments = {r.department_id for r in staff_roles_of(user) if r.role in APPROVER_ROLES}
    if not departments:
        return False
    return case.department_id in departments or case.steps.filter(department_id__in=departments).exists()


def form_value_for_viewer(field: dict[str, Any], value: Any, full: bool) -> Any:
    """Form values that identify a person (phones, ID numbers) are masked for staff who do not
    handle the case."""
    if full or value in (None, ""):
        return value
    name = field.get("name", "")
    if field.get("type") == "tel" or "phone" in name or "mobile" in name:
        return mask_phone(str(value))
    if "id_number" in name or "id_card" in name:
        return mask_id_number(str(value))
    return value


def masked_form(case: Case, full: bool) -> dict[str, Any]:
    fields = {f["name"]: f for f in case.item.form_schema or []}
    return {k: form_value_for_viewer(fields.get(k, {"name": k}), v, full) for k, v in case.form_data.items()}


def may_view(user: AbstractBaseUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if is_own_case(user, case) or is_clerk(user) or is_supervisor(user):
        return True
    departments = {r.department_id for r in staff_roles_of(user)}
    return case.department_id in departments or case.steps.filter(department_id__in=departments).exists()


def case_for_viewer(user: AbstractBaseUser, number: str) -> Case:
    case = (
        Case.objects.select_related("item", "item__department", "applicant", "department", "current_department",
                                    "process_version", "process_version__definition")
        .defer("process_version__spec_json", "process_version__bpmn_xml")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("办件 %(number)s 不存在。") % {"number": number})
    if not may_view(user, case):
        raise Forbidden(CaseErrorCode.NOT_YOUR_CASE, _("您无权查看办件 %(number)s。") % {"number": number})
    return case


EVENT_LABELS = {
    "case_submitted": _("提交申请"),
    "case_correction_requested": _("一次性告知补正"),
    "case_correction_supplied": _("申请人补正材料"),
    "case_accepted": _("窗口受理"),
    "case_rejected": _("不予受理"),
    "case_step_completed": _("审批环节办结"),
    "case_step_returned": _("回退"),
    "case_decided": _("作出决定"),
    "case_withdrawn": _("申请人撤回"),
    "case_delivered": _("统一出件，办结"),
    "case_step_escalated": _("超期督办"),
    "case_instant_rules_failed": _("秒批规则未通过，转人工办理"),
    "case_engine_error": _("审批流程出错，待管理员处理"),
    "case_process_moved": _("管理员调整审批环节"),
    "case_process_migrated": _("管理员迁移到新的流程版本"),
}


@dataclass
class TimelineEntry:
    at: dt.datetime
    event_type: str
    label: str
    department: str
    details: dict[str, Any]


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Every step of the case: what happened, when, and which department held it (never a
    person's name)."""
    events = (
        AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk))
        .select_related("actor_department")
        .order_by("id")
    )
    entries = []
    for e in events:
        details = {k: v for k, v in e.details.items() if k in ("step", "decision", "comment", "reason", "note", "method",
                                                               "outcome", "channel", "paused_days", "next_steps",
                                                               "failed_rules", "rules_version", "instant", "shared")}
        if e.actor_department:
            department = e.actor_department.name
        elif e.details.get("instant"):
            department = _("系统（秒批）")
        elif e.event_type in ("case_submitted", "case_correction_supplied", "case_withdrawn"):
            department = _("申请人")
        else:
            department = _("系统")
        entries.append(TimelineEntry(e.created_at, e.event_type, str(EVENT_LABELS.get(e.event_type, e.event_type)),
                                     str(department), details))
    return entries


def case_steps(case: Case) -> QuerySet[CaseStep]:
    # through the related manager, so that each step's ``.case`` is this case object (reading
    # ``step.case`` on a step from ``CaseStep.objects.filter(case=case)`` was one query per step)
    return case.steps.select_related("department").order_by("opened_at", "id")


@dataclass
class BoardRow:
    key: int
    label: str
    green: int
    yellow: int
    red: int
    paused: int

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.paused


def _light_counts(now: dt.datetime) -> dict[str, Count]:
    running = ~Q(status=CaseStatus.CORRECTION)
    return {
        "red": Count("id", filter=running & Q(due_at__lte=now)),
        "yellow": Count("id", filter=running & Q(warn_at__lte=now, due_at__gt=now)),
        "green": Count("id", filter=running & Q(warn_at__gt=now)),
        "paused": Count("id", filter=Q(status=CaseStatus.CORRECTION)),
    }


def supervision_board(*, now: dt.datetime | None = None, department_id: int | None = None) -> list[BoardRow]:
    """Open cases by department (or, for one department, by item), counted green/yellow/red.

    The whole board is one query grouped by ``(status, department)``, so that it walks the
    ``case_board_idx`` index in its own order as a covering index; the statuses are folded here.
    Grouping by the department's name instead made SQLite scan the table through the bare
    department index and sort (100,000 open cases: about 5× slower; see docs/benchmarks.md)."""
    now = now or timezone.now()
    cases = Case.objects.filter(status__in=CaseStatus.open_states())
    if department_id is not None:  # one department's slice of the index: grouping by item is cheap
        rows = (cases.filter(department_id=department_id).values("item_id", "item__name")
                .annotate(**_light_counts(now)).order_by("item_id"))
        return [BoardRow(r["item_id"], r["item__name"], r["green"], r["yellow"], r["red"], r["paused"]) for r in rows]
    rows = (cases.values("status", "department_id").annotate(label=Max("department__name"), **_light_counts(now))
            .order_by("status", "department_id"))
    board: dict[int, BoardRow] = {}
    for r in rows:
        row = board.setdefault(r["department_id"], BoardRow(r["department_id"], r["label"], 0, 0, 0, 0))
        row.green += r["green"]
        row.yellow += r["yellow"]
        row.red += r["red"]
        row.paused += r["paused"]
    return [board[k] for k in sorted(board)]


def board_cases(
    *, now: dt.datetime | None = None, department_id: int | None = None, item_id: int | None = None,
    light: str | None = None, limit: int = 200,
) -> list[Case]:
    """The cases behind one cell of the board, most overdue first."""
    now = now or timezone.now()
    cases = Case.objects.filter(status__in=CaseStatus.open_states())
    if department_id:
        cases = cases.filter(department_id=department_id)
    if item_id:
        cases = cases.filter(item_id=item_id)
    running = ~Q(status=CaseStatus.CORRECTION)
    if light == RED:
        cases = cases.filter(running, due_at__lte=now)
    elif light == YELLOW:
        cases = cases.filter(running, warn_at__lte=now, due_at__gt=now)
    elif light == GREEN:
        cases = cases.filter(running, warn_at__gt=now)
    elif light == PAUSED:
        cases = cases.filter(status=CaseStatus.CORRECTION)
    return list(cases.select_related("item", "department", "current_department").order_by("due_at", "id")[:limit])



def automation_rates(*, since: dt.datetime | None = None) -> dict[str, Any]:
    """Share of cases decided without a person (秒批; the 人工干预率 complement), per item and
    overall, over cases submitted since ``since`` (all time by default). Window rejections and
    withdrawals count as cases a person handled or that never reached a decision."""
    cases = Case.objects.all()
    if since is not None:
        cases = cases.filter(submitted_at__gte=since)
    rows = (cases.values("item__code", "item__name")
            .annotate(submitted=Count("id"), decided_by_rules=Count("id", filter=Q(decided_by_rules=True)))
            .order_by("item__code"))
    items = [{"item_code": r["item__code"], "item_name": r["item__name"], "submitted": r["submitted"],
              "decided_by_rules": r["decided_by_rules"], "rate": r["decided_by_rules"] / r["submitted"]}
             for r in rows]
    submitted = sum(r["submitted"] for r in items)
    by_rules = sum(r["decided_by_rules"] for r in items)
    return {"overall": {"submitted": submitted, "decided_by_rules": by_rules,
                        "rate": by_rules / submitted if submitted else 0.0},
            "items": items}


def package_application_for(user: AbstractBaseUser, number: str) -> Any:
    """A 一件事 application with its member cases, for its applicant or submitter; anyone else gets
    the same 404 as for a number that does not exist."""
    from yiwang.cases.models import PackageApplication

    application = (
        PackageApplication.objects.select_related("package", "applicant")
        .prefetch_related("members__case__item__department", "materials__used_by")
        .filter(number=number).first()
    )
    if application is None or not user.is_authenticated or (
            application.submitted_by_id != user.pk and application.applicant.user_id != user.pk):
        raise NotFound(CaseErrorCode.PACKAGE_APPLICATION_NOT_FOUND, _("一件事申请 %(n)s 不存在。") % {"n": number})
    return application


def package_applications_of(user: AbstractBaseUser) -> QuerySet:
    from yiwang.cases.models import PackageApplication

    return (PackageApplication.objects.filter(Q(submitted_by=user) | Q(applicant__user=user))
            .select_related("package").prefetch_related("members__case__item"))


def package_progress(application: Any) -> dict[str, Any]:
    """Where a package stands: done when every member case is finished (办结、不予受理 or 撤回)."""
    cases = [m.case for m in application.members.all()]
    finished = [c for c in cases if not c.is_open]
    return {"cases": len(cases), "finished": len(finished), "done": len(finished) == len(cases) and bool(cases)}
