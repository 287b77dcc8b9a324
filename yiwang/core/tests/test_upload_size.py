"""core's upload-size middleware: the refusal's shape can be given to a protocol's paths by the app
that serves them, and the refusal never breaks a WSGI server that enforces PEP 3333."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory

from yiwang.core import middleware
from yiwang.core.middleware import UploadSizeLimitMiddleware, register_error_renderer

TEN_MB = str(10 * 1024 * 1024)


def _never_reached(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the view must not be reached")


@pytest.fixture
def protocol_shape(monkeypatch):
    monkeypatch.setattr(middleware, "_ERROR_RENDERERS", {})

    def shaped(request, status, message):
        return JsonResponse({"fault": status, "text": message}, status=status)

    register_error_renderer("/proto/", shaped)


def test_a_registered_prefix_gets_its_own_shape_with_the_same_status_and_message(protocol_shape):
    request = RequestFactory().post("/proto/x.json", b"", content_type="application/x-www-form-urlencoded",
                                    CONTENT_LENGTH=TEN_MB)
    response = UploadSizeLimitMiddleware(_never_reached)(request)
    assert response.status_code == 413
    body = json.loads(response.content)
    assert body["fault"] == 413 and "5 MB" in body["text"]


def test_other_paths_keep_the_core_shape(protocol_shape):
    request = RequestFactory().post("/elsewhere/proto/", b"", content_type="application/json", CONTENT_LENGTH=TEN_MB)
    response = UploadSizeLimitMiddleware(_never_reached)(request)
    assert response.status_code == 413 and json.loads(response.content)["code"] == "payload_too_large"


def test_a_prefix_must_be_a_path():
    with pytest.raises(ValueError):
        register_error_renderer("proto/", lambda request, status, message: HttpResponse(status=status))


@pytest.mark.parametrize("server, closes", [("gunicorn/23.0.0", True), ("", True),
                                            ("WSGIServer/0.2 CPython/3.11.7", False)])
def test_the_connection_is_closed_where_the_server_allows_the_header(server, closes):
    # wsgiref (runserver, the live test server) asserts PEP 3333's ban on hop-by-hop headers
    request = RequestFactory().post("/x/", b"", content_type="application/json", CONTENT_LENGTH=TEN_MB,
                                    SERVER_SOFTWARE=server)
    response = UploadSizeLimitMiddleware(_never_reached)(request)
    assert response.status_code == 413
    assert (response.get("Connection") == "close") is closes
