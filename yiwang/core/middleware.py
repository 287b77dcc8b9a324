"""Refuse oversize or malformed uploads before Django reads the body, with the JSON error shape.

This runs before ``LocaleMiddleware``, so it picks the request's language itself."""

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
        return self.get_response(request)


def _error(request: HttpRequest, status: int, code: str, message: Any, details: dict, **params: Any) -> JsonResponse:
    with translation.override(translation.get_language_from_request(request)):
        text = str(message) % params if params else str(message)
    return JsonResponse({"code": code, "message": text, "details": details}, status=status,
                        json_dumps_params={"ensure_ascii": False})
