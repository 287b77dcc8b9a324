"""The operations endpoints, answered by one middleware near the top of the chain: before the
HTTPS redirect, host validation, sessions, CSRF, authentication and the account controls. A load
balancer's probe or Prometheus's scrape then costs no session, no login and no redirect, and is
never shed by admission control.

- ``GET /healthz``: 200 ``{"status": "ok"}`` while the process answers; no database call.
- ``GET /readyz``: 200 or 503 with each check (``health.readiness``).
- ``GET /metrics``: the Prometheus exposition, to loopback clients that did not come through a
  proxy, or with ``Authorization: Bearer <METRICS_TOKEN>``; anyone else 403.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import CoreErrorCode
from yiwang.core.middleware import error_response
from yiwang.core.ops import health, metrics

HEALTHZ, READYZ, METRICS = "/healthz", "/readyz", "/metrics"
PATHS = frozenset({HEALTHZ, READYZ, METRICS})
# Headers a reverse proxy adds: a request carrying one came through the proxy, whatever its
# REMOTE_ADDR (nginx on the same host connects from 127.0.0.1).
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")
NO_STORE = "no-store"


def is_local_client(request: HttpRequest) -> bool:
    """A direct connection from this host (Prometheus or an operator on the server itself)."""
    if any(request.META.get(h) for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def has_monitoring_token(request: HttpRequest) -> bool:
    token = settings.YIWANG_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, given = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def may_read_metrics(request: HttpRequest) -> bool:
    return has_monitoring_token(request) or is_local_client(request)


def healthz(request: HttpRequest) -> HttpResponse:
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = NO_STORE
    return response


def readyz(request: HttpRequest) -> HttpResponse:
    ready, checks = health.readiness()
    response = JsonResponse({"status": "ok" if ready else "failed", "checks": checks}, status=200 if ready else 503)
    response["Cache-Control"] = NO_STORE
    return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_read_metrics(request):
        return error_response(request, 403, CoreErrorCode.PERMISSION_DENIED,
                              _("监控指标仅向本机或持有监控令牌的请求提供。"), {})
    response = HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
    response["Cache-Control"] = NO_STORE
    return response


VIEWS: dict[str, Callable[[HttpRequest], HttpResponse]] = {HEALTHZ: healthz, READYZ: readyz, METRICS: metrics_view}


class OpsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = VIEWS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = error_response(request, 405, CoreErrorCode.VALIDATION_FAILED, _("此地址只接受 GET 请求。"), {})
            response["Allow"] = "GET, HEAD"
            return response
        return view(request)
