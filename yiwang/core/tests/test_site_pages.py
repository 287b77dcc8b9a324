"""Site-wide pages: the site's own 404 page (also with DEBUG, as in ``make run``), the language
menu naming each language in itself, and the API docs served with no request leaving the site."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.options: list[tuple[str, str]] = []
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]
        if tag == "option":
            self._option = values.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self._option is not None and data.strip():
            self.options.append((self._option, data.strip()))
            self._option = None


def parse(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/items/NOPE/", "/no-such-page/"])
def test_a_missing_page_is_the_sites_404_page_with_or_without_debug(client, settings, debug, path):
    # given make run's DEBUG=1 (or a deployment without it)
    settings.DEBUG = debug
    # when a visitor opens an item that does not exist, or a URL nothing serves
    response = client.get(path)
    # then the site's page, in the site's frame, says so (not Django's technical page)
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'class="brand"' in html
    assert "URLconf" not in html and "Page not found at" not in html


def test_a_missing_page_is_the_sites_404_page_in_english(client, settings):
    settings.DEBUG = True
    response = client.get("/items/NOPE/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() and "URLconf" not in response.content.decode()


def test_the_api_keeps_its_json_404_with_debug(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/items/NOPE")
    assert response.status_code == 404
    assert response.json()["code"] == "item_not_found"


@pytest.mark.parametrize("accept", ["zh-hans", "en"])
def test_the_language_menu_names_each_language_in_itself(client, accept):
    options = dict(parse(client.get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()).options)
    assert options == {"zh-hans": "简体中文", "en": "English"}


def test_the_api_docs_reference_no_other_host_and_their_files_exist(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    refs = parse(response.content.decode()).refs
    assert any("swagger-ui-bundle.js" in r for r in refs)
    for ref in refs:
        # a path on this site, never a URL with a host (//cdn… or https://…)
        assert ref.startswith("/") and not ref.startswith("//"), ref
        assert finders.find(ref.removeprefix("/static/")), f"{ref} is not among the static files (make assets)"
    assert "cdn" not in response.content.decode().lower()
