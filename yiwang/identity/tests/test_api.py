"""The identity API as a client would call it: registration, levels, authorisations, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from yiwang.core.models import Applicant, RealNameLevel
from yiwang.identity.tests.helpers import last_code
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db
PASSWORD = "Yiwang-Test-2026"
NOAUTH: dict[str, str] = {}


def register_over_api(client: Client, phone: str = "13912345678", first17: str = "33099919800101123") -> dict:
    assert post_json(client, "/api/v1/identity/codes", {"phone": phone}, NOAUTH).status_code == 202
    response = post_json(client, "/api/v1/identity/register/person",
                         {"name": "王芳", "id_number": factories.citizen_id(first17), "phone": phone,
                          "code": last_code(), "password": PASSWORD}, NOAUTH)
    assert response.status_code == 201, response.content
    token = post_json(client, "/api/v1/auth/token", {"username": phone, "password": PASSWORD}, NOAUTH)
    return {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}


def test_register_then_read_my_level():
    client = Client()
    auth = register_over_api(client)
    me = client.get("/api/v1/identity/me", **auth).json()
    assert me["level"] == 1 and me["verifications"][0]["method"] == "registration"


def test_a_registered_phone_gets_the_same_202(settings):
    settings.YIWANG_IDENTITY_CODE_RESEND_SECONDS = 0
    client = Client()
    register_over_api(client)
    again = post_json(client, "/api/v1/identity/codes", {"phone": "13912345678"}, NOAUTH)
    fresh = post_json(client, "/api/v1/identity/codes", {"phone": "13912345670"}, NOAUTH)
    assert again.status_code == fresh.status_code == 202 and again.json() == fresh.json()


def test_bad_input_is_refused_in_the_one_error_shape():
    client = Client()
    assert_error(post_json(client, "/api/v1/identity/codes", {"phone": "12"}, NOAUTH), 422, "phone_invalid")
    post_json(client, "/api/v1/identity/codes", {"phone": "13912345678"}, NOAUTH)
    assert_error(post_json(client, "/api/v1/identity/codes", {"phone": "13912345678"}, NOAUTH), 429, "code_rate_limited")
    good = factories.citizen_id("33099919800101123")
    body = {"name": "王芳", "id_number": good[:17] + ("0" if good[17] != "0" else "1"), "phone": "13912345678",
            "code": last_code(), "password": PASSWORD}
    assert_error(post_json(client, "/api/v1/identity/register/person", body, NOAUTH), 422, "invalid_citizen_id")
    body["id_number"], body["code"] = good, "abcdef"
    assert_error(post_json(client, "/api/v1/identity/register/person", body, NOAUTH), 422, "code_invalid")
    uscc = factories.uscc("91330999MA2B3C4D5")
    enterprise = {"uscc": uscc[:17] + ("0" if uscc[17] != "0" else "1"), "name": "某公司", "legal_representative": "赵刚",
                  "legal_representative_id": good, "operator_name": "钱丽", "operator_id_number": good,
                  "phone": "13912345678", "code": "123456", "password": PASSWORD}
    assert_error(post_json(client, "/api/v1/identity/register/enterprise", enterprise, NOAUTH), 422, "invalid_uscc")
    # a code of the wrong shape is refused by the schema, not by a crash
    body["code"] = "1" * 50
    assert post_json(client, "/api/v1/identity/register/person", body, NOAUTH).status_code == 422


def test_online_check_without_data_sharing_is_409_not_500():
    factories.department("ZWFW", "政务服务管理局", centre=True)
    client = Client()
    auth = register_over_api(client)
    assert_error(post_json(client, "/api/v1/identity/me/verify", {}, auth), 409, "verification_unavailable")


def test_an_l1_account_cannot_authorise_online_and_is_told_how():
    client = Client()
    auth = register_over_api(client)
    payload = {"agent_name": "张三", "agent_id_number": factories.citizen_id("11010119900307851"), "all_items": True,
               "valid_until": (timezone.now() + dt.timedelta(days=30)).isoformat()}
    body = assert_error(post_json(client, "/api/v1/identity/authorisations", payload, auth), 403,
                        "real_name_level_too_low")
    assert body["details"]["required_level"] == 2 and body["details"]["url"] == "/me/identity/"


def test_applying_over_the_api_below_the_items_level_is_403_with_the_way_forward(world):
    from yiwang.identity.models import RealName

    world.item.required_level = RealNameLevel.L2
    world.item.save(update_fields=["required_level"])
    RealName.objects.create(applicant=world.applicant, level=RealNameLevel.L1)
    client = Client()
    auth = bearer(client, "citizen")
    body = assert_error(post_json(client, "/api/v1/applications", {"item_code": world.item.code, "form": {}}, auth), 403,
                        "real_name_level_too_low")
    assert body["details"]["current_level"] == 1 and "L2" in body["message"]


def test_on_behalf_of_an_authorisation_you_do_not_hold_is_403(world):
    client = Client()
    auth = bearer(client, "citizen")
    payload = {"item_code": world.item.code, "form": {}, "on_behalf_of": 999999}
    assert_error(post_json(client, "/api/v1/applications", payload, auth), 403, "not_authorised_agent")


def test_only_a_clerk_records_a_window_check_over_the_api(world):
    client = Client()
    payload = {"kind": "person", "id_number": world.applicant.id_number, "document_checked": True,
               "note": "身份证原件，人证一致"}
    assert_error(post_json(client, "/api/v1/identity/window/verifications", payload, bearer(client, "citizen")), 403,
                 "not_a_clerk")
    from yiwang.core.models import StaffRole
    # the window clerk of the world fixture needs no second factor in demo mode without a device
    assert StaffRole.objects.filter(user=world.clerk, role="clerk").exists()
    response = post_json(client, "/api/v1/identity/window/verifications", payload, bearer(Client(), "clerk"))
    assert response.status_code == 200, response.content
    assert response.json()["level"] == 3


def test_a_name_with_characters_outside_the_bmp_registers_as_typed_and_reads_back():
    # given a person named with CJK Extension B and E ideographs (𠮷; 𬌗, GB 18030-2022 level 1)
    client = Client()
    assert post_json(client, "/api/v1/identity/codes", {"phone": "13912345678"}, NOAUTH).status_code == 202
    name = "吉𠮷𬌗"
    response = post_json(client, "/api/v1/identity/register/person",
                         {"name": name, "id_number": factories.citizen_id("33099919800101123"), "phone": "13912345678",
                          "code": last_code(), "password": PASSWORD}, NOAUTH)
    # then the registration takes it, and the account's applicant is that name, character for character
    assert response.status_code == 201, response.content
    token = post_json(client, "/api/v1/auth/token", {"username": "13912345678", "password": PASSWORD}, NOAUTH)
    user = get_user_model().objects.get(username="13912345678")
    assert token.status_code == 200 and Applicant.objects.get(user=user).name == name
