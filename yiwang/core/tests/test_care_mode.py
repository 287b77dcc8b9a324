"""关怀版 (the elderly-friendly display): the header's switch is a form POST; the choice is kept on
the account for someone signed in and in a cookie for an anonymous visitor; the page carries it as
a class on <html>, and the citizen's jargon becomes plain words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from yiwang.core.care import COOKIE_NAME, PLAIN_WORDS
from yiwang.core.errors import Forbidden
from yiwang.core.models import AuditEvent, UserPreferences
from yiwang.core.services import set_care_mode
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

CARE_HTML = '<html lang="zh-hans" class="care">'


def shows_care(response) -> bool:
    return CARE_HTML in response.content.decode()


def test_an_anonymous_visitor_switches_it_on_and_the_cookie_keeps_it(client):
    # given a visitor on the search page, in the standard display
    page = client.get("/items/")
    assert not shows_care(page) and 'id="care-switch"' in page.content.decode()

    # when they press 关怀版
    response = client.post("/care-mode/", {"care": "1", "next": "/items/?q=社保"})

    # then they are back on the same page, the browser keeps the choice, and every page shows it
    assert response.status_code == 302 and response["Location"] == "/items/?q=%E7%A4%BE%E4%BF%9D"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == "1" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert shows_care(client.get("/")) and shows_care(client.get("/login/"))
    assert UserPreferences.objects.count() == 0  # nobody to store it for
    # and switching off is kept the same way
    client.post("/care-mode/", {"care": "0", "next": "/"})
    assert client.cookies[COOKIE_NAME].value == "0"
    assert not shows_care(client.get("/"))


def test_a_signed_in_person_keeps_it_on_their_account_in_any_browser(client):
    # given the citizen signed in
    user, _applicant = factories.citizen()
    client.force_login(user)

    # when they switch 关怀版 on
    client.post("/care-mode/", {"care": "1", "next": "/"})

    # then it is stored on their account, with an audit record, and another browser shows it
    assert UserPreferences.objects.get(user=user).care_mode is True
    event = AuditEvent.objects.get(event_type="care_mode_changed")
    assert event.actor == user and event.details == {"care_mode": True}
    elsewhere = Client()
    elsewhere.force_login(user)
    assert shows_care(elsewhere.get("/"))
    # after signing out, this browser still remembers it (the cookie was set as well)
    client.post("/logout/")
    assert shows_care(client.get("/"))


def test_the_accounts_choice_wins_over_the_browsers_cookie(client):
    user, _applicant = factories.citizen()
    client.force_login(user)
    client.cookies[COOKIE_NAME] = "1"
    # never chosen on the account: the browser's choice counts (switched on before signing in)
    assert shows_care(client.get("/"))
    # chosen off on the account (in another browser): the account wins
    set_care_mode(actor=user, enabled=False)
    client.cookies[COOKIE_NAME] = "1"
    assert not shows_care(client.get("/"))


def test_switching_to_the_same_choice_again_writes_no_second_record(client):
    user, _applicant = factories.citizen()
    set_care_mode(actor=user, enabled=True)
    set_care_mode(actor=user, enabled=True)
    assert AuditEvent.objects.filter(event_type="care_mode_changed").count() == 1


def test_the_service_refuses_an_anonymous_actor():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Forbidden):
        set_care_mode(actor=AnonymousUser(), enabled=True)
    assert UserPreferences.objects.count() == 0


@pytest.mark.parametrize("value", ["", "2", "true", "on", "1; DROP TABLE", "１"])
def test_a_value_other_than_0_or_1_is_refused_with_a_message(client, value):
    response = client.post("/care-mode/", {"care": value, "next": "/"})
    assert response.status_code == 400
    assert "关怀版" in response.content.decode()
    assert COOKIE_NAME not in response.cookies


def test_a_missing_value_is_refused_in_english_too(client):
    response = client.post("/care-mode/", {"next": "/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Easy view" in response.content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"])
def test_it_never_sends_the_visitor_to_another_site(client, target):
    response = client.post("/care-mode/", {"care": "1", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_only_a_post_switches_it(client):
    assert client.get("/care-mode/?care=1").status_code == 405
    assert not shows_care(client.get("/"))


def test_another_site_cannot_switch_it_for_the_visitor():
    # CSRF: the switch is an ordinary form, protected like every other
    client = Client(enforce_csrf_checks=True)
    response = client.post("/care-mode/", {"care": "1", "next": "/"})
    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies






def test_every_plain_word_is_translated():
    with translation.override("en"):
        from django.utils.translation import gettext

        for term, plain in PLAIN_WORDS.items():
            assert gettext(term) != term, term
            assert gettext(plain) != plain, plain
