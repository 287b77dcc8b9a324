"""The views the operations tests need (this URLconf replaces the site's in those tests; core's
tests may not import the site's URLconf, which imports the apps above core): one that holds its
request until the test lets it go (admission control), one that enqueues a background task
(request ids), one that fails."""

from __future__ import annotations

import logging
import threading

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django_tasks import task

from yiwang.core.ops.requestid import current_request_id

# How long a held request waits at most for the test to let it go: a guard against a broken test
# leaving threads behind, never reached by a test that passes (the fixture lets every held one go).
HANG_GUARD = 120.0
release = threading.Event()
entered = threading.Semaphore(0)
seen_by_tasks: list[str | None] = []
logger = logging.getLogger("yiwang.tests.ops")
_holding = 0
_holding_lock = threading.Lock()


def holding() -> int:
    """How many requests are inside the held view now (entered, not yet let go)."""
    with _holding_lock:
        return _holding


def held(request: HttpRequest) -> HttpResponse:
    global _holding
    with _holding_lock:
        _holding += 1
    entered.release()
    try:
        release.wait(timeout=HANG_GUARD)
    finally:
        with _holding_lock:
            _holding -= 1
    return HttpResponse("done")


@task()
def note_request_id() -> None:
    seen_by_tasks.append(current_request_id())
    logger.warning("task ran")


def enqueue(request: HttpRequest) -> HttpResponse:
    logger.warning("enqueueing")
    note_request_id.enqueue()
    return HttpResponse("queued")


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("ops-test/held/", held, name="ops_test_held"),
    path("ops-test/enqueue/", enqueue, name="ops_test_enqueue"),
    path("ops-test/broken/", broken, name="ops_test_broken"),
    path("ops-test/ok/", ok, name="ops_test_ok"),
]
