"""Pieces every case service shares: the case lock, the audit record, step synchronisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db.models import Case as CaseWhen
from django.db.models import JSONField, OuterRef, Q, QuerySet, Subquery, When
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseEngineState, CaseStep, StepStatus
from yiwang.cases.runtime import CaseRuntime, EngineFailure
from yiwang.cases.selectors import may_view
from yiwang.cases.signals import case_recorded
from yiwang.core import calendar
from yiwang.core.errors import Conflict, Forbidden, NotFound
from yiwang.core.models import AuditEvent, Department
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.services import queue_audit, record_audit
from yiwang.core.statements import BoundUpdate, PrecompiledUpdate, insert_together, update_together
from yiwang.core.users import User

# Stored names of the stages outside the BPMN process (stored in Chinese, the system's language,
# whatever the language of the request; templates translate them for display).
# Limits on free text, in characters as yiwang.core.text counts them: what the audit record (the legal
# record, fed to the ledger) keeps whole. A longer text is refused (422 text_too_long), never cut; the
# API's schemas and the forms' maxlength read these.
ACCEPT_NOTE_CHARS = 500
SUPPLY_NOTE_CHARS = 500
WITHDRAW_REASON_CHARS = 500
DECISION_TEXT_CHARS = 1000  # an approver's comment, a correction note, a reject reason
DELIVERY_DETAIL_CHARS = Case._meta.get_field("delivery_detail").max_length or 300


def text_limits() -> dict[str, int]:
    """The limits above by form field, for the case pages' ``maxlength``."""
    return {"accept_note": ACCEPT_NOTE_CHARS, "supply_note": SUPPLY_NOTE_CHARS, "withdraw_reason": WITHDRAW_REASON_CHARS,
            "decision_text": DECISION_TEXT_CHARS, "delivery_detail": DELIVERY_DETAIL_CHARS}


STEP_WINDOW = "窗口受理"
STEP_CORRECTION = "申请人补正"
STEP_DELIVERY = "统一出件"


def _locked_cases() -> QuerySet[Case]:
    """The lock's read: the case row locked (see ``lock_case``), with what every action reads of it."""
    return (
        Case.objects.select_for_update(of=("self",), no_key=True)
        .select_related("item", "item__department", "department", "process_version", "applicant", "current_department")
        .defer("process_version__spec_json", "process_version__bpmn_xml")
    )


def _one(queryset: QuerySet) -> QuerySet:
    """``queryset.first()``'s query, unevaluated."""
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]


def _first(rows: list[Any]) -> Any:
    return rows[0] if rows else None


def _step_and_siblings(step_id: int, case_id: int) -> QuerySet[CaseStep]:
    engine_state = CaseEngineState.objects.filter(case_id=OuterRef("case_id")).values("state")[:1]
    # on the step's row only: the siblings' copies were read and decoded for nothing (issue #14)
    return (CaseStep.objects.select_related("department")
            .filter(Q(pk=step_id) | Q(status__in=(StepStatus.OPEN, StepStatus.COMPLETED)), case_id=case_id)
            .annotate(engine_state=CaseWhen(When(pk=step_id, then=Subquery(engine_state)), default=None,
                                            output_field=JSONField()))
            .order_by("opened_at", "id"))


# Every action reads one of these first: compiled to SQL once per connection (core/precompiled.py).
_CASE_BY_NUMBER = PrecompiledQuery(lambda number: _one(_locked_cases().filter(number=number)), number=str)
_CASE_BY_ID = PrecompiledQuery(lambda case_id: _one(_locked_cases().filter(pk=case_id)), case_id=int)
_CASE_OF_STEP = PrecompiledQuery(lambda step_id: _one(_locked_cases().filter(steps__pk=step_id)), step_id=int)
_CASE_OF_STEP_IN = PrecompiledQuery(
    lambda step_id, case_id: _one(_locked_cases().filter(steps__pk=step_id).filter(pk=case_id)),
    step_id=int, case_id=int)
_STEP_AND_SIBLINGS = PrecompiledQuery(_step_and_siblings, step_id=int, case_id=int)


def lock_case(case_id: int | None = None, *, number: str | None = None, viewer: User | None = None) -> Case:
    """Lock the case row for this transaction (PostgreSQL: FOR NO KEY UPDATE; SQLite: the write lock
    taken by BEGIN IMMEDIATE), then read it fresh.

    By ``case_id``, or by ``number`` for an API action that names the case by its number: then
    ``viewer``, when given, must be allowed to see the case (``selectors.may_view``), refused with
    the same 404 / 403 ``not_your_case`` as reading it (``selectors.case_for_viewer``), so that the
    action needs no read of the case before its lock (issue #14).

    Only the case row is locked (``of=("self",)``): locking the joined item, department, process
    version and applicant rows as well serialised every case of an item behind one row lock and
    deadlocked against concurrent submissions, whose foreign-key checks take KEY SHARE on those rows.
    NO KEY UPDATE still excludes every other locker of the same case, but not inserts of rows that
    reference it. The process version's large columns are left unread: the runtime reads the spec
    once per process and version (see ``CaseRuntime``)."""
    if number is not None and case_id is None:
        case = _first(_CASE_BY_NUMBER.fetch(number=number))
    elif case_id is not None and number is None:
        case = _first(_CASE_BY_ID.fetch(case_id=case_id))
    else:
        raise ValueError("lock_case takes a case_id or a number")
    if case is None:
        if number is not None:
            raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("办件 %(number)s 不存在。") % {"number": number})
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("办件不存在。"))
    if viewer is not None:
        if not may_view(viewer, case):
            raise Forbidden(CaseErrorCode.NOT_YOUR_CASE, _("您无权查看办件 %(number)s。") % {"number": number or case.number})
    return case


def illegal(case: Case, action: str) -> Conflict:
    return Conflict(
        CaseErrorCode.ILLEGAL_TRANSITION,
        _("办件 %(number)s 当前状态为「%(status)s」，不能%(action)s。")
        % {"number": case.number, "status": case.get_status_display(), "action": action},
        {"status": case.status, "action": action},
    )


def audit_case(
    case: Case,
    *,
    actor: User | None,
    event_type: str,
    department: Department | None = None,
    at: dt.datetime | None = None,
    **details: Any,
) -> AuditEvent:
    """Write the case's audit record now (the caller needs its id) and tell ``case_recorded``."""
    return _record_case(record_audit, case, actor=actor, event_type=event_type, department=department, at=at,
                        details=details)


def note_case(
    case: Case,
    *,
    actor: User | None,
    event_type: str,
    department: Department | None = None,
    at: dt.datetime | None = None,
    **details: Any,
) -> None:
    """``audit_case`` for an action that needs nothing back from its record: inside the action's
    ``audit_batch()`` the record is written with the action's other records in one ``INSERT``."""
    _record_case(queue_audit, case, actor=actor, event_type=event_type, department=department, at=at, details=details)


_Recorded = TypeVar("_Recorded", bound=AuditEvent | None)  # record_audit: the event; queue_audit: None


def _record_case(
    write: Callable[..., _Recorded], case: Case, *, actor: User | None, event_type: str,
    department: Department | None, at: dt.datetime | None, details: dict[str, Any],
) -> _Recorded:
    """The one home of a case's audit record (subject, number and status beside the action's
    details) and of its ``case_recorded`` signal; ``write`` is ``record_audit`` or ``queue_audit``."""
    recorded = write(actor=actor, event_type=event_type, subject_type="case", subject_id=case.pk,
                     details={"number": case.number, "status": case.status, **details}, actor_department=department,
                     at=at)
    case_recorded.send(sender=Case, case=case, event_type=event_type, department=department)
    return recorded


# The updates every action repeats, compiled to SQL once per connection and shape of the values
# (core/statements.py, issue #14): the same statements as the querysets' ``update()``.
_UPDATE_CASE = PrecompiledUpdate(lambda pk: Case.objects.filter(pk=pk), pk=int)
_UPDATE_STEP = PrecompiledUpdate(lambda pk: CaseStep.objects.filter(pk=pk), pk=int)
_UPDATE_ENGINE_STATE = PrecompiledUpdate(lambda case_id: CaseEngineState.objects.filter(case_id=case_id), case_id=int)


def update_case(case: Case, *, inserting: Sequence[CaseStep] = (), also: Sequence[BoundUpdate] = (),
                **fields: Any) -> None:
    """Save the given fields of a case its caller has locked (``lock_case``), in one UPDATE.
    ``inserting``: new steps of the case, inserted (primary keys set) in the same statement on
    PostgreSQL (``core.statements``, issue #14), just before the UPDATE elsewhere; no receiver
    follows ``CaseStep``. ``also``: the caller's other updates of this transaction (other rows than
    the case's and the new steps', e.g. the step it closed and the engine state), sent in the same
    statement on PostgreSQL, one by one before the case's elsewhere."""
    if inserting:
        insert_together(list(inserting), updates=[*also, _UPDATE_CASE.bind(fields, pk=case.pk)])
    elif also:
        update_together(*also, _UPDATE_CASE.bind(fields, pk=case.pk))
    else:
        _UPDATE_CASE.run(fields, pk=case.pk)
    for name, value in fields.items():
        setattr(case, name, value)


def save_engine_state(case: Case, runtime: CaseRuntime, *, created: bool = False) -> None:
    if created:
        CaseEngineState.objects.create(case=case, state=runtime.state())
    else:
        _UPDATE_ENGINE_STATE.run({"state": runtime.state()}, case_id=case.pk)


def step_and_engine_updates(case: Case, step: CaseStep, runtime: CaseRuntime,
                            fields: Sequence[str]) -> list[BoundUpdate]:
    """The updates of a completed or returned step's ``fields`` and of the engine state after it,
    not yet run: the caller sends them with the case's update (``sync_steps(also=…)``), one
    statement on PostgreSQL with the case's update and the new steps' insert (issue #14), one each
    elsewhere. Written as ``update()`` writes, without ``save()``'s signals: no receiver follows
    ``CaseStep`` or ``CaseEngineState``. The step was read under the case's lock in this
    transaction (``lock_step``), so its row is there to update."""
    return [
        _UPDATE_STEP.bind({name: getattr(step, name) for name in fields}, pk=step.pk),
        _UPDATE_ENGINE_STATE.bind({"state": runtime.state()}, case_id=case.pk),
    ]


def load_runtime(case: Case, state: dict[str, Any] | None = None) -> CaseRuntime:
    """The case's engine; ``state``: the engine state its caller already read under the case lock
    (``lock_step``), else it is read here."""
    if state is None:
        state = CaseEngineState.objects.values_list("state", flat=True).get(case=case)
    return CaseRuntime.load(case.process_version, state, case_id=case.pk)


def lock_step(
    step_id: int, case_id: int | None = None,
) -> tuple[Case, CaseStep, list[CaseStep], list[CaseStep], dict[str, Any]]:
    """Lock the case of an approval step (``lock_case``'s lock, found through the step), then read,
    in one statement after the lock is held (so nothing in it is older than the lock), the step, the
    case's other open and completed steps and the engine state. Returns ``(case, step, open steps,
    completed steps, state)``; the open steps include ``step`` when it is open. The completed steps
    are what the decision's outcome is made of (``approval._outcome``): a case has a handful.

    Two queries where the action used to take six (the step before the lock, the case, the step
    again, the engine state, the open steps again after the update, the completed steps)."""
    if case_id is None:
        case = _first(_CASE_OF_STEP.fetch(step_id=step_id))
    else:
        case = _first(_CASE_OF_STEP_IN.fetch(step_id=step_id, case_id=case_id))
    if case is None:
        raise NotFound(CaseErrorCode.STEP_NOT_FOUND, _("审批环节 %(id)s 不存在。") % {"id": step_id})
    rows = _STEP_AND_SIBLINGS.fetch(step_id=step_id, case_id=case.pk)
    step = next(s for s in rows if s.pk == step_id)
    for s in rows:
        s.case = case
    return (case, step, [s for s in rows if s.status == StepStatus.OPEN],
            [s for s in rows if s.status == StepStatus.COMPLETED], step.engine_state)


def remember_open_steps(case: Case, steps: list[CaseStep]) -> None:
    """The case's open steps as the action that just changed them knows them, for its answer
    (``selectors.open_steps_after_action``) without reading them again."""
    case._open_steps_now = list(steps)  # type: ignore[attr-defined]


def sync_steps(case: Case, runtime: CaseRuntime, now: dt.datetime, *, open_steps: list[CaseStep] | None = None,
               known_departments: Iterable[Department | None] = (), also: Sequence[BoundUpdate] = (),
               **fields: Any) -> list[CaseStep]:
    """Mirror the engine's ready user tasks into ``CaseStep`` rows and the case's indexed columns.

    Returns the newly opened steps. Steps no longer ready in the engine (e.g. after a return)
    are cancelled. ``fields`` are other case columns to write in the same ``UPDATE``.
    ``open_steps``: the case's open step rows as its caller holds them under the case lock (with any
    step it just closed no longer open), else they are read here. ``known_departments``: departments
    already in memory (the item's, the steps'); only lanes naming another department are read.
    ``also``: the caller's updates not yet run (``step_and_engine_updates``), sent with the case's
    update (``update_case``).
    """
    ready = runtime.ready_steps()
    ready_ids = {s.task_id for s in ready}
    if open_steps is None:
        open_steps = list(CaseStep.objects.filter(case=case, status=StepStatus.OPEN).select_related("department"))
    open_by_task = {s.task_id: s for s in open_steps if s.status == StepStatus.OPEN}
    stale = [tid for tid in open_by_task if tid not in ready_ids]
    if stale:
        CaseStep.objects.filter(case=case, task_id__in=stale, status=StepStatus.OPEN).update(
            status=StepStatus.CANCELLED, completed_at=now
        )
    departments = {d.code: d for d in known_departments if d is not None}
    missing = {s.department_code for s in ready} - set(departments)
    if missing:
        departments.update({d.code: d for d in Department.objects.filter(code__in=missing)})
    for s in ready:
        if s.department_code not in departments:  # a version published before lanes were checked, or a deleted department
            raise EngineFailure(f"step {s.name} ({s.task_name}) is in lane {s.department_code!r}, which names no department",
                                element=f"{s.name}（{s.task_name}）", error_type="UnknownDepartment", case_id=case.pk)
    new_steps = []
    for s in ready:
        if s.task_id in open_by_task:
            continue
        department = departments[s.department_code]
        due = case.due_at
        if s.days is not None:
            due = min(due, calendar.deadline_after(now, s.days))
        new_steps.append(CaseStep(
            case=case, task_id=s.task_id, task_name=s.task_name, name=s.name, department=department,
            role=s.role, status=StepStatus.OPEN, opened_at=now, due_at=due,
            warn_at=calendar.warning_at(due, s.days if s.days is not None else case.promised_days),
        ))
    holder = departments[ready[0].department_code] if ready else None
    # a step the caller closed (open in the database until ``also`` runs) whose task opens again
    # would meet its own row in the one-open-step-per-task index if both went in one statement,
    # whose parts run in no set order: then the caller's updates go first, on their own
    closing = {s.task_id for s in open_steps if s.status != StepStatus.OPEN}
    if also and any(s.task_id in closing for s in new_steps):
        update_together(*also)
        also = ()
    update_case(
        case, inserting=new_steps, also=also,
        **{"current_step": "、".join(s.name for s in ready)[:200], "current_department": holder, **fields},
    )
    remember_open_steps(case, [s for tid, s in open_by_task.items() if tid in ready_ids] + new_steps)
    return new_steps
