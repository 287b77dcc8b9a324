"""Refuse oversize or malformed uploads before Django reads the body, with the JSON error shape.

This runs before ``LocaleMiddleware``, so it picks the request's language itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import CoreErrorCode


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
        limit = settings.YIWANG_MAX_UPLOAD_BYTES + 64 * 1024  # room for the multipart envelope
        if length > limit:
            response = _error(
                request, 413, CoreErrorCode.PAYLOAD_TOO_LARGE,
                _("文件过大：单个文件不能超过 %(mb)d MB。"),
                {"limit_bytes": settings.YIWANG_MAX_UPLOAD_BYTES, "content_length": length},
                mb=settings.YIWANG_MAX_UPLOAD_BYTES // (1024 * 1024),
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def _error(request: HttpRequest, status: int, code: str, message: Any, details: dict, **params: Any) -> JsonResponse:
    with translation.override(translation.get_language_from_request(request)):
        text = str(message) % params if params else str(message)
    return JsonResponse({"code": code, "message": text, "details": details}, status=status,
                        json_dumps_params={"ensure_ascii": False})
