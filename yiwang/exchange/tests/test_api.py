"""The exchange API and pages as systems, stewards and citizens meet them."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.exchange import services
from yiwang.exchange.models import AccessLog, Subscription
from yiwang.exchange.tests.conftest import people_csv, zhang
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def bearer(client: Client, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", {"username": username, "password": f"pw-{username}"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def api_key(county) -> dict[str, str]:
    _cred, key = services.issue_credential(actor=county.scjg_clerk, department=county.scjg, name="企业开办系统",
                                           subscriptions=[county.subscription])
    return {"HTTP_X_API_KEY": key}


def test_a_system_looks_up_with_its_api_key(county):
    # given
    client = Client()
    # when
    response = client.post("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "fields": ["name", "gender"],
                                                       "purpose": "企业开办"}, content_type="application/json", **api_key(county))
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["data"] == {"name": "张*", "gender": "男"} and len(body["response_sm3"]) == 64
    assert AccessLog.objects.get(pk=body["access_id"]).credential is not None


def test_get_lookup_and_refusals_carry_the_rule_in_the_error_shape(county):
    client = Client()
    auth = api_key(county)
    ok = client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "fields": "name"}, **auth)
    not_subscribed = client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "fields": "household_type"}, **auth)
    wrong_key = client.get("/api/v1/exchange/lookup", {"resource": "QY", "key": factories.uscc()}, **auth)
    bad_key = client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang()[:17] + "0", "fields": "name"}, **auth)
    absent = client.post("/api/v1/exchange/lookup", {"resource": "RK"}, content_type="application/json", **auth)
    unknown = client.get("/api/v1/exchange/lookup", {"resource": "XX", "key": zhang()}, **auth)
    assert ok.status_code == 200
    assert (not_subscribed.status_code, not_subscribed.json()["code"]) == (403, "field_not_subscribed")
    assert (wrong_key.status_code, wrong_key.json()["code"]) == (403, "wrong_department_key")
    assert (bad_key.status_code, bad_key.json()["code"], bad_key.json()["details"]["problem"]) == (422, "invalid_lookup_key", "check_digit")
    assert (absent.status_code, absent.json()["details"]["problem"]) == (422, "missing")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_resource")
    assert set(not_subscribed.json()) == {"code", "message", "details"}


def test_rate_limit_answers_429(county):
    Subscription.objects.filter(pk=county.subscription.pk).update(rate_per_minute=1)
    client = Client()
    auth = api_key(county)
    client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "fields": "name"}, **auth)
    second = client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "fields": "name"}, **auth)
    assert (second.status_code, second.json()["code"]) == (429, "rate_limited")


def test_a_bad_api_key_is_401(county):
    response = Client().get("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang()}, HTTP_X_API_KEY="yw_ex_nope")
    assert response.status_code == 401


def test_staff_request_and_steward_approve_through_the_api(county):
    client = Client()
    clerk, steward = bearer(client, "mz_reviewer"), bearer(client, "ga_steward")
    # when
    asked = client.post("/api/v1/exchange/subscriptions", {"resource": "RK", "fields": ["name", "birth_date"],
                                                           "purpose": "高龄津贴", "legal_basis": "条例"},
                        content_type="application/json", **clerk)
    sub_id = asked.json()["id"]
    by_other = client.post(f"/api/v1/exchange/subscriptions/{sub_id}/approve", {}, content_type="application/json", **clerk)
    approved = client.post(f"/api/v1/exchange/subscriptions/{sub_id}/approve", {"daily_quota": 10},
                           content_type="application/json", **steward)
    served = client.post("/api/v1/exchange/lookup", {"resource": "RK", "key": zhang(), "reason_code": "in_person",
                                                     "reason": "申请人在窗口当面申领高龄津贴"},
                         content_type="application/json", **clerk)
    # then
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert by_other.status_code in (403, 404)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert served.status_code == 200 and set(served.json()["data"]) == {"name", "birth_date"}


def test_requesting_a_negative_listed_field_is_refused_at_the_door(county):
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="address", reason="x")
    client = Client()
    response = client.post("/api/v1/exchange/subscriptions", {"resource": "RK", "fields": ["address"], "purpose": "p",
                                                              "legal_basis": "b"}, content_type="application/json",
                           **bearer(client, "mz_reviewer"))
    assert (response.status_code, response.json()["code"]) == (403, "field_negative_listed")


def test_catalogue_and_negative_list_are_visible_to_consumers(county):
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name="religion", reason="宗教信仰")
    client = Client()
    auth = bearer(client, "mz_reviewer")
    resources = client.get("/api/v1/exchange/resources", **auth).json()
    negative = client.get("/api/v1/exchange/negative-list", **auth).json()
    people = next(r for r in resources if r["code"] == "RK")
    assert {f["name"]: f["negative_listed"] for f in people["fields"]}["religion"] is True
    assert [(e["resource"], e["field"]) for e in negative] == [("RK", "religion")]


def test_steward_uploads_a_dataset_and_reads_its_report(county):
    client = Client()
    auth = bearer(client, "ga_steward")
    data = people_csv() + b"12345,bad,,,,,,\n"
    response = client.post("/api/v1/exchange/resources/RK/datasets",
                           {"file": factories.upload_file("rk.csv", data)}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_loaded"], body["rows_rejected"], body["version"]) == (3, 1, 2)
    assert client.get(f"/api/v1/exchange/datasets/{body['id']}", **auth).json()["report"]["errors"][0]["row"] == 5
    gbk = client.post("/api/v1/exchange/resources/RK/datasets",
                      {"file": factories.upload_file("rk.csv", people_csv().decode().encode("gbk"))}, **auth)
    assert (gbk.status_code, gbk.json()["code"]) == (422, "wrong_encoding")
    none_valid = client.post("/api/v1/exchange/resources/RK/datasets",
                             {"file": factories.upload_file("rk.csv", b"id_number,name,birth_date\n1,x,y\n")}, **auth)
    assert (none_valid.status_code, none_valid.json()["code"]) == (422, "no_valid_rows")


def test_provider_steward_sees_who_used_its_data(county):
    services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], purpose="企业开办")
    client = Client()
    rows = client.get("/api/v1/exchange/access-logs", **bearer(client, "ga_steward")).json()["items"]
    assert [(r["consumer"], r["resource"], r["fields_returned"], r["purpose"]) for r in rows] == [("SCJG", "RK", ["name"], "企业开办")]
    refused = client.get("/api/v1/exchange/access-logs", **bearer(client, "mz_reviewer"))
    assert refused.status_code == 403


def test_citizen_sees_who_accessed_their_own_data_and_why(county):
    # given: 张三 is a citizen with an account; SCJG looked him up for a case, and someone else too
    user, _applicant = factories.citizen("zhangsan", first17="11010119900307851", name="张三")
    services.fetch_for_case(consumer_department=county.scjg, resource_code="RK", key=zhang(), fields=["name", "gender"],
                            purpose="企业开办：核验法定代表人身份", case_reference="SCJG-2026-000123", actor=county.scjg_clerk)
    services.lookup(consumer=county.consumer(), resource_code="RK", key=factories.citizen_id("11010119851120432"),
                    fields=["name"])
    client = Client()
    client.force_login(user)
    # when
    page = client.get("/me/data-usage/")
    api = client.get("/api/v1/exchange/my-data-usage")
    # then
    html = page.content.decode()
    assert page.status_code == 200 and "县市场监管局" in html and "SCJG-2026-000123" in html and "性别" in html
    assert [(r["consumer"], r["case_reference"]) for r in api.json()] == [("SCJG", "SCJG-2026-000123")]


def test_data_usage_page_needs_login():
    assert Client().get("/me/data-usage/").status_code == 302


@pytest.mark.parametrize("url", ["/work/exchange/", "/work/exchange/resources/RK/", "/work/exchange/negative-list/",
                                 "/work/exchange/subscriptions/", "/work/exchange/usage/"])
def test_steward_pages_render(county, url):
    client = Client()
    client.force_login(county.ga_steward)
    response = client.get(url)
    assert response.status_code == 200, url
    assert "人口基础信息" in response.content.decode() or "谁使用了" in response.content.decode()


def test_steward_approves_and_uploads_through_the_pages(county):
    # given
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people, fields=["name"],
                                        purpose="p", legal_basis="b")
    client = Client()
    client.force_login(county.ga_steward)
    # when
    client.post(f"/work/exchange/subscriptions/{sub.pk}/approve/", {"expires_on": "2099-01-01", "daily_quota": "5",
                                                                    "rate_per_minute": "5"})
    upload = client.post("/work/exchange/resources/RK/", {"file": factories.upload_file("rk.csv", people_csv())})
    # then
    sub.refresh_from_db()
    assert sub.status == "approved" and sub.daily_quota == 5
    assert upload.status_code == 302 and "/work/exchange/datasets/" in upload["Location"]


def test_the_steward_page_shows_each_field_asked_in_clear_and_grants_only_what_is_ticked(county):
    # given a request asking name in clear and address masked
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["name", "address", "gender"], clear_fields=["name"],
                                        purpose="高龄津贴", legal_basis="条例")
    client = Client()
    client.force_login(county.ga_steward)
    # then the page names the fields by label and shows that name is asked unmasked, with its own box
    page = client.get("/work/exchange/subscriptions/").content.decode()
    assert "<li>姓名 " in page and "<li>住址</li>" in page and "申请以原值提供（不脱敏）" in page
    assert "（name）" not in page and "（address）" not in page  # labels, never the field names (issue 16)
    assert 'name="clear_fields" value="name"' in page and 'name="clear_fields" value="address"' not in page
    # when the steward approves without ticking it, and without gender
    client.post(f"/work/exchange/subscriptions/{sub.pk}/approve/", {
        "expires_on": "2099-01-01", "daily_quota": "5", "rate_per_minute": "5", "fields_shown": "1",
        "fields": ["name", "address"]})
    # then exactly that was granted: no clear field
    sub.refresh_from_db()
    assert (sub.status, sub.fields, sub.clear_fields) == ("approved", ["name", "address"], [])
    # and a second request approved with the box ticked grants name in clear
    sub2 = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                         fields=["name"], clear_fields=["name"], purpose="复核", legal_basis="条例")
    client.post(f"/work/exchange/subscriptions/{sub2.pk}/approve/", {
        "expires_on": "2099-01-01", "daily_quota": "5", "rate_per_minute": "5", "fields_shown": "1",
        "fields": ["name"], "clear_fields": ["name"]})
    sub2.refresh_from_db()
    assert sub2.clear_fields == ["name"]
    client.force_login(county.mz_clerk)
    assert "姓名（原值）" in client.get("/work/exchange/subscriptions/").content.decode()


def test_citizens_cannot_open_steward_pages(county):
    user, _a = factories.citizen("someone", first17="11010119851120432", name="李四")
    client = Client()
    client.force_login(user)
    assert client.get("/work/exchange/").status_code == 403
