"""The REST API root (``/api/v1/``): authentication, the error shape, and each app's router.

Every error is ``{"code", "message", "details"}`` with a 4xx status, in the request's language.
"""

from __future__ import annotations

import json
import logging

import pydantic
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from yiwang.core.auth import API_AUTH, JsonOnlyParser
from yiwang.core.errors import CoreErrorCode, DomainError
from yiwang.core.middleware import NUL_MESSAGE
from yiwang.core.ops.unavailable import database_unavailable_response, is_transient_database_error

logger = logging.getLogger(__name__)


class LocalSwagger(Swagger):
    """Swagger UI served from the site's own static files (``static/vendor/swagger-ui``).

    ninja renders its CDN page unless ``ninja`` is an installed app; government networks are
    closed and the CSP allows no other host, so the page is ours: the npm ``swagger-ui-dist``
    copied by the Makefile, started by ``static/js/api-docs.js``.
    """

    template = "core/api_docs.html"
    # validatorUrl: Swagger UI would otherwise ask validator.swagger.io about the schema.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: object) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings), "api": api, "add_csrf": True}
        return render(request, self.template, context)


api = NinjaAPI(
    title="Yiwang API",
    # the contract's revision within /api/v1/ (docs/api.md, "Changes to the v1 contract"): 1.1 since
    # the case actions answer a compact result (issue #14)
    version="1.1",
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    # Bearer tokens, or the browser session with its CSRF check (yiwang.core.auth, one module for
    # every router); JSON bodies only as application/json.
    auth=API_AUTH,
    parser=JsonOnlyParser(),
    description="一网通办 REST API. Obtain a token with POST /api/v1/auth/token and send it as "
    "`Authorization: Bearer <token>`.",
)


def _error(request: HttpRequest, status: int, code: str, message: str, details: object = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        fields.append({"field": ".".join(loc), "problem": err.get("msg", "")})
    return _error(request, 422, CoreErrorCode.VALIDATION_FAILED, _("请求内容不符合要求，请检查标出的字段。"), {"fields": fields})


@api.exception_handler(pydantic.ValidationError)
def on_schema_error(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
    # A schema built inside a view from query parameters (e.g. the gateway's GET lookup) refuses
    # bad input with pydantic's own error: the same 422 as input ninja validated itself.
    # ninja's error takes plain dicts; pydantic's details are TypedDicts of the same keys
    errors = [dict(error) for error in exc.errors(include_url=False, include_context=False)]
    return on_validation_error(request, ValidationError(errors))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, CoreErrorCode.NOT_AUTHENTICATED, _("请先登录：缺少或无效的访问令牌。"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, CoreErrorCode.NOT_FOUND, _("请求的资源不存在。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps whatever the body parser raises in a 400; a coded refusal (415 for a body that is
    # not JSON) keeps its own status and code.
    if isinstance(exc.__cause__, DomainError):
        return on_domain_error(request, exc.__cause__)
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _error(request, 400, CoreErrorCode.VALIDATION_FAILED, _("上传请求格式不正确（multipart 无法解析），请重新选择文件上传。"))


def _is_nul_in_text(exc: Exception) -> bool:
    """psycopg's refusal of a NUL character in a text parameter (PostgreSQL's text cannot hold it),
    before anything was written. A safety net: ``NulCharacterMiddleware`` refuses NUL in the path,
    the query, form fields and JSON strings before any view runs; what it does not look at (text
    read from an upload's content, a header) would otherwise be a 500 here."""
    from django.db import DataError

    return isinstance(exc, (DataError, ValueError)) and "NUL (0x00)" in str(exc)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_transient_database_error(exc):  # a failover or a deadlock broken by the database: retry later
        return database_unavailable_response(request, exc)
    if _is_nul_in_text(exc):
        # the request check missed this input: logged so that it is found and checked at the boundary
        logger.warning("A NUL character reached the database past NulCharacterMiddleware: %s", exc)
        return _error(request, 400, CoreErrorCode.VALIDATION_FAILED, str(NUL_MESSAGE))
    logger.exception("Unhandled error in API")
    return _error(request, 500, "internal_error", _("系统内部错误，已记录，请稍后再试。"))


from yiwang.cases.api import router as cases_router  # noqa: E402
from yiwang.catalog.api import router as catalog_router  # noqa: E402
from yiwang.core.api import router as core_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/", catalog_router)
api.add_router("/", cases_router)
api.add_router("/", "yiwang.ledger.api.router")
api.add_router("/", "yiwang.intelligence.api.router")
api.add_router("/", "yiwang.exchange.api.router")
api.add_router("/", "yiwang.credit.api.router")
api.add_router("/", "yiwang.core.notifications_api.router")
api.add_router("/", "yiwang.cases.documents_api.router")
api.add_router("/", "yiwang.identity.api.router")
api.add_router("/", "yiwang.licenses.api.router")
api.add_router("/", "yiwang.appeals.api.router")
api.add_router("/", "yiwang.evaluation.api.router")
api.add_router("/", "yiwang.insights.api.router")
api.add_router("/", "yiwang.programme.api.router")
