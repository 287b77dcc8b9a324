from __future__ import annotations

import shutil
import subprocess

import pytest

from yiwang.crypto import keys, sm2
from yiwang.crypto.errors import Sm2Unavailable
from yiwang.crypto.signing import get_signer, trusted_public_keys, verify_signature, verify_with_public_key
from yiwang.crypto.sm2 import Sm2Key

OPENSSL = shutil.which("openssl")


@pytest.fixture
def openssl_cli() -> str:
    """The independent implementation the interoperability tests check against."""
    if OPENSSL is None:
        pytest.fail("the openssl command line is missing: run `make system-deps` (Debian package openssl).")
    return OPENSSL
DISTID = "distid:1234567812345678"


def test_sign_then_verify_and_tamper_detection():
    # given a key and a signature
    key = Sm2Key.generate()
    signature = key.sign(b"tree head")
    public = key.public_key()
    # then the public key verifies it, and nothing else verifies
    assert signature[0] == 0x30  # DER SEQUENCE
    assert public.verify(b"tree head", signature)
    assert not public.verify(b"tree heaD", signature)
    assert not public.verify(b"tree head", signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not public.verify(b"tree head", b"\x30\x02\x00\x00")
    assert not public.verify(b"tree head", b"")
    assert not Sm2Key.generate().public_key().verify(b"tree head", signature)
    # and the user ID is part of what is signed
    assert not public.verify(b"tree head", signature, distid=b"")


def test_pem_round_trip():
    key = Sm2Key.generate()
    again = Sm2Key.from_pem(key.private_pem())
    assert again.public_pem() == key.public_pem()
    assert key.public_key().verify(b"m", again.sign(b"m"))
    public = Sm2Key.from_pem(key.public_pem())
    assert not public.has_private
    with pytest.raises(ValueError):
        public.sign(b"m")


def test_non_sm2_and_garbage_pem_are_refused(tmp_path, openssl_cli):
    with pytest.raises(ValueError):
        Sm2Key.from_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    path = tmp_path / "p256.pem"
    subprocess.run([openssl_cli, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(path)], check=True, capture_output=True)
    with pytest.raises(ValueError, match="not an SM2 key"):
        Sm2Key.from_pem(path.read_bytes())


def test_openssl_verifies_what_yiwang_signs(tmp_path, openssl_cli):
    # given a message signed here
    key = Sm2Key.generate()
    message = "一网通办 tree head 42".encode()
    (tmp_path / "pub.pem").write_bytes(key.public_pem())
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(key.sign(message))
    # when openssl verifies it with the standard user ID
    result = subprocess.run(
        [openssl_cli, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-in", "msg", "-sigfile", "sig"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    # then it succeeds
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signature Verified Successfully" in result.stdout


def test_yiwang_verifies_what_openssl_signs(tmp_path, openssl_cli):
    # given a key made and a message signed by openssl
    run = lambda *args: subprocess.run([openssl_cli, *args], cwd=tmp_path, check=True, capture_output=True)  # noqa: E731
    run("genpkey", "-algorithm", "SM2", "-out", "key.pem")
    run("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem")
    (tmp_path / "msg").write_bytes(b"licence 1.2.156.3005.2")
    run("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-in", "msg", "-out", "sig")
    signature = (tmp_path / "sig").read_bytes()
    # then both its public key and its private key (loaded here) verify it
    public_pem = (tmp_path / "pub.pem").read_text()
    assert verify_with_public_key(public_pem, b"licence 1.2.156.3005.2", signature)
    assert Sm2Key.from_pem((tmp_path / "key.pem").read_bytes()).verify(b"licence 1.2.156.3005.2", signature)
    assert not verify_with_public_key(public_pem, b"licence 1.2.156.3005.3", signature)


def test_demo_signing_key_is_generated_once(tmp_path, settings):
    settings.YIWANG_DEMO_MODE = True
    signer = get_signer()
    path = tmp_path / "keys" / keys.DEMO_SM2_FILE
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert get_signer().key_id == signer.key_id and signer.key_id.startswith("sm2-")
    assert verify_signature(key_id=signer.key_id, data=b"m", signature=signer.sign(b"m"))


def test_configured_signing_key_and_trusted_earlier_keys(settings):
    # given the current key and an earlier one listed as trusted
    current, earlier = Sm2Key.generate(), Sm2Key.generate()
    settings.YIWANG_SM2_SIGNING_KEY = current.private_pem().decode()
    settings.YIWANG_SM2_TRUSTED_KEYS = earlier.public_pem().decode()
    signer = get_signer()
    earlier_id = keys.key_id_for_public_der(earlier.public_der())
    # then signatures of both verify by key id, and an unknown key's do not
    assert set(trusted_public_keys()) == {signer.key_id, earlier_id}
    assert verify_signature(key_id=earlier_id, data=b"m", signature=earlier.sign(b"m"))
    assert verify_signature(key_id=signer.key_id, data=b"m", signature=signer.sign(b"m"))
    stranger = Sm2Key.generate()
    stranger_id = keys.key_id_for_public_der(stranger.public_der())
    assert not verify_signature(key_id=stranger_id, data=b"m", signature=stranger.sign(b"m"))


def test_missing_sm2_support_names_the_fallback(monkeypatch):
    monkeypatch.setenv("YIWANG_LIBCRYPTO", "/nonexistent/libcrypto.so.3")
    with pytest.raises(Sm2Unavailable, match="gmssl-pyx"):
        sm2.Sm2Key.generate()


def _der_to_raw(der: bytes) -> bytes:
    """SEQUENCE {INTEGER r, INTEGER s} → r || s, 32 bytes each: parsed here by hand, not by the code under test."""
    assert der[0] == 0x30 and der[1] == len(der) - 2
    out, at = b"", 2
    for _ in range(2):
        assert der[at] == 0x02
        length = der[at + 1]
        out += int.from_bytes(der[at + 2 : at + 2 + length], "big").to_bytes(32, "big")
        at += 2 + length
    return out


def test_raw_r_s_signatures_and_raw_public_points_from_openssl_verify(tmp_path, openssl_cli):
    # given a key and a signature made by openssl, in the raw forms gmssl and GM/T toolkits use:
    # r || s (64 bytes) and the public point 04 || x || y / x || y
    run = lambda *args: subprocess.run([openssl_cli, *args], cwd=tmp_path, check=True, capture_output=True)  # noqa: E731
    run("genpkey", "-algorithm", "SM2", "-out", "key.pem")
    run("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem")
    run("pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der")
    message = b"dataset push 42"
    (tmp_path / "msg").write_bytes(message)
    run("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-in", "msg", "-out", "sig")
    raw = _der_to_raw((tmp_path / "sig").read_bytes())
    point = (tmp_path / "pub.der").read_bytes()[-65:]
    pem = (tmp_path / "pub.pem").read_text()
    # then every product path verifies the raw signature, with the PEM or the raw point, and refuses a changed one
    assert len(raw) == 64 and point[0] == 4
    assert verify_with_public_key(pem, message, raw)
    assert verify_with_public_key(point, message, raw) and verify_with_public_key(point[1:], message, raw)
    assert Sm2Key.from_pem(pem).verify(message, raw)
    assert not verify_with_public_key(pem, message + b"!", raw)
    assert not verify_with_public_key(pem, message, raw[:32] + bytes(32))
    assert not verify_with_public_key(b"\x04" + bytes(64), message, raw)  # not a point on the curve
    # and the key exports as the same raw point openssl wrote
    assert Sm2Key.from_pem(pem).public_point() == point
    from yiwang.crypto.signing import public_point

    assert public_point(pem) == point
    # and a raw signature made here is what a raw-form toolkit expects
    assert sm2.raw_signature(Sm2Key.from_pem((tmp_path / "key.pem").read_bytes()).sign(message)) != raw  # randomised k
    assert verify_with_public_key(point, message, sm2.raw_signature(Sm2Key.from_pem((tmp_path / "key.pem").read_bytes()).sign(message)))
