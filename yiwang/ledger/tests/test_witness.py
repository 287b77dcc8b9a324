"""Department witnesses co-sign tree heads they can prove consistent with what they saw before;
shown a fork or a rewritten history, they refuse and raise an alert."""

from __future__ import annotations

import base64
import datetime as dt
import struct

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from yiwang.core.models import AuditEvent
from yiwang.crypto.signing import get_signer, public_point, verify_with_public_key
from yiwang.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead, Witness, WitnessAlert, timestamp_ms
from yiwang.ledger.selectors import root_at
from yiwang.ledger.services import NewEntry, append_entries, publish_tree_head, tree_head_message
from yiwang.ledger.witness import (
    WitnessRefused,
    add_witness,
    check_cosignatures,
    checkpoint_body,
    cosign,
    cosigned_message,
    key_hash,
    signed_checkpoint,
)
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def grow(n: int, tag: str = "a") -> TreeHead:
    append_entries(entries=[NewEntry(kind="test", reference=f"{tag}:{i}", payload={"n": i, "tag": tag}) for i in range(n)])
    return publish_tree_head()


def forged_head(size: int, root: bytes) -> TreeHead:
    """A head the log's key really signed, for a root the witnesses have not seen."""
    signer = get_signer()
    now = timezone.now().replace(microsecond=0)
    signature = signer.sign(tree_head_message(tree_size=size, timestamp_ms=timestamp_ms(now), root_hash=root))
    return TreeHead.objects.create(tree_size=size, root_hash=root, timestamp=now, signature=signature, key_id=signer.key_id)


def test_witnesses_co_sign_consistent_heads_and_verify_ledger_demands_k_of_n(db):
    scjg = add_witness(actor=None, department=factories.department("SCJG"))
    sw = add_witness(actor=None, department=factories.department("SW"))
    first = grow(5)
    for witness in (scjg, sw):
        cosign(witness=witness, head=first)
    second = grow(6, "b")
    cosign(witness=scjg, head=second)
    scjg.refresh_from_db()
    assert scjg.last_size == 11 and bytes(scjg.last_root) == bytes(second.root_hash)
    assert check_cosignatures(second).valid == [scjg.name]
    with pytest.raises(CommandError, match="only 1 valid co-signature"):
        call_command("verify_ledger", "--witnesses", "2")
    cosign(witness=sw, head=second)
    call_command("verify_ledger", "--witnesses", "2")
    with pytest.raises(CommandError):
        call_command("verify_ledger", "--witnesses", "3")


def test_a_witness_shown_a_rewritten_history_refuses_and_raises_an_alert(db):
    witness = add_witness(actor=None, department=factories.department("SCJG"))
    seen = grow(5)
    cosign(witness=witness, head=seen)
    # someone with the database and the log's key rewrites the first entries and re-signs
    LedgerEntry.objects.all().delete()
    LedgerNode.objects.all().delete()
    LedgerState.objects.filter(pk=1).update(tree_size=0)
    rewritten = grow(8, "rewritten")
    assert rewritten.tree_size > seen.tree_size
    with pytest.raises(WitnessRefused) as refused:
        cosign(witness=witness, head=rewritten)
    assert refused.value.details["problem"] == "inconsistent"
    alert = WitnessAlert.objects.get(witness=witness)
    assert alert.problem == "inconsistent" and alert.details["last_size"] == 5
    witness.refresh_from_db()
    assert witness.halted and witness.last_size == 5
    assert AuditEvent.objects.filter(event_type="ledger_witness_alert", subject_id=witness.name).exists()
    assert not rewritten.cosignatures.exists()
    # halted, it signs nothing more until a person looks
    with pytest.raises(WitnessRefused):
        cosign(witness=witness, head=grow(1, "later"))


def test_a_fork_at_the_same_size_is_refused(db):
    witness = add_witness(actor=None, department=factories.department("SCJG"))
    seen = grow(4)
    cosign(witness=witness, head=seen)
    fork = forged_head(4, b"\x01" * 32)
    with pytest.raises(WitnessRefused) as refused:
        cosign(witness=witness, head=fork)
    assert refused.value.details["problem"] == "fork"
    assert WitnessAlert.objects.filter(witness=witness, problem="fork").exists()


def test_a_rolled_back_head_is_refused(db):
    witness = add_witness(actor=None, department=factories.department("SCJG"))
    cosign(witness=witness, head=grow(6))
    older = forged_head(3, root_at(3))
    with pytest.raises(WitnessRefused) as refused:
        cosign(witness=witness, head=older)
    assert refused.value.details["problem"] == "rollback"


def test_a_head_not_signed_by_the_log_is_refused(db):
    witness = add_witness(actor=None, department=factories.department("SCJG"))
    head = grow(3)
    TreeHead.objects.filter(pk=head.pk).update(signature=bytes(head.signature)[:-2] + b"\x00\x00")
    head.refresh_from_db()
    with pytest.raises(WitnessRefused) as refused:
        cosign(witness=witness, head=head)
    assert refused.value.details["problem"] == "bad_log_signature"


def test_the_checkpoint_is_a_c2sp_signed_note_with_sm2_cosignatures(db):
    witness = add_witness(actor=None, department=factories.department("SCJG"))
    head = grow(3)
    cosignature = cosign(witness=witness, head=head, now=dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    note = signed_checkpoint(head)
    body, _blank, signatures = note.partition("\n\n")
    origin, size, root = body.split("\n")
    assert origin.endswith("/ledger") and size == "3" and base64.b64decode(root) == bytes(head.root_hash)
    dash, name, blob = signatures.strip().split(" ")
    assert dash == "\u2014" and name == witness.name
    raw = base64.b64decode(blob)
    assert raw[:4] == key_hash(witness.name, public_point(witness.public_key))
    (timestamp,) = struct.unpack(">Q", raw[4:12])
    assert timestamp == cosignature.timestamp == 1796515200
    message = cosigned_message(checkpoint_body(3, bytes(head.root_hash)), timestamp)
    assert message.startswith(b"cosignature/v1\ntime 1796515200\n")
    assert verify_with_public_key(witness.public_key, message, raw[12:])
    # a co-signature over another root does not verify
    assert not verify_with_public_key(witness.public_key, cosigned_message(checkpoint_body(3, b"\x00" * 32), timestamp),
                                      raw[12:])
    assert Witness.objects.get().key_hash == raw[:4].hex()
