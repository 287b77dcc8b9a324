"""Writes of the licence library: seals, issuance (from case decisions), change, renewal,
revocation, share links, and uses instead of an upload (免证办). Each is one transaction with its
audit record; issuance, change and revocation are also entries on the tamper-evident ledger.

``cases`` calls ``issue_for_case`` inside the transaction of the decision (people or 秒批), so a
case is never decided in favour without its licence, nor a licence issued for an undecided case.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from typing import Any, Literal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import BooleanField, Exists, Max, OuterRef, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.calendar import local_date
from yiwang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yiwang.core.ids import mask_name
from yiwang.core.models import Applicant, ApplicantKind, Department
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.selectors import staff_roles_of
from yiwang.core.services import record_audit
from yiwang.core.text import field_text
from yiwang.core.users import User
from yiwang.crypto.primitives import sm3, sm3_hex
from yiwang.ledger.models import canonical_json
from yiwang.ledger.services import NewEntry, append_entries, commitment
from yiwang.licenses import identifiers, payload, rendering, seals
from yiwang.licenses.errors import LicenceErrorCode
from yiwang.licenses.identifiers import clean_number
from yiwang.licenses.models import (
    DepartmentSeal,
    HolderKind,
    Licence,
    LicenceStatus,
    LicenceType,
    LicenceUse,
    RevokeKind,
    ShareLink,
    TrustAnchor,
    template_placeholders,
)

LEDGER_KIND = "licence"
HOLDER_ID_TYPES: dict[str, str] = {ApplicantKind.PERSON: "公民身份号码", ApplicantKind.ORGANISATION: "统一社会信用代码"}
SHARE_DEFAULT_DAYS = 7
SHARE_MAX_DAYS = 90
SHAREABLE_FIELDS = ("holder_name", "holder_id_number", "valid_from", "valid_to", "fields")
MAX_REASON = 500
FOOTNOTE = ("本证照由颁发机构以电子印章（SM2 数字签名，GB/T 38540 结构）签章。扫描二维码可在线核验真伪与状态，"
            "或离线核验签名：python manage.py verify_licence --qr <二维码内容>。")


# -- seals -------------------------------------------------------------------------------------------


def ensure_demo_ca(*, name: str = "演示县电子证照 CA", now: dt.datetime | None = None) -> TrustAnchor:
    """The demo county CA (with its key), created once."""
    anchor = TrustAnchor.objects.filter(is_demo=True, is_active=True).first()
    if anchor is not None:
        return anchor
    now = now or timezone.now()
    cert, key = seals.new_ca(name=name, now=now)
    with transaction.atomic():
        anchor = TrustAnchor.objects.create(name=name, certificate=cert, private_key=key, is_demo=True)
        record_audit(actor=None, at=now, event_type="licence_ca_created", subject_type="trust_anchor",
                     subject_id=anchor.pk, details={"name": name, "certificate_sm3": sm3_hex(cert)})
    return anchor


def create_seal(*, department: Department, uscc: str, anchor: TrustAnchor, actor: User | None = None,
                now: dt.datetime | None = None) -> DepartmentSeal:
    """A new SM2 key for the department, its certificate from ``anchor`` (which must hold its key),
    and its seal; the previous seal stops signing (licences it signed keep verifying)."""
    from yiwang.crypto.sm2 import Sm2Key

    if not anchor.private_key:
        raise InvalidInput(LicenceErrorCode.SEAL_IMPORT_INVALID, _("该证书颁发机构没有私钥，不能签发印章证书；请用 import_seal 导入。"))
    now = now or timezone.now()
    key = Sm2Key.generate()
    cert = seals.issue_certificate(ca_cert=bytes(anchor.certificate), ca_key_pem=anchor.private_key,
                                   subject_name=f"{department.name}电子印章", organisation=department.name,
                                   public_der=key.public_der(), now=now)
    return _store_seal(department=department, uscc=uscc, anchor=anchor, key_pem=key.private_pem().decode("ascii"),
                       cert=cert, maker_cert=bytes(anchor.certificate), maker_key=anchor.private_key, actor=actor, now=now)


def _store_seal(*, department: Department, uscc: str, anchor: TrustAnchor, key_pem: str, cert: bytes,
                maker_cert: bytes, maker_key: str, actor: User | None, now: dt.datetime) -> DepartmentSeal:
    from asn1crypto import x509

    validity = x509.Certificate.load(cert)["tbs_certificate"]["validity"]
    valid_from, valid_to = validity["not_before"].native, validity["not_after"].native
    es_id = f"{uscc}{secrets.token_hex(4).upper()}"
    picture = seals.seal_picture(department.name)
    seal_der = seals.make_seal(es_id=es_id, name=f"{department.name}电子印章", signer_cert=cert, maker_cert=maker_cert,
                               maker_key_pem=maker_key, picture=picture, valid_from=valid_from, valid_to=valid_to, now=now)
    with transaction.atomic():
        DepartmentSeal.objects.filter(department=department, is_current=True).update(is_current=False)
        seal = DepartmentSeal.objects.create(
            department=department, uscc=uscc, es_id=es_id, key_id=seals.certificate_key_id(cert), private_key=key_pem,
            certificate=cert, anchor=anchor, seal=seal_der, picture=picture, valid_from=valid_from, valid_to=valid_to,
            created_at=now)
        record_audit(actor=actor, at=now, event_type="licence_seal_created", subject_type="department_seal",
                     subject_id=seal.pk, actor_department=department,
                     details={"es_id": es_id, "key_id": seal.key_id, "certificate_sm3": sm3_hex(cert)})
    return seal


def import_seal(*, department: Department, uscc: str, key_pem: str, cert: bytes, ca_cert: bytes,
                actor: User | None = None, now: dt.datetime | None = None) -> DepartmentSeal:
    """A real deployment's own key and certificate (issued by its CA, imported as a trust anchor).
    The certificate must chain to ``ca_cert`` and hold the public key of ``key_pem``. Without the
    seal maker's key here, the seal is signed by the department's own key (docs/licences.md)."""
    from yiwang.core.ids import is_valid_uscc
    from yiwang.crypto.sm2 import Sm2Key

    now = now or timezone.now()
    if not is_valid_uscc(uscc):
        raise InvalidInput(LicenceErrorCode.SEAL_IMPORT_INVALID, _("统一社会信用代码无效。"))
    try:
        key = Sm2Key.from_pem(key_pem)
        from asn1crypto import x509

        from yiwang.licenses import asn1

        point = asn1.public_point(x509.Certificate.load(cert))
    except (ValueError, TypeError) as exc:
        raise InvalidInput(LicenceErrorCode.SEAL_IMPORT_INVALID, _("私钥或证书无法读取：%(problem)s") % {"problem": exc}) from exc
    if not key.has_private or key.public_point() != point:
        raise InvalidInput(LicenceErrorCode.SEAL_IMPORT_INVALID, _("私钥与证书中的公钥不匹配。"))
    problem = seals._chain_problem(cert, (ca_cert,))
    if problem or cert == ca_cert:
        raise InvalidInput(LicenceErrorCode.SEAL_IMPORT_INVALID, _("证书不是由所给 CA 签发的（%(problem)s）。") % {"problem": problem or "self"})
    with transaction.atomic():
        anchor = next((a for a in TrustAnchor.objects.filter(is_active=True) if bytes(a.certificate) == ca_cert), None)
        if anchor is None:
            from asn1crypto import x509

            anchor = TrustAnchor.objects.create(name=x509.Certificate.load(ca_cert).subject.human_friendly[:200],
                                                certificate=ca_cert)
        return _store_seal(department=department, uscc=uscc, anchor=anchor, key_pem=key_pem, cert=cert,
                           maker_cert=cert, maker_key=key_pem, actor=actor, now=now)


def current_seal(department: Department) -> DepartmentSeal:
    seal = DepartmentSeal.objects.filter(department=department, is_current=True).first()
    if seal is None:
        raise Conflict(LicenceErrorCode.NO_SEAL, _("%(department)s 尚无电子印章，不能颁发证照。") % {"department": department.name})
    return seal


# -- metadata, rendering -----------------------------------------------------------------------------


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "长期"


def metadata_of(licence: Licence) -> dict[str, Any]:
    """The canonical metadata (GB/T 36903 shaped) that the seal signs."""
    return {
        "v": 1, "licence_name": licence.licence_type.name, "type_code": licence.licence_type.code,
        "number": licence.number, "identifier": licence.identifier, "version": licence.version,
        "issuer_name": licence.department.name, "issuer_code": licence.seal.uscc,
        "issuer_department": licence.department.code, "issue_date": local_date(licence.issued_at).isoformat(),
        "holder_name": licence.holder_name, "holder_id_type": licence.holder_id_type,
        "holder_id_number": licence.holder_id_number, "valid_from": licence.valid_from.isoformat(),
        "valid_to": _day(licence.valid_to), "fields": licence.data,
    }


def metadata_bytes(licence: Licence) -> bytes:
    return canonical_json(metadata_of(licence)).encode("utf-8")


def face_values(licence: Licence) -> dict[str, str]:
    meta = metadata_of(licence)
    values = {k: str(v) for k, v in meta.items() if k != "fields"}
    values["licence_number"] = licence.number
    values.update({k: str(v) for k, v in licence.data.items()})
    return values


def _face_lines(licence: Licence) -> list[str]:
    values = face_values(licence)
    lines = []
    for line in (licence.licence_type.template or "").splitlines():
        names = template_placeholders(line)
        lines.append(line.format_map({n: values.get(n, "") for n in names}))
    return lines


def _rows(licence: Licence) -> list[tuple[str, str]]:
    rows = [("持证主体", licence.holder_name), (licence.holder_id_type, licence.holder_id_number)]
    labels = {f["key"]: f["label"] for f in licence.licence_type.fields}
    rows += [(labels.get(k, k), str(v)) for k, v in licence.data.items() if str(v).strip()]
    rows += [("有效期", f"{licence.valid_from:%Y年%m月%d日} 至 "
                        + (f"{licence.valid_to:%Y年%m月%d日}" if licence.valid_to else "长期")),
             ("颁发机构", licence.department.name), ("证照标识", licence.identifier)]
    return rows


def verify_url(token: str) -> str:
    return f"{settings.YIWANG_PUBLIC_BASE_URL}{reverse('licenses:verify', args=[token])}"


def qr_text(licence: Licence) -> str:
    return f"{verify_url(licence.qr_token)}#{licence.qr_payload}"


def _qr_payload(licence: Licence) -> str:
    body = {"d": licence.department.code, "f": f"{licence.valid_from:%Y%m%d}",
            "h": licence.holder_name if licence.holder.kind == ApplicantKind.ORGANISATION else mask_name(licence.holder_name),
            "i": licence.identifier, "k": licence.seal.key_id, "m": licence.metadata_sm3, "n": licence.number,
            "t": licence.licence_type.name, "u": f"{licence.valid_to:%Y%m%d}" if licence.valid_to else ""}
    return payload.make(body, seals._private_key(licence.seal.private_key))


def licence_face(licence: Licence) -> dict[str, Any]:
    """What the licence's PDF prints: ``rendering.render``'s arguments (``licence.qr_payload`` already made)."""
    return {"title": licence.licence_type.name, "issuer": licence.department.name, "number": licence.number,
            "rows": _rows(licence), "body_lines": _face_lines(licence),
            "issue_date": f"{local_date(licence.issued_at):%Y年%m月%d日}", "seal_png": bytes(licence.seal.picture),
            "qr_text": qr_text(licence), "footnote": FOOTNOTE, "created": licence.issued_at}


def _render_and_seal(licence: Licence) -> None:
    meta = metadata_bytes(licence)
    licence.metadata_sm3 = sm3_hex(meta)
    licence.qr_payload = _qr_payload(licence)
    seal = licence.seal
    pdf = rendering.render(**licence_face(licence))
    digest = sm3(pdf)  # the file's SM3, also the signature's dataHash
    signature = seals.sign(seal_der=bytes(seal.seal), signer_cert=bytes(seal.certificate), key_pem=seal.private_key,
                           data=pdf, metadata=meta, at=timezone.now(), property_info=f"licence:{licence.identifier}",
                           data_sm3=digest)
    sealed = rendering.seal_file(pdf, signature)
    licence.file_sm3, licence.size, licence.signature = digest.hex(), len(sealed), signature
    licence.file.save(f"{licence.number}.pdf", ContentFile(sealed), save=False)


def _ledger(licence: Licence, event: str, **extra: Any) -> int:
    salt = os.urandom(16)
    entry = NewEntry(kind=LEDGER_KIND, reference=f"licence:{licence.identifier}:{event}"[:128], payload={
        "event": event, "identifier": licence.identifier, "status": licence.status,
        "seal_sm3": sm3_hex(bytes(licence.signature)), "file_sm3": licence.file_sm3,
        "metadata_commitment": commitment(metadata_of(licence), salt=salt), **extra,
    }, salt=salt.hex())
    return append_entries(entries=[entry]).start


def _valid_to(start: dt.date, years: int | None) -> dt.date | None:
    if not years:
        return None
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return end - dt.timedelta(days=1)


def _clean_data(licence_type: LicenceType, data: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key in licence_type.field_keys():
        value = data.get(key)
        if value is None or isinstance(value, dict | list):
            continue
        out[key] = str(value).strip()[:500]
    return out


def _audit(licence: Licence, event: str, *, actor: User | None, now: dt.datetime, **details: Any) -> None:
    record_audit(actor=actor, at=now, event_type=f"licence_{event}", subject_type="licence", subject_id=licence.number,
                 actor_department=licence.department,
                 details={"identifier": licence.identifier, "type": licence.licence_type.code,
                          "case_number": licence.case_number, "file_sm3": licence.file_sm3,
                          "metadata_sm3": licence.metadata_sm3, **details})


def _new_version(*, licence_type: LicenceType, holder: Applicant, data: dict[str, Any], case_number: str,
                 now: dt.datetime, serial: int | None = None, version: int = 1, valid_from: dt.date | None = None,
                 valid_to: dt.date | None | Literal[False] = False, replaces: Licence | None = None,
                 ledger_event: str = "") -> Licence:
    """A new licence (or a new version of one) rendered, sealed and inserted. With ``ledger_event``
    its ledger entry is appended first and the row inserted with its index: one statement, where
    an insert and then an update of ``ledger_index`` were two (both in the caller's transaction)."""
    seal = current_seal(licence_type.department)
    if serial is None:
        LicenceType.objects.select_for_update().filter(pk=licence_type.pk).first()  # serialise the numbering
        serial = (Licence.objects.filter(licence_type=licence_type).aggregate(m=Max("serial"))["m"] or 0) + 1
    start = valid_from or local_date(now)
    licence = Licence(
        licence_type=licence_type, serial=serial, version=version, holder=holder, holder_name=holder.name,
        holder_id_type=HOLDER_ID_TYPES[holder.kind], holder_id_number=holder.id_number,
        department=licence_type.department, seal=seal, issued_at=now.replace(microsecond=0), valid_from=start,
        valid_to=_valid_to(start, licence_type.validity_years) if valid_to is False else valid_to,
        data=_clean_data(licence_type, data), case_number=case_number, qr_token=secrets.token_urlsafe(16),
        replaces=replaces,
        number=identifiers.licence_number(prefix=licence_type.number_prefix, year=local_date(now).year, serial=serial,
                                          version=version) if replaces is None
        else f"{replaces.number.split('-V')[0]}-V{version}",
        identifier=identifiers.identifier(type_code=licence_type.code, issuer_uscc=seal.uscc, serial=serial, version=version),
    )
    _render_and_seal(licence)
    if ledger_event:
        licence.ledger_index = _ledger(licence, ledger_event)
    licence.save()
    return licence


def issue_licence(*, licence_type: LicenceType, holder: Applicant, data: dict[str, Any] | None = None,
                  case_number: str = "", actor: User | None = None, now: dt.datetime | None = None) -> Licence:
    """Issue a new licence: number and identifier, metadata, QR payload, PDF, seal signature, ledger."""
    now = now or timezone.now()
    if not licence_type.is_active:
        raise Conflict(LicenceErrorCode.TYPE_INVALID, _("证照类型「%(name)s」已停用。") % {"name": licence_type.name})
    if licence_type.holder_kind not in (HolderKind.BOTH, holder.kind):
        raise InvalidInput(LicenceErrorCode.TYPE_INVALID, _("「%(name)s」只颁发给%(kind)s。") % {
            "name": licence_type.name, "kind": HolderKind(licence_type.holder_kind).label})
    with transaction.atomic():
        licence = _new_version(licence_type=licence_type, holder=holder, data=data or {}, case_number=case_number, now=now,
                               ledger_event="issued")
        _audit(licence, "issued", actor=actor, now=now)
    return licence


def _supersede(*, licence: Licence, event: str, data: dict[str, Any], case_number: str, actor: User | None,
               now: dt.datetime, renew: bool) -> Licence:
    with transaction.atomic():
        old = Licence.objects.select_for_update().select_related("licence_type", "department", "holder").get(pk=licence.pk)
        if old.status != LicenceStatus.ACTIVE:
            raise Conflict(LicenceErrorCode.NOT_ACTIVE, _("证照 %(number)s 已%(status)s，不能变更或延续。") % {
                "number": old.number, "status": old.get_status_display()})
        merged = {**old.data, **_clean_data(old.licence_type, data)}
        start = local_date(now) if renew else old.valid_from
        new = _new_version(licence_type=old.licence_type, holder=old.holder, data=merged, case_number=case_number,
                           now=now, serial=old.serial, version=old.version + 1, valid_from=start,
                           valid_to=_valid_to(start, old.licence_type.validity_years) if renew else old.valid_to,
                           replaces=old)
        old.status = LicenceStatus.SUPERSEDED
        old.save(update_fields=["status"])
        _ledger(old, "superseded", by=new.identifier)
        new.ledger_index = _ledger(new, event, replaces=old.identifier)
        new.save(update_fields=["ledger_index"])
        _audit(new, event, actor=actor, now=now, replaces=old.number)
    return new


def change_licence(*, licence: Licence, data: dict[str, Any], case_number: str = "", actor: User | None = None,
                   now: dt.datetime | None = None) -> Licence:
    """变更: a new version with the changed fields and the same validity; the old one is superseded."""
    return _supersede(licence=licence, event="changed", data=data, case_number=case_number, actor=actor,
                      now=now or timezone.now(), renew=False)


def renew_licence(*, licence: Licence, data: dict[str, Any] | None = None, case_number: str = "",
                  actor: User | None = None, now: dt.datetime | None = None) -> Licence:
    """延续: a new version valid from today for the type's validity; the old one is superseded."""
    return _supersede(licence=licence, event="renewed", data=data or {}, case_number=case_number, actor=actor,
                      now=now or timezone.now(), renew=True)


def may_manage(user: User, department_id: int) -> bool:
    return any(r.department_id == department_id for r in staff_roles_of(user))


def revoke_licence(*, actor: User, number: str, reason: str, kind: str = RevokeKind.CANCEL,
                   now: dt.datetime | None = None) -> Licence:
    """注销 / 吊销 with a reason, by staff of the issuing department only; verifies as revoked forever."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(LicenceErrorCode.REASON_REQUIRED, _("注销或吊销证照必须写明理由。"))
    if len(reason) > MAX_REASON:
        raise InvalidInput(LicenceErrorCode.REASON_REQUIRED, _("理由过长（最多 %(n)s 字）。") % {"n": MAX_REASON})
    if kind not in RevokeKind.values:
        raise InvalidInput(LicenceErrorCode.REASON_REQUIRED, _("注销类型只能是注销或吊销。"))
    now = now or timezone.now()
    with transaction.atomic():
        licence = (Licence.objects.select_for_update().select_related("licence_type", "department", "seal")
                   .filter(number=clean_number(number)).first())
        if licence is None:
            raise NotFound(LicenceErrorCode.LICENCE_NOT_FOUND, _("证照不存在。"))
        if not may_manage(actor, licence.department_id):
            raise Forbidden(LicenceErrorCode.NOT_ISSUER, _("只有颁发机构（%(department)s）可以注销或吊销该证照。") % {
                "department": licence.department.name})
        if licence.status != LicenceStatus.ACTIVE:
            raise Conflict(LicenceErrorCode.NOT_ACTIVE, _("证照 %(number)s 已%(status)s。") % {
                "number": licence.number, "status": licence.get_status_display()})
        licence.status, licence.revoked_at, licence.revoke_kind, licence.revoke_reason = LicenceStatus.REVOKED, now, kind, reason
        licence.save(update_fields=["status", "revoked_at", "revoke_kind", "revoke_reason"])
        _ledger(licence, "revoked", revoke_kind=kind, reason_sm3=sm3_hex(reason.encode("utf-8")))
        _audit(licence, "revoked", actor=actor, now=now, kind=kind, reason=reason)
    return licence


# -- from case decisions -----------------------------------------------------------------------------


def _types_for_case_rows(*, item_id: int, case_number: str | None) -> QuerySet[LicenceType]:
    yields = LicenceType.items.through.objects.filter(licencetype_id=OuterRef("pk"), serviceitem_id=item_id)
    changes = LicenceType.change_items.through.objects.filter(licencetype_id=OuterRef("pk"), serviceitem_id=item_id)
    done = (Exists(Licence.objects.filter(case_number=case_number)) if case_number is not None
            else Value(False, output_field=BooleanField()))
    return (LicenceType.objects.filter(Exists(yields) | Exists(changes), is_active=True)
            .annotate(yields=Exists(yields), changes=Exists(changes), done=done).select_related("department"))


# Every decision in favour reads this: compiled to SQL once per connection (core/precompiled.py).
_TYPES_FOR_CASE = PrecompiledQuery(_types_for_case_rows, item_id=int, case_number=str)


def _types_for_case(*, item_id: int, case_number: str) -> list[tuple[LicenceType, bool, bool, bool]]:
    """``(type, yields, changes, done)`` for each active licence type item ``item_id`` yields or
    changes, ``done`` saying whether this case's licences were issued already: one statement (three
    reads before). An item that yields and changes nothing has nothing to issue: nothing more is read."""
    if case_number:
        rows = _TYPES_FOR_CASE.fetch(item_id=item_id, case_number=case_number)
    else:
        rows = list(_types_for_case_rows(item_id=item_id, case_number=None))
    return [(t, t.yields, t.changes, t.done) for t in rows]


def issue_for_case(*, item_id: int, holder: Applicant, form: dict[str, Any], case_number: str,
                   actor: User | None, now: dt.datetime) -> list[Licence]:
    """Called by ``cases`` in the transaction of a decision in favour: issue the licence types the
    item yields, and change/renew the holder's licences the item acts on. Idempotent per case."""
    types = _types_for_case(item_id=item_id, case_number=case_number)
    if any(done for _t, _yields, _changes, done in types):
        return list(Licence.objects.filter(case_number=case_number))
    out = []
    for licence_type in (t for t, yields, _changes, _done in types if yields):
        if licence_type.holder_kind in (HolderKind.BOTH, holder.kind):
            out.append(issue_licence(licence_type=licence_type, holder=holder, data=form, case_number=case_number,
                                     actor=actor, now=now))
    for licence_type in (t for t, _yields, changes, _done in types if changes):
        existing = (Licence.objects.filter(licence_type=licence_type, holder=holder, status=LicenceStatus.ACTIVE)
                    .order_by("-issued_at").first())
        if existing is not None:
            renew = existing.valid_to is not None and existing.valid_to <= local_date(now) + dt.timedelta(days=90)
            fn = renew_licence if renew else change_licence
            out.append(fn(licence=existing, data=form, case_number=case_number, actor=actor, now=now))
    return out


# -- the holder's wallet -----------------------------------------------------------------------------


def _holder_licence(actor: User, number: str) -> Licence:
    applicant = getattr(actor, "applicant", None) if actor.is_authenticated else None
    licence = Licence.objects.filter(number=clean_number(number), holder=applicant).first() if applicant else None
    if licence is None:
        raise NotFound(LicenceErrorCode.LICENCE_NOT_FOUND, _("证照不存在。"))
    return licence


def create_share(*, actor: User, number: str, fields: list[str] | None = None, days: int = SHARE_DEFAULT_DAYS,
                 purpose: str = "", now: dt.datetime | None = None) -> ShareLink:
    """A verification link for the holder to give someone, disclosing ``fields`` (besides the
    licence name, number, issuer and status, always shown); expires after ``days`` (default 7)."""
    now = now or timezone.now()
    licence = _holder_licence(actor, number)
    purpose = field_text(purpose, ShareLink, "purpose")
    fields = list(dict.fromkeys(fields if fields is not None else ["holder_name", "valid_from", "valid_to"]))
    unknown = [f for f in fields if f not in SHAREABLE_FIELDS]
    if unknown:
        raise InvalidInput(LicenceErrorCode.SHARE_INVALID, _("不能公开的字段：%(fields)s。") % {"fields": "、".join(map(str, unknown))[:200]})
    if not isinstance(days, int) or not 1 <= days <= SHARE_MAX_DAYS:
        raise InvalidInput(LicenceErrorCode.SHARE_INVALID, _("有效天数须在 1 到 %(max)s 之间。") % {"max": SHARE_MAX_DAYS})
    if licence.status != LicenceStatus.ACTIVE:
        raise Conflict(LicenceErrorCode.NOT_ACTIVE, _("该证照已%(status)s，不能分享。") % {"status": licence.get_status_display()})
    with transaction.atomic():
        share = ShareLink.objects.create(licence=licence, token=secrets.token_urlsafe(16), fields=fields,
                                         purpose=purpose, created_by=actor, created_at=now,
                                         expires_at=now + dt.timedelta(days=days))
        record_audit(actor=actor, at=now, event_type="licence_share_created", subject_type="licence", subject_id=licence.number,
                     details={"share_id": share.pk, "fields": fields, "expires_at": share.expires_at.isoformat()})
    return share


def withdraw_share(*, actor: User, share_id: int, now: dt.datetime | None = None) -> ShareLink:
    now = now or timezone.now()
    applicant = getattr(actor, "applicant", None) if actor.is_authenticated else None
    with transaction.atomic():
        share = (ShareLink.objects.select_for_update().select_related("licence")
                 .filter(pk=share_id, licence__holder=applicant).first()) if applicant and 0 < share_id < 2**62 else None
        if share is None:
            raise NotFound(LicenceErrorCode.SHARE_NOT_FOUND, _("分享链接不存在。"))
        if share.withdrawn_at is None:
            share.withdrawn_at = now
            share.save(update_fields=["withdrawn_at"])
            record_audit(actor=actor, at=now, event_type="licence_share_withdrawn", subject_type="licence",
                         subject_id=share.licence.number, details={"share_id": share.pk})
    return share


# -- 免证办 -------------------------------------------------------------------------------------------


def use_licence_for_material(*, actor: User, holder: Applicant, number: str, material: Any,
                             case_number: str, purpose: str, now: dt.datetime | None = None) -> LicenceUse:
    """Record a licence used instead of uploading ``material`` (免证办): only the applicant's own,
    currently valid licence of a type that stands for the material; consent and status recorded."""
    from yiwang.licenses.selectors import licence_type_for_material
    from yiwang.licenses.verification import check_licence

    now = now or timezone.now()
    licence = (Licence.objects.select_related("licence_type", "department", "seal")
               .filter(number=clean_number(number)).first())
    if licence is None or licence.holder_id != holder.pk:
        # another holder's licence is "not found": nobody probes others' licences through 免证办
        raise NotFound(LicenceErrorCode.NOT_HOLDER, _("证照库中没有申请人的这张证照。"))
    wanted = licence_type_for_material(material)
    if wanted is None or wanted.pk != licence.licence_type_id:
        raise InvalidInput(LicenceErrorCode.NOT_USABLE, _("「%(licence)s」不能替代材料「%(material)s」。") % {
            "licence": licence.licence_type.name, "material": material.name})
    status = check_licence(licence, today=local_date(now)).status
    if status != "valid":
        raise Conflict(LicenceErrorCode.NOT_USABLE, _("证照 %(number)s 核验结果为「%(status)s」，不能用于免证办。") % {
            "number": licence.number, "status": status})
    with transaction.atomic():
        use = LicenceUse.objects.create(licence=licence, case_number=case_number, material=material,
                                        purpose=(purpose or "")[:200], status_at_use=status, consented_by=actor,
                                        consented_at=now)
        record_audit(actor=actor, at=now, event_type="licence_used", subject_type="licence", subject_id=licence.number,
                     details={"case_number": case_number, "material_id": material.pk, "purpose": use.purpose,
                              "status_at_use": status, "use_id": use.pk})
    return use

