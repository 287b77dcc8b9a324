"""The gateway's GET form documents and enforces the same limits as its POST body: before, a
resource code or key longer than the body allows answered 500 (the view built the body model
itself and its validation error escaped)."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.exchange.tests.conftest import zhang
from yiwang.exchange.tests.test_api import api_key
from yiwang.testing.http import assert_error

pytestmark = pytest.mark.django_db


def documented(client: Client, path: str, method: str, name: str) -> dict:
    parameters = client.get("/api/v1/openapi.json").json()["paths"][path][method]["parameters"]
    [schema] = [p["schema"] for p in parameters if p["name"] == name]
    return next((s for s in schema.get("anyOf", []) if s.get("type") == "string"), schema)


@pytest.mark.parametrize("name", ["resource", "key", "purpose", "case_reference", "consumer_department"])
def test_get_lookup_params_beyond_the_documented_length_are_a_422(county, name):
    client = Client(raise_request_exception=False)
    limit = documented(client, "/api/v1/exchange/lookup", "get", name)["maxLength"]
    body_limit = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["LookupIn"]["properties"][name]
    body_limit = next((s for s in body_limit.get("anyOf", []) if s.get("type") == "string"), body_limit)["maxLength"]
    assert limit == body_limit
    params = {"resource": "RK", "key": zhang(), "fields": "name", name: "x" * (limit + 1)}
    assert_error(client.get("/api/v1/exchange/lookup", params, **api_key(county)), 422, "validation_failed")


def test_get_lookup_with_more_fields_than_the_body_allows_is_a_422(county):
    client = Client(raise_request_exception=False)
    params = {"resource": "RK", "key": zhang(), "fields": ",".join(["name"] * 101)}
    body = assert_error(client.get("/api/v1/exchange/lookup", params, **api_key(county)), 422, "validation_failed")
    assert body["details"]["fields"][0]["field"] == "fields"


def test_usage_department_filter_is_bounded_like_a_department_code(county):
    client = Client(raise_request_exception=False)
    assert documented(client, "/api/v1/exchange/access-logs", "get", "department")["maxLength"] == 32
