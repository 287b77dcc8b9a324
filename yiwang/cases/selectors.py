"""Reads: inboxes, queues, case detail with timeline, and the supervision board.

Inboxes and boards read only indexed columns of ``Case`` and ``CaseStep``; none of them
deserializes engine state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import CharField, Count, Exists, F, IntegerField, Max, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseStatus, CaseStep, StepStatus
from yiwang.catalog.labels import step_label
from yiwang.core.bounds import parse_id
from yiwang.core.clock import db_now
from yiwang.core.errors import Forbidden, NotFound
from yiwang.core.ids import mask_name
from yiwang.core.models import (
    APPROVER_ROLES,
    Applicant,
    ApplicantKind,
    AuditEvent,
    Department,
    RealNameLevel,
    Role,
    wants_english_names,
)
from yiwang.core.selectors import is_supervisor, staff_roles_of
from yiwang.core.users import User
from yiwang.identity.permissions import level_of

GREEN, YELLOW, RED, PAUSED, DONE = "green", "yellow", "red", "paused", "done"
LIGHTS = (GREEN, YELLOW, RED, PAUSED)


# The SLA light, in its one home: green / yellow (at most one working day or 20 % of the promised
# time left, i.e. from ``warn_at``) / red (overdue, from ``due_at``); paused while waiting for the
# applicant's correction; done once closed. ``sla_light`` reads it for a case or step in hand,
# ``sla_light_q`` as a filter on a query of cases or steps; nothing else spells the rule out.
def sla_light(*, status: str, due_at: dt.datetime, warn_at: dt.datetime, now: dt.datetime) -> str:
    """The light of one case (or of one step, with its case's status)."""
    if status not in CaseStatus.open_states():
        return DONE
    if status == CaseStatus.CORRECTION:
        return PAUSED
    if due_at <= now:
        return RED
    if warn_at <= now:
        return YELLOW
    return GREEN


def sla_light_q(light: str, *, now: dt.datetime, status_field: str = "status") -> Q:
    """The open rows whose light is ``light`` (``status_field`` names the case status: ``case__status``
    for steps); rows must already be limited to open cases."""
    paused = Q(**{status_field: CaseStatus.CORRECTION})
    if light == PAUSED:
        return paused
    if light == RED:
        return ~paused & Q(due_at__lte=now)
    if light == YELLOW:
        return ~paused & Q(warn_at__lte=now, due_at__gt=now)
    if light == GREEN:
        return ~paused & Q(warn_at__gt=now)
    raise ValueError(f"unknown SLA light {light!r}")


def as_id(value: str | int | None) -> int | None:
    """A database id from a query parameter, or None for anything no id column can hold (the board
    took ``?department=99999999999999999999`` as a number and the database refused it: a 500).
    The bound lives in ``core.bounds.parse_id``; 0 names no row here."""
    number = parse_id(str(value if value is not None else "").strip())
    return number or None


# Which office a case waits at: before acceptance (待受理, 待补正) and after the decision (待出件) the
# one window holds it, so the service centre (政务服务中心) answers for its time; in review, the
# approving department does.
AT_WINDOW = (CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.AWAITING_DELIVERY)


def service_centre() -> Department | None:
    return Department.objects.filter(is_service_centre=True).order_by("sort_order", "id").first()


def responsible_department_id(case: Case, centre: Department | None) -> int:
    """The department that answers for an open case's time now (see ``AT_WINDOW``)."""
    if centre is not None and case.status in AT_WINDOW:
        return centre.pk
    return case.department_id


def held_by_q(department_id: int) -> Q:
    """Open cases that ``department_id`` answers for: its items in review, and everything at the
    window when it is the service centre (one query: the centre is looked up inside it)."""
    is_centre = Exists(Department.objects.filter(pk=department_id, is_service_centre=True))
    return Q(department_id=department_id, status=CaseStatus.IN_REVIEW) | (Q(status__in=AT_WINDOW) & is_centre)


def is_clerk(user: User) -> bool:
    return any(r.role == Role.CLERK for r in staff_roles_of(user))


def _step_scope(user: User) -> Q:
    """Open steps the user may act on: their department, their role (heads: any step)."""
    q = Q(pk__in=[])
    for r in staff_roles_of(user):
        if r.role == Role.HEAD:
            q |= Q(department_id=r.department_id)
        elif r.role in APPROVER_ROLES:
            q |= Q(department_id=r.department_id, role__in=[r.role, ""])
    return q


def my_tasks(user: User) -> QuerySet[CaseStep]:
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


def sees_cases_made_for_them(user: User) -> bool:
    """Cases someone else submitted for a person (at the window, or as their agent) are theirs to see
    only once their account is verified (real-name level L2 or above): registering with a name, an ID
    number and a phone (L1) proves none of them, and must not open another person's window cases."""
    return level_of(getattr(user, "applicant", None)) >= RealNameLevel.L2


def applicant_cases(user: User) -> QuerySet[Case]:
    mine = Q(submitted_by=user)
    if sees_cases_made_for_them(user):
        mine |= Q(applicant__user=user)
    return (
        Case.objects.filter(mine)
        .select_related("item", "department", "current_department")
        .order_by("-submitted_at", "-id")
    )


def is_own_case(user: User, case: Case) -> bool:
    if case.submitted_by_id == user.pk:
        return True
    return case.applicant.user_id == user.pk and sees_cases_made_for_them(user)


def may_view(user: User, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if is_own_case(user, case) or is_clerk(user) or is_supervisor(user):
        return True
    departments = {r.department_id for r in staff_roles_of(user)}
    return case.department_id in departments or case.steps.filter(department_id__in=departments).exists()


def case_for_viewer(user: User, number: str) -> Case:
    case = (
        Case.objects.select_related("item", "item__department", "applicant", "agent", "department", "current_department",
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
    "case_submitted": gettext_lazy("提交申请"),
    "case_correction_requested": gettext_lazy("一次性告知补正"),
    "case_correction_supplied": gettext_lazy("申请人补正材料"),
    "case_accepted": gettext_lazy("窗口受理"),
    "case_rejected": gettext_lazy("不予受理"),
    "case_step_completed": gettext_lazy("审批环节办结"),
    "case_step_returned": gettext_lazy("回退"),
    "case_decided": gettext_lazy("作出决定"),
    "case_withdrawn": gettext_lazy("申请人撤回"),
    "case_delivered": gettext_lazy("统一出件，办结"),
    "case_step_escalated": gettext_lazy("超期督办"),
    "case_urged": gettext_lazy("电子监察督办"),
    "case_instant_rules_failed": gettext_lazy("秒批规则未通过，转人工办理"),
    "case_engine_error": gettext_lazy("审批流程出错，待管理员处理"),
    "case_process_moved": gettext_lazy("管理员调整审批环节"),
    "case_process_migrated": gettext_lazy("管理员迁移到新的流程版本"),
    "case_credit_rule_fired": gettext_lazy("联合奖惩规则命中"),
    "case_credit_rules_unchanged": gettext_lazy("联合奖惩规则复核：命中规则和信用事实未变"),
    "case_credit_repair_requested": gettext_lazy("信用修复申请已登记，待来源部门审核"),
    "case_credit_repaired": gettext_lazy("准予信用修复：提前结束公示（原记录保留）"),
    "case_credit_repair_refused": gettext_lazy("不予信用修复"),
    "case_instant_blocked_by_credit": gettext_lazy("因信用状况不适用秒批，转人工办理"),
    "case_pending_material_supplied": gettext_lazy("容缺材料已补齐"),
}


@dataclass
class TimelineEntry:
    at: dt.datetime
    event_type: str
    label: str
    department: str
    details: dict[str, Any]


# Internal notes the applicant does not read on their own case's timeline (they see that the case
# was urged, and by which office, but not what the supervisor wrote to the department).
STAFF_ONLY_DETAILS = {"case_urged": ("note",)}


def case_timeline(case: Case, *, viewer: User | None = None) -> list[TimelineEntry]:
    """Every step of the case: what happened, when, and which department held it (never a
    person's name). For a ``viewer`` who is not staff, internal notes are left out."""
    from yiwang.core.selectors import is_staff_member

    hidden = {} if viewer is None or is_staff_member(viewer) else STAFF_ONLY_DETAILS
    events = (
        AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk))
        .select_related("actor_department")
        .order_by("id")
    )
    entries = []
    for e in events:
        details = {k: v for k, v in e.details.items() if k in ("step", "decision", "comment", "reason", "note", "method",
                                                               "outcome", "channel", "paused_days", "next_steps",
                                                               "failed_rules", "rules_version", "instant", "shared",
                                                               "responsible", "credit_rule", "credit_outcome",
                                                               "pending_material", "stage")
                   and k not in hidden.get(e.event_type, ())}
        if e.details.get("reason_en") and (get_language() or "").startswith("en"):
            details["reason"] = e.details["reason_en"]  # a rule's reason configured in both languages
        if "step" in details:
            details["step"] = step_label(str(details["step"]))
        if isinstance(details.get("next_steps"), list):
            details["next_steps"] = [step_label(str(n)) for n in details["next_steps"]]
        if e.actor_department:
            department = e.actor_department.display_name
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
    service_centre: bool = False

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.paused


def _light_counts(now: dt.datetime) -> dict[str, Count]:
    return {light: Count("id", filter=sla_light_q(light, now=now)) for light in (RED, YELLOW, GREEN, PAUSED)}


def supervision_board(*, now: dt.datetime | None = None, department_id: int | None = None) -> list[BoardRow]:
    """Open cases by the department that answers for them (or, for one department, by item), counted
    green/yellow/red. Cases at the window count against the service centre (``AT_WINDOW``), which
    is always on the whole board.

    The whole board is one query: the cases grouped by ``(status, department)``, so that it walks
    the ``case_board_idx`` index in its own order as a covering index, united with the service
    centre's row; the statuses are folded here. Grouping by the department's name instead made
    SQLite scan the table through the bare department index and sort (100,000 open cases: about 5×
    slower; see docs/benchmarks.md)."""
    now = now or db_now()
    cases = Case.objects.filter(status__in=CaseStatus.open_states())
    if department_id is not None:  # one department's slice of the index: grouping by item is cheap
        rows = (cases.filter(held_by_q(department_id)).values("item_id", "item__name")
                .annotate(**_light_counts(now)).order_by("item_id"))
        return [BoardRow(r["item_id"], r["item__name"], r["green"], r["yellow"], r["red"], r["paused"]) for r in rows]
    zero = Value(0, output_field=IntegerField())
    centre = (Department.objects.filter(is_service_centre=True)
              .annotate(status_=Value("", output_field=CharField()), department_=F("pk"), label=F("name"),
                        **{light: zero for light in (RED, YELLOW, GREEN, PAUSED)})
              .values("status_", "department_", "label", RED, YELLOW, GREEN, PAUSED).order_by())
    grouped = (cases.values("status", "department_id").annotate(label=Max("department__name"), **_light_counts(now))
               .order_by())
    board: dict[int, BoardRow] = {}
    centre_id = None
    rows = list(grouped.union(centre, all=True))
    for r in rows:  # the centre's own row first, so that window cases can fold into it
        if r["status"] == "":
            centre_id = r["department_id"]
            board[centre_id] = BoardRow(centre_id, r["label"], 0, 0, 0, 0, service_centre=True)
    for r in rows:
        if r["status"] == "":
            continue
        key = centre_id if centre_id is not None and r["status"] in AT_WINDOW else r["department_id"]
        row = board.setdefault(key, BoardRow(key, r["label"], 0, 0, 0, 0))
        row.green += r[GREEN]
        row.yellow += r[YELLOW]
        row.red += r[RED]
        row.paused += r[PAUSED]
    if wants_english_names():  # English names: one more query, off the site language's path
        for department in Department.objects.filter(pk__in=list(board)).exclude(name_en=""):
            board[department.pk].label = department.name_en
    return [board[k] for k in sorted(board, key=lambda k: (not board[k].service_centre, k))]


def board_cases(
    *, now: dt.datetime | None = None, department_id: int | None = None, item_id: int | None = None,
    light: str | None = None, limit: int = 200,
) -> list[Case]:
    """The cases behind one cell of the board, most overdue first; each carries
    ``responsible_name``, the department that answers for it (see ``AT_WINDOW``)."""
    now = now or db_now()
    cases = Case.objects.filter(status__in=CaseStatus.open_states())
    if department_id:
        cases = cases.filter(held_by_q(department_id))
    if item_id:
        cases = cases.filter(item_id=item_id)
    if light in LIGHTS:
        cases = cases.filter(sla_light_q(light, now=now))
    centre_name = Department.objects.filter(is_service_centre=True).order_by("sort_order", "id").values("name")[:1]
    cases = cases.annotate(responsible_name=Coalesce(
        DbCase(When(status__in=AT_WINDOW, then=Subquery(centre_name)), default=F("department__name")),
        F("department__name")))
    return list(cases.select_related("item", "department", "current_department", "applicant")
                .order_by("due_at", "id")[:limit])


def responsible_department(case: Case) -> Department | None:
    """The department that answers for an open case now (``AT_WINDOW``); None once it is closed."""
    if case.status not in CaseStatus.open_states():
        return None
    if case.status in AT_WINDOW:
        return service_centre() or case.department
    return case.department


@dataclass
class RedListRow:
    number: str
    item: str
    department: str
    step: str
    deadline: dt.date
    days_overdue: int
    applicant: str


def red_list(*, now: dt.datetime | None = None, limit: int = 5000) -> list[RedListRow]:
    """Overdue open cases (红灯), most overdue first, for the supervisor's export: who answers for
    each, where it stands, how many working days late, and the applicant's name masked (the
    export leaves the system)."""
    from yiwang.core import calendar

    now = now or db_now()
    cases = board_cases(now=now, light=RED, limit=limit)
    today = calendar.local_date(now)
    rows = []
    for c in cases:
        deadline = calendar.local_date(c.due_at - dt.timedelta(microseconds=1))
        step = c.current_step or str(CaseStatus(c.status).label)
        rows.append(RedListRow(
            number=c.number or "", item=c.item.name, department=c.responsible_name, step=step_label(str(_(step))),
            deadline=deadline, days_overdue=calendar.working_days_between(deadline, today),
            applicant=c.applicant.name if c.applicant.kind == ApplicantKind.ORGANISATION else mask_name(c.applicant.name),
        ))
    return rows


def case_urges(case: Case) -> QuerySet[AuditEvent]:
    """The 督办 on record for a case, latest first."""
    return (AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk), event_type="case_urged")
            .select_related("actor_department").order_by("-id"))


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


def material_counts(counts: dict[str, int]) -> dict[str, Any]:
    """The 免提交 / 免证办 rule, in one place (this endpoint and ``yiwang.insights`` use it): from
    the number of a set of cases' materials by ``MaterialSource``, the share the applicant did not
    upload: obtained by data sharing (免提交) or taken from the licence library (免证办)."""
    from yiwang.cases.models import MaterialSource

    total = sum(counts.values())
    shared, licences = counts.get(MaterialSource.SHARED, 0), counts.get(MaterialSource.LICENCE, 0)
    return {"materials": total, "uploaded": counts.get(MaterialSource.UPLOAD, 0) + counts.get(MaterialSource.SCAN, 0),
            "shared": shared, "from_licences": licences,
            "rate": (shared + licences) / total if total else 0.0}


def materials_without_upload(*, since: dt.datetime | None = None) -> dict[str, Any]:
    """Share of the materials of submitted cases that the applicant did not upload
    (``material_counts``), over cases submitted since ``since``."""
    from yiwang.cases.models import CaseMaterial

    rows = CaseMaterial.objects.filter(case__isnull=False)
    if since is not None:
        rows = rows.filter(case__submitted_at__gte=since)
    return material_counts(dict(rows.values_list("source").annotate(n=Count("id")).values_list("source", "n")))


def package_application_for(user: User, number: str) -> Any:
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


def package_applications_of(user: User) -> QuerySet:
    from yiwang.cases.models import PackageApplication

    return (PackageApplication.objects.filter(Q(submitted_by=user) | Q(applicant__user=user))
            .select_related("package").prefetch_related("members__case__item"))


def package_progress(application: Any) -> dict[str, Any]:
    """Where a package stands: done when every member case is finished (办结、不予受理 or 撤回)."""
    cases = [m.case for m in application.members.all()]
    finished = [c for c in cases if not c.is_open]
    return {"cases": len(cases), "finished": len(finished), "done": len(finished) == len(cases) and bool(cases)}


def cases_made_for(applicant: Applicant, limit: int = 20) -> list[Case]:
    """Cases an agent made for this applicant (委托代办), newest first."""
    return list(Case.objects.filter(applicant=applicant, agent__isnull=False)
                .select_related("item", "agent").order_by("-submitted_at")[:limit])


# ------------------------------------------------------------------------ panels other apps add to a case page

CasePanel = Callable[[User, Case], "tuple[str, dict[str, Any]] | None"]
"""``panel(viewer, case)``: a template and its context for a card on the applicant's case page, or
``None``. Apps above cases register one at start-up (``evaluation``: rate the closed case), so that
the page offers it without cases importing those apps."""

_CASE_PANELS: list[CasePanel] = []


def register_case_panel(panel: CasePanel) -> None:
    """Called from the owning app's ``AppConfig.ready``; registering the same panel twice is a no-op."""
    if panel not in _CASE_PANELS:
        _CASE_PANELS.append(panel)


def case_panels(viewer: User, case: Case) -> list[tuple[str, dict[str, Any]]]:
    return [p for p in (panel(viewer, case) for panel in _CASE_PANELS) if p is not None]


# What each action answers (issue #14): the case's state after it, not the whole case. The actions a
# case allows now, by the one rule of each (``Case.can_*``); who may take them is checked when taken.
NEXT_ACTIONS: tuple[tuple[str, Callable[[Case], bool]], ...] = (
    ("accept", Case.can_accept),
    ("correction", Case.can_request_correction),
    ("reject", Case.can_reject),
    ("supply", Case.can_supply_correction),
    ("withdraw", Case.can_withdraw),
    ("complete", Case.can_complete_step),
    ("deliver", Case.can_deliver),
)


def next_actions(case: Case) -> list[str]:
    return [name for name, allowed in NEXT_ACTIONS if allowed(case)]


def open_steps_after_action(case: Case) -> list[CaseStep]:
    """The case's open steps right after an action: as the action left them in memory
    (``services.common.remember_open_steps``), else read. Only a case in review has open steps."""
    known = getattr(case, "_open_steps_now", None)
    if known is not None:
        return list(known)
    if case.status != CaseStatus.IN_REVIEW:
        return []
    return list(CaseStep.objects.filter(case=case, status=StepStatus.OPEN).select_related("department")
                .order_by("opened_at", "id"))
