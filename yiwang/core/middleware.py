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
from yiwang.core.http import signed_in

# Dataset pushes of data sharing (the API endpoint and the steward page's upload form) take files up
# to YIWANG_MAX_DATASET_BYTES; every other request keeps YIWANG_MAX_UPLOAD_BYTES.
DATASET_PUSH_PATH = re.compile(r"^/(?:api/v1/exchange/resources/[^/]+/datasets|work/exchange/resources/[^/]+/)$")
ENVELOPE = 64 * 1024  # room for the multipart envelope

# A protocol with an error shape of its own (Open311's ``[{"code", "description"}]``): the app that
# serves it registers a renderer for its path prefix in its AppConfig.ready, and these middlewares'
# refusals on those paths keep their status and message but take that shape.
ErrorRenderer = Callable[[HttpRequest, int, str], HttpResponse]
_ERROR_RENDERERS: dict[str, ErrorRenderer] = {}


def register_error_renderer(path_prefix: str, renderer: ErrorRenderer) -> None:
    """Refusals of requests whose path starts with ``path_prefix`` are drawn by ``renderer(request,
    status, message)`` instead of the core JSON shape."""
    if not path_prefix.startswith("/"):
        raise ValueError("path_prefix must start with /")
    _ERROR_RENDERERS[path_prefix] = renderer


class UploadSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return error_response(request, 400, CoreErrorCode.VALIDATION_FAILED, _("请求头 Content-Length 无效。"), {})
        dataset = request.method == "POST" and DATASET_PUSH_PATH.match(request.path_info) is not None
        limit = settings.YIWANG_MAX_DATASET_BYTES if dataset else settings.YIWANG_MAX_UPLOAD_BYTES
        if length > limit + ENVELOPE:
            message = _("数据文件过大：单个数据集文件不能超过 %(mb)d MB。") if dataset else _("文件过大：单个文件不能超过 %(mb)d MB。")
            response = error_response(
                request, 413, CoreErrorCode.PAYLOAD_TOO_LARGE, message,
                {"limit_bytes": limit, "content_length": length}, mb=limit // (1024 * 1024),
            )
            close_after(request, response)
            return response
        if not dataset and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and not _is_multipart(request):
            # A JSON or form body is read into memory whole; Django would refuse it only after
            # reading (RequestDataTooBig), and the API turned that into a 500.
            response = error_response(
                request, 413, CoreErrorCode.PAYLOAD_TOO_LARGE, _("请求内容过大：不能超过 %(mb)d MB。"),
                {"limit_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "content_length": length},
                mb=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            )
            close_after(request, response)
            return response
        return self.get_response(request)


def close_after(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Ask the server to close the connection after a refusal whose body was not read, so that the
    unread body is never taken as the next request (gunicorn honours ``Connection: close``).

    Not under wsgiref (``runserver``, the test live server): PEP 3333 forbids hop-by-hop headers
    and wsgiref asserts it, which turned the refusal into a 500; Django's dev server reads and
    discards the unread body itself."""
    if not str(request.META.get("SERVER_SOFTWARE", "")).startswith("WSGIServer/"):
        response["Connection"] = "close"
    return response


def _is_multipart(request: HttpRequest) -> bool:
    return (request.META.get("CONTENT_TYPE") or "").lower().startswith("multipart/")


def error_response(request: HttpRequest, status: int, error_code: str, message: Any, details: dict, **params: Any) -> HttpResponse:
    with translation.override(translation.get_language_from_request(request)):
        text = str(message) % params if params else str(message)
        for prefix, renderer in _ERROR_RENDERERS.items():
            if request.path_info.startswith(prefix):
                return renderer(request, status, text)
    return JsonResponse({"code": error_code, "message": text, "details": details}, status=status,
                        json_dumps_params={"ensure_ascii": False})


# ------------------------------------------------------------------------------ account controls

AUTH_AT, SEEN_AT = "yiwang_auth_at", "yiwang_seen_at"
SEEN_RESOLUTION = 60  # seconds: the last-seen time is written at most once a minute, not on every request
# Paths a signed-in person needing a second step (enrol or verify a second factor, change an
# expired password) may still open; everything else leads them to that step.
OPEN_PREFIXES = ("/account/otp/", "/logout/", "/login/", "/static/", "/i18n/", "/favicon")


def start_session_clock(request: HttpRequest) -> None:
    """Called on every sign-in: the session's absolute lifetime counts from here."""
    now = _now()
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


def _now() -> float:
    from django.utils import timezone

    return timezone.now().timestamp()


def session_timed_out(request: HttpRequest) -> str | None:
    """``"idle"`` or ``"absolute"`` when the signed-in session has lasted too long, else None.

    Staff and administrators: YIWANG_STAFF_SESSION_IDLE_MINUTES without a request, or
    YIWANG_STAFF_SESSION_MAX_HOURS after signing in; everyone else YIWANG_SESSION_MAX_HOURS."""
    from yiwang.core.permissions import has_staff_controls

    session = request.session
    now = _now()
    auth_at = session.get(AUTH_AT)
    if not isinstance(auth_at, (int, float)):
        start_session_clock(request)  # a session from before these controls: its clock starts now
        return None
    seen_at = session.get(SEEN_AT, auth_at)
    if has_staff_controls(signed_in(request)):
        if now - seen_at > settings.YIWANG_STAFF_SESSION_IDLE_MINUTES * 60:
            return "idle"
        if now - auth_at > settings.YIWANG_STAFF_SESSION_MAX_HOURS * 3600:
            return "absolute"
    elif now - auth_at > settings.YIWANG_SESSION_MAX_HOURS * 3600:
        return "absolute"
    if now - seen_at >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return None


class AccountControlsMiddleware:
    """Signs out sessions past their idle or absolute timeout (to the login page, which says why),
    and leads a signed-in staff member to the step their login still needs: enrolling or entering
    a second factor, or replacing an expired password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            reason = session_timed_out(request)
            if reason:
                from django.contrib.auth import logout

                logout(request)
                if not request.path_info.startswith("/api/"):
                    return _to(request, "core:login", reason=reason)
            elif not request.path_info.startswith(("/api/", *OPEN_PREFIXES)):
                step = _pending_step(request)
                if step:
                    return _to(request, step)
        return self.get_response(request)


def _pending_step(request: HttpRequest) -> str | None:
    from yiwang.core.permissions import has_otp_device, has_staff_controls, session_is_fully_signed_in
    from yiwang.core.selectors import password_expired

    user = signed_in(request)  # called for a signed-in session only
    if not session_is_fully_signed_in(request):
        return "core:otp_verify" if has_otp_device(user) else "core:otp_enrol"
    if request.path_info != "/account/password/" and has_staff_controls(user) and password_expired(user):
        return "core:password_change"
    return None


def _to(request: HttpRequest, name: str, **params: str) -> HttpResponse:
    from urllib.parse import urlencode

    from django.http import HttpResponseRedirect
    from django.urls import reverse

    query = {"next": request.get_full_path(), **params}
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode(query)}")


class SiteNotFoundMiddleware:
    """A page that does not exist gets the site's own 404 page (``404.html``), also with DEBUG on.

    Without DEBUG, Django's ``page_not_found`` renders ``404.html`` by itself. With DEBUG (as in
    ``make run``'s demo) Django shows its technical page instead, which lists the URL patterns and
    the exception: a demo visitor must see what a citizen would. The API keeps its JSON 404
    (yiwang/api.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # a URL that no pattern matched: Django turned Resolver404 into its technical page
        if (settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None
                and not request.path_info.startswith("/api/")):
            return _not_found_page(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import Http404

        if isinstance(exception, Http404) and not request.path_info.startswith("/api/"):
            return _not_found_page(request)
        return None


def _not_found_page(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    return render(request, "404.html", {"request_path": request.path}, status=404)
