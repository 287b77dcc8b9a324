"""Refuse oversize, malformed or unauthorised uploads before Django reads the body, with the JSON
error shape.

These run before ``LocaleMiddleware``, so they pick the request's language themselves."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import CoreErrorCode

# Dataset pushes of data sharing (the API endpoint and the steward page's upload form) take files up
# to YIWANG_MAX_DATASET_BYTES; every other request keeps YIWANG_MAX_UPLOAD_BYTES.
DATASET_PUSH_PATH = re.compile(r"^/(?:api/v1/exchange/resources/[^/]+/datasets|work/exchange/resources/[^/]+/)$")
ENVELOPE = 64 * 1024  # room for the multipart envelope
DATASET_PUSH_CODE = re.compile(r"^/(?:api/v1/exchange/resources/(?P<api>[^/]+)/datasets|work/exchange/resources/(?P<page>[^/]+)/)$")


class UploadSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _error(request, 400, CoreErrorCode.VALIDATION_FAILED, _("请求头 Content-Length 无效。"), {})
        dataset = request.method == "POST" and DATASET_PUSH_PATH.match(request.path_info) is not None
        limit = settings.YIWANG_MAX_DATASET_BYTES if dataset else settings.YIWANG_MAX_UPLOAD_BYTES
        if length > limit + ENVELOPE:
            message = _("数据文件过大：单个数据集文件不能超过 %(mb)d MB。") if dataset else _("文件过大：单个文件不能超过 %(mb)d MB。")
            response = _error(
                request, 413, CoreErrorCode.PAYLOAD_TOO_LARGE, message,
                {"limit_bytes": limit, "content_length": length}, mb=limit // (1024 * 1024),
            )
            response["Connection"] = "close"
            return response
        if not dataset and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and not _is_multipart(request):
            # A JSON or form body is read into memory whole; Django would refuse it only after
            # reading (RequestDataTooBig), and the API turned that into a 500.
            response = _error(
                request, 413, CoreErrorCode.PAYLOAD_TOO_LARGE, _("请求内容过大：不能超过 %(mb)d MB。"),
                {"limit_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "content_length": length},
                mb=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)


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
                refusal["Connection"] = "close"  # the unread body must not be taken as the next request
                return refusal
        return self.get_response(request)


def _refuse_push(request: HttpRequest, *, api: bool, code: str) -> HttpResponse | None:
    from django.contrib.auth.views import redirect_to_login

    from yiwang.core.errors import DomainError
    from yiwang.core.services import user_for_token
    from yiwang.exchange.errors import ExchangeErrorCode
    from yiwang.exchange.permissions import require_steward
    from yiwang.exchange.selectors import resource_by_code

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
            return _error(request, 403, CoreErrorCode.PERMISSION_DENIED,
                          _("此操作须由工作人员登录后进行，接口凭据不能执行。"), {})
        return _error(request, 401, CoreErrorCode.NOT_AUTHENTICATED, _("请先登录：缺少或无效的访问令牌。"), {})
    resource = resource_by_code(code)
    if resource is None:
        return _error(request, 404, ExchangeErrorCode.UNKNOWN_RESOURCE, _("数据资源 %(code)s 不存在。"),
                      {"resource": code}, code=code)
    try:
        require_steward(user, resource.provider)
    except DomainError as exc:
        return _error(request, exc.status, exc.code, exc.message, exc.details)
    return None


def _is_multipart(request: HttpRequest) -> bool:
    return (request.META.get("CONTENT_TYPE") or "").lower().startswith("multipart/")


def _error(request: HttpRequest, status: int, error_code: str, message: Any, details: dict, **params: Any) -> JsonResponse:
    with translation.override(translation.get_language_from_request(request)):
        text = str(message) % params if params else str(message)
    return JsonResponse({"code": error_code, "message": text, "details": details}, status=status,
                        json_dumps_params={"ensure_ascii": False})
