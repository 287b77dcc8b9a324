"""The database briefly out of reach (a Patroni failover, PgBouncer restarting, a serialisation
failure or a deadlock the database broke): answered 503 with ``Retry-After``, never a 500.

Django turns an exception raised anywhere in a request (a view, the session or authentication
middleware reading their rows) into the ``handler500`` view, which calls ``retry_later_or_500``
here with the exception being handled; the API's catch-all handler (yiwang/api.py) does the same.
A transient database error (``django.db.OperationalError`` or ``InterfaceError``: connection lost
or refused, server closed the connection, deadlock, serialisation failure, SQLite busy; or
``InternalError``, a connection's protocol state broken by the failover; or a statement prepared
before ``migrate`` changed its result's type, yiwang/core/ops/prepared.py) becomes a
503 saying when to try again; anything else stays a 500.

The answer touches no session and no database (the database is what failed). It cannot promise
that nothing was saved: the connection may have been lost after COMMIT reached the server. The
person is told to look at their cases before sending again; an API client retries with the same
``Idempotency-Key`` (docs/api.md), which returns the first answer if the first try did land.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error

from yiwang.core.errors import CoreErrorCode
from yiwang.core.ops.prepared import is_changed_plan_error
from yiwang.core.ops.retry_later import retry_later_response

logger = logging.getLogger(__name__)

# InternalError: a connection whose protocol state broke when its server went away behind PgBouncer
# (the failover drill saw "received 2 results from command 'BEGIN'"); unusual enough that it is
# also logged at ERROR with its traceback, while the person still gets the 503.
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError, InternalError)


def is_transient_database_error(exc: BaseException | None) -> bool:
    # a statement prepared before `migrate` changed its result's type, refused inside a
    # transaction: the rollback made the connection forget it, so the retry is planned afresh
    return isinstance(exc, TRANSIENT_DATABASE_ERRORS) or is_changed_plan_error(exc)


def database_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    retry_after = settings.YIWANG_DATABASE_RETRY_AFTER_SECONDS
    if isinstance(exc, InternalError):
        logger.error("database internal error answered 503", exc_info=exc,
                     extra={"request_id": getattr(request, "request_id", None) or "-"})
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return retry_later_response(
        request, retry_after=retry_after, code=CoreErrorCode.DATABASE_UNAVAILABLE,
        api_message=_("服务暂时不可用（数据库正在切换或繁忙），请在 %(seconds)d 秒后用同一个 Idempotency-Key 重试；"
                      "若未带该键，请先查询是否已受理，再决定是否重新提交。"),
        template="core/ops/unavailable.html", logger=logger,
        log_message="database unavailable: %s %s answered 503 (%s: %s), Retry-After %d s",
        log_args=(request.method, request.path, type(exc).__name__, detail, retry_after))


def retry_later_or_500(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500`` (yiwang/urls.py): Django calls it while handling the exception."""
    exc = sys.exc_info()[1]
    if exc is not None and is_transient_database_error(exc):
        return database_unavailable_response(request, exc)
    return server_error(request, template_name=template_name)
