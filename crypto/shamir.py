"""Shamir secret sharing over GF(2^8) with the AES polynomial 0x11B (ETB-1 §6).

Share format: y (one byte per secret byte) || x (1 byte), as HashiCorp Vault and the npm
package `shamir-secret-sharing`. Table lookups are not constant time; the values involved are
only handled on the member's and the opening server's machines, never across a network timing
boundary.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Sequence

from crypto.errors import BadShare, InvalidInput, NotEnoughShares

_EXP = [0] * 510
_LOG = [0] * 256


def _init_tables() -> None:
    value = 1
    for power in range(255):
        _EXP[power] = value
        _LOG[value] = power
        # multiply by the generator 0x03 = x + 1, reducing by 0x11B
        doubled = value << 1
        if doubled & 0x100:
            doubled ^= 0x11B
        value = doubled ^ value
    for power in range(255, 510):
        _EXP[power] = _EXP[power - 255]


_init_tables()


def gf_mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def gf_div(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("division by zero in GF(2^8)")
    if a == 0:
        return 0
    return _EXP[_LOG[a] + 255 - _LOG[b]]


def _eval(coeffs: Sequence[int], x: int) -> int:
    """Horner's rule; coeffs[0] is the constant term."""
    acc = 0
    for c in reversed(coeffs):
        acc = gf_mul(acc, x) ^ c
    return acc


def split_with(
    secret: bytes, xs: Sequence[int], coefficients: Sequence[Sequence[int]]
) -> list[bytes]:
    """Deterministic split for vectors/tests: coefficients[b] = [a_1 .. a_{k-1}] for byte b.

    Production code calls `split`, which draws xs and coefficients from `secrets`.
    """
    if len(coefficients) != len(secret):
        raise InvalidInput("need one coefficient row per secret byte")
    degree = len(coefficients[0]) if coefficients else 0
    if degree < 1:
        raise InvalidInput("threshold must be at least 2")
    if len(set(xs)) != len(xs) or not all(1 <= x <= 255 for x in xs):
        raise InvalidInput("x coordinates must be distinct integers in 1..255")
    if len(xs) < degree + 1:
        raise InvalidInput("need at least k shares")
    for row in coefficients:
        if len(row) != degree or not all(0 <= c <= 255 for c in row) or row[-1] == 0:
            raise InvalidInput("each coefficient row needs k-1 bytes with a non-zero top term")
    shares = []
    for x in xs:
        ys = bytes(_eval([s, *row], x) for s, row in zip(secret, coefficients, strict=True))
        shares.append(ys + bytes([x]))
    return shares


def draw_xs(n: int) -> list[int]:
    pool = list(range(1, 256))
    xs = []
    for _ in range(n):
        xs.append(pool.pop(secrets.randbelow(len(pool))))
    return xs


def draw_coefficients(length: int, k: int) -> list[list[int]]:
    rows = []
    for _ in range(length):
        row = list(secrets.token_bytes(k - 1))
        row[-1] = 1 + secrets.randbelow(255)  # top coefficient non-zero: degree exactly k-1
        rows.append(row)
    return rows


def split(secret: bytes, k: int, n: int) -> list[bytes]:
    if not 2 <= k <= n <= 255:
        raise InvalidInput("need 2 <= k <= n <= 255")
    if not secret:
        raise InvalidInput("secret must not be empty")
    return split_with(secret, draw_xs(n), draw_coefficients(len(secret), k))


def parse_shares(shares: Sequence[bytes], length: int | None = None) -> list[tuple[int, bytes]]:
    """Validate shares: equal length, x non-zero and distinct. Returns (x, y) pairs."""
    parsed: list[tuple[int, bytes]] = []
    seen: set[int] = set()
    for index, share in enumerate(shares):
        if not isinstance(share, bytes | bytearray) or len(share) < 2:
            raise BadShare(f"share #{index + 1} is malformed")
        if length is not None and len(share) != length:
            raise BadShare(f"share #{index + 1} has the wrong length")
        if parsed and len(share) != len(parsed[0][1]) + 1:
            raise BadShare(f"share #{index + 1} has a different length from the others")
        x = share[-1]
        if x == 0:
            raise BadShare(f"share #{index + 1} has x = 0")
        if x in seen:
            raise BadShare(f"share #{index + 1} repeats the x coordinate of another share")
        seen.add(x)
        parsed.append((x, bytes(share[:-1])))
    return parsed


def interpolate_at(points: Sequence[tuple[int, bytes]], at: int) -> bytes:
    """Lagrange interpolation of each byte polynomial at `at` (0 gives the secret)."""
    weights = []
    for i, (xi, _) in enumerate(points):
        w = 1
        for j, (xj, _) in enumerate(points):
            if i != j:
                # (at - xj) / (xi - xj); subtraction is XOR in GF(2^8)
                w = gf_mul(w, gf_div(at ^ xj, xi ^ xj))
        weights.append(w)
    length = len(points[0][1])
    out = bytearray(length)
    for w, (_, ys) in zip(weights, points, strict=True):
        if w == 0:
            continue
        log_w = _LOG[w]
        for b in range(length):
            y = ys[b]
            if y:
                out[b] ^= _EXP[log_w + _LOG[y]]
    return bytes(out)


def combine(shares: Sequence[bytes], k: int | None = None) -> bytes:
    """Reconstruct the secret from shares (uses all given, or the first k if k is given)."""
    if k is not None and len(shares) < k:
        raise NotEnoughShares(f"need {k} shares, got {len(shares)}")
    if len(shares) < 2:
        raise NotEnoughShares("need at least 2 shares")
    points = parse_shares(shares)
    if k is not None:
        points = points[:k]
    return interpolate_at(points, 0)


# Trying every k-subset is combinatorial; past this many we stop and ask for other shares.
MAX_SUBSET_TRIALS = 5000


def combine_checked(
    shares: Sequence[bytes], k: int, is_right: Callable[[bytes], bool]
) -> tuple[bytes, list[int]] | None:
    """Find a k-subset whose secret passes `is_right` (e.g. a key commitment check).

    Returns (secret, indices of shares inconsistent with it), or None if no subset passes
    (with exactly k shares a wrong share is detected but cannot be told apart).
    """
    if len(shares) < k:
        raise NotEnoughShares(f"{k} shares are needed, {len(shares)} given")
    points = parse_shares(shares)
    for trial, subset in enumerate(itertools.combinations(range(len(points)), k)):
        if trial >= MAX_SUBSET_TRIALS:
            break
        chosen = [points[i] for i in subset]
        secret = interpolate_at(chosen, 0)
        if is_right(secret):
            bad = [
                i
                for i, (x, y) in enumerate(points)
                if i not in subset and interpolate_at(chosen, x) != y
            ]
            return secret, bad
    return None
