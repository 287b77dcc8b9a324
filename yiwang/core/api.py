"""Authentication endpoints: obtain a bearer token, list and revoke one's own tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from yiwang.core import selectors
from yiwang.core.schemas import ERRORS, PUBLIC_ERRORS, ErrorOut
from yiwang.core.services import issue_api_token, revoke_api_tokens

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)
    otp: str = Field("", max_length=8, description="动态口令：工作人员和管理员须提供（演示模式下仅已绑定设备者须提供）")


class TokenOut(Schema):
    token: str


class ApiTokenOut(Schema):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime


class RevokeIn(Schema):
    ids: list[int] | None = Field(None, description="要吊销的令牌 id；省略则吊销本人全部令牌")


class RevokedOut(Schema):
    revoked: int


@router.post("/auth/token", auth=None, response={200: TokenOut, **PUBLIC_ERRORS, 401: ErrorOut, 403: ErrorOut,
                                                  415: ErrorOut, 429: ErrorOut})
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchange a username and password (and, for staff, a TOTP code) for a bearer token.
    Too many failures lock the username+IP out for a while (429)."""
    return {"token": issue_api_token(request=request, username=payload.username, password=payload.password,
                                     otp=payload.otp)}


@router.get("/auth/tokens", response={200: list[ApiTokenOut], **ERRORS})
def my_tokens(request: HttpRequest) -> list[Any]:
    """The caller's tokens that still work."""
    return selectors.api_tokens_of(request.auth)  # type: ignore[attr-defined]  # django-ninja sets request.auth after authentication; HttpRequest's stubs do not have it


@router.post("/auth/tokens/revoke", response={200: RevokedOut, **ERRORS})
def revoke_my_tokens(request: HttpRequest, payload: RevokeIn) -> dict[str, int]:
    """Revoke the caller's own tokens (all, or those named; the one in use included)."""
    return {"revoked": revoke_api_tokens(actor=request.auth, user=request.auth,  # type: ignore[attr-defined]  # django-ninja sets request.auth after authentication; HttpRequest's stubs do not have it
                                         reason="user", token_ids=payload.ids)}
