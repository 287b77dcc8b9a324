"""A title or a name with 生僻字 outside the BMP at the server's limit, in a real browser (Debian's
chromium): ``maxlength`` counts UTF-16 code units (𬌗 counts 2), the server counts characters, so the
site's script (``static/js/yiwang.js``) holds the limit in characters: a person types and sends
exactly as many characters as the server takes, and one more is refused in the browser with the
limit said, and by the server with its own message, nothing typed lost."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.appeals.models import Appeal, AppealReport
from yiwang.appeals.services import NAME_MAX, TITLE_MAX, text_limits
from yiwang.appeals.tests.conftest import CLEAR
from yiwang.testing.browser import VIEWPORTS, record_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 𬌗 (U+2C317, CJK Extension E) and 𫖯 (U+2B5AF, Extension C): two of the 196 characters of
# 《通用规范汉字表》 outside the BMP; 𠮷 (U+20BB7, Extension B), as in the surname 吉/𠮷
RARE = "𬌗𫖯𠮷"
# a title of TITLE_MAX characters, 30 of them outside the BMP: TITLE_MAX + 30 UTF-16 code units
TITLE = (CLEAR + RARE * 10 + "路" * TITLE_MAX)[:TITLE_MAX]
NAME = ("吉𠮷" + "𬌗" * NAME_MAX)[:NAME_MAX]  # every character but the first outside the BMP
MESSAGE = {"zh-CN": f"最多 {TITLE_MAX} 个字，现有 {TITLE_MAX + 1} 个，请删减后再提交。",
           "en-US": f"At most {TITLE_MAX} characters; this has {TITLE_MAX + 1}. Please shorten it and submit again."}
SERVER = {"zh-CN": f"标题不能超过 {TITLE_MAX} 个字（现有 {TITLE_MAX + 1} 个）。",
          "en-US": f"Title may have at most {TITLE_MAX} characters (it has {TITLE_MAX + 1})."}
ADDRESS = "城关镇𬭚村3组"  # 𬭚 U+2CB5A (Extension E), of the table too
# a body of lines of 99 characters outside the BMP each: the browser sends each line break as CR LF,
# which the server stores as LF and counts as 1 character (as the script does), so each line is 100
BODY_MAX = text_limits()["body"]
BODY = ("𬌗" * 99 + "\n") * (BODY_MAX // 100)


def _type(page, selector: str, text: str) -> None:
    """As a person's input method commits text (a ``maxlength`` the browser holds applies)."""
    page.focus(selector)
    page.keyboard.insert_text(text)


def test_a_title_and_a_name_with_rare_characters_at_the_limit_are_typed_whole_and_sent(county, live_server, browser,
                                                                                     tmp_path):
    assert all(unicodedata.name(ch).startswith("CJK UNIFIED IDEOGRAPH-") and ord(ch) > 0xFFFF for ch in RARE + "𬭚")
    assert len(TITLE) == TITLE_MAX and len(TITLE.encode("utf-16-le")) // 2 == TITLE_MAX + 30
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"])
    page = context.new_page()
    errors = record_errors(page)
    page.goto(f"{live_server.url}/appeals/new/")
    # when a person types a title and their name of exactly the server's limit in characters
    _type(page, "#f_title", TITLE)
    _type(page, "#f_name", NAME)
    _type(page, "#f_address", ADDRESS)
    page.fill("#f_body", BODY)
    # then the browser took every character (none cut at the limit in UTF-16 code units)
    expect(page.locator("#f_title")).to_have_value(TITLE)
    expect(page.locator("#f_name")).to_have_value(NAME)
    assert page.locator("#f_body").evaluate("el => el.validationMessage") == ""
    page.locator("#f_name").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "appeals-portal-rare-characters-phone-zh-CN.png"), full_page=True)
    # and the appeal is sent and stored with them, exactly
    with page.expect_navigation(url="**/appeals/follow/*/"):
        page.get_by_role("button", name="提交").click()
    assert Appeal.objects.get().title == TITLE and Appeal.objects.get().body == BODY.strip()  # LF, as typed
    assert AppealReport.objects.get().reporter_name == NAME and Appeal.objects.get().address == ADDRESS
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_one_character_over_the_limit_is_said_in_the_browser_and_by_the_server_nothing_lost(county, live_server,
                                                                                          browser, locale):
    context = browser.new_context(locale=locale, viewport=VIEWPORTS["phone"])
    page = context.new_page()
    errors = record_errors(page)
    page.goto(f"{live_server.url}/appeals/new/")
    over = TITLE + "𬌗"
    _type(page, "#f_title", over)
    _type(page, "#f_address", ADDRESS)
    # when the person submits a title one character over the limit
    page.get_by_role("button", name={"zh-CN": "提交", "en-US": "Submit"}[locale]).click()
    # then the form is not sent, the field says the limit in characters, and keeps what was typed
    title = page.locator("#f_title")
    assert title.evaluate("el => el.validationMessage") == MESSAGE[locale]
    # (and a body one character over the server's count, a line break counted as one)
    page.fill("#f_body", BODY + "路")
    assert page.locator("#f_body").evaluate("el => el.validationMessage") == MESSAGE[locale].replace(
        str(TITLE_MAX + 1), str(BODY_MAX + 1)).replace(str(TITLE_MAX), str(BODY_MAX))
    page.fill("#f_body", "")
    expect(title).to_have_value(over)
    assert not Appeal.objects.exists()
    # and a form sent anyway (no script, an old browser) is answered by the server: 422, its own
    # message, the title back in the field whole
    page.evaluate("document.querySelector('#f_title').form.noValidate = true")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name={"zh-CN": "提交", "en-US": "Submit"}[locale]).click()
    assert answer.value.status == 422
    expect(page.locator("#form-error")).to_contain_text(SERVER[locale])
    expect(page.locator("#f_title")).to_have_value(over)
    assert not Appeal.objects.exists()
    assert [e for e in errors if not e.startswith("422 ")] == [], errors  # the 422 is the answer expected
    context.close()
