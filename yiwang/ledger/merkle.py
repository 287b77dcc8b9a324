"""The Merkle tree of RFC 6962 / RFC 9162 §2.1 with SM3, independent of storage.

``leaf_hash = SM3(0x00 || leaf)``, ``node_hash = SM3(0x01 || left || right)``, the empty tree's
root is ``SM3("")``. A *perfect node* ``(level, index)`` is the root of the complete subtree over
leaves ``[index * 2**level, (index + 1) * 2**level)``; level 0 is a leaf hash. Every hash in a proof
or a root is a perfect node or a fold of perfect nodes, so a store of perfect nodes (``NodeSource``)
answers any proof with O(log n) lookups. Proof generation records which nodes it needs first, so a
database-backed source can fetch them all in one query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from yiwang.crypto.primitives import sm3

HASH_SIZE = 32
_PLACEHOLDER = b"\x00" * HASH_SIZE

EMPTY_ROOT = sm3(b"")

# The tree hashes tens of millions of short inputs, where per-call overhead dominates. hashlib's SM3
# (the system OpenSSL) with the domain byte pre-absorbed and copied is about twice as fast per call
# as a new cryptography Hash object; both are SM3 and the tests check them against each other.
try:
    _LEAF = hashlib.new("sm3", b"\x00")
    _NODE = hashlib.new("sm3", b"\x01")
except ValueError:  # an OpenSSL without SM3 in hashlib: the slower, always-present path
    _LEAF = _NODE = None  # type: ignore[assignment]  # None marks hashlib without SM3: the pure-Python path is used then


def leaf_hash(leaf: bytes) -> bytes:
    if _LEAF is None:
        return sm3(b"\x00" + leaf)
    digest = _LEAF.copy()
    digest.update(leaf)
    return digest.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    if _NODE is None:
        return sm3(b"\x01" + left + right)
    digest = _NODE.copy()
    digest.update(left)
    digest.update(right)
    return digest.digest()


def largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162: the largest power of two smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


class NodeSource(Protocol):
    def get(self, level: int, index: int) -> bytes: ...


class DictSource:
    """Perfect nodes from a dict ``{(level, index): hash}``."""

    def __init__(self, nodes: dict[tuple[int, int], bytes]) -> None:
        self.nodes = nodes

    def get(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]


class _Recorder:
    def __init__(self) -> None:
        self.keys: set[tuple[int, int]] = set()

    def get(self, level: int, index: int) -> bytes:
        self.keys.add((level, index))
        return _PLACEHOLDER


def subtree_hash(source: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) where ``start`` is a multiple of the largest power of two ≤ ``end - start``."""
    n = end - start
    if n == 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        return source.get(level, start >> level)
    k = largest_power_of_two_below(n)
    return node_hash(subtree_hash(source, start, start + k), subtree_hash(source, start + k, end))


def _path(source: NodeSource, m: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return _path(source, m, start, start + k) + [subtree_hash(source, start + k, end)]
    return _path(source, m - k, start + k, end) + [subtree_hash(source, start, start + k)]


def _subproof(source: NodeSource, m: int, start: int, end: int, complete: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [subtree_hash(source, start, end)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return _subproof(source, m, start, start + k, complete) + [subtree_hash(source, start + k, end)]
    return _subproof(source, m - k, start + k, end, False) + [subtree_hash(source, start, start + k)]


def root(source: NodeSource, size: int) -> bytes:
    return subtree_hash(source, 0, size)


def inclusion_path(source: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError("index must be within the tree")
    return _path(source, index, 0, size)


def consistency_path(source: NodeSource, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1 (empty when either size is 0 or they are equal)."""
    if not 0 <= old_size <= new_size:
        raise ValueError("sizes must satisfy 0 <= old <= new")
    if old_size == 0 or old_size == new_size:
        return []
    return _subproof(source, old_size, 0, new_size, True)


def nodes_needed(compute: Callable[..., object], *args: int) -> set[tuple[int, int]]:
    """The perfect nodes that ``compute(source, *args)`` reads (its control flow never depends on hashes)."""
    recorder = _Recorder()
    compute(recorder, *args)
    return recorder.keys


def frontier_keys(size: int) -> list[tuple[int, int]]:
    """The perfect nodes whose fold is the root of a tree of ``size`` leaves, lowest level first."""
    return [(level, (size >> level) - 1) for level in range(size.bit_length()) if size >> level & 1]


def root_from_frontier(size: int, frontier: dict[tuple[int, int], bytes]) -> bytes:
    result: bytes | None = None
    for key in frontier_keys(size):
        result = frontier[key] if result is None else node_hash(frontier[key], result)
    return EMPTY_ROOT if result is None else result


def extend(start: int, leaf_hashes: Sequence[bytes], frontier: dict[tuple[int, int], bytes]) -> dict[tuple[int, int], bytes]:
    """Append leaves at ``start``: return every perfect node they complete, leaves (level 0) included.

    ``frontier`` holds the nodes ``frontier_keys(start)`` of the tree before the append; nothing
    else of the old tree is needed. The new tree's frontier is ``{k: (result | frontier)[k] for k in
    frontier_keys(start + len(leaf_hashes))}``.
    """
    end = start + len(leaf_hashes)
    out: dict[tuple[int, int], bytes] = {(0, start + i): h for i, h in enumerate(leaf_hashes)}
    current = {start + i: h for i, h in enumerate(leaf_hashes)}
    level = 0
    while True:
        if start >> level & 1:
            current[(start >> level) - 1] = frontier[(level, (start >> level) - 1)]
        lo, hi = start >> (level + 1), end >> (level + 1)
        if lo >= hi:
            return out
        parents = {j: node_hash(current[2 * j], current[2 * j + 1]) for j in range(lo, hi)}
        level += 1
        for j, h in parents.items():
            out[(level, j)] = h
        current = parents


def next_frontier(size: int, *sources: dict[tuple[int, int], bytes]) -> dict[tuple[int, int], bytes]:
    result = {}
    for key in frontier_keys(size):
        for source in sources:
            if key in source:
                result[key] = source[key]
                break
    return result


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) --------------------------------------------


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Iterable[bytes], expected_root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show the leaf hash ``leaf`` at ``index`` in the tree with ``expected_root``?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``new_size`` with ``new_root`` an append-only extension of the old one?"""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
