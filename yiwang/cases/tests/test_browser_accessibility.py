"""Everyone can use it (issue 16 item 12), in a real browser (Playwright on Debian's chromium):
axe-core finds nothing serious or critical on the citizen's and the window's pages, in the standard
display and in 关怀版; a citizen applies and a clerk accepts using only the keyboard, and every
element the keyboard reaches shows where the focus is; 关怀版 is remembered for a person across
sign-ins and for an anonymous visitor by a cookie, and its switch works without JavaScript."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.cases import services
from yiwang.core.models import UserPreferences
from yiwang.testing import case_factories, factories
from yiwang.testing.axe import blocking, describe, run_axe
from yiwang.testing.browser import sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CARE_COOKIE = "yiwang_care"


def new_page(browser, base, *, locale="zh-CN", viewport=DESKTOP, care=False, js=True):  # noqa: F811
    context = browser.new_context(locale=locale, viewport=viewport, java_script_enabled=js)
    if care:
        context.add_cookies([{"name": CARE_COOKIE, "value": "1", "url": base}])
    page = context.new_page()
    # Playwright asks the browser to intercept file choosers without waiting for the answer
    # (a fire-and-forget subscription). Subscribing when `expect_file_chooser` starts races the
    # key press that opens the chooser: on a loaded machine the chooser opened before the
    # interception was on and the event never came (a CI run timed out so). Subscribe for the
    # page's whole life instead, long before any chooser opens.
    page.on("filechooser", lambda chooser: None)
    return page


def sign_in(browser, base, username, **kwargs):  # noqa: F811
    page = new_page(browser, base, **kwargs)
    sign_in_on(page, base, username)
    return page


def shots_dir(tmp_path) -> Path:
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def in_care_mode(page) -> bool:
    return "care" in (page.get_attribute("html", "class") or "").split()


def assert_accessible(page, label: str) -> None:
    result = run_axe(page)
    # axe really looked: a page it could not check would report no violations and no passes either
    assert result["passes"] > 10, (label, result)
    found = blocking(result)
    assert not found, f"{label} ({page.url}):\n{describe(found)}"


def a_little_county(world):
    """A case waiting at the window, one in review (the citizen has notices about it)."""
    waiting = case_factories.apply_online(world.citizen, world.applicant, world.item)
    in_review = case_factories.apply_online(world.citizen, world.applicant, world.countersign_item)
    services.accept_application(actor=world.clerk, case_id=in_review.pk)
    return waiting, in_review


def test_axe_itself_reports_what_it_should(world, live_server, browser):  # noqa: F811
    # given a page that is clean, with an image that has no text alternative added to it
    page = new_page(browser, live_server.url)
    page.goto(f"{live_server.url}/")
    assert not blocking(run_axe(page))
    page.evaluate("""() => { const img = document.createElement('img'); img.src = '/static/none.png';
                             document.querySelector('main').appendChild(img); }""")
    # then axe reports it as a critical violation: the checks below are not vacuous
    found = blocking(run_axe(page))
    assert [v["id"] for v in found] == ["image-alt"]


@pytest.mark.parametrize(("locale", "care"), [("zh-CN", False), ("zh-CN", True), ("en-US", False)],
                         ids=["zh-hans", "zh-hans-care", "en"])
def test_citizen_and_window_pages_have_no_serious_accessibility_violations(world, live_server, browser, tmp_path,  # noqa: F811
                                                                          locale, care):
    base = live_server.url
    waiting, in_review = a_little_county(world)
    shots = shots_dir(tmp_path)
    mode = "care" if care else "std"

    # the citizen's pages: signed out, then signed in
    anonymous = new_page(browser, base, locale=locale, care=care)
    for path in ("/", f"/items/?q={world.item.name}", f"/items/{world.item.code}/", "/login/",
                 f"/progress/?n={waiting.number}&c={waiting.query_code}", "/progress/?n=YW0&c=wrong"):
        anonymous.goto(f"{base}{path}")
        assert in_care_mode(anonymous) is care
        assert_accessible(anonymous, f"anonymous {path}")
    citizen = sign_in(browser, base, "citizen", locale=locale, care=care)
    for path in ("/", f"/items/{world.item.code}/apply/", "/me/cases/", f"/me/cases/{waiting.number}/",
                 f"/me/cases/{in_review.number}/", "/me/messages/"):
        citizen.goto(f"{base}{path}")
        assert in_care_mode(citizen) is care
        assert_accessible(citizen, f"citizen {path}")
    citizen.goto(f"{base}/items/{world.item.code}/apply/")
    citizen.screenshot(path=str(shots / f"a11y-{locale}-{mode}-apply.png"), full_page=True)

    # the window and the departments: the clerk's queue and accept page, an approver's task, the board
    staff = [("clerk", ["/work/", "/work/window/", f"/work/cases/{waiting.number}/"]),
             ("scjg_reviewer", ["/work/tasks/", f"/work/cases/{in_review.number}/"]),
             ("supervisor", ["/work/board/"])]
    for username, paths in staff:
        page = sign_in(browser, base, username, locale=locale, care=care)
        for path in paths:
            page.goto(f"{base}{path}")
            assert in_care_mode(page) is care
            assert_accessible(page, f"{username} {path}")
        page.screenshot(path=str(shots / f"a11y-{locale}-{mode}-{username}.png"), full_page=True)
        page.context.close()


# --- the keyboard only -------------------------------------------------------------------------

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return outline || (s.boxShadow && s.boxShadow !== 'none');
}"""


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the focus is on ``selector`` (where it may already be: the sign-in page
    puts it on the username); every element on the way must show the focus. After the last
    element the focus leaves the page (the body is active) and the next Tab starts at the top."""
    focused = "(sel) => document.activeElement && document.activeElement.matches(sel)"
    if page.evaluate(focused, selector):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = page.evaluate("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ''")
        if page.evaluate("() => document.activeElement === document.body"):
            continue
        assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {where}"
        if page.evaluate(focused, selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab on {page.url}")


def keyboard_sign_in(page, base, username):
    page.goto(f"{base}/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    tab_to(page, "#id_password")
    page.keyboard.type(f"pw-{username}")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_citizen_applies_and_the_window_accepts_with_the_keyboard_alone(world, live_server, browser, tmp_path):  # noqa: F811
    base = live_server.url
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(factories.PDF_BYTES)
    shots = shots_dir(tmp_path)
    item = world.item

    # the citizen signs in, searches, opens the guide and the form, fills it and attaches the scans
    citizen = new_page(browser, base)
    keyboard_sign_in(citizen, base, "citizen")
    tab_to(citizen, "main input[type=search]")
    citizen.keyboard.type(item.name)
    with citizen.expect_navigation():
        citizen.keyboard.press("Enter")
    tab_to(citizen, f"main a[href='/items/{item.code}/']")
    with citizen.expect_navigation():
        citizen.keyboard.press("Enter")
    tab_to(citizen, f"main a[href='/items/{item.code}/apply/']")
    with citizen.expect_navigation():
        citizen.keyboard.press("Enter")
    tab_to(citizen, "#f_shop_name")
    citizen.keyboard.type("青禾小馆")
    for material in item.materials.filter(required=True).order_by("sort_order"):
        tab_to(citizen, f"#m_{material.pk}")
        with citizen.expect_file_chooser() as chooser:
            citizen.keyboard.press("Space")
        chooser.value.set_files(str(scan))
    citizen.screenshot(path=str(shots / "keyboard-1-apply.png"), full_page=True)
    tab_to(citizen, "#apply-form button[type=submit]:not([formnovalidate])")
    with citizen.expect_navigation():
        citizen.keyboard.press("Enter")
    number = citizen.inner_text("#receipt .number").strip()
    assert number.startswith("YW")

    # the clerk signs in, opens 综合窗口 from the header, the case from the queue, and accepts it
    clerk = new_page(browser, base)
    keyboard_sign_in(clerk, base, "clerk")
    tab_to(clerk, "nav.main a[href='/work/window/']")
    with clerk.expect_navigation():
        clerk.keyboard.press("Enter")
    tab_to(clerk, f"main a[href='/work/cases/{number}/']")
    with clerk.expect_navigation():
        clerk.keyboard.press("Enter")
    tab_to(clerk, "#accept-btn")
    clerk.screenshot(path=str(shots / "keyboard-2-accept.png"), full_page=True)
    with clerk.expect_navigation():
        clerk.keyboard.press("Space")
    assert "审批中" in clerk.inner_text("#case-status")


def test_the_skip_link_is_the_first_stop_and_moves_the_focus_to_the_content(world, live_server, browser):  # noqa: F811
    page = new_page(browser, live_server.url)
    page.goto(f"{live_server.url}/items/{world.item.code}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate(FOCUS_SHOWN)
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


# --- 关怀版 --------------------------------------------------------------------------------------

def test_care_mode_follows_the_person_to_a_new_browser(world, live_server, browser, tmp_path):  # noqa: F811
    base = live_server.url
    shots = shots_dir(tmp_path)
    # given the citizen signed in, in the standard display
    page = sign_in(browser, base, "citizen")
    assert not in_care_mode(page)
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_size < 18

    # when they press 关怀版 in the header, on the guide page
    page.goto(f"{base}/items/{world.item.code}/")
    # (a plain form POST, answered by a redirect back: wait for that page's load before reading it)
    with page.expect_navigation(url=f"**/items/{world.item.code}/"):
        page.click("#care-switch")

    # then the same page comes back with large text, without the secondary navigation, in plain words
    assert page.url == f"{base}/items/{world.item.code}/"
    assert in_care_mode(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    assert not page.locator("footer").is_visible()
    assert not page.locator("nav.main a[href='/me/data-usage/']").is_visible()
    assert "我们答应多久办完" in page.inner_text("main") and "承诺时限" not in page.inner_text("main")
    page.screenshot(path=str(shots / "care-guide-desktop.png"), full_page=True)
    assert UserPreferences.objects.get(user=world.citizen).care_mode is True

    # and another browser (no cookie) shows it once they sign in there
    elsewhere = sign_in(browser, base, "citizen")
    assert in_care_mode(elsewhere)
    # and switching it off there is remembered too
    with elsewhere.expect_navigation(url=f"{base}/"):  # the citizen's landing page, where they pressed it
        elsewhere.click("#care-switch")
    assert not in_care_mode(elsewhere)
    assert not in_care_mode(sign_in(browser, base, "citizen"))


def test_care_mode_for_an_anonymous_visitor_is_a_cookie_and_needs_no_javascript(world, live_server, browser, tmp_path):  # noqa: F811
    base = live_server.url
    shots = shots_dir(tmp_path)
    # given a visitor, not signed in, whose browser runs no JavaScript, on a phone
    page = new_page(browser, base, viewport=PHONE, js=False)
    page.goto(f"{base}/items/?q={world.item.name}")
    assert not in_care_mode(page)

    # when they press 关怀版
    with page.expect_navigation(url=re.compile(r"/items/\?q=")):  # back to the search results
        page.click("#care-switch")

    # then the page is in 关怀版, it stays so on the next pages, and nothing is wider than the phone
    assert in_care_mode(page)
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookie[CARE_COOKIE] == "1"
    page.goto(f"{base}/")
    assert in_care_mode(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots / "care-home-phone.png"), full_page=True)
    # a fresh browser knows nothing of it: the choice is this browser's
    fresh = new_page(browser, base, js=False)
    fresh.goto(f"{base}/")
    assert not in_care_mode(fresh)

    # and 退出关怀版 brings the standard display back
    with page.expect_navigation(url=f"{base}/"):
        page.click("#care-switch")
    assert not in_care_mode(page)
    assert UserPreferences.objects.count() == 0


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_care_mode_text_reflows_on_a_phone(world, live_server, browser, tmp_path, locale):  # noqa: F811
    # 20 px text on a 390 px screen: nothing may need scrolling sideways (WCAG 1.4.10)
    base = live_server.url
    shots = shots_dir(tmp_path)
    waiting = case_factories.apply_online(world.citizen, world.applicant, world.item)
    page = sign_in(browser, base, "citizen", locale=locale, viewport=PHONE, care=True)
    for name, path in (("home", "/"), ("guide", f"/items/{world.item.code}/"),
                       ("apply", f"/items/{world.item.code}/apply/"), ("messages", "/me/messages/"),
                       ("progress", f"/progress/?n={waiting.number}&c={waiting.query_code}")):
        page.goto(f"{base}{path}")
        assert in_care_mode(page)
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        page.screenshot(path=str(shots / f"care-{locale}-{name}-phone.png"), full_page=True)
