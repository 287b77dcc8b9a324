"""Licence identifiers and numbers.

证照标识 (GB/T 36904 as public implementations build it; the standard's text was not available):
``1.2.156.3005.2.<type code, 21>.<issuer USCC, 18>.<serial>.<version, 3 digits>.<check>``, the check
character by ISO 7064 MOD 37,36 (hybrid) over the segments without dots (``python-stdnum``).

证照编号 (the number printed on the licence and used in URLs): the type's prefix, the issue year and a
seven-digit serial, e.g. ``JY20260000012``; a changed licence keeps its serial and gets ``-V2``.
"""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_37_36

ROOT = "1.2.156.3005.2"
IDENTIFIER = re.compile(r"^1\.2\.156\.3005\.2\.([0-9A-Z]{21})\.([0-9A-Z]{18})\.([0-9]{1,12})\.([0-9]{3})\.([0-9A-Z])$")


def identifier(*, type_code: str, issuer_uscc: str, serial: int, version: int) -> str:
    body = f"{type_code}{issuer_uscc}{serial}{version:03d}"
    return f"{ROOT}.{type_code}.{issuer_uscc}.{serial}.{version:03d}.{mod_37_36.calc_check_digit(body)}"


def identifier_valid(value: str) -> bool:
    """The shape and the check character of an identifier."""
    match = IDENTIFIER.match(value or "")
    if not match:
        return False
    type_code, uscc, serial, version, check = match.groups()
    return mod_37_36.is_valid(f"{type_code}{uscc}{serial}{version}{check}")


def licence_number(*, prefix: str, year: int, serial: int, version: int) -> str:
    base = f"{prefix}{year:04d}{serial:07d}"
    return base if version == 1 else f"{base}-V{version}"


NUMBER = re.compile(r"^[0-9A-Z]{1,20}(-V[0-9]{1,3})?$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def clean_number(value: str | None) -> str:
    """A licence number as typed or sent, or "" when it cannot be one (so that lookups find nothing
    rather than sending NUL bytes or megabytes to the database)."""
    value = (value or "").strip().upper()
    return value if NUMBER.match(value) else ""


def clean_token(value: str | None) -> str:
    value = (value or "").strip()
    return value if TOKEN.match(value) else ""
