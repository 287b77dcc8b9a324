"""好差评 pages: a person rates a case or an appeal (signed in), the hall tablet / receipt QR rates a
window visit (signed token, no sign-in), the clerk opens a visit, and staff see statistics,
rectifications and 申诉复核. Thin: every write is one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yiwang.appeals.models import Appeal, AppealStatus
from yiwang.cases.models import Case, CaseStatus
from yiwang.cases.selectors import applicant_cases
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.pdf import qr_png
from yiwang.evaluation import permissions, selectors, services
from yiwang.evaluation.models import (
    ONLINE_INDICATORS,
    WINDOW_INDICATORS,
    CallbackResult,
    Level,
    RatingChannel,
    RectificationStatus,
    ReviewReason,
)

LEVELS = [(int(v), label) for v, label in Level.choices]  # 5 … 1, best first


def _error(request: HttpRequest, message: str, status: int, *, link: str = "", link_text: str = "") -> HttpResponse:
    return render(request, "evaluation/error.html", {"message": message, "link": link, "link_text": link_text},
                  status=status)


def _rating_input(request: HttpRequest) -> dict[str, Any]:
    indicators = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("ind_") and value:
            indicators[key[4:40]] = int(value) if value.isascii() and value.isdigit() and len(value) < 4 else value
    return {"level": request.POST.get("level", ""), "indicators": indicators, "comment": request.POST.get("comment", "")}


def _form_context(indicators: tuple) -> dict[str, Any]:
    return {"levels": LEVELS, "indicators": indicators, "scores": range(5, 0, -1)}


# -- a person's ratings --------------------------------------------------------------------------------


@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """我的评价: the person's closed cases and appeals, rated or waiting for a rating."""
    cases = list(applicant_cases(request.user).filter(status=CaseStatus.CLOSED)[:50])
    cases = [c for c in cases if permissions.may_rate_case(request.user, c)]
    appeals = list(Appeal.objects.filter(reports__reporter_user=request.user, status=AppealStatus.CLOSED)
                   .distinct().order_by("-closed_at")[:50])
    rated = selectors.rated_numbers(request.user)
    return render(request, "evaluation/mine.html", {"cases": cases, "appeals": appeals, "rated": rated})


def _rate_page(request: AuthenticatedRequest, *, kind: str, number: str) -> HttpResponse:
    user = request.user
    subject: Case | Appeal | None
    if kind == "case":
        subject = Case.objects.select_related("item", "department").filter(number=number[:32]).first()
        allowed = subject is not None and permissions.may_rate_case(user, subject)
    else:
        subject = Appeal.objects.select_related("lead_department").filter(number=number[:20]).first()
        allowed = subject is not None and permissions.may_rate_appeal(user, subject)
    if subject is None or not allowed:  # unknown and someone else's look the same: numbers are not enumerable here
        return _error(request, _("没有找到您的这件办件或诉求。"), 404)
    error = None
    if request.method == "POST":
        values = _rating_input(request)
        try:
            if request.POST.get("follow_up"):
                services.follow_up_rating(actor=user, rating_id=_int(request.POST.get("follow_up")), **values)
            elif kind == "case":
                services.rate_case(actor=user, number=number, channel=RatingChannel.ONLINE, **values)
            else:
                services.rate_appeal(actor=user, number=number, channel=RatingChannel.ONLINE, **values)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect(request.path)
    if isinstance(subject, Case):
        ratings, closed = selectors.ratings_of_case(subject), subject.status == CaseStatus.CLOSED
    else:
        ratings, closed = selectors.ratings_of_appeal(subject), subject.status == AppealStatus.CLOSED
    online = [r for r in ratings if r.channel == RatingChannel.ONLINE and r.follow_up_of_id is None]
    follow_up = next((r for r in online if selectors.follow_up_allowed(r, user)), None)
    return render(request, "evaluation/rate.html", status=error.status if error else 200, context={
        **_form_context(ONLINE_INDICATORS), "kind": kind, "subject": subject, "ratings": ratings, "closed": closed,
        "may_rate": closed and not online, "follow_up": follow_up, "error": error,
        "values": request.POST if error else {}})


def _int(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


@login_required
def rate_case(request: AuthenticatedRequest, number: str) -> HttpResponse:
    return _rate_page(request, kind="case", number=number)


@login_required
def rate_appeal(request: AuthenticatedRequest, number: str) -> HttpResponse:
    return _rate_page(request, kind="appeal", number=number)


# -- the window ----------------------------------------------------------------------------------------


def visit(request: HttpRequest, token: str) -> HttpResponse:
    """The hall tablet's (and the visit QR's) rating page: no sign-in, the signed token names the
    visit and the channel it rates on."""
    try:
        window_visit, _channel = services.read_visit_token(token)
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    error, done = None, window_visit.ratings.exists()
    if request.method == "POST" and not done:
        try:
            services.rate_visit(token=token, **_rating_input(request))
        except DomainError as exc:
            error = exc
        else:
            done = True
    return render(request, "evaluation/visit.html", status=error.status if error else 200, context={
        **_form_context(WINDOW_INDICATORS), "visit": window_visit, "done": done, "error": error,
        "values": request.POST if error else {}})


def old_visit_link(request: HttpRequest, token: str) -> HttpResponse:
    """A link (or its QR image) of the retired form ``/evaluation/v/<token>/?via=…`` (its channel was
    not signed): 410 on every method, saying what to do instead; it rates nothing."""
    refused = services.old_visit_link_refused()
    return _error(request, refused.message, refused.status)


def case_by_token(request: HttpRequest, token: str) -> HttpResponse:
    """The page the receipt's QR code and the 办结 notice's link open: no sign-in, the signed token
    names the case and the channel. Before the case is closed it says so (and offers the window visit
    the clerk opened for it, if any, to rate now: 一次一评)."""
    try:
        case, channel = services.read_case_token(token)
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    error = None
    if request.method == "POST":
        try:
            services.rate_case_by_token(token=token, **_rating_input(request))
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("感谢您的评价！"))
            return redirect(request.get_full_path())
    context = selectors.case_token_page(case, channel)
    return render(request, "evaluation/case_token.html", status=error.status if error else 200, context={
        **_form_context(ONLINE_INDICATORS), **context, "error": error, "values": request.POST if error else {},
        "visit_url": (reverse("evaluation:visit", args=[services.visit_token(context["visit"], "q")])
                      if context["visit"] is not None else "")})


def old_case_link(request: HttpRequest, token: str) -> HttpResponse:
    """A link of the retired form ``/evaluation/c/<token>/?via=…`` (its channel was not signed): 410
    on every method, saying which link to use instead; it rates nothing."""
    refused = services.old_case_link_refused()
    return _error(request, refused.message, refused.status, link=reverse("cases:my_cases"), link_text=_("我的办件"))


def _staff(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    if not permissions.may_see_evaluation_pages(request.user):
        return _error(request, _("本页仅供部门工作人员和电子监察人员使用。"), 403)
    return None


@login_required
def open_visit(request: AuthenticatedRequest) -> HttpResponse:
    """The clerk starts 一次一评 for the person in front of the window: the tablet link and its QR."""
    if (refused := _staff(request)) is not None:
        return refused
    error, opened = None, None
    if request.method == "POST":
        try:
            opened = services.open_visit(actor=request.user, window=request.POST.get("window", ""),
                                         case_number=request.POST.get("case_number", ""))
        except DomainError as exc:
            error = exc
    token = services.visit_token(opened, "t") if opened else ""
    return render(request, "evaluation/open_visit.html", status=error.status if error else 200, context={
        "error": error, "opened": opened, "qr_token": services.visit_token(opened, "q") if opened else "",
        "values": request.POST,
        "link": request.build_absolute_uri(reverse("evaluation:visit", args=[token])) if token else ""})


def visit_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code of a visit's rating link on its QR channel (for the clerk's screen); the token is
    that link's own ("q"), so the image encodes nothing the token does not sign."""
    try:
        services.read_visit_token(token, places=("q",))
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    url = request.build_absolute_uri(reverse("evaluation:visit", args=[token]))
    return HttpResponse(qr_png(url, scale=6), content_type="image/png")


# -- staff ---------------------------------------------------------------------------------------------


@login_required
def staff(request: AuthenticatedRequest) -> HttpResponse:
    """Statistics per department, item, window (and staff member: heads and supervisors), the
    rectifications to answer and the 申诉复核 to decide."""
    if (refused := _staff(request)) is not None:
        return refused
    user = request.user
    error = None
    if request.method == "POST":
        error = _staff_action(request)
        if error is None:
            messages.success(request, _("已保存。"))
            return redirect(request.get_full_path())
    by = request.GET.get("by", "department")
    if by not in selectors.GROUPS or (by == "staff" and not permissions.may_see_staff(user)):
        by = "department"
    departments = selectors.visible_departments(user)
    figures = selectors.statistics(by=by, department_ids=departments)
    all_departments = selectors.statistics(by="department", department_ids=departments)
    return render(request, "evaluation/staff.html", status=error.status if error else 200, context={
        "by": by, "figures": figures, "total": selectors.totals(all_departments), "error": error,
        # the refused form's row, field and what was typed, to say it at the field and keep the text
        "failed": {"id": _int(request.POST.get("id")), "field": error.details.get("field"), "values": request.POST}
        if error else None, "max_text": services.MAX_TEXT,
        "groups": [g for g in (("department", _("部门")), ("item", _("事项")), ("window", _("窗口")),
                               ("staff", _("工作人员"))) if g[0] != "staff" or permissions.may_see_staff(user)],
        "rectifications": list(selectors.rectifications_for(user).exclude(
            status__in=[RectificationStatus.CLOSED, RectificationStatus.CANCELLED])[:50]),
        "closed": list(selectors.rectifications_for(user, status=RectificationStatus.CLOSED)[:10]),
        "bad_ratings": list(selectors.ratings_for(user).filter(voided_at__isnull=True, grade="bad")[:30]),
        "reviews": list(selectors.pending_reviews(user)[:30]),
        "may_supervise": permissions.may_supervise(user), "callback_results": CallbackResult.choices,
        "review_reasons": ReviewReason.choices,
        "handles": set(permissions.rated_departments(user)),
    })


def _staff_action(request: AuthenticatedRequest) -> DomainError | None:
    post, user = request.POST, request.user
    action, pk = post.get("action", ""), _int(post.get("id"))
    try:
        if action == "reply":
            services.reply_rectification(actor=user, rectification_id=pk, reply=post.get("reply", ""))
        elif action == "callback":
            services.record_rectification_callback(actor=user, rectification_id=pk, result=post.get("result", ""),
                                                   note=post.get("note", ""))
        elif action == "close":
            services.close_rectification(actor=user, rectification_id=pk,
                                         published_outcome=post.get("published_outcome", ""))
        elif action == "review":
            services.request_review(actor=user, rating_id=pk, reason_kind=post.get("reason_kind", ""),
                                    reason=post.get("reason", ""))
        elif action in ("uphold", "reject"):
            services.decide_review(actor=user, review_id=pk, uphold=action == "uphold",
                                   decision=post.get("decision", ""))
        else:
            return DomainError("unknown_action", _("未知操作。"))
    except DomainError as exc:
        return exc
    return None
