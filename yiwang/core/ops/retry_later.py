"""The one shape of "try again in N seconds": the API's JSON error or a page, status 503,
``Retry-After``, ``Cache-Control: no-store``, one WARNING line with the request id, and Django's
``_has_been_logged`` marker so that its ERROR line for every 5xx is not written as well.

Used by admission control (a worker's bound on requests in flight: ``admission.py``) and by the
database being briefly out of reach (``unavailable.py``). The answer touches no session and no
database; the page is one of ``core/ops/*.html``, each extending ``core/ops/retry_later.html``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise

from yiwang.core.middleware import error_response


def retry_later_response(request: HttpRequest, *, retry_after: int, code: str, api_message: Promise,
                         template: str, logger: logging.Logger, log_message: str, log_args: tuple[Any, ...]
                         ) -> HttpResponse:
    """503 with ``Retry-After: retry_after``; ``code`` is a ``CoreErrorCode``; ``api_message`` takes ``%(seconds)d``; ``log_message``
    is formatted with ``log_args`` and logged once at WARNING on ``logger``."""
    if request.path_info.startswith("/api/"):
        response: HttpResponse = error_response(request, 503, code, api_message,
                                                {"retry_after_seconds": retry_after}, seconds=retry_after)
    else:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            html = render_to_string(template, {"language": language, "retry_after": retry_after})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    logger.warning(log_message, *log_args, extra={"request_id": getattr(request, "request_id", None) or "-"})
    # Logged above at WARNING: expected answers (overload, a failover) are measured and alerted by
    # their own metrics; Django's ERROR line on ``django.request`` for every 5xx would page someone
    # for each request of a planned switchover or a spike.
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own marker (django.utils.log.log_response)
    return response
