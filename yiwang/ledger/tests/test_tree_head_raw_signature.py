"""A tree head's signature, turned into the raw r || s form other toolkits use, verifies with the
public point the ledger's API and the CLI export."""

from __future__ import annotations

import pytest

from yiwang.crypto.signing import verify_with_public_key
from yiwang.crypto.sm2 import Sm2Key


def _der_to_raw(der: bytes) -> bytes:
    """SEQUENCE {INTEGER r, INTEGER s} → r || s, 32 bytes each: parsed here by hand, not by the code under test."""
    assert der[0] == 0x30 and der[1] == len(der) - 2
    out, at = b"", 2
    for _ in range(2):
        assert der[at] == 0x02
        length = der[at + 1]
        out += int.from_bytes(der[at + 2 : at + 2 + length], "big").to_bytes(32, "big")
        at += 2 + length
    return out


@pytest.mark.django_db
def test_tree_head_signatures_verify_in_raw_form_with_the_exported_point(client, settings, tmp_path):
    """The ledger's public-keys API and the CLI export the raw point; a tree-head signature converted
    to r || s verifies with it."""
    import base64
    import io

    from django.core.management import call_command

    from yiwang.ledger.services import NewEntry, append_entries, publish_tree_head

    settings.YIWANG_SM2_SIGNING_KEY = Sm2Key.generate().private_pem().decode()
    append_entries(entries=[NewEntry(kind="document", reference="doc:1", payload={})])
    publish_tree_head()
    head = client.get("/api/v1/ledger/tree-head").json()
    key = next(k for k in client.get("/api/v1/ledger/public-keys").json() if k["key_id"] == head["key_id"])
    point = bytes.fromhex(key["public_key_point"])
    assert len(point) == 65 and point[1:] == bytes.fromhex(key["public_key_xy"])
    raw = _der_to_raw(base64.b64decode(head["signature"]))
    assert verify_with_public_key(point, base64.b64decode(head["signed_message"]), raw)
    out = io.StringIO()
    call_command("sm2_public_keys", "--format", "xy", stdout=out)
    assert key["public_key_xy"] in out.getvalue()
