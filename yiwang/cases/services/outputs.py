"""What a case event gives the applicant: the document it produces (receipt, notice, decision
letter) and the notice that tells them (消息 in the site, SMS and email through the outbox).

Called by the lifecycle services inside their transaction, after the change and its audit record,
so that the event, its document and its notice commit together (see ``yiwang.cases.documents`` for
why the document is not deferred). Sending SMS and email happens after the commit.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_noop

from yiwang.cases.documents import ensure_query_code, issue_document
from yiwang.cases.models import Case, CorrectionNotice, DeliveryMethod, DocumentKind, Outcome
from yiwang.cases.rating import NOTICE, rating_link
from yiwang.core.calendar import local_date
from yiwang.core.models import Department
from yiwang.core.notify import notify_applicant
from yiwang.core.storage import files_removed_on_error
from yiwang.licenses.services import issue_for_case

# Kind → (title, body): Chinese message templates, translated when shown (English in locale/en).
NOTICES: dict[str, tuple[str, str]] = {
    "case_correction_requested": (
        gettext_noop("办件需要补正"),
        gettext_noop("您的办件 %(number)s（%(item)s）需要补正：%(what)s。补正期间暂停计时，请登录一网通办或到综合窗口提交补正材料。"),
    ),
    "case_accepted": (
        gettext_noop("申请已受理"),
        gettext_noop("您的办件 %(number)s（%(item)s）已受理，承诺办结时限至 %(due)s。查询码 %(code)s，受理回执可在办件页面下载。"),
    ),
    "case_rejected": (
        gettext_noop("申请不予受理"),
        gettext_noop("您的办件 %(number)s（%(item)s）不予受理。理由：%(reason)s。不予受理决定书可在办件页面下载。"),
    ),
    "case_decided_approved": (
        gettext_noop("办件已准予，待领取结果"),
        gettext_noop("您的办件 %(number)s（%(item)s）已决定准予，决定书可在办件页面下载。办理结果待统一出件：可到综合窗口领取，或按事项提供的方式邮寄、电子送达。"),
    ),
    "case_decided_denied": (
        gettext_noop("办件决定不予准予"),
        gettext_noop("您的办件 %(number)s（%(item)s）决定不予准予。理由：%(reason)s。决定书（含行政复议、行政诉讼途径）可在办件页面下载。"),
    ),
    "case_instant_approved": (
        gettext_noop("秒批通过"),
        gettext_noop("您的办件 %(number)s（%(item)s）经秒批规则自动核验，已即时准予，决定书可在办件页面下载。"),
    ),
    "case_instant_approved_delivered": (
        gettext_noop("秒批通过，已办结"),
        gettext_noop("您的办件 %(number)s（%(item)s）经秒批规则自动核验，已即时准予并电子送达，办件已办结。决定书可在办件页面下载。"),
    ),
    "case_delivered_window": (
        gettext_noop("办件已办结"),
        gettext_noop("您的办件 %(number)s（%(item)s）的办理结果已在综合窗口领取，办件已办结。"),
    ),
    "case_delivered_post": (
        gettext_noop("办件已办结，结果已邮寄"),
        gettext_noop("您的办件 %(number)s（%(item)s）的办理结果已邮寄送达（%(detail)s），办件已办结。"),
    ),
    "case_delivered_electronic": (
        gettext_noop("办件已办结，结果已电子送达"),
        gettext_noop("您的办件 %(number)s（%(item)s）的办理结果已电子送达，可在办件页面下载，办件已办结。"),
    ),
}


# The 办结 notices (and the decision's, which precedes pickup) with where to rate the case (好差评),
# used when an app registered a rating link (``yiwang.cases.rating``); ``%(rate)s`` is the link.
RATED_BODIES: dict[str, str] = {
    "case_decided_approved": gettext_noop("您的办件 %(number)s（%(item)s）已决定准予，决定书可在办件页面下载。办理结果待统一出件：可到综合窗口领取，或按事项提供的方式邮寄、电子送达。办结后欢迎对本次服务评价：%(rate)s"),
    "case_decided_denied": gettext_noop("您的办件 %(number)s（%(item)s）决定不予准予。理由：%(reason)s。决定书（含行政复议、行政诉讼途径）可在办件页面下载。办结后欢迎对本次服务评价：%(rate)s"),
    "case_instant_approved_delivered": gettext_noop("您的办件 %(number)s（%(item)s）经秒批规则自动核验，已即时准予并电子送达，办件已办结。决定书可在办件页面下载。欢迎对本次服务评价：%(rate)s"),
    "case_delivered_window": gettext_noop("您的办件 %(number)s（%(item)s）的办理结果已在综合窗口领取，办件已办结。欢迎对本次服务评价：%(rate)s"),
    "case_delivered_post": gettext_noop("您的办件 %(number)s（%(item)s）的办理结果已邮寄送达（%(detail)s），办件已办结。欢迎对本次服务评价：%(rate)s"),
    "case_delivered_electronic": gettext_noop("您的办件 %(number)s（%(item)s）的办理结果已电子送达，可在办件页面下载，办件已办结。欢迎对本次服务评价：%(rate)s"),
}


def _notify(case: Case, kind: str, **params: str) -> None:
    title, body = NOTICES[kind]
    link = rating_link(case, NOTICE) if kind in RATED_BODIES else None
    if link is not None:
        body, params = RATED_BODIES[kind], {**params, "rate": link.url}
    notify_applicant(applicant=case.applicant, kind=kind, title=title, body=body,
                     params={"number": case.number or "", "item": case.item.name, **params},
                     case_number=case.number or "", link=reverse("cases:my_case", args=[case.number]))


def _due(case: Case) -> str:
    return local_date(case.due_at - dt.timedelta(microseconds=1)).isoformat()


def _issue_licences(case: Case, now: dt.datetime) -> None:
    """The licence(s) the item yields (or the holder's licence it changes or renews), in the
    decision's transaction: a case is never approved without its licence (yiwang.licenses)."""
    issue_for_case(item_id=case.item_id, holder=case.applicant, form=case.form_data or {}, case_number=case.number or "",
                   actor=None, now=now)


def issue_case_outputs(
    *, case: Case, event: str, department: Department | None = None, now: dt.datetime,
    correction: CorrectionNotice | None = None,
) -> None:
    """Produce the document and the notice of ``event`` (an audit event type) for the applicant.

    ``department`` issues receipts (the window's); decision letters are issued by the item's
    implementing department. ``case_instant_decided`` covers a whole 秒批 run (receipt, letter, and
    delivery if electronic) with one notice. If the event fails after a document or a licence, its
    file goes with the rolled-back row (``core.storage.files_removed_on_error``)."""
    with files_removed_on_error():
        _issue_case_outputs(case=case, event=event, department=department or case.department, now=now,
                            correction=correction)


def _issue_case_outputs(*, case: Case, event: str, department: Department, now: dt.datetime,
                        correction: CorrectionNotice | None) -> None:
    if event == "case_accepted":
        issue_document(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT, department=department, now=now)
        _notify(case, "case_accepted", due=_due(case), code=ensure_query_code(case))
    elif event == "case_correction_requested":
        if correction is None:
            raise ValueError("case_correction_requested is issued with its correction request")
        issue_document(case=case, kind=DocumentKind.CORRECTION_NOTICE, department=department, now=now,
                       correction=correction)
        what = "、".join(m.name for m in correction.materials.all())
        what = "；".join(p for p in (what, correction.note) if p)
        _notify(case, "case_correction_requested", what=what)
    elif event == "case_rejected":
        issue_document(case=case, kind=DocumentKind.REJECTION_NOTICE, department=department, now=now)
        _notify(case, "case_rejected", reason=case.reject_reason)
    elif event == "case_decided":
        approved = case.outcome == Outcome.APPROVED
        kind = DocumentKind.APPROVAL_DECISION if approved else DocumentKind.DENIAL_DECISION
        issue_document(case=case, kind=kind, department=case.department, now=now)
        if approved:
            _issue_licences(case, now)
            _notify(case, "case_decided_approved")
        else:
            _notify(case, "case_decided_denied", reason=case.outcome_note or "—")
    elif event == "case_instant_decided":
        issue_document(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT, department=case.department, now=now)
        issue_document(case=case, kind=DocumentKind.APPROVAL_DECISION, department=case.department, now=now)
        _issue_licences(case, now)
        delivered = case.delivery_method == DeliveryMethod.ELECTRONIC and case.delivered_at is not None
        _notify(case, "case_instant_approved_delivered" if delivered else "case_instant_approved")
    elif event == "case_delivered":
        method = case.delivery_method or DeliveryMethod.WINDOW
        _notify(case, f"case_delivered_{method}", detail=case.delivery_detail or "—")
    else:
        raise ValueError(f"no outputs for event {event!r}")
