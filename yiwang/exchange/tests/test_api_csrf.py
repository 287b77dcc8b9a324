"""A steward's browser session cannot be used by another page to act through the API (issue 8,
item 2): the forged approval of a 10,000,000-a-day subscription, and the negative list."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.exchange import services
from yiwang.exchange.models import NegativeListEntry, Subscription, SubscriptionStatus
from yiwang.testing.http import assert_error, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def password_only_sign_in(settings):
    # Demo mode: staff sign in without a second factor here; test_otp.py covers enforcement.
    settings.YIWANG_DEMO_MODE = True


def steward_browser(county) -> tuple[Client, str]:
    """The steward signed in, as their browser is: the session cookie and the CSRF cookie set."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.ga_steward)
    client.get("/")
    return client, client.cookies["csrftoken"].value


def pending(county) -> Subscription:
    return services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                         fields=["name"], purpose="高龄津贴", legal_basis="条例")


def test_a_forged_approval_under_the_stewards_session_is_refused(county):
    # given: a pending request and the steward's signed-in browser
    sub = pending(county)
    client, _token = steward_browser(county)
    url = f"/api/v1/exchange/subscriptions/{sub.pk}/approve"
    # when: another page submits a form (text/plain, no token) or a fetch with a wrong token
    form = client.post(url, '{"daily_quota": 10000000, "x": "=', content_type="text/plain")
    no_token = client.post(url, {"daily_quota": 10_000_000}, content_type="application/json")
    wrong = client.post(url, {"daily_quota": 10_000_000}, content_type="application/json", HTTP_X_CSRFTOKEN="x" * 32)
    # then
    for response in (form, no_token, wrong):
        assert_error(response, 403, "csrf_failed")
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PENDING and sub.daily_quota != 10_000_000


def test_the_stewards_own_page_with_the_csrf_token_still_approves(county):
    sub = pending(county)
    client, token = steward_browser(county)
    response = client.post(f"/api/v1/exchange/subscriptions/{sub.pk}/approve", {"daily_quota": 20},
                           content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"


def test_a_text_plain_body_is_refused_even_with_the_token(county):
    sub = pending(county)
    client, token = steward_browser(county)
    response = client.post(f"/api/v1/exchange/subscriptions/{sub.pk}/approve", '{"daily_quota": 10000000}',
                           content_type="text/plain", HTTP_X_CSRFTOKEN=token)
    body = assert_error(response, 415, "unsupported_media_type")
    assert body["details"]["content_type"] == "text/plain"
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PENDING


def test_bearer_clients_need_no_csrf_token_but_json_all_the_same(county):
    sub = pending(county)
    client = Client(enforce_csrf_checks=True)
    auth = bearer(client, "ga_steward")
    as_text = client.post(f"/api/v1/exchange/subscriptions/{sub.pk}/approve", '{"daily_quota": 20}',
                          content_type="text/plain", **auth)
    approved = client.post(f"/api/v1/exchange/subscriptions/{sub.pk}/approve", {"daily_quota": 20},
                           content_type="application/json", **auth)
    assert_error(as_text, 415, "unsupported_media_type")
    assert approved.status_code == 200, approved.content


def test_the_negative_list_cannot_be_changed_by_a_forged_request(county):
    client, token = steward_browser(county)
    payload = {"resource": "RK", "field": "address", "reason": "forged"}
    forged_add = client.post("/api/v1/exchange/negative-list", payload, content_type="application/json")
    entry = services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="religion", reason="x")
    forged_lift = client.delete(f"/api/v1/exchange/negative-list/{entry.pk}")
    assert_error(forged_add, 403, "csrf_failed")
    assert_error(forged_lift, 403, "csrf_failed")
    assert not NegativeListEntry.objects.filter(reason="forged").exists()
    assert NegativeListEntry.objects.get(pk=entry.pk).lifted_at is None
    # the steward's own page, with the token, may
    added = client.post("/api/v1/exchange/negative-list", payload, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert added.status_code == 201, added.content


def test_reads_under_the_session_need_no_token(county):
    client, _token = steward_browser(county)
    assert client.get("/api/v1/exchange/subscriptions").status_code == 200
