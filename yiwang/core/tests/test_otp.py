"""TOTP second factor for staff and administrators: enforced outside demo mode (enrol on first
sign-in, a code on every sign-in, on the token endpoint and for the admin); optional in demo mode
so that demo accounts sign in with a password alone (issue 8, item 8)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yiwang.core.models import AuditEvent, LoginEvent
from yiwang.core.services import reset_otp_devices
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforced(settings):
    settings.YIWANG_DEMO_MODE = False


@pytest.fixture
def demo(settings):
    settings.YIWANG_DEMO_MODE = True


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def login(client: Client, username: str, path: str = "/login/") -> None:
    response = client.post(path, {"username": username, "password": f"pw-{username}"})
    assert response.status_code == 302, response.content


def test_enforced_staff_without_a_device_are_sent_to_enrol_and_confirm_with_a_code(enforced, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # given
    factories.user("clerk", ZWFW="clerk")
    client = Client()
    login(client, "clerk")
    # when: any workbench page
    to_enrol = client.get("/work/")
    page = client.get(to_enrol["Location"])
    device = TOTPDevice.objects.get(user__username="clerk", confirmed=False)
    wrong = client.post(to_enrol["Location"], {"code": "000000"})
    confirmed_by_wrong = TOTPDevice.objects.filter(confirmed=True).exists()
    right = client.post(to_enrol["Location"], {"code": code(device), "next": "/work/"})
    # then
    assert to_enrol["Location"].startswith("/account/otp/enrol/")
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html.split("<svg", 1)[0]  # the QR is drawn inline, not fetched
    assert wrong.status_code == 200 and not confirmed_by_wrong
    assert right.status_code == 302 and right["Location"] == "/work/"
    assert client.get("/work/").status_code == 200
    assert AuditEvent.objects.filter(event_type="otp_device_enrolled").exists()


def test_enforced_staff_with_a_device_enter_a_code_after_the_password(enforced, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then the right one at once
    clerk = factories.user("clerk", ZWFW="clerk")
    device = enrolled(clerk)
    client = Client()
    login(client, "clerk")
    to_verify = client.get("/work/")
    assert to_verify["Location"].startswith("/account/otp/verify/")
    assert client.get("/api/v1/auth/tokens").status_code == 401  # the half-signed-in session is no login for the API
    wrong = client.post("/account/otp/verify/", {"code": "123456", "next": "/work/"})
    right = client.post("/account/otp/verify/", {"code": code(device), "next": "/work/"})
    assert wrong.status_code == 200 and "动态口令错误" in wrong.content.decode()
    assert right.status_code == 302 and client.get("/work/").status_code == 200
    methods = list(LoginEvent.objects.filter(user=clerk).order_by("id").values_list("method", "success"))
    assert methods == [("password", True), ("otp", False), ("otp", True)]


def test_wrong_codes_count_towards_the_lockout(enforced, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.AXES_FAILURE_LIMIT = 3
    clerk = factories.user("clerk", ZWFW="clerk")
    device = enrolled(clerk)
    client = Client()
    login(client, "clerk")
    for _ in range(3):
        client.post("/account/otp/verify/", {"code": "123456"})
    response = client.post("/account/otp/verify/", {"code": code(device)})
    assert response.status_code == 429


def test_enforced_token_requests_from_staff_need_a_code(enforced, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    clerk = factories.user("clerk", ZWFW="clerk")
    device = enrolled(clerk)
    citizen = factories.user("citizen2")
    client = Client()

    def ask(username: str, otp: str | None = None):
        body = {"username": username, "password": f"pw-{username}"}
        if otp is not None:
            body["otp"] = otp
        return client.post("/api/v1/auth/token", body, content_type="application/json")

    missing, wrong, right = ask("clerk"), ask("clerk", "000000"), ask("clerk", code(device))
    assert (missing.status_code, missing.json()["code"]) == (401, "otp_required")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "otp_invalid")
    assert right.status_code == 200
    assert ask(citizen.username).status_code == 200  # citizens: no second factor


def test_enforced_admin_needs_the_second_factor(enforced):
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    device = enrolled(root)
    client = Client()
    login(client, "root", "/admin/login/")
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/account/otp/verify/")
    # the admin site itself refuses an unverified session, whatever path led there
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = root
    root.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    root.is_verified = lambda: True
    assert admin.site.has_permission(request) is True
    client.post("/account/otp/verify/", {"code": code(device), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_demo_mode_staff_without_a_device_sign_in_with_a_password_alone(demo):
    factories.user("clerk", ZWFW="clerk")
    client = Client()
    login(client, "clerk")
    assert client.get("/work/").status_code == 200
    token = client.post("/api/v1/auth/token", {"username": "clerk", "password": "pw-clerk"}, content_type="application/json")
    assert token.status_code == 200


def test_demo_mode_staff_who_enrolled_are_asked_for_their_code(demo):
    clerk = factories.user("clerk", ZWFW="clerk")
    enrolled(clerk)
    client = Client()
    login(client, "clerk")
    assert client.get("/work/")["Location"].startswith("/account/otp/verify/")


def test_an_administrator_resets_a_lost_device_and_the_user_enrols_again(enforced):
    clerk = factories.user("clerk", ZWFW="clerk")
    enrolled(clerk)
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    assert reset_otp_devices(actor=root, user=clerk) == 1
    client = Client()
    login(client, "clerk")
    assert client.get("/work/")["Location"].startswith("/account/otp/enrol/")
    assert AuditEvent.objects.filter(event_type="otp_devices_reset", actor=root).exists()
