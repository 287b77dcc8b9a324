"""The identity pages: registration without JavaScript, the refusal page, the login page's demo hint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from yiwang.core.calendar import LOCAL_TZ
from yiwang.core.models import Applicant, RealNameLevel
from yiwang.identity.models import RealName
from yiwang.identity.permissions import level_of
from yiwang.identity.tests.helpers import last_code
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def test_registration_page_sends_the_code_keeps_what_was_typed_and_registers():
    client = Client()
    form = {"name": "王芳", "id_number": factories.citizen_id("33099919800101123"), "phone": "13912345678"}
    sent = client.post("/register/", {**form, "action": "send_code"})
    assert sent.status_code == 200 and "王芳" in sent.content.decode()
    done = client.post("/register/", {**form, "code": last_code(), "password": "Yiwang-Test-2026",
                                      "password2": "Yiwang-Test-2026", "action": "register"})
    assert done.status_code == 302 and done["Location"] == "/me/identity/"
    assert level_of(Applicant.objects.get(user__username="13912345678")) == RealNameLevel.L1
    page = client.get("/me/identity/")
    assert page.status_code == 200 and "L1" in page.content.decode()


def test_registration_page_shows_a_bad_check_digit_at_the_field():
    client = Client()
    good = factories.citizen_id("33099919800101123")
    response = client.post("/register/", {"name": "王芳", "id_number": good[:17] + ("0" if good[17] != "0" else "1"),
                                          "phone": "13912345678", "code": "123456", "password": "x", "password2": "x",
                                          "action": "register"})
    assert response.status_code == 422 and "校验位" in response.content.decode()


def test_the_apply_page_below_the_items_level_explains_how_to_raise_it(world):
    world.item.required_level = RealNameLevel.L3
    world.item.save(update_fields=["required_level"])
    RealName.objects.create(applicant=world.applicant, level=RealNameLevel.L2)
    client = Client()
    client.force_login(world.citizen)
    response = client.get(f"/items/{world.item.code}/apply/")
    body = response.content.decode()
    assert response.status_code == 403 and "如何提升实名等级" in body and "/me/identity/" in body


def test_the_login_page_shows_the_demo_password_only_in_demo_mode(settings):
    client = Client()
    assert "yiwang2026" in client.get("/login/").content.decode()
    settings.YIWANG_DEMO_MODE = False
    assert "yiwang2026" not in client.get("/login/").content.decode()


def test_the_window_page_is_for_clerks_and_records_l3(world):
    client = Client()
    client.force_login(world.citizen)
    assert client.get("/workbench/identity/").status_code == 403
    client.force_login(world.clerk)
    found = client.get("/workbench/identity/", {"kind": "person", "id_number": world.applicant.id_number})
    assert found.status_code == 200 and world.applicant.name in found.content.decode()
    client.post("/workbench/identity/", {"kind": "person", "id_number": world.applicant.id_number, "action": "verify",
                                         "document_checked": "on", "note": "身份证原件，人证一致"})
    assert level_of(world.applicant) == RealNameLevel.L3


def test_the_proposed_end_of_an_authorisation_is_90_days_from_the_countys_date(world, monkeypatch):
    """From the county's midnight to 08:00 its date is a day ahead of UTC's: the form proposes 90
    days from the county's date at any hour (on 1 January at 01:00 the UTC date is still 31 December)."""
    county_new_year_1am = dt.datetime(2031, 1, 1, 1, 0, tzinfo=LOCAL_TZ)
    monkeypatch.setattr("django.utils.timezone.now", lambda: county_new_year_1am.astimezone(dt.UTC))
    expected = f'value="{dt.date(2031, 1, 1) + dt.timedelta(days=90):%Y-%m-%d}"'
    client = Client()
    client.force_login(world.citizen)
    page = client.get("/me/identity/")
    assert page.status_code == 200 and f'name="valid_until" id="id_valid_until" {expected}' in page.content.decode()
    client.force_login(world.clerk)
    window = client.get("/workbench/identity/", {"kind": "person", "id_number": world.applicant.id_number})
    assert window.status_code == 200 and f'name="valid_until" id="id_valid_until" {expected}' in window.content.decode()
