"""In a real browser (Playwright, Debian's chromium): the search results and 我的办件 fit a 390 px
phone screen in Chinese and in English (nothing wider than the viewport), and the API docs
(Swagger UI) draw with no request leaving the site."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from yiwang.core.models import Department
from yiwang.testing import case_factories
from yiwang.testing.browser import listen, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _context(browser, base: str, language: str, viewport: dict):  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    return context


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_search_results_and_my_cases_fit_a_phone(world, live_server, browser, language, tmp_path):  # noqa: F811
    base = live_server.url
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    # given long names, as the county's catalogue has them, and cases of the citizen
    Department.objects.filter(code="SCJG").update(
        name="县市场监督管理局（知识产权局）", name_en="County Administration for Market Regulation (Intellectual Property Office)")
    for item in (world.item, world.countersign_item):
        case_factories.apply_online(world.citizen, world.applicant, item)
    context = _context(browser, base, language, PHONE)
    page = context.new_page()
    sign_in_on(page, base, "citizen")
    for name, path, rows in (("search", "/items/?q=测试事项", "#search-results tbody tr"),
                             ("my-cases", "/me/cases/", "#my-cases tbody tr")):
        page.goto(f"{base}{path}")
        assert page.locator(rows).count() == 2, path
        # then nothing is wider than the phone: no sideways scrolling
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} in {language}: {width} px wide on a {PHONE['width']} px screen"
        page.screenshot(path=str(shots / f"phone-{name}-{language}.png"), full_page=True)
    context.close()


def test_the_api_docs_draw_with_no_request_leaving_the_site(live_server, browser):  # noqa: F811
    base = live_server.url
    context = browser.new_context()
    page = context.new_page()
    hosts = []
    listen(page, "request", lambda request: hosts.append(urlsplit(request.url).netloc))
    response = page.goto(f"{base}/api/v1/docs")
    assert response is not None and response.status == 200
    # Swagger UI drew the schema's operations
    # the live server builds the whole OpenAPI schema first: seconds on a loaded CI machine (it
    # timed out at 15 s at load 27), so wait as long as a page load may take
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=60_000)
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Yiwang API")
    own = urlsplit(base).netloc
    assert hosts and set(hosts) <= {own, ""}, sorted(set(hosts) - {own})
    context.close()
