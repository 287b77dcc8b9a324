"""The command board in a real browser (Debian's chromium), desktop and 390 px, Chinese and English:
the offline map is drawn (ECharts + the county's GeoJSON), counts, heat, the oldest overdue and
the hot topics are there, axe finds nothing serious; the page refreshes itself without a reload,
says when a refresh fails, and recovers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yiwang.appeals import geo, hot_topics
from yiwang.appeals.models import Appeal, AppealChannel, AppealType, Urgency
from yiwang.appeals.tests.conftest import submit
from yiwang.testing import factories
from yiwang.testing.axe import blocking, describe, run_axe
from yiwang.testing.browser import VIEWPORTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = {"zh-CN": {"h1": "应急指挥", "refreshed": "最后刷新", "failed": "刷新失败"},
        "en-US": {"h1": "Emergency command", "refreshed": "Last refreshed", "failed": "Refresh failed"}}
FLOOD = ["人民路地下通道积水很深，车都过不去", "地下通道又淹了，积水到膝盖", "积水严重 地下通道 无法通行",
         "下雨后地下通道积水，请派人抽水", "东湖街道下穿通道积水，走不了"]


def place(town_index: int) -> tuple[float, float]:
    _name, col, row = geo.TOWNS[town_index % len(geo.TOWNS)]
    west, east, south, north = geo._cell(col, row)
    return round((south + north) / 2, 6), round((west + east) / 2, 6)


def new_appeal(title: str, town: int, *, hours_ago: float, due_in_hours: float, category: str = "城乡建设",
               department: str = "ZJ", urgency: str = Urgency.URGENT) -> Appeal:
    now = timezone.now()
    lat, lng = place(town)
    appeal = submit(None, channel=AppealChannel.PORTAL, title=title, body="", latitude=lat, longitude=lng,
                    category=category, department=department, urgency=urgency, appeal_type=AppealType.EVENT,
                    now=now - dt.timedelta(hours=hours_ago)).appeal
    due = now + dt.timedelta(hours=due_in_hours)
    Appeal.objects.filter(pk=appeal.pk).update(due_at=due, warn_at=due - dt.timedelta(hours=2))
    return appeal


@pytest.fixture
def busy_county(county):
    factories.department("ZJ", "县住房和城乡建设局")
    for i, text in enumerate(FLOOD):
        new_appeal(text, i, hours_ago=6 + i, due_in_hours=(-3 + i * 2))
    new_appeal("学校门口接送拥堵", 4, hours_ago=3, due_in_hours=20, category="交通运输", department="JT",
               urgency=Urgency.NORMAL)
    hot_topics.refresh()
    return county


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_duty_officer_sees_the_county_at_a_glance(busy_county, live_server, browser, tmp_path,  # noqa: F811
                                                     locale, size):
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page, errors = sign_in(browser, live_server.url, "supervisor", locale=locale, viewport=VIEWPORTS[size])
    page.goto(f"{live_server.url}/work/appeals/board/")
    expect(page.locator("h1")).to_have_text(TEXT[locale]["h1"])
    expect(page.locator("#board-map[data-ready]")).to_have_count(1)  # the county's outline is drawn
    expect(page.locator("#board-refreshed")).to_contain_text(TEXT[locale]["refreshed"])
    expect(page.locator("#kpi-open")).to_have_text("6")
    expect(page.locator("#board-overdue li")).to_have_count(2)
    expect(page.locator("#board-overdue a").first).to_contain_text("积水")
    expect(page.locator("#board-topics .topic")).to_have_count(1)
    expect(page.locator("#board-topics .topic-label")).to_contain_text("积水")
    expect(page.locator("#board-heat td.heat-red")).not_to_have_count(0)
    if size == "phone":  # nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 392
    result = run_axe(page)
    assert result["passes"] > 10, result
    found = blocking(result)
    assert not found, describe(found)
    page.screenshot(path=str(shots / f"appeals-board-{size}-{locale}.png"), full_page=True)
    # an overdue appeal opens from the list
    link = page.locator("#board-overdue a").first
    number = link.inner_text().split()[0]
    with page.expect_navigation(url=f"**/work/appeals/{number}/"):
        link.click()
    expect(page.locator("h1")).to_contain_text(number)
    assert not errors, errors


def test_the_board_refreshes_by_itself_says_when_it_fails_and_recovers(busy_county, live_server, browser, settings):  # noqa: F811
    settings.YIWANG_APPEALS_BOARD_REFRESH_SECONDS = 5
    page, errors = sign_in(browser, live_server.url, "dispatcher", locale="zh-CN", viewport=VIEWPORTS["desktop"])
    page.goto(f"{live_server.url}/work/appeals/board/")
    expect(page.locator("#kpi-open")).to_have_text("6")
    first = page.locator("#command-board").get_attribute("data-generated-at")
    # when a new emergency comes in, the board shows it without a reload
    new_appeal("白沙镇化工厂起火冒浓烟", 5, hours_ago=3, due_in_hours=-1, category="环境保护", department="HB",
               urgency=Urgency.EMERGENCY)
    expect(page.locator("#kpi-open")).to_have_text("7", timeout=15_000)
    expect(page.locator("#board-overdue")).to_contain_text("化工厂起火", timeout=1000)
    assert page.locator("#command-board").get_attribute("data-generated-at") != first
    # when the server cannot be reached, the page says so and keeps the last picture
    page.route("**/api/v1/appeals/board", lambda route: route.abort())
    expect(page.locator("#board-error")).to_be_visible(timeout=15_000)
    expect(page.locator("#board-error")).to_contain_text(TEXT["zh-CN"]["failed"])
    expect(page.locator("#kpi-open")).to_have_text("7")
    # and when it is back, the message goes
    page.unroute("**/api/v1/appeals/board")
    expect(page.locator("#board-error")).to_be_hidden(timeout=15_000)
    assert not [e for e in errors if "/api/v1/appeals/board" not in e], errors
