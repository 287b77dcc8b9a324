"""A transient database error (a failover, PgBouncer restarting) is answered 503 with Retry-After
and a message a person can act on, not a 500 (yiwang/core/ops/unavailable.py); other errors stay
a 500. The failover drill saw 500s before this (docs/benchmarks.md, "Production: database failover")."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, InternalError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

LOST = OperationalError("server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally")


def _client() -> Client:
    client = Client(raise_request_exception=False)  # answer as a server would, not re-raise
    client.cookies["sessionid"] = "s" * 32  # the session middleware reads its row: the first read to fail
    return client


def test_a_page_whose_session_read_loses_the_database_says_when_to_retry(caplog):
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=LOST), \
            caplog.at_level(logging.INFO):
        page = _client().get("/")
        english = _client().get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 503 and page["Retry-After"] == "5" and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert "服务暂时不可用" in text and "我的办件" in text and "5 秒后重试" in text
    assert english.status_code == 503 and "temporarily unavailable" in english.content.decode()
    warnings = [r for r in caplog.records if r.name == "yiwang.core.ops.unavailable"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    assert "OperationalError" in warnings[0].getMessage() and "server closed the connection" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("error", [LOST, InterfaceError("connection already closed"),
                                   InternalError("received 2 results from command 'BEGIN'")])
def test_an_api_call_that_loses_the_database_gets_503_with_the_idempotency_advice(error, settings):
    settings.YIWANG_DATABASE_RETRY_AFTER_SECONDS = 7
    with mock.patch("yiwang.core.auth.user_for_token", side_effect=error):
        response = _client().get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer t", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and response["Retry-After"] == "7"
    body = response.json()
    assert body["code"] == "database_unavailable" and body["details"] == {"retry_after_seconds": 7}
    assert "7 seconds" in body["message"] and "Idempotency-Key" in body["message"]


def test_any_other_unexpected_error_is_still_a_500():
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=ValueError("a bug")):
        page = _client().get("/")
    with mock.patch("yiwang.core.auth.user_for_token", side_effect=ValueError("a bug")):
        api = _client().get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer t")
    assert page.status_code == 500 and "Retry-After" not in page
    assert api.status_code == 500 and api.json()["code"] == "internal_error"
