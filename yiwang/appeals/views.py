"""Pages: the citizen's portal form and follow page, the hotline agent's form, the grid worker's
phone page, the dispatcher's queue and an appeal's page with its actions. Thin: parse, call one
service or selector, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.appeals import board as board_reads
from yiwang.appeals import permissions, selectors, services
from yiwang.appeals.api import BoardOut
from yiwang.appeals.models import (
    AppealChannel,
    AppealPhoto,
    AppealStatus,
    AppealType,
    Rating,
    Urgency,
)
from yiwang.core.downloads import file_download
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest, account
from yiwang.core.replica import read_from_replica
from yiwang.core.selectors import is_staff_member
from yiwang.intelligence.selectors import known_categories

FORM_FIELDS = ("title", "body", "appeal_type", "urgency", "latitude", "longitude", "address", "reporter_name",
               "reporter_phone", "reporter_email")


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "appeals/error.html", {"message": message}, status=status)


def _intake_from(request: HttpRequest, channel: str) -> services.Intake:
    data: dict[str, Any] = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    return services.Intake(channel=channel, is_complex=request.POST.get("is_complex") == "on", **data)


def _form_context(channel: str, values: dict[str, Any] | None = None, error: DomainError | None = None) -> dict:
    return {"channel": channel, "types": AppealType.choices, "urgencies": Urgency.choices, "values": values or {},
            "error": error, "error_field": (error.details.get("field") if error else ""),
            "limits": services.text_limits()}


def _intake_page(request: HttpRequest, *, channel: str, template: str) -> HttpResponse:
    if request.method == "POST":
        try:
            report = services.submit_appeal(actor=request.user if request.user.is_authenticated else None,
                                            intake=_intake_from(request, channel),
                                            photos=request.FILES.getlist("photos"))
        except DomainError as exc:
            return render(request, template, _form_context(channel, request.POST.dict(), exc), status=exc.status)
        if channel == AppealChannel.PORTAL:
            return redirect("appeals:follow", token=report.token)
        messages.success(request, _("已登记工单 %(number)s（%(status)s）。") % {
            "number": report.appeal.number, "status": report.appeal.get_status_display()})
        return redirect(request.path)
    return render(request, template, _form_context(channel))


def portal_new(request: HttpRequest) -> HttpResponse:
    """A citizen's appeal: type, text, photos, a place picked on the map or typed as an address."""
    return _intake_page(request, channel=AppealChannel.PORTAL, template="appeals/portal_new.html")


def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter follows their appeal by the link they were given (no account needed)."""
    report = selectors.report_by_token(token)
    if report is None:
        raise Http404(_("没有找到这条诉求，请核对查询链接。"))
    appeal = report.appeal
    return render(request, "appeals/follow.html", {
        "report": report, "appeal": appeal, "notices": report.notices.all(), "photos": report.photos.all(),
        "merged": report.original_appeal_id != report.appeal_id,
        "light": selectors.sla_light(status=appeal.status, due_at=appeal.due_at, warn_at=appeal.warn_at,
                                     now=timezone.now())})


@login_required
def my_appeals(request: AuthenticatedRequest) -> HttpResponse:
    reports = (request.user.appeal_reports.select_related("appeal").order_by("-received_at"))[:200]
    return render(request, "appeals/my_appeals.html", {"reports": reports})


def photo_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    photo = get_object_or_404(AppealPhoto.objects.select_related("report__appeal"), pk=pk)
    token_ok = request.GET.get("t", "") == photo.report.token
    viewer = account(request)
    if not token_ok and not (viewer is not None and permissions.may_view(viewer, photo.report.appeal)):
        return _error(request, _("您无权查看该照片。"), 403)
    return file_download(photo.file.open("rb"), filename=f"photo-{photo.pk}", content_type=photo.content_type)


def _staff(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    if not is_staff_member(request.user):
        return _error(request, _("工作台仅供工作人员使用。"), 403)
    return None


@login_required
def hotline(request: AuthenticatedRequest) -> HttpResponse:
    """The 12345 agent's form: keyboard first (the title has focus, Alt+S submits, the form comes
    back empty for the next call with the last number above it)."""
    if (refused := _staff(request)) is not None:
        return refused
    if not permissions.takes_calls(request.user):
        return _error(request, _("只有12345热线坐席可以登记来电。"), 403)
    return _intake_page(request, channel=AppealChannel.HOTLINE, template="appeals/hotline.html")


@login_required
def grid(request: AuthenticatedRequest) -> HttpResponse:
    """The grid worker's phone page: a photo, where, what."""
    if (refused := _staff(request)) is not None:
        return refused
    if not permissions.is_grid_worker(request.user):
        return _error(request, _("只有网格员可以上报事件。"), 403)
    return _intake_page(request, channel=AppealChannel.GRID, template="appeals/grid.html")


@login_required
def work_list(request: AuthenticatedRequest) -> HttpResponse:
    """The dispatcher's queue first, then what the reader may see, filtered like the API."""
    if (refused := _staff(request)) is not None:
        return refused
    now = timezone.now()
    params = {k: request.GET.get(k, "")[:64] for k in ("channel", "status", "category", "department", "light")}
    appeals = selectors.filter_appeals(selectors.visible_appeals(request.user), now=now, **params)
    rows = [(a, selectors.sla_light(status=a.status, due_at=a.due_at, warn_at=a.warn_at, now=now))
            for a in appeals.order_by("-received_at", "-id")[:100]]
    queue = list(selectors.triage_queue()[:50]) if permissions.is_dispatcher(request.user) else []
    return render(request, "appeals/work_list.html", {"rows": rows, "queue": queue, "params": params,
                                                      "channels": AppealChannel.choices,
                                                      "statuses": AppealStatus.choices,
                                                      "on_duty": permissions.on_duty(request.user)})


@login_required
@read_from_replica
def board(request: AuthenticatedRequest) -> HttpResponse:
    """The duty officer's command board (应急指挥): drawn from the same JSON as
    ``GET /api/v1/appeals/board``, embedded for the first paint and then polled by board.js."""
    if (refused := _staff(request)) is not None:
        return refused
    if not permissions.on_duty(request.user):
        return _error(request, _("应急指挥看板仅供值班人员（电子监察、派单员、应急管理局、12345中心）使用。"), 403)
    data = BoardOut.model_validate(board_reads.board(timezone.now())).model_dump(mode="json")
    return render(request, "appeals/board.html", {"data": data,
                                                  "refresh_seconds": settings.YIWANG_APPEALS_BOARD_REFRESH_SECONDS})


ACTIONS = {"dispatch", "return", "close", "callback"}


@login_required
def staff_appeal(request: AuthenticatedRequest, number: str) -> HttpResponse:
    if (refused := _staff(request)) is not None:
        return refused
    try:
        appeal = selectors.appeal_for(request.user, number)
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "dispatch":
                services.dispatch_appeal(actor=request.user, number=number, category=request.POST.get("category", ""),
                                         lead=request.POST.get("lead", ""), co=request.POST.getlist("co"),
                                         catch_all=request.POST.get("catch_all") == "on")
            elif action == "return":
                services.return_appeal(actor=request.user, number=number, reason=request.POST.get("reason", ""))
            elif action == "close":
                services.close_appeal(actor=request.user, number=number, reply=request.POST.get("reply", ""))
            elif action == "merge":
                services.merge_appeals(actor=request.user, number=number, into=request.POST.get("into", "").strip())
            elif action == "unmerge":
                services.unmerge_appeal(actor=request.user, number=number)
            elif action == "callback":
                services.record_callback(actor=request.user, number=number, rating=request.POST.get("rating", ""),
                                         note=request.POST.get("note", ""))
            else:
                return _error(request, _("未知操作。"), 400)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已保存。"))
            return redirect("appeals:staff_appeal", number=number)
        appeal = selectors.appeal_for(request.user, number)
    from yiwang.core.models import Department

    now = timezone.now()
    return render(request, "appeals/staff_appeal.html", status=error.status if error else 200, context={
        "appeal": appeal, "error": error, "timeline": selectors.timeline(appeal),
        "assignments": appeal.assignments.select_related("department"),
        "reports": appeal.reports.prefetch_related("photos"),
        "light": selectors.sla_light(status=appeal.status, due_at=appeal.due_at, warn_at=appeal.warn_at, now=now),
        "may_dispatch": permissions.is_dispatcher(request.user) and appeal.status == AppealStatus.TRIAGE,
        "may_handle": permissions.handles(request.user, appeal) and appeal.status == AppealStatus.HANDLING,
        "may_merge": permissions.is_dispatcher(request.user) and appeal.is_open(),
        "may_unmerge": permissions.is_dispatcher(request.user) and appeal.status == AppealStatus.MERGED,
        "merged_appeals": appeal.merged_appeals.all(),
        "may_call_back": permissions.takes_calls(request.user) and appeal.status == AppealStatus.CLOSED
        and not appeal.rating,
        "categories": sorted(known_categories()), "departments": Department.objects.all(),
        "ratings": Rating.choices})
