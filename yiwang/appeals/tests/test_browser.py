"""The portal form in a real browser (Debian's chromium), desktop and 390 px, Chinese and English:
a citizen picks the place on the offline map (ECharts + the county's GeoJSON, no tile server),
submits, and lands on the follow page; an agent's hotline form has the title focused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.appeals.models import Appeal
from yiwang.appeals.tests.conftest import CLEAR
from yiwang.testing.browser import VIEWPORTS, record_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = {"zh-CN": {"submit": "提交", "progress": "诉求进度"}, "en-US": {"submit": "Submit", "progress": "Appeal progress"}}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_citizen_picks_the_place_on_the_offline_map_and_follows_the_appeal(county, live_server, browser, tmp_path,  # noqa: F811
                                                                            locale, size):
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[size])
    page = context.new_page()
    errors = record_errors(page)
    page.goto(f"{live_server.url}/appeals/new/")
    page.fill("#f_title", CLEAR)
    page.fill("#f_body", "公交车高峰期拥堵严重，希望增加班次。")
    expect(page.locator("#pick-map[data-ready]")).to_have_count(1)  # the outline is drawn
    canvas = page.locator("#pick-map canvas").first
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(page.locator("#f_lat")).not_to_have_value("")
    page.screenshot(path=str(shots / f"appeals-portal-{size}-{locale}.png"), full_page=True)
    # (the follow page loaded, not merely begun, before it is photographed and its errors counted)
    with page.expect_navigation(url="**/appeals/follow/*/"):
        page.get_by_role("button", name=TEXT[locale]["submit"]).click()
    expect(page.locator("h1")).to_contain_text(TEXT[locale]["progress"])
    appeal = Appeal.objects.get()
    assert appeal.latitude is not None and 30.0 <= appeal.latitude <= 30.26
    assert 119.98 <= appeal.longitude <= 120.38
    page.screenshot(path=str(shots / f"appeals-follow-{size}-{locale}.png"), full_page=True)
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_hotline_form_is_keyboard_first(county, live_server, browser, tmp_path, locale):  # noqa: F811
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page, errors = sign_in(browser, live_server.url, "agent", locale=locale, viewport=VIEWPORTS["desktop"])
    page.goto(f"{live_server.url}/work/appeals/hotline/")
    expect(page.locator("#f_title")).to_be_focused()
    page.keyboard.type("小区门口积水很深")
    page.fill("#f_address", "城关镇人民路")
    with page.expect_navigation(url="**/work/appeals/hotline/"):  # the form again, empty, loaded
        page.keyboard.press("Alt+s")
    expect(page.locator("ul.messages")).to_be_visible()
    expect(page.locator("ul.messages")).to_contain_text(Appeal.objects.get().number)
    expect(page.locator("#f_title")).to_have_value("")  # empty again, for the next call
    page.screenshot(path=str(shots / f"appeals-hotline-desktop-{locale}.png"), full_page=True)
    assert not errors, errors
