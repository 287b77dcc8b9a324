"""The one window (综合窗口): accept (受理), correction notice (一次性告知), rejection (不予受理),
and delivery of the result (统一出件)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.documents import new_query_code
from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import Case, CaseStatus, CorrectionNotice, DeliveryMethod, EngineErrorAction
from yiwang.cases.prereview import prereview_states
from yiwang.cases.runtime import CaseRuntime, EngineFailure
from yiwang.cases.services import credit as credit_rules
from yiwang.cases.services.common import (
    ACCEPT_NOTE_CHARS,
    DECISION_TEXT_CHARS,
    DELIVERY_DETAIL_CHARS,
    STEP_CORRECTION,
    audit_case,
    illegal,
    lock_case,
    note_case,
    save_engine_state,
    sync_steps,
    update_case,
)
from yiwang.cases.services.outputs import issue_case_outputs
from yiwang.cases.services.repair import record_engine_failure
from yiwang.core.clock import db_now
from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import Department, Role
from yiwang.core.selectors import staff_roles_of
from yiwang.core.services import audit_batch
from yiwang.core.text import bounded_text
from yiwang.core.users import User


def clerk_department(actor: User) -> Department:
    """The window department the clerk works for; refuse anyone who is not a clerk."""
    for role in staff_roles_of(actor):
        if role.role == Role.CLERK:
            return role.department
    raise Forbidden(CaseErrorCode.NOT_YOUR_STEP, _("只有综合窗口人员可以办理此操作。"))


def _lock_for_clerk(actor: User, case_id: int | None, number: str | None) -> tuple[Case, Department]:
    """Lock the case of a window action and find the clerk's department. By ``case_id`` (the caller
    has checked that the actor may see the case): the clerk first, as before. By ``number`` (the
    API): the case is found, its viewer checked and locked in one statement, then the clerk checked,
    so the refusals come in the order a read of the case followed by the action gave them."""
    if number is None:
        department = clerk_department(actor)
        return lock_case(case_id), department
    case = lock_case(number=number, viewer=actor)
    return case, clerk_department(actor)


def accept_application(*, actor: User, case_id: int | None = None, number: str | None = None,
                       note: str = "", acknowledge_findings: bool = False, now: dt.datetime | None = None) -> Case:
    """Accept (受理): the case enters its item's approval process, which starts now. The case is
    named by ``case_id``, or by ``number`` with the actor's right to see it checked (the API).

    When material pre-review (材料预审) found something, the clerk must say they checked it
    (``acknowledge_findings``); otherwise ``prereview_findings_open`` (409). The pre-review state and
    the acknowledgement go into the acceptance's audit record."""
    if number is None:
        clerk_department(actor)  # a refusal before anything is read, as callers by id expect
    note = bounded_text(note, field="note", label=_("受理意见"), max_chars=ACCEPT_NOTE_CHARS)
    now = now or db_now()
    locked: list[int] = []
    try:
        return _accept(actor=actor, case_id=case_id, number=number, note=note,
                       acknowledge_findings=acknowledge_findings, now=now, locked=locked)
    except EngineFailure as exc:
        # nothing of the acceptance was kept: the case is still waiting to be accepted
        raise record_engine_failure(case_id=locked[0], action=EngineErrorAction.ACCEPT, failure=exc, actor=actor,
                                    now=now) from exc


def _accept(*, actor: User, case_id: int | None, number: str | None, note: str, acknowledge_findings: bool,
            now: dt.datetime, locked: list[int]) -> Case:
    with transaction.atomic(), audit_batch():
        case, department = _lock_for_clerk(actor, case_id, number)
        locked.append(case.pk)  # for the engine failure's record, after this transaction rolled back
        if not case.can_accept():
            raise illegal(case, _("受理"))
        # read under the case lock: findings that arrived after the clerk opened the case count
        prereview = prereview_states([case.pk])[case.pk]
        if prereview.findings and not acknowledge_findings:
            raise Conflict(
                CaseErrorCode.PREREVIEW_FINDINGS_OPEN,
                _("材料预审有 %(n)d 条意见尚未核对：请先核对预审意见，确认后再受理。") % {"n": prereview.findings},
                {"findings": prereview.findings, "prereview": prereview.state},
            )
        runtime = CaseRuntime.start(
            case.process_version,
            {"form": case.form_data, "item": case.item.code, "applicant_kind": case.applicant.kind},
        )
        save_engine_state(case, runtime, created=True)
        # a case waiting to be accepted has no open step (steps exist only once a case is accepted)
        # the receipt prints the query code: set it in the acceptance's own update of the case (read
        # under the lock, so nobody set it meanwhile; ensure_query_code then writes nothing)
        code: dict[str, Any] = {} if case.query_code else {"query_code": new_query_code()}
        opened = sync_steps(case, runtime, now, open_steps=[], known_departments=[case.item.department],
                            status=CaseStatus.IN_REVIEW, accepted_at=now, **code)
        note_case(case, actor=actor, at=now, event_type="case_accepted", department=department, note=note,
                   next_steps=[s.name for s in opened],
                   prereview={"state": prereview.state, "findings": prereview.findings, "pending": prereview.pending,
                              "findings_acknowledged": bool(prereview.findings and acknowledge_findings)})
        issue_case_outputs(case=case, event="case_accepted", department=department, now=now)
    return case


def request_correction(
    *, actor: User, case_id: int, material_ids: Iterable[int], note: str, now: dt.datetime | None = None
) -> CorrectionNotice:
    """Ask once for everything missing (一次性告知); the clock pauses until the applicant answers."""
    department = clerk_department(actor)
    material_ids = sorted(set(material_ids))
    note = bounded_text(note, field="note", label=_("补正说明"), max_chars=DECISION_TEXT_CHARS)
    if not note and not material_ids:
        raise InvalidInput(CaseErrorCode.REASON_REQUIRED, _("请写明需要补正的内容，或勾选需要补交的材料。"))
    now = now or db_now()
    with transaction.atomic():
        case = lock_case(case_id)
        if not case.can_request_correction():
            raise illegal(case, _("要求补正"))
        valid = set(case.item.materials.filter(pk__in=material_ids).values_list("pk", flat=True))
        unknown = sorted(set(material_ids) - valid)
        if unknown:
            raise InvalidInput(CaseErrorCode.MATERIAL_NOT_OF_ITEM, _("材料编号不属于该事项：%(ids)s") % {"ids": unknown},
                               {"material_ids": unknown})
        notice = CorrectionNotice.objects.create(case=case, requested_by=actor, requested_at=now, note=note)
        notice.materials.set(material_ids)
        update_case(case, status=CaseStatus.CORRECTION, paused_at=now, current_step=STEP_CORRECTION)
        audit_case(case, actor=actor, at=now, event_type="case_correction_requested", department=department,
                   note=note, materials=material_ids)
        issue_case_outputs(case=case, event="case_correction_requested", department=department, now=now, correction=notice)
    return notice


def reject_application(*, actor: User, case_id: int, reason: str, confirmed: bool | None = None,
                       now: dt.datetime | None = None) -> Case:
    """Do not accept (不予受理), with the reason the applicant will read. ``confirmed``: the clerk
    confirmed the refusal on the workbench's confirmation page (recorded in the audit record; the
    API's own call is the deliberate act and records nothing here)."""
    department = clerk_department(actor)
    reason = bounded_text(reason, field="reason", label=_("不予受理理由"), max_chars=DECISION_TEXT_CHARS)
    if not reason:
        raise InvalidInput(CaseErrorCode.REASON_REQUIRED, _("不予受理必须写明理由。"))
    now = now or db_now()
    with transaction.atomic():
        case = lock_case(case_id)
        if not case.can_reject():
            raise illegal(case, _("不予受理"))
        update_case(case, status=CaseStatus.REJECTED, reject_reason=reason, closed_at=now, current_step="",
                     current_department=None)
        audit_case(case, actor=actor, at=now, event_type="case_rejected", department=department, reason=reason,
                   **({"confirmed": confirmed} if confirmed is not None else {}))
        credit_rules.repair_closed(case, actor=actor, reason=reason, withdrawn=False, now=now)
        issue_case_outputs(case=case, event="case_rejected", department=department, now=now)
    return case


def deliver_result(
    *, actor: User, case_id: int | None = None, number: str | None = None, method: str, detail: str = "",
    now: dt.datetime | None = None,
) -> Case:
    """Hand out the result (统一出件) at the window, by post or electronically; the case closes (办结).
    The case is named by ``case_id``, or by ``number`` with the actor's right to see it checked.
    A malformed request (no such method, post without an address) is 422 before any lookup,
    whatever the case; whether the item offers the method needs the case, so it comes after."""
    if method not in DeliveryMethod.values:
        raise InvalidInput(CaseErrorCode.DELIVERY_METHOD_NOT_OFFERED, _("出件方式无效。"), {"method": method})
    detail = bounded_text(detail, field="detail", label=_("出件说明"), max_chars=DELIVERY_DETAIL_CHARS)
    if method == DeliveryMethod.POST and not detail:
        raise InvalidInput(CaseErrorCode.ADDRESS_REQUIRED, _("邮寄送达须填写收件地址和运单号。"))
    if number is None:
        clerk_department(actor)  # a refusal before anything is read, as callers by id expect
    now = now or db_now()
    with transaction.atomic():
        case, department = _lock_for_clerk(actor, case_id, number)
        if not case.can_deliver():
            raise illegal(case, _("出件"))
        offered = case.item.delivery_methods or DeliveryMethod.values
        if method not in offered:
            raise InvalidInput(
                CaseErrorCode.DELIVERY_METHOD_NOT_OFFERED,
                _("该事项不提供「%(m)s」。") % {"m": DeliveryMethod(method).label},
                {"method": method, "offered": offered},
            )
        update_case(case, status=CaseStatus.CLOSED, delivery_method=method, delivery_detail=detail,
                     delivered_at=now, closed_at=now, current_step="", current_department=None)
        note_case(case, actor=actor, at=now, event_type="case_delivered", department=department, method=method,
                   outcome=case.outcome)
        issue_case_outputs(case=case, event="case_delivered", department=department, now=now)
    return case
