"""Witnesses: departments that co-sign the log's tree heads (the consortium, 联盟链 in the pilot's
words), so that no single department can rewrite history unseen.

Each witness keeps its own SM2 key and the last tree head it co-signed. Shown a newer head, it asks
the log for a consistency proof from its last head and checks it (RFC 9162 §2.1.4.2, SM3); only then
does it co-sign. Shown a fork (a head of the size it saw with another root), a rollback (a smaller
head) or a head the log cannot prove consistent (a rewritten history), it refuses, records an alert
(``WitnessAlert``, the audit stream, the error log) and halts until a person looks.

Formats follow C2SP where they fit (docs/ledger.md, "Witnesses"):

* checkpoint body (tlog-checkpoint): ``<origin>\\n<tree size>\\n<base64 root>\\n``;
* co-signed message (tlog-cosignature): ``cosignature/v1\\ntime <seconds>\\n`` + checkpoint body;
* signature line (signed-note): ``— <witness name> <base64(key hash ‖ timestamp ‖ signature)>``.

Departures, because the platform signs with 国密: SM2-with-SM3 (DER, user ID 1234567812345678) in
place of Ed25519; the key hash is the first 4 bytes of SM3 (not SHA-256) over
``name ‖ 0x0A ‖ 0xF4 ‖ public point (04‖x‖y)``, with 0xF4 a private-use algorithm byte for "SM2
cosignature/v1"; the signature after the 8-byte big-endian timestamp is DER, so of variable length."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import struct
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, DomainError
from yiwang.core.models import Department
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.crypto.primitives import sm3_hex
from yiwang.crypto.signing import verify_signature, verify_with_public_key
from yiwang.crypto.sm2 import Sm2Key
from yiwang.ledger import merkle
from yiwang.ledger.errors import LedgerErrorCode
from yiwang.ledger.models import Cosignature, TreeHead, Witness, WitnessAlert
from yiwang.ledger.selectors import consistency_proof
from yiwang.ledger.services import tree_head_message

logger = logging.getLogger(__name__)

ALGORITHM_BYTE = 0xF4


def origin() -> str:
    """The log's origin line: ``YIWANG_LEDGER_ORIGIN``, else the public site's host + ``/ledger``."""
    configured = getattr(settings, "YIWANG_LEDGER_ORIGIN", "")
    if configured:
        return configured
    return f"{urlparse(settings.YIWANG_PUBLIC_BASE_URL).netloc or 'yiwang'}/ledger"


def checkpoint_body(size: int, root: bytes) -> bytes:
    return f"{origin()}\n{size}\n{base64.b64encode(root).decode('ascii')}\n".encode()


def cosigned_message(body: bytes, timestamp: int) -> bytes:
    return b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body


def key_hash(name: str, public_point: bytes) -> bytes:
    return bytes.fromhex(sm3_hex(name.encode() + b"\n" + bytes([ALGORITHM_BYTE]) + public_point))[:4]


def signature_line(name: str, hash4: bytes, timestamp: int, signature: bytes) -> str:
    blob = hash4 + struct.pack(">Q", timestamp) + signature
    return f"\u2014 {name} {base64.b64encode(blob).decode('ascii')}"


class WitnessRefused(Conflict):
    """The witness would not co-sign: a fork, a rollback, an inconsistent history, a bad head."""


def add_witness(*, actor: User | None, department: Department, name: str = "") -> Witness:
    """Give a department a witness with a fresh SM2 key (or return the one it has)."""
    existing = Witness.objects.filter(department=department).first()
    if existing is not None:
        return existing
    key = Sm2Key.generate()
    name = name or f"{origin().split('/')[0]}/witness/{department.code}"
    with transaction.atomic():
        witness = Witness.objects.create(
            department=department, name=name, private_key=key.private_pem().decode("ascii"),
            public_key=key.public_pem().decode("ascii"), key_hash=key_hash(name, key.public_point()).hex())
        record_audit(actor=actor, event_type="ledger_witness_added", subject_type="ledger_witness", subject_id=name,
                     actor_department=department, details={"key_hash": witness.key_hash})
    return witness


def _refuse(witness: Witness, head: TreeHead, problem: str, message: str, **details: object) -> WitnessRefused:
    """Record the alert and halt the witness (committed even though the caller then raises)."""
    at = timezone.now()
    with transaction.atomic():
        WitnessAlert.objects.create(witness=witness, problem=problem, message=message, at=at,
                                    details={"tree_size": head.tree_size, "root": bytes(head.root_hash).hex(),
                                             "last_size": witness.last_size, "last_root": bytes(witness.last_root).hex(),
                                             **details})
        Witness.objects.filter(pk=witness.pk).update(halted=True)
        record_audit(actor=None, at=at, event_type="ledger_witness_alert", subject_type="ledger_witness",
                     subject_id=witness.name, actor_department=witness.department,
                     details={"problem": problem, "tree_size": head.tree_size})
    logger.error("ledger witness %s refused tree head %s: %s (%s)", witness.name, head.tree_size, problem, message)
    return WitnessRefused(LedgerErrorCode.WITNESS_REFUSED, message, {"problem": problem, "witness": witness.name})


def cosign(*, witness: Witness, head: TreeHead, now: dt.datetime | None = None) -> Cosignature:
    """Check ``head`` against the last head this witness signed and co-sign it, or refuse."""
    existing = Cosignature.objects.filter(witness=witness, tree_head=head).first()
    if existing is not None:
        return existing
    if witness.halted:
        raise WitnessRefused(LedgerErrorCode.WITNESS_REFUSED,
                             _("见证「%(w)s」已因告警停签，须人工核查后恢复。") % {"w": witness.name}, {"problem": "halted"})
    root = bytes(head.root_hash)
    last_root = bytes(witness.last_root)
    message = tree_head_message(tree_size=head.tree_size, timestamp_ms=head.timestamp_ms, root_hash=root)
    if not verify_signature(key_id=head.key_id, data=message, signature=bytes(head.signature)):
        raise _refuse(witness, head, "bad_log_signature", _("树头的日志签名无效：拒绝见证。"))
    if head.tree_size < witness.last_size:
        raise _refuse(witness, head, "rollback", _("树头（%(n)d）小于本见证已签的树头（%(m)d）：日志被回滚，拒绝见证。")
                      % {"n": head.tree_size, "m": witness.last_size})
    if head.tree_size == witness.last_size and witness.last_size and root != last_root:
        raise _refuse(witness, head, "fork", _("同一大小（%(n)d）出现两个不同的根：日志分叉，拒绝见证。") % {"n": head.tree_size})
    if witness.last_size and head.tree_size > witness.last_size:
        try:
            proof = consistency_proof(first=witness.last_size, second=head.tree_size)
        except DomainError as exc:
            raise _refuse(witness, head, "unprovable", _("日志无法给出一致性证明（%(e)s）：拒绝见证。") % {"e": exc.message}) from exc
        if not merkle.verify_consistency(witness.last_size, head.tree_size, last_root, root, proof):
            raise _refuse(witness, head, "inconsistent",
                          _("新树头与本见证已签的第 %(m)d 号树头不一致：历史被改写，拒绝见证。") % {"m": witness.last_size})
    timestamp = int((now or timezone.now()).timestamp())
    key = Sm2Key.from_pem(witness.private_key)
    signature = key.sign(cosigned_message(checkpoint_body(head.tree_size, root), timestamp))
    with transaction.atomic():
        cosignature = Cosignature.objects.create(tree_head=head, witness=witness, timestamp=timestamp, signature=signature)
        Witness.objects.filter(pk=witness.pk).update(last_size=head.tree_size, last_root=root)
        witness.last_size, witness.last_root = head.tree_size, root
    return cosignature


def cosign_all(head: TreeHead) -> int:
    """Every witness that is not halted co-signs ``head`` (a refusal is recorded, not raised)."""
    signed = 0
    for witness in Witness.objects.filter(halted=False).select_related("department"):
        try:
            cosign(witness=witness, head=head)
            signed += 1
        except WitnessRefused:
            continue
    return signed


def signed_checkpoint(head: TreeHead) -> str:
    """The head as a C2SP signed note: the checkpoint body and one line per witness co-signature."""
    body = checkpoint_body(head.tree_size, bytes(head.root_hash)).decode()
    lines = [signature_line(c.witness.name, bytes.fromhex(c.witness.key_hash), c.timestamp, bytes(c.signature))
             for c in head.cosignatures.select_related("witness").order_by("witness__name")]
    return body + "\n" + "\n".join(lines) + ("\n" if lines else "")


@dataclass
class CosignatureCheck:
    valid: list[str]
    invalid: list[str]


def check_cosignatures(head: TreeHead) -> CosignatureCheck:
    """Which witnesses' co-signatures on ``head`` verify with their public keys."""
    valid: list[str] = []
    invalid: list[str] = []
    body = checkpoint_body(head.tree_size, bytes(head.root_hash))
    for cosignature in head.cosignatures.select_related("witness"):
        ok = verify_with_public_key(cosignature.witness.public_key, cosigned_message(body, cosignature.timestamp),
                                    bytes(cosignature.signature))
        (valid if ok else invalid).append(cosignature.witness.name)
    return CosignatureCheck(sorted(valid), sorted(invalid))
