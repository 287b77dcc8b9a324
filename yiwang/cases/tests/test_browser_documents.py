"""In a real browser (Playwright on Debian's chromium), at desktop and phone width, in Chinese and
English: the citizen sees the unread count in the header, opens the message, downloads the decision
letter, and the clerk opens the printable receipt."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.cases import services
from yiwang.cases.models import CaseDocument, CaseStep, DocumentKind, StepStatus
from yiwang.testing import case_factories
from yiwang.testing.browser import VIEWPORTS, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"zh": ("zh-CN", "消息", "查看办件", "准予行政许可决定书"),
           "en": ("en-US", "Messages", "Open case", "Decision granting the administrative licence")}


def sign_in(browser, base, username, *, locale, viewport):  # noqa: F811
    context = browser.new_context(locale=locale, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    sign_in_on(page, base, username)
    return page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_citizen_sees_unread_count_and_downloads_the_decision_letter(world, live_server, browser, tmp_path,  # noqa: F811
                                                                   lang, size):
    # given an approved case: accepted, reviewed, decided (two notices for the citizen)
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    for actor, name in ((world.reviewer, "审查"), (world.decider, "决定")):
        step = CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)
        services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve", comment="符合条件")
    letter = CaseDocument.objects.get(case=case, kind=DocumentKind.APPROVAL_DECISION)
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    locale, messages_label, open_label, letter_name = LOCALES[lang]
    base = live_server.url

    # when the citizen signs in, the header shows two unread messages on every page
    page = sign_in(browser, base, "citizen", locale=locale, viewport=VIEWPORTS[size])
    # (我的办件 itself overflows a phone today, issue 16 item 10, another piece of work: the width check
    # below is on the home page, whose header carries the count)
    for path in ("/me/cases/", "/"):
        page.goto(f"{base}{path}")
        assert page.inner_text("#unread-count").strip() == "2"
        assert page.is_visible("#unread-count")
    assert messages_label in page.inner_text("#messages-link")
    assert no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"notices-{lang}-{size}-1-header.png"))

    # and the message list shows the decision, which opens the case
    # (a click only starts the navigation: wait for the new page to load before reading it, or the
    # read races the old page or an unstyled new one — seen in CI on a loaded machine)
    with page.expect_navigation(url="**/me/messages/"):
        page.click("#messages-link")
    expect(page.locator("#messages .notice.unread")).to_have_count(2)
    assert no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"notices-{lang}-{size}-2-messages.png"), full_page=True)
    page.locator("#messages .notice").first.get_by_role("button", name=open_label).click()
    page.wait_for_url(f"**/me/cases/{case.number}/")
    assert page.inner_text("#unread-count").strip() == "1"

    # then the decision letter downloads from the case page, byte for byte what was signed
    link = page.locator("#documents a.document-link[data-kind=approval_decision]")
    assert letter_name in link.inner_text()
    # the documents card fits the screen (the case body's steps table overflows a phone in English:
    # issue 16 item 10, _case_body.html, another piece of work)
    assert page.evaluate("document.querySelector('#documents').getBoundingClientRect().right <= window.innerWidth")
    page.locator("#documents").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"notices-{lang}-{size}-3-documents.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == letter.sha256

    # and the printable receipt opens without the site's navigation
    with page.expect_navigation(url="**/receipts/acceptance_receipt/"):
        page.click("#print-acceptance_receipt")
    page.wait_for_selector("#receipt")
    assert page.locator("header.top").count() == 0 and page.is_visible("#print-button")
    assert no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"notices-{lang}-{size}-4-receipt.png"), full_page=True)
    page.context.close()

    # and anyone with the number and query code sees the status, and nothing about the person
    case.refresh_from_db()
    public = browser.new_context(locale=locale, viewport=VIEWPORTS[size]).new_page()
    public.goto(f"{base}/progress/?n={case.number}&c={case.query_code}")
    assert public.is_visible("#progress-status") and world.applicant.name not in public.content()
    assert no_sideways_scroll(public)
    public.screenshot(path=str(shots / f"notices-{lang}-{size}-5-progress.png"), full_page=True)
    public.context.close()
