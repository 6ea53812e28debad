"""Sensitivity: price threshold, weight moves and rank reversal, by hand and against brute force."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.scoring import (
    Criterion,
    Model,
    Offer,
    ScoringError,
    score,
    sensitivity,
)
from evaluation.scoring.ranking import _Table


def _with(offers: list[Offer], key: str, criterion: str, value: float) -> list[Offer]:
    return [
        Offer(o.key, {**o.values, criterion: value}) if o.key == key else o for o in offers
    ]


def _winner(model: Model, offers: list[Offer], seed: str = "") -> str | None:
    return score(model, offers, seed=seed).winner


PQ_40_60 = Model(
    "best_ratio",
    (
        Criterion("p", "price", "price_linear", weight=40),
        Criterion("q", "quality", "points", weight=60),
    ),
)
OFFERS_40_60 = [
    Offer("A", {"p": 100, "q": 5}),
    Offer("B", {"p": 120, "q": 8}),
    Offer("C", {"p": 250, "q": 10}),
]


# -- 1. price threshold ----------------------------------------------------------------------


def test_it_finds_the_price_at_which_the_second_offer_wins_when_it_moves_pmin() -> None:
    # Totals: B 8.0 (first), A 7.0, C 4.0. A already has the lowest price (100), so below 100
    # it sets Pmin = p and B's linear price score becomes 10 - 10*(120 - p)/p = 20 - 1200/p.
    # A: 0.4*10 + 0.6*5 = 7.   B: 0.4*(20 - 1200/p) + 0.6*8 = 12.8 - 480/p.
    # A wins when 7 > 12.8 - 480/p  <=>  p < 480/5.8 = 82.7586...; highest whole øre: 82.75.
    found = sensitivity(PQ_40_60, OFFERS_40_60).price_threshold
    assert (found.offer_key, found.criterion_key) == ("A", "p")
    assert found.current_price == 100
    assert found.threshold_price == 82.75
    assert found.reduction_pct == pytest.approx(17.25)
    assert _winner(PQ_40_60, _with(OFFERS_40_60, "A", "p", 82.75)) == "A"
    assert _winner(PQ_40_60, _with(OFFERS_40_60, "A", "p", 82.76)) == "B"


def test_it_finds_the_threshold_in_priced_quality_including_the_tie_it_wins() -> None:
    # Evaluated: B 860,000 (first), C 880,000, A 890,000 (see test_scoring_methods).
    # C wins when P - 170,000 < 860,000, i.e. P < 1,030,000; at exactly 1,030,000 the evaluated
    # prices tie and C's lower offered price (1,030,000 < 1,100,000) wins step 2.
    # Reduction: 20,000 / 1,050,000 = 1.90476... %
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "priced_quality"),
            Criterion("q", "quality", "points", nok_per_point=20_000),
            Criterion("env", "climate", "points", nok_per_point=10_000),
        ),
    )
    offers = [
        Offer("A", {"p": 1_000_000, "q": 4, "env": 3}),
        Offer("B", {"p": 1_100_000, "q": 9, "env": 6}),
        Offer("C", {"p": 1_050_000, "q": 6, "env": 5}),
    ]
    found = sensitivity(model, offers).price_threshold
    assert found.offer_key == "C"
    assert found.threshold_price == 1_030_000
    assert found.reduction_pct == pytest.approx(100 * 20_000 / 1_050_000)


def test_it_says_when_the_second_offer_cannot_win_at_any_price() -> None:
    # Quality has priority 1: no price makes B (quality 6) beat A (quality 9).
    model = Model(
        "best_ratio",
        (
            Criterion("q", "quality", "points", priority=1),
            Criterion("p", "price", "price_proportional", priority=2),
        ),
    )
    offers = [Offer("A", {"p": 500, "q": 9}), Offer("B", {"p": 400, "q": 6})]
    found = sensitivity(model, offers).price_threshold
    assert found.offer_key == "B"
    assert found.threshold_price is None
    assert found.reason_code == "cannot_win"
    assert found.reason == "The second-ranked offer would not rank first at any price above NOK 0."


def test_it_says_when_there_is_no_price_criterion_or_a_single_offer() -> None:
    quality_only = Model("best_ratio", (Criterion("q", "quality", "points", weight=100),))
    offers = [Offer("A", {"q": 9}), Offer("B", {"q": 6})]
    assert sensitivity(quality_only, offers).price_threshold.reason_code == "no_price_criterion"
    single = sensitivity(PQ_40_60, OFFERS_40_60[:1]).price_threshold
    assert single.reason_code == "single_offer"
    assert single.threshold_price is None


def test_it_uses_the_named_price_criterion() -> None:
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_linear", weight=30),
            Criterion("c", "cost", "price_proportional", weight=30),
            Criterion("q", "quality", "points", weight=40),
        ),
    )
    offers = [Offer("A", {"p": 100, "c": 100, "q": 5}), Offer("B", {"p": 110, "c": 90, "q": 9})]
    found = sensitivity(model, offers, price_key="c").price_threshold
    assert found.criterion_key == "c"
    assert found.threshold_price is not None
    assert _winner(model, _with(offers, "A", "c", found.threshold_price)) == "A"
    with pytest.raises(ScoringError, match="Criterion q: not a price or cost criterion"):
        sensitivity(model, offers, price_key="q")


# -- 2. weight moves -------------------------------------------------------------------------


def test_it_reports_which_weight_moves_change_the_winner() -> None:
    # Price 50 (linear, Pmin = 100), quality 50.
    # A: 100 -> 10, q 5 -> 0.5*10 + 0.5*5 = 7.5
    # B: 130 -> 10 - 10*30/100 = 7, q 9 -> 0.5*7 + 0.5*9 = 8.0   (B wins)
    # Price +10 (60/40): A = 6 + 2 = 8.0; B = 4.2 + 3.6 = 7.8 -> A wins.
    # Price -10 (40/60): A = 4 + 3 = 7.0; B = 2.8 + 5.4 = 8.2 -> B.
    # Quality +10 is price -10 (B); quality -10 is price +10 (A).
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_linear", weight=50),
            Criterion("q", "quality", "points", weight=50),
        ),
    )
    offers = [Offer("A", {"p": 100, "q": 5}), Offer("B", {"p": 130, "q": 9})]
    found = sensitivity(model, offers)
    assert found.result.winner == "B"
    moves = {(m.criterion_key, m.delta): m for m in found.weight_moves}
    assert set(moves) == {("p", 10), ("p", -10), ("q", 10), ("q", -10)}
    assert moves[("p", 10)].weights == {"p": 60, "q": 40}
    assert moves[("p", 10)].winner == "A" and moves[("p", 10)].changes_winner
    assert moves[("p", -10)].ranking == ("B", "A") and not moves[("p", -10)].changes_winner
    assert moves[("q", -10)].changes_winner and not moves[("q", 10)].changes_winner
    assert {(m.criterion_key, m.delta) for m in found.winner_changing_moves} == {
        ("p", 10),
        ("q", -10),
    }


def test_it_rescales_the_other_weights_in_proportion_and_skips_impossible_moves() -> None:
    # Weights 5 / 25 / 70. p +10 -> 15; the others share 85 in the ratio 25:70 -> 22.37, 62.63.
    # p -10 would be -5: skipped. q +10 -> 35, others 65 in 5:70 -> 4.33, 60.67.
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_linear", weight=5),
            Criterion("q", "quality", "points", weight=25),
            Criterion("env", "climate", "points", weight=70),
        ),
    )
    offers = [Offer("A", {"p": 100, "q": 5, "env": 5}), Offer("B", {"p": 90, "q": 6, "env": 4})]
    moves = {(m.criterion_key, m.delta): m for m in sensitivity(model, offers).weight_moves}
    assert ("p", -10) not in moves
    expected = {"p": 15, "q": 25 * 85 / 95, "env": 70 * 85 / 95}
    assert moves[("p", 10)].weights == pytest.approx(expected)
    assert sum(moves[("q", 10)].weights.values()) == pytest.approx(100)


def test_it_moves_priorities_one_place_instead_of_weights() -> None:
    model = Model(
        "best_ratio",
        (
            Criterion("q", "quality", "points", priority=1),
            Criterion("p", "price", "price_proportional", priority=2),
        ),
    )
    offers = [Offer("A", {"p": 500, "q": 9}), Offer("B", {"p": 400, "q": 6})]
    found = sensitivity(model, offers)
    moves = {(m.criterion_key, m.delta): m for m in found.weight_moves}
    assert set(moves) == {("q", 1), ("p", -1)}
    assert moves[("p", -1)].priorities == {"p": 1, "q": 2}
    assert moves[("p", -1)].winner == "B" and moves[("p", -1)].changes_winner


def test_it_has_no_weight_moves_in_priced_quality_or_lowest_price() -> None:
    model = Model("lowest_price", (Criterion("p", "price", "price_linear"),))
    found = sensitivity(model, [Offer("A", {"p": 1}), Offer("B", {"p": 2})])
    assert found.weight_moves == ()
    assert found.weight_moves_note == "Award on the lowest price or cost has no weights."


# -- 3. rank reversal ------------------------------------------------------------------------


def test_it_finds_that_removing_a_loser_that_holds_pmax_reverses_the_winner() -> None:
    # Price 50 (min-max), quality 50. With C: Pmin 100, Pmax 200.
    # A: price 10,               q 4 -> 5 + 2   = 7.0
    # B: 10*(200-120)/100 = 8,   q 7 -> 4 + 3.5 = 7.5   (B wins)
    # C: 0,                      q 0 -> 0
    # Without C: Pmax 120, so B's price score is 0: A 7.0 against B 0 + 3.5 = 3.5 -> A wins.
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_minmax", weight=50),
            Criterion("q", "quality", "points", weight=50),
        ),
    )
    offers = [
        Offer("A", {"p": 100, "q": 4}),
        Offer("B", {"p": 120, "q": 7}),
        Offer("C", {"p": 200, "q": 0}),
    ]
    found = sensitivity(model, offers)
    assert found.result.winner == "B"
    reversals = {r.offer_key: r for r in found.rank_reversals}
    assert reversals["C"].changes_winner and reversals["C"].winner_without == "A"
    assert reversals["C"].highest_on == ("p",)
    assert not reversals["A"].changes_winner  # A holds Pmin, but without A, B still wins
    assert reversals["A"].lowest_on == ("p",)
    assert found.reversing_offers == ("C",)


def test_it_finds_that_removing_the_cheapest_loser_reverses_a_proportional_ranking() -> None:
    # Price 50 (proportional), quality 50. With C: Pmin 50.
    # A: 10*50/100 = 5,    q 6 -> 2.5   + 3 = 5.5
    # B: 10*50/150 = 3.33, q 8 -> 1.667 + 4 = 5.667  (B wins)
    # C: 10,               q 0 -> 5
    # Without C: Pmin 100: A 5 + 3 = 8.0, B 3.333 + 4 = 7.333 -> A wins.
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_proportional", weight=50),
            Criterion("q", "quality", "points", weight=50),
        ),
    )
    offers = [
        Offer("A", {"p": 100, "q": 6}),
        Offer("B", {"p": 150, "q": 8}),
        Offer("C", {"p": 50, "q": 0}),
    ]
    found = sensitivity(model, offers)
    assert found.result.winner == "B"
    assert found.reversing_offers == ("C",)


def test_it_never_reverses_under_absolute_methods() -> None:
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "priced_quality"),
            Criterion("q", "quality", "points", nok_per_point=1_000),
        ),
    )
    offers = [Offer(k, {"p": 10_000 + 1_000 * i, "q": i}) for i, k in enumerate("ABCD")]
    found = sensitivity(model, offers)
    assert len(found.rank_reversals) == 3
    assert found.reversing_offers == ()


# -- against brute force ---------------------------------------------------------------------

PRICE_METHODS = ["price_linear", "price_proportional", "price_minmax"]
AMOUNTS = st.one_of(
    st.sampled_from([50.0, 80.0, 100.0, 100.0, 120.0, 150.0, 200.0, 333.33, 1_000.0]),
    st.integers(min_value=1, max_value=2_000).map(float),
    st.floats(min_value=10, max_value=1e6, allow_nan=False, allow_infinity=False),
)
POINTS = st.one_of(st.integers(0, 10).map(float), st.sampled_from([0.5, 2.5, 7.5, 9.5]))


@st.composite
def models_and_offers(draw: st.DrawFn) -> tuple[Model, list[Offer], str]:
    n_price = draw(st.integers(1, 2))
    n_quality = draw(st.integers(0, 3))
    kinds = ["price", "cost"][:n_price] + [
        draw(st.sampled_from(["quality", "climate"])) for _ in range(n_quality)
    ]
    m = len(kinds)
    style = draw(st.sampled_from(["weights", "weights", "cents", "priorities"]))
    weights: list[float | None] = [None] * m
    priorities: list[int | None] = [None] * m
    if style == "priorities":
        priorities = list(draw(st.permutations(list(range(1, m + 1)))))
    else:
        top = 100 if style == "weights" else 10_000
        cuts = sorted(draw(st.sets(st.integers(1, top - 1), min_size=m - 1, max_size=m - 1)))
        bounds = [0, *cuts, top]
        weights = [(bounds[i + 1] - bounds[i]) * 100 / top for i in range(m)]
    criteria = tuple(
        Criterion(
            f"c{i}",
            kind,  # type: ignore[arg-type]
            draw(st.sampled_from(PRICE_METHODS)) if kind in ("price", "cost") else "points",  # type: ignore[arg-type]
            weight=weights[i],
            priority=priorities[i],
        )
        for i, kind in enumerate(kinds)
    )
    n = draw(st.integers(1, 7))
    offers = [
        Offer(
            f"o{j}",
            {
                c.key: draw(AMOUNTS) if c.kind in ("price", "cost") else draw(POINTS)
                for c in criteria
            },
        )
        for j in range(n)
    ]
    seed = draw(st.sampled_from(["", "root-1", "deadline"]))
    return Model("best_ratio", criteria), offers, seed


@st.composite
def priced_quality_models(draw: st.DrawFn) -> tuple[Model, list[Offer], str]:
    n_quality = draw(st.integers(1, 3))
    criteria = (
        Criterion("p", "price", "priced_quality"),
        *(
            Criterion(
                f"q{i}",
                "quality",
                "points",
                nok_per_point=draw(st.sampled_from([1.0, 500.0, 2_500.0, 10_000.0])),
            )
            for i in range(n_quality)
        ),
    )
    n = draw(st.integers(1, 6))
    offers = [
        Offer(
            f"o{j}",
            {c.key: draw(AMOUNTS) if c.key == "p" else draw(POINTS) for c in criteria},
        )
        for j in range(n)
    ]
    return Model("best_ratio", criteria), offers, draw(st.sampled_from(["", "s"]))


def _check_threshold(model: Model, offers: list[Offer], seed: str) -> None:
    found = sensitivity(model, offers, seed=seed)
    t = found.price_threshold
    if len(offers) < 2:
        assert t.reason_code == "single_offer"
        return
    second = found.result.rows[1].offer_key
    assert t.offer_key == second
    c = t.criterion_key
    assert c is not None
    p0 = next(o for o in offers if o.key == second).values[c]
    if t.threshold_price is None:
        assert t.reason_code == "cannot_win"
        for factor in (1e-9, 1e-6, 1e-3, 0.1, 0.5, 0.9):
            assert _winner(model, _with(offers, second, c, p0 * factor), seed) != second
        return
    assert 0 < t.threshold_price < p0
    assert _winner(model, _with(offers, second, c, t.threshold_price), seed) == second
    if t.threshold_price >= 0.01:
        # The highest whole øre that wins: one øre more does not (and so not 1 NOK more).
        above = round(t.threshold_price + 0.01, 2)
        assert _winner(model, _with(offers, second, c, above), seed) != second
        assert _winner(model, _with(offers, second, c, t.threshold_price + 1), seed) != second


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models_and_offers())
def test_it_finds_the_price_threshold_of_brute_force(case: tuple[Model, list[Offer], str]) -> None:
    _check_threshold(*case)


@settings(max_examples=150, deadline=None)
@given(priced_quality_models())
def test_it_finds_the_priced_quality_threshold_of_brute_force(
    case: tuple[Model, list[Offer], str],
) -> None:
    _check_threshold(*case)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models_and_offers())
def test_it_ranks_weight_moves_like_brute_force(case: tuple[Model, list[Offer], str]) -> None:
    model, offers, seed = case
    found = sensitivity(model, offers, seed=seed)
    winner = found.result.winner
    for move in found.weight_moves:
        criteria = tuple(
            replace(c, weight=move.weights[c.key]) if move.weights
            else replace(c, priority=move.priorities[c.key])
            for c in model.criteria
        )
        # From scratch; the scorer without the model check, which refuses a weight of 0.
        table = _Table(Model(model.basis, criteria), offers, seed)
        expected = tuple(table.keys[i] for i in table.ordered())
        assert move.ranking == expected
        assert move.changes_winner == (expected[0] != winner)
    if model.uses_priorities:
        assert len(found.weight_moves) == 2 * (len(model.criteria) - 1)
    else:
        possible = sum(
            (0 <= (c.weight or 0) + d <= 100) for c in model.criteria for d in (10, -10)
        ) if len(model.criteria) > 1 else 0
        assert len(found.weight_moves) == possible


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models_and_offers())
def test_it_finds_rank_reversals_like_brute_force(case: tuple[Model, list[Offer], str]) -> None:
    model, offers, seed = case
    found = sensitivity(model, offers, seed=seed)
    winner = found.result.winner
    losers = [r.offer_key for r in found.result.rows[1:]]
    assert [r.offer_key for r in found.rank_reversals] == losers
    for reversal in found.rank_reversals:
        rest = [o for o in offers if o.key != reversal.offer_key]
        expected = _winner(model, rest, seed)
        assert reversal.winner_without == expected
        assert reversal.changes_winner == (expected != winner)
