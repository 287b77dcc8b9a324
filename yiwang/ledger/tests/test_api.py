from __future__ import annotations

import base64

import pytest

from yiwang.core.models import Department, Role, StaffRole
from yiwang.core.services import record_audit
from yiwang.crypto.signing import verify_with_public_key
from yiwang.ledger import merkle
from yiwang.ledger.services import NewEntry, append_audit_events, append_entries, publish_tree_head, run_verification


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="clerk", password="x")


@pytest.fixture
def supervisor(django_user_model):
    user = django_user_model.objects.create_user(username="jiancha", password="x")
    department = Department.objects.create(code="JCS", name="电子监察室")
    StaffRole.objects.create(user=user, department=department, role=Role.SUPERVISOR)
    return user


def _signed_ledger(n: int = 13) -> int:
    event = record_audit(actor=None, event_type="case_accepted", subject_type="case", subject_id=1)
    append_audit_events()
    append_entries(entries=[NewEntry(kind="document", reference=f"doc:{i}", payload={"i": i}) for i in range(n - 1)])
    publish_tree_head()
    return event.pk


@pytest.mark.django_db
def test_tree_head_is_public_and_its_signature_verifies_with_the_published_key(client):
    assert client.get("/api/v1/ledger/tree-head").json()["code"] == "ledger_no_tree_head"
    _signed_ledger()
    head = client.get("/api/v1/ledger/tree-head").json()
    keys = client.get("/api/v1/ledger/public-keys").json()
    assert head["tree_size"] == 13 and len(head["root_hash"]) == 64
    key = next(k for k in keys if k["key_id"] == head["key_id"])
    assert key["current"]
    message = base64.b64decode(head["signed_message"])
    assert message.endswith(bytes.fromhex(head["root_hash"]))
    assert verify_with_public_key(key["public_key_pem"], message, base64.b64decode(head["signature"]))


@pytest.mark.django_db
def test_inclusion_proof_by_index_and_by_reference(client, staff):
    audit_id = _signed_ledger()
    assert client.get("/api/v1/ledger/proofs/inclusion?index=3").status_code == 401
    client.force_login(staff)
    head = client.get("/api/v1/ledger/tree-head").json()
    for query in ["index=5", f"reference=audit:{audit_id}", "reference=doc:7&tree_size=10"]:
        body = client.get(f"/api/v1/ledger/proofs/inclusion?{query}").json()
        root = head["root_hash"] if "tree_size" not in query else body["root_hash"]
        assert merkle.verify_inclusion(
            body["index"], body["tree_size"], bytes.fromhex(body["leaf_hash"]), [bytes.fromhex(h) for h in body["audit_path"]], bytes.fromhex(root)
        )
    body = client.get(f"/api/v1/ledger/proofs/inclusion?reference=audit:{audit_id}").json()
    assert body["entry"]["kind"] == "audit" and body["entry"]["payload"]["event_type"] == "case_accepted"


@pytest.mark.django_db
def test_inclusion_proof_errors_are_coded(client, staff):
    _signed_ledger()
    client.force_login(staff)
    cases = {
        "": (422, "validation_failed"),
        "index=1&reference=doc:1": (422, "validation_failed"),
        "index=99": (404, "ledger_entry_not_found"),
        f"index={2**70}": (404, "ledger_entry_not_found"),
        "index=-3": (404, "ledger_entry_not_found"),
        f"index=1&tree_size={2**70}": (422, "ledger_tree_size_invalid"),
        "reference=nope": (404, "ledger_entry_not_found"),
        "index=5&tree_size=3": (422, "ledger_entry_not_in_tree"),
        "index=5&tree_size=99": (422, "ledger_tree_size_invalid"),
    }
    for query, (status, code) in cases.items():
        response = client.get(f"/api/v1/ledger/proofs/inclusion?{query}")
        assert (response.status_code, response.json()["code"]) == (status, code), query
        assert response.json()["message"]


@pytest.mark.django_db
def test_consistency_proof_verifies(client, staff):
    _signed_ledger()
    client.force_login(staff)
    body = client.get("/api/v1/ledger/proofs/consistency?first=5").json()
    assert body["second"] == 13
    assert merkle.verify_consistency(5, 13, bytes.fromhex(body["first_root"]), bytes.fromhex(body["second_root"]), [bytes.fromhex(h) for h in body["proof"]])
    assert client.get("/api/v1/ledger/proofs/consistency?first=9&second=4").json()["code"] == "ledger_tree_size_invalid"


@pytest.mark.django_db
def test_verification_report_is_for_supervisors_only(client, staff, supervisor, django_user_model):
    _signed_ledger()
    client.force_login(staff)
    assert client.get("/api/v1/ledger/verification").status_code == 403
    client.force_login(supervisor)
    assert client.get("/api/v1/ledger/verification").json()["code"] == "ledger_no_verification"
    run_verification()
    body = client.get("/api/v1/ledger/verification").json()
    assert body["ok"] and body["entries_checked"] == 13
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x"))
    assert client.get("/api/v1/ledger/verification").status_code == 200


def _independent_inclusion_root(index: int, size: int, leaf_hash: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2, written from the RFC over the reference SM3 (cryptography/OpenSSL), not merkle.py."""
    from yiwang.ledger.tests.reference import sm3

    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        assert sn != 0
        if fn & 1 or fn == sn:
            r = sm3(b"\x01" + p + r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = sm3(b"\x01" + r + p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0
    return r


@pytest.mark.django_db
def test_a_third_party_recomputes_the_leaf_hash_and_the_inclusion_from_the_api_response_alone(client, staff):
    import json

    from yiwang.ledger.tests.reference import sm3

    audit_id = _signed_ledger()
    client.force_login(staff)
    head = client.get("/api/v1/ledger/tree-head").json()
    for query in [f"reference=audit:{audit_id}", "index=6"]:
        body = client.get(f"/api/v1/ledger/proofs/inclusion?{query}").json()
        entry = body["entry"]
        leaf = base64.b64decode(entry["leaf_input"])
        # the served leaf is the documented canonical JSON of the served fields
        parsed = json.loads(leaf)
        assert parsed == {"i": entry["index"], "k": entry["kind"], "p": entry["payload"], "r": entry["reference"],
                          "t": entry["created_at_hashed"], "v": 1}
        assert leaf == json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert len(entry["created_at_hashed"]) == len("2026-01-01T00:00:00.000000Z")
        # leaf hash per docs/ledger.md with an independent SM3
        leaf_hash = sm3(b"\x00" + leaf)
        assert leaf_hash.hex() == entry["leaf_hash"] == body["leaf_hash"]
        path = [bytes.fromhex(h) for h in body["audit_path"]]
        assert _independent_inclusion_root(body["index"], body["tree_size"], leaf_hash, path).hex() == head["root_hash"]
