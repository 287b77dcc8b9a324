"""Checking licences: online (a token from a QR code or a share link → valid / revoked / expired /
not_yet_valid / altered / unknown, the disclosed fields, the ledger inclusion proof) and offline
(a QR payload or a sealed PDF, with nothing but certificates).

``altered`` means the stored licence no longer matches what the department sealed: the file's
bytes, the seal signature, or the metadata in the database differ from the signed ones. It wins
over every other status: a tampered record tells nothing reliable about revocation or dates.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.calendar import local_date
from yiwang.core.ids import mask_id_number, mask_name
from yiwang.core.users import User
from yiwang.crypto.primitives import sm3
from yiwang.licenses import payload, rendering, seals
from yiwang.licenses.identifiers import clean_token
from yiwang.licenses.models import Licence, LicenceStatus, LicenceVerification, ShareLink, TrustAnchor

VALID, REVOKED, EXPIRED, NOT_YET_VALID, ALTERED, UNKNOWN = "valid", "revoked", "expired", "not_yet_valid", "altered", "unknown"
MAX_TOKEN = 64


def anchors() -> tuple[bytes, ...]:
    """Every active trust anchor (the offline command without ``--ca``)."""
    return tuple(bytes(c) for c in TrustAnchor.objects.filter(is_active=True).values_list("certificate", flat=True))


def seal_anchors(licence: Licence) -> tuple[bytes, ...]:
    """The anchor the licence's seal was certified under, if it is still trusted: read with the
    licence (``select_related("seal__anchor")``), so the online check needs no query of its own for
    it and never sees a stale anchor list (deactivating an anchor takes effect at the next check)."""
    anchor = licence.seal.anchor
    return (bytes(anchor.certificate),) if anchor.is_active else ()


@dataclass
class Check:
    status: str
    problem: str = ""


def _dates_status(valid_from: dt.date, valid_to: dt.date | None, today: dt.date) -> str:
    if today < valid_from:
        return NOT_YET_VALID
    if valid_to is not None and today > valid_to:
        return EXPIRED
    return VALID


def check_licence(licence: Licence, *, today: dt.date | None = None, trusted: tuple[bytes, ...] | None = None) -> Check:
    """The licence's status now: integrity first (file, seal, metadata), then revocation, then dates."""
    from yiwang.licenses.services import metadata_bytes

    today = today or local_date(timezone.now())
    try:
        with licence.file.open("rb") as handle:
            data = handle.read()
        signed, signature = rendering.split_sealed(data)
    except (OSError, rendering.NotSealed, ValueError):
        return Check(ALTERED, "file_unreadable")
    digest = sm3(signed)  # once: compared with the hash stored at issuance, then with the seal's dataHash
    if signature != bytes(licence.signature) or digest.hex() != licence.file_sm3:
        return Check(ALTERED, "file_changed")
    result = seals.verify_signature(signature, anchors=trusted if trusted is not None else seal_anchors(licence),
                                    data_digest=digest)
    if not result.ok:
        return Check(ALTERED, result.problem)
    if result.metadata != metadata_bytes(licence) or result.key_id != licence.seal.key_id:
        return Check(ALTERED, "metadata_changed")
    if licence.status == LicenceStatus.REVOKED:
        return Check(REVOKED, licence.revoke_kind)
    if licence.status == LicenceStatus.SUPERSEDED:
        return Check(REVOKED, "superseded")
    return Check(_dates_status(licence.valid_from, licence.valid_to, today))


# -- online ------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str
    reason: str = ""
    licence: Licence | None = None
    share: ShareLink | None = None
    disclosed: dict[str, Any] = field(default_factory=dict)
    proof: dict[str, Any] | None = None


def _disclosed(licence: Licence, fields: list[str] | None) -> dict[str, Any]:
    """Always: name, type, number, identifier, issuer, issue date, status dates; the rest by choice.
    Through the printed QR code (no share link) the holder's name is shown masked."""
    out: dict[str, Any] = {"licence_name": licence.licence_type.name, "type_code": licence.licence_type.code,
                           "number": licence.number, "identifier": licence.identifier,
                           "issue_date": local_date(licence.issued_at).isoformat(), "version": licence.version}
    chosen = set(fields or [])
    org = licence.holder_id_type == "统一社会信用代码"
    out["holder_name"] = licence.holder_name if ("holder_name" in chosen or org) else mask_name(licence.holder_name)
    if "holder_id_number" in chosen:
        out["holder_id_type"] = licence.holder_id_type
        out["holder_id_number"] = licence.holder_id_number if org else mask_id_number(licence.holder_id_number)
    if fields is None or "valid_from" in chosen:
        out["valid_from"] = licence.valid_from.isoformat()
    if fields is None or "valid_to" in chosen:
        out["valid_to"] = licence.valid_to.isoformat() if licence.valid_to else "长期"
    if "fields" in chosen:
        labels = licence.licence_type.field_labels()
        out["fields"] = {labels.get(k, k): v for k, v in licence.data.items()}
    if licence.status == LicenceStatus.REVOKED:
        out["revoked_at"] = licence.revoked_at.isoformat() if licence.revoked_at else None
        out["revoke_kind"] = licence.get_revoke_kind_display()
    return out


def inclusion(licence: Licence) -> dict[str, Any] | None:
    """The ledger inclusion proof of the licence's issuance entry: under the latest signed tree head
    when it covers the entry, else under the current tree (``signed`` false until the next head)."""
    from yiwang.ledger import selectors as ledger

    if licence.ledger_index is None:
        return None
    head = ledger.latest_tree_head()
    signed = head is not None and head.tree_size > licence.ledger_index
    if signed and head is not None:
        try:
            proof = _signed_proof(licence.ledger_index, head.tree_size, bytes(head.root_hash))
        except _ProofMismatch as mismatch:
            proof = mismatch.proof
    else:
        proof = ledger.inclusion_proof(index=licence.ledger_index, tree_size=ledger.current_tree_size())
    out: dict[str, Any] = {"index": proof.index, "tree_size": proof.tree_size, "leaf_hash": proof.leaf_hash.hex(),
                           "root_hash": proof.root_hash.hex(), "audit_path": [h.hex() for h in proof.path],
                           "signed": signed}
    if signed and head is not None:
        import base64

        out["tree_head"] = {"timestamp": head.timestamp.isoformat(), "key_id": head.key_id,
                            "signature": base64.b64encode(bytes(head.signature)).decode("ascii")}
    return out


@functools.lru_cache(maxsize=4096)
def _signed_proof(index: int, tree_size: int, root_hash: bytes) -> Any:
    """The inclusion proof under a signed tree head, once per process: the ledger is append-only, so
    the proof of entry ``index`` in the tree whose first ``tree_size`` entries have ``root_hash`` can
    never change (the root is part of the key: a different ledger, e.g. a restored database, is a
    different key). Checked against the root before it is kept."""
    from yiwang.ledger import merkle
    from yiwang.ledger import selectors as ledger

    proof = ledger.inclusion_proof(index=index, tree_size=tree_size)
    if proof.root_hash != root_hash or not merkle.verify_inclusion(index, tree_size, proof.leaf_hash, proof.path, root_hash):
        raise _ProofMismatch(proof)
    return proof


class _ProofMismatch(Exception):
    """The stored ledger no longer matches its signed head: the proof is served as it is (it will not
    verify, which is the truth a verifier must see) and not kept."""

    def __init__(self, proof: Any) -> None:
        super().__init__("ledger proof does not match the signed tree head")
        self.proof = proof


REASONS = {
    "not_found": _("没有这个核验码对应的证照。请核对链接，或联系颁发机构。"),
    "share_expired": _("该分享链接已过期。请向持证人索取新的链接。"),
    "share_withdrawn": _("持证人已撤回该分享链接。"),
}


REVOKED_REASONS = {
    "cancel": _("证照已被颁发机构注销，不再有效。"),
    "revoke": _("证照已被颁发机构吊销，不再有效。"),
    "superseded": _("证照已变更或延续为新版本，本版本不再有效；请持证人出示新版本。"),
}


def reason_text(outcome: Outcome) -> str:
    """Why the verdict is what it is, in words a person understands (empty for ``valid``)."""
    licence = outcome.licence
    if outcome.status == UNKNOWN:
        return str(REASONS.get(outcome.reason, REASONS["not_found"]))
    if outcome.status == ALTERED:
        return str(_("证照的文件、签章或登记信息与颁发时签章的内容不一致（%(problem)s），不能作为有效证照使用。请联系颁发机构。")
                   % {"problem": outcome.reason})
    if outcome.status == REVOKED:
        return str(REVOKED_REASONS.get(outcome.reason, REVOKED_REASONS["revoke"]))
    if outcome.status == EXPIRED and licence is not None and licence.valid_to is not None:
        return str(_("证照已于 %(date)s 到期，不再有效。") % {"date": licence.valid_to.isoformat()})
    if outcome.status == NOT_YET_VALID and licence is not None:
        return str(_("证照自 %(date)s 起生效，现在尚未生效，不能作为有效证照使用。") % {"date": licence.valid_from.isoformat()})
    return ""


def verify_token(token: str, *, channel: str, verifier: User | None = None,
                 now: dt.datetime | None = None) -> Outcome:
    """Resolve a QR token or a share-link token and check the licence; every check is logged for the holder."""
    now = now or timezone.now()
    token = clean_token(token)
    if not token:
        return Outcome(UNKNOWN, "not_found")
    share = None
    licence = Licence.objects.select_related("licence_type", "department", "seal__anchor").filter(qr_token=token).first()
    if licence is None:
        share = (ShareLink.objects.select_related("licence__licence_type", "licence__department", "licence__seal__anchor")
                 .filter(token=token).first())
        if share is None:
            return Outcome(UNKNOWN, "not_found")
        if share.withdrawn_at is not None:
            return Outcome(UNKNOWN, "share_withdrawn", share=share)
        if share.expires_at <= now:
            return Outcome(UNKNOWN, "share_expired", share=share)
        licence = share.licence
    check = check_licence(licence, today=local_date(now))
    outcome = Outcome(check.status, check.problem, licence=licence, share=share)
    if check.status != ALTERED:
        outcome.disclosed = _disclosed(licence, share.fields if share else None)
        outcome.proof = inclusion(licence)
    label = ""
    if verifier is not None and verifier.is_authenticated:
        label = getattr(verifier, "get_full_name", lambda: "")() or verifier.get_username()
    LicenceVerification.objects.create(licence=licence, share=share, at=now, channel=channel[:8], result=check.status,
                                       verifier=verifier if verifier is not None and verifier.is_authenticated else None,
                                       verifier_label=label[:200])
    return outcome


# -- offline -----------------------------------------------------------------------------------------


@dataclass
class OfflineResult:
    ok: bool
    status: str
    reason: str
    facts: dict[str, Any] = field(default_factory=dict)


def verify_qr_offline(text: str, *, certificates: list[bytes], today: dt.date) -> OfflineResult:
    """A QR payload against department certificates (DER) already checked as trusted by the caller."""
    from asn1crypto import x509

    from yiwang.licenses import asn1

    try:
        parsed = payload.parse(text)
    except payload.PayloadInvalid as exc:
        return OfflineResult(False, ALTERED, f"payload unreadable: {exc}")
    key_id = parsed.body["k"]
    cert = next((c for c in certificates if seals.certificate_key_id(c) == key_id), None)
    if cert is None:
        return OfflineResult(False, UNKNOWN, f"no trusted certificate for key {key_id[:40]}: signed by an unknown key")
    try:
        key = seals._public_key(asn1.public_point(x509.Certificate.load(cert)))
    except (ValueError, TypeError):
        return OfflineResult(False, UNKNOWN, "the certificate is unreadable")
    if not payload.verify(parsed, key):
        return OfflineResult(False, ALTERED, "signature does not verify: the payload was changed or forged")
    facts = dict(parsed.body)
    status = _dates_status(parsed.date("f"), parsed.date("u"), today)  # type: ignore[arg-type]  # "f" is in every payload we sign (the signature was checked above); only "u" may be empty
    reasons = {VALID: "signature valid, within validity (revocation needs the online check)",
               EXPIRED: "signature valid, but the licence expired", NOT_YET_VALID: "signature valid, but not yet valid"}
    return OfflineResult(status == VALID, status, reasons[status], facts)


def verify_file_offline(data: bytes, *, trusted: tuple[bytes, ...], today: dt.date) -> OfflineResult:
    """A sealed licence PDF against trusted CA certificates."""
    import json

    try:
        signed, signature = rendering.split_sealed(data)
    except rendering.NotSealed as exc:
        return OfflineResult(False, UNKNOWN, str(exc))
    result = seals.verify_signature(signature, signed, anchors=trusted)
    if not result.ok:
        status = ALTERED if result.problem in ("data_hash_mismatch", "signature_invalid", "signature_unreadable",
                                               "signer_not_in_seal", "seal_signature_invalid") else UNKNOWN
        return OfflineResult(False, status, f"seal check failed: {result.problem}")
    try:
        meta = json.loads(result.metadata.decode("utf-8"))
        valid_from = dt.date.fromisoformat(meta["valid_from"])
        valid_to = None if meta["valid_to"] == "长期" else dt.date.fromisoformat(meta["valid_to"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return OfflineResult(False, ALTERED, "signed metadata unreadable")
    status = _dates_status(valid_from, valid_to, today)
    facts = {k: meta.get(k) for k in ("licence_name", "number", "identifier", "issuer_name", "holder_name", "valid_from", "valid_to")}
    facts["signer"], facts["signed_at"] = result.signer, result.signed_at.isoformat() if result.signed_at else ""
    return OfflineResult(status == VALID, status, {VALID: "seal valid, within validity (revocation needs the online check)",
                                                   EXPIRED: "seal valid, but the licence expired",
                                                   NOT_YET_VALID: "seal valid, but not yet valid"}[status], facts)
