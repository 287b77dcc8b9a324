"""Authentication endpoints."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from yiwang.core.schemas import PUBLIC_ERRORS, ErrorOut
from yiwang.core.services import issue_api_token

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, **PUBLIC_ERRORS})
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchange a username and password for a bearer token."""
    return {"token": issue_api_token(username=payload.username, password=payload.password)}
