"""Helpers for the Playwright (browser) tests.

Waiting, in one sentence: a click (or a key press) that submits a form or follows a link only
*starts* a navigation, so whatever the test reads next must wait for the page it means. Wrap the
action in ``with page.expect_navigation(url=...)`` (it returns once that page has fired ``load``:
its DOM parsed, its stylesheets applied, its scripts run), and read with Playwright's retrying
``expect(locator).to_have_count / to_have_text / to_contain_text / to_be_visible``, not with
one-shot reads (``count()``, ``inner_text``, ``is_visible``, ``page.url``, ``page.evaluate``) that
race the old page or a half-loaded new one. ``wait_for_load_state()`` right after a click is no
wait at all: if the navigation has not begun, the old page is already loaded. On a loaded CI
machine each of these races failed."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.db import connections

CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def listen(page: Any, event: str, handler: Callable[[Any], Any]) -> None:
    """``page.on(event, handler)``, in force before the test's next action.

    Playwright delivers some events (``console``, ``dialog``, ``request``, ``response``,
    ``requestfinished``, ``requestfailed``, ``filechooser``) only once the page has subscribed to
    them, and it subscribes without waiting for the answer (fire and forget): an action sent right
    after could start first and its events be lost, a failed request or a console message the test
    means to catch. So after subscribing, one round trip through the page: the server takes a
    subscription before it runs any command sent after it, so once the round trip is answered the
    subscription is on. A file chooser's subscription also waits for the browser itself: subscribe
    to it when the page is made, long before any chooser opens (``test_browser_accessibility``)."""
    page.on(event, handler)
    page.evaluate("0")


def sign_in_on(page: Any, base: str, username: str) -> None:
    """Sign ``username`` in (the test password ``pw-<username>``) on ``page``; returns once the
    page they land on has loaded, and fails at once if the sign-in page came back instead."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    # where a person lands depends on their roles (core.views.landing_url): wait for whichever
    # page the POST's redirect leads to, then check it is not the sign-in page again
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert urlsplit(page.url).path != "/login/", f"{username} was not signed in: {page.url}"


def record_errors(page: Any, *, expected: Callable[[str], bool] = lambda url: False) -> list[str]:
    """The page's uncaught script errors and its failed requests (HTTP status 400 and above), as
    they happen. The browser asks for /favicon.ico by itself; every other failed request is a defect,
    but those whose URL ``expected`` accepts (a test that opens a page meant to answer 404)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    listen(page, "response", lambda r: errors.append(f"{r.status} {r.url}")
           if r.status >= 400 and not r.url.endswith("/favicon.ico") and not expected(r.url) else None)
    return errors


def sign_in(browser: Any, base: str, username: str, *, locale: str, viewport: dict[str, int],
            **context_options: Any) -> tuple[Any, list[str]]:
    """A new browser context (``locale``, ``viewport``, and any other context options) with
    ``username`` signed in: its page, on the landing page, and the list its errors go to
    (``record_errors``)."""
    page = browser.new_context(locale=locale, viewport=viewport, **context_options).new_page()
    errors = record_errors(page)
    sign_in_on(page, base, username)
    return page, errors


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright's sync API, for one test.

    The sync API runs an event loop in this thread, so while it runs Django keeps this thread's
    database connections in asgiref's async (context-variable) storage, not in the thread's own:
    an ORM call the test makes meanwhile opens a second connection, which nothing else ever closes
    (pytest-django's teardown, after the loop has stopped, sees only the thread's own). Left open,
    PostgreSQL refused to drop the test database at the end of the session ("being accessed by
    other users"). They are closed here, while the loop still runs and that storage is visible."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        try:
            yield b
        finally:
            b.close()
            connections.close_all()


def launched() -> Iterator[Any]:
    """The ``browser`` fixture's body (``yiwang/conftest.py``): Debian's chromium for one test."""
    if not os.path.exists(CHROMIUM):
        import pytest

        pytest.fail("Debian's chromium is missing: run `make browser-deps` (apt-get install chromium).")
    with chromium() as b:
        yield b
