"""Admission control: at most ``MAX_IN_FLIGHT`` requests are answered at once in one worker
process; the next one is refused at once with 503 and ``Retry-After`` (a page saying so, or the
API's JSON error) instead of waiting in a queue while every latency grows.

It sits after WhiteNoise (static files are cheap and never shed) and after the operations
endpoints (probes and scrapes are never shed); the refusal touches no session and no database.
The slot is held until the view has returned its response (a streamed body is sent after).
nginx's ``limit_req``/``limit_conn`` shed at the edge per client and in total; this bound sheds
per worker when requests are slow, whatever their source (docs/deployment.md).

A refusal is expected behaviour under overload, not a fault: it is logged once at WARNING (with the
request id, like every line) and counted by the metrics; Django's own ERROR line for a 5xx answer
is not written for it, so that the error logs and their alerts stay for real errors.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import CoreErrorCode
from yiwang.core.middleware import error_response

logger = logging.getLogger(__name__)


class AdmissionControlMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.limit = settings.YIWANG_MAX_IN_FLIGHT
        self._slots = threading.BoundedSemaphore(self.limit) if self.limit > 0 else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._slots is None:
            return self.get_response(request)
        if not self._slots.acquire(blocking=False):
            return overloaded_response(request)
        try:
            return self.get_response(request)
        finally:
            self._slots.release()


def overloaded_response(request: HttpRequest) -> HttpResponse:
    request.yiwang_shed = True  # type: ignore[attr-defined]  # an attribute of our own on the request: the metrics label it "(shed)"
    retry_after = settings.YIWANG_ADMISSION_RETRY_AFTER_SECONDS
    if request.path_info.startswith("/api/"):
        response: HttpResponse = error_response(
            request, 503, CoreErrorCode.OVERLOADED, _("系统繁忙：请在 %(seconds)d 秒后重试，本次请求未被处理。"),
            {"retry_after_seconds": retry_after}, seconds=retry_after)
    else:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            html = render_to_string("core/ops/overloaded.html", {
                "language": language, "retry_after": retry_after,
            })
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    logger.warning("shed: %s %s answered 503 (MAX_IN_FLIGHT=%d requests already in flight in this worker), "
                   "Retry-After %d s", request.method, request.path, settings.YIWANG_MAX_IN_FLIGHT, retry_after,
                   extra={"request_id": getattr(request, "request_id", None) or "-"})
    # Django's handler would log every 5xx at ERROR on ``django.request``; this one is expected and
    # was logged above.
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own marker (django.utils.log.log_response)
    return response
