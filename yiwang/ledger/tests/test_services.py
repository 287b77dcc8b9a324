from __future__ import annotations

import json
import random

import pytest
from django.db import IntegrityError, transaction

from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.core.services import record_audit
from yiwang.crypto.signing import get_signer, verify_signature
from yiwang.ledger import merkle, selectors
from yiwang.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead
from yiwang.ledger.services import (
    NewEntry,
    append_audit_events,
    append_entries,
    append_entry,
    publish_tree_head,
    tree_head_message,
)
from yiwang.ledger.tests import reference


def _append(n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    done = selectors.current_tree_size()
    while done < n:
        batch = min(n - done, rng.randint(1, 9))
        append_entries(entries=[NewEntry(kind="document", reference=f"doc:{done + i}", payload={"sm3": f"{done + i:064x}"}) for i in range(batch)])
        done += batch


def _leaf_inputs() -> list[bytes]:
    return [e.recomputed_leaf_data() for e in LedgerEntry.objects.order_by("index")]


@pytest.mark.django_db
def test_append_assigns_consecutive_indexes_and_stores_canonical_payloads():
    # when two batches are appended
    first = append_entries(entries=[NewEntry(kind="document", reference="doc:a", payload={"b": 2, "a": "一"})])
    second = append_entries(entries=[NewEntry(kind="document", reference=f"doc:{i}", payload={}) for i in range(3)])
    # then indexes continue, payloads are canonical JSON, leaf hashes are SM3(0x00 || leaf)
    assert list(first) == [0] and list(second) == [1, 2, 3]
    entry = LedgerEntry.objects.get(index=0)
    assert entry.payload == '{"a":"一","b":2}'
    data = entry.recomputed_leaf_data()
    assert json.loads(data) == {"i": 0, "k": "document", "p": {"a": "一", "b": 2}, "r": "doc:a", "t": json.loads(data)["t"], "v": 1}
    assert bytes(entry.leaf_hash) == reference.sm3(b"\x00" + data)
    assert LedgerState.objects.get().tree_size == 4
    # and the perfect nodes [0,2), [2,4), [0,4) are cached
    assert set(LedgerNode.objects.values_list("key", flat=True)) == {LedgerNode.key_for(1, 0), LedgerNode.key_for(1, 1), LedgerNode.key_for(2, 0)}


@pytest.mark.django_db
def test_a_bad_entry_appends_nothing_from_its_batch():
    append_entry(kind="document", reference="doc:0", payload={})
    for bad in [NewEntry(kind="document", reference="doc:x", payload={"ratio": 0.5}), NewEntry(kind="", reference="x"), NewEntry(kind="document", reference="doc:y", payload={"big": "x" * 5000})]:
        with pytest.raises(InvalidInput) as caught:
            append_entries(entries=[NewEntry(kind="document", reference="doc:1", payload={}), bad])
        assert caught.value.code == "ledger_payload_invalid"
    assert LedgerEntry.objects.count() == 1 and selectors.current_tree_size() == 1


@pytest.mark.django_db
def test_stored_rows_cannot_be_appended_twice_at_one_index():
    append_entry(kind="document", reference="doc:0", payload={})
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(index=0, kind="x", reference="x", payload="{}", leaf_hash=b"0" * 32, created_at=LedgerEntry.objects.get().created_at)


@pytest.mark.django_db
def test_inclusion_proofs_from_storage_match_the_reference_for_every_size_up_to_64():
    # given 64 entries appended in uneven batches
    _append(64)
    leaves = _leaf_inputs()
    for n in range(1, 65):
        expected_root = reference.mth(leaves[:n])
        assert selectors.root_at(n) == expected_root
        for i in range(n):
            proof = selectors.inclusion_proof(index=i, tree_size=n)
            # then each proof is the reference's, and verifies by RFC 9162 §2.1.3.2
            assert proof.path == reference.path(i, leaves[:n])
            assert proof.root_hash == expected_root
            assert merkle.verify_inclusion(i, n, proof.leaf_hash, proof.path, expected_root)


@pytest.mark.django_db
def test_consistency_proofs_from_storage_match_the_reference_for_every_pair_up_to_64():
    _append(64, seed=2)
    leaves = _leaf_inputs()
    roots = [reference.mth(leaves[:n]) for n in range(65)]
    for n in range(1, 65):
        for m in range(0, n + 1):
            proof = selectors.consistency_proof(first=m, second=n)
            assert proof == (reference.proof(m, leaves[:n]) if 0 < m < n else [])
            assert merkle.verify_consistency(m, n, roots[m], roots[n], proof)


@pytest.mark.django_db
def test_proofs_for_random_pairs_on_a_larger_log():
    _append(700, seed=3)
    leaves = _leaf_inputs()
    rng = random.Random(5)
    for _ in range(25):
        n = rng.randint(2, 700)
        m, i = rng.randint(1, n - 1), rng.randrange(n)
        root_n = reference.mth(leaves[:n])
        proof = selectors.inclusion_proof(index=i, tree_size=n)
        assert merkle.verify_inclusion(i, n, reference.sm3(b"\x00" + leaves[i]), proof.path, root_n)
        assert merkle.verify_consistency(m, n, reference.mth(leaves[:m]), root_n, selectors.consistency_proof(first=m, second=n))


@pytest.mark.django_db
def test_proof_requests_outside_the_tree_are_coded_errors():
    _append(5)
    for kwargs in [{"index": 5, "tree_size": 5}, {"index": 0, "tree_size": 6}, {"index": -1, "tree_size": 3}]:
        with pytest.raises(InvalidInput):
            selectors.inclusion_proof(**kwargs)
    with pytest.raises(InvalidInput):
        selectors.consistency_proof(first=4, second=3)
    with pytest.raises(InvalidInput):
        selectors.consistency_proof(first=1, second=9)


@pytest.mark.django_db
def test_audit_events_are_pulled_once_without_personal_data():
    # given audit events, one with personal data in its details
    record_audit(actor=None, event_type="applicant_registered", subject_type="applicant", subject_id=45, details={"name": "张三", "id_number": "110105194912310029"})
    record_audit(actor=None, event_type="case_accepted", subject_type="case", subject_id="2026-0001")
    # when the ledger pulls the stream (twice)
    assert append_audit_events() == 2
    assert append_audit_events() == 0
    # then each event is one entry, with its id, type and subject type in clear and the rest committed
    entries = list(LedgerEntry.objects.order_by("index"))
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert [e.reference for e in entries] == [f"audit:{i}" for i in ids]
    assert LedgerState.objects.get().audit_high_water == ids[-1]
    payload = json.loads(entries[0].payload)
    assert set(payload) == {"audit_id", "event_type", "subject_type", "commitment"}
    assert payload["event_type"] == "applicant_registered" and payload["subject_type"] == "applicant"
    assert len(payload["commitment"]) == 64
    for secret in ("张三", "110105194912310029"):
        assert secret not in entries[0].payload
    assert len(entries[0].salt) == 32
    # and a later event is pulled by the next run
    record_audit(actor=None, event_type="case_completed", subject_type="case", subject_id="2026-0001")
    assert append_audit_events(batch_size=1) == 1


@pytest.mark.django_db
def test_audit_pull_waits_for_recent_events_to_settle():
    record_audit(actor=None, event_type="case_accepted", subject_type="case", subject_id=1)
    assert append_audit_events(lag_seconds=3600) == 0
    assert append_audit_events(lag_seconds=0) == 1


@pytest.mark.django_db
def test_publish_tree_head_signs_the_root_with_sm2():
    # given entries
    _append(10)
    # when a tree head is published
    head = publish_tree_head()
    # then it covers every entry, its root is the reference root, and its signature verifies
    assert head.tree_size == 10
    assert bytes(head.root_hash) == reference.mth(_leaf_inputs())
    message = tree_head_message(tree_size=10, timestamp_ms=head.timestamp_ms, root_hash=bytes(head.root_hash))
    assert head.key_id == get_signer().key_id
    assert verify_signature(key_id=head.key_id, data=message, signature=bytes(head.signature))
    assert AuditEvent.objects.filter(event_type="ledger_tree_head_published", subject_id="10").exists()
    # and publishing again with nothing new returns the same head
    assert publish_tree_head().pk == head.pk
    assert TreeHead.objects.count() == 1


@pytest.mark.django_db
def test_empty_log_tree_head():
    head = publish_tree_head()
    assert head.tree_size == 0 and bytes(head.root_hash) == reference.sm3(b"")
