"""关怀版 on a service guide: plain words in place of the jargon, in Chinese and in English."""

from __future__ import annotations

import pytest

from yiwang.core.care import COOKIE_NAME
from yiwang.testing import item_factories

pytestmark = pytest.mark.django_db


def test_the_guide_speaks_plain_words_in_care_mode(client):
    item = item_factories.item("SCJG-001")
    standard = client.get(f"/items/{item.code}/").content.decode()
    assert "承诺时限" in standard and "我们答应多久办完" not in standard
    client.cookies[COOKIE_NAME] = "1"
    plain = client.get(f"/items/{item.code}/").content.decode()
    assert "我们答应多久办完" in plain and "承诺时限" not in plain
    assert "找服务" in plain and "办事大厅" not in plain.split("<main", 1)[0]


def test_the_plain_words_have_english_too(client):
    item = item_factories.item("SCJG-001")
    client.cookies[COOKIE_NAME] = "1"
    page = client.get(f"/items/{item.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We promise to finish within" in page and "Find a service" in page
    assert "Standard view" in page  # the switch says how to leave 关怀版
