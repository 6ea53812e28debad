"""RFC 9162 Merkle Tree Hash, a streaming root builder and inclusion/consistency proofs.

Used for the blob digest (ETB-1 §5, leaves are chunk hashes) and for the transparency log
(§10, leaves are entry hashes). Proof generation takes the full list of leaf hashes; the
streaming builder keeps only O(log n) subtree hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from crypto.errors import InvalidInput, ProofInvalid

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class StreamingRoot:
    """Add leaf hashes one by one; `root()` is the RFC 9162 MTH of all added so far.

    The stack holds the roots of the perfect subtrees making up the tree (one per set bit of
    the count), so memory is O(log n).
    """

    __slots__ = ("_count", "_stack")

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (height, hash), heights strictly decreasing
        self._count = 0

    @property
    def count(self) -> int:
        return self._count

    def add_leaf_hash(self, leaf: bytes) -> None:
        height, node = 0, leaf
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            node = node_hash(left, node)
            height += 1
        self._stack.append((height, node))
        self._count += 1

    @classmethod
    def from_frontier(cls, count: int, frontier: Sequence[bytes]) -> StreamingRoot:
        """Resume from `frontier()` of a tree of `count` leaves (RFC 9162 compact range).

        The frontier is the roots of the perfect subtrees of the tree, left to right, one per
        set bit of `count`: all an append and the new root need, O(log n) hashes.
        """
        heights = [h for h in range(count.bit_length() - 1, -1, -1) if count >> h & 1]
        if count < 0 or len(frontier) != len(heights):
            raise InvalidInput("a frontier has one hash per set bit of the tree size")
        builder = cls()
        builder._stack = list(zip(heights, frontier, strict=True))
        builder._count = count
        return builder

    def frontier(self) -> list[bytes]:
        """The perfect subtrees' roots, left to right (largest first)."""
        return [node for _height, node in self._stack]

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        # RFC 9162 splits at the largest power of two below n, so the right-most (smallest)
        # subtrees are folded together first.
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1)."""
    builder = StreamingRoot()
    for leaf in leaves:
        builder.add_leaf_hash(leaf)
    return builder.root()


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < len(leaves):
        raise InvalidInput("leaf index out of range")
    return _path(index, list(leaves))


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _largest_power_of_two_below(n)
    if m < k:
        return [*_path(m, leaves[:k]), root_of(leaves[k:])]
    return [*_path(m - k, leaves[k:]), root_of(leaves[:k])]


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 for 0 < old_size <= n."""
    if not 0 < old_size <= len(leaves):
        raise InvalidInput("old tree size out of range")
    return _subproof(old_size, list(leaves), True)


def _subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root_of(leaves)]
    k = _largest_power_of_two_below(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root_of(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root_of(leaves[:k])]


def root_from_inclusion_proof(
    leaf: bytes, index: int, tree_size: int, path: Sequence[bytes]
) -> bytes:
    """RFC 9162 §2.1.3.2: the root implied by the proof, or ProofInvalid."""
    if not 0 <= index < tree_size:
        raise ProofInvalid("leaf index is outside the tree")
    fn, sn = index, tree_size - 1
    r = leaf
    for p in path:
        if sn == 0:
            raise ProofInvalid("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofInvalid("inclusion proof is too short")
    return r


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, path: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofInvalid unless `leaf` is at `index` in the tree of `tree_size` with `root`."""
    if root_from_inclusion_proof(leaf, index, tree_size, path) != root:
        raise ProofInvalid("inclusion proof does not lead to the expected root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2; raise ProofInvalid unless the old tree is a prefix of the new."""
    if not 0 < old_size <= new_size:
        raise ProofInvalid("tree sizes are not increasing")
    if old_size == new_size:
        if path or old_root != new_root:
            raise ProofInvalid("equal-size trees must have equal roots and an empty proof")
        return
    if not path:
        raise ProofInvalid("consistency proof is empty")
    proof = list(path)
    if old_size & (old_size - 1) == 0:  # exact power of two: old root is the first node
        proof.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise ProofInvalid("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofInvalid("consistency proof does not match the two roots")
