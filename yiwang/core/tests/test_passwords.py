"""Password rules: three of four character classes, longer for staff, no reuse of the last five
for staff, and a staff password older than 90 days must be changed before anything else
(issue 8, item 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from yiwang.core.errors import DomainError
from yiwang.core.models import PasswordHistory
from yiwang.core.services import change_password
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def password_only_sign_in(settings):
    # Demo mode: staff sign in without a second factor here; test_otp.py covers enforcement.
    settings.YIWANG_DEMO_MODE = True


def problems(password: str, user=None) -> list[str | None]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


def test_complexity_three_of_four_classes_for_everyone():
    citizen = factories.user("citizen2")
    assert "password_too_simple" in problems("alllowercase", citizen)
    assert "password_too_simple" in problems("lower12345", citizen)
    assert problems("Lower12345", citizen) == []
    assert problems("lower-1234", citizen) == []


def test_staff_need_ten_characters():
    clerk = factories.user("clerk", ZWFW="clerk")
    citizen = factories.user("citizen2")
    assert problems("Abc-12345", citizen) == []
    assert "password_too_short_staff" in problems("Abc-12345", clerk)
    assert problems("Abc-123456", clerk) == []


def test_staff_may_not_reuse_their_last_passwords_and_only_hashes_are_kept(settings):
    settings.YIWANG_PASSWORD_HISTORY = 3
    clerk = factories.user("clerk", ZWFW="clerk")
    used = ["First-pass-1", "Second-pass-2", "Third-pass-3"]
    for old, new in zip(["pw-clerk", *used], used, strict=False):
        change_password(actor=clerk, user=clerk, old_password=old, new_password=new)
    with pytest.raises(DomainError) as refused:
        change_password(actor=clerk, user=clerk, old_password="Third-pass-3", new_password="First-pass-1")
    assert refused.value.code == "password_invalid" and refused.value.status == 422
    change_password(actor=clerk, user=clerk, old_password="Third-pass-3", new_password="Fourth-pass-4")
    # the oldest fell out of the window of three: allowed again
    change_password(actor=clerk, user=clerk, old_password="Fourth-pass-4", new_password="First-pass-1")
    stored = list(PasswordHistory.objects.filter(user=clerk).values_list("password_hash", flat=True))
    assert len(stored) == 3 and not any("pass" in h for h in stored)


def test_messages_are_chinese_with_english():
    clerk = factories.user("clerk", ZWFW="clerk")
    with pytest.raises(DomainError) as zh:
        change_password(actor=clerk, user=clerk, old_password="pw-clerk", new_password="short")
    with translation.override("en"), pytest.raises(DomainError) as en:
        change_password(actor=clerk, user=clerk, old_password="pw-clerk", new_password="short")
    assert "至少三类" in zh.value.message
    assert "three of" in en.value.message


def test_a_wrong_old_password_is_refused():
    clerk = factories.user("clerk", ZWFW="clerk")
    with pytest.raises(DomainError):
        change_password(actor=clerk, user=clerk, old_password="nope", new_password="Good-pass-123")
    assert clerk.check_password("pw-clerk")


def test_an_expired_staff_password_leads_to_the_change_page_first(settings):
    settings.YIWANG_PASSWORD_MAX_AGE_DAYS = 90
    clerk = factories.user("clerk", ZWFW="clerk")
    clerk.date_joined = timezone.now() - dt.timedelta(days=settings.YIWANG_PASSWORD_MAX_AGE_DAYS + 1)
    clerk.save()
    client = Client()
    client.force_login(clerk)
    # when
    blocked = client.get("/work/")
    api = Client().post("/api/v1/auth/token", {"username": "clerk", "password": "pw-clerk"}, content_type="application/json")
    # then
    assert blocked.status_code == 302 and blocked["Location"].startswith("/account/password/")
    assert "密码已过期" in client.get(blocked["Location"]).content.decode()
    assert api.status_code == 403 and api.json()["details"]["reason"] == "password_expired"
    changed = client.post("/account/password/", {"old_password": "pw-clerk", "new_password1": "Brand-new-2027",
                                                 "new_password2": "Brand-new-2027", "next": "/work/"})
    assert changed.status_code == 302 and changed["Location"] == "/work/"
    assert client.get("/work/").status_code == 200


def test_citizens_passwords_do_not_expire(settings):
    settings.YIWANG_PASSWORD_MAX_AGE_DAYS = 90
    citizen = factories.user("citizen2")
    citizen.date_joined = timezone.now() - dt.timedelta(days=settings.YIWANG_PASSWORD_MAX_AGE_DAYS + 1)
    citizen.save()
    client = Client()
    client.force_login(citizen)
    assert client.get("/account/").status_code == 200


def test_the_change_page_shows_the_problems():
    clerk = factories.user("clerk", ZWFW="clerk")
    client = Client()
    client.force_login(clerk)
    response = client.post("/account/password/", {"old_password": "pw-clerk", "new_password1": "abc",
                                                  "new_password2": "abc"})
    assert response.status_code == 422
    assert "至少三类" in response.content.decode()


def test_a_password_within_its_age_or_with_expiry_off_does_not_block(settings):
    clerk = factories.user("clerk", ZWFW="clerk")
    clerk.date_joined = timezone.now() - dt.timedelta(days=89)
    clerk.save()
    client = Client()
    client.force_login(clerk)
    settings.YIWANG_PASSWORD_MAX_AGE_DAYS = 90
    assert client.get("/work/").status_code == 200
    clerk.date_joined = timezone.now() - dt.timedelta(days=400)
    clerk.save()
    settings.YIWANG_PASSWORD_MAX_AGE_DAYS = 0
    assert client.get("/work/").status_code == 200
