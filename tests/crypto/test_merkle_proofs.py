"""RFC 9162 Merkle Tree Hash and inclusion / consistency proofs."""

from __future__ import annotations

import hashlib

import pytest

from crypto import merkle
from crypto.errors import ProofInvalid


def mth(leaves: list[bytes]) -> bytes:
    """The recursive definition of RFC 9162 §2.1.1, written independently of crypto.merkle."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


WRONG = hashlib.sha256(b"wrong").digest()
LEAVES = [merkle.leaf_hash(bytes([i]) * i) for i in range(33)]


def test_it_hashes_leaves_and_nodes_with_domain_separation() -> None:
    assert merkle.leaf_hash(b"a") == hashlib.sha256(b"\x00a").digest()
    assert merkle.node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


def test_it_matches_the_recursive_definition_for_every_size() -> None:
    for n in range(len(LEAVES) + 1):
        assert merkle.root_of(LEAVES[:n]) == mth(LEAVES[:n])


def test_it_proves_and_verifies_inclusion_of_every_leaf() -> None:
    for n in range(1, 20):
        root = merkle.root_of(LEAVES[:n])
        for index in range(n):
            path = merkle.inclusion_proof(LEAVES[:n], index)
            merkle.verify_inclusion(LEAVES[index], index, n, path, root)
            with pytest.raises(ProofInvalid):
                merkle.verify_inclusion(
                    LEAVES[index], (index + 1) % n if n > 1 else 1, n, path, root
                )
            with pytest.raises(ProofInvalid):
                merkle.verify_inclusion(LEAVES[(index + 1) % 33], index, n, path, root)
            if path:
                with pytest.raises(ProofInvalid):
                    merkle.verify_inclusion(LEAVES[index], index, n, path[:-1], root)
            with pytest.raises(ProofInvalid):
                merkle.verify_inclusion(LEAVES[index], index, n, [*path, root], root)


def test_it_proves_and_verifies_consistency_between_every_pair_of_sizes() -> None:
    for new in range(1, 20):
        new_root = merkle.root_of(LEAVES[:new])
        for old in range(1, new + 1):
            old_root = merkle.root_of(LEAVES[:old])
            path = merkle.consistency_proof(LEAVES[:new], old)
            merkle.verify_consistency(old, new, old_root, new_root, path)
            if old < new:
                with pytest.raises(ProofInvalid):
                    merkle.verify_consistency(old, new, WRONG, new_root, path)
                with pytest.raises(ProofInvalid):
                    merkle.verify_consistency(old, new, old_root, WRONG, path)
                with pytest.raises(ProofInvalid):
                    merkle.verify_consistency(old, new, old_root, new_root, path[1:])


def test_it_rejects_a_rewritten_history() -> None:
    history = LEAVES[:10]
    rewritten = [*LEAVES[:4], merkle.leaf_hash(b"late bid"), *LEAVES[5:12]]
    path = merkle.consistency_proof(rewritten, 10)
    with pytest.raises(ProofInvalid):
        merkle.verify_consistency(10, 12, merkle.root_of(history), merkle.root_of(rewritten), path)


def test_it_builds_the_root_in_logarithmic_state() -> None:
    builder = merkle.StreamingRoot()
    for i in range(1000):
        builder.add_leaf_hash(merkle.leaf_hash(i.to_bytes(4, "big")))
        assert len(builder._stack) == bin(i + 1).count("1")
    assert builder.root() == mth([merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(1000)])


def test_it_resumes_from_a_frontier_for_every_size_up_to_100() -> None:
    from crypto.merkle import StreamingRoot

    leaves = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(101)]
    builder = StreamingRoot()
    for n in range(0, 101):
        resumed = StreamingRoot.from_frontier(n, builder.frontier())
        assert resumed.root() == merkle.root_of(leaves[:n])
        assert len(builder.frontier()) == bin(n).count("1")
        resumed.add_leaf_hash(leaves[n])
        builder.add_leaf_hash(leaves[n])
        assert resumed.root() == builder.root() == merkle.root_of(leaves[:n + 1])
        assert resumed.frontier() == builder.frontier()


def test_it_refuses_a_frontier_of_the_wrong_length() -> None:
    from crypto.errors import InvalidInput
    from crypto.merkle import StreamingRoot

    with pytest.raises(InvalidInput):
        StreamingRoot.from_frontier(3, [merkle.leaf_hash(b"a")])
