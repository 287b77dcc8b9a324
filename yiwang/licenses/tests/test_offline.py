"""Offline verification with ``manage.py verify_licence``: exit 0 only for a valid licence."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pypdfium2
import pytest
import zxingcpp
from asn1crypto import pem
from django.core.management import call_command
from django.utils import timezone

from yiwang.crypto.sm2 import Sm2Key
from yiwang.licenses import payload
from yiwang.licenses.models import TrustAnchor

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    try:
        call_command("verify_licence", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_a_valid_qr_payload_passes_with_the_url_or_the_payload(library):
    licence = library.issue()
    from yiwang.licenses.services import qr_text

    assert run("--qr", licence.qr_payload)[0] == 0
    code, out = run("--qr", qr_text(licence))
    assert code == 0 and "VALID" in out


def test_one_flipped_byte_in_the_qr_payload_fails(library):
    licence = library.issue()
    head, body, sig = licence.qr_payload.split(".")
    raw = bytearray(payload._unb64(body))
    raw[raw.index(b'"n":"') + 6] ^= 0x01  # one byte of the licence number
    code, out = run("--qr", f"{head}.{payload._b64(bytes(raw))}.{sig}")
    assert code == 1 and "ALTERED" in out
    flipped_sig = bytearray(payload._unb64(sig))
    flipped_sig[10] ^= 0x80
    assert run("--qr", f"{head}.{body}.{payload._b64(bytes(flipped_sig))}")[0] == 1


def test_a_payload_signed_by_an_unknown_key_fails(library):
    licence = library.issue()
    body = payload.parse(licence.qr_payload).body
    forged = payload.make(dict(body, n="JY20990000001"), Sm2Key.generate())  # claims the real key id
    code, out = run("--qr", forged)
    assert code == 1 and "ALTERED" in out
    forged = payload.make(dict(body, k="sm2-0000000000000000"), Sm2Key.generate())
    code, out = run("--qr", forged)
    assert code == 1 and "unknown key" in out


@pytest.mark.parametrize("junk", ["", "YWL1", "YWL1.a.b", "YWL2.e30.AAAA", "YWL1.!!!.???", "YWL1." + "A" * 3000,
                                  "http://x/verify/t#"])
def test_junk_payloads_fail_cleanly(library, junk):
    code, out = run("--qr", junk)
    assert code == 1 and out


def test_an_expired_or_not_yet_valid_licence_fails_offline(library):
    expired = library.issue(now=timezone.now() - dt.timedelta(days=365 * 6))
    future = library.issue(now=timezone.now() + dt.timedelta(days=10))
    assert run("--qr", expired.qr_payload)[0] == 1
    assert run("--qr", future.qr_payload)[0] == 1
    code, out = run("--file", future.file.path)
    assert code == 1 and "NOT_YET_VALID" in out


def test_the_sealed_pdf_passes_and_an_edited_one_fails(library, tmp_path):
    licence = library.issue()
    assert run("--file", licence.file.path)[0] == 0
    data = bytearray(open(licence.file.path, "rb").read())
    data[200] ^= 0x01
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(bytes(data))
    code, out = run("--file", str(edited))
    assert code == 1 and "data_hash_mismatch" in out
    unsealed = tmp_path / "plain.pdf"
    unsealed.write_bytes(bytes(data).split(b"\n%YIWANG-SES-SIGNATURE ")[0])
    assert run("--file", str(unsealed))[0] == 1


def test_with_only_the_ca_certificate_given_as_a_file(library, tmp_path):
    """A verifier with nothing but the CA's certificate: the department certificate inside the seal
    chains to it. A different CA is not trusted."""
    licence = library.issue()
    ca = tmp_path / "ca.pem"
    ca.write_bytes(pem.armor("CERTIFICATE", bytes(TrustAnchor.objects.get(is_demo=True).certificate)))
    assert run("--file", licence.file.path, "--ca", str(ca))[0] == 0
    from yiwang.licenses import seals

    other_cert, _key = seals.new_ca(name="别的 CA", now=timezone.now())
    other = tmp_path / "other.pem"
    other.write_bytes(pem.armor("CERTIFICATE", other_cert))
    code, out = run("--file", licence.file.path, "--ca", str(other))
    assert code == 1 and "certificate_untrusted" in out
    dept = tmp_path / "dept.pem"
    dept.write_bytes(pem.armor("CERTIFICATE", bytes(licence.seal.certificate)))
    assert run("--qr", licence.qr_payload, "--cert", str(dept))[0] == 0
    assert run("--qr", licence.qr_payload, "--cert", str(dept), "--ca", str(other))[0] == 1


def test_an_expired_sealed_pdf_fails_offline(library):
    expired = library.issue(now=timezone.now() - dt.timedelta(days=365 * 6))
    code, out = run("--file", expired.file.path)
    assert code == 1 and "EXPIRED" in out


def test_the_printed_qr_code_reads_back_as_the_payload_that_verifies(library):
    # given an issued licence, printed (rasterised by PDFium, as a camera sees paper)
    from yiwang.licenses.rendering import split_sealed
    from yiwang.licenses.services import qr_text

    licence = library.issue()
    signed, _signature = split_sealed(open(licence.file.path, "rb").read())
    page = pypdfium2.PdfDocument(signed)[0].render(scale=4).to_pil()
    # when a phone reads its QR code
    codes = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)
    # then it is the licence's link and signed payload, at level M, and it verifies offline
    assert [(code.text, code.ec_level) for code in codes] == [(qr_text(licence), "M")]
    code, out = run("--qr", codes[0].text)
    assert code == 0 and "VALID" in out
