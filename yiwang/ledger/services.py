"""Writes of the ledger: appending entries, pulling the audit stream, signing tree heads, verifying.

Appends are serialised by a row lock on ``LedgerState`` (pk 1), so any number of processes may
call them. Each call is one transaction: the entries, the perfect nodes they complete and the new
tree size commit together or not at all. Appends are not themselves audited: the ledger *is* the
record of the audit stream, and auditing its appends would feed it its own echo.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.crypto.primitives import hmac_sm3
from yiwang.crypto.signing import get_signer
from yiwang.ledger import merkle
from yiwang.ledger.errors import LedgerErrorCode
from yiwang.ledger.models import (
    LedgerEntry,
    LedgerNode,
    LedgerState,
    TreeHead,
    VerificationRun,
    canonical_json,
    leaf_data,
    timestamp_ms,
    utc_iso,
)
from yiwang.ledger.selectors import fetch_nodes, root_at

MAX_PAYLOAD_CHARS = 4096
TREE_HEAD_CONTEXT = b"yiwang-ledger-tree-head\x00"


@dataclass(frozen=True)
class NewEntry:
    """What a caller appends: a kind, a reference and a payload of hashes and references only.

    Never put personal data in ``payload``; commit to it instead with ``commitment(...)`` and keep
    the salt in ``salt`` (outside the leaf, erasable).
    """

    kind: str
    reference: str
    payload: dict[str, Any] = field(default_factory=dict)
    salt: str = ""


def commitment(value: Any, *, salt: bytes) -> str:
    """HMAC-SM3 keyed by a random salt over the canonical JSON of ``value``: hides guessable values."""
    return hmac_sm3(salt, canonical_json(value).encode("utf-8")).hex()


def _invalid(message: str, **details: Any) -> InvalidInput:
    return InvalidInput(LedgerErrorCode.PAYLOAD_INVALID, message, details)


def _no_floats(value: Any) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _no_floats(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_no_floats(v) for v in value)
    return True


def _payload_text(entry: NewEntry) -> str:
    if not entry.kind or len(entry.kind) > 32 or not entry.reference or len(entry.reference) > 128:
        raise _invalid(_("账本条目的类别或引用为空或过长。"), kind=entry.kind, reference=entry.reference)
    if not isinstance(entry.payload, dict) or not _no_floats(entry.payload):
        raise _invalid(_("账本条目内容须为 JSON 对象，且不含小数（小数的写法不唯一）。"), reference=entry.reference)
    try:
        text = canonical_json(entry.payload)
    except (TypeError, ValueError) as exc:
        raise _invalid(_("账本条目内容无法写成 JSON。"), reference=entry.reference) from exc
    if len(text) > MAX_PAYLOAD_CHARS:
        raise _invalid(_("账本条目内容过长：只记摘要和引用。"), reference=entry.reference, limit=MAX_PAYLOAD_CHARS)
    return text


def _lock_state() -> LedgerState:
    state, _created = LedgerState.objects.select_for_update().get_or_create(pk=1)
    return state


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def _insert(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERTs: bulk_create spends ~5x more time preparing values than the database
    spends storing them, and appends are the ledger's hot path. Values are already database-ready."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = ", ".join(quote(_column(model, c)) for c in columns)
    if connection.vendor == "postgresql":  # COPY: several times faster than INSERT for thousands of rows
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({fields}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    per_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    step = max(1, 900 // len(columns))  # stay under every backend's parameter limit
    with connection.cursor() as cursor:
        for at in range(0, len(rows), step):
            chunk = rows[at : at + step]
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({fields}) VALUES {', '.join([per_row] * len(chunk))}"
            cursor.execute(sql, [value for row in chunk for value in row])


def _append_locked(state: LedgerState, entries: Sequence[NewEntry]) -> range:
    start = state.tree_size
    now = timezone.now()
    texts = [_payload_text(e) for e in entries]
    frontier = fetch_nodes(merkle.frontier_keys(start)) if start else {}
    stored_now = connection.ops.adapt_datetimefield_value(now)
    rows, hashes = [], []
    for offset, (entry, text) in enumerate(zip(entries, texts, strict=True)):
        index = start + offset
        digest = merkle.leaf_hash(
            leaf_data(index=index, kind=entry.kind, reference=entry.reference, created_at=now, payload=text)
        )
        hashes.append(digest)
        rows.append((index, entry.kind, entry.reference, text, digest, stored_now, entry.salt))
    nodes = merkle.extend(start, hashes, frontier)
    _insert(LedgerEntry, ["index", "kind", "reference", "payload", "leaf_hash", "created_at", "salt"], rows)
    _insert(
        LedgerNode,
        ["key", "hash"],
        [(LedgerNode.key_for(level, index), h) for (level, index), h in nodes.items() if level],
    )
    state.tree_size = start + len(entries)
    LedgerState.objects.filter(pk=state.pk).update(tree_size=state.tree_size)
    return range(start, state.tree_size)


def append_entries(*, entries: Sequence[NewEntry]) -> range:
    """Append ``entries`` in order, in one transaction; return their indexes."""
    if not entries:
        return range(0)
    with transaction.atomic():
        return _append_locked(_lock_state(), entries)


def append_entry(*, kind: str, reference: str, payload: dict[str, Any], salt: str = "") -> int:
    return append_entries(entries=[NewEntry(kind=kind, reference=reference, payload=payload, salt=salt)]).start


# -- the audit stream --------------------------------------------------------------------------

AUDIT_FIELDS = ("id", "created_at", "actor_id", "actor_department_id", "event_type", "subject_type", "subject_id", "details")


def audit_record(row: dict[str, Any]) -> dict[str, Any]:
    """The whole audit row, as committed to (never on the log itself)."""
    record = {name: row[name] for name in AUDIT_FIELDS}
    record["created_at"] = utc_iso(row["created_at"])
    return record


def audit_entry(row: dict[str, Any], *, salt: bytes) -> NewEntry:
    """An audit event as a leaf: its id, type and subject *type* in clear; everything else salted and hashed."""
    return NewEntry(
        kind="audit",
        reference=f"audit:{row['id']}",
        payload={
            "audit_id": row["id"],
            "event_type": row["event_type"],
            "subject_type": row["subject_type"],
            "commitment": commitment(audit_record(row), salt=salt),
        },
        salt=salt.hex(),
    )


def append_audit_events(*, batch_size: int = 2000, lag_seconds: float | None = None, max_batches: int | None = None) -> int:
    """Pull audit events after the stored high-water mark into the log; return how many were appended.

    Events are taken in id order and only up to the first one younger than ``lag_seconds``
    (``YIWANG_LEDGER_AUDIT_LAG_SECONDS``, default 5): on PostgreSQL a transaction may commit a
    lower id after a higher one, and the lag gives it time to do so before the mark passes it.
    Each batch is one transaction; ``core`` never calls the ledger, the ledger pulls.
    """
    lag = lag_seconds if lag_seconds is not None else float(getattr(settings, "YIWANG_LEDGER_AUDIT_LAG_SECONDS", 5))
    total = batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            state = _lock_state()
            cutoff = timezone.now() - dt.timedelta(seconds=lag)
            rows = list(
                AuditEvent.objects.filter(id__gt=state.audit_high_water).order_by("id").values(*AUDIT_FIELDS)[:batch_size]
            )
            settled = []
            for row in rows:
                if row["created_at"] > cutoff:
                    break
                settled.append(row)
            if not settled:
                return total
            _append_locked(state, [audit_entry(row, salt=os.urandom(16)) for row in settled])
            LedgerState.objects.filter(pk=state.pk).update(audit_high_water=settled[-1]["id"])
        total += len(settled)
        batches += 1
        if len(settled) < len(rows) or len(rows) < batch_size:
            return total
    return total


# -- signed tree heads -------------------------------------------------------------------------


def tree_head_message(*, tree_size: int, timestamp_ms: int, root_hash: bytes) -> bytes:
    """What an SM2 tree-head signature covers: a context string, then RFC 6962's TreeHeadSignature layout.

    ``version (0) · signature_type (1 = tree_hash) · timestamp (uint64 ms) · tree_size (uint64) · root``.
    """
    return TREE_HEAD_CONTEXT + struct.pack(">BBQQ", 0, 1, timestamp_ms, tree_size) + root_hash


def publish_tree_head(*, actor: User | None = None) -> TreeHead:
    """Sign the root of the whole log as it is now; if the latest head already covers it, return that."""
    signer = get_signer()
    with transaction.atomic():
        state = _lock_state()
        latest = TreeHead.objects.order_by("-tree_size", "-id").first()
        if latest is not None and latest.tree_size == state.tree_size:
            return latest
        root = root_at(state.tree_size)
        now = timezone.now()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        signature = signer.sign(tree_head_message(tree_size=state.tree_size, timestamp_ms=timestamp_ms(now), root_hash=root))
        head = TreeHead.objects.create(
            tree_size=state.tree_size, root_hash=root, timestamp=now, signature=signature,
            key_id=signer.key_id, algorithm=signer.algorithm,
        )
        record_audit(
            actor=actor,
            event_type="ledger_tree_head_published",
            subject_type="ledger",
            subject_id=head.tree_size,
            details={"root_hash": root.hex(), "key_id": signer.key_id},
        )
    return head


# -- verification ------------------------------------------------------------------------------


def run_verification(*, actor: User | None = None, chunk_size: int = 50_000) -> VerificationRun:
    """Verify the whole stored history (``verification.verify_ledger``) and keep the report."""
    from yiwang.ledger.verification import verify_ledger

    started = timezone.now()
    report = verify_ledger(chunk_size=chunk_size)
    with transaction.atomic():
        run = VerificationRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            ok=report.ok,
            entries_checked=report.entries_checked,
            tree_heads_checked=report.tree_heads_checked,
            problem_count=report.problem_count,
            problems=report.problems,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        record_audit(
            actor=actor,
            event_type="ledger_verified",
            subject_type="ledger",
            subject_id=run.pk,
            details={"ok": report.ok, "entries_checked": report.entries_checked, "problem_count": report.problem_count},
        )
    return run
