"""Error codes of the ``licenses`` app."""

from __future__ import annotations


class LicenceErrorCode:
    LICENCE_NOT_FOUND = "licence_not_found"
    NOT_ISSUER = "licence_not_issuer"
    NOT_ACTIVE = "licence_not_active"
    REASON_REQUIRED = "licence_reason_required"
    NO_SEAL = "licence_no_seal"
    TYPE_INVALID = "licence_type_invalid"
    SHARE_NOT_FOUND = "licence_share_not_found"
    SHARE_INVALID = "licence_share_invalid"
    NOT_HOLDER = "licence_not_holder"
    NOT_USABLE = "licence_not_usable"
    SEAL_IMPORT_INVALID = "licence_seal_import_invalid"
