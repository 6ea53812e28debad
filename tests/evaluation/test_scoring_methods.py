"""Each scoring method against hand-computed examples, and the checks on models and offers."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from evaluation.scoring import (
    Criterion,
    Model,
    Offer,
    ScoringError,
    price_scores,
    score,
    validate_model,
)


def _price_model(method: str, kind: str = "price") -> Model:
    return Model("best_ratio", (Criterion("p", kind, method, weight=100),))  # type: ignore[arg-type]


def _offers(prices: dict[str, float]) -> list[Offer]:
    return [Offer(key, {"p": price}) for key, price in prices.items()]


def _scores(result_rows: object, key: str = "p") -> dict[str, float | None]:
    return {row.offer_key: row.scores[key] for row in result_rows}  # type: ignore[attr-defined]


def test_it_scores_linear_price_and_goes_negative_without_clamping() -> None:
    # Pmin = 100.
    # A: 10 - 10*(100-100)/100 = 10
    # B: 10 - 10*(120-100)/100 = 10 - 2 = 8
    # C: 10 - 10*(250-100)/100 = 10 - 15 = -5   (P = 2.5 x Pmin)
    result = score(_price_model("price_linear"), _offers({"A": 100, "B": 120, "C": 250}))
    assert _scores(result.rows) == {"A": 10.0, "B": 8.0, "C": -5.0}
    assert [r.offer_key for r in result.rows] == ["A", "B", "C"]
    assert result.row("C").total == -5.0


def test_it_scores_proportional_price() -> None:
    # Pmin = 100. A: 10*100/100 = 10; B: 10*100/125 = 8; C: 10*100/200 = 5
    result = score(_price_model("price_proportional"), _offers({"A": 100, "B": 125, "C": 200}))
    assert _scores(result.rows) == {"A": 10.0, "B": 8.0, "C": 5.0}


def test_it_scores_minmax_price_between_lowest_and_highest() -> None:
    # Pmin = 100, Pmax = 300. A: 10*(300-100)/200 = 10; B: 10*(300-150)/200 = 7.5;
    # C: 10*(300-300)/200 = 0
    result = score(_price_model("price_minmax"), _offers({"A": 100, "B": 150, "C": 300}))
    assert _scores(result.rows) == {"A": 10.0, "B": 7.5, "C": 0.0}


def test_it_gives_minmax_ten_to_everyone_when_all_prices_are_equal() -> None:
    # Pmax = Pmin: the formula would divide by zero; every offer scores 10.
    assert price_scores("price_minmax", [500.0, 500.0, 500.0]) == [10.0, 10.0, 10.0]


def test_it_takes_consensus_points_as_given() -> None:
    model = Model("best_ratio", (Criterion("q", "quality", "points", weight=100),))
    offers = [Offer("A", {"q": 7}), Offer("B", {"q": 4.5}), Offer("C", {"q": 10})]
    result = score(model, offers)
    assert _scores(result.rows, "q") == {"C": 10.0, "A": 7.0, "B": 4.5}
    assert [r.total for r in result.rows] == [10.0, 7.0, 4.5]


def test_it_puts_points_on_another_scale_out_of_ten() -> None:
    # max_points 5: 2.5 points = 10 * 2.5 / 5 = 5.0 out of 10; 5 points = 10.
    model = Model("best_ratio", (Criterion("q", "climate", "points", weight=100, max_points=5),))
    result = score(model, [Offer("A", {"q": 2.5}), Offer("B", {"q": 5})])
    assert _scores(result.rows, "q") == {"B": 10.0, "A": 5.0}
    assert result.row("A").values["q"] == 2.5


@pytest.mark.parametrize("method", ["price_linear", "price_proportional", "price_minmax"])
def test_it_gives_a_single_offer_ten_by_every_price_method(method: str) -> None:
    # Pmin = Pmax = P: linear 10 - 0 = 10; proportional 10*P/P = 10; minmax: all equal -> 10.
    result = score(_price_model(method), _offers({"only": 4321.5}))
    assert result.rows[0].scores["p"] == 10.0
    assert result.rows[0].rank == 1


@pytest.mark.parametrize("basis,kind", [("lowest_price", "price"), ("lowest_cost", "cost")])
def test_it_ranks_a_single_offer_first_on_the_lowest_amount_bases(basis: str, kind: str) -> None:
    model = Model(basis, (Criterion("p", kind, "price_linear"),))  # type: ignore[arg-type]
    result = score(model, _offers({"only": 99.0}))
    assert result.winner == "only"
    assert result.rows[0].scores["p"] == 10.0


def test_it_ranks_on_lowest_price_by_the_amount_alone() -> None:
    model = Model("lowest_price", (Criterion("p", "price", "price_proportional", weight=100),))
    result = score(model, _offers({"A": 300, "B": 100, "C": 200}))
    assert result.ranking == ("B", "C", "A")
    assert result.mode == "lowest_amount"
    assert result.row("A").total is None
    # The method's score is still shown: 10*100/300.
    assert result.row("A").scores["p"] == pytest.approx(10 / 3)


def test_it_ranks_on_lowest_cost() -> None:
    model = Model("lowest_cost", (Criterion("lcc", "cost", "price_minmax"),))
    offers = [Offer("A", {"lcc": 2_000_000}), Offer("B", {"lcc": 1_500_000})]
    assert score(model, offers).ranking == ("B", "A")


def test_it_weighs_price_and_quality() -> None:
    # Weights: price 40 (linear), quality 60. Pmin = 100.
    # A: price 10,   quality 5  -> 0.4*10 + 0.6*5  = 4 + 3   = 7.0
    # B: price 8,    quality 8  -> 0.4*8  + 0.6*8  = 3.2+4.8 = 8.0
    # C: price -5,   quality 10 -> 0.4*-5 + 0.6*10 = -2 + 6  = 4.0
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_linear", weight=40),
            Criterion("q", "quality", "points", weight=60),
        ),
    )
    offers = [
        Offer("A", {"p": 100, "q": 5}),
        Offer("B", {"p": 120, "q": 8}),
        Offer("C", {"p": 250, "q": 10}),
    ]
    result = score(model, offers)
    assert result.ranking == ("B", "A", "C")
    assert [r.total for r in result.rows] == pytest.approx([8.0, 7.0, 4.0])
    assert [r.rank for r in result.rows] == [1, 2, 3]


def test_it_weighs_with_weights_that_are_not_whole_numbers() -> None:
    # Weights 29.99 (proportional price) and 70.01 (quality). Pmin = 80.
    # A: 100, q 7   -> price 10*80/100 = 8  -> 0.2999*8  + 0.7001*7   = 2.3992 + 4.9007  = 7.2999
    # B:  80, q 6.5 -> price 10           -> 0.2999*10 + 0.7001*6.5 = 2.999  + 4.55065 = 7.54965
    # C: 160, q 9   -> price 10*80/160 = 5 -> 0.2999*5 + 0.7001*9   = 1.4995 + 6.3009  = 7.8004
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_proportional", weight=29.99),
            Criterion("q", "quality", "points", weight=70.01),
        ),
    )
    assert validate_model(model) == []
    offers = [
        Offer("A", {"p": 100, "q": 7}),
        Offer("B", {"p": 80, "q": 6.5}),
        Offer("C", {"p": 160, "q": 9}),
    ]
    result = score(model, offers)
    assert result.ranking == ("C", "B", "A")
    assert [r.total for r in result.rows] == pytest.approx([7.8004, 7.54965, 7.2999], abs=1e-12)


def test_it_lets_the_cheapest_offer_lose_under_priced_quality() -> None:
    # One quality point is worth NOK 20,000 (q) and one climate point NOK 10,000 (env).
    # A: 1,000,000 - (4*20,000 + 3*10,000) = 1,000,000 - 110,000 =   890,000
    # B: 1,100,000 - (9*20,000 + 6*10,000) = 1,100,000 - 240,000 =   860,000  <- lowest: wins
    # C: 1,050,000 - (6*20,000 + 5*10,000) = 1,050,000 - 170,000 =   880,000
    # A is the cheapest offer and ranks last.
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "priced_quality"),
            Criterion("q", "quality", "points", nok_per_point=20_000),
            Criterion("env", "climate", "points", nok_per_point=10_000),
        ),
    )
    assert validate_model(model) == []
    offers = [
        Offer("A", {"p": 1_000_000, "q": 4, "env": 3}),
        Offer("B", {"p": 1_100_000, "q": 9, "env": 6}),
        Offer("C", {"p": 1_050_000, "q": 6, "env": 5}),
    ]
    result = score(model, offers)
    assert result.mode == "priced_quality"
    assert result.ranking == ("B", "C", "A")
    assert [r.evaluated_price for r in result.rows] == [860_000, 880_000, 890_000]
    assert result.row("B").deductions == {"q": 180_000, "env": 60_000}
    assert result.row("B").scores["p"] is None
    assert result.row("B").total is None


# -- checks on the model ---------------------------------------------------------------------


def _problems(*criteria: Criterion, basis: str = "best_ratio") -> list[str]:
    return validate_model(Model(basis, tuple(criteria)))  # type: ignore[arg-type]


def test_it_accepts_weights_summing_to_100() -> None:
    assert _problems(
        Criterion("p", "price", "price_linear", weight=30),
        Criterion("q", "quality", "points", weight=40),
        Criterion("env", "climate", "points", weight=30),
    ) == []


def test_it_refuses_weights_not_summing_to_100() -> None:
    problems = _problems(
        Criterion("p", "price", "price_linear", weight=29.99),
        Criterion("q", "quality", "points", weight=70),
    )
    assert problems == ["The weights sum to 99.99, not 100."]


def test_it_refuses_a_method_that_does_not_fit_the_kind() -> None:
    problems = _problems(
        Criterion("p", "price", "points", weight=50),
        Criterion("q", "quality", "price_linear", weight=50),
    )
    assert any("Criterion p" in p and "not with points" in p for p in problems)
    assert any("Criterion q" in p and "scored with points" in p for p in problems)


def test_it_refuses_unknown_kinds_methods_and_bases() -> None:
    assert any("kind" in p for p in _problems(Criterion("x", "taste", "points", weight=100)))  # type: ignore[arg-type]
    assert any("method" in p for p in _problems(Criterion("x", "price", "cheap", weight=100)))  # type: ignore[arg-type]
    assert any(
        "award basis" in p
        for p in _problems(Criterion("p", "price", "price_linear", weight=100), basis="random")
    )


def test_it_refuses_priced_quality_without_a_value_per_point() -> None:
    problems = _problems(
        Criterion("p", "price", "priced_quality"),
        Criterion("q", "quality", "points", nok_per_point=1000),
        Criterion("env", "climate", "points"),
    )
    assert problems == [
        "Criterion env: priced quality needs the NOK value of one point (above 0)."
    ]


def test_it_refuses_weights_in_priced_quality_and_a_value_per_point_elsewhere() -> None:
    problems = _problems(
        Criterion("p", "price", "priced_quality", weight=50),
        Criterion("q", "quality", "points", weight=50, nok_per_point=1000),
    )
    assert any("Criterion p" in p and "no weights" in p for p in problems)
    problems = _problems(
        Criterion("p", "price", "price_linear", weight=50),
        Criterion("q", "quality", "points", weight=50, nok_per_point=1000),
    )
    assert problems == ["Criterion q: a NOK value per point is used only in priced quality."]


def test_it_refuses_priced_quality_with_two_prices_or_without_quality() -> None:
    assert _problems(
        Criterion("p", "price", "priced_quality"),
        Criterion("c", "cost", "price_linear"),
        Criterion("q", "quality", "points", nok_per_point=1000),
    )
    assert _problems(Criterion("p", "price", "priced_quality")) == [
        "Priced quality needs at least one quality or climate criterion."
    ]


def test_it_refuses_duplicate_priorities_and_mixing_with_weights() -> None:
    assert _problems(
        Criterion("p", "price", "price_linear", priority=1),
        Criterion("q", "quality", "points", priority=1),
    ) == ["Two criteria have the same priority; each priority is used once."]
    assert _problems(
        Criterion("p", "price", "price_linear", priority=1),
        Criterion("q", "quality", "points", weight=100),
    ) == ["Use either weights or priorities for all criteria, not both."]
    assert _problems(
        Criterion("p", "price", "price_linear", priority=2),
        Criterion("q", "quality", "points", priority=1),
    ) == []


def test_it_refuses_best_ratio_without_weights_or_priorities() -> None:
    assert _problems(Criterion("p", "price", "price_linear")) == [
        "Best price-quality ratio needs a weight on every criterion, or a priority."
    ]


def test_it_refuses_duplicate_keys_and_empty_models() -> None:
    assert "Criterion p: the key is used more than once." in _problems(
        Criterion("p", "price", "price_linear", weight=50),
        Criterion("p", "quality", "points", weight=50),
    )
    assert validate_model(Model("best_ratio", ())) == ["The model has no award criteria."]


def test_it_refuses_lowest_price_with_more_than_one_criterion_or_a_cost() -> None:
    assert _problems(
        Criterion("p", "price", "price_linear"),
        Criterion("q", "quality", "points"),
        basis="lowest_price",
    ) == ["Award on lowest price has exactly one criterion, of kind price."]
    assert _problems(Criterion("c", "cost", "price_linear"), basis="lowest_price")
    assert _problems(Criterion("c", "cost", "price_linear"), basis="lowest_cost") == []


def test_it_refuses_to_score_under_a_model_with_problems() -> None:
    model = Model("best_ratio", (Criterion("p", "price", "price_linear", weight=90),))
    with pytest.raises(ScoringError) as caught:
        score(model, _offers({"A": 1}))
    assert caught.value.problems == ("The weights sum to 90, not 100.",)


# -- checks on the offers --------------------------------------------------------------------

_MODEL = Model(
    "best_ratio",
    (
        Criterion("p", "price", "price_linear", weight=50),
        Criterion("q", "quality", "points", weight=50),
    ),
)


@pytest.mark.parametrize(
    "values,criterion,message",
    [
        ({"p": 100}, "q", "Offer B: no value for criterion q."),
        ({"p": 0, "q": 5}, "p", "Offer B, criterion p: the amount must be above NOK 0."),
        ({"p": -3, "q": 5}, "p", "Offer B, criterion p: the amount must be above NOK 0."),
        ({"p": 100, "q": 10.5}, "q", "Offer B, criterion q: the points must be between 0 and 10."),
        ({"p": 100, "q": -1}, "q", "Offer B, criterion q: the points must be between 0 and 10."),
        ({"p": math.nan, "q": 5}, "p", "Offer B, criterion p: the value must be a finite number."),
        ({"p": math.inf, "q": 5}, "p", "Offer B, criterion p: the value must be a finite number."),
        ({"p": 100, "q": 5, "x": 1}, "x", "Offer B: criterion x is not in the model."),
    ],
)
def test_it_refuses_an_offer_naming_the_offer_and_the_criterion(
    values: dict[str, float], criterion: str, message: str
) -> None:
    offers = [Offer("A", {"p": 100, "q": 5}), Offer("B", values)]
    with pytest.raises(ScoringError) as caught:
        score(_MODEL, offers)
    assert str(caught.value) == message
    assert caught.value.offer_key == "B"
    assert caught.value.criterion_key == criterion
    assert isinstance(caught.value, ValueError)


def test_it_refuses_two_offers_with_the_same_key() -> None:
    offers = [Offer("A", {"p": 100, "q": 5}), Offer("A", {"p": 120, "q": 6})]
    with pytest.raises(ScoringError, match=r"Offer A: the key is used more than once\."):
        score(_MODEL, offers)


def test_it_scores_no_offers_to_an_empty_result() -> None:
    result = score(_MODEL, [])
    assert result.rows == ()
    assert result.winner is None


def test_it_accepts_decimals_from_the_database() -> None:
    # Django's DecimalField gives Decimal: same result as floats (10 - 10*(150-100)/100 = 5).
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_linear", weight=Decimal("50")),  # type: ignore[arg-type]
            Criterion("q", "quality", "points", weight=Decimal("50"), max_points=Decimal("5")),  # type: ignore[arg-type]
        ),
    )
    assert validate_model(model) == []
    offers = [
        Offer("A", {"p": Decimal("100.00"), "q": Decimal("2.5")}),  # type: ignore[dict-item]
        Offer("B", {"p": Decimal("150.00"), "q": Decimal("5")}),  # type: ignore[dict-item]
    ]
    result = score(model, offers)
    # A: 0.5*10 + 0.5*(10*2.5/5) = 5 + 2.5 = 7.5; B: 0.5*5 + 0.5*10 = 7.5; A cheaper: first.
    assert result.ranking == ("A", "B")
    assert result.row("B").scores == {"p": 5.0, "q": 10.0}
    with pytest.raises(ScoringError, match="finite number"):
        score(model, [Offer("A", {"p": Decimal("NaN"), "q": 1})])  # type: ignore[dict-item]


def test_it_imports_without_django() -> None:
    # The engine is a pure library: importing it must not pull in Django.
    import subprocess
    import sys

    code = "import sys, evaluation.scoring; assert 'django' not in sys.modules, 'django loaded'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(Path(__file__).parents[2]))
