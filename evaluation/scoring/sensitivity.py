"""Sensitivity of a ranking, shown to the committee before any award.

1. Price threshold: the price at which the second-ranked offer would rank first, all its other
   values equal. Relative formulas are evaluated in full: when that offer's price becomes the
   new lowest (or stops being the highest), every other offer's price score moves with it. A
   lower own price never hurts an offer under any method (its own score does not fall, and the
   others' scores do not rise), so "ranks first at price p" holds on an interval below some
   T. Bisection brackets T to within half an øre, and the result is the highest whole-øre
   price that wins: at the reported price the offer ranks first, one øre more and it does not
   (well within the 1 NOK asked for).
2. Weight moves: for every criterion, the ranking when its weight moves by +10 and -10 points
   and the other weights are rescaled in proportion so that they still sum to 100
   (``w_k' = w_k * (100 - w_c') / (100 - w_c)``). Moves that would take the weight below 0 or
   above 100, or leave no other weight to rescale, are skipped. Where the criteria are ranked by
   priority instead, each criterion moves one place up and one place down (swapping with its
   neighbour). Priced quality and lowest price or cost have no weights to move.
3. Rank reversal: for every losing offer, whether removing it changes the winner. Only an offer
   that alone holds the lowest (or, for `price_minmax`, the highest) amount of a relative price
   criterion can change anyone's score by leaving; removing any other loser leaves every score
   as it was (and the winner with them). For those few offers only the criteria concerned are
   scored again, and the totals adjusted by the difference. The tests check this against
   scoring every reduced set of offers from scratch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .methods import price_score
from .model import (
    AMOUNT_KINDS,
    PRICE_METHODS,
    Model,
    Offer,
    ScoringError,
    check_model,
    validate_offers,
)
from .ranking import Result, SortKey, _r6, _r9, _Table

ThresholdReason = Literal["", "single_offer", "no_price_criterion", "cannot_win"]

THRESHOLD_REASONS: Mapping[str, str] = {
    "": "",
    "single_offer": "There is only one offer.",
    "no_price_criterion": "The model has no price or cost criterion.",
    "cannot_win": "The second-ranked offer would not rank first at any price above NOK 0.",
}

#: Bisection stops when the bracket is this narrow (NOK).
THRESHOLD_TOLERANCE = 0.005


@dataclass(frozen=True)
class PriceThreshold:
    """The price at which the second-ranked offer would win (None with a reason when none).

    `threshold_price` is the highest whole-øre price at which the offer ranks first (one øre
    more and it does not), or the bracket's lower end for amounts below one øre. `reduction_pct` is
    ``100 * (current_price - threshold_price) / current_price``.
    """

    offer_key: str | None
    criterion_key: str | None
    current_price: float | None
    threshold_price: float | None
    reduction_pct: float | None
    reason_code: ThresholdReason = ""
    reason: str = ""


@dataclass(frozen=True)
class WeightMove:
    """The ranking after one move of one criterion's weight (or priority).

    `delta`: +10 / -10 weight points, or -1 (one place up, more important) / +1 (one place
    down) for priorities. `weights` or `priorities`: the whole model after the move.
    """

    criterion_key: str
    delta: float
    ranking: tuple[str, ...]
    winner: str
    changes_winner: bool
    changes_ranking: bool
    weights: Mapping[str, float] = field(default_factory=dict)
    priorities: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RankReversal:
    """What happens to the winner when the losing offer `offer_key` is removed.

    `lowest_on` / `highest_on`: the relative price criteria on which this offer alone holds the
    lowest / highest amount (the only way its removal can change other offers' scores).
    """

    offer_key: str
    winner_without: str
    changes_winner: bool
    lowest_on: tuple[str, ...] = ()
    highest_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sensitivity:
    result: Result
    price_threshold: PriceThreshold
    weight_moves: tuple[WeightMove, ...]
    weight_moves_note: str
    rank_reversals: tuple[RankReversal, ...]

    @property
    def winner_changing_moves(self) -> tuple[WeightMove, ...]:
        return tuple(m for m in self.weight_moves if m.changes_winner)

    @property
    def reversing_offers(self) -> tuple[str, ...]:
        return tuple(r.offer_key for r in self.rank_reversals if r.changes_winner)


def sensitivity(
    model: Model,
    offers: Sequence[Offer],
    *,
    seed: str = "",
    price_key: str | None = None,
    weight_step: float = 10.0,
) -> Sensitivity:
    """The three sensitivity checks of the module docstring for `offers` under `model`.

    `price_key` names the price or cost criterion of the threshold (default: the first one in
    the model). Raises `ScoringError` like `score`.
    """
    check_model(model)
    validate_offers(model, offers)
    if price_key is not None:
        try:
            if model.criterion(price_key).kind not in AMOUNT_KINDS:
                raise KeyError(price_key)
        except KeyError:
            raise ScoringError(
                f"Criterion {price_key}: not a price or cost criterion of the model.",
                criterion_key=price_key,
            ) from None
    table = _Table(model, offers, seed)
    order = table.ordered()
    result = table.result(order)
    moves, note = _weight_moves(table, order, weight_step)
    return Sensitivity(
        result=result,
        price_threshold=_price_threshold(table, order, price_key),
        weight_moves=moves,
        weight_moves_note=note,
        rank_reversals=_reversals(table, order),
    )


# -- 1. price threshold --------------------------------------------------------------------


def _no_threshold(
    code: ThresholdReason, offer: str | None = None, crit: str | None = None,
    price: float | None = None,
) -> PriceThreshold:
    return PriceThreshold(offer, crit, price, None, None, code, THRESHOLD_REASONS[code])


def _price_threshold(table: _Table, order: list[int], price_key: str | None) -> PriceThreshold:
    if len(order) < 2:
        return _no_threshold("single_offer")
    if not table.amount_keys:
        return _no_threshold("no_price_criterion", table.keys[order[1]])
    c = price_key or table.amount_keys[0]
    x = order[1]
    p0 = table.values[c][x]
    wins = _wins_at(table, x, c)
    probe = p0 * 1e-9
    if not wins(probe):
        return _no_threshold("cannot_win", table.keys[x], c, p0)
    lo, hi = probe, p0
    for _ in range(200):
        if hi - lo <= THRESHOLD_TOLERANCE:
            break
        mid = (lo + hi) / 2
        if not lo < mid < hi:
            break
        if wins(mid):
            lo = mid
        else:
            hi = mid
    # The highest whole-øre price that wins: at most one øre lies inside (lo, hi).
    threshold = lo
    top = math.floor(hi * 100)
    if top / 100 >= hi:
        top -= 1
    for cents in (top, math.floor(lo * 100)):
        if cents > 0 and wins(cents / 100):
            threshold = cents / 100
            break
    return PriceThreshold(
        offer_key=table.keys[x],
        criterion_key=c,
        current_price=p0,
        threshold_price=threshold,
        reduction_pct=100 * (p0 - threshold) / p0,
    )


def _wins_at(table: _Table, x: int, c: str) -> Callable[[float], bool]:
    """A predicate: does offer `x` rank first when its amount on criterion `c` is p?"""
    n = len(table.keys)
    others = [j for j in range(n) if j != x]
    col = table.values[c]
    crit = table.model.criterion(c)
    p0 = col[x]
    assert table.price is not None
    base_price_x = table.price[x]
    tail_x = table.tails[x]

    def x_tail(p: float) -> SortKey:
        return (_r6(base_price_x - p0 + p), *tail_x[1:])

    if table.mode in ("priced_quality", "lowest_amount"):
        best = min(table.sort_key(j) for j in others)
        if table.mode == "priced_quality":
            assert table.evaluated is not None
            deduction = p0 - table.evaluated[x]

            def wins_absolute(p: float) -> bool:
                return (_r6(p - deduction), *x_tail(p)) < best
        else:

            def wins_absolute(p: float) -> bool:
                return (_r6(p), *x_tail(p)) < best

        return wins_absolute

    method = crit.method
    omin = min(col[j] for j in others)
    omax = max(col[j] for j in others)

    primary: Callable[[int, float], tuple[float, ...]]
    if table.mode == "weighted":
        assert table.totals is not None
        fc = float(crit.weight or 0) / 100
        scores_c = table.scores[c]
        assert scores_c is not None
        rest = [table.totals[j] - fc * scores_c[j] for j in range(n)]

        def primary(j: int, s: float) -> tuple[float, ...]:
            return (-_r9(rest[j] + fc * s),)
    else:
        pos = table.order.index(c)

        def primary(j: int, s: float) -> tuple[float, ...]:
            base = table.primary[j]
            return (*base[:pos], -_r9(s), *base[pos + 1 :])

    memo: dict[tuple[float, float], SortKey] = {}

    def best_other(pmin: float, pmax: float) -> SortKey:
        key = (pmin, pmax)
        if key not in memo:
            memo[key] = min(
                primary(j, price_score(method, col[j], pmin, pmax)) + table.tails[j]
                for j in others
            )
        return memo[key]

    def wins_relative(p: float) -> bool:
        pmin = p if p < omin else omin
        pmax = p if p > omax else omax
        own = primary(x, price_score(method, p, pmin, pmax)) + x_tail(p)
        return own < best_other(pmin, pmax)

    return wins_relative


# -- 2. weight moves -----------------------------------------------------------------------


def _weight_moves(
    table: _Table, order: list[int], step: float
) -> tuple[tuple[WeightMove, ...], str]:
    if len(order) == 0:
        return (), "There are no offers."
    if table.mode == "priced_quality":
        return (), "Priced quality has no weights: each point has a NOK value instead."
    if table.mode == "lowest_amount":
        return (), "Award on the lowest price or cost has no weights."
    if table.mode == "priority":
        return _priority_moves(table, order), ""
    base_ranking = tuple(table.keys[i] for i in order)
    winner = base_ranking[0]
    criteria = table.model.criteria
    weights = {c.key: float(c.weight or 0) for c in criteria}
    totals = table.totals
    assert totals is not None
    n = len(order)
    moves: list[WeightMove] = []
    for c in criteria:
        w = weights[c.key]
        scores_c = table.scores[c.key]
        assert scores_c is not None
        for delta in (step, -step):
            new = w + delta
            if new < 0 or new > 100 or w >= 100:
                continue
            factor = (100 - new) / (100 - w)
            fc = w / 100
            primary = [
                (-_r9(new / 100 * scores_c[i] + factor * (totals[i] - fc * scores_c[i])),)
                for i in range(n)
            ]
            ranked = sorted(range(n), key=lambda i: primary[i] + table.tails[i])
            ranking = tuple(table.keys[i] for i in ranked)
            moved = {k: (new if k == c.key else v * factor) for k, v in weights.items()}
            moves.append(
                WeightMove(
                    criterion_key=c.key,
                    delta=delta,
                    ranking=ranking,
                    winner=ranking[0],
                    changes_winner=ranking[0] != winner,
                    changes_ranking=ranking != base_ranking,
                    weights=moved,
                )
            )
    return tuple(moves), ""


def _priority_moves(table: _Table, order: list[int]) -> tuple[WeightMove, ...]:
    base_ranking = tuple(table.keys[i] for i in order)
    winner = base_ranking[0]
    keys = table.order
    n = len(order)
    moves: list[WeightMove] = []
    for pos, c in enumerate(keys):
        for delta in (-1, 1):
            other = pos + delta
            if not 0 <= other < len(keys):
                continue
            perm = list(range(len(keys)))
            perm[pos], perm[other] = perm[other], perm[pos]
            primary = [tuple(table.primary[i][p] for p in perm) for i in range(n)]
            ranked = sorted(range(n), key=lambda i: primary[i] + table.tails[i])
            ranking = tuple(table.keys[i] for i in ranked)
            new_order = [keys[p] for p in perm]
            moves.append(
                WeightMove(
                    criterion_key=c,
                    delta=delta,
                    ranking=ranking,
                    winner=ranking[0],
                    changes_winner=ranking[0] != winner,
                    changes_ranking=ranking != base_ranking,
                    priorities={k: i + 1 for i, k in enumerate(new_order)},
                )
            )
    return tuple(moves)


# -- 3. rank reversal ----------------------------------------------------------------------


def _reversals(table: _Table, order: list[int]) -> tuple[RankReversal, ...]:
    if not order:
        return ()
    winner = order[0]
    winner_key = table.keys[winner]
    lowest_on: dict[int, list[str]] = {}
    highest_on: dict[int, list[str]] = {}
    if table.mode in ("weighted", "priority"):
        for c in table.model.criteria:
            if c.method not in PRICE_METHODS:
                continue
            col = table.values[c.key]
            extremes = [(min(col), lowest_on)]
            if c.method == "price_minmax":
                extremes.append((max(col), highest_on))
            for value, into in extremes:
                holders = [i for i, v in enumerate(col) if v == value]
                if len(holders) == 1:
                    into.setdefault(holders[0], []).append(c.key)
    out: list[RankReversal] = []
    for i in order[1:]:
        low = tuple(lowest_on.get(i, ()))
        high = tuple(highest_on.get(i, ()))
        winner_without = winner_key
        if low or high:
            winner_without = _winner_without(table, i, set(low) | set(high))
        out.append(
            RankReversal(
                offer_key=table.keys[i],
                winner_without=winner_without,
                changes_winner=winner_without != winner_key,
                lowest_on=low,
                highest_on=high,
            )
        )
    return tuple(out)


def _winner_without(table: _Table, removed: int, changed: set[str]) -> str:
    """The winner once offer `removed` is gone; only the criteria in `changed` (where it held
    the lowest or highest amount) score differently, every other score stays as it was."""
    n = len(table.keys)
    keep = [j for j in range(n) if j != removed]
    new_scores: dict[str, list[float]] = {}
    old_scores: dict[str, list[float]] = {}
    for key in changed:
        col = table.values[key]
        rest = [col[j] for j in keep]
        pmin, pmax = min(rest), max(rest)
        method = table.model.criterion(key).method
        new_scores[key] = [price_score(method, v, pmin, pmax) for v in col]
        scores = table.scores[key]
        assert scores is not None
        old_scores[key] = scores
    if table.mode == "weighted":
        assert table.totals is not None
        totals = table.totals
        factors = {k: float(table.model.criterion(k).weight or 0) / 100 for k in changed}

        def primary(j: int) -> tuple[float, ...]:
            total = totals[j] + sum(
                factors[k] * (new_scores[k][j] - old_scores[k][j]) for k in changed
            )
            return (-_r9(total),)
    else:
        positions = {k: table.order.index(k) for k in changed}

        def primary(j: int) -> tuple[float, ...]:
            out = list(table.primary[j])
            for k, pos in positions.items():
                out[pos] = -_r9(new_scores[k][j])
            return tuple(out)

    best = min(keep, key=lambda j: primary(j) + table.tails[j])
    return table.keys[best]
