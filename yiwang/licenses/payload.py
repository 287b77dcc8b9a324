"""The compact signed payload printed in a licence's QR code, for offline verification.

Format (version 1): ``YWL1.<body>.<signature>``, both parts base64url without padding.

- ``body``: canonical JSON (sorted keys, no spaces, UTF-8 as is) of
  ``{"d": issuing department code, "f": valid from YYYYMMDD, "h": holder name masked,
  "i": identifier (GB/T 36904), "k": key id of the signing certificate, "m": SM3 of the canonical
  metadata (hex, 64), "n": licence number, "t": licence name, "u": valid to YYYYMMDD or "" (长期)}``;
- ``signature``: SM2-with-SM3 (user ID ``1234567812345678``) by the issuing department's seal key over
  ``b"yiwang-licence-qr-v1\\0" + body bytes``, raw ``r || s`` (64 bytes) to keep the code small.

The QR code holds ``<site>/verify/<token>#<payload>``: a phone opens the online check (the fragment
never leaves the phone), an offline verifier reads the payload after ``#``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from yiwang.crypto.sm2 import DEFAULT_ID, Sm2Key, raw_signature

PREFIX = "YWL1"
CONTEXT = b"yiwang-licence-qr-v1\x00"
MAX_PAYLOAD = 2000
KEYS = {"d", "f", "h", "i", "k", "m", "n", "t", "u"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _canonical(value: dict[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def make(body: dict[str, str], key: Sm2Key) -> str:
    data = _canonical(body)
    return f"{PREFIX}.{_b64(data)}.{_b64(raw_signature(key.sign(CONTEXT + data, DEFAULT_ID)))}"


@dataclass(frozen=True)
class Parsed:
    body: dict[str, str]
    signed: bytes
    signature: bytes

    def date(self, key: str) -> dt.date | None:
        value = self.body.get(key) or ""
        return dt.datetime.strptime(value, "%Y%m%d").date() if value else None  # noqa: DTZ007 - a calendar date


class PayloadInvalid(ValueError):
    pass


def extract(text: str) -> str:
    """The payload from what a scanner read: the whole URL (after ``#``) or the payload itself."""
    text = (text or "").strip()
    return text.rsplit("#", 1)[1] if "#" in text else text


def parse(text: str) -> Parsed:
    """Split and decode a payload; raises ``PayloadInvalid`` saying what is wrong (never anything else)."""
    text = extract(text)
    if len(text) > MAX_PAYLOAD:
        raise PayloadInvalid("payload too long")
    parts = text.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise PayloadInvalid("not a Yiwang licence payload (expected YWL1.<body>.<signature>)")
    try:
        data, signature = _unb64(parts[1]), _unb64(parts[2])
        body = json.loads(data.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise PayloadInvalid(f"payload is not decodable: {exc.__class__.__name__}") from exc
    if not isinstance(body, dict) or set(body) != KEYS or not all(isinstance(v, str) for v in body.values()):
        raise PayloadInvalid("payload body has unexpected fields")
    if len(signature) != 64:
        raise PayloadInvalid("payload signature is not 64 bytes")
    parsed = Parsed(body=body, signed=CONTEXT + data, signature=signature)
    try:
        parsed.date("f"), parsed.date("u")
    except ValueError as exc:
        raise PayloadInvalid("payload dates are not YYYYMMDD") from exc
    return parsed


def verify(parsed: Parsed, public_key: Sm2Key) -> bool:
    return public_key.verify(parsed.signed, parsed.signature, DEFAULT_ID)
