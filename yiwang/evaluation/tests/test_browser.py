"""The rating pages in a real browser (Debian's chromium), desktop and 390 px, Chinese and English,
checked with axe: the hall tablet rates a visit without signing in (big touch targets), the citizen
rates a closed case, a supervisor reads the statistics and the rectification to handle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.evaluation import services
from yiwang.evaluation.models import Rating
from yiwang.testing.axe import blocking, describe, run_axe
from yiwang.testing.browser import VIEWPORTS, record_errors, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = {"zh-CN": {"best": "非常满意", "worst": "非常不满意", "submit": "提交评价", "thanks": "感谢您的评价"},
        "en-US": {"best": "Very satisfied", "worst": "Very dissatisfied", "submit": "Submit rating",
                  "thanks": "Thank you for your rating"}}


def accessible(page) -> None:
    violations = blocking(run_axe(page))
    assert not violations, describe(violations)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_tablet_citizen_and_supervisor_pages(place, live_server, browser, tmp_path, locale, size):  # noqa: F811
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    text = TEXT[locale]

    # the hall tablet: no sign-in, the visit's signed link
    visit = services.open_visit(actor=place.world.clerk, window="3号窗口", case_number=place.case.number)
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[size], has_touch=size == "phone")
    page = context.new_page()
    errors = record_errors(page)
    link = f"{live_server.url}/v/{services.visit_token(visit)}"
    page.goto(link)
    accessible(page)
    target = page.locator("label.level-5 span").bounding_box()
    assert target["height"] >= 44 and target["width"] >= 44  # a finger's touch target
    page.screenshot(path=str(shots / f"evaluation-tablet-{size}-{locale}.png"), full_page=True)
    page.get_by_text(text["best"], exact=True).click()
    page.select_option("#ind_attitude", "5")
    with page.expect_navigation(url=link):  # answered by a redirect back to the link
        page.get_by_role("button", name=text["submit"]).click()
    expect(page.locator("#visit-done")).to_contain_text(text["thanks"])
    assert Rating.objects.get(visit=visit).level == 5
    context.close()

    # the citizen rates the closed case
    page, signed_in_errors = sign_in(browser, live_server.url, "citizen", locale=locale, viewport=VIEWPORTS[size])
    page.goto(f"{live_server.url}/evaluation/cases/{place.case.number}/")
    accessible(page)
    page.screenshot(path=str(shots / f"evaluation-rate-{size}-{locale}.png"), full_page=True)
    page.get_by_text(text["worst"], exact=True).click()
    page.fill("#comment", "材料清单没写清楚")
    with page.expect_navigation(url=f"**/evaluation/cases/{place.case.number}/"):
        page.get_by_role("button", name=text["submit"]).click()
    expect(page.locator("#follow-up-form")).to_be_visible()
    page.context.close()

    # a supervisor sees the figures and the rectification the 差评 opened
    page, staff_errors = sign_in(browser, live_server.url, "supervisor", locale=locale, viewport=VIEWPORTS[size])
    page.goto(f"{live_server.url}/evaluation/staff/")
    expect(page.locator("#rectifications article")).to_have_count(1)
    accessible(page)
    page.screenshot(path=str(shots / f"evaluation-staff-{size}-{locale}.png"), full_page=True)
    page.context.close()
    assert not errors + signed_in_errors + staff_errors, errors + signed_in_errors + staff_errors
