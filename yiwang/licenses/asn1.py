"""ASN.1 of the electronic seal (电子印章) and the seal signature (电子签章), after GB/T 38540-2020,
and the X.509 certificates (SM2 keys, SM2-with-SM3 signatures) that carry the signers' keys.

The structures follow the public ASN.1 of GB/T 38540-2020 version 4 as implemented by the Java
``ofdrw`` project (the full text of the standard was not available): ``SESeal`` (the seal, made and
signed by the seal maker, here the county CA) and ``SES_Signature`` (one signing act: ``TBS_Sign``
with the seal, the time, the SM3 of the signed data and a property string, signed by the issuing
department). Where Yiwang departs from it, ``docs/licences.md`` says so. Encoding is DER through
``asn1crypto`` (pure Python, well kept); nothing here signs or hashes by itself: SM2 and SM3 come
from ``yiwang.crypto``.
"""

from __future__ import annotations

import datetime as dt

from asn1crypto import algos, core, keys, x509

OID_SM2_SM3 = "1.2.156.10197.1.501"
OID_SM3 = "1.2.156.10197.1.401"
# Yiwang's own extension data in TBS_Sign.extDatas: the canonical licence metadata that was signed.
# A UUID-based OID (ITU-T X.667, arc 2.25) needs no registration and collides with nobody.
OID_LICENCE_METADATA = "2.25.260436446343624012498815016437446245237"
SES_VERSION = 4


class ExtData(core.Sequence):
    _fields = [
        ("extnID", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extnValue", core.OctetString),
    ]


class ExtensionDatas(core.SequenceOf):
    _child_spec = ExtData


class SESHeader(core.Sequence):
    _fields = [("ID", core.IA5String), ("version", core.Integer), ("Vid", core.IA5String)]


class CertInfoList(core.SequenceOf):
    _child_spec = core.OctetString


class SESESPropertyInfo(core.Sequence):
    _fields = [
        ("type", core.Integer),  # 1 organisation seal (单位印章), 2 personal
        ("name", core.UTF8String),
        ("certListType", core.Integer),  # 1: certificates, 2: certificate digests
        ("certList", CertInfoList),  # the certificates of those who may sign with this seal
        ("createDate", core.GeneralizedTime),
        ("validStart", core.GeneralizedTime),
        ("validEnd", core.GeneralizedTime),
    ]


class SESESPictrueInfo(core.Sequence):  # sic: the standard's spelling
    _fields = [
        ("type", core.IA5String),
        ("data", core.OctetString),
        ("width", core.Integer),  # millimetres
        ("height", core.Integer),
    ]


class SESSealInfo(core.Sequence):
    _fields = [
        ("header", SESHeader),
        ("esID", core.IA5String),
        ("property", SESESPropertyInfo),
        ("picture", SESESPictrueInfo),
        ("extDatas", ExtensionDatas, {"optional": True}),
    ]


class SESSealToSign(core.Sequence):
    """What the seal maker signs: the seal information, its own certificate and the algorithm."""

    _fields = [("esealInfo", SESSealInfo), ("cert", core.OctetString), ("signAlgID", core.ObjectIdentifier)]


class SESeal(core.Sequence):
    _fields = [
        ("esealInfo", SESSealInfo),
        ("cert", core.OctetString),  # the seal maker's certificate (DER)
        ("signAlgID", core.ObjectIdentifier),
        ("signedValue", core.OctetBitString),
    ]


class TBSSign(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", SESeal),
        ("timeInfo", core.GeneralizedTime),
        ("dataHash", core.OctetBitString),  # SM3 of the signed document
        ("propertyInfo", core.IA5String),
        ("extDatas", ExtensionDatas, {"explicit": 0, "optional": True}),
    ]


class SESSignature(core.Sequence):
    _fields = [
        ("toSign", TBSSign),
        ("cert", core.OctetString),  # the signer's certificate (DER)
        ("signatureAlgID", core.ObjectIdentifier),
        ("signature", core.OctetBitString),  # DER SEQUENCE {r, s} of SM2-with-SM3 over DER(toSign)
        ("timeStamp", core.OctetBitString, {"explicit": 0, "optional": True}),
    ]


def generalized(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(microsecond=0)


# -- X.509 -----------------------------------------------------------------------------------------

def sm2_algorithm() -> algos.SignedDigestAlgorithm:
    return algos.SignedDigestAlgorithm({"algorithm": OID_SM2_SM3})


def x509_name(*, common_name: str, organisation: str, unit: str = "") -> x509.Name:
    values = {"country_name": "CN", "organization_name": organisation, "common_name": common_name}
    if unit:
        values["organizational_unit_name"] = unit
    return x509.Name.build(values, use_printable=False)


def tbs_certificate(*, serial: int, issuer: x509.Name, subject: x509.Name, public_der: bytes,
                    not_before: dt.datetime, not_after: dt.datetime, ca: bool) -> x509.TbsCertificate:
    usage = {"key_cert_sign", "crl_sign"} if ca else {"digital_signature", "non_repudiation"}
    extensions = [
        {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": ca}},
        {"extn_id": "key_usage", "critical": True, "extn_value": usage},
    ]
    return x509.TbsCertificate({
        "version": "v3", "serial_number": serial, "signature": sm2_algorithm(), "issuer": issuer,
        "validity": {"not_before": x509.Time({"utc_time": generalized(not_before)}),
                     "not_after": x509.Time({"utc_time": generalized(not_after)})},
        "subject": subject, "subject_public_key_info": keys.PublicKeyInfo.load(public_der),
        "extensions": extensions,
    })


def certificate(tbs: x509.TbsCertificate, signature: bytes) -> x509.Certificate:
    return x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": sm2_algorithm(),
                             "signature_value": signature})


def public_point(cert: x509.Certificate) -> bytes:
    """The SM2 public point (``04 || x || y``) of a certificate."""
    info = cert["tbs_certificate"]["subject_public_key_info"]
    if info["algorithm"]["algorithm"].native != "ec" or info["algorithm"]["parameters"].chosen.dotted != "1.2.156.10197.1.301":
        raise ValueError("the certificate's key is not an SM2 key")
    contents = bytes(info["public_key"].contents)  # the BIT STRING: unused-bits byte, then the point
    if len(contents) != 66 or contents[:2] != b"\x00\x04":
        raise ValueError("the certificate's SM2 public key is not an uncompressed point")
    return contents[1:]
