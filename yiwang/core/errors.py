"""Error codes of the ``core`` app, and the domain error classes (defined in ``yiwang.errors``).

One handler (``yiwang.api``) turns every ``DomainError`` into ``{"code", "message", "details"}``.
"""

from __future__ import annotations

from yiwang.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound  # noqa: F401  (re-exported)


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
    OVERLOADED = "overloaded"
    DATABASE_UNAVAILABLE = "database_unavailable"  # 503: a failover or a transient database error; retry
    CSRF_FAILED = "csrf_failed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    LOCKED_OUT = "locked_out"
    OTP_REQUIRED = "otp_required"
    OTP_INVALID = "otp_invalid"
    PASSWORD_INVALID = "password_invalid"
    TOKEN_NOT_FOUND = "token_not_found"
    CALENDAR_YEAR_UNKNOWN = "calendar_year_unknown"
    TEXT_TOO_LONG = "text_too_long"  # 422: a free text over its limit in characters (yiwang.core.text)
    TEXT_UNSTORABLE = "text_unstorable"  # 422: a control character or a lone surrogate in a free text (core.text)
    STORAGE_FULL = "storage_full"  # 507: the disk that holds files is full; nothing was saved
