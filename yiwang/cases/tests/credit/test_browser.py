"""我的信用 with credit repair, and the credit officer's 信用信息归集 page, in a real browser (Debian's
chromium), desktop and 390 px, Chinese and English, checked by axe; screenshots for a person to read."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from yiwang.cases.tests.credit.test_repair_case import apply_for_repair, decide, repair_item
from yiwang.cases.tests.test_browser_accessibility import assert_accessible, shots_dir
from yiwang.credit.models import Severity
from yiwang.credit.tests.conftest import company, credit_officer, list_entry, penalty
from yiwang.testing.browser import VIEWPORTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = {"zh-CN": {"repair": "信用修复", "apply": "申请信用修复", "refused": "不予修复", "reason": "在失信惩戒名单期内",
                  "datasets": "信用信息归集"},
        "en-US": {"repair": "Credit repair", "apply": "Apply for credit repair", "refused": "Repair refused",
                  "reason": "On the credit blacklist", "datasets": "Credit data pushes"}}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_my_credit_shows_what_can_be_repaired_and_a_refused_repair(world, live_server, browser, tmp_path,  # noqa: F811
                                                                   locale, size):
    user, firm = company("firm", "91330100MA2B3C4D5", "某县已整改餐饮有限公司")
    repairable = penalty(firm, days_ago=120, number="县市监罚〔2026〕9号")
    penalty(firm, days_ago=60, severity=Severity.SERIOUS, number="县市监罚〔2026〕17号")
    list_entry(firm, "black", reason="食品安全严重违法失信")
    item = repair_item()
    refused = penalty(firm, days_ago=150, number="县市监罚〔2026〕3号")
    decide(world, apply_for_repair(user, firm, item, f"R{refused.pk}"), "deny", "罚款尚未缴清")
    page, errors = sign_in(browser, live_server.url, "firm", locale=locale, viewport=VIEWPORTS[size])
    page.goto(f"{live_server.url}/credit/mine/")
    section = page.locator("#credit-repair")
    expect(section.locator("h2")).to_have_text(TEXT[locale]["repair"])
    expect(section).to_contain_text(f"R{repairable.pk}")
    expect(section.get_by_role("link", name=TEXT[locale]["apply"]).first).to_be_visible()
    expect(section).to_contain_text(TEXT[locale]["refused"])
    expect(page.locator("#credit-level")).to_contain_text(TEXT[locale]["reason"])
    # nothing wider than the screen at 390 px
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots_dir(tmp_path) / f"credit-mine-repair-{size}-{locale}.png"), full_page=True)
    assert_accessible(page, "我的信用")
    assert not errors, errors
    page.context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_credit_datasets_page(world, live_server, browser, tmp_path, locale, size):  # noqa: F811
    credit_officer("scjg_credit", "SCJG")
    page, errors = sign_in(browser, live_server.url, "scjg_credit", locale=locale, viewport=VIEWPORTS[size])
    page.goto(f"{live_server.url}/credit/datasets/")
    expect(page.locator("h1")).to_have_text(TEXT[locale]["datasets"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots_dir(tmp_path) / f"credit-datasets-{size}-{locale}.png"), full_page=True)
    assert_accessible(page, "信用信息归集")
    assert not errors, errors
    page.context.close()


FIRED = {"zh-CN": ("联合奖惩规则命中", "失信惩戒名单内", "近12个月"),
         "en-US": ("Joint rule fired", "credit blacklist", "last 12 months")}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_clerk_reads_two_firings_on_one_timeline_line(world, joint_rules, food_item, live_server, browser,  # noqa: F811
                                                           tmp_path, locale, size):
    from yiwang.cases.tests.credit.test_joint_rules import submit

    user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    penalty(firm, days_ago=5, number="罚新")
    case = submit(user, firm, food_item)
    page, errors = sign_in(browser, live_server.url, "clerk", locale=locale, viewport=VIEWPORTS[size])
    page.goto(f"{live_server.url}/work/cases/{case.number}/")
    label, first, second = FIRED[locale]
    line = page.locator("ol.timeline li", has_text=label)
    expect(line).to_have_count(1)
    expect(line).to_contain_text(first)
    expect(line).to_contain_text(second)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots_dir(tmp_path) / f"credit-case-timeline-{size}-{locale}.png"), full_page=True)
    assert not errors, errors
    page.context.close()
