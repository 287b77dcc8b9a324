"""Field encryption (SM4-GCM) with rotating keys, and blind indexes (HMAC-SM3) for exact lookups.

An encrypted value is a text token::

    sm4g1.<key id>.<nonce, base64url>.<ciphertext and GCM tag, base64url>

``sm4g1`` is the format version, the key id names the key-ring entry that encrypted it, and the
associated data binds the version, key id and an optional *context* (e.g. ``"core.Applicant.phone"``)
so that a token copied into another field does not decrypt there. The newest key encrypts; every
key in the ring decrypts; ``reencrypt`` moves a token to the newest key.

Encrypted values cannot be searched. For exact lookups (a citizen ID at the counter), store
``blind_index(value, context=...)`` in an indexed column beside the token and filter on it.
"""

from __future__ import annotations

import base64
import binascii
import unicodedata
from typing import Any

from cryptography.exceptions import InvalidTag
from django.db import models
from django.utils.translation import gettext as _

from yiwang.crypto import keys
from yiwang.crypto.errors import CryptoErrorCode, DecryptionFailed, TokenInvalid
from yiwang.crypto.primitives import (
    GCM_NONCE_SIZE,
    GCM_TAG_SIZE,
    HmacSm3,
    Sm4GcmEncryptor,
    hmac_sm3,
    sm4_gcm_decrypt,
    sm4_gcm_encrypt,
)

TOKEN_VERSION = "sm4g1"


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aad(key_id: str, context: str) -> bytes:
    return f"yiwang-field|{TOKEN_VERSION}|{key_id}|{context}".encode()


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_VERSION + ".")


def parse_token(token: str) -> tuple[str, bytes, bytes]:
    """Split a token into ``(key id, nonce, ciphertext and tag)``; raise ``TokenInvalid`` if malformed."""
    parts = token.split(".") if isinstance(token, str) else []
    try:
        if len(parts) != 4 or parts[0] != TOKEN_VERSION or not keys.KEY_ID_RE.match(parts[1]):
            raise ValueError
        nonce, body = _b64d(parts[2]), _b64d(parts[3])
        if len(nonce) != GCM_NONCE_SIZE or len(body) < GCM_TAG_SIZE:
            raise ValueError
    except (ValueError, binascii.Error) as exc:
        raise TokenInvalid(CryptoErrorCode.TOKEN_INVALID, _("加密数据格式无效，无法解密。")) from exc
    return parts[1], nonce, body


def token_key_id(token: str) -> str:
    return parse_token(token)[0]


def encrypt_field(plaintext: str, *, context: str = "") -> str:
    """Encrypt ``plaintext`` with the newest key of the ring; return a token."""
    ring = keys.field_key_ring()
    nonce, body = sm4_gcm_encrypt(ring.current, plaintext.encode("utf-8"), _aad(ring.current_id, context))
    return f"{TOKEN_VERSION}.{ring.current_id}.{_b64e(nonce)}.{_b64e(body)}"


class FieldSealer:
    """``encrypt_field`` for many values under one context (e.g. the rows of a dataset).

    The key ring is read once, when the sealer is made, and the cipher key is wrapped once; each
    value still gets a fresh random nonce. The tokens are exactly those of ``encrypt_field``
    (``decrypt_field`` reads them, ``reencrypt`` and key rotation move them). A sealer keeps the
    key that was newest when it was made: make one per job, not one per process.

    It pickles with its key (to hand it to worker processes of the same job over a pipe); never
    store or log a pickled sealer.
    """

    def __init__(self, *, context: str = "", ring: keys.KeyRing | None = None):
        ring = ring or keys.field_key_ring()
        self.context = context
        self.key_id = ring.current_id
        self._key = ring.current
        self._aad = _aad(self.key_id, context)
        self._prefix = f"{TOKEN_VERSION}.{self.key_id}."
        self._gcm = Sm4GcmEncryptor(self._key)

    def seal(self, plaintext: str) -> str:
        nonce, body = self._gcm.encrypt(plaintext.encode("utf-8"), self._aad)
        return f"{self._prefix}{_b64e(nonce)}.{_b64e(body)}"

    __call__ = seal

    def __reduce__(self) -> tuple[Any, ...]:
        return (_sealer, (self.key_id, self._key, self.context))


def _sealer(key_id: str, key: bytes, context: str) -> FieldSealer:
    return FieldSealer(context=context, ring=keys.KeyRing(keys={key_id: key}, current_id=key_id))


def decrypt_field(token: str, *, context: str = "") -> str:
    """Decrypt a token made by ``encrypt_field`` with the same ``context``, with whichever listed key made it."""
    key_id, nonce, body = parse_token(token)
    key = keys.field_key_ring().keys.get(key_id)
    if key is None:
        raise DecryptionFailed(
            CryptoErrorCode.KEY_UNKNOWN,
            _("加密数据使用的密钥（%(key_id)s）未在密钥环中配置，无法解密。") % {"key_id": key_id},
            {"key_id": key_id},
        )
    try:
        return sm4_gcm_decrypt(key, nonce, body, _aad(key_id, context)).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError) as exc:
        raise DecryptionFailed(
            CryptoErrorCode.DECRYPTION_FAILED,
            _("加密数据校验失败：数据已被篡改，或不属于此字段。"),
            {"key_id": key_id},
        ) from exc


def needs_reencryption(token: str) -> bool:
    return token_key_id(token) != keys.field_key_ring().current_id


def reencrypt(token: str, *, context: str = "") -> str:
    """The same plaintext under the newest key (a fresh nonce); a token already on it is returned as is."""
    if not needs_reencryption(token):
        return token
    return encrypt_field(decrypt_field(token, context=context), context=context)


def normalize_for_index(value: str) -> str:
    """NFKC, no whitespace, upper case: ``" 11010519491231002x "`` and ``"11010519491231002X"`` index alike."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def blind_index(value: str, *, context: str = "") -> str:
    """HMAC-SM3 (separate key) over the normalised value, 64 hex digits; equal inputs give equal indexes.

    ``context`` keeps indexes of different kinds of value apart (``"citizen_id"`` vs ``"phone"``).
    """
    data = context.encode("utf-8") + b"\x00" + normalize_for_index(value).encode("utf-8")
    return hmac_sm3(keys.blind_index_key(), data).hex()


class BlindIndexer:
    """``blind_index`` for many values under one context: the key is read once and the keyed
    HMAC state built once (copied per value). Same output as ``blind_index``. Pickles with its
    key, like ``FieldSealer``."""

    def __init__(self, *, context: str = "", key: bytes | None = None):
        self.context = context
        self._key = key if key is not None else keys.blind_index_key()
        self._prefix = context.encode("utf-8") + b"\x00"
        self._mac = HmacSm3(self._key)

    def __call__(self, value: str) -> str:
        return self._mac(self._prefix + normalize_for_index(value).encode("utf-8")).hex()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_indexer, (self.context, self._key))


def _indexer(context: str, key: bytes) -> BlindIndexer:
    return BlindIndexer(context=context, key=key)


class EncryptedTextField(models.TextField):
    """A text column stored as an SM4-GCM token and read back as plain text.

    The column cannot be filtered on (each save draws a fresh nonce); pair it with an indexed
    ``blind_index`` column for exact lookups. ``context`` is bound into every token; keep it
    stable for the life of the data.
    """

    description = "Text encrypted with SM4-GCM"

    def __init__(self, *args: Any, context: str = "", **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        if self.context:
            kwargs["context"] = self.context
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_field(str(value), context=self.context)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt_field(value, context=self.context)
