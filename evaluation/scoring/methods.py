"""The scoring methods: an amount or a number of points to a score out of 10.

Price formulas (P = the offer's amount, Pmin / Pmax = the lowest / highest amount among the offers
being evaluated for that criterion):

- `price_linear`: ``10 - 10 * (P - Pmin) / Pmin``. Goes negative above 2 x Pmin and is not
  clamped (P = 2.5 x Pmin scores -5).
- `price_proportional`: ``10 * Pmin / P``.
- `price_minmax`: ``10 * (Pmax - P) / (Pmax - Pmin)``, linear from 10 at the lowest to 0 at the
  highest amount; 10 for every offer when all amounts are equal (or there is only one offer).
- `points`: the consensus points on the 0..max_points scale, as a score out of 10
  (``10 * points / max_points``; the points themselves with the default scale of 10).

All three price formulas give 10 to the lowest amount, so a single offer scores 10 by any method.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Method


def price_score(method: Method | str, price: float, pmin: float, pmax: float) -> float:
    """The score out of 10 of `price` when the lowest amount is `pmin` and the highest `pmax`."""
    if method == "price_linear":
        return 10 - 10 * (price - pmin) / pmin
    if method == "price_proportional":
        return 10 * pmin / price
    if method == "price_minmax":
        if pmax == pmin:
            return 10.0
        return 10 * (pmax - price) / (pmax - pmin)
    raise ValueError(f"{method!r} is not a price formula")


def price_scores(method: Method | str, prices: Sequence[float]) -> list[float]:
    """The score out of 10 of each amount in `prices`, relative to the others."""
    if not prices:
        return []
    pmin = min(prices)
    pmax = max(prices)
    return [price_score(method, p, pmin, pmax) for p in prices]


def points_score(points: float, max_points: float = 10.0) -> float:
    """Consensus points on a 0..max_points scale as a score out of 10."""
    if max_points == 10:
        return float(points)
    return 10 * points / max_points
