"""Reads of the ledger: tree heads, entries, roots and proofs (served from cached perfect nodes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext as _

from yiwang.core.errors import InvalidInput, NotFound
from yiwang.ledger import merkle
from yiwang.ledger.errors import LedgerErrorCode
from yiwang.ledger.models import LedgerEntry, LedgerNode, LedgerState, TreeHead, VerificationRun


def fetch_nodes(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Perfect nodes by ``(level, index)``: leaves from entries, the rest from the node cache (two queries)."""
    keys = set(keys)
    leaves = [index for level, index in keys if level == 0]
    inner = [LedgerNode.key_for(level, index) for level, index in keys if level > 0]
    found: dict[tuple[int, int], bytes] = {}
    if leaves:
        for index, leaf_hash in LedgerEntry.objects.filter(index__in=leaves).values_list("index", "leaf_hash"):
            found[(0, index)] = bytes(leaf_hash)
    if inner:
        for key, node in LedgerNode.objects.filter(key__in=inner).values_list("key", "hash"):
            found[LedgerNode.split_key(key)] = bytes(node)
    missing = keys - found.keys()
    if missing:
        raise LookupError(f"ledger nodes missing from storage: {sorted(missing)[:5]}")
    return found


T = TypeVar("T")


def _computed(compute: Callable[..., T], *args: int) -> T:
    nodes = fetch_nodes(merkle.nodes_needed(compute, *args))
    return compute(merkle.DictSource(nodes), *args)


def current_tree_size() -> int:
    state = LedgerState.objects.filter(pk=1).values_list("tree_size", flat=True).first()
    return int(state or 0)


def root_at(size: int) -> bytes:
    return _computed(merkle.root, size)


def latest_tree_head() -> TreeHead | None:
    return TreeHead.objects.order_by("-tree_size", "-id").first()


def require_latest_tree_head() -> TreeHead:
    head = latest_tree_head()
    if head is None:
        raise NotFound(LedgerErrorCode.NO_TREE_HEAD, _("账本尚未发布签名树头。"))
    return head


def entry_by_index(index: int) -> LedgerEntry:
    entry = LedgerEntry.objects.filter(index=index).first() if 0 <= index < 1 << 62 else None
    if entry is None:
        raise NotFound(LedgerErrorCode.ENTRY_NOT_FOUND, _("账本中没有序号为 %(index)s 的条目。") % {"index": index}, {"index": index})
    return entry


def entry_by_reference(reference: str) -> LedgerEntry:
    """The earliest entry with this reference (e.g. ``audit:123``)."""
    entry = LedgerEntry.objects.filter(reference=reference).order_by("index").first()
    if entry is None:
        raise NotFound(
            LedgerErrorCode.ENTRY_NOT_FOUND,
            _("账本中没有引用为 %(reference)s 的条目。") % {"reference": reference},
            {"reference": reference},
        )
    return entry


def _check_size(size: int, *, field: str) -> None:
    current = current_tree_size()
    if not 0 <= size <= current:
        raise InvalidInput(
            LedgerErrorCode.TREE_SIZE_INVALID,
            _("树大小 %(size)s 无效：应在 0 到 %(current)s 之间。") % {"size": size, "current": current},
            {"field": field, "size": size, "current": current},
        )


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]
    root_hash: bytes


def inclusion_proof(*, index: int, tree_size: int) -> InclusionProof:
    """The audit path of entry ``index`` in the tree of the first ``tree_size`` entries."""
    _check_size(tree_size, field="tree_size")
    if not 0 <= index < tree_size:
        raise InvalidInput(
            LedgerErrorCode.ENTRY_NOT_IN_TREE,
            _("条目 %(index)s 不在大小为 %(size)s 的树中（可能尚未发布包含它的签名树头）。") % {"index": index, "size": tree_size},
            {"index": index, "tree_size": tree_size},
        )
    keys = merkle.nodes_needed(merkle.inclusion_path, index, tree_size) | merkle.nodes_needed(merkle.root, tree_size)
    source = merkle.DictSource(fetch_nodes(keys | {(0, index)}))
    return InclusionProof(
        index=index,
        tree_size=tree_size,
        leaf_hash=source.get(0, index),
        path=merkle.inclusion_path(source, index, tree_size),
        root_hash=merkle.root(source, tree_size),
    )


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    """The proof that the tree of ``second`` entries extends the tree of ``first`` entries."""
    _check_size(second, field="second")
    if not 0 <= first <= second:
        raise InvalidInput(
            LedgerErrorCode.TREE_SIZE_INVALID,
            _("树大小无效：需要 0 ≤ first ≤ second。"),
            {"field": "first", "first": first, "second": second},
        )
    return _computed(merkle.consistency_path, first, second)


def latest_verification() -> VerificationRun | None:
    return VerificationRun.objects.order_by("-started_at", "-id").first()
