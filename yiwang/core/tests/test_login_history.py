"""Each user sees their own recent sign-ins and failures; administrators see everyone's, read-only
(issue 8, item 8)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yiwang.core.models import LoginEvent
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def password_only_sign_in(settings):
    # Demo mode: staff sign in without a second factor here; test_otp.py covers enforcement.
    settings.YIWANG_DEMO_MODE = True


def test_password_and_token_sign_ins_and_failures_are_recorded_with_ip_and_agent():
    # given
    user = factories.user("steward", GA="steward")
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 Test", REMOTE_ADDR="10.1.2.3")
    # when
    client.post("/login/", {"username": "steward", "password": "nope"})
    client.post("/login/", {"username": "steward", "password": "pw-steward"})
    client.post("/api/v1/auth/token", {"username": "steward", "password": "nope"}, content_type="application/json")
    client.post("/api/v1/auth/token", {"username": "steward", "password": "pw-steward"}, content_type="application/json")
    # then
    rows = list(LoginEvent.objects.filter(user=user).order_by("id"))
    assert [(r.method, r.success) for r in rows] == [("password", False), ("password", True), ("token", False), ("token", True)]
    assert {(r.ip_address, r.user_agent) for r in rows} == {("10.1.2.3", "Mozilla/5.0 Test")}


def test_a_failure_for_an_unknown_username_is_kept_without_a_user():
    Client().post("/login/", {"username": "ghost", "password": "x"})
    row = LoginEvent.objects.get()
    assert (row.user, row.username, row.success) == (None, "ghost", False)


def test_each_user_sees_only_their_own_history_on_the_account_page():
    mine = factories.user("steward", GA="steward")
    factories.user("other", GA="steward")
    Client().post("/login/", {"username": "other", "password": "wrong-for-other"})
    client = Client(REMOTE_ADDR="10.9.9.9")
    client.post("/login/", {"username": "steward", "password": "pw-steward"})
    page = client.get("/account/").content.decode()
    assert "10.9.9.9" in page and "成功" in page
    assert LoginEvent.objects.filter(user=mine).count() == 1
    assert page.count("<tr><td>") == 1  # one row: the other user's failure is not shown


def test_administrators_read_everyones_history_but_cannot_change_it():
    factories.user("steward", GA="steward")
    Client().post("/login/", {"username": "steward", "password": "nope"})
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    client = Client()
    client.force_login(root)
    listing = client.get("/admin/core/loginevent/")
    event = LoginEvent.objects.get(username="steward")
    assert listing.status_code == 200 and "steward" in listing.content.decode()
    assert client.get("/admin/core/loginevent/add/").status_code == 403
    assert client.post(f"/admin/core/loginevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LoginEvent.objects.filter(pk=event.pk).exists()
