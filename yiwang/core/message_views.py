"""The 消息 list: a person's notifications, newest first, with mark-as-read. Thin: the writes are
``yiwang.core.notify.mark_read`` / ``mark_all_read``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from yiwang.core import notify
from yiwang.core.errors import DomainError
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import Notification


@login_required
def message_list(request: AuthenticatedRequest) -> HttpResponse:
    notices = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(request, "core/messages.html", {"page": page})


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark one message read, then go where it points (when that is on this site) or back to the list."""
    try:
        notice = notify.mark_read(actor=request.user, notification_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if request.POST.get("open") and notice.link and url_has_allowed_host_and_scheme(
            notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notice.link)
    return redirect("core:messages")


@login_required
@require_POST
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    notify.mark_all_read(actor=request.user)
    return redirect("core:messages")
