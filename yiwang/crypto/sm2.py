"""SM2 signatures (GB/T 32918, GM/T 0009) through the system OpenSSL 3 libcrypto, via ctypes.

``cryptography`` has no SM2, so this module calls the EVP API of the system ``libcrypto.so.3``
directly: ``EVP_DigestSign``/``EVP_DigestVerify`` with SM3, the signer's ID set explicitly with
``EVP_PKEY_CTX_set1_id`` (GM/T 0009's ``1234567812345678``; OpenSSL 3.0's default is the empty ID,
which other SM2 implementations do not use), DER ``SEQUENCE {r, s}`` signatures.

Interoperability: ``verify`` also accepts the raw 64-byte ``r || s`` form (32 bytes each,
big-endian) that gmssl and many GM/T toolkits produce, and a public key can be exported as, and
loaded from, its raw point: 65 bytes ``04 || x || y`` (uncompressed, SEC 1) or 64 bytes ``x || y``.

The library is loaded at the first SM2 operation; where it is missing or built without SM2 the
operation raises ``Sm2Unavailable`` naming the fallback. Nothing here holds global mutable state
besides the loaded library handle, so it is safe in any number of processes and threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

from yiwang.crypto.errors import Sm2Unavailable

DEFAULT_ID = b"1234567812345678"
_MAX_SIGNATURE = 80  # DER of two 256-bit integers is at most 72 bytes
_BIO_CTRL_INFO = 3
_FALLBACK_HINT = (
    "SM2 needs OpenSSL 3 libcrypto with SM2 enabled (Debian's libssl3 has it). Install libssl3, point "
    "YIWANG_LIBCRYPTO at a libcrypto.so.3 that has SM2, or replace yiwang.crypto.signing's provider with a "
    "hardware crypto device or the gmssl-pyx package."
)

_c_void_p = ctypes.c_void_p
# SubjectPublicKeyInfo {id-ecPublicKey, curve SM2 (1.2.156.10197.1.301)}, BIT STRING of 66 bytes: the
# DER before an uncompressed point is always these 26 bytes, the point's 04 byte included.
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")
RAW_SIGNATURE_BYTES = 64


def der_signature(signature: bytes) -> bytes:
    """A signature as DER: raw ``r || s`` (64 bytes) is encoded, anything else is returned as is.
    (A DER signature is never 64 bytes long with a well-formed SM2 key: it would need both integers
    to be at least 2**228 smaller than the curve order, so the two forms do not overlap in practice;
    ``Sm2Key.verify`` still tries a 64-byte input both ways.)"""
    if len(signature) != RAW_SIGNATURE_BYTES:
        return signature
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    return encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))


def raw_signature(der: bytes) -> bytes:
    """A DER signature as raw ``r || s`` (64 bytes), for toolkits that want that form."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


class _Lib:
    """The libcrypto functions this module uses, with their C signatures declared."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        self.lib = lib

        def fn(name: str, restype: object, *argtypes: object) -> ctypes._CFuncPtr:  # type: ignore[name-defined]  # ctypes' function pointer type is private and missing from typeshed
            f = getattr(lib, name)
            f.restype = restype
            f.argtypes = list(argtypes)
            return f

        i, sz, cp = ctypes.c_int, ctypes.c_size_t, ctypes.c_char_p
        self.OpenSSL_version_num = fn("OpenSSL_version_num", ctypes.c_ulong)
        self.EVP_PKEY_CTX_new_from_name = fn("EVP_PKEY_CTX_new_from_name", _c_void_p, _c_void_p, cp, cp)
        self.EVP_PKEY_CTX_new_from_pkey = fn("EVP_PKEY_CTX_new_from_pkey", _c_void_p, _c_void_p, _c_void_p, cp)
        self.EVP_PKEY_CTX_free = fn("EVP_PKEY_CTX_free", None, _c_void_p)
        self.EVP_PKEY_CTX_set1_id = fn("EVP_PKEY_CTX_set1_id", i, _c_void_p, cp, i)
        self.EVP_PKEY_keygen_init = fn("EVP_PKEY_keygen_init", i, _c_void_p)
        self.EVP_PKEY_generate = fn("EVP_PKEY_generate", i, _c_void_p, ctypes.POINTER(_c_void_p))
        self.EVP_PKEY_free = fn("EVP_PKEY_free", None, _c_void_p)
        self.EVP_PKEY_is_a = fn("EVP_PKEY_is_a", i, _c_void_p, cp)
        self.EVP_MD_CTX_new = fn("EVP_MD_CTX_new", _c_void_p)
        self.EVP_MD_CTX_free = fn("EVP_MD_CTX_free", None, _c_void_p)
        self.EVP_MD_CTX_set_pkey_ctx = fn("EVP_MD_CTX_set_pkey_ctx", None, _c_void_p, _c_void_p)
        self.EVP_sm3 = fn("EVP_sm3", _c_void_p)
        self.EVP_DigestSignInit = fn("EVP_DigestSignInit", i, _c_void_p, _c_void_p, _c_void_p, _c_void_p, _c_void_p)
        self.EVP_DigestSign = fn("EVP_DigestSign", i, _c_void_p, cp, ctypes.POINTER(sz), cp, sz)
        self.EVP_DigestVerifyInit = fn("EVP_DigestVerifyInit", i, _c_void_p, _c_void_p, _c_void_p, _c_void_p, _c_void_p)
        self.EVP_DigestVerify = fn("EVP_DigestVerify", i, _c_void_p, cp, sz, cp, sz)
        self.BIO_new_mem_buf = fn("BIO_new_mem_buf", _c_void_p, cp, i)
        self.BIO_new = fn("BIO_new", _c_void_p, _c_void_p)
        self.BIO_s_mem = fn("BIO_s_mem", _c_void_p)
        self.BIO_free = fn("BIO_free", i, _c_void_p)
        self.BIO_ctrl = fn("BIO_ctrl", ctypes.c_long, _c_void_p, i, ctypes.c_long, _c_void_p)
        self.PEM_read_bio_PrivateKey = fn("PEM_read_bio_PrivateKey", _c_void_p, _c_void_p, _c_void_p, _c_void_p, _c_void_p)
        self.PEM_read_bio_PUBKEY = fn("PEM_read_bio_PUBKEY", _c_void_p, _c_void_p, _c_void_p, _c_void_p, _c_void_p)
        self.PEM_write_bio_PKCS8PrivateKey = fn(
            "PEM_write_bio_PKCS8PrivateKey", i, _c_void_p, _c_void_p, _c_void_p, cp, i, _c_void_p, _c_void_p
        )
        self.PEM_write_bio_PUBKEY = fn("PEM_write_bio_PUBKEY", i, _c_void_p, _c_void_p)
        self.i2d_PUBKEY = fn("i2d_PUBKEY", i, _c_void_p, ctypes.POINTER(ctypes.c_char_p))
        self.CRYPTO_free = fn("CRYPTO_free", None, _c_void_p, cp, i)
        self.ERR_get_error = fn("ERR_get_error", ctypes.c_ulong)
        self.ERR_error_string_n = fn("ERR_error_string_n", None, ctypes.c_ulong, cp, sz)
        self.ERR_clear_error = fn("ERR_clear_error", None)

    def last_error(self) -> str:
        messages = []
        while code := self.ERR_get_error():
            buf = ctypes.create_string_buffer(256)
            self.ERR_error_string_n(code, buf, len(buf))
            messages.append(buf.value.decode("ascii", "replace"))
        return "; ".join(messages) or "unknown OpenSSL error"


@functools.cache
def _load(path: str | None) -> _Lib:
    candidates = [path] if path else [ctypes.util.find_library("crypto") or "", "libcrypto.so.3"]
    problems = []
    for candidate in filter(None, candidates):
        try:
            lib = _Lib(candidate)
        except (OSError, AttributeError) as exc:
            problems.append(f"{candidate}: {exc}")
            continue
        if lib.OpenSSL_version_num() < 0x30000000:
            problems.append(f"{candidate}: OpenSSL older than 3.0")
            continue
        probe = lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
        if not probe:
            lib.ERR_clear_error()
            problems.append(f"{candidate}: built without SM2")
            continue
        lib.EVP_PKEY_CTX_free(probe)
        return lib
    raise Sm2Unavailable(f"{_FALLBACK_HINT} ({'; '.join(problems) or 'libcrypto not found'})")


def libcrypto() -> _Lib:
    """The loaded library; raises ``Sm2Unavailable`` with the fallback named."""
    return _load(os.environ.get("YIWANG_LIBCRYPTO") or None)


def _bio_bytes(lib: _Lib, bio: int) -> bytes:
    ptr = ctypes.c_char_p()
    length = lib.BIO_ctrl(bio, _BIO_CTRL_INFO, 0, ctypes.byref(ptr))
    return ctypes.string_at(ptr, length)


class Sm2Key:
    """An SM2 key held by libcrypto: a private key (can sign) or a public key (can verify only)."""

    __slots__ = ("_lib", "_pkey", "has_private")

    def __init__(self, lib: _Lib, pkey: int, has_private: bool) -> None:
        self._lib = lib
        self._pkey = pkey
        self.has_private = has_private

    def __del__(self) -> None:
        pkey, self._pkey = getattr(self, "_pkey", 0), 0  # 0: the NULL pointer, freed once
        if pkey:
            self._lib.EVP_PKEY_free(pkey)

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def generate(cls) -> Sm2Key:
        lib = libcrypto()
        ctx = lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
        pkey = _c_void_p()
        try:
            if not ctx or lib.EVP_PKEY_keygen_init(ctx) != 1 or lib.EVP_PKEY_generate(ctx, ctypes.byref(pkey)) != 1:
                raise ValueError(f"SM2 key generation failed: {lib.last_error()}")
        finally:
            if ctx:
                lib.EVP_PKEY_CTX_free(ctx)
        return cls(lib, pkey.value, True)  # type: ignore[arg-type]  # pkey.value is set: the generation above failed loudly otherwise

    @classmethod
    def from_pem(cls, pem: bytes | str) -> Sm2Key:
        """Load a PKCS#8 / SEC1 private key or a SubjectPublicKeyInfo public key (PEM, unencrypted)."""
        lib = libcrypto()
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        is_private = b"PRIVATE KEY-----" in data
        bio = lib.BIO_new_mem_buf(data, len(data))
        try:
            reader = lib.PEM_read_bio_PrivateKey if is_private else lib.PEM_read_bio_PUBKEY
            pkey = reader(bio, None, None, None)
        finally:
            lib.BIO_free(bio)
        if not pkey:
            raise ValueError(f"not a readable SM2 PEM key: {lib.last_error()}")
        key = cls(lib, pkey, is_private)
        if lib.EVP_PKEY_is_a(pkey, b"SM2") != 1:
            raise ValueError("the PEM key is not an SM2 key (curve SM2, OID 1.2.156.10197.1.301)")
        return key

    @classmethod
    def from_public_point(cls, point: bytes) -> Sm2Key:
        """A public key from its raw point: ``04 || x || y`` (65 bytes) or ``x || y`` (64 bytes)."""
        if len(point) == 65 and point[0] == 4:
            point = point[1:]
        if len(point) != 64:
            raise ValueError("an SM2 public point is 64 bytes (x || y) or 65 bytes (04 || x || y)")
        import base64

        body = base64.encodebytes(_SPKI_PREFIX + point).decode("ascii")
        key = cls.from_pem(f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n")
        if key.public_point()[1:] != point:  # OpenSSL refuses a point off the curve; this guards the rest
            raise ValueError("not an SM2 public point")
        return key

    # -- export --------------------------------------------------------------------------------

    def public_point(self) -> bytes:
        """The raw public point, 65 bytes ``04 || x || y`` (drop the first byte for ``x || y``)."""
        der = self.public_der()
        if not der.startswith(_SPKI_PREFIX) or len(der) != len(_SPKI_PREFIX) + 64:
            raise ValueError("unexpected SM2 public key encoding")
        return b"\x04" + der[len(_SPKI_PREFIX):]

    def private_pem(self) -> bytes:
        if not self.has_private:
            raise ValueError("this is a public key")
        lib = self._lib
        bio = lib.BIO_new(lib.BIO_s_mem())
        try:
            if lib.PEM_write_bio_PKCS8PrivateKey(bio, self._pkey, None, None, 0, None, None) != 1:
                raise ValueError(f"cannot write SM2 private key: {lib.last_error()}")
            return _bio_bytes(lib, bio)
        finally:
            lib.BIO_free(bio)

    def public_pem(self) -> bytes:
        lib = self._lib
        bio = lib.BIO_new(lib.BIO_s_mem())
        try:
            if lib.PEM_write_bio_PUBKEY(bio, self._pkey) != 1:
                raise ValueError(f"cannot write SM2 public key: {lib.last_error()}")
            return _bio_bytes(lib, bio)
        finally:
            lib.BIO_free(bio)

    def public_der(self) -> bytes:
        """The DER SubjectPublicKeyInfo (used to derive key ids)."""
        lib = self._lib
        out = ctypes.c_char_p()
        length = lib.i2d_PUBKEY(self._pkey, ctypes.byref(out))
        if length <= 0:
            raise ValueError(f"cannot encode SM2 public key: {lib.last_error()}")
        try:
            return ctypes.string_at(out, length)
        finally:
            lib.CRYPTO_free(out, b"sm2.py", 0)

    def public_key(self) -> Sm2Key:
        return Sm2Key.from_pem(self.public_pem())

    # -- sign / verify -------------------------------------------------------------------------

    def _digest_ctx(self, distid: bytes, verify: bool) -> tuple[int, int]:
        lib = self._lib
        mctx = lib.EVP_MD_CTX_new()
        pctx = lib.EVP_PKEY_CTX_new_from_pkey(None, self._pkey, None)
        if not mctx or not pctx:
            if mctx:
                lib.EVP_MD_CTX_free(mctx)
            if pctx:
                lib.EVP_PKEY_CTX_free(pctx)
            raise MemoryError("libcrypto could not allocate a context")
        # The ID goes on the key context before the digest is initialised, so that Z (GM/T 0009)
        # is computed with it; EVP_MD_CTX_set_pkey_ctx keeps ownership of pctx with us.
        ok = lib.EVP_PKEY_CTX_set1_id(pctx, distid, len(distid)) == 1
        lib.EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
        init = lib.EVP_DigestVerifyInit if verify else lib.EVP_DigestSignInit
        ok = ok and init(mctx, None, lib.EVP_sm3(), None, self._pkey) == 1
        if not ok:
            message = lib.last_error()
            lib.EVP_MD_CTX_free(mctx)
            lib.EVP_PKEY_CTX_free(pctx)
            raise ValueError(f"SM2 context setup failed: {message}")
        return mctx, pctx

    def sign(self, data: bytes, distid: bytes = DEFAULT_ID) -> bytes:
        """SM2-with-SM3 over ``data`` (hashed with Z of ``distid``); a DER signature."""
        if not self.has_private:
            raise ValueError("a public key cannot sign")
        lib = self._lib
        mctx, pctx = self._digest_ctx(distid, verify=False)
        try:
            buf = ctypes.create_string_buffer(_MAX_SIGNATURE)
            size = ctypes.c_size_t(_MAX_SIGNATURE)
            if lib.EVP_DigestSign(mctx, buf, ctypes.byref(size), data, len(data)) != 1:
                raise ValueError(f"SM2 signing failed: {lib.last_error()}")
            return buf.raw[: size.value]
        finally:
            lib.EVP_MD_CTX_free(mctx)
            lib.EVP_PKEY_CTX_free(pctx)

    def verify(self, data: bytes, signature: bytes, distid: bytes = DEFAULT_ID) -> bool:
        """True only for a valid signature over ``data``, DER or raw ``r || s`` (64 bytes);
        malformed input is simply invalid."""
        if len(signature) == RAW_SIGNATURE_BYTES:
            return self._verify_der(data, der_signature(signature), distid) or (
                signature[:1] == b"\x30" and self._verify_der(data, signature, distid))
        return self._verify_der(data, signature, distid)

    def _verify_der(self, data: bytes, signature: bytes, distid: bytes) -> bool:
        lib = self._lib
        mctx, pctx = self._digest_ctx(distid, verify=True)
        try:
            result = lib.EVP_DigestVerify(mctx, signature, len(signature), data, len(data))
            if result != 1:
                lib.ERR_clear_error()
            return result == 1
        finally:
            lib.EVP_MD_CTX_free(mctx)
            lib.EVP_PKEY_CTX_free(pctx)
