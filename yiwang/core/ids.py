"""Identifier validation and masking.

Citizen ID numbers (公民身份号码) follow GB 11643-1999 (ISO 7064 MOD 11-2 check digit);
unified social credit codes (统一社会信用代码) follow GB 32100-2015 (MOD 31 check character).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from yiwang.core.calendar import local_today

_CITIZEN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CITIZEN_CHECK = "10X98765432"
_CITIZEN_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def citizen_id_check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _CITIZEN_WEIGHTS, strict=True))
    return _CITIZEN_CHECK[total % 11]


def citizen_id_problem(value: str) -> str | None:
    """Return why ``value`` is not a valid citizen ID number, or None when it is."""
    value = normalize_id(value)
    if not _CITIZEN_RE.match(value):
        return "format"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if birth.year < 1880 or birth > local_today():  # born today in the county is valid from its midnight
        return "birth_date"
    if citizen_id_check_digit(value[:17]) != value[17]:
        return "check_digit"
    return None


def is_valid_citizen_id(value: str) -> bool:
    return citizen_id_problem(value) is None


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Return why ``value`` is not a valid unified social credit code, or None when it is."""
    value = normalize_id(value)
    if not _USCC_RE.match(value):
        return "format"
    if uscc_check_char(value[:17]) != value[17]:
        return "check_digit"
    return None


def is_valid_uscc(value: str) -> bool:
    return uscc_problem(value) is None


def normalize_id(value: str) -> str:
    """Full-width characters typed with a Chinese input method become ASCII (NFKC), spaces go,
    letters are upper-cased: one number, one spelling."""
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def mask_id_number(value: str) -> str:
    """``110101199003078515`` → ``110101********8515``; other numbers keep their first character
    and last two, so that at least half is always hidden."""
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return value[:1] + "*" * (len(value) - 3) + value[-2:]
    return "*" * len(value)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; a landline keeps only its last four digits."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) >= 7:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``; organisations' names are public and not masked by callers."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str) -> str:
    if not value:
        return ""
    return value[:6] + ("****" if len(value) > 6 else "")
