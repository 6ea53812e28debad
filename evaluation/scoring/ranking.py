"""Scores and ranking of the offers under an evaluation model, with a documented tie-break.

How offers are ranked (the primary figure depends on the model):

- best price-quality ratio with weights: the highest weighted total,
  ``total = sum(weight / 100 * score)`` over the criteria, each score out of 10;
- best price-quality ratio with priorities: the scores compared one criterion at a time in order
  of priority (1 first); a lower-priority criterion counts only between offers whose scores on
  every higher-priority criterion are equal (lexicographic order);
- priced quality: the lowest evaluated price,
  ``evaluated = P - sum(points_c * nok_per_point_c)`` over the quality and climate criteria
  (the consensus points as given, on their own scale);
- lowest price / lowest cost: the lowest amount of the single price or cost criterion.

Ties are then broken as `TIE_BREAK_RULE` says (the same text is shown in the UI): (1) the primary
figure above, (2) the lower price, (3) the higher sum of quality points, (4) a draw by SHA-256.
Each tie that a later step resolves is explained in `Result.tie_break_notes`.

Rounding. Every number in a result is an unrounded float. For comparison only, scores and
totals are rounded to 9 decimals and NOK amounts to 6 decimals (a millionth of a krone), so that
floating-point noise never decides a rank. For display, round points and totals to
`DISPLAY_DECIMALS_POINTS` (2) decimals and NOK amounts to `DISPLAY_DECIMALS_NOK` (2, whole øre);
the tie-break notes also explain offers that look equal at 2 decimals but are not.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .methods import points_score, price_scores
from .model import (
    AMOUNT_KINDS,
    POINTS_KINDS,
    Basis,
    Model,
    Offer,
    check_model,
    validate_offers,
)

RankingMode = Literal["weighted", "priority", "priced_quality", "lowest_amount"]

SCORE_DECIMALS = 9
NOK_DECIMALS = 6
DISPLAY_DECIMALS_POINTS = 2
DISPLAY_DECIMALS_NOK = 2

TIE_BREAK_RULE = (
    "Offers are ranked by the award basis: the highest weighted total (best price-quality ratio "
    "with weights), the scores compared criterion by criterion in order of priority (criteria "
    "ranked by priority), the lowest evaluated price (priced quality), or the lowest price or "
    "cost. Scores and totals are compared rounded to 9 decimals and NOK amounts rounded to 6 "
    "decimals, so rounding noise in the arithmetic never decides. Offers still equal are "
    "ordered by: (1) the higher total (or the better figure of the award basis, as above); "
    "(2) the lower price, that is the sum of the offer's amounts on the price and cost "
    "criteria; (3) the higher sum of quality points, that is the scores out of 10 on the "
    "quality and climate criteria; (4) a draw: the offer whose SHA-256 hash of the seed "
    "followed by the offer key (UTF-8, hexadecimal) is lower comes first. The seed is fixed "
    "after the submission deadline and published with the result, so anyone can repeat the draw."
)

TieStep = Literal[1, 2, 3, 4]


def _r9(x: float) -> float:
    return round(x, SCORE_DECIMALS)


def _r6(x: float) -> float:
    return round(x, NOK_DECIMALS)


def draw_hash(seed: str, offer_key: str) -> str:
    """Tie-break step 4: hexadecimal SHA-256 of the seed followed by the offer key (UTF-8)."""
    return hashlib.sha256((seed + offer_key).encode()).hexdigest()


def ranking_mode(model: Model) -> RankingMode:
    """How `model` ranks offers (see the module docstring)."""
    if model.basis in ("lowest_price", "lowest_cost"):
        return "lowest_amount"
    if model.is_priced_quality:
        return "priced_quality"
    if model.uses_priorities:
        return "priority"
    return "weighted"


@dataclass(frozen=True)
class Row:
    """One offer in the result.

    `scores`: criterion key -> score out of 10 (None for the offered price of a priced-quality
    model, which is not scored but priced). `values`: the inputs (amounts in NOK, points).
    `total`: the weighted total (weights only). `evaluated_price` and `deductions` (criterion key
    -> NOK taken off for its points): priced quality only. `price`: the sum of the amounts on the
    price and cost criteria (tie-break step 2; None without such a criterion).
    `quality_points`: the sum of the scores on quality and climate criteria (step 3).
    `draw`: the hash of step 4.
    """

    offer_key: str
    rank: int
    scores: Mapping[str, float | None]
    values: Mapping[str, float]
    total: float | None
    evaluated_price: float | None
    price: float | None
    quality_points: float
    draw: str
    deductions: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TieNote:
    """Why `above` ranks just above `below` although they are equal (or look equal) on step 1."""

    above: str
    below: str
    step: TieStep
    text: str


@dataclass(frozen=True)
class Result:
    """The ranking: `rows` in rank order (rank 1 first, ranks unique and consecutive)."""

    basis: Basis
    mode: RankingMode
    rows: tuple[Row, ...]
    tie_break_notes: tuple[TieNote, ...]
    seed: str
    tie_break_rule: str = TIE_BREAK_RULE

    @property
    def winner(self) -> str | None:
        return self.rows[0].offer_key if self.rows else None

    @property
    def ranking(self) -> tuple[str, ...]:
        return tuple(row.offer_key for row in self.rows)

    def row(self, offer_key: str) -> Row:
        for row in self.rows:
            if row.offer_key == offer_key:
                return row
        raise KeyError(offer_key)


SortKey = tuple[object, ...]


class _Table:
    """Columns of one evaluation (no validation here: callers validate first)."""

    def __init__(self, model: Model, offers: Sequence[Offer], seed: str) -> None:
        self.model = model
        self.offers = list(offers)
        self.seed = seed
        self.mode: RankingMode = ranking_mode(model)
        self.keys = [o.key for o in self.offers]
        n = len(self.offers)
        criteria = model.criteria
        self.values: dict[str, list[float]] = {
            c.key: [float(o.values[c.key]) for o in self.offers] for c in criteria
        }
        self.scores: dict[str, list[float] | None] = {}
        for c in criteria:
            col = self.values[c.key]
            if c.method == "priced_quality":
                self.scores[c.key] = None
            elif c.method == "points":
                self.scores[c.key] = [points_score(v, float(c.max_points)) for v in col]
            else:
                self.scores[c.key] = price_scores(c.method, col)
        amount_keys = [c.key for c in criteria if c.kind in AMOUNT_KINDS]
        self.amount_keys = amount_keys
        self.price: list[float] | None = None
        if amount_keys:
            cols = [self.values[k] for k in amount_keys]
            self.price = cols[0][:] if len(cols) == 1 else [
                math.fsum(col[i] for col in cols) for i in range(n)
            ]
        quality_cols: list[list[float]] = []
        for c in criteria:
            if c.kind in POINTS_KINDS:
                col_scores = self.scores[c.key]
                assert col_scores is not None
                quality_cols.append(col_scores)
        self.quality = [math.fsum(col[i] for col in quality_cols) for i in range(n)]
        self.draw = [draw_hash(seed, k) for k in self.keys]
        self.tails: list[SortKey] = [
            (
                _r6(self.price[i]) if self.price is not None else 0.0,
                -_r9(self.quality[i]),
                self.draw[i],
                self.keys[i],
            )
            for i in range(n)
        ]

        # The primary figure, per mode.
        self.totals: list[float] | None = None
        self.evaluated: list[float] | None = None
        self.deductions: list[dict[str, float]] | None = None
        self.order: tuple[str, ...] = ()
        self.primary: list[tuple[float, ...]]
        if self.mode == "weighted":
            weighted = [
                (float(c.weight or 0) / 100, self.scores[c.key]) for c in criteria
            ]
            self.totals = [
                math.fsum(f * col[i] for f, col in weighted if col is not None)
                for i in range(n)
            ]
            self.primary = [(-_r9(t),) for t in self.totals]
        elif self.mode == "priority":
            self.order = tuple(c.key for c in sorted(criteria, key=lambda c: c.priority or 0))
            ordered = [self.scores[k] for k in self.order]
            self.primary = [
                tuple(-_r9(col[i]) for col in ordered if col is not None) for i in range(n)
            ]
        elif self.mode == "priced_quality":
            price_key = amount_keys[0]
            pq = [c for c in criteria if c.kind in POINTS_KINDS]
            self.deductions = [
                {c.key: self.values[c.key][i] * float(c.nok_per_point or 0) for c in pq}
                for i in range(n)
            ]
            self.evaluated = [
                self.values[price_key][i] - math.fsum(self.deductions[i].values())
                for i in range(n)
            ]
            self.primary = [(_r6(e),) for e in self.evaluated]
        else:
            col = self.values[amount_keys[0]]
            self.primary = [(_r6(v),) for v in col]

    def sort_key(self, i: int) -> SortKey:
        return self.primary[i] + self.tails[i]

    def ordered(self) -> list[int]:
        """Offer indexes in rank order."""
        return sorted(range(len(self.keys)), key=self.sort_key)

    def result(self, order: Sequence[int] | None = None) -> Result:
        if order is None:
            order = self.ordered()
        rows: list[Row] = []
        for rank, i in enumerate(order, start=1):
            rows.append(
                Row(
                    offer_key=self.keys[i],
                    rank=rank,
                    scores={k: (col[i] if col is not None else None)
                            for k, col in self.scores.items()},
                    values={k: col[i] for k, col in self.values.items()},
                    total=self.totals[i] if self.totals is not None else None,
                    evaluated_price=self.evaluated[i] if self.evaluated is not None else None,
                    price=self.price[i] if self.price is not None else None,
                    quality_points=self.quality[i],
                    draw=self.draw[i],
                    deductions=self.deductions[i] if self.deductions is not None else {},
                )
            )
        notes = tuple(
            note
            for a, b in itertools.pairwise(order)
            if (note := self._tie_note(a, b)) is not None
        )
        return Result(
            basis=self.model.basis,
            mode=self.mode,
            rows=tuple(rows),
            tie_break_notes=notes,
            seed=self.seed,
        )

    # -- explanations -----------------------------------------------------------------------

    def _primary_text(self, i: int) -> str:
        if self.totals is not None:
            return "the total score"
        if self.evaluated is not None:
            return "the evaluated price"
        if self.mode == "priority":
            return "every score in order of priority"
        return "the amount"

    def _displayed(self, i: int) -> tuple[str, ...]:
        if self.totals is not None:
            return (f"{self.totals[i]:.{DISPLAY_DECIMALS_POINTS}f}",)
        if self.evaluated is not None:
            return (f"{self.evaluated[i]:.{DISPLAY_DECIMALS_NOK}f}",)
        if self.mode == "priority":
            return tuple(
                f"{col[i]:.{DISPLAY_DECIMALS_POINTS}f}"
                for k in self.order
                if (col := self.scores[k]) is not None
            )
        return (f"{self.values[self.amount_keys[0]][i]:.{DISPLAY_DECIMALS_NOK}f}",)

    def _tie_note(self, a: int, b: int) -> TieNote | None:
        ka, kb = self.keys[a], self.keys[b]
        if self.primary[a] != self.primary[b]:
            if self._displayed(a) != self._displayed(b):
                return None
            if self.totals is not None:
                x, y = _pair(self.totals[a], self.totals[b], DISPLAY_DECIMALS_POINTS)
                why = f"its total is higher ({x} against {y})"
            elif self.evaluated is not None:
                x, y = _pair(self.evaluated[a], self.evaluated[b], DISPLAY_DECIMALS_NOK)
                why = f"its evaluated price is lower (NOK {x} against NOK {y})"
            elif self.mode == "priority":
                why = "its scores in order of priority are higher beyond the second decimal"
            else:
                amounts = self.values[self.amount_keys[0]]
                x, y = _pair(amounts[a], amounts[b], DISPLAY_DECIMALS_NOK)
                why = f"its amount is lower (NOK {x} against NOK {y})"
            return TieNote(
                ka, kb, 1,
                f"Offers {ka} and {kb} look equal on {self._primary_text(a)} when rounded; "
                f"{ka} ranks above {kb} because {why}.",
            )
        head = f"Offers {ka} and {kb} are equal on {self._primary_text(a)}"
        ta, tb = self.tails[a], self.tails[b]
        if ta[0] != tb[0] and self.price is not None:
            x, y = _pair(self.price[a], self.price[b], DISPLAY_DECIMALS_NOK)
            return TieNote(
                ka, kb, 2,
                f"{head}; {ka} ranks above {kb} because its price is lower "
                f"(NOK {x} against NOK {y}).",
            )
        if ta[1] != tb[1]:
            x, y = _pair(self.quality[a], self.quality[b], DISPLAY_DECIMALS_POINTS)
            return TieNote(
                ka, kb, 3,
                f"{head} and on price; {ka} ranks above {kb} because its sum of quality "
                f"points is higher ({x} against {y}).",
            )
        price_part = " and on price" if self.price is not None else ""
        return TieNote(
            ka, kb, 4,
            f"{head}{price_part} and on quality points; the draw (SHA-256 of the seed and the "
            f"offer key) puts {ka} first ({self.draw[a][:12]}… before {self.draw[b][:12]}…).",
        )


def _pair(a: float, b: float, decimals: int) -> tuple[str, str]:
    """Format a and b with as many decimals (from `decimals`, at most 9) as tell them apart."""
    for d in range(decimals, 10):
        x, y = f"{a:,.{d}f}", f"{b:,.{d}f}"
        if x != y:
            return x, y
    return f"{a:,.{decimals}f}", f"{b:,.{decimals}f}"


def score(model: Model, offers: Sequence[Offer], *, seed: str = "") -> Result:
    """Score and rank `offers` under `model`.

    Raises `ScoringError` when the model has problems (`validate_model`) or an offer cannot be
    scored (`validate_offers`). `seed` feeds the draw of tie-break step 4; pass something fixed
    after the submission deadline (for example the transparency log's root at the deadline).
    """
    check_model(model)
    validate_offers(model, offers)
    return _Table(model, offers, seed).result()


def rank(model: Model, offers: Sequence[Offer], *, seed: str = "") -> tuple[str, ...]:
    """The offer keys in rank order (best first), by the rule of `TIE_BREAK_RULE`."""
    check_model(model)
    validate_offers(model, offers)
    table = _Table(model, offers, seed)
    return tuple(table.keys[i] for i in table.ordered())
