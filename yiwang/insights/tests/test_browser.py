"""The KPI dashboard in a real browser (Debian's chromium), desktop and 390 px, Chinese and English:
a supervisor reads the figures beside targets and baselines, the charts are drawn (ECharts, no
CDN, no inline script), the page passes axe, and a KPI's name leads to the cases behind it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.testing import case_factories
from yiwang.testing.axe import blocking, describe, run_axe
from yiwang.testing.browser import VIEWPORTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = {"zh-CN": {"title": "试点指标", "online": "网办率", "met": "达标"},
        "en-US": {"title": "Pilot KPIs", "online": "Online application rate", "met": "Met"}}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_supervisor_reads_the_kpis_and_drills_down(world, live_server, browser, tmp_path, locale, size):  # noqa: F811
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    page, errors = sign_in(browser, live_server.url, "supervisor", locale=locale, viewport=VIEWPORTS[size])
    page.goto(f"{live_server.url}/insights/?period=month")
    expect(page.locator("h1")).to_have_text(TEXT[locale]["title"])
    row = page.locator("#kpi-online_rate")
    expect(row).to_contain_text(TEXT[locale]["online"])
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text(TEXT[locale]["met"])
    expect(page.locator("#kpi-line canvas")).to_have_count(1)
    expect(page.locator("#kpi-bar canvas")).to_have_count(1)
    found = blocking(run_axe(page))
    assert not found, describe(found)
    # at 390 px the page itself does not scroll sideways (the table scrolls in its own box)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots / f"insights-dashboard-{size}-{locale}.png"), full_page=True)
    # (axe and the screenshot below need the drill-down page loaded, its stylesheet applied)
    with page.expect_navigation(url=re.compile(r"/insights/kpi/online_rate/")):
        row.get_by_role("link", name=TEXT[locale]["online"]).click()
    expect(page.locator("#drill-table")).to_contain_text(case.number)
    found = blocking(run_axe(page))
    assert not found, describe(found)
    page.screenshot(path=str(shots / f"insights-drill-{size}-{locale}.png"), full_page=True)
    assert not errors, errors
    page.context.close()
