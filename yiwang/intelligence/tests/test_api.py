"""POST /api/v1/intelligence/classify and /corrections: the contract other systems rely on."""

from __future__ import annotations

from django.test import override_settings

from yiwang.intelligence.models import LabelledExample
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json

URL = "/api/v1/intelligence/classify"
KEYS = {"category", "confidence", "department", "department_name", "dispatch", "alternatives", "model_version",
        "reason", "message", "truncated"}


def test_classification_needs_authentication(client, db):
    assert_error(post_json(client, URL, {"title": "公交车班次太少"}, {}), 401, "not_authenticated")


def test_one_appeal_in_one_result_out(client, trained, routes):
    # given a hotline agent with a token
    factories.user("agent")
    auth = bearer(client, "agent")
    # when
    response = post_json(client, URL, {"title": "小学学位紧张孩子入学难", "body": "孩子今年上小学，学位紧张。"}, auth)
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == KEYS
    assert (body["category"], body["department"], body["dispatch"], body["model_version"]) == ("教育文体", "JY", True, 1)
    assert body["department_name"] == "县教育局"
    assert len(body["alternatives"]) == 3
    assert set(body["alternatives"][0]) == {"category", "confidence", "department", "department_name"}


def test_a_list_in_a_list_out_and_body_is_optional(client, trained, routes):
    factories.user("agent")
    response = post_json(client, URL, [{"title": "化工厂排放污水"}, {"title": "人民医院看病排队太长", "body": None}],
                         bearer(client, "agent"))
    assert response.status_code == 200, response.content
    assert [r["category"] for r in response.json()] == ["环境保护", "卫生计生"]


def test_session_users_may_call_it_too(client, trained, routes):
    client.force_login(factories.user("agent"))
    assert post_json(client, URL, {"title": "公交车班次太少"}, {}).status_code == 200


def test_no_model_yet_is_an_answer_not_an_error(client, db):
    factories.user("agent")
    response = post_json(client, URL, {"title": "公交车班次太少"}, bearer(client, "agent"))
    assert response.status_code == 200
    body = response.json()
    assert (body["category"], body["dispatch"], body["reason"]) == (None, False, "no_model")


def test_empty_appeal_is_a_422_a_person_understands(client, db):
    factories.user("agent")
    body = assert_error(post_json(client, URL, {"title": " ", "body": ""}, bearer(client, "agent")), 422,
                        "classify_empty_text")
    assert "标题或内容" in body["message"]


def test_wrong_types_are_a_422(client, db):
    factories.user("agent")
    assert_error(post_json(client, URL, {"title": ["x"]}, bearer(client, "agent")), 422, "validation_failed")


def test_too_large_a_batch_is_a_422(client, db):
    factories.user("agent")
    with override_settings(YIWANG_CLASSIFY_MAX_BATCH=2):
        body = assert_error(post_json(client, URL, [{"title": "公交车"}] * 3, bearer(client, "agent")), 422,
                            "classify_batch_too_large")
    assert body["details"] == {"max": 2, "count": 3}


def test_long_appeal_is_cut_and_says_so(client, trained, routes):
    factories.user("agent")
    response = post_json(client, URL, {"title": "化工厂排放污水", "body": "河水发黑" * 12_500}, bearer(client, "agent"))
    assert response.status_code == 200 and response.json()["truncated"] is True


def test_staff_corrections_are_kept(client, trained, routes):
    # given a staff member (a role in a department) and a citizen account
    factories.department("JT", "县交通运输局")
    factories.user("agent", JT="clerk")
    factories.user("someone")
    payload = {"title": "学校门口红绿灯坏了", "predicted": "教育文体", "corrected": "交通运输", "model_version": 1}
    # when the staff member corrects a suggestion
    response = post_json(client, "/api/v1/intelligence/corrections", payload, bearer(client, "agent"))
    # then it is kept as a labelled example
    assert response.status_code == 201, response.content
    assert LabelledExample.objects.get(pk=response.json()["id"]).label == "交通运输"
    # and others may not, nor may anyone invent a category
    assert_error(post_json(client, "/api/v1/intelligence/corrections", payload, bearer(client, "someone")), 403,
                 "not_staff")
    assert_error(post_json(client, "/api/v1/intelligence/corrections", {**payload, "corrected": "未知类别"},
                           bearer(client, "agent")), 422, "unknown_category")


def test_the_schema_documents_both_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/intelligence/classify" in schema["paths"]
    assert "/api/v1/intelligence/corrections" in schema["paths"]


def test_odd_characters_do_not_break_it(client, trained, routes):
    # emoji and control characters are classified
    factories.user("agent")
    response = post_json(client, URL, [{"title": "小学学位紧张"}, {"title": "🚌🚌 公交车\x07班次太少"}],
                         bearer(client, "agent"))
    assert response.status_code == 200, response.content
    assert [r["category"] for r in response.json()] == ["教育文体", "交通运输"]
    # a lone surrogate (legal in JSON, not in UTF-8; yiwang.core.auth) or a NUL (with the request,
    # yiwang.core.middleware) is refused with a message, as on every JSON endpoint, never a 500
    for odd, status in (("\ud800小学学位紧张", 422), ("小学学位紧张\x00", 400)):
        response = post_json(client, URL, [{"title": odd}], bearer(client, "agent"))
        assert response.status_code == status and response.json()["code"] == "validation_failed", response.content


def test_a_correction_longer_than_what_is_kept_is_refused_not_cut(client, trained, routes):
    # given a staff member, and the title length the contract documents
    factories.department("JT", "县交通运输局")
    factories.user("agent", JT="clerk")
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CategoryCorrectionIn"]
    limit = schema["properties"]["title"]["maxLength"]
    assert limit == LabelledExample._meta.get_field("title").max_length
    payload = {"title": "红" * (limit + 1), "corrected": "交通运输"}
    # when a longer title is sent, then it is a 422 and nothing is kept (before: silently cut to 500)
    assert_error(post_json(client, "/api/v1/intelligence/corrections", payload, bearer(client, "agent")), 422,
                 "validation_failed")
    assert not LabelledExample.objects.filter(label="交通运输", title__startswith="红").exists()
    # and a title at the limit is kept whole
    response = post_json(client, "/api/v1/intelligence/corrections", {**payload, "title": "红" * limit},
                         bearer(client, "agent"))
    assert response.status_code == 201, response.content
    assert LabelledExample.objects.get(pk=response.json()["id"]).title == "红" * limit
