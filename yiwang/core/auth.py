"""How the REST API knows who is calling: the one module every router uses.

- ``BearerToken``: ``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token`` (other systems,
  scripts). A browser never sends this header on its own, so a cross-site page cannot forge it.
- ``BrowserSession``: the workbench's and portal's own session cookie, accepted only with Django's
  CSRF check on unsafe methods (the ``X-CSRFToken`` header or ``csrfmiddlewaretoken`` field must
  match the ``csrftoken`` cookie, and the ``Origin``/``Referer`` must be this site). Without that
  check, any page the user visits could submit a form that acts under their session.
- ``JsonOnlyParser``: JSON bodies only as ``application/json``. A cross-site HTML form can send
  ``text/plain`` without a CORS preflight; parsing that as JSON is how the forged approval got in.
  Multipart endpoints (file uploads) read ``request.FILES`` and never reach this parser.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from yiwang.core.errors import CoreErrorCode, DomainError, Forbidden
from yiwang.core.services import user_for_token
from yiwang.core.users import User

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """ninja's ``SessionAuth`` (``APIKeyCookie(csrf=True)``): Django's CsrfViewMiddleware logic on
    every request it authenticates; safe methods pass that check by Django's own rule. A failed check
    answers 403 in the error shape instead of ninja's bare English text."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: nothing to check (and no CSRF error for a caller without one; the
        # other authenticators, or the 401, answer them).
        if self.param_name not in request.COOKIES:
            return None
        from ninja.utils import check_csrf

        if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden(
                CoreErrorCode.CSRF_FAILED,
                _("请求来源校验（CSRF）未通过：请从本站页面重新操作；其他系统请使用访问令牌（Bearer）调用接口。"),
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        # The session counts only once its login is complete: a staff member who still owes the
        # second factor is not signed in for the API either.
        if key is None:
            return None
        from yiwang.core.permissions import session_is_fully_signed_in

        user = getattr(request, "user", None)  # a lazy object that passes isinstance as the account it wraps
        if not isinstance(user, User) or not session_is_fully_signed_in(request):
            return None  # AnonymousUser (no session) or no auth middleware
        return user


class JsonOnlyParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        content_type = (request.content_type or "").lower()
        if content_type != "application/json" and not (
            content_type.startswith("application/") and content_type.endswith("+json")
        ):
            raise DomainError(
                CoreErrorCode.UNSUPPORTED_MEDIA_TYPE,
                _("请求体须为 JSON（Content-Type: application/json）。"),
                {"content_type": request.content_type or ""},
                status=415,
            )
        data = json.loads(request.body)
        if not _storable(data):
            raise DomainError(
                CoreErrorCode.VALIDATION_FAILED,
                _("请求内容含有无法保存的字符（不成对的代理项，如 \\ud800），请检查后重新提交。"),
                {},
                status=422,
            )
        return data


def _storable(value: Any, depth: int = 0) -> bool:
    """Whether every string in a parsed JSON body can be stored as text: a lone surrogate
    (``"\\ud800"``, valid JSON) is not UTF-8. Checked once here, so that no endpoint answers 500
    when such a value reaches the database. (The NUL character, which PostgreSQL refuses in text and
    jsonb, never gets here: ``core.middleware.NulCharacterMiddleware`` refuses it in every request.)"""
    if depth > 200:
        return True  # json.loads already bounds nesting by the recursion limit; stop walking
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k, depth + 1) and _storable(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v, depth + 1) for v in value)
    return True


class Anonymous:
    """The last authenticator of a public endpoint whose answer depends on who asks (an item's
    guide says which materials *this* applicant need not upload): a caller with no credentials is
    anonymous; one who sends an ``Authorization`` header that the bearer check refused gets the
    401, never a silent anonymous answer they would take for theirs."""

    def __call__(self, request: HttpRequest) -> User | AnonymousUser | None:
        if request.headers.get("Authorization"):
            return None
        return AnonymousUser()


# The authenticators of the API's routers, in the order they are tried.
API_AUTH = [BearerToken(), BrowserSession()]
# Public endpoints that answer a signed-in caller for them (``request.auth``: the user, or anonymous).
PUBLIC_OR_SIGNED_IN = [*API_AUTH, Anonymous()]
