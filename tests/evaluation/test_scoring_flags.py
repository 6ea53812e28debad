"""Divergence between members and abnormally low offers, at their boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluation.scoring import ScoringError, abnormally_low, divergence


def test_it_flags_a_divergence_at_exactly_the_threshold() -> None:
    # 7.3 - 4.3 is 2.9999999999999996 in floating point: rounded, it is the threshold 3.
    flags = divergence(
        {
            "kari": {("A", "q"): 7.3, ("B", "q"): 6},
            "ola": {("A", "q"): 4.3, ("B", "q"): 5},
            "per": {("A", "q"): 5, ("B", "q"): 6},
        },
        threshold=3,
    )
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.offer_key, flag.criterion_key) == ("A", "q")
    assert (flag.minimum, flag.maximum) == (4.3, 7.3)
    assert flag.spread == pytest.approx(3)
    assert flag.low_members == ("ola",) and flag.high_members == ("kari",)
    assert flag.scores == {"kari": 7.3, "ola": 4.3, "per": 5}


def test_it_does_not_flag_just_below_the_threshold() -> None:
    # 7 - 4.01 = 2.99 < 3
    assert divergence({1: {("A", "q"): 7}, 2: {("A", "q"): 4.01}}, threshold=3) == []


def test_it_never_flags_a_score_given_by_one_member_and_orders_the_flags() -> None:
    flags = divergence(
        {
            "a": {("B", "q"): 9, ("A", "q2"): 0, ("A", "q1"): 10, ("C", "q"): 10},
            "b": {("B", "q"): 1, ("A", "q2"): 10, ("A", "q1"): 0},
        },
        threshold=2,
    )
    assert [(f.offer_key, f.criterion_key) for f in flags] == [("A", "q1"), ("A", "q2"), ("B", "q")]


@pytest.mark.parametrize("threshold", [0, -1, float("nan")])
def test_it_refuses_a_threshold_that_is_not_positive(threshold: float) -> None:
    with pytest.raises(ScoringError):
        divergence({}, threshold=threshold)


def test_it_flags_an_offer_exactly_40_percent_below_the_average_of_the_others() -> None:
    # A = 60: others 85 and 115, average 100, (100 - 60)/100 = 40 % -> flagged.
    #          next-lowest 85: (85 - 60)/85 = 29.4 % -> not below the next.
    # B = 85: others' average (60 + 115)/2 = 87.5 -> 2.9 %; next 115: (115 - 85)/115 = 26 %.
    # C = 115: the highest has no next; others' average 72.5 is below it.
    (flag,) = abnormally_low({"A": 60, "B": 85, "C": 115})
    assert flag.offer_key == "A"
    assert flag.reasons == ("below_average",)
    assert flag.average_of_others == 100
    assert flag.below_average_fraction == 0.4
    assert flag.next_price == 85
    assert flag.below_next_fraction == pytest.approx(25 / 85)


def test_it_does_not_flag_an_offer_39_99_percent_below_the_average() -> None:
    # A = 60.01: average of the others still 100 -> 39.99 %; next (85 - 60.01)/85 = 29.4 %.
    assert abnormally_low({"A": 60.01, "B": 85, "C": 115}) == []


def test_it_flags_an_offer_exactly_30_percent_below_the_next() -> None:
    # A = 70: next 100 -> (100 - 70)/100 = 30 % -> flagged; average of the others 100 -> 30 %.
    (flag,) = abnormally_low({"A": 70, "B": 100, "C": 100})
    assert flag.reasons == ("below_next",)
    assert flag.below_next_fraction == 0.3
    # 29.99 % is not.
    assert abnormally_low({"A": 70.01, "B": 100, "C": 100}) == []


def test_it_flags_both_reasons_and_takes_thresholds_as_parameters() -> None:
    # A = 50: average of the others 100 -> 50 %; next 100 -> 50 %.
    (flag,) = abnormally_low({"A": 50, "B": 100, "C": 100})
    assert flag.reasons == ("below_average", "below_next")
    # B = 80 against 100 and 120: average 110 -> 27.3 %, next 100 -> 20 %: flagged only with
    # lower thresholds.
    assert abnormally_low({"B": 80, "C": 100, "D": 120}) == []
    (flag,) = abnormally_low({"B": 80, "C": 100, "D": 120}, below_average=0.25, below_next=0.2)
    assert flag.reasons == ("below_average", "below_next")


def test_it_counts_equal_prices_as_the_next_offer() -> None:
    # A and B both 50: each is 0 % below the next (the other); average of the others 75 -> 33 %.
    assert abnormally_low({"A": 50, "B": 50, "C": 100}) == []


def test_it_has_nothing_to_compare_with_one_offer() -> None:
    assert abnormally_low({"A": 1}) == []
    assert abnormally_low({}) == []


@pytest.mark.parametrize("price", [0, -5, float("inf")])
def test_it_refuses_a_price_that_is_not_positive(price: float) -> None:
    with pytest.raises(ScoringError, match=r"Offer B: the price must be a number above NOK 0\."):
        abnormally_low({"A": 10, "B": price})


def test_it_refuses_thresholds_outside_zero_to_one() -> None:
    with pytest.raises(ScoringError):
        abnormally_low({"A": 10, "B": 20}, below_average=40)


def test_it_accepts_decimal_prices_and_scores() -> None:
    (flag,) = abnormally_low({"A": Decimal("60"), "B": Decimal("85"), "C": Decimal("115")})
    assert flag.offer_key == "A" and flag.below_average_fraction == 0.4
    (div,) = divergence({"a": {("A", "q"): Decimal("7.3")}, "b": {("A", "q"): 4.3}}, threshold=3)
    assert div.spread == pytest.approx(3)
