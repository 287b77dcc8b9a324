"""The seal check refuses a seal whose maker signature was changed, even when the department re-signs
the whole signature around it (so the outer signature holds)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yiwang.licenses import asn1, seals
from yiwang.licenses.models import TrustAnchor

pytestmark = pytest.mark.django_db


def test_a_forged_seal_inside_a_valid_signature_is_refused(library):
    seal = library.issue().seal
    anchors = (bytes(TrustAnchor.objects.get(is_demo=True).certificate),)
    good = seals.sign(seal_der=bytes(seal.seal), signer_cert=bytes(seal.certificate), key_pem=seal.private_key,
                      data=b"document", metadata=b"{}", at=timezone.now(), property_info="t")
    assert seals.verify_signature(good, b"document", anchors=anchors).ok
    assert seals.verify_signature(good, b"documenT", anchors=anchors).problem == "data_hash_mismatch"

    forged = asn1.SESeal.load(bytes(seal.seal))
    value = bytearray(forged["signedValue"].native)
    value[-1] ^= 0x01
    forged = asn1.SESeal({"esealInfo": forged["esealInfo"], "cert": forged["cert"], "signAlgID": forged["signAlgID"],
                          "signedValue": bytes(value)})
    resigned = seals.sign(seal_der=forged.dump(), signer_cert=bytes(seal.certificate), key_pem=seal.private_key,
                          data=b"document", metadata=b"{}", at=timezone.now(), property_info="t")
    assert seals.verify_signature(resigned, b"document", anchors=anchors).problem == "seal_signature_invalid"
    assert seals.verify_signature(b"\x30\x03\x02\x01\x01", b"document", anchors=anchors).problem == "signature_unreadable"
    assert seals.verify_signature(good, b"document", anchors=()).problem == "certificate_untrusted"
