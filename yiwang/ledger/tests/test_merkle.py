from __future__ import annotations

import random

from yiwang.ledger import merkle
from yiwang.ledger.tests import reference

LEAVES = [f"leaf-{i}".encode() for i in range(64)]


def _tree(n: int) -> merkle.DictSource:
    nodes: dict[tuple[int, int], bytes] = {}
    frontier: dict[tuple[int, int], bytes] = {}
    size = 0
    # appended in uneven batches, as the ledger does
    rng = random.Random(n)
    while size < n:
        batch = [merkle.leaf_hash(x) for x in LEAVES[size : min(n, size + rng.randint(1, 9))]]
        new = merkle.extend(size, batch, frontier)
        nodes.update(new)
        size += len(batch)
        frontier = merkle.next_frontier(size, new, frontier)
        assert merkle.root_from_frontier(size, frontier) == reference.mth(LEAVES[:size])
    return merkle.DictSource(nodes)


def test_roots_and_inclusion_proofs_match_the_reference_for_every_size_up_to_64():
    for n in range(1, 65):
        source = _tree(n)
        expected_root = reference.mth(LEAVES[:n])
        assert merkle.root(source, n) == expected_root
        for i in range(n):
            proof = merkle.inclusion_path(source, i, n)
            assert proof == reference.path(i, LEAVES[:n])
            leaf = merkle.leaf_hash(LEAVES[i])
            assert merkle.verify_inclusion(i, n, leaf, proof, expected_root)
            assert not merkle.verify_inclusion(i, n, merkle.leaf_hash(b"other"), proof, expected_root)
            if n > 1:
                assert not merkle.verify_inclusion((i + 1) % n, n, leaf, proof, expected_root)
                assert not merkle.verify_inclusion(i, n, leaf, proof[:-1], expected_root)
                assert not merkle.verify_inclusion(i, n, leaf, proof + [expected_root], expected_root)


def test_consistency_proofs_match_the_reference_for_every_pair_up_to_64():
    source = _tree(64)
    for n in range(1, 65):
        new_root = reference.mth(LEAVES[:n])
        for m in range(1, n + 1):
            proof = merkle.consistency_path(source, m, n)
            assert proof == (reference.proof(m, LEAVES[:n]) if m < n else [])
            old_root = reference.mth(LEAVES[:m])
            assert merkle.verify_consistency(m, n, old_root, new_root, proof)
            if m < n:
                assert not merkle.verify_consistency(m, n, reference.mth(LEAVES[: m - 1]), new_root, proof)
                assert not merkle.verify_consistency(m, n, old_root, reference.mth(LEAVES[: n - 1]), proof)
                if proof:
                    assert not merkle.verify_consistency(m, n, old_root, new_root, proof[:-1])
                    assert not merkle.verify_consistency(m, n, old_root, new_root, [merkle.EMPTY_ROOT] + proof[1:])


def test_random_large_pairs():
    rng = random.Random(7)
    leaves = [f"x{i}".encode() for i in range(1000)]
    nodes = merkle.extend(0, [merkle.leaf_hash(x) for x in leaves], {})
    source = merkle.DictSource(nodes)
    for _ in range(50):
        n = rng.randint(2, 1000)
        m = rng.randint(1, n - 1)
        i = rng.randrange(n)
        root_n = merkle.root(source, n)
        assert root_n == reference.mth(leaves[:n])
        assert merkle.verify_inclusion(i, n, merkle.leaf_hash(leaves[i]), merkle.inclusion_path(source, i, n), root_n)
        assert merkle.verify_consistency(m, n, merkle.root(source, m), root_n, merkle.consistency_path(source, m, n))


def test_empty_tree_and_degenerate_proofs():
    assert merkle.root(merkle.DictSource({}), 0) == reference.sm3(b"")
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, b"x" * 32, [])
    assert not merkle.verify_inclusion(0, 0, b"x" * 32, [], merkle.EMPTY_ROOT)
    assert not merkle.verify_consistency(5, 3, b"", b"", [])


def test_nodes_needed_lists_exactly_the_perfect_nodes_a_proof_reads():
    keys = merkle.nodes_needed(merkle.inclusion_path, 5, 13)
    # leaf 4 (sibling), node [6,8), node [0,4), and [8,13) = [8,12) + leaf 12
    assert keys == {(0, 4), (1, 3), (2, 0), (2, 2), (0, 12)}


def test_fast_tree_hashes_agree_with_the_cryptography_sm3():
    from yiwang.crypto.primitives import sm3

    for data in [b"", b"abc", bytes(range(256)) * 3]:
        assert merkle.leaf_hash(data) == sm3(b"\x00" + data)
        assert merkle.node_hash(data[:32].ljust(32, b"\x00"), b"\x07" * 32) == sm3(b"\x01" + data[:32].ljust(32, b"\x00") + b"\x07" * 32)


def test_leaf_strings_are_spelled_as_canonical_json():
    import json

    from yiwang.ledger.models import _json_string

    for value in ["doc:1", "audit:123", 'a"b', "中文", "a\\b", "", "x y", "tab\there", "ß"]:
        assert _json_string(value) == json.dumps(value, ensure_ascii=False)
