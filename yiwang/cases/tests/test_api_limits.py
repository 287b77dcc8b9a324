"""Documented limits are the server's: a text at the documented maximum is kept whole (in the
audit record, the legal record that feeds the ledger), one character more is a 422. Before, the
contract promised 2,000 characters where the audit kept 500 or 1,000, silently cutting the rest."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.cases.models import Case
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db


def documented_max(client: Client, component: str, field: str) -> int:
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"][component]
    return schema["properties"][field]["maxLength"]


def audited(event_type: str) -> dict:
    return AuditEvent.objects.filter(event_type=event_type).latest("pk").details


def submitted_case(world) -> Case:
    return case_factories.apply_online(world.citizen, world.applicant, world.item)


def accepted_case(world, client: Client) -> Case:
    case = submitted_case(world)
    assert post_json(client, f"/api/v1/cases/{case.number}/accept", {}, bearer(client, "clerk")).status_code == 200
    return case


# (component, field, who, path after the case number, payload builder, event, detail key, state)
CASES = [
    ("AcceptIn", "note", "clerk", "accept", lambda t: {"note": t}, "case_accepted", "note", "submitted"),
    ("RejectIn", "reason", "clerk", "reject", lambda t: {"reason": t}, "case_rejected", "reason", "submitted"),
    ("WithdrawIn", "reason", "citizen", "withdraw", lambda t: {"reason": t}, "case_withdrawn", "reason", "submitted"),
    ("CorrectionNoticeIn", "note", "clerk", "correction", lambda t: {"note": t}, "case_correction_requested", "note",
     "submitted"),
    ("SupplyIn", "note", "citizen", "supply", lambda t: {"note": t}, "case_correction_supplied", "note", "correction"),
]


@pytest.mark.parametrize(("component", "field", "who", "action", "body", "event", "key", "state"), CASES,
                         ids=[c[3] for c in CASES])
def test_a_text_at_the_documented_limit_is_kept_whole_and_one_more_is_refused(
    world, component, field, who, action, body, event, key, state
):
    # given a case in the state the action needs, and the limit the contract documents
    client = Client()
    case = submitted_case(world)
    if state == "correction":
        assert post_json(client, f"/api/v1/cases/{case.number}/correction", {"note": "请补交营业执照"},
                         bearer(client, "clerk")).status_code == 200
    limit = documented_max(client, component, field)
    auth = bearer(client, who)
    url = f"/api/v1/cases/{case.number}/{action}"
    # when one character more is sent, then it is refused and nothing happens
    assert_error(post_json(client, url, body("长" * (limit + 1)), auth), 422, "validation_failed")
    assert not AuditEvent.objects.filter(event_type=event).exists()
    # when exactly the limit is sent, then the audit record keeps all of it
    response = post_json(client, url, body("长" * limit), auth)
    assert response.status_code == 200, response.content
    assert audited(event)[key] == "长" * limit


def test_a_decision_comment_at_the_documented_limit_is_kept_whole(world):
    client = Client()
    case = accepted_case(world, client)
    limit = documented_max(client, "DecisionIn", "comment")
    step = case.steps.get(status="open")
    auth = bearer(client, "scjg_reviewer")
    url = f"/api/v1/tasks/{step.pk}/complete"
    assert_error(post_json(client, url, {"decision": "approve", "comment": "意" * (limit + 1)}, auth), 422,
                 "validation_failed")
    response = post_json(client, url, {"decision": "approve", "comment": "意" * limit}, auth)
    assert response.status_code == 200, response.content
    assert audited("case_step_completed")["comment"] == "意" * limit
    step.refresh_from_db()
    assert step.comment == "意" * limit


def test_the_idempotency_key_limit_is_documented_and_enforced(world):
    client = Client()
    auth = bearer(client, "citizen")
    parameters = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/applications"]["post"]["parameters"]
    [header] = [p for p in parameters if p["name"] == "Idempotency-Key"]
    [limit] = [s["maxLength"] for s in header["schema"]["anyOf"] if s["type"] == "string"]
    assert limit == Case._meta.get_field("idempotency_key").max_length
    payload = {"item_code": world.item.code, "form": {}, "materials": []}
    assert_error(post_json(client, "/api/v1/applications", payload, auth, HTTP_IDEMPOTENCY_KEY="k" * (limit + 1)),
                 422, "validation_failed")
    assert not Case.objects.exists()


def test_the_upload_size_in_the_description_is_the_enforced_one(world, settings):
    client = Client()
    description = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/uploads"]["post"]["description"]
    assert f"at most {settings.YIWANG_MAX_UPLOAD_BYTES // (1024 * 1024)} MB" in description
    for fmt in ("PDF", "JPG", "PNG", "OFD", "DOCX"):
        assert fmt in description


def test_a_catalogue_offset_past_the_documented_bound_is_a_422_not_a_500(world):
    client = Client(raise_request_exception=False)
    [offset] = [p for p in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/items"]["get"]["parameters"]
                if p["name"] == "offset"]
    bound = offset["schema"]["maximum"]
    assert client.get(f"/api/v1/items?offset={bound}").status_code == 200
    assert_error(client.get(f"/api/v1/items?offset={bound + 1}"), 422, "validation_failed")
    assert_error(client.get("/api/v1/items?offset=9223372036854775808"), 422, "validation_failed")


@pytest.mark.parametrize(("escape", "code"), [("\\u0000", "validation_failed"), ("\\ud800", "validation_failed")])
def test_a_comment_with_an_escaped_nul_or_lone_surrogate_is_a_4xx_and_nothing_is_written(world, escape, code):
    """JSON can carry what no database column holds: ``\\u0000`` (NulCharacterMiddleware refuses it)
    and a lone ``\\ud800`` (the API's JSON parser refuses it); the service's own check
    (``core.text.bounded_text``) is behind both."""
    client = Client()
    case = accepted_case(world, client)
    step = case.steps.get(status="open")
    body = '{"decision": "approve", "comment": "可以' + escape + '"}'
    response = client.post(f"/api/v1/tasks/{step.pk}/complete", body.encode("utf-8"),
                           content_type="application/json", **bearer(client, "scjg_reviewer"))
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code, code)
    assert not AuditEvent.objects.filter(event_type="case_step_completed").exists()
    step.refresh_from_db()
    assert step.status == "open" and not step.comment
