"""Flags for the committee: diverging member scores and abnormally low offers.

Divergence: for each (offer, criterion) scored by the members, ``spread = max - min`` of the
members' scores; flagged when ``round(spread, 9) >= threshold`` (rounded so that, say, 7.3 - 4.3
counts as 3.0).

Abnormally low (FOA § 24-8: the committee must ask for an explanation before rejecting). For an
offer with price ``p`` among ``n >= 2`` offers:

- below the average: ``avg = (sum of the OTHER offers' prices) / (n - 1)`` and
  ``below_avg = (avg - p) / avg``; flagged when ``round(below_avg, 9) >= below_average``
  (default 0.40: at least 40 % below the average of the others);
- below the next: ``next = the lowest price among the other offers that is not below p`` (for
  the lowest offer, the second-lowest price; equal prices count, so tied offers are 0 % apart)
  and ``below_next = (next - p) / next``; flagged when ``round(below_next, 9) >= below_next``
  (default 0.30). The highest offer has no next and is checked against the average only.

Exactly 40 % below the average is flagged; 39.99 % is not.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Literal

from .model import ScoringError, is_finite_number

LowReason = Literal["below_average", "below_next"]


@dataclass(frozen=True)
class Divergence:
    """Members' scores on one criterion of one offer that differ by at least the threshold."""

    offer_key: str
    criterion_key: str
    minimum: float
    maximum: float
    spread: float
    scores: Mapping[Hashable, float]

    @property
    def low_members(self) -> tuple[Hashable, ...]:
        return tuple(m for m, s in self.scores.items() if s == self.minimum)

    @property
    def high_members(self) -> tuple[Hashable, ...]:
        return tuple(m for m, s in self.scores.items() if s == self.maximum)


def divergence(
    member_scores: Mapping[Hashable, Mapping[tuple[str, str], float]],
    *,
    threshold: float,
) -> list[Divergence]:
    """Where the members' scores of one offer on one criterion differ by `threshold` or more.

    `member_scores`: member -> {(offer key, criterion key): score}. A pair scored by only one
    member is never flagged (its spread is 0). The result is ordered by offer key, then
    criterion key.
    """
    if not is_finite_number(threshold) or threshold <= 0:
        raise ScoringError("The divergence threshold must be a number above 0.")
    by_pair: dict[tuple[str, str], dict[Hashable, float]] = {}
    for member, scores in member_scores.items():
        for pair, value in scores.items():
            by_pair.setdefault(pair, {})[member] = float(value)
    out: list[Divergence] = []
    for pair in sorted(by_pair):
        members = by_pair[pair]
        if len(members) < 2:
            continue
        low = min(members.values())
        high = max(members.values())
        if round(high - low, 9) >= threshold:
            out.append(Divergence(pair[0], pair[1], low, high, high - low, members))
    return out


@dataclass(frozen=True)
class LowFlag:
    """An offer that may be abnormally low, with the figures that flagged it.

    `below_average_fraction` and `below_next_fraction` are fractions (0.4 = 40 %);
    `next_price` and `below_next_fraction` are None for the highest offer.
    """

    offer_key: str
    price: float
    average_of_others: float
    below_average_fraction: float
    next_price: float | None
    below_next_fraction: float | None
    reasons: tuple[LowReason, ...]


def abnormally_low(
    prices: Mapping[str, float],
    *,
    below_average: float = 0.40,
    below_next: float = 0.30,
) -> list[LowFlag]:
    """Offers whose price is `below_average` or more under the average of the other offers, or
    `below_next` or more under the next-lowest offer (formulas in the module docstring).

    The result is ordered by price, lowest first. Fewer than two offers: nothing to compare.
    """
    for name, value in (("below_average", below_average), ("below_next", below_next)):
        if not is_finite_number(value) or not 0 < value < 1:
            raise ScoringError(f"The {name} threshold must be a fraction between 0 and 1.")
    for key, price in prices.items():
        if not is_finite_number(price) or price <= 0:
            raise ScoringError(
                f"Offer {key}: the price must be a number above NOK 0.", offer_key=key
            )
    n = len(prices)
    if n < 2:
        return []
    ordered = sorted(((k, float(p)) for k, p in prices.items()), key=lambda kv: (kv[1], kv[0]))
    total = math.fsum(p for _, p in ordered)
    out: list[LowFlag] = []
    for idx, (key, price) in enumerate(ordered):
        average = (total - price) / (n - 1)
        frac_avg = (average - price) / average
        # The lowest other price not below this one (an equal price included).
        next_price: float | None = None
        if idx > 0 and ordered[idx - 1][1] == price:
            next_price = price
        elif idx + 1 < n:
            next_price = ordered[idx + 1][1]
        frac_next = (next_price - price) / next_price if next_price is not None else None
        reasons: list[LowReason] = []
        if round(frac_avg, 9) >= below_average:
            reasons.append("below_average")
        if frac_next is not None and round(frac_next, 9) >= below_next:
            reasons.append("below_next")
        if reasons:
            out.append(
                LowFlag(key, price, average, frac_avg, next_price, frac_next, tuple(reasons))
            )
    return out
