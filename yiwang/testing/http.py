"""Calling the API as another system would: bearer tokens obtained over HTTP, uploads."""

from __future__ import annotations

from typing import Any

from django.test import Client

from yiwang.testing import factories


def bearer(client: Client, username: str) -> dict[str, str]:
    """Sign in as a user the factories made (password ``pw-<username>``); returns request headers."""
    response = client.post("/api/v1/auth/token", {"username": username, "password": f"pw-{username}"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def upload(client: Client, auth: dict[str, Any], name: str = "scan.pdf", content: bytes = factories.PDF_BYTES) -> Any:
    return client.post("/api/v1/uploads", {"file": factories.upload_file(name, content)}, **auth)


def post_json(client: Client, path: str, payload: Any, auth: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, payload, content_type="application/json", **auth, **extra)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape: ``{"code", "message", "details"}`` with the given status and code."""
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert body["message"], body
    return body
