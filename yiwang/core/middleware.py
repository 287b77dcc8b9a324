"""Refuse oversize, malformed or unauthorised uploads before Django reads the body, with the JSON
error shape; refuse the NUL character in what a person sends (``NulCharacterMiddleware``).

These run before ``LocaleMiddleware``, so they pick the request's language themselves."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import CoreErrorCode
from yiwang.core.http import signed_in

# Dataset pushes of data sharing (the API endpoint and the steward page's upload form) take files up
# to YIWANG_MAX_DATASET_BYTES; every other request keeps YIWANG_MAX_UPLOAD_BYTES.
DATASET_PUSH_PATH = re.compile(r"^/(?:api/v1/exchange/resources/[^/\x00]+/datasets|work/exchange/resources/[^/\x00]+/)$")
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


# ------------------------------------------------------------------------------ NUL characters

NUL = "\x00"
NUL_MESSAGE = _("提交的内容含有空字符（NUL，\\u0000），无法保存。请删除该字符后重新提交（它常随从其他文件复制的文字带入）。")
# a header is not something a person typed: the advice is for whoever runs the sending program
NUL_HEADER_MESSAGE = _("请求头含有空字符（NUL，\\u0000），无法处理。请检查发出请求的程序或网络设备。")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_JSON_DEPTH = 200  # json.loads bounds nesting by the recursion limit already; the walk stops here
_PLACE_CHARS = 200  # as much of where a NUL was as a refusal names


class NulCharacterMiddleware:
    """Refuses a request carrying the NUL character (U+0000) in what a person sends as text: the
    path, a header's value (gunicorn refuses those itself; other servers and proxies may not), a
    query parameter, a form field (its name too) or an upload's filename, or a string of a JSON
    body (keys too). A 400 ``validation_failed`` naming where, before any view or service runs:
    the API's JSON error, a protocol's own shape (Open311: ``register_error_renderer``), or the
    site's error page for a page.

    Why: PostgreSQL's text and jsonb cannot hold NUL (psycopg refuses the parameter; the request
    was a 500), SQLite can (the same request then stored or matched differently): one answer on
    both, in one place. An upload's *content* may hold NUL bytes (images, PDFs) and is not looked
    at; Django's multipart parser already drops non-printable characters from filenames.

    Last but django-axes in ``MIDDLEWARE`` (innermost), so that its refusal still gets the outer
    middlewares' work (the language, the CSP and frame headers); the dataset push guard, above it,
    refuses a push before its body is read, and so before this reads any form body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        outside = _nul_outside_body(request)
        if outside is not None:
            refusal = _nul_refusal(request, *outside)
            return close_after(request, refusal) if _has_body(request) else refusal  # the body is unread
        content_type = (request.content_type or "").lower()
        if request.method == "POST" and content_type in _FORM_TYPES:
            form_refusal = _form_refusal(request, content_type)
            if form_refusal is not None:
                return form_refusal
        elif content_type == "application/json" or (content_type.startswith("application/")
                                                    and content_type.endswith("+json")):
            in_json = _nul_in_json(request)
            if in_json is not None:
                return _nul_refusal(request, "body", in_json)
        return self.get_response(request)


def _has_body(request: HttpRequest) -> bool:
    return (request.META.get("CONTENT_LENGTH") or "0") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in request.META


def _nul_outside_body(request: HttpRequest) -> tuple[str, str] | None:
    if NUL in request.path_info:
        return "path", ""
    for name, value in request.headers.items():  # the User-Agent goes into the login history, …
        if NUL in value:
            return "header", name
    return _nul_in_query_dict(request.GET, "query")


def _nul_in_query_dict(data: Any, location: str) -> tuple[str, str] | None:
    for key, values in data.lists():
        if NUL in key or any(isinstance(value, str) and NUL in value for value in values):
            return location, key
    return None


def _form_refusal(request: HttpRequest, content_type: str) -> HttpResponse | None:
    """A form's fields and filenames, parsed here (the view reads the same parse). A multipart body
    Django cannot parse gets the answer the view would have given: after a failed parse Django hands
    later readers an empty form, not the error."""
    from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
    from django.http.multipartparser import MultiPartParserError

    try:
        if content_type == "multipart/form-data" and _fits_in_memory(request):
            # read into memory first (parsed from there): whoever reads ``request.body`` after the form
            # still can (the API's JSON endpoints do, to refuse a form with 415); a larger body is
            # streamed to the upload handlers, as the view would have
            request.body  # noqa: B018
        found = _nul_in_query_dict(request.POST, "form")
        if found is None:
            for key, files in request.FILES.lists():
                if NUL in key or any(NUL in (upload.name or "") for upload in files):
                    found = ("file", key)
                    break
    except RequestDataTooBig:
        if content_type != "multipart/form-data":
            return None  # raised again where the view reads the form: its own answer
        # Django counts only a multipart form's text fields against this limit (files have their own):
        # a message naming "the request" beside a 20 MB upload limit read as a contradiction
        return error_response(request, 413, CoreErrorCode.PAYLOAD_TOO_LARGE,
                              _("表单中的文字内容过大：不能超过 %(mb)d MB（上传的文件不计在内）。"),
                              {"limit_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
                              mb=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))
    except (MultiPartParserError, SuspiciousOperation, ValueError, OSError):
        if content_type != "multipart/form-data":
            return None
        return error_response(request, 400, CoreErrorCode.VALIDATION_FAILED,
                              _("上传请求格式不正确（multipart 无法解析），请重新选择文件上传。"), {})
    return _nul_refusal(request, *found) if found is not None else None


def _fits_in_memory(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return False
    return 0 <= length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _nul_in_json(request: HttpRequest) -> str | None:
    """The dotted place of the first string holding NUL in a JSON body, if any. NUL can only come
    from the escape ``\\u0000`` (or a raw NUL byte: not valid JSON text in UTF-8, but UTF-16 and
    UTF-32 bodies hold zero bytes): a body with neither is not parsed here."""
    import json

    try:
        body = request.body
    except Exception:  # too big, or already read: the view meets the same and answers it
        return None
    if b"\\u0000" not in body and b"\x00" not in body:
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        # not JSON, or nested deeper than the interpreter can parse: not this check's answer (a page
        # ignores the body; the API's parser refuses it, yiwang.core.auth.JsonOnlyParser)
        return None
    if isinstance(data, str):
        return "" if NUL in data else None
    # depth first, each container's children taken from an iterator as they are walked: memory in
    # proportion to the nesting, not to the items (a place built for every item of a list, each
    # repeating a long key, was a body's size times its items: terabytes from a 5 MB body)
    frames: list[tuple[Iterator[tuple[str | int, Any]], str, int]] = [(_children(data), "", 0)]
    while frames:
        children, place, depth = frames[-1]
        for step, value in children:
            if isinstance(step, str) and NUL in step:
                return _json_place(place, step)
            if isinstance(value, str):
                if NUL in value:
                    return _json_place(place, step)
            elif depth + 1 < _JSON_DEPTH and isinstance(value, (dict, list)):
                frames.append((_children(value), _json_place(place, step), depth + 1))
                break  # walk it, then go on with this container's next child
        else:
            frames.pop()
    return None


def _children(container: dict[str, Any] | list[Any]) -> Iterator[tuple[str | int, Any]]:
    return iter(container.items()) if isinstance(container, dict) else enumerate(container)


def _json_place(parent: str, step: str | int) -> str:
    """``a.b[2]``, cut to the characters a refusal names (``_nul_refusal``)."""
    if isinstance(step, int):
        return f"{parent}[{step}]"[:_PLACE_CHARS]
    return (f"{parent}.{step}" if parent else step)[:_PLACE_CHARS]


def _nul_refusal(request: HttpRequest, location: str, field: str) -> HttpResponse:
    details = {"location": location, "field": field.replace(NUL, "\\u0000")[:_PLACE_CHARS]}
    message = NUL_HEADER_MESSAGE if location == "header" else NUL_MESSAGE
    path = request.path_info
    if path.startswith("/api/") or any(path.startswith(prefix) for prefix in _ERROR_RENDERERS):
        return error_response(request, 400, CoreErrorCode.VALIDATION_FAILED, message, details)
    from django.shortcuts import render

    from yiwang.core.errors import DomainError

    error = DomainError(CoreErrorCode.VALIDATION_FAILED, str(message), details)
    return render(request, "core/error.html", {"error": error}, status=400)


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
