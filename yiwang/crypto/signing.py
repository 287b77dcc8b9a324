"""SM2 signing behind a small interface, so that a hardware crypto device (服务器密码机) can replace it.

A ``Signer`` signs with one private key and names it by ``key_id``; verification uses only trusted
public keys: the current signer's, plus earlier ones listed in ``YIWANG_SM2_TRUSTED_KEYS``. A
signature made by a key not on that list does not verify, whatever public key is stored beside it.

The default signer is ``SoftwareSm2Signer`` (system libcrypto via ``sm2``). To use a device, set
``YIWANG_SM2_SIGNER`` to the dotted path of a zero-argument factory returning a ``Signer``.
"""

from __future__ import annotations

import functools
from typing import Protocol

from django.utils.module_loading import import_string

from yiwang.crypto import keys
from yiwang.crypto.sm2 import DEFAULT_ID, Sm2Key

ALGORITHM = "SM2-with-SM3"
ALGORITHM_OID = "1.2.156.10197.1.501"


class Signer(Protocol):
    key_id: str
    algorithm: str

    def sign(self, data: bytes) -> bytes:
        """A DER SM2-with-SM3 signature over ``data`` with the user ID ``1234567812345678``."""
        ...

    def public_key_pem(self) -> str: ...


class SoftwareSm2Signer:
    algorithm = ALGORITHM

    def __init__(self, private_pem: str | bytes) -> None:
        try:
            self._key = Sm2Key.from_pem(private_pem)
        except ValueError as exc:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"YIWANG_SM2_SIGNING_KEY is not a usable SM2 private key: {exc}") from exc
        if not self._key.has_private:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("YIWANG_SM2_SIGNING_KEY holds a public key; it must be the private key.")
        self.key_id = keys.key_id_for_public_der(self._key.public_der())
        self._public_pem = self._key.public_pem().decode("ascii")

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data, DEFAULT_ID)

    def public_key_pem(self) -> str:
        return self._public_pem


@functools.lru_cache(maxsize=4)
def _software_signer(pem: str) -> SoftwareSm2Signer:
    return SoftwareSm2Signer(pem)


def get_signer() -> Signer:
    factory = keys.setting("YIWANG_SM2_SIGNER")
    if factory:
        return import_string(factory)()
    return _software_signer(keys.signing_key_pem())


@functools.lru_cache(maxsize=64)
def _public_key(pem: str) -> tuple[str, Sm2Key]:
    key = Sm2Key.from_pem(pem)
    return keys.key_id_for_public_der(key.public_der()), key


def trusted_public_keys() -> dict[str, str]:
    """Key id → PEM of every public key trusted to verify: the current signer's and the listed earlier ones."""
    signer = get_signer()
    trusted = {signer.key_id: signer.public_key_pem()}
    for pem in keys.trusted_public_pems():
        key_id, _key = _public_key(pem)
        trusted.setdefault(key_id, pem)
    return trusted


def verify_with_public_key(public_key: str | bytes, data: bytes, signature: bytes) -> bool:
    """``public_key``: PEM, or the raw point (65 bytes ``04 || x || y`` or 64 bytes ``x || y``);
    ``signature``: DER or raw ``r || s`` (64 bytes). A key that cannot be read verifies nothing."""
    if isinstance(public_key, bytes) and len(public_key) in (64, 65):
        try:
            key = Sm2Key.from_public_point(public_key)
        except ValueError:
            return False
        return key.verify(data, signature, DEFAULT_ID)
    _key_id, key = _public_key(public_key if isinstance(public_key, str) else public_key.decode("ascii"))
    return key.verify(data, signature, DEFAULT_ID)


def public_point(public_pem: str) -> bytes:
    """The raw public point (``04 || x || y``, 65 bytes) of a PEM public key, for toolkits that
    take keys in that form (gmssl, many GM/T tools); ``[1:]`` is ``x || y``."""
    _key_id, key = _public_key(public_pem)
    return key.public_point()


def verify_signature(*, key_id: str, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``data`` verifies with the trusted key named ``key_id``."""
    pem = trusted_public_keys().get(key_id)
    return pem is not None and verify_with_public_key(pem, data, signature)
