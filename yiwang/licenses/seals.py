"""Electronic seals (电子印章) and seal signatures (电子签章): keys, certificates, GB/T 38540 objects.

- ``create_demo_ca`` makes the demo county CA (a self-signed SM2 certificate); ``create_seal`` gives a
  department an SM2 key, a certificate issued by that CA and an ``SESeal`` signed by the CA as seal
  maker (制章人). Real deployments import their own with ``manage.py import_seal``.
- ``sign`` makes an ``SES_Signature`` over a document: SM3 of the document as ``dataHash``, the
  canonical licence metadata in ``extDatas``, signed by the department's key (SM2-with-SM3, user ID
  ``1234567812345678``, DER), the signer's certificate inside.
- ``verify_signature`` checks an ``SES_Signature`` with nothing but trusted CA certificates: the
  signer's certificate chains to one, is valid at the signing time, matches the seal's certificate
  list, the seal's maker signature holds, and the signature covers this data.

All SM2 and SM3 come from ``yiwang.crypto``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import core, x509

from yiwang.crypto.keys import key_id_for_public_der
from yiwang.crypto.primitives import sm3
from yiwang.crypto.sm2 import DEFAULT_ID, Sm2Key
from yiwang.licenses import asn1

CA_YEARS = 20
SEAL_YEARS = 5


@functools.lru_cache(maxsize=256)
def _private_key(pem: str) -> Sm2Key:
    return Sm2Key.from_pem(pem)


@functools.lru_cache(maxsize=1024)
def _public_key(point: bytes) -> Sm2Key:
    return Sm2Key.from_public_point(point)


def _serial() -> int:
    return secrets.randbits(63) | 1 << 62


def new_ca(*, name: str, now: dt.datetime) -> tuple[bytes, str]:
    """A self-signed SM2 CA certificate (DER) and its private key (PEM)."""
    key = Sm2Key.generate()
    subject = asn1.x509_name(common_name=name, organisation=name)
    tbs = asn1.tbs_certificate(serial=_serial(), issuer=subject, subject=subject, public_der=key.public_der(),
                               not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=365 * CA_YEARS),
                               ca=True)
    return asn1.certificate(tbs, key.sign(tbs.dump(), DEFAULT_ID)).dump(), key.private_pem().decode("ascii")


def issue_certificate(*, ca_cert: bytes, ca_key_pem: str, subject_name: str, organisation: str,
                      public_der: bytes, now: dt.datetime, years: int = SEAL_YEARS) -> bytes:
    """An end-entity certificate for a department's SM2 key, issued by the CA."""
    issuer = x509.Certificate.load(ca_cert).subject
    tbs = asn1.tbs_certificate(serial=_serial(), issuer=issuer,
                               subject=asn1.x509_name(common_name=subject_name, organisation=organisation),
                               public_der=public_der, not_before=now - dt.timedelta(minutes=5),
                               not_after=now + dt.timedelta(days=365 * years), ca=False)
    return asn1.certificate(tbs, _private_key(ca_key_pem).sign(tbs.dump(), DEFAULT_ID)).dump()


@functools.lru_cache(maxsize=8)
def _font(path: str, size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(path, size, index=0)


def seal_picture(name: str, *, size: int = 360) -> bytes:
    """A red round seal (公章) with the department's name along the rim and a star: PNG, transparent.

    Each character of the name is drawn in the font the documents draw it in (``core.pdf.font_file``,
    the rule of ``core.pdf.font_for``): the main CJK font for its own characters (a name of only
    those is the picture it always was), the fallback font for a 生僻字 it lacks (a county or
    township name with a character of CJK Extension B–E), a box for a character no font has; a
    character that draws nothing (a variation selector, a joiner) takes no place on the rim."""
    from PIL import Image, ImageDraw

    from yiwang.core.pdf import font_file

    red = (206, 17, 38, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c, r = size / 2, size / 2 - 8
    draw.ellipse((c - r, c - r, c + r, c + r), outline=red, width=max(6, size // 40))
    star = [(c + (size * (0.16 if i % 2 == 0 else 0.065)) * math.sin(i * math.pi / 5),
             c - (size * (0.16 if i % 2 == 0 else 0.065)) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(star, fill=red)
    drawn = [(ch, path) for ch in name if (path := font_file(ch)) is not None][:16]
    span = min(250.0, 18.0 * len(drawn))  # degrees of arc the name takes, centred at the top
    for i, (ch, path) in enumerate(drawn):
        angle = -span / 2 + (span * (i + 0.5) / len(drawn))
        glyph = Image.new("RGBA", (int(size * 0.14), int(size * 0.14)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=_font(path, int(size * 0.11)), fill=red,
                                   anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True)
        radius = r - size * 0.11
        x = c + radius * math.sin(math.radians(angle)) - glyph.width / 2
        y = c - radius * math.cos(math.radians(angle)) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def make_seal(*, es_id: str, name: str, signer_cert: bytes, maker_cert: bytes, maker_key_pem: str,
              picture: bytes, valid_from: dt.datetime, valid_to: dt.datetime, now: dt.datetime) -> bytes:
    """The ``SESeal`` (DER): seal information with the signer's certificate and the picture, signed by the maker."""
    info = asn1.SESSealInfo({
        "header": {"ID": "ES", "version": asn1.SES_VERSION, "Vid": "Yiwang"},
        "esID": es_id,
        "property": {"type": 1, "name": name, "certListType": 1, "certList": [signer_cert],
                     "createDate": asn1.generalized(now), "validStart": asn1.generalized(valid_from),
                     "validEnd": asn1.generalized(valid_to)},
        "picture": {"type": "png", "data": picture, "width": 40, "height": 40},
    })
    to_sign = asn1.SESSealToSign({"esealInfo": info, "cert": maker_cert, "signAlgID": asn1.OID_SM2_SM3})
    signed = _private_key(maker_key_pem).sign(to_sign.dump(), DEFAULT_ID)
    return asn1.SESeal({"esealInfo": info, "cert": maker_cert, "signAlgID": asn1.OID_SM2_SM3,
                        "signedValue": signed}).dump()


def _bit_bytes(value: core.OctetBitString) -> bytes:
    native = value.native
    if not isinstance(native, bytes):
        raise ValueError("a BIT STRING that is not whole bytes")
    return native


def sign(*, seal_der: bytes, signer_cert: bytes, key_pem: str, data: bytes, metadata: bytes,
         at: dt.datetime, property_info: str, data_sm3: bytes | None = None) -> bytes:
    """An ``SES_Signature`` (DER) of ``data`` with the department's seal and key. ``data_sm3``: the
    SM3 of ``data`` when the caller has already computed it (a document's file digest), so that the
    file is not hashed twice."""
    tbs = asn1.TBSSign({
        "version": asn1.SES_VERSION, "eseal": asn1.SESeal.load(seal_der), "timeInfo": asn1.generalized(at),
        "dataHash": sm3(data) if data_sm3 is None else data_sm3, "propertyInfo": property_info,
        "extDatas": [{"extnID": asn1.OID_LICENCE_METADATA, "critical": False, "extnValue": metadata}],
    })
    signature = _private_key(key_pem).sign(tbs.dump(), DEFAULT_ID)
    return asn1.SESSignature({"toSign": tbs, "cert": signer_cert, "signatureAlgID": asn1.OID_SM2_SM3,
                              "signature": signature}).dump()


# -- verification ----------------------------------------------------------------------------------


@dataclass
class SealCheck:
    ok: bool
    problem: str = ""
    signer_cert: bytes = b""
    key_id: str = ""
    signed_at: dt.datetime | None = None
    metadata: bytes = b""
    es_id: str = ""
    signer: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=1024)
def certificate_key_id(cert_der: bytes) -> str:
    cert = x509.Certificate.load(cert_der)
    return key_id_for_public_der(cert["tbs_certificate"]["subject_public_key_info"].dump())


@dataclass(frozen=True)
class _CertFacts:
    key: Sm2Key
    key_id: str
    not_before: dt.datetime
    not_after: dt.datetime
    common_name: str


@functools.lru_cache(maxsize=1024)
def _cert_facts(cert_der: bytes) -> _CertFacts:
    """What verification reads from a signer's certificate: parsed once per certificate and process
    (a pure function of the bytes; every licence a seal signs carries the same certificate).
    Raises ``ValueError``/``TypeError``/``KeyError`` for an unreadable certificate (not cached)."""
    cert = x509.Certificate.load(cert_der)
    validity = cert["tbs_certificate"]["validity"]
    return _CertFacts(key=_public_key(asn1.public_point(cert)), key_id=certificate_key_id(cert_der),
                      not_before=validity["not_before"].native, not_after=validity["not_after"].native,
                      common_name=cert.subject.native.get("common_name", ""))


@functools.lru_cache(maxsize=1024)
def _chain_problem(cert_der: bytes, anchors: tuple[bytes, ...]) -> str:
    """'' when ``cert_der`` is one of the anchors or is signed by one (one level: CA → department)."""
    try:
        cert = x509.Certificate.load(cert_der)
        tbs = cert["tbs_certificate"]
        tbs_der = tbs.dump()
        if cert["signature_algorithm"]["algorithm"].dotted != asn1.OID_SM2_SM3:
            return "certificate_algorithm"
        signature = _bit_bytes(cert["signature_value"])
    except (ValueError, TypeError, KeyError):
        return "certificate_unreadable"
    for anchor_der in anchors:
        if anchor_der == cert_der:
            return ""
        try:
            anchor = x509.Certificate.load(anchor_der)
            if anchor.subject != tbs["issuer"]:
                continue
            key = _public_key(asn1.public_point(anchor))
        except (ValueError, TypeError, KeyError):
            continue
        if key.verify(tbs_der, signature, DEFAULT_ID):
            return ""
        return "certificate_signature_invalid"
    return "certificate_untrusted"


@dataclass(frozen=True)
class _SealFacts:
    problem: str
    es_id: str = ""
    listed: frozenset[bytes] = frozenset()
    valid_start: dt.datetime | None = None
    valid_end: dt.datetime | None = None


@functools.lru_cache(maxsize=256)
def _seal_facts(seal_der: bytes, anchors: tuple[bytes, ...]) -> _SealFacts:
    """The ``SESeal`` inside a signature, checked on its own: readable, its maker's certificate chains
    to a trusted anchor and the maker's signature over the seal holds. The same for every licence a
    seal signs, so it is checked once per seal, anchor set and process (a pure function of its
    arguments: a changed seal or anchor set is a different key)."""
    try:
        seal = asn1.SESeal.load(seal_der, strict=True)
        info = seal["esealInfo"]
        prop = info["property"]
        facts = _SealFacts("", es_id=info["esID"].native, listed=frozenset(bytes(c.native) for c in prop["certList"]),
                           valid_start=prop["validStart"].native, valid_end=prop["validEnd"].native)
        maker_cert = bytes(seal["cert"].native)
        maker_signed = asn1.SESSealToSign({"esealInfo": info, "cert": seal["cert"], "signAlgID": seal["signAlgID"]}).dump()
        maker_signature = _bit_bytes(seal["signedValue"])
        maker_key = _public_key(asn1.public_point(x509.Certificate.load(maker_cert)))
    except (ValueError, TypeError, KeyError, OverflowError):
        return _SealFacts("signature_unreadable")
    problem = _chain_problem(maker_cert, anchors)
    if not problem and not maker_key.verify(maker_signed, maker_signature, DEFAULT_ID):
        problem = "seal_signature_invalid"
    return dataclasses.replace(facts, problem=problem)


def verify_signature(signature_der: bytes, data: bytes | None = None, *, anchors: Iterable[bytes],
                     data_digest: bytes | None = None) -> SealCheck:
    """Check an ``SES_Signature`` over ``data`` against trusted CA certificates (DER). Never raises
    for bad input: anything malformed is a failed check with a problem code.

    ``data_digest`` (SM3 of the data) replaces ``data`` when the caller already holds that hash from
    a trusted source (the online check: the hash stored at issuance, for a file whose stat proves it
    unchanged since). The signature over the seal's ``TBS_Sign`` is verified on every call; what is
    the same for every licence of a seal (the seal, its maker, the certificates) once per process."""
    anchors = tuple(anchors)
    try:
        sig = asn1.SESSignature.load(signature_der, strict=True)
        tbs = sig["toSign"]
        tbs_der = tbs.dump()
        signer_cert = bytes(sig["cert"].native)
        if sig["signatureAlgID"].dotted != asn1.OID_SM2_SM3:
            return SealCheck(False, "signature_algorithm")
        signature = _bit_bytes(sig["signature"])
        data_hash = _bit_bytes(tbs["dataHash"])
        signed_at = tbs["timeInfo"].native
        metadata = b""
        for ext in tbs["extDatas"] or []:
            if ext["extnID"].dotted == asn1.OID_LICENCE_METADATA:
                metadata = bytes(ext["extnValue"].native)
        seal_der = tbs["eseal"].dump()
        cert = _cert_facts(signer_cert)
    except (ValueError, TypeError, KeyError, OverflowError):
        return SealCheck(False, "signature_unreadable")
    seal = _seal_facts(seal_der, anchors)
    result = SealCheck(False, "", signer_cert=signer_cert, key_id=cert.key_id, signed_at=signed_at, metadata=metadata,
                       es_id=seal.es_id, signer=cert.common_name)
    if not cert.key.verify(tbs_der, signature, DEFAULT_ID):
        result.problem = "signature_invalid"
        return result
    digest = data_digest if data is None else sm3(data)
    if digest is None or not secrets.compare_digest(data_hash, digest):
        result.problem = "data_hash_mismatch"
        return result
    if seal.problem == "signature_unreadable":
        result.problem = seal.problem
        return result
    if signer_cert not in seal.listed:
        result.problem = "signer_not_in_seal"
        return result
    problem = _chain_problem(signer_cert, anchors) or seal.problem
    if problem:
        result.problem = problem
        return result
    if seal.valid_start is None or seal.valid_end is None or not (cert.not_before <= signed_at <= cert.not_after) \
            or not (seal.valid_start <= signed_at <= seal.valid_end):
        result.problem = "signed_outside_validity"
        return result
    result.ok = True
    return result
