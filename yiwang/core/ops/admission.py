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
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import CoreErrorCode
from yiwang.core.ops.retry_later import retry_later_response

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
    return retry_later_response(
        request, retry_after=retry_after, code=CoreErrorCode.OVERLOADED,
        api_message=_("系统繁忙：请在 %(seconds)d 秒后重试，本次请求未被处理。"),
        template="core/ops/overloaded.html", logger=logger,
        log_message="shed: %s %s answered 503 (MAX_IN_FLIGHT=%d requests already in flight in this worker), "
                    "Retry-After %d s",
        log_args=(request.method, request.path, settings.YIWANG_MAX_IN_FLIGHT, retry_after))
