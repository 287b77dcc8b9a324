"""Refuse oversize uploads before Django reads the body, with the JSON error shape."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from yiwang.core.errors import CoreErrorCode


class UploadSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.YIWANG_MAX_UPLOAD_BYTES + 64 * 1024  # room for the multipart envelope
        if length > limit:
            language = translation.get_language_from_request(request)
            with translation.override(language):
                body = {
                    "code": CoreErrorCode.PAYLOAD_TOO_LARGE,
                    "message": _("文件过大：单个文件不能超过 %(mb)d MB。") % {"mb": settings.YIWANG_MAX_UPLOAD_BYTES // (1024 * 1024)},
                    "details": {"limit_bytes": settings.YIWANG_MAX_UPLOAD_BYTES, "content_length": length},
                }
            response = JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
            response["Connection"] = "close"
            return response
        return self.get_response(request)
