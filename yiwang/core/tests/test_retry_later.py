"""Both "try again later" answers — a worker over its bound (admission.py) and the database out of
reach (unavailable.py) — have one shape (retry_later.py): 503, Retry-After, never cached, the API's
JSON error or a page in the person's language, logged once at WARNING and not again by Django."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from yiwang.core.ops.admission import overloaded_response
from yiwang.core.ops.unavailable import database_unavailable_response

ANSWERS = {
    "overloaded": lambda request: overloaded_response(request),
    "database": lambda request: database_unavailable_response(request, OperationalError("connection refused")),
}


@pytest.mark.parametrize("answer", sorted(ANSWERS))
@pytest.mark.parametrize("path", ["/api/v1/cases", "/workbench/"])
def test_every_retry_later_answer_is_a_503_never_cached_and_logged_once_as_a_warning(answer, path, settings, caplog):
    settings.YIWANG_ADMISSION_RETRY_AFTER_SECONDS = settings.YIWANG_DATABASE_RETRY_AFTER_SECONDS = 9
    request = RequestFactory().get(path, HTTP_ACCEPT_LANGUAGE="en", HTTP_X_REQUEST_ID="f" * 32)
    request.request_id = "f" * 32
    with caplog.at_level(logging.INFO):
        response = ANSWERS[answer](request)

    assert response.status_code == 503 and response["Retry-After"] == "9" and response["Cache-Control"] == "no-store"
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json") and "9 seconds" in json.loads(response.content)["message"]
    else:
        page = response.content.decode()
        assert response["Content-Type"].startswith("text/html") and '<html lang="en">' in page
        assert "9 seconds" in page and "Try again" in page
    assert [(r.levelno, r.request_id) for r in caplog.records] == [(logging.WARNING, "f" * 32)]
    assert response._has_been_logged  # Django's log_response writes no ERROR line for it
