"""The case API as another system meets it: tokens, uploads, idempotent applications, tasks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from yiwang.cases.api import case_action_out
from yiwang.cases.models import Case
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db


def bearer(client: Client, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", {"username": username, "password": f"pw-{username}"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def upload(client: Client, auth: dict[str, Any], name: str = "id.pdf", content: bytes = factories.PDF_BYTES):
    return client.post("/api/v1/uploads", {"file": factories.upload_file(name, content)}, **auth)


def apply_payload(client: Client, auth: dict[str, str], item) -> dict:
    materials = []
    for m in item.materials.filter(required=True):
        response = upload(client, auth)
        assert response.status_code == 201, response.content
        materials.append({"material_id": m.pk, "upload_id": response.json()["id"]})
    return {"item_code": item.code, "form": {"shop_name": "青禾小馆", "area": "36"}, "materials": materials}


def test_citizen_applies_and_retry_with_same_key_creates_one_case(world):
    client = Client()
    auth = bearer(client, "citizen")
    payload = apply_payload(client, auth, world.item)

    first = client.post("/api/v1/applications", payload, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="k-1", **auth)
    again = client.post("/api/v1/applications", payload, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="k-1", **auth)

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1
    body = first.json()
    assert body["status"] == "submitted" and body["links"]["case"] == f"/api/v1/cases/{body['number']}"
    case = client.get(body["links"]["case"], **auth).json()  # the full case is at GET, not in the answer
    assert case["applicant"]["id_number"] == world.applicant.id_number
    assert case["timeline"][0]["event"] == "case_submitted"


def test_actions_answer_the_cases_state_after_them_and_the_full_case_stays_at_get(world):
    """Issue #14: an action answers status, open steps (each with its link), next actions and the
    link to the case, nothing more; following the answers alone takes a case to its end."""
    client = Client()
    citizen, clerk = bearer(client, "citizen"), bearer(client, "clerk")
    signers = {"审查": bearer(client, "scjg_reviewer"), "决定": bearer(client, "scjg_decider")}
    submitted = client.post("/api/v1/applications", apply_payload(client, citizen, world.item),
                            content_type="application/json", **citizen).json()
    assert set(submitted) == {"number", "status", "status_label", "outcome", "due_at", "current_step",
                              "current_department", "open_steps", "next_actions", "links"}
    assert submitted["open_steps"] == [] and submitted["next_actions"] == ["accept", "correction", "reject", "withdraw"]
    number = submitted["number"]

    answer = client.post(f"/api/v1/cases/{number}/accept", {}, content_type="application/json", **clerk).json()
    assert (answer["status"], answer["current_step"], answer["next_actions"]) == ("in_review", "审查", ["withdraw", "complete"])
    names = []
    while answer["open_steps"]:
        (step,) = answer["open_steps"]
        names.append(step["name"])
        assert step["complete"] == f"/api/v1/tasks/{step['id']}/complete" and step["department"]
        response = client.post(step["complete"], {"decision": "approve"}, content_type="application/json",
                               **signers[step["name"]])
        assert response.status_code == 200, response.content
        answer = response.json()
    assert names == ["审查", "决定"]
    assert (answer["status"], answer["outcome"], answer["next_actions"]) == ("awaiting_delivery", "approved", ["deliver"])
    assert answer["current_step"] == "统一出件"

    delivered = client.post(f"/api/v1/cases/{number}/deliver", {"method": "window"}, content_type="application/json",
                            **clerk).json()
    assert (delivered["status"], delivered["open_steps"], delivered["next_actions"]) == ("closed", [], [])
    assert "steps" not in delivered and "timeline" not in delivered
    full = client.get(delivered["links"]["case"], **clerk).json()
    assert [s["name"] for s in full["steps"]] == ["审查", "决定"] and full["timeline"][-1]["event"] == "case_delivered"
    # each answer's status label is the status's, in the request's language
    assert (submitted["status_label"], answer["status_label"], delivered["status_label"]) == ("待受理", "待出件", "已办结")
    case = Case.objects.get(number=number)
    with translation.override("en"):
        assert case_action_out(case)["status_label"] == str(case.get_status_display()) != "已办结"


def test_whole_path_over_http(world):
    client = Client()
    citizen, clerk = bearer(client, "citizen"), bearer(client, "clerk")
    number = client.post("/api/v1/applications", apply_payload(client, citizen, world.item),
                         content_type="application/json", **citizen).json()["number"]

    assert client.post(f"/api/v1/cases/{number}/accept", {}, content_type="application/json", **clerk).status_code == 200
    for username in ("scjg_reviewer", "scjg_decider"):
        auth = bearer(client, username)
        tasks = client.get("/api/v1/tasks", **auth).json()["items"]
        assert [t["case_number"] for t in tasks] == [number]
        done = client.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", {"decision": "approve"},
                           content_type="application/json", **auth)
        assert done.status_code == 200, done.content
    delivered = client.post(f"/api/v1/cases/{number}/deliver", {"method": "window"}, content_type="application/json",
                            **clerk)
    assert delivered.json()["status"] == "closed"

    seen = client.get(f"/api/v1/cases/{number}", **citizen).json()
    assert [t["event"] for t in seen["timeline"]][-1] == "case_delivered"
    assert all("username" not in str(t) for t in seen["timeline"])


def test_supervisor_sees_personal_data_masked(world):
    client = Client()
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    body = client.get(f"/api/v1/cases/{case.number}", **bearer(client, "supervisor")).json()
    assert body["applicant"]["id_number"] != world.applicant.id_number
    assert "*" in body["applicant"]["id_number"] and "*" in body["applicant"]["phone"]


def test_errors_have_one_shape_and_a_4xx(world):
    client = Client()
    auth = bearer(client, "citizen")
    cases = [
        client.get("/api/v1/cases/YW000", **auth),
        client.get("/api/v1/items/NOPE"),
        client.post("/api/v1/applications", {"item_code": "NOPE"}, content_type="application/json", **auth),
        client.post("/api/v1/applications", {"item_code": world.item.code, "form": {}}, content_type="application/json",
                    **auth),
        client.post("/api/v1/applications", "not json", content_type="application/json", **auth),
        client.post("/api/v1/tasks/999/complete", {"decision": "maybe"}, content_type="application/json", **auth),
        client.get("/api/v1/tasks"),
        client.post("/api/v1/auth/token", {"username": "citizen", "password": "wrong"}, content_type="application/json"),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, (response.status_code, response.content)
        body = response.json()
        assert set(body) == {"code", "message", "details"}, body


def test_form_and_material_problems_are_named(world):
    client = Client()
    auth = bearer(client, "citizen")
    response = client.post("/api/v1/applications", {"item_code": world.item.code, "form": {"shop_name": "x"}},
                           content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["code"] == "materials_missing"
    assert "身份证明" in response.json()["message"]


def test_error_messages_follow_the_request_language(world):
    client = Client()
    response = client.get("/api/v1/items/NOPE", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "does not exist" in response.json()["message"]


def test_uploads_refuse_empty_fake_and_oversize_files(world, settings):
    client = Client()
    auth = bearer(client, "citizen")
    empty = upload(client, auth, "empty.pdf", b"")
    fake = upload(client, auth, "photo.jpg", factories.PDF_BYTES)
    exe = upload(client, auth, "tool.exe", b"MZ\x90\x00")
    assert (empty.status_code, empty.json()["code"]) == (422, "file_empty")
    assert (fake.status_code, fake.json()["code"]) == (422, "file_type_mismatch")
    assert (exe.status_code, exe.json()["code"]) == (422, "file_type_not_allowed")

    settings.YIWANG_MAX_UPLOAD_BYTES = 1024 * 1024
    big = upload(client, auth, "big.pdf", factories.PDF_BYTES + b"0" * (2 * 1024 * 1024))
    assert big.status_code == 413 and big.json()["code"] == "payload_too_large"


def test_catalogue_search_counts_all_matches(world):
    client = Client()
    body = client.get("/api/v1/items", {"q": "测试事项", "limit": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    detail = client.get(f"/api/v1/items/{world.countersign_item.code}").json()
    assert [s["department"] for s in detail["steps"]] == ["SCJG", "SCJG", "GA", "SCJG"]
    assert detail["materials"][0]["required"] is True
