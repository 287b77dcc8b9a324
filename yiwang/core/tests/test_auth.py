"""The API's one auth module (``yiwang.core.auth``) as a browser and another site meet it."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.testing import factories
from yiwang.testing.http import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def password_only_sign_in(settings):
    # Demo mode: staff sign in without a second factor here; test_otp.py covers enforcement.
    settings.YIWANG_DEMO_MODE = True


def browser(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")
    return client, client.cookies["csrftoken"].value


def test_every_page_gives_htmx_the_csrf_token_to_send():
    user = factories.user("steward", GA="steward")
    client, token = browser(user)
    html = client.get("/account/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    # the masked token in the page is accepted by the API as the header
    masked = html.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    response = client.post("/api/v1/auth/tokens/revoke", {}, content_type="application/json", HTTP_X_CSRFTOKEN=masked)
    assert response.status_code == 200, response.content


def test_a_request_from_another_origin_is_refused_even_with_a_token():
    user = factories.user("steward", GA="steward")
    client, token = browser(user)
    response = client.post("/api/v1/auth/tokens/revoke", {}, content_type="application/json",
                           HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN="https://evil.example")
    assert_error(response, 403, "csrf_failed")


def test_json_media_types_with_a_suffix_are_json():
    user = factories.user("steward", GA="steward")
    client, token = browser(user)
    response = client.post("/api/v1/auth/tokens/revoke", "{}", content_type="application/merge-patch+json",
                           HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_the_token_endpoint_takes_json_only(content_type):
    factories.user("steward", GA="steward")
    response = Client().post("/api/v1/auth/token", "username=steward&password=pw-steward", content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("text, status, shown", [("steward\u0000", 400, "\\u0000"), ("steward\ud800", 422, "\\ud800")],
                         ids=["nul", "lone-surrogate"])
def test_a_json_body_with_text_no_database_can_store_is_refused_before_any_endpoint_sees_it(text, status, shown):
    # given a value that PostgreSQL refuses in text and jsonb (found by the fuzz test: a 500 when
    # the gateway logged the requested fields), sent as valid JSON
    import json

    body = json.dumps({"username": text, "password": "pw-steward"})
    # when it reaches any JSON endpoint
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    # then it is a 4xx that says why, not a 500 and not a login attempt (a NUL: 400, refused with the
    # request, core.middleware; a lone surrogate: 422, by the JSON parser, core.auth)
    assert_error(response, status, "validation_failed")
    assert shown in response.json()["message"]
