"""POST /api/v1/evaluations and the staff operations, as a partner system calls them."""

import pytest
from django.test import Client

from yiwang.evaluation.models import Rectification
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json


@pytest.fixture
def api(place):
    client = Client()
    return client, {u.username: bearer(client, u.username) for u in (
        place.world.citizen, place.world.head, place.world.supervisor, place.world.clerk, place.jt_staff)}


def test_rating_a_closed_case_is_201_and_a_second_on_the_same_channel_409(place, api):
    client, auth = api
    body = {"case_number": place.case.number, "level": 5, "indicators": {"overall": 5}, "comment": "很快",
            "channel": "api"}
    response = post_json(client, "/api/v1/evaluations", body, auth["citizen"])
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["grade"], out["number"], out["counted"], out["rectification"]) == ("good", place.case.number, True, None)
    assert_error(post_json(client, "/api/v1/evaluations", body, auth["citizen"]), 409, "already_rated")
    # the one 追评
    follow = post_json(client, f"/api/v1/evaluations/{out['id']}/follow-up", {"level": 4}, auth["citizen"])
    assert follow.status_code == 201 and follow.json()["follow_up_of"] == out["id"]
    assert_error(post_json(client, f"/api/v1/evaluations/{out['id']}/follow-up", {"level": 4}, auth["citizen"]),
                 409, "follow_up_taken")


@pytest.mark.parametrize("level", [0, 6, -3, 2**40])
def test_a_level_outside_one_to_five_is_422_with_a_message(place, api, level):
    client, auth = api
    response = post_json(client, "/api/v1/evaluations", {"case_number": place.case.number, "level": level},
                         auth["citizen"])
    assert_error(response, 422, "level_invalid")


def test_bad_input_is_4xx_never_500(place, api):
    client, auth = api
    citizen = auth["citizen"]
    cases = [
        ({"case_number": place.open_case.number, "level": 5}, 409, "not_closed"),
        ({"appeal_number": place.open_appeal.number, "level": 5}, 409, "not_closed"),
        ({"case_number": place.case.number, "appeal_number": place.appeal.number, "level": 5}, 422, "subject_required"),
        ({"level": 5}, 422, "subject_required"),
        ({"case_number": "YW<script>", "level": 5}, 404, "case_not_found"),
        ({"case_number": place.case.number, "level": 5, "channel": "tablet"}, 422, "validation_failed"),
        ({"case_number": place.case.number, "level": 5, "indicators": {"attitude": 9}}, 422, "indicators_invalid"),
        ({"case_number": place.case.number, "level": "five"}, 422, "validation_failed"),
        ({"case_number": place.case.number, "level": 5, "comment": "长" * 1001}, 422, "validation_failed"),
    ]
    for body, status, code in cases:
        assert_error(post_json(client, "/api/v1/evaluations", body, citizen), status, code)
    response = client.post("/api/v1/evaluations", "not json", content_type="application/json", **citizen)
    assert 400 <= response.status_code < 500


def test_someone_elses_case_is_403_and_no_token_401(place, api):
    client, auth = api
    factories.citizen("stranger", first17="11010119850101123", name="李四")
    stranger = bearer(client, "stranger")
    body = {"case_number": place.case.number, "level": 1}
    assert_error(post_json(client, "/api/v1/evaluations", body, stranger), 403, "not_your_case")
    assert_error(post_json(client, "/api/v1/evaluations", body, auth["clerk"]), 403, "not_your_case")
    assert client.post("/api/v1/evaluations", body, content_type="application/json").status_code == 401


def test_an_appeal_is_rated_by_its_reporter(place, api):
    client, auth = api
    response = post_json(client, "/api/v1/evaluations", {"appeal_number": place.appeal.number, "level": 1},
                         auth["citizen"])
    assert response.status_code == 201 and response.json()["rectification"] == "open"


def test_rectification_and_review_through_the_api(place, api):
    client, auth = api
    rating = post_json(client, "/api/v1/evaluations", {"case_number": place.case.number, "level": 1},
                       auth["citizen"]).json()
    pk = Rectification.objects.get(rating_id=rating["id"]).pk
    base = f"/api/v1/evaluations/rectifications/{pk}"
    assert_error(post_json(client, f"{base}/close", {}, auth["scjg_head"]), 409, "reply_required")
    assert_error(post_json(client, f"{base}/reply", {"reply": "x"}, auth["jt_staff"]), 403, "not_your_department")
    assert post_json(client, f"{base}/reply", {"reply": "已整改"}, auth["scjg_head"]).status_code == 200
    assert_error(post_json(client, f"{base}/callback", {"result": "satisfied"}, auth["scjg_head"]), 403,
                 "not_a_supervisor")
    assert post_json(client, f"{base}/callback", {"result": "satisfied"}, auth["supervisor"]).status_code == 200
    closed = post_json(client, f"{base}/close", {"published_outcome": "已整改并公开"}, auth["scjg_head"])
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert_error(post_json(client, "/api/v1/evaluations/rectifications/999999999999/close", {}, auth["scjg_head"]),
                 404, "rectification_not_found")
    review = post_json(client, f"/api/v1/evaluations/{rating['id']}/review",
                       {"reason_kind": "malicious", "reason": "恶意"}, auth["scjg_head"])
    assert review.status_code == 201
    decided = post_json(client, f"/api/v1/evaluations/reviews/{review.json()['id']}/decision",
                        {"uphold": True, "decision": "成立"}, auth["supervisor"])
    assert decided.json()["status"] == "upheld"


def test_statistics_are_for_staff_and_per_staff_only_for_heads_and_supervisors(place, api):
    client, auth = api
    post_json(client, "/api/v1/evaluations", {"case_number": place.case.number, "level": 5}, auth["citizen"])
    assert_error(client.get("/api/v1/evaluations/statistics", **auth["citizen"]), 403, "not_your_department")
    rows = client.get("/api/v1/evaluations/statistics?by=department", **auth["scjg_head"]).json()
    assert [(r["ratings"], float(r["satisfaction"]), r["bad_rate"] in (0, "0.0")) for r in rows] == [(1, 100.0, True)]
    assert client.get("/api/v1/evaluations/statistics?by=staff", **auth["supervisor"]).status_code == 200
    assert_error(client.get("/api/v1/evaluations/statistics?by=staff", **auth["jt_staff"]), 403, "not_a_supervisor")
    assert client.get("/api/v1/evaluations/statistics?by=nonsense", **auth["supervisor"]).status_code == 422
