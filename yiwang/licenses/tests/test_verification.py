"""Online verification: valid / revoked / expired / not_yet_valid / altered / unknown, only the
disclosed fields, and an inclusion proof that checks against the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.ledger import merkle
from yiwang.ledger.services import publish_tree_head
from yiwang.licenses import services
from yiwang.licenses.models import Licence, LicenceVerification

pytestmark = pytest.mark.django_db


def verify(client, token):
    response = client.get(f"/api/v1/licences/verify/{token}")
    assert response.status_code == 200
    return response.json()


def test_a_valid_licence_verifies_with_no_login_and_a_proof_that_checks(library, client):
    licence = library.issue()
    publish_tree_head()
    body = verify(client, licence.qr_token)
    assert body["status"] == "valid"
    assert body["issuer"] == {"code": "SCJG", "name": licence.department.name, "uscc": licence.seal.uscc}
    disclosed = body["licence"]
    assert disclosed["number"] == licence.number and disclosed["licence_name"] == "食品经营许可证"
    # through the printed QR code a person's name is masked and the ID number is not shown at all
    assert disclosed["holder_name"] == "张*" and "holder_id_number" not in disclosed
    assert library.world.applicant.id_number not in str(body)
    proof = body["inclusion_proof"]
    assert proof["signed"] is True and proof["index"] == licence.ledger_index
    root = bytes.fromhex(proof["root_hash"])
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert merkle.verify_inclusion(proof["index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]), path, root)
    assert not merkle.verify_inclusion(proof["index"], proof["tree_size"], b"\x00" * 32, path, root)
    assert LicenceVerification.objects.get(licence=licence).result == "valid"


def test_the_public_page_says_valid(library, client):
    licence = library.issue()
    page = client.get(f"/verify/{licence.qr_token}")
    assert page.status_code == 200 and 'data-status="valid"' in page.content.decode()


def test_revoked_verifies_as_revoked_forever(library, client):
    licence = library.issue()
    services.revoke_licence(actor=library.world.decider, number=licence.number, reason="经营者申请注销")
    assert verify(client, licence.qr_token)["status"] == "revoked"
    later = timezone.now() + dt.timedelta(days=365 * 20)
    from yiwang.licenses.verification import verify_token

    assert verify_token(licence.qr_token, channel="api", now=later).status == "revoked"


def test_expired_and_not_yet_valid(library, client):
    expired = library.issue(now=timezone.now() - dt.timedelta(days=365 * 6))
    future = library.issue(now=timezone.now() + dt.timedelta(days=30))
    assert verify(client, expired.qr_token)["status"] == "expired"
    assert verify(client, future.qr_token)["status"] == "not_yet_valid"


def test_a_pdf_edited_after_signing_is_altered(library, client):
    licence = library.issue()
    with licence.file.open("rb") as handle:
        data = bytearray(handle.read())
    at = data.find(b"/Producer")
    data[at + 2] ^= 0x01  # one changed byte inside the signed part
    with open(licence.file.path, "wb") as handle:
        handle.write(bytes(data))
    body = verify(client, licence.qr_token)
    assert body["status"] == "altered" and body["licence"] == {} and body["issuer"] == {}


def test_metadata_edited_in_the_database_is_altered(library, client):
    licence = library.issue()
    Licence.objects.filter(pk=licence.pk).update(holder_name="李四")
    assert verify(client, licence.qr_token)["status"] == "altered"
    Licence.objects.filter(pk=licence.pk).update(holder_name=licence.holder_name, valid_to=dt.date(2099, 1, 1))
    assert verify(client, licence.qr_token)["status"] == "altered"


def test_a_revocation_undone_in_the_database_is_still_not_valid_when_the_signature_was_swapped(library, client):
    """A licence whose stored seal signature was replaced by another licence's is altered."""
    first, second = library.issue(), library.issue(holder=library.other_applicant)
    Licence.objects.filter(pk=first.pk).update(signature=second.signature)
    assert verify(client, first.qr_token)["status"] == "altered"


@pytest.mark.parametrize("token", ["nope", "x" * 65, "%00", "' OR 1=1 --", "..%2F..%2Fetc"])
def test_unknown_tokens_are_unknown(library, client, token):
    response = client.get(f"/api/v1/licences/verify/{token}")
    if token == "%00":  # refused with the request (yiwang.core.middleware)
        assert response.status_code == 400
        return
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.json()["status"] == "unknown" and response.json()["licence"] == {}


def test_share_links_disclose_what_was_chosen_and_stop_when_expired_or_withdrawn(library, client):
    world = library.world
    licence = library.issue()
    share = services.create_share(actor=world.citizen, number=licence.number, fields=["holder_name", "fields"])
    body = verify(client, share.token)
    assert body["status"] == "valid" and body["licence"]["holder_name"] == "张三"
    assert body["licence"]["fields"] == {"店名": "青禾小馆", "经营项目": "餐饮服务"}
    assert "valid_to" not in body["licence"] and "holder_id_number" not in body["licence"]
    assert share.expires_at - share.created_at == dt.timedelta(days=7)

    from yiwang.licenses.models import ShareLink

    ShareLink.objects.filter(pk=share.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    body = verify(client, share.token)
    assert body["status"] == "unknown" and "过期" in body["reason"] and body["licence"] == {}

    fresh = services.create_share(actor=world.citizen, number=licence.number)
    services.withdraw_share(actor=world.citizen, share_id=fresh.pk)
    body = verify(client, fresh.token)
    assert body["status"] == "unknown" and "撤回" in body["reason"]


def test_the_holder_sees_who_verified(library, client):
    world = library.world
    licence = library.issue()
    client.get(f"/api/v1/licences/verify/{licence.qr_token}")
    client.force_login(world.ga_signer if hasattr(world, "ga_signer") else world.clerk)
    client.get(f"/verify/{licence.qr_token}")
    client.force_login(world.citizen)
    rows = client.get(f"/api/v1/licences/{licence.number}/verifications").json()
    assert [r["channel"] for r in rows] == ["web", "api"]
    assert rows[0]["verifier"] == "ga_decider" and rows[1]["verifier"] == ""
    # nobody else reads that list
    client.force_login(library.other_citizen)
    assert client.get(f"/api/v1/licences/{licence.number}/verifications").status_code == 404


def test_a_deactivated_trust_anchor_stops_valid_at_the_next_check_and_comes_back(library, client):
    """The anchor is read with the licence, not kept: no process serves a stale trust decision."""
    from yiwang.licenses.models import TrustAnchor

    licence = library.issue()
    assert verify(client, licence.qr_token)["status"] == "valid"
    TrustAnchor.objects.update(is_active=False)
    body = verify(client, licence.qr_token)
    assert body["status"] == "altered" and "certificate_untrusted" in body["reason"] and body["licence"] == {}
    TrustAnchor.objects.update(is_active=True)
    assert verify(client, licence.qr_token)["status"] == "valid"


def test_the_proof_follows_each_new_signed_head(library, client):
    licence = library.issue()
    publish_tree_head()
    first = verify(client, licence.qr_token)["inclusion_proof"]
    library.issue(holder=library.other_applicant)
    publish_tree_head()
    second = verify(client, licence.qr_token)["inclusion_proof"]
    assert second["signed"] and second["tree_size"] > first["tree_size"] and second["root_hash"] != first["root_hash"]
    for proof in (first, second):
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        assert merkle.verify_inclusion(proof["index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]), path,
                                       bytes.fromhex(proof["root_hash"]))


def test_a_ledger_changed_under_its_signed_head_is_shown_as_it_is(library, client):
    """A proof that does not reach the signed root is served (it fails the verifier's own check, which
    is the truth) and never kept: a later check reads the ledger again."""
    from yiwang.ledger.models import LedgerEntry, TreeHead

    licence = library.issue()
    library.issue(holder=library.other_applicant)
    publish_tree_head()
    LedgerEntry.objects.filter(index=licence.ledger_index).update(leaf_hash=b"\x01" * 32)
    body = verify(client, licence.qr_token)
    proof = body["inclusion_proof"]
    head = TreeHead.objects.get()
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert not merkle.verify_inclusion(proof["index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]), path,
                                       bytes(head.root_hash))
    assert proof["leaf_hash"] == "01" * 32


def test_the_online_check_needs_three_queries_once_the_proof_is_known(library, client):
    """The licence with its type, department, seal and anchor; the latest signed head; the log row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    licence = library.issue()
    publish_tree_head()
    verify(client, licence.qr_token)
    with CaptureQueriesContext(connection) as queries:
        assert verify(client, licence.qr_token)["status"] == "valid"
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 3, statements


def test_an_issued_licence_is_written_once_with_the_index_of_its_ledger_entry(library):
    """The ledger entry is appended before the row, so the row is inserted with its index: one
    write of the licence's row, no update after it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiwang.ledger.models import LedgerEntry

    with CaptureQueriesContext(connection) as queries:
        licence = library.issue()
    table = Licence._meta.db_table
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].startswith(("INSERT", "UPDATE")) and f'"{table}"' in q["sql"].split(" (")[0]]
    assert len(writes) == 1 and writes[0].startswith("INSERT"), writes
    stored = Licence.objects.get(pk=licence.pk)
    assert stored.ledger_index is not None and stored.ledger_index == licence.ledger_index
    assert LedgerEntry.objects.get(index=stored.ledger_index).reference == f"licence:{licence.identifier}:issued"


def test_the_schema_lists_exactly_the_statuses_that_can_come_back(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schema["LicenceVerifyOut"]["properties"]["status"]["enum"]) == {
        "valid", "revoked", "expired", "not_yet_valid", "altered", "unknown"}
    assert set(schema["LicenceOut"]["properties"]["status"]["enum"]) == {
        "valid", "revoked", "expired", "not_yet_valid", "altered"}


def test_not_yet_valid_is_never_valid_and_says_from_when(library, client):
    """Online and offline agree: a licence whose validity starts tomorrow is refused by both."""
    from yiwang.licenses import verification

    start = timezone.now() + dt.timedelta(days=1)
    future = library.issue(now=start)
    body = verify(client, future.qr_token)
    assert body["status"] == "not_yet_valid" and future.valid_from.isoformat() in body["reason"]
    page = client.get(f"/verify/{future.qr_token}").content.decode()
    assert 'data-status="not_yet_valid"' in page and future.valid_from.isoformat() in page
    today = timezone.localdate()
    offline = verification.verify_qr_offline(future.qr_payload, certificates=[bytes(future.seal.certificate)], today=today)
    assert not offline.ok and offline.status == "not_yet_valid"
    with future.file.open("rb") as handle:
        from_file = verification.verify_file_offline(handle.read(), trusted=verification.anchors(), today=today)
    assert not from_file.ok and from_file.status == "not_yet_valid"
    # and on its first day both say valid
    assert verification.verify_qr_offline(future.qr_payload, certificates=[bytes(future.seal.certificate)],
                                          today=future.valid_from).ok
    assert verification.verify_token(future.qr_token, channel="api", now=start).status == "valid"


def test_revoked_and_expired_say_why_in_words(library, client):
    licence = library.issue()
    services.revoke_licence(actor=library.world.decider, number=licence.number, reason="提供虚假材料", kind="revoke")
    assert "吊销" in verify(client, licence.qr_token)["reason"]
    expired = library.issue(now=timezone.now() - dt.timedelta(days=365 * 6))
    assert expired.valid_to.isoformat() in verify(client, expired.qr_token)["reason"]
    english = client.get(f"/api/v1/licences/verify/{expired.qr_token}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["status"] == "expired" and "expired" in english["reason"]
