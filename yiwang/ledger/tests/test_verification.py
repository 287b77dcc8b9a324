from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from yiwang.core.models import AuditEvent
from yiwang.core.services import record_audit
from yiwang.crypto.sm2 import Sm2Key
from yiwang.ledger.models import LedgerEntry, LedgerNode, TreeHead
from yiwang.ledger.services import NewEntry, append_audit_events, append_entries, publish_tree_head, run_verification
from yiwang.ledger.verification import verify_ledger


def _ledger(n: int = 20, heads: tuple[int, ...] = (7, 20)) -> None:
    """``n`` document entries with tree heads published at the given sizes."""
    done = 0
    for size in heads:
        append_entries(entries=[NewEntry(kind="document", reference=f"doc:{i}", payload={"sm3": f"{i:064x}"}) for i in range(done, size)])
        done = size
        publish_tree_head()
    if done < n:
        append_entries(entries=[NewEntry(kind="document", reference=f"doc:{i}", payload={}) for i in range(done, n)])


def _codes(report) -> list[str]:
    return [p["code"] for p in report.problems]


def _verify_command() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_ledger", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


@pytest.mark.django_db
def test_an_intact_ledger_verifies_and_the_command_exits_zero():
    _ledger()
    report = verify_ledger(chunk_size=6)  # chunks that do not line up with tree heads
    assert report.ok, report.problems
    assert report.entries_checked == 20 and report.tree_heads_checked == 2
    ok, output = _verify_command()
    assert ok and "ledger intact" in output


@pytest.mark.django_db
def test_changed_payload_is_named():
    # given a signed ledger
    _ledger()
    # when someone edits one stored payload
    LedgerEntry.objects.filter(index=3).update(payload='{"sm3":"' + "f" * 64 + '"}')
    # then verification names that entry, and the signed root it breaks
    report = verify_ledger()
    assert ("entry_changed", 3) in [(p["code"], p.get("index")) for p in report.problems]
    assert "tree_head_root_mismatch" in _codes(report)
    ok, output = _verify_command()
    assert not ok and "#3" in output and "entry_changed" in output


@pytest.mark.django_db
def test_changed_timestamp_or_reference_is_named():
    _ledger()
    LedgerEntry.objects.filter(index=8).update(reference="doc:other")
    entry = LedgerEntry.objects.get(index=9)
    LedgerEntry.objects.filter(index=9).update(created_at=entry.created_at.replace(microsecond=(entry.created_at.microsecond + 1) % 10**6))
    changed = sorted(p["index"] for p in verify_ledger().problems if p["code"] == "entry_changed")
    assert changed == [8, 9]


@pytest.mark.django_db
def test_deleted_row_in_the_middle_is_named():
    _ledger()
    LedgerEntry.objects.filter(index=5).delete()
    report = verify_ledger()
    missing = [p for p in report.problems if p["code"] == "entry_missing"]
    assert [(p["first"], p["last"]) for p in missing] == [(5, 5)]
    assert "tree_head_unverifiable" in _codes(report)


@pytest.mark.django_db
def test_deleted_last_rows_are_caught_by_the_signed_tree_head():
    _ledger(n=20, heads=(20,))
    LedgerEntry.objects.filter(index__gte=18).delete()
    report = verify_ledger()
    assert {"tree_head_beyond_log", "entry_count_mismatch"} <= set(_codes(report))


@pytest.mark.django_db
def test_swapped_rows_are_named_as_moved():
    # given a signed ledger
    _ledger()
    # when two rows swap their indexes
    LedgerEntry.objects.filter(index=2).update(index=-1)
    LedgerEntry.objects.filter(index=11).update(index=2)
    LedgerEntry.objects.filter(index=-1).update(index=11)
    # then both positions are named, with where their content belongs
    moved = {(p["index"], p["origin"]) for p in verify_ledger().problems if p["code"] == "entry_moved"}
    assert moved == {(2, 11), (11, 2)}


@pytest.mark.django_db
def test_rewritten_leaf_with_recomputed_hash_is_caught_by_nodes_and_root():
    # given a signed ledger
    _ledger()
    # when an attacker rewrites an entry and recomputes its leaf hash (but cannot re-sign the head)
    from yiwang.ledger import merkle

    entry = LedgerEntry.objects.get(index=4)
    entry.payload = '{"sm3":"' + "0" * 64 + '"}'
    LedgerEntry.objects.filter(index=4).update(payload=entry.payload, leaf_hash=merkle.leaf_hash(entry.recomputed_leaf_data()))
    # then the leaf checks pass but the signed root (and the cached node above it) does not
    report = verify_ledger()
    codes = _codes(report)
    assert "entry_changed" not in codes
    root = next(p for p in report.problems if p["code"] == "tree_head_root_mismatch")
    assert root["tree_size"] == 7 and root["first"] == 0 and root["last"] == 6
    assert "node_mismatch" in codes


@pytest.mark.django_db
def test_corrupted_node_cache_is_named():
    _ledger()
    LedgerNode.objects.filter(key=LedgerNode.key_for(2, 1)).update(hash=b"\x00" * 32)
    problems = verify_ledger().problems
    assert [(p["code"], p["level"], p["node_index"]) for p in problems] == [("node_mismatch", 2, 1)]


@pytest.mark.django_db
def test_forged_tree_head_signature_is_named():
    _ledger()
    head = TreeHead.objects.get(tree_size=20)
    signature = bytearray(bytes(head.signature))
    signature[10] ^= 1
    TreeHead.objects.filter(pk=head.pk).update(signature=bytes(signature))
    report = verify_ledger()
    assert [(p["code"], p["tree_size"]) for p in report.problems] == [("tree_head_signature_invalid", 20)]


@pytest.mark.django_db
def test_tree_head_with_a_changed_root_or_an_untrusted_key_is_named():
    _ledger()
    # a root replaced (the signature no longer covers it)
    head = TreeHead.objects.get(tree_size=7)
    TreeHead.objects.filter(pk=head.pk).update(root_hash=b"\x11" * 32)
    # and a head signed with a key nobody trusts
    stranger = Sm2Key.generate()
    TreeHead.objects.create(tree_size=20, root_hash=b"\x22" * 32, timestamp=head.timestamp, signature=stranger.sign(b"x"), key_id="sm2-0000000000000000")
    codes = _codes(verify_ledger())
    assert codes.count("tree_head_signature_invalid") == 1
    assert "tree_head_key_unknown" in codes
    assert codes.count("tree_head_root_mismatch") == 2


@pytest.mark.django_db
def test_audit_records_changed_or_deleted_after_logging_are_named():
    # given audit events on the ledger
    for i in range(3):
        record_audit(actor=None, event_type="case_accepted", subject_type="case", subject_id=i, details={"note": "ok"})
    append_audit_events()
    publish_tree_head()
    append_audit_events()
    assert verify_ledger().ok
    ids = list(AuditEvent.objects.filter(event_type="case_accepted").order_by("id").values_list("id", flat=True))
    # when one audit row is edited and another deleted
    AuditEvent.objects.filter(id=ids[0]).update(details={"note": "changed"})
    # (in SQL, as an intruder would: the ORM refuses to delete audit rows within their retention)
    AuditEvent.objects.filter(id=ids[2])._raw_delete(AuditEvent.objects.db)
    # then both are named
    found = {(p["code"], p.get("audit_id")) for p in verify_ledger().problems}
    assert found == {("audit_event_changed", ids[0]), ("audit_event_missing", ids[2])}


@pytest.mark.django_db
def test_verification_run_is_kept():
    _ledger()
    run = run_verification()
    assert run.ok and run.entries_checked == 20
    assert AuditEvent.objects.filter(event_type="ledger_verified").exists()


@pytest.mark.django_db
def test_a_blanked_salt_is_itself_a_failure_so_a_changed_audit_row_cannot_hide():
    # given audit events on the ledger
    for i in range(2):
        record_audit(actor=None, event_type="case_accepted", subject_type="case", subject_id=i, details={"note": "ok"})
    append_audit_events()
    publish_tree_head()
    assert verify_ledger().ok
    event_id = AuditEvent.objects.filter(event_type="case_accepted").order_by("id").values_list("id", flat=True)[0]
    index = LedgerEntry.objects.get(reference=f"audit:{event_id}").index
    # when an attacker edits the audit row and blanks the salt that would expose the edit
    AuditEvent.objects.filter(id=event_id).update(details={"note": "changed"})
    LedgerEntry.objects.filter(index=index).update(salt="")
    # then verification fails and names the entry, and the command exits non-zero
    report = verify_ledger()
    assert not report.ok
    assert ("audit_salt_missing", index, event_id) in [(p["code"], p.get("index"), p.get("audit_id")) for p in report.problems]
    ok, output = _verify_command()
    assert not ok and "audit_salt_missing" in output and f"#{index}" in output
