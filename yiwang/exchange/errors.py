"""Error codes of data sharing. Each refusal names the rule that refused it."""

from __future__ import annotations


class ExchangeErrorCode:
    # the gateway (403 unless noted)
    UNKNOWN_RESOURCE = "unknown_resource"  # 404
    UNKNOWN_FIELD = "unknown_field"  # 422
    INVALID_LOOKUP_KEY = "invalid_lookup_key"  # 422
    FIELD_NEGATIVE_LISTED = "field_negative_listed"
    RESOURCE_NEGATIVE_LISTED = "resource_negative_listed"
    FIELD_NOT_SHAREABLE = "field_not_shareable"
    FIELD_NOT_SUBSCRIBED = "field_not_subscribed"
    NO_SUBSCRIPTION = "no_subscription"
    SUBSCRIPTION_EXPIRED = "subscription_expired"
    SUBSCRIPTION_REVOKED = "subscription_revoked"
    SUBSCRIPTION_PENDING = "subscription_pending"
    QUOTA_EXHAUSTED = "quota_exhausted"
    RATE_LIMITED = "rate_limited"  # 429
    WRONG_DEPARTMENT_KEY = "wrong_department_key"
    CREDENTIAL_INVALID = "credential_invalid"  # 401
    NOT_A_MEMBER = "not_a_member_of_department"
    PURPOSE_REQUIRED = "purpose_required"  # 422
    RESOURCE_EMPTY = "resource_has_no_data"  # 409
    FIELD_MASKED = "field_masked"  # a comparison would reveal what a mask hides
    # a staff member's lookup of a person: a case they handle, or a documented reason
    JUSTIFICATION_REQUIRED = "lookup_justification_required"  # 422
    REFERENCE_KIND_UNSUPPORTED = "reference_kind_unsupported"  # 422
    REFERENCE_NOT_FOUND = "reference_not_found"  # 422
    NOT_HANDLING_CASE = "not_handling_case"
    SUBJECT_NOT_IN_CASE = "subject_not_in_case"
    UNKNOWN_REASON_CODE = "unknown_reason_code"  # 422
    REVIEW_NOT_FOUND = "review_not_found"  # 404
    # subscriptions, negative list, catalogue
    NOT_STEWARD = "not_steward"
    SUBSCRIPTION_NOT_FOUND = "subscription_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"  # 409
    REASON_REQUIRED = "reason_required"
    OWN_RESOURCE = "own_resource"
    DUPLICATE_ENTRY = "duplicate_entry"  # 409
    # ingestion (422)
    UNSUPPORTED_FORMAT = "unsupported_format"
    WRONG_ENCODING = "wrong_encoding"
    UNKNOWN_COLUMNS = "unknown_columns"
    KEY_COLUMN_MISSING = "key_column_missing"
    FILE_UNREADABLE = "file_unreadable"
    NO_VALID_ROWS = "no_valid_rows"
    # dataset pushes
    FILE_EMPTY = "file_empty"  # 422
    FILE_TOO_LARGE = "file_too_large"  # 413
    PUSH_NOT_FOUND = "push_not_found"  # 404
    PUSH_INTERNAL_ERROR = "internal_error"  # a push that failed for a reason of ours, not of the file
