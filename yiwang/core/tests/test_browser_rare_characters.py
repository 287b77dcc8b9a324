"""The admin's forms in a real browser (Debian's chromium): Django renders ``maxlength`` for every
``CharField``, which the browser counts in UTF-16 code units; the site's script, loaded by the
admin too (``templates/admin/base_site.html``), holds it in characters as the server counts them.
A department (a township) named with 生僻字 outside the BMP, at the name's limit, is typed whole and
saved; one character more is answered by Django's own message, what was typed kept."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from yiwang.core.models import Department
from yiwang.testing.browser import VIEWPORTS, record_errors, sign_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = int(Department._meta.get_field("name").max_length or 0)
# 𬌗 U+2C317, 𫖯 U+2B5AF, 𬭚 U+2CB5A: characters of 《通用规范汉字表》 outside the BMP
NAME = ("某县" + "𬌗𫖯𬭚" * LIMIT)[:LIMIT]


def _add_department(page, base: str, code: str, name: str) -> None:
    page.goto(f"{base}/admin/core/department/add/")
    page.fill("#id_code", code)
    page.focus("#id_name")
    page.keyboard.insert_text(name)  # as an input method commits it (a maxlength the browser holds applies)
    expect(page.locator("#id_name")).to_have_value(name)
    with page.expect_navigation():
        page.locator("input[name=_save]").click()


def test_a_department_named_with_rare_characters_at_the_limit_is_saved_whole_and_one_more_is_refused(live_server,
                                                                                                   browser):
    assert len(NAME) == LIMIT and len(NAME.encode("utf-16-le")) // 2 > LIMIT
    get_user_model().objects.create_superuser("root", password="pw-root")
    page = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["desktop"]).new_page()
    errors = record_errors(page)
    sign_in_on(page, live_server.url, "root")
    # when an administrator types a township's name of exactly the limit in characters
    _add_department(page, live_server.url, "ZX1", NAME)
    # then it is saved whole
    assert Department.objects.get(code="ZX1").name == NAME
    # and one character more is refused by the server (the admin's forms are novalidate) with
    # Django's message in characters, the name typed kept in the field
    _add_department(page, live_server.url, "ZX2", NAME + "𬌗")
    expect(page.locator(".errorlist")).to_contain_text(f"不超过 {LIMIT} 字符 (目前字符数 {LIMIT + 1})")
    expect(page.locator("#id_name")).to_have_value(NAME + "𬌗")
    assert not Department.objects.filter(code="ZX2").exists()
    assert not errors, errors
