"""Domain errors: a stable code, a message in the user's language, details, and an HTTP status.

One handler (``yiwang.api``) turns every ``DomainError`` into ``{"code", "message", "details"}``.
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


class CoreErrorCode:
    INVALID_CITIZEN_ID = "invalid_citizen_id"
    INVALID_USCC = "invalid_uscc"
    APPLICANT_NOT_FOUND = "applicant_not_found"
    DEPARTMENT_NOT_FOUND = "department_not_found"
    BAD_CREDENTIALS = "bad_credentials"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    VALIDATION_FAILED = "validation_failed"
    NOT_FOUND = "not_found"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    RATE_LIMITED = "rate_limited"
    CSRF_FAILED = "csrf_failed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    LOCKED_OUT = "locked_out"
    OTP_REQUIRED = "otp_required"
    OTP_INVALID = "otp_invalid"
    PASSWORD_INVALID = "password_invalid"
    TOKEN_NOT_FOUND = "token_not_found"
    CALENDAR_YEAR_UNKNOWN = "calendar_year_unknown"
