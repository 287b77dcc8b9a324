"""The site's own pages work under its Content-Security-Policy: Debian's chromium (Playwright)
opens the main pages as a visitor, a citizen, a window clerk, a supervisor and a data steward and
records every CSP violation the page reports; there must be none. The guide page's bpmn-js viewer
still draws the process (its BPMN is fetched from a URL served as a sandboxed download), and the
supervision board's ECharts chart still draws."""

from __future__ import annotations

import pytest

from yiwang.catalog.processes import render_process
from yiwang.catalog.services import publish_process_version
from yiwang.testing import case_factories, factories
from yiwang.testing.browser import listen, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def visit(browser, base: str, username: str | None, paths: list[str]) -> list[str]:  # noqa: F811
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(RECORD)
    page = context.new_page()
    console = []
    listen(page, "console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)

    if username:
        sign_in_on(page, base, username)
    found = []
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status < 400, (path, response and response.status)
        assert "content-security-policy" in response.headers, path
        page.wait_for_load_state("networkidle")
        if path.startswith("/items/") and path.count("/") == 3:
            page.wait_for_selector("#diagram[data-rendered='1'] svg", timeout=10_000)  # bpmn-js drew it
        if path == "/work/board/":
            page.wait_for_selector("#board-chart canvas", timeout=10_000)  # ECharts drew it
            page.hover("#board-chart canvas")
        found += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
    context.close()
    return found + console


def test_the_main_pages_raise_no_csp_violation(world, live_server, browser):  # noqa: F811
    base = live_server.url
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    steward = factories.user("ga_steward", GA="steward")
    assert steward
    code = world.item.code
    # the item's process as a stock file with its diagram (the guide then shows the bpmn-js viewer)
    publish_process_version(actor=None, key=world.item.process.key, name="两步审批",
                            bpmn_xml=render_process("two_step", dept="SCJG"))
    found = []
    found += visit(browser, base, None, ["/", "/items/", f"/items/{code}/", "/guide/", "/login/"])
    found += visit(browser, base, "citizen", ["/me/cases/", f"/me/cases/{case.number}/", f"/items/{code}/apply/",
                                              "/me/data-usage/"])
    found += visit(browser, base, "clerk", ["/work/", "/work/window/", "/work/window/new/", f"/work/cases/{case.number}/"])
    found += visit(browser, base, "supervisor", ["/work/board/", "/work/board/cases/"])
    found += visit(browser, base, "ga_steward", ["/work/exchange/", "/work/exchange/negative-list/",
                                                 "/work/exchange/subscriptions/", "/work/exchange/usage/"])
    assert not found, "\n".join(found)
