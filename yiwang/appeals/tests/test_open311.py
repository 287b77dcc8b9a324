"""Open311 GeoReport v2: the specification's JSON and XML shapes, partner keys, bad input on purpose,
and an unmodified client library (``georeport`` from PyPI) reading the endpoint over HTTP."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from yiwang.appeals import services
from yiwang.appeals.models import Appeal, AppealReport, Open311Partner, Open311Service
from yiwang.appeals.tests.conftest import submit
from yiwang.core.models import AuditEvent

pytestmark = pytest.mark.django_db
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


@pytest.fixture
def open311(county):
    Open311Service.objects.create(code="bus", name="公交服务", category="交通运输", group="交通")
    Open311Service.objects.create(code="pollution", name="环境污染", category="环境保护", group="环境")
    _partner, key = services.issue_open311_key(actor=None, name="citysdk")
    return key


def post(key, **fields):
    data = {"api_key": key, "service_code": "bus", "lat": "30.2", "long": "120.05",
            "description": "公交站台破损，候车很不安全", "email": "a@example.com", "first_name": "明",
            "last_name": "王", "phone": "13800138000", **fields}
    # form-encoded, as the specification and real clients send it
    return Client().post("/open311/v2/requests.json", urlencode({k: v for k, v in data.items() if v is not None}),
                         content_type="application/x-www-form-urlencoded")


def test_discovery_in_json_and_xml(open311):
    body = Client().get("/open311/v2/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = ElementTree.fromstring(Client().get("/open311/v2/discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_and_a_service_definition(open311):
    rows = Client().get("/open311/v2/services.json").json()
    assert {r["service_code"] for r in rows} == {"bus", "pollution"}
    assert set(rows[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    root = ElementTree.fromstring(Client().get("/open311/v2/services.xml").content)
    assert root.tag == "services" and [s.find("service_code").text for s in root] == ["bus", "pollution"]
    assert root.find("service/metadata").text == "false"
    definition = Client().get("/open311/v2/services/bus.json").json()
    assert definition == {"service_code": "bus", "attributes": []}
    assert ElementTree.fromstring(Client().get("/open311/v2/services/bus.xml").content).tag == "service_definition"
    missing = Client().get("/open311/v2/services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_a_partner_posts_a_request_and_reads_it_back(open311):
    response = post(open311, **{"attribute[pole]": "A-17"})
    assert response.status_code == 201
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    appeal = Appeal.objects.get(number=answer["service_request_id"])
    assert appeal.channel == "open311" and appeal.category == "交通运输" and appeal.lead_department.code == "JT"
    report = appeal.reports.get()
    assert report.partner == "citysdk" and report.attributes == {"pole": "A-17"} and report.reporter_name == "王 明"
    [row] = Client().get(f"/open311/v2/requests/{appeal.number}.json").json()
    assert set(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["service_code"] == "bus" and row["agency_responsible"] == appeal.lead_department.name
    assert ISO_WITH_OFFSET.match(row["requested_datetime"]) and ISO_WITH_OFFSET.match(row["expected_datetime"])
    assert (row["lat"], row["long"]) == (30.2, 120.05)
    assert "13800138000" not in str(row) and "a@example.com" not in str(row)
    xml = ElementTree.fromstring(Client().get(f"/open311/v2/requests/{appeal.number}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text == appeal.number
    assert {child.tag for child in xml.find("request")} == REQUEST_FIELDS
    token = report.token
    assert Client().get(f"/open311/v2/tokens/{token}.json").json() == [
        {"service_request_id": appeal.number, "token": token}]
    assert ElementTree.fromstring(Client().get(f"/open311/v2/tokens/{token}.xml").content).find(
        "request/token").text == token


def test_posting_in_xml_answers_in_xml(open311):
    response = Client().post("/open311/v2/requests.xml", {"api_key": open311, "service_code": "pollution",
                                                          "address_string": "城关镇河边", "description": "河水发黑有臭味"})
    assert response.status_code == 201 and response["Content-Type"].startswith("text/xml")
    assert ElementTree.fromstring(response.content).find("request/service_request_id").text


def test_requests_filters(open311, county):
    bus = Appeal.objects.get(number=post(open311).json()[0]["service_request_id"])
    other = submit(county.citizen, now=timezone.now()).appeal
    services.close_appeal(actor=county.jt, number=other.number, reply="已处理")

    def ids(query):
        response = Client().get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert ids("") == {bus.number, other.number}
    assert ids("status=closed") == {other.number}
    assert ids("status=open") == {bus.number}
    assert ids(f"service_request_id={bus.number},{other.number}") == {bus.number, other.number}
    assert ids("service_code=pollution") == set()
    assert ids("start_date=2099-01-01T00:00:00Z&end_date=2099-02-01T00:00:00Z") == set()
    assert ids("jurisdiction_id=330999") == {bus.number, other.number}


@pytest.mark.parametrize("fields, status, words", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "o311_wrong"}, 403, "api_key"),
    ({"service_code": "nope"}, 404, "service_code"),
    ({"lat": "200"}, 400, "纬度"),
    ({"lat": None, "long": None}, 400, "lat"),
    ({"description": "很长" * 3000}, 400, "不能超过"),
    ({"description": "<![CDATA[x]]></description><script>alert(1)</script>&amp;"}, 201, ""),
    ({"description": "bell\x07char"}, 400, "控制字符"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"email": "nope"}, 400, "邮箱"),
    ({"jurisdiction_id": "elsewhere"}, 404, "jurisdiction_id"),
])
def test_bad_posts_are_refused_in_the_spec_error_shape(open311, fields, status, words):
    response = post(open311, **fields)
    assert response.status_code == status, response.content
    if status >= 400:
        [error] = response.json()
        assert error["code"] == status and words in error["description"]
        assert not Appeal.objects.exists()


def test_xml_hostile_text_comes_back_as_text(open311):
    hostile = "<![CDATA[x]]></description><script>alert(1)</script>&amp;"
    number = post(open311, description=hostile).json()[0]["service_request_id"]
    root = ElementTree.fromstring(Client().get(f"/open311/v2/requests/{number}.xml").content)
    assert root.find("request/description").text.startswith("<![CDATA[x]]>")
    assert root.find("request/script") is None


def test_a_10_mb_description_is_refused_before_it_is_read_in_the_spec_shape(open311):
    # form-encoded, as the specification sends it: core's size middleware refuses it by its length,
    # in Open311's shape (clients parse nothing else) and in the format the path asks for
    response = post(open311, description="x" * (10 * 1024 * 1024))
    assert response.status_code == 413 and response["Connection"] == "close"
    [error] = response.json()
    assert error["code"] == 413 and "5 MB" in error["description"]
    xml = Client().post("/open311/v2/requests.xml", "description=" + "x" * (10 * 1024 * 1024),
                        content_type="application/x-www-form-urlencoded")
    root = ElementTree.fromstring(xml.content)
    assert xml.status_code == 413 and xml["Content-Type"].startswith("text/xml")
    assert root.tag == "errors" and root.find("error/code").text == "413"
    english = Client().post("/open311/v2/requests.json", "description=" + "x" * (10 * 1024 * 1024),
                            content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="en")
    assert "5 MB" in english.json()[0]["description"] and "过大" not in english.json()[0]["description"]
    # multipart (which the specification does not use) is refused when read, in the same shape
    response = Client().post("/open311/v2/requests.json", {"api_key": open311, "service_code": "bus",
                                                           "description": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413 and response.json()[0]["code"] == 413
    assert not Appeal.objects.exists()


def test_other_paths_keep_the_core_error_shape_for_a_large_body(open311):
    response = Client().post("/api/v1/appeals", "x" * (10 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_a_partner_posting_10_mb_over_http_reads_an_open311_error(open311, live_server):
    """What a partner's client sees on the wire: georeport (whose HTTP is ``requests`` and whose XML
    reader is ``xmltodict``) has no POST, so the POST is made with the same libraries, unmodified."""
    import requests
    import xmltodict

    data = {"api_key": open311, "service_code": "bus", "lat": "30.2", "long": "120.05",
            "description": "x" * (10 * 1024 * 1024)}
    for fmt in ("json", "xml"):
        response = requests.post(f"{live_server.url}/open311/v2/requests.{fmt}", data=data, timeout=60)
        assert response.status_code == 413
        with pytest.raises(requests.HTTPError):
            response.raise_for_status()  # what georeport calls on every answer
        error = response.json()[0] if fmt == "json" else xmltodict.parse(response.content)["errors"]["error"]
        assert int(error["code"]) == 413 and "5 MB" in error["description"]
    assert not Appeal.objects.exists()


def test_errors_in_xml_and_unknown_formats(open311):
    root = ElementTree.fromstring(Client().get("/open311/v2/requests/nope.xml").content)
    assert root.tag == "errors" and root.find("error/code").text == "404"
    response = Client().get("/open311/v2/services.yaml")
    assert response.status_code == 400 and response.json()[0]["code"] == 400
    assert Client().get("/open311/v2/requests.json?start_date=yesterday").status_code == 400
    assert Client().get("/open311/v2/requests.json?status=lost").status_code == 400
    assert Client().get("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
                        ).status_code == 400


def test_keys_are_shown_once_stored_hashed_and_revocable(open311):
    out = io.StringIO()
    call_command("open311_key", "create", "fixmystreet", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    partner = Open311Partner.objects.get(name="fixmystreet")
    assert key.startswith("o311_") and key not in (partner.key_hash, partner.key_prefix)
    assert post(key).status_code == 201
    call_command("open311_key", "revoke", "fixmystreet", stdout=io.StringIO())
    assert post(key).status_code == 403
    assert {"open311_key_issued", "open311_key_revoked"} <= set(
        AuditEvent.objects.filter(subject_id="fixmystreet").values_list("event_type", flat=True))
    from django.core.management.base import CommandError
    with pytest.raises(CommandError):
        call_command("open311_key", "create", "citysdk", stdout=io.StringIO())  # still active


def test_an_unmodified_open311_client_reads_the_endpoint(open311, live_server):
    from georeport import GeoReport

    number = post(open311).json()[0]["service_request_id"]
    root = f"{live_server.url}/open311/v2"
    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction="330999", output_format=fmt)
        services_ = client.get_service_list()
        codes = {s["service_code"] for s in services_}
        assert codes == {"bus", "pollution"}
        assert client.get_service_definition("bus")["service_code"] == "bus"
        assert client.get_service_request(number)["service_request_id"] == number
        found = client.get_service_requests(service_request_id=number)
        found = found if isinstance(found, list) else [found]  # xmltodict gives a dict for one element
        assert found[0]["status"] == "open"
    assert AppealReport.objects.get(appeal__number=number).partner == "citysdk"


def test_an_administrator_issues_a_key_seen_once_and_revokes_it(open311):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="pw-root")
    c = Client()
    c.force_login(root)
    page = c.post("/admin/appeals/open311partner/add/", {"name": "wechat-311"}, follow=True)
    key = re.search(r"o311_[A-Za-z0-9_-]{40,}", page.content.decode()).group(0)
    assert post(key).status_code == 201
    assert key not in c.get("/admin/appeals/open311partner/").content.decode()  # never shown again
    partner = Open311Partner.objects.get(name="wechat-311")
    c.post("/admin/appeals/open311partner/", {"action": "revoke", "_selected_action": [partner.pk]})
    assert post(key).status_code == 403
    assert AuditEvent.objects.filter(event_type="open311_key_revoked", actor=root).exists()
