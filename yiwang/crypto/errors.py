"""Error codes of the ``crypto`` app.

Configuration problems (no keys in production, a malformed key) raise ``ImproperlyConfigured`` at
first use; problems a caller or a stored value can cause raise a coded ``DomainError``.
"""

from __future__ import annotations

from yiwang.errors import DomainError


class CryptoErrorCode:
    TOKEN_INVALID = "crypto_token_invalid"
    KEY_UNKNOWN = "crypto_key_unknown"
    DECRYPTION_FAILED = "crypto_decryption_failed"
    SIGNATURE_INVALID = "crypto_signature_invalid"
    KEY_INVALID = "crypto_key_invalid"
    SM2_UNAVAILABLE = "crypto_sm2_unavailable"


class CryptoError(DomainError):
    """A value could not be decrypted, verified or parsed."""


class TokenInvalid(CryptoError):
    pass


class DecryptionFailed(CryptoError):
    pass


class Sm2Unavailable(RuntimeError):
    """The system libcrypto cannot do SM2; raised at the first SM2 operation, not at import."""
