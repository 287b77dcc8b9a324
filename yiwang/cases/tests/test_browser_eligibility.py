"""The apply page in a real browser (Playwright on Debian's chromium), on a desktop and a 390 px
phone, in Chinese and English: a 38-year-old is told at once why 高龄津贴 is not for them, and
社会保障卡补领's 邮寄地址 appears, required, only when 邮寄到家 is chosen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.cases.tests.test_eligibility import LOCAL_38, demo_item
from yiwang.catalog.demo import parse_field
from yiwang.catalog.demo_items import ITEMS
from yiwang.testing import factories, item_factories
from yiwang.testing.browser import VIEWPORTS, listen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "zh-CN": {"fails": "暂不符合申请条件", "check": "检查是否符合条件"},
    "en-US": {"fails": "You do not meet the conditions yet", "check": "Check whether I qualify"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_eligibility_and_conditional_field_on_the_apply_page(world, live_server, browser, tmp_path, locale, size):  # noqa: F811
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    elderly = demo_item("高龄津贴申领", "elderly_allowance", "MZ-ELDER")
    row = next(r for r in ITEMS if r["name"] == "社会保障卡补领")
    card = item_factories.item("RS-CARD", dept="SCJG", form_schema=[parse_field(f) for f in row["form"]],
                          materials=(("身份证明", True),))
    factories.citizen("young", first17=LOCAL_38)
    page, errors = sign_in(browser, live_server.url, "young", locale=locale, viewport=VIEWPORTS[size])
    text = TEXT[locale]

    # a 38-year-old opens 高龄津贴's apply page: the reason shows at once, before anything is typed
    page.goto(f"{live_server.url}/items/{elderly.code}/apply/")
    page.wait_for_selector("#eligibility .eligibility-fails")
    panel = page.inner_text("#eligibility")
    assert text["fails"] in panel and "申请人须年满80周岁" in panel
    assert "申请人须为本县户籍" in panel  # listed as waiting for 户籍所在地, not as failing
    assert "申请人须为本县户籍" not in page.inner_text("#eligibility ul.failing")
    page.screenshot(path=str(shots / f"eligibility-{size}-{locale}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    # choosing 外县 makes the 户籍 rule fail too, without a page load
    page.select_option("#f_hukou_county", "外县")
    # (locator waits, not wait_for_function: the page's CSP forbids the eval that one needs)
    expect(page.locator("#eligibility ul.failing li")).to_have_count(2)

    # 社会保障卡补领: the address is hidden until 邮寄到家 is chosen, then shown and required
    page.goto(f"{live_server.url}/items/{card.code}/apply/")
    address = page.locator("#f_delivery_address")
    assert not address.is_visible()
    page.select_option("#f_delivery", "邮寄到家")
    page.locator(".field[data-field=delivery_address]").wait_for(state="visible")
    assert address.is_visible() and address.evaluate("el => el.required")
    page.screenshot(path=str(shots / f"conditional-{size}-{locale}.png"), full_page=True)
    page.select_option("#f_delivery", "窗口领取")
    page.locator(".field[data-field=delivery_address]").wait_for(state="hidden")
    assert not address.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    assert errors == []


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_window_sees_pre_review_and_confirms_before_accepting(world, live_server, browser, tmp_path, locale):  # noqa: F811
    from yiwang.cases.tests.test_prereview_acceptance import with_finding

    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    case = with_finding(world)
    page, errors = sign_in(browser, live_server.url, "clerk", locale=locale, viewport=VIEWPORTS["desktop"])

    # the queue shows the case's finding
    page.goto(f"{live_server.url}/work/window/")
    assert page.locator(f"tr:has-text('{case.number}') [data-prereview=findings]").is_visible()
    page.screenshot(path=str(shots / f"window-prereview-{locale}.png"), full_page=True)

    # the case page will not accept until the clerk ticks that they checked the findings
    page.goto(f"{live_server.url}/work/cases/{case.number}/")
    posts: list[str] = []
    listen(page, "request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.click("#accept-btn")
    # the browser held the form: the box is required and unticked, so no POST left (a same-URL
    # redirect after a POST would leave page.url as it was: the URL alone proves nothing)
    assert page.evaluate("document.querySelector('#acknowledge-findings').validity.valueMissing")
    assert not page.evaluate("document.querySelector('#accept-btn').form.checkValidity()")
    assert posts == []
    case.refresh_from_db()
    assert case.status == "submitted"
    page.check("#acknowledge-findings")
    page.screenshot(path=str(shots / f"accept-acknowledge-{locale}.png"))
    with page.expect_navigation(url=f"**/work/cases/{case.number}/"):  # the POST answered, its redirect loaded
        page.click("#accept-btn")
    case.refresh_from_db()
    assert case.status == "in_review"
    assert errors == []
