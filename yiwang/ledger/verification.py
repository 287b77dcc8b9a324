"""Full verification of the stored ledger: every leaf, every cached node, every signed tree head.

One pass over the entries in index order, in chunks:

1. each entry's leaf hash is recomputed from its stored fields (position included) and compared
   with the stored one: a difference names the entry as *changed*, or as *moved* when its content
   belongs at another position that also fails;
2. a gap in the indexes names the *missing* entries;
3. the tree is rebuilt from the recomputed leaves; at every size a tree head was signed for, the
   root is compared with the signed root, and each tree head's SM2 signature is checked against the
   trusted keys. A root that differs while every leaf matched means leaves *and* their hashes were
   rewritten: the report gives the range between the last good head and the bad one;
4. the cached perfect nodes are compared with the tree rebuilt from the stored leaf hashes (a
   wrong node would give wrong proofs);
5. audit entries' salted commitments are recomputed from the ``core.AuditEvent`` rows, so an
   audit record changed or deleted after it was logged is named too; an audit entry whose salt
   is missing is named as well (without it the commitment cannot be checked).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from yiwang.core.models import AuditEvent
from yiwang.crypto.signing import trusted_public_keys, verify_with_public_key
from yiwang.ledger import merkle
from yiwang.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead, leaf_data
from yiwang.ledger.services import AUDIT_FIELDS, audit_record, commitment, tree_head_message

MAX_PROBLEMS_KEPT = 1000
MAX_MOVE_CANDIDATES = 200


@dataclass
class Report:
    entries_checked: int = 0
    tree_heads_checked: int = 0
    tree_size: int = 0
    problem_count: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, code: str, message: str, **details: Any) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append({"code": code, "message": message, **details})


def _rows(chunk_size: int) -> Iterator[list[tuple[Any, ...]]]:
    after = -1
    columns = ("index", "kind", "reference", "payload", "leaf_hash", "created_at", "salt")
    while True:
        chunk = list(LedgerEntry.objects.filter(index__gt=after).order_by("index").values_list(*columns)[:chunk_size])
        if not chunk:
            return
        yield chunk
        after = chunk[-1][0]


class _Tree:
    """A tree being rebuilt leaf by leaf: only its frontier is kept."""

    def __init__(self) -> None:
        self.size = 0
        self.frontier: dict[tuple[int, int], bytes] = {}

    def extend(self, hashes: list[bytes]) -> dict[tuple[int, int], bytes]:
        nodes = merkle.extend(self.size, hashes, self.frontier)
        self.size += len(hashes)
        self.frontier = merkle.next_frontier(self.size, nodes, self.frontier)
        return nodes

    def root(self) -> bytes:
        return merkle.root_from_frontier(self.size, self.frontier)


def _check_nodes(report: Report, nodes: dict[tuple[int, int], bytes]) -> None:
    by_level: dict[int, list[int]] = {}
    for level, index in nodes:
        if level:
            by_level.setdefault(level, []).append(index)
    for level, indexes in by_level.items():
        lo, hi = LedgerNode.key_for(level, min(indexes)), LedgerNode.key_for(level, max(indexes))
        stored = {k: bytes(h) for k, h in LedgerNode.objects.filter(key__gte=lo, key__lte=hi).values_list("key", "hash")}
        for index in indexes:
            if stored.get(LedgerNode.key_for(level, index)) != nodes[(level, index)]:
                first, last = index << level, ((index + 1) << level) - 1
                report.add(
                    "node_mismatch",
                    _("缓存树节点（层 %(level)s，序号 %(index)s，覆盖条目 #%(first)s–#%(last)s）缺失或与条目不符：由此生成的证明会出错。")
                    % {"level": level, "index": index, "first": first, "last": last},
                    level=level, node_index=index,
                )


def _check_audit(report: Report, rows: list[tuple[int, dict[str, Any], str]]) -> None:
    """``rows``: (ledger index, payload, salt hex) of audit entries whose salt is still there."""
    ids = [payload.get("audit_id") for _i, payload, _s in rows]
    events = {row["id"]: row for row in AuditEvent.objects.filter(id__in=ids).values(*AUDIT_FIELDS)}
    for index, payload, salt in rows:
        event = events.get(payload.get("audit_id"))
        if event is None:
            report.add(
                "audit_event_missing",
                _("审计记录 %(id)s（账本条目 #%(index)s）已从审计表中删除。") % {"id": payload.get("audit_id"), "index": index},
                index=index, audit_id=payload.get("audit_id"),
            )
        elif commitment(audit_record(event), salt=bytes.fromhex(salt)) != payload.get("commitment"):
            report.add(
                "audit_event_changed",
                _("审计记录 %(id)s 在记入账本（条目 #%(index)s）后被修改。") % {"id": event["id"], "index": index},
                index=index, audit_id=event["id"],
            )


def verify_ledger(*, chunk_size: int = 50_000) -> Report:
    report = Report()
    trusted = trusted_public_keys()
    heads = list(TreeHead.objects.order_by("tree_size", "id"))
    heads_by_size: dict[int, list[TreeHead]] = {}
    for head in heads:
        heads_by_size.setdefault(head.tree_size, []).append(head)

    # signatures first: they do not depend on the entries
    for head in heads:
        report.tree_heads_checked += 1
        root = bytes(head.root_hash)
        message = tree_head_message(tree_size=head.tree_size, timestamp_ms=head.timestamp_ms, root_hash=root)
        if head.key_id not in trusted:
            report.add(
                "tree_head_key_unknown",
                _("树头（大小 %(size)s）由不受信任的密钥 %(key)s 签名。") % {"size": head.tree_size, "key": head.key_id},
                tree_size=head.tree_size, tree_head_id=head.pk,
            )
        elif not verify_with_public_key(trusted[head.key_id], message, bytes(head.signature)):
            report.add(
                "tree_head_signature_invalid",
                _("树头（大小 %(size)s）的签名无效：树头被伪造或篡改。") % {"size": head.tree_size},
                tree_size=head.tree_size, tree_head_id=head.pk,
            )

    content, stored = _Tree(), _Tree()
    last_good_size = 0
    gap_at: int | None = None
    mismatched: dict[int, tuple[Any, ...]] = {}

    def check_roots() -> None:
        nonlocal last_good_size
        for head in heads_by_size.get(content.size, []):
            if content.root() == bytes(head.root_hash):
                last_good_size = max(last_good_size, head.tree_size)
            else:
                report.add(
                    "tree_head_root_mismatch",
                    _("树头（大小 %(size)s）的根哈希与由条目重算的不符：条目 #%(first)s–#%(last)s 之间有改动。")
                    % {"size": head.tree_size, "first": last_good_size, "last": head.tree_size - 1},
                    tree_size=head.tree_size, tree_head_id=head.pk, first=last_good_size, last=head.tree_size - 1,
                )

    def flush(content_hashes: list[bytes], stored_hashes: list[bytes]) -> None:
        if not content_hashes:
            return
        same = content_hashes == stored_hashes and content.frontier == stored.frontier
        stored_nodes = stored.extend(stored_hashes)
        if same:
            content.size, content.frontier = stored.size, dict(stored.frontier)
        else:
            content.extend(content_hashes)
        _check_nodes(report, stored_nodes)

    check_roots()  # a tree head of size 0
    for chunk in _rows(chunk_size):
        content_hashes: list[bytes] = []
        stored_hashes: list[bytes] = []
        audit_rows = []
        for row in chunk:
            index, kind, reference, payload, leaf_hash, created_at, salt = row
            report.entries_checked += 1
            if gap_at is None and index != content.size + len(content_hashes):
                expected = content.size + len(content_hashes)
                report.add(
                    "entry_missing",
                    _("条目 #%(first)s–#%(last)s 缺失：行被删除。") % {"first": expected, "last": index - 1},
                    first=expected, last=index - 1,
                )
                gap_at = expected
            data = leaf_data(index=index, kind=kind, reference=reference, created_at=created_at, payload=payload)
            recomputed, leaf_hash = merkle.leaf_hash(data), bytes(leaf_hash)
            if recomputed != leaf_hash:
                mismatched[index] = row
            if kind == "audit":
                try:
                    audit_payload = json.loads(payload)
                except ValueError:
                    audit_payload = None  # already reported: the leaf hash cannot match a payload that is not JSON
                if audit_payload is not None and salt:
                    audit_rows.append((index, audit_payload, salt))
                elif audit_payload is not None:
                    # Without its salt the commitment cannot be checked, so blanking it would hide an
                    # edited audit row: a missing salt is a failure in itself (there is no erasure
                    # procedure that removes salts; one would have to be recorded and checked here).
                    report.add(
                        "audit_salt_missing",
                        _("账本条目 #%(index)s（审计记录 %(id)s）的承诺盐值缺失：无法核对该审计记录，可能已被改动。")
                        % {"index": index, "id": audit_payload.get("audit_id")},
                        index=index, audit_id=audit_payload.get("audit_id"),
                    )
            if gap_at is None:
                content_hashes.append(recomputed)
                stored_hashes.append(leaf_hash)
                if content.size + len(content_hashes) in heads_by_size:
                    flush(content_hashes, stored_hashes)
                    content_hashes, stored_hashes = [], []
                    check_roots()
        if gap_at is None:
            flush(content_hashes, stored_hashes)
        if audit_rows:
            _check_audit(report, audit_rows)

    _report_mismatches(report, mismatched)
    entries = content.size if gap_at is None else gap_at
    report.tree_size = entries
    for head in heads:
        if head.tree_size > entries:
            code = "tree_head_unverifiable" if gap_at is not None else "tree_head_beyond_log"
            report.add(
                code,
                _("树头（大小 %(size)s）覆盖的条目不全：账本只有连续的 %(entries)s 条，末尾或中间的条目被删除。")
                % {"size": head.tree_size, "entries": entries},
                tree_size=head.tree_size, tree_head_id=head.pk,
            )
    state_size = LedgerState.objects.filter(pk=1).values_list("tree_size", flat=True).first() or 0
    if state_size != report.entries_checked:
        report.add(
            "entry_count_mismatch",
            _("账本记录应有 %(expected)s 条，实际存有 %(actual)s 条。") % {"expected": state_size, "actual": report.entries_checked},
            expected=state_size, actual=report.entries_checked,
        )
    high_water = LedgerState.objects.filter(pk=1).values_list("audit_high_water", flat=True).first() or 0
    logged = LedgerEntry.objects.filter(kind="audit").count()
    existing = AuditEvent.objects.filter(id__lte=high_water).count()
    if existing > logged:
        report.add(
            "audit_events_not_logged",
            _("有 %(count)s 条审计记录（ID ≤ %(mark)s）未记入账本。") % {"count": existing - logged, "mark": high_water},
            count=existing - logged,
        )
    return report


def _report_mismatches(report: Report, mismatched: dict[int, tuple[Any, ...]]) -> None:
    candidates = sorted(mismatched)[:MAX_MOVE_CANDIDATES]
    for index in sorted(mismatched):
        _i, kind, reference, payload, leaf_hash, created_at, _salt = mismatched[index]
        origin = None
        if index in candidates:
            for other in candidates:
                if other != index and merkle.leaf_hash(
                    leaf_data(index=other, kind=kind, reference=reference, created_at=created_at, payload=payload)
                ) == bytes(leaf_hash):
                    origin = other
                    break
        if origin is not None:
            report.add(
                "entry_moved",
                _("条目 #%(index)s 处存放的是原第 #%(origin)s 条的内容：行的顺序被调换。") % {"index": index, "origin": origin},
                index=index, origin=origin, reference=reference,
            )
        else:
            report.add(
                "entry_changed",
                _("条目 #%(index)s（%(reference)s）的内容与其叶哈希不符：已被修改。") % {"index": index, "reference": reference},
                index=index, reference=reference,
            )
