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
