"""What a person sees when django-axes locks a username+IP out after too many failed sign-ins:
when they may try again and how an administrator can unlock them (one home for the message)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from yiwang.core.errors import CoreErrorCode


def _cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    return _(
        "登录失败次数过多（%(limit)d 次），该账号在此设备上已被暂时锁定。请在 %(minutes)d 分钟后（%(until)s 之后）再试；"
        "如需立即解锁，请联系系统管理员（管理员在后台“用户”列表中选中该用户，执行“解除所选用户的登录锁定”）。"
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": _cool_off_minutes(), "until": time_format(until, "H:i")}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the API answers in its error shape, pages with a page."""
    message = lockout_message()
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": CoreErrorCode.LOCKED_OUT, "message": message,
             "details": {"retry_after_minutes": _cool_off_minutes()}},
            status=429, headers={"Retry-After": str(_cool_off_minutes() * 60)},
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "core/locked_out.html", {"message": message}, status=429)


def is_locked_out(request: HttpRequest, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": username})
