"""Registration in a real browser (Playwright on Debian's chromium) on a 390 px phone and a desktop,
in Chinese and English: the code is asked for, what was typed survives, the account lands on
我的实名 at L1, and nothing overflows the screen."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from yiwang.testing import factories
from yiwang.testing.browser import VIEWPORTS, record_errors
from yiwang.testing.sender import running_senders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVEL = {"zh-CN": "L1 自我声明", "en-US": "L1 self-declared"}


def last_sms(log: Path, timeout: float = 30.0) -> str:
    """The SMS file's last line, once the sender has written one (a bound, not a speed check)."""
    deadline = time.monotonic() + timeout
    while not (log.exists() and log.read_text(encoding="utf-8").strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return log.read_text(encoding="utf-8").splitlines()[-1]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_person_registers_on_a_phone(live_server, browser, tmp_path, locale, size):  # noqa: F811
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[size])
    page = context.new_page()
    errors = record_errors(page)

    # the notification sender runs beside the site, as under `make run`
    with running_senders():
        # the login page leads to registration
        # (each click below only starts its navigation; the page it leads to is awaited to its load. The
        # form comes back after 获取验证码 under the same id, so waiting for "#register-form" would find the
        # old page's at once and read it, its SMS not yet sent)
        page.goto(f"{live_server.url}/login/")
        with page.expect_navigation(url="**/register/"):
            page.click("a[href='/register/']")
        page.fill("#id_name", "王芳")
        page.fill("#id_id_number", factories.citizen_id("33099919800101123"))
        page.fill("#id_phone", "13912345678")
        with page.expect_navigation(url="**/register/"):
            page.click("#send-code")
        # what was typed is still there after the code was sent
        assert page.input_value("#id_name") == "王芳" and page.input_value("#id_phone") == "13912345678"
        page.screenshot(path=str(shots / f"identity-register-{size}-{locale}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]

        # the SMS, as the phone got it (the demo's file channel), once the sender has sent it
        sms = json.loads(last_sms(tmp_path / "sms.log"))
        assert sms["to"] == "13912345678"
        page.fill("#id_code", re.search(r"\d{6}", sms["body"]).group(0))
        page.fill("#id_password", "Yiwang-Test-2026")
        page.fill("#id_password2", "Yiwang-Test-2026")
        with page.expect_navigation(url="**/me/identity/"):
            page.click("#register")
        assert page.url.endswith("/me/identity/")
        assert page.inner_text("#current-level") == LEVEL[locale]
        page.screenshot(path=str(shots / f"identity-me-{size}-{locale}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    assert not errors, errors
    context.close()
