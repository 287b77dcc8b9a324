"""Schemas the whole API shares. One class per name: the OpenAPI document names a component after
its class, so two apps each defining ``ErrorOut`` would share one component by accident."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    """The body of every error answer (4xx; a 500 is a bug and says so in the same shape)."""

    code: str = Field(description="Stable machine-readable code, e.g. validation_failed, not_your_case")
    message: str = Field(description="What happened, for a person, in the request's language (zh-hans first)")
    details: dict[str, Any] = Field(description="Structured context; for validation_failed, "
                                                "``fields``: [{field, problem}]")


# The error answers an operation declares besides its success, so that a generated client knows
# their shape: 400 a body that cannot be parsed, 401 no or a bad token, 403 not allowed, 404 not
# found, 409 a state that does not allow it, 415 a body that is not JSON (yiwang.core.auth's parser),
# 422 input that breaks a documented rule. Public
# operations (no token) cannot answer 401 or 403. An app adds what only it answers (413, 429).
PUBLIC_ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ERRORS: dict[int, type[ErrorOut]] = {**PUBLIC_ERRORS, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 415: ErrorOut}
