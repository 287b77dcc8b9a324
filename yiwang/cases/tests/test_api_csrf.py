"""A citizen's browser session cannot be used by another page to withdraw their case or upload
files in their name (issue 8, item 2)."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.cases.models import Case, CaseMaterial, CaseStatus
from yiwang.testing import case_factories, factories
from yiwang.testing.http import assert_error, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def password_only_sign_in(settings):
    # Demo mode: staff sign in without a second factor here; test_otp.py covers enforcement.
    settings.YIWANG_DEMO_MODE = True


def citizen_browser(world) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.citizen)
    client.get("/")
    return client, client.cookies["csrftoken"].value


def test_a_forged_withdrawal_is_refused(world):
    # given
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    client, _token = citizen_browser(world)
    url = f"/api/v1/cases/{case.number}/withdraw"
    # when
    form = client.post(url, '{"reason": "forged"}', content_type="text/plain")
    no_token = client.post(url, {"reason": "forged"}, content_type="application/json")
    wrong = client.post(url, {"reason": "forged"}, content_type="application/json", HTTP_X_CSRFTOKEN="y" * 32)
    # then
    for response in (form, no_token, wrong):
        assert_error(response, 403, "csrf_failed")
    assert Case.objects.get(pk=case.pk).status != CaseStatus.WITHDRAWN


def test_the_citizens_own_page_with_the_token_withdraws(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    client, token = citizen_browser(world)
    response = client.post(f"/api/v1/cases/{case.number}/withdraw", {"reason": "不再需要"},
                           content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=case.pk).status == CaseStatus.WITHDRAWN


def test_a_forged_upload_is_refused_and_the_real_one_with_the_token_works(world):
    client, token = citizen_browser(world)
    before = CaseMaterial.objects.count()
    forged = client.post("/api/v1/uploads", {"file": factories.upload_file("x.pdf", factories.PDF_BYTES)})
    assert_error(forged, 403, "csrf_failed")
    assert CaseMaterial.objects.count() == before
    # multipart stays allowed where the endpoint takes files
    real = client.post("/api/v1/uploads", {"file": factories.upload_file("x.pdf", factories.PDF_BYTES)},
                       HTTP_X_CSRFTOKEN=token)
    assert real.status_code == 201, real.content


def test_bearer_clients_upload_and_withdraw_without_a_csrf_token(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    client = Client(enforce_csrf_checks=True)
    auth = bearer(client, "citizen")
    uploaded = client.post("/api/v1/uploads", {"file": factories.upload_file("x.pdf", factories.PDF_BYTES)}, **auth)
    withdrawn = client.post(f"/api/v1/cases/{case.number}/withdraw", {"reason": "x"}, content_type="application/json", **auth)
    assert uploaded.status_code == 201, uploaded.content
    assert withdrawn.status_code == 200, withdrawn.content
