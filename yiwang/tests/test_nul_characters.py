"""The NUL character (U+0000) in what a person sends is refused at the request boundary
(``yiwang.core.middleware.NulCharacterMiddleware``): a 400 with a message, on SQLite as on
PostgreSQL (whose text cannot hold it: a 500 before), before any view or service runs, in the
shape of what was asked (the API's JSON, Open311's errors, the site's error page). An upload's
content may hold NUL bytes and is accepted."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yiwang.appeals import services as appeals
from yiwang.appeals.models import Appeal, Open311Service
from yiwang.cases.models import Case, CaseMaterial
from yiwang.cases.tests.test_uploads import JPG_BYTES
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

MESSAGE = "提交的内容含有空字符（NUL，\\u0000），无法保存。"
HEADER_MESSAGE = "请求头含有空字符（NUL，\\u0000），无法处理。"
ENGLISH = "What you sent contains a NUL character (\\u0000), which cannot be saved."


def refused(response, location: str, field: str, *, message: str = MESSAGE) -> dict:
    body = assert_error(response, 400, "validation_failed")
    assert body["message"].startswith(message), body
    assert body["details"] == {"location": location, "field": field}, body
    return body


# ------------------------------------------------------------------------------------------- the API

def test_a_nul_in_a_json_string_of_the_api_is_refused_and_nothing_is_made(world):
    client = Client()
    auth = bearer(client, "citizen")
    response = post_json(client, "/api/v1/applications", {
        "item_code": world.item.code, "form": {"shop_name": "青禾\u0000小馆"}, "materials": []}, auth)
    refused(response, "body", "form.shop_name")
    assert not Case.objects.exists()


def test_a_nul_in_a_json_key_or_a_list_is_refused_in_english_when_asked(world):
    client = Client()
    auth = bearer(client, "citizen")
    response = post_json(client, "/api/v1/applications", {
        "item_code": world.item.code, "form": {"shop\u0000name": "青禾小馆"}, "materials": []}, auth)
    refused(response, "body", "form.shop\\u0000name")
    response = client.post("/api/v1/applications", '{"item_code": "x", "form": {}, "materials": ["a\\u0000"]}',
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **auth)
    assert response.status_code == 400 and response.json()["message"].startswith(ENGLISH), response.content
    assert response.json()["details"] == {"location": "body", "field": "materials[0]"}


def test_an_escaped_backslash_before_u0000_is_not_a_nul(world):
    # the JSON text "a\\u0000" is an a, a backslash and five letters, which any database stores
    client = Client()
    body = json.dumps({"item_code": world.item.code, "form": {"shop_name": "a\\u0000"}, "materials": []})
    assert "\\\\u0000" in body
    response = client.post("/api/v1/applications", body, content_type="application/json", **bearer(client, "citizen"))
    assert response.json()["code"] != "validation_failed" or "location" not in response.json()["details"], \
        response.content


@pytest.mark.parametrize("path, location, field", [
    ("/api/v1/items/SCJG%00001", "path", ""),
    ("/api/v1/items?q=%E9%A3%9F%00", "query", "q"),
    ("/api/v1/items?q%00=x", "query", "q\\u0000"),
])
def test_a_nul_in_the_path_or_a_query_parameter_of_the_api_is_refused(world, path, location, field):
    refused(Client().get(path), location, field)


def test_a_multipart_upload_with_nul_bytes_in_its_content_is_accepted_and_a_nul_in_a_field_is_not(world):
    client = Client()
    auth = bearer(client, "citizen")
    # an image's bytes hold NUL: they are content, not text
    assert b"\x00" in JPG_BYTES
    response = client.post("/api/v1/uploads", {"file": factories.upload_file("门头照.jpg", JPG_BYTES)}, **auth)
    assert response.status_code == 201, response.content
    # a text field sent with the file is text
    response = client.post("/api/v1/uploads", {"file": factories.upload_file("门头照.jpg", JPG_BYTES),
                                               "note": "门头\u0000照"}, **auth)
    refused(response, "form", "note")
    assert CaseMaterial.objects.count() == 1



@pytest.mark.parametrize("path", ["/items/", "/api/v1/applications", "/open311/v2/requests.json"])
def test_a_json_body_nested_deeper_than_python_parses_is_not_a_500_on_any_path(world, path):
    # review10: a JSON body holding "\\u0000" is parsed by the NUL check; one nested 100,000 deep is a
    # RecursionError (not a ValueError) in json.loads, which was a 500 on any path, signed in or not
    body = "[" * 100_000 + '"\\u0000"' + "]" * 100_000
    response = Client(raise_request_exception=False).post(path, body, content_type="application/json",
                                                          **(bearer(Client(), "citizen") if path.startswith("/api/") else {}))
    assert response.status_code < 500, response.status_code
    if path.startswith("/api/"):  # the API's parser refuses it, as it refuses any body it cannot parse
        assert_error(response, 400, "http_error")


def test_the_nul_check_of_a_json_body_takes_memory_in_proportion_to_the_body(world):
    # review10: the walk built each value's place ("key[i]") eagerly, the whole key repeated for
    # every item of a list under it: a 14 KB body took ~20 MB (a long key times the list's items),
    # and a 5 MB one (2.5 MB key, 1.25 M items) terabytes, from any request to any path
    import tracemalloc

    from django.test import RequestFactory

    from yiwang.core.middleware import NulCharacterMiddleware

    body = '{"x": "\\u0000", "' + "A" * 4000 + '": [' + ",".join(["0"] * 5000) + "]}"
    request = RequestFactory().post("/api/v1/applications", body, content_type="application/json")
    check = NulCharacterMiddleware(lambda request: pytest.fail("the request has a NUL"))
    tracemalloc.start()
    try:
        response = check(request)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert json.loads(response.content)["details"] == {"location": "body", "field": "x"}
    assert peak < 50 * len(body), (peak, len(body))


# --------------------------------------------------------------------------------------------- pages

def test_a_form_page_post_with_a_nul_gets_the_sites_error_page_and_nothing_is_made(world):
    response = Client().post("/appeals/new/", {"title": "人民路路灯\u0000不亮", "appeal_type": "complaint",
                                               "address": "城关镇人民路1号"})
    assert response.status_code == 400
    page = response.content.decode()
    assert MESSAGE in page and "<html" in page and "返回首页" in page  # the site's page, base.html's frame
    assert "Content-Security-Policy" in response.headers  # passed out through the outer middlewares
    assert not Appeal.objects.exists()


def test_a_multipart_form_page_post_with_a_nul_in_a_field_is_refused_its_photo_is_not_the_reason(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = Client().post("/appeals/new/", {"title": "路灯不亮", "body": "晚上\u0000很黑", "appeal_type": "complaint",
                                               "address": "城关镇人民路1号",
                                               "photos": SimpleUploadedFile("a.png", png, content_type="image/png")})
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_nul_in_a_pages_query_parameter_gets_the_error_page_in_english_when_asked(world):
    response = Client().get("/items/?q=%E9%A3%9F%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert ENGLISH in response.content.decode()


# ------------------------------------------------------------------------------------------- Open311

@pytest.fixture
def open311_key(world):
    Open311Service.objects.create(code="bus", name="公交服务", category="交通运输", group="交通")
    _partner, key = appeals.issue_open311_key(actor=None, name="citysdk")
    return key


def test_an_open311_request_with_a_nul_is_refused_in_the_specifications_shape(open311_key):
    data = {"api_key": open311_key, "service_code": "bus", "lat": "30.2", "long": "120.05",
            "description": "公交站台\u0000破损", "email": "a@example.com"}
    response = Client().post("/open311/v2/requests.json", urlencode(data),
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.content
    [error] = response.json()
    assert error["code"] == 400 and error["description"].startswith(MESSAGE)
    assert not Appeal.objects.exists()
    # a GET's query too, and in XML when the path asks for it
    response = Client().get("/open311/v2/requests.xml?service_code=bu%00s")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/xml")
    assert MESSAGE in response.content.decode()


# ------------------------------------------------------------------------------------------- cookies

def test_a_nul_in_the_session_cookie_is_not_a_500(world):
    # a cookie value in double quotes may carry the octal escape \000 (RFC 2109 quoting, which
    # django.http.parse_cookie unquotes): the session key then holds U+0000
    client = Client(raise_request_exception=False)
    response = client.get("/items/", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnopqrstuvwxyz"')
    # then the page answers as to a visitor without a session (core.sessions: a key Django could not
    # have made is no key; on PostgreSQL the session table's lookup of it was a 500)
    assert response.status_code == 200, response.status_code


def test_a_session_key_django_could_not_have_made_is_no_key():
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.utils.crypto import get_random_string

    from yiwang.core.sessions import SessionStore

    made = get_random_string(32, VALID_KEY_CHARS)  # as Django makes them
    assert SessionStore(session_key=made).session_key == made
    for sent in ("abcdefgh\x00ijklmnop", "abcdefgh-ijklmnop", "abcdefghíjklmnop", "short"):
        assert SessionStore(session_key=sent).session_key is None, sent


# ------------------------------------------------------------------------------------------- headers

def test_a_nul_in_a_header_of_a_sign_in_is_refused_and_nothing_is_written(world):
    # gunicorn refuses a NUL in a header before Django sees it; other servers, proxies and the test
    # client may pass it on. On PostgreSQL the site's sign-in was a 500: the login history could not
    # store the User-Agent (and every page after it, in the failed transaction)
    from yiwang.core.models import AuditEvent

    before = AuditEvent.objects.count()
    client = Client(raise_request_exception=False)
    response = client.post("/login/", {"username": "citizen", "password": "pw-citizen"},
                           HTTP_USER_AGENT="Mozilla/5.0\u0000")
    assert response.status_code == 400 and "text/html" in response["Content-Type"], response.status_code
    assert HEADER_MESSAGE in response.content.decode()
    response = client.post("/api/v1/auth/token", json.dumps({"username": "citizen", "password": "pw-citizen"}),
                           content_type="application/json", HTTP_USER_AGENT="Mozilla/5.0\u0000")
    refused(response, "header", "User-Agent", message=HEADER_MESSAGE)
    assert AuditEvent.objects.count() == before


def test_a_nul_in_any_header_of_a_page_gets_the_sites_error_page():
    response = Client(raise_request_exception=False).get("/items/", HTTP_X_FORWARDED_FOR="1.2.3.4\u0000")
    assert response.status_code == 400 and "text/html" in response["Content-Type"], response.status_code
    assert HEADER_MESSAGE in response.content.decode()
    # (a header is not something a person typed: no advice to delete a character and send again)
    assert MESSAGE not in response.content.decode()
    response = Client(raise_request_exception=False).get("/api/v1/items", HTTP_X_ODD="a\u0000b",
                                                         HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"].startswith("A request header contains a NUL character"), response.content


def test_a_multipart_form_whose_text_is_too_large_is_told_so_beside_its_file(world):
    # a file well under the upload limit, text fields over Django's in-memory limit (5 MB): the
    # refusal names the form's text, not "the request" (which read as contradicting the 20 MB limit)
    client = Client()
    auth = bearer(client, "citizen")
    text = "字" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1024)
    response = client.post("/api/v1/uploads", {"kind": "id_card", "note": text,
                                               "file": SimpleUploadedFile("a.jpg", JPG_BYTES, "image/jpeg")}, **auth)
    body = assert_error(response, 413, "payload_too_large")
    assert body["message"].startswith("表单中的文字内容过大：不能超过 5 MB"), body
    assert not CaseMaterial.objects.exists()
