"""Helpers for the Playwright (browser) tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


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
