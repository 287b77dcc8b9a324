"""The licence wallet (我的证照) and the public verification page in a real browser (Playwright on
Debian's chromium), on a desktop and a 390 px phone, in Chinese and English, with axe-core: the
holder lists and opens a licence, creates a share link, sees who opened it, withdraws it; anyone
opening a QR code or a link is told valid / revoked / expired / not yet valid / altered / unknown.

Here rather than in ``licenses/tests`` because the shared chromium fixture lives in ``cases``
(a lower app's tests never import a higher one)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yiwang.cases.tests.test_browser_accessibility import assert_accessible
from yiwang.core.models import Department
from yiwang.licenses import services
from yiwang.licenses.models import LicenceType, LicenceVerification, ShareLink
from yiwang.testing.browser import VIEWPORTS, record_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANG = {"zh-CN": "zh", "en-US": "en"}
TEXT = {
    "zh-CN": {"wallet": "我的证照", "name": "食品经营许可证", "shop": "店名", "create": "生成链接", "created": "已生成核验链接",
              "withdraw": "撤回", "withdrawn": "已撤回分享链接", "anonymous": "匿名（未登录）", "share_link": "分享链接",
              "verify": "电子证照核验"},
    "en-US": {"wallet": "My licences", "name": "Food business licence", "shop": "Shop name", "create": "Create link",
              "created": "Verification link created", "withdraw": "Withdraw", "withdrawn": "Share link withdrawn",
              "anonymous": "Anonymous (not signed in)", "share_link": "Share link", "verify": "Licence verification"},
}


def a_county_library(library):
    """Real department names (both languages) and the type's English names, as the demo has them."""
    Department.objects.filter(code="SCJG").update(name="某县市场监督管理局", name_en="County Market Supervision Bureau")
    LicenceType.objects.filter(pk=library.licence_type.pk).update(
        name_en="Food business licence",
        fields=[{"key": "shop_name", "label": "店名", "label_en": "Shop name"},
                {"key": "scope", "label": "经营项目", "label_en": "Business items"}])
    library.licence_type.refresh_from_db()


def shots_dir(tmp_path) -> Path:
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def fits(page, size: str) -> None:
    """Nothing sticks out sideways (a phone would scroll the page horizontally); names what does."""
    width = VIEWPORTS[size]["width"]
    wide = page.evaluate("""(w) => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60))""", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, wide)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_holder_lists_views_shares_sees_who_verified_and_withdraws(library, live_server, browser, tmp_path,  # noqa: F811
                                                                       locale, size):
    shots, text, lang = shots_dir(tmp_path), TEXT[locale], LANG[locale]
    a_county_library(library)
    licence = library.issue()
    expired = library.issue(now=timezone.now() - dt.timedelta(days=365 * 6))
    page, errors = sign_in(browser, live_server.url, "citizen", locale=locale, viewport=VIEWPORTS[size])

    # the list: both licences, each with its live status
    page.goto(f"{live_server.url}/me/licences/")
    expect(page.locator("h1")).to_have_text(text["wallet"])
    expect(page.locator("#wallet .licence-card")).to_have_count(2)
    expect(page.locator(f"#wallet a[href$='/{licence.number}/'] .licence-status-valid")).to_have_count(1)
    expect(page.locator(f"#wallet a[href$='/{expired.number}/'] .licence-status-expired")).to_have_count(1)
    expect(page.locator("#wallet")).to_contain_text(text["name"])
    fits(page, size)
    assert_accessible(page, f"wallet {size} {locale}")
    page.screenshot(path=str(shots / f"licences-wallet-{size}-{lang}.png"), full_page=True)

    # one licence: its facts in the reader's language, the PDF to download
    # (each click that leads to a page is awaited to that page's load: the width and axe checks below
    # measure the layout, which a page still loading has not got yet)
    with page.expect_navigation(url=f"**/me/licences/{licence.number}/"):
        page.locator(f"#wallet a[href$='/{licence.number}/']").click()
    expect(page.locator("h1")).to_contain_text(text["name"])
    expect(page.locator("#licence-status")).to_have_class("badge licence-status-valid")
    expect(page.locator("main")).to_contain_text(text["shop"])
    pdf = page.request.get(live_server.url + page.locator("#download-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")

    # a share link, three days, disclosing the licence's contents too
    page.locator("#share-form input[value=fields]").check()
    page.fill("#days", "3")
    page.fill("#purpose", "租赁门面")
    before = timezone.now()
    with page.expect_navigation(url=f"**/me/licences/{licence.number}/"):
        page.get_by_role("button", name=text["create"]).click()
    expect(page.locator("ul.messages")).to_contain_text(text["created"])
    share = ShareLink.objects.get(licence=licence)
    assert share.fields == ["holder_name", "valid_from", "valid_to", "fields"] and share.purpose == "租赁门面"
    # three days from the moment the link was made, whenever the page came back (the live server is
    # a thread of this process: one clock)
    assert before + dt.timedelta(days=3) <= share.expires_at <= timezone.now() + dt.timedelta(days=3)
    fits(page, size)
    assert_accessible(page, f"wallet licence {size} {locale}")

    # someone without an account opens the link
    stranger = browser.new_context(locale=locale, viewport=VIEWPORTS[size]).new_page()
    stranger.goto(f"{live_server.url}/verify/{share.token}")
    expect(stranger.locator("#verify-status")).to_have_attribute("data-status", "valid")
    expect(stranger.locator("main")).to_contain_text("青禾小馆")  # the contents were disclosed
    stranger.context.close()

    # the holder sees it, then withdraws the link
    page.reload()
    row = page.locator("#verifications tbody tr").first
    expect(row).to_contain_text(text["share_link"])
    expect(row).to_contain_text(text["anonymous"])
    page.screenshot(path=str(shots / f"licences-wallet-licence-{size}-{lang}.png"), full_page=True)
    with page.expect_navigation(url=f"**/me/licences/{licence.number}/"):
        page.get_by_role("button", name=text["withdraw"]).click()
    expect(page.locator("ul.messages")).to_contain_text(text["withdrawn"])
    share.refresh_from_db()
    assert share.withdrawn_at is not None
    stranger = browser.new_context(locale=locale, viewport=VIEWPORTS[size]).new_page()
    stranger.goto(f"{live_server.url}/verify/{share.token}")
    expect(stranger.locator("#verify-status")).to_have_attribute("data-status", "unknown")
    stranger.context.close()
    assert LicenceVerification.objects.filter(licence=licence).count() == 1  # a withdrawn link checks nothing
    assert not errors, errors
    page.context.close()


def altered(licence) -> None:
    with licence.file.open("rb") as handle:
        data = bytearray(handle.read())
    data[data.find(b"/Producer") + 2] ^= 0x01
    with open(licence.file.path, "wb") as handle:
        handle.write(bytes(data))


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_public_page_gives_each_verdict_clearly(library, live_server, browser, tmp_path, locale, size):  # noqa: F811
    shots, text, lang = shots_dir(tmp_path), TEXT[locale], LANG[locale]
    a_county_library(library)
    valid = library.issue()
    revoked = library.issue()
    services.revoke_licence(actor=library.world.decider, number=revoked.number, reason="经营者申请注销")
    expired = library.issue(now=timezone.now() - dt.timedelta(days=365 * 6))
    future = library.issue(now=timezone.now() + dt.timedelta(days=20))
    tampered = library.issue()
    altered(tampered)
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[size])
    page = context.new_page()
    errors = record_errors(page, expected=lambda url: "/verify/no-such" in url)  # the unknown token: a 404 page
    cases = [("valid", valid.qr_token), ("revoked", revoked.qr_token), ("expired", expired.qr_token),
             ("not_yet_valid", future.qr_token), ("altered", tampered.qr_token), ("unknown", "no-such-token")]
    for status, token in cases:
        page.goto(f"{live_server.url}/verify/{token}")
        expect(page.locator("h1")).to_have_text(text["verify"])
        expect(page.locator("#verify-status")).to_have_attribute("data-status", status)
        facts = page.locator("#verify-result dl.facts")
        if status in ("altered", "unknown"):
            expect(facts).to_have_count(0)  # nothing is disclosed about a record that cannot be trusted
        else:
            expect(facts.first).to_contain_text(text["name"])
            expect(facts.first).to_contain_text("张*")  # through the printed QR code the name is masked
            expect(page.locator("main")).not_to_contain_text(library.world.applicant.id_number)
        if status == "expired":
            expect(page.locator("#verify-reason")).to_contain_text(expired.valid_to.isoformat())
        if status == "not_yet_valid":
            expect(page.locator("#verify-reason")).to_contain_text(future.valid_from.isoformat())
        fits(page, size)
        assert_accessible(page, f"verify {status} {size} {locale}")
        page.screenshot(path=str(shots / f"licences-verify-{status}-{size}-{lang}.png"), full_page=True)
    assert not errors, errors
    context.close()
