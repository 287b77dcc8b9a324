from __future__ import annotations

import hashlib
import hmac as std_hmac

import pytest
from cryptography.exceptions import InvalidTag

from yiwang.crypto.primitives import hmac_sm3, sm3, sm4_ecb_block, sm4_gcm_decrypt, sm4_gcm_encrypt


def test_sm3_standard_vectors():
    # GB/T 32905-2016 examples 1 and 2
    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def _rfc2104_hmac_sm3(key: bytes, msg: bytes) -> bytes:
    """HMAC written out from RFC 2104 over SM3 (block size 64), independent of any HMAC library."""
    if len(key) > 64:
        key = sm3(key)
    key = key.ljust(64, b"\x00")
    inner = sm3(bytes(b ^ 0x36 for b in key) + msg)
    return sm3(bytes(b ^ 0x5C for b in key) + inner)


def test_hmac_sm3_matches_independent_implementations():
    for key, msg in [(b"k", b""), (b"key" * 30, b"message"), (bytes(range(64)), b"x" * 1000)]:
        # then HMAC-SM3 agrees with the construction written out from RFC 2104
        assert hmac_sm3(key, msg) == _rfc2104_hmac_sm3(key, msg)
        # and, where hashlib's OpenSSL offers SM3 (a different library from cryptography's), with it too
        if "sm3" in hashlib.algorithms_available:
            assert hmac_sm3(key, msg) == std_hmac.new(key, msg, "sm3").digest()


def test_sm4_standard_vector():
    # GB/T 32907-2016 example 1: key = plaintext
    value = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert sm4_ecb_block(value, value).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_round_trip_and_tamper_detection():
    # given a ciphertext
    key = bytes(range(16))
    nonce, body = sm4_gcm_encrypt(key, "公民身份号码".encode(), b"aad")
    assert sm4_gcm_decrypt(key, nonce, body, b"aad").decode() == "公民身份号码"
    # when any bit of it, its nonce or its associated data changes, then decryption refuses
    flipped = bytes([body[0] ^ 1]) + body[1:]
    for args in [(nonce, flipped, b"aad"), (bytes(12), body, b"aad"), (nonce, body, b"other"), (nonce, body[:-1], b"aad")]:
        with pytest.raises(InvalidTag):
            sm4_gcm_decrypt(key, *args)


def test_keyed_hmac_sm3_equals_hmac_sm3_for_every_message():
    from yiwang.crypto.primitives import HmacSm3

    for key in [b"k", b"key" * 30, bytes(range(64))]:
        mac = HmacSm3(key)
        for msg in [b"", b"message", b"x" * 1000, b"message"]:  # the keyed state is not consumed by a use
            assert mac(msg) == hmac_sm3(key, msg) == _rfc2104_hmac_sm3(key, msg)


def test_sm4_gcm_encryptor_output_decrypts_and_nonces_are_fresh():
    from yiwang.crypto.primitives import Sm4GcmEncryptor

    key = bytes(range(16))
    encryptor = Sm4GcmEncryptor(key)
    nonces = set()
    for i in range(Sm4GcmEncryptor.NONCES_PER_DRAW + 10):  # across a refill of the nonce pool
        nonce, body = encryptor.encrypt(f"值{i}".encode(), b"aad")
        assert len(nonce) == 12 and sm4_gcm_decrypt(key, nonce, body, b"aad").decode() == f"值{i}"
        nonces.add(nonce)
    assert len(nonces) == Sm4GcmEncryptor.NONCES_PER_DRAW + 10
    # the same nonce gives the same output as the one-shot function (same construction)
    nonce, body = encryptor.encrypt(b"x", b"")
    assert sm4_gcm_encrypt(key, b"x", b"", nonce=nonce) == (nonce, body)
    with pytest.raises(ValueError):
        Sm4GcmEncryptor(b"short")
