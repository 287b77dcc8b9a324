"""Ledger API (``/api/v1/ledger/...``): signed tree heads, inclusion and consistency proofs, verification.

Hashes are lowercase hex, signatures base64 DER. A client verifies a proof with RFC 9162 §2.1.3.2 /
§2.1.4.2 using SM3 (see docs/ledger.md); the tree head and public keys are public so that anyone
holding a receipt can check it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from yiwang.core.errors import CoreErrorCode, Forbidden, InvalidInput, NotFound
from yiwang.core.schemas import ERRORS, PUBLIC_ERRORS
from yiwang.core.selectors import is_supervisor
from yiwang.crypto.services import export_public_keys
from yiwang.ledger import selectors
from yiwang.ledger.errors import LedgerErrorCode
from yiwang.ledger.models import LedgerEntry, TreeHead, utc_iso
from yiwang.ledger.services import tree_head_message

router = Router(tags=["ledger"])


class TreeHeadOut(Schema):
    tree_size: int
    root_hash: str
    timestamp: dt.datetime
    timestamp_ms: int
    key_id: str
    algorithm: str
    signature: str
    signed_message: str


class PublicKeyOut(Schema):
    key_id: str
    algorithm: str
    public_key_pem: str
    public_key_point: str
    public_key_xy: str
    current: bool


class EntryOut(Schema):
    index: int
    kind: str
    reference: str
    payload: dict[str, Any]
    leaf_hash: str
    created_at: dt.datetime
    created_at_hashed: str
    leaf_input: str


class InclusionOut(Schema):
    index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    audit_path: list[str]
    entry: EntryOut


class ConsistencyOut(Schema):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


class VerificationOut(Schema):
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    ok: bool
    entries_checked: int
    tree_heads_checked: int
    problem_count: int
    problems: list[dict[str, Any]]


def _head(head: TreeHead) -> dict[str, Any]:
    root = bytes(head.root_hash)
    message = tree_head_message(tree_size=head.tree_size, timestamp_ms=head.timestamp_ms, root_hash=root)
    return {
        "tree_size": head.tree_size,
        "root_hash": root.hex(),
        "timestamp": head.timestamp,
        "timestamp_ms": head.timestamp_ms,
        "key_id": head.key_id,
        "algorithm": head.algorithm,
        "signature": base64.b64encode(bytes(head.signature)).decode(),
        "signed_message": base64.b64encode(message).decode(),
    }


def _entry(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "index": entry.index,
        "kind": entry.kind,
        "reference": entry.reference,
        "payload": json.loads(entry.payload),
        "leaf_hash": bytes(entry.leaf_hash).hex(),
        "created_at": entry.created_at,
        # Exactly what was hashed: ``leaf_hash = SM3(0x00 || base64decode(leaf_input))``. ``created_at``
        # above is a display value (JSON datetimes are cut to milliseconds); ``created_at_hashed`` is
        # the timestamp spelled as inside the leaf (microseconds, UTC, ``Z``). See docs/ledger.md.
        "created_at_hashed": utc_iso(entry.created_at),
        "leaf_input": base64.b64encode(entry.recomputed_leaf_data()).decode(),
    }


@router.get("/ledger/tree-head", auth=None, response={200: TreeHeadOut, **PUBLIC_ERRORS})
def latest_tree_head(request: HttpRequest) -> dict[str, Any]:
    """The latest signed tree head (public: anyone may check receipts against it)."""
    return _head(selectors.require_latest_tree_head())


@router.get("/ledger/public-keys", auth=None, response={200: list[PublicKeyOut], **PUBLIC_ERRORS})
def public_keys(request: HttpRequest) -> list[dict[str, Any]]:
    """The SM2 public keys that tree-head signatures verify with (user ID 1234567812345678): PEM,
    and the raw point in hex as ``04 || x || y`` (``public_key_point``) and ``x || y`` (``public_key_xy``)."""
    return export_public_keys()


@router.get("/ledger/proofs/inclusion", response={200: InclusionOut, **ERRORS})
def inclusion_proof(
    request: HttpRequest, index: int | None = None, reference: str | None = None, tree_size: int | None = None
) -> dict[str, Any]:
    """Audit path for one entry, by ``index`` or ``reference`` (e.g. ``audit:123``), in the tree of
    ``tree_size`` entries (default: the latest signed tree head)."""
    if (index is None) == (reference is None):
        raise InvalidInput(CoreErrorCode.VALIDATION_FAILED, _("请给出条目序号 index 或引用 reference 之一。"), {"field": "index"})
    entry = selectors.entry_by_index(index) if index is not None else selectors.entry_by_reference(reference or "")
    size = tree_size if tree_size is not None else selectors.require_latest_tree_head().tree_size
    proof = selectors.inclusion_proof(index=entry.index, tree_size=size)
    return {
        "index": proof.index,
        "tree_size": proof.tree_size,
        "leaf_hash": proof.leaf_hash.hex(),
        "root_hash": proof.root_hash.hex(),
        "audit_path": [h.hex() for h in proof.path],
        "entry": _entry(entry),
    }


@router.get("/ledger/proofs/consistency", response={200: ConsistencyOut, **ERRORS})
def consistency_proof(request: HttpRequest, first: int, second: int | None = None) -> dict[str, Any]:
    """Proof that the tree of ``second`` entries (default: the latest signed head) extends the tree of ``first``."""
    size = second if second is not None else selectors.require_latest_tree_head().tree_size
    proof = selectors.consistency_proof(first=first, second=size)
    return {
        "first": first,
        "second": size,
        "first_root": selectors.root_at(first).hex(),
        "second_root": selectors.root_at(size).hex(),
        "proof": [h.hex() for h in proof],
    }


@router.get("/ledger/verification", response={200: VerificationOut, **ERRORS})
def latest_verification(request: HttpRequest) -> dict[str, Any]:
    """The latest full verification report (supervisors and superusers only; run ``verify_ledger`` to refresh)."""
    if not is_supervisor(request.auth):  # type: ignore[attr-defined]  # django-ninja sets request.auth after authentication; HttpRequest's stubs do not have it
        raise Forbidden(CoreErrorCode.PERMISSION_DENIED, _("只有电子监察人员可以查看账本核验报告。"))
    run = selectors.latest_verification()
    if run is None:
        raise NotFound(LedgerErrorCode.NO_VERIFICATION, _("尚未核验过账本：请运行 verify_ledger。"))
    return {
        "id": run.pk,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "ok": run.ok,
        "entries_checked": run.entries_checked,
        "tree_heads_checked": run.tree_heads_checked,
        "problem_count": run.problem_count,
        "problems": run.problems,
    }
