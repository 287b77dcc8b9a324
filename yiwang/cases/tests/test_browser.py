"""The whole path in a real browser (Playwright on Debian's chromium): a citizen applies, the
window asks for a correction, the citizen supplies it, the window accepts, two departments sign,
the window delivers, and the citizen sees the case closed (办结)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect

from yiwang.cases.models import Case
from yiwang.testing import factories
from yiwang.testing.browser import chromium, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connections_opened_while_the_browser_runs_are_closed_with_it(world, monkeypatch):
    """What the ``browser`` fixture does after each test: the connection an ORM call opened while
    Playwright's loop ran (another one than the thread's own) is closed when the browser is."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    own = connections["default"]
    with chromium():
        during = connections["default"]
        assert during is not own  # Django's async storage: a connection of its own
        assert Case.objects.count() == 0 and during.connection is not None
    assert during.connection is None


def sign_in(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in_on(page, base, username)
    return page


def test_citizen_to_delivered_result(world, live_server, browser, tmp_path):
    base = live_server.url
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(factories.PDF_BYTES)
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    item = world.countersign_item

    # a citizen finds the item, reads its guide and applies online
    citizen = sign_in(browser, base, "citizen")
    # (each click below only starts its navigation: wait for the page it leads to before using it —
    # the status read after a form's POST would otherwise read the old page's, seen in CI)
    citizen.goto(f"{base}/items/?q={item.name}")
    with citizen.expect_navigation(url=f"**/items/{item.code}/"):
        citizen.click(f"text={item.name}")
    with citizen.expect_navigation(url=f"**/items/{item.code}/apply/"):
        citizen.click("text=在线申请")
    citizen.fill("#f_shop_name", "青禾小馆")
    for material in item.materials.filter(required=True):
        citizen.set_input_files(f"#m_{material.pk}", str(scan))
    with citizen.expect_navigation(url=re.compile(r"/me/cases/[^/]+/\?receipt=1$")):
        citizen.click("text=提交申请")
    number = citizen.inner_text("#receipt .number").strip()
    assert number.startswith("YW")
    citizen.screenshot(path=str(shots / "1-receipt.png"), full_page=True)

    # the window asks once for a better copy of the ID (一次性告知)
    clerk = sign_in(browser, base, "clerk")
    clerk.goto(f"{base}/work/cases/{number}/")
    first = item.materials.order_by("sort_order").first()
    clerk.check(f"input[name=material_ids][value='{first.pk}']")
    clerk.fill("#correction-note", "身份证明复印件不清晰，请上传清晰扫描件。")
    with clerk.expect_navigation(url=f"**/work/cases/{number}/"):
        clerk.click("#correction-btn")
    expect(clerk.locator("#case-status")).to_contain_text("待补正")

    # the citizen supplies it
    citizen.goto(f"{base}/me/cases/{number}/")
    assert "身份证明复印件不清晰" in citizen.inner_text("#correction-notice")
    citizen.set_input_files(f"#correction-notice #m_{first.pk}", str(scan))
    with citizen.expect_navigation(url=f"**/me/cases/{number}/"):
        citizen.click("text=提交补正")
    expect(citizen.locator("#case-status")).to_contain_text("待受理")

    # the window accepts; two departments sign; the decision is made
    clerk.goto(f"{base}/work/cases/{number}/")
    with clerk.expect_navigation(url=f"**/work/cases/{number}/"):
        clerk.click("#accept-btn")
    expect(clerk.locator("#case-status")).to_contain_text("审批中")
    for username in ("scjg_reviewer", "ga_decider", "scjg_decider", "scjg_decider"):
        approver = sign_in(browser, base, username)
        approver.goto(f"{base}/work/tasks/")
        with approver.expect_navigation(url=f"**/work/cases/{number}/"):
            approver.click(f"text={number}")
        # the context closes only once the approval's POST has been answered and its redirect loaded
        with approver.expect_navigation(url=f"**/work/cases/{number}/"):
            approver.locator("button[value=approve]").first.click()
        approver.context.close()

    # the window delivers the result; the case is closed (办结)
    clerk.goto(f"{base}/work/cases/{number}/")
    clerk.select_option("#method", "electronic")
    with clerk.expect_navigation(url=f"**/work/cases/{number}/"):  # delivered before the citizen looks
        clerk.click("#deliver-btn")
    citizen.goto(f"{base}/me/cases/{number}/")
    assert "已办结" in citizen.inner_text("#case-status")
    timeline = citizen.inner_text(".timeline")
    assert "公安会签" in timeline and "统一出件" in timeline
    assert "scjg_reviewer" not in citizen.content()  # departments, never persons' names
    citizen.screenshot(path=str(shots / "2-closed.png"), full_page=True)
