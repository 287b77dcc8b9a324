"""SM3, HMAC-SM3 and SM4-GCM through ``cryptography`` (PyCA; its wheel bundles OpenSSL).

These are the raw primitives; callers normally use ``fields`` (encrypted values, blind indexes)
or ``signing`` (SM2). Keys are plain bytes here: key management lives in ``keys``.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import constant_time, hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SM3_DIGEST_SIZE = 32
SM4_KEY_SIZE = 16
GCM_NONCE_SIZE = 12
GCM_TAG_SIZE = 16


def sm3(data: bytes) -> bytes:
    """The SM3 digest (GB/T 32905) of ``data``: 32 bytes."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC (RFC 2104) with SM3: 32 bytes."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


class HmacSm3:
    """HMAC-SM3 under one key for many messages: the keyed state is built once and copied per
    message (the key pads are not hashed again). Same output as ``hmac_sm3``."""

    def __init__(self, key: bytes):
        self._keyed = hmac.HMAC(key, hashes.SM3())

    def __call__(self, data: bytes) -> bytes:
        mac = self._keyed.copy()
        mac.update(data)
        return mac.finalize()


def equal(a: bytes, b: bytes) -> bool:
    """Compare two MACs or digests in constant time."""
    return constant_time.bytes_eq(a, b)


def sm4_ecb_block(key: bytes, block: bytes) -> bytes:
    """Encrypt one 16-byte block with SM4 (GB/T 32907); used only to check the standard's vector."""
    if len(block) != 16:
        raise ValueError("SM4 block must be 16 bytes")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, associated_data: bytes = b"", nonce: bytes | None = None) -> tuple[bytes, bytes]:
    """Encrypt with SM4-GCM; return ``(nonce, ciphertext || tag)``. A fresh random nonce by default."""
    if len(key) != SM4_KEY_SIZE:
        raise ValueError("SM4 key must be 16 bytes")
    nonce = nonce if nonce is not None else os.urandom(GCM_NONCE_SIZE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if associated_data:
        encryptor.authenticate_additional_data(associated_data)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return nonce, ciphertext + encryptor.tag


class Sm4GcmEncryptor:
    """SM4-GCM encryption of many messages under one key: the key is checked and wrapped once
    (``sm4_gcm_encrypt`` pays ~3 µs a call for it), and nonces are drawn from the OS in blocks
    (one ``getrandom`` per 4,096 nonces instead of one per message). Each message still gets its
    own random 96-bit nonce, as with ``sm4_gcm_encrypt``; the output is the same."""

    NONCES_PER_DRAW = 4096

    def __init__(self, key: bytes):
        if len(key) != SM4_KEY_SIZE:
            raise ValueError("SM4 key must be 16 bytes")
        self._algorithm = algorithms.SM4(key)
        self._pool = b""
        self._pos = 0

    def _nonce(self) -> bytes:
        if self._pos >= len(self._pool):
            self._pool, self._pos = os.urandom(GCM_NONCE_SIZE * self.NONCES_PER_DRAW), 0
        start = self._pos
        self._pos = start + GCM_NONCE_SIZE
        return self._pool[start:start + GCM_NONCE_SIZE]

    def encrypt(self, plaintext: bytes, associated_data: bytes = b"") -> tuple[bytes, bytes]:
        """``(nonce, ciphertext || tag)`` under a fresh random nonce, as ``sm4_gcm_encrypt``."""
        nonce = self._nonce()
        encryptor = Cipher(self._algorithm, modes.GCM(nonce)).encryptor()
        if associated_data:
            encryptor.authenticate_additional_data(associated_data)
        return nonce, encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, ciphertext_and_tag: bytes, associated_data: bytes = b"") -> bytes:
    """Decrypt SM4-GCM; raise ``cryptography.exceptions.InvalidTag`` if anything was changed."""
    if len(ciphertext_and_tag) < GCM_TAG_SIZE:
        raise InvalidTag()
    ciphertext, tag = ciphertext_and_tag[:-GCM_TAG_SIZE], ciphertext_and_tag[-GCM_TAG_SIZE:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if associated_data:
        decryptor.authenticate_additional_data(associated_data)
    return decryptor.update(ciphertext) + decryptor.finalize()
