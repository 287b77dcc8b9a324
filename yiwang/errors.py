"""The base of every domain error: a stable code, a message in the user's language, details, and an
HTTP status. It sits below every app (``crypto`` included) so that no app needs ``core`` for it;
``yiwang.core.errors`` re-exports these classes, and one handler (``yiwang.api``) turns every
``DomainError`` into ``{"code", "message", "details"}``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None, *, status: int | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)
        self.details = details or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 422
