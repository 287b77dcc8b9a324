"""Middleware of data sharing: a dataset push is refused before its body is read unless the
pusher is a steward of the resource's provider."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import CoreErrorCode, DomainError
from yiwang.core.middleware import close_after, error_response
from yiwang.core.services import user_for_token
from yiwang.exchange.errors import ExchangeErrorCode
from yiwang.exchange.permissions import require_steward
from yiwang.exchange.selectors import resource_by_code

# A code with a NUL character is no resource's (PostgreSQL could not even look it up): not a push here,
# refused by core.middleware.NulCharacterMiddleware before the body is read.
DATASET_PUSH_CODE = re.compile(
    r"^/(?:api/v1/exchange/resources/(?P<api>[^/\x00]+)/datasets|work/exchange/resources/(?P<page>[^/\x00]+)/)$")


class DatasetPushGuardMiddleware:
    """A dataset push (up to 1 GiB) is read and stored only for a steward of the resource's provider.

    Without this, the CSRF check (which looks in a form body for its token) and the multipart parser
    read and spooled the whole body to disk for anyone, before the view's login redirect or
    permission check. Placed after ``AuthenticationMiddleware`` (it needs the session's user) and
    before any ``process_view`` runs. It only refuses; the view still checks everything itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = DATASET_PUSH_CODE.match(request.path_info) if request.method == "POST" else None
        if match is not None:
            refusal = _refuse_push(request, api=match["api"] is not None, code=match["api"] or match["page"])
            if refusal is not None:
                close_after(request, refusal)  # the unread body must not be taken as the next request
                return refusal
        return self.get_response(request)


def _refuse_push(request: HttpRequest, *, api: bool, code: str) -> HttpResponse | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        user = None
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if api and header[:7].lower() == "bearer ":
            user = user_for_token(header[7:].strip())
    if user is None:
        if not api:
            return redirect_to_login(request.get_full_path())
        if request.META.get("HTTP_X_API_KEY"):  # a system's key: the same answer as the endpoint's
            return error_response(request, 403, CoreErrorCode.PERMISSION_DENIED,
                          _("此操作须由工作人员登录后进行，接口凭据不能执行。"), {})
        return error_response(request, 401, CoreErrorCode.NOT_AUTHENTICATED, _("请先登录：缺少或无效的访问令牌。"), {})
    resource = resource_by_code(code)
    if resource is None:
        return error_response(request, 404, ExchangeErrorCode.UNKNOWN_RESOURCE, _("数据资源 %(code)s 不存在。"),
                      {"resource": code}, code=code)
    try:
        require_steward(user, resource.provider)
    except DomainError as exc:
        return error_response(request, exc.status, exc.code, exc.message, exc.details)
    return None
