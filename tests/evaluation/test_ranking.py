"""Ranking: the award bases, priorities and each step of the documented tie-break."""

from __future__ import annotations

import hashlib

import pytest

from evaluation.scoring import (
    TIE_BREAK_RULE,
    Criterion,
    Model,
    Offer,
    draw_hash,
    rank,
    score,
)

PRICE_QUALITY = Model(
    "best_ratio",
    (
        Criterion("p", "price", "price_linear", weight=50),
        Criterion("q", "quality", "points", weight=50),
    ),
)


def test_it_breaks_a_tie_on_total_by_the_lower_price() -> None:
    # Pmin = 100. A: 0.5*10 + 0.5*6 = 5 + 3 = 8.0
    #             B: price 10 - 10*(125-100)/100 = 7.5 -> 0.5*7.5 + 0.5*8.5 = 3.75 + 4.25 = 8.0
    # Equal totals; A's price (100) is lower than B's (125), so A ranks first.
    offers = [Offer("B", {"p": 125, "q": 8.5}), Offer("A", {"p": 100, "q": 6})]
    result = score(PRICE_QUALITY, offers)
    assert result.ranking == ("A", "B")
    assert result.row("A").total == result.row("B").total == 8.0
    (note,) = result.tie_break_notes
    assert (note.above, note.below, note.step) == ("A", "B", 2)
    assert note.text == (
        "Offers A and B are equal on the total score; A ranks above B because its price is "
        "lower (NOK 100.00 against NOK 125.00)."
    )


def test_it_breaks_a_tie_on_total_and_price_by_the_higher_quality_points() -> None:
    # Weights: price 40, q1 20, q2 40. Both prices 100, so both price scores 10.
    # A: 0.4*10 + 0.2*8 + 0.4*4 = 4 + 1.6 + 1.6 = 7.2   quality points 8 + 4 = 12
    # B: 0.4*10 + 0.2*4 + 0.4*6 = 4 + 0.8 + 2.4 = 7.2   quality points 4 + 6 = 10
    # (In floating point 0.4*6 = 2.4000000000000004: the rounding to 9 decimals keeps the tie.)
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_linear", weight=40),
            Criterion("q1", "quality", "points", weight=20),
            Criterion("q2", "quality", "points", weight=40),
        ),
    )
    offers = [Offer("B", {"p": 100, "q1": 4, "q2": 6}), Offer("A", {"p": 100, "q1": 8, "q2": 4})]
    result = score(model, offers)
    assert result.ranking == ("A", "B")
    assert result.row("A").quality_points == 12
    assert result.row("B").quality_points == 10
    (note,) = result.tie_break_notes
    assert note.step == 3
    assert "because its sum of quality points is higher (12.00 against 10.00)" in note.text


def test_it_breaks_a_full_tie_by_the_seeded_draw() -> None:
    # Identical offers: equal total, price and quality points; the lower SHA-256(seed + key) wins.
    offers = [Offer("X", {"p": 100, "q": 7}), Offer("Y", {"p": 100, "q": 7})]
    orders = set()
    for n in range(12):
        seed = f"tree-head-{n}"
        hx = hashlib.sha256(f"{seed}X".encode()).hexdigest()
        hy = hashlib.sha256(f"{seed}Y".encode()).hexdigest()
        expected = ("X", "Y") if hx < hy else ("Y", "X")
        result = score(PRICE_QUALITY, offers, seed=seed)
        assert result.ranking == expected
        assert result.row("X").draw == hx == draw_hash(seed, "X")
        (note,) = result.tie_break_notes
        assert note.step == 4
        assert "the draw (SHA-256 of the seed and the offer key)" in note.text
        assert result.seed == seed
        orders.add(result.ranking)
    assert orders == {("X", "Y"), ("Y", "X")}  # the seed, not the key, decides


def test_it_ranks_the_same_whatever_the_order_of_the_offers() -> None:
    offers = [
        Offer("1", {"p": 100, "q": 7}),
        Offer("2", {"p": 100, "q": 7}),
        Offer("3", {"p": 125, "q": 8.5}),
        Offer("4", {"p": 90, "q": 2}),
    ]
    first = rank(PRICE_QUALITY, offers, seed="s")
    assert rank(PRICE_QUALITY, list(reversed(offers)), seed="s") == first
    assert len(set(first)) == 4


def test_it_explains_totals_that_look_equal_when_rounded() -> None:
    # A: 0.5*10 + 0.5*5 = 7.5. B: price 10 - 10*(100.002-100)/100 = 9.9998 -> 4.9999 + 2.5 = 7.4999
    # Both show as 7.50; the note says why A is above.
    offers = [Offer("A", {"p": 100, "q": 5}), Offer("B", {"p": 100.002, "q": 5})]
    result = score(PRICE_QUALITY, offers)
    assert result.ranking == ("A", "B")
    (note,) = result.tie_break_notes
    assert note.step == 1
    assert "its total is higher (7.5000 against 7.4999)" in note.text


def test_it_writes_no_note_when_there_is_no_tie() -> None:
    offers = [Offer("A", {"p": 100, "q": 9}), Offer("B", {"p": 150, "q": 5})]
    assert score(PRICE_QUALITY, offers).tie_break_notes == ()


def test_it_ranks_by_priority_one_criterion_at_a_time() -> None:
    # Quality has priority 1, price (linear, Pmin = 100) priority 2.
    # C: quality 9                     -> first on quality alone, despite price 300 (score -10)
    # B: quality 8, price 100 (10)     -> second
    # A: quality 8, price 200 (0)      -> third
    # With weights 50/50 C would be last: 0.5*9 + 0.5*-10 = -0.5.
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_linear", priority=2),
            Criterion("q", "quality", "points", priority=1),
        ),
    )
    offers = [
        Offer("A", {"p": 200, "q": 8}),
        Offer("B", {"p": 100, "q": 8}),
        Offer("C", {"p": 300, "q": 9}),
    ]
    result = score(model, offers)
    assert result.mode == "priority"
    assert result.ranking == ("C", "B", "A")
    assert result.row("C").scores["p"] == -10.0
    assert result.row("C").total is None


def test_it_breaks_a_full_tie_under_priorities_by_the_draw() -> None:
    # Equal on every score in priority order (so on price and quality points too): the draw.
    model = Model(
        "best_ratio",
        (
            Criterion("q", "quality", "points", priority=1),
            Criterion("p", "price", "price_minmax", priority=2),
        ),
    )
    offers = [Offer("A", {"p": 100, "q": 8}), Offer("B", {"p": 100, "q": 8})]
    result = score(model, offers, seed="")
    assert result.tie_break_notes[0].step == 4
    assert "every score in order of priority" in result.tie_break_notes[0].text


def test_it_breaks_a_tie_in_priced_quality_by_the_lower_offered_price() -> None:
    # A: 500,000 - 5*10,000 = 450,000; B: 470,000 - 2*10,000 = 450,000: equal evaluated prices.
    # B's offered price (470,000) is lower than A's (500,000): B first.
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "priced_quality"),
            Criterion("q", "quality", "points", nok_per_point=10_000),
        ),
    )
    offers = [Offer("A", {"p": 500_000, "q": 5}), Offer("B", {"p": 470_000, "q": 2})]
    result = score(model, offers)
    assert result.ranking == ("B", "A")
    (note,) = result.tie_break_notes
    assert note.step == 2
    assert note.text.startswith("Offers B and A are equal on the evaluated price;")


def test_it_breaks_a_tie_on_lowest_price_by_the_draw() -> None:
    model = Model("lowest_price", (Criterion("p", "price", "price_linear"),))
    offers = [Offer("A", {"p": 100}), Offer("B", {"p": 100}), Offer("C", {"p": 90})]
    result = score(model, offers, seed="root")
    expected_tail = tuple(sorted(["A", "B"], key=lambda k: draw_hash("root", k)))
    assert result.ranking == ("C", *expected_tail)
    assert [n.step for n in result.tie_break_notes] == [4]
    assert [r.rank for r in result.rows] == [1, 2, 3]


def test_it_sums_two_price_criteria_for_the_tie_break_price() -> None:
    # Weighted price 50 (proportional) and cost 50 (proportional), inverse amounts:
    # A: price 100 (10), cost 200 (5)  -> 7.5, amounts 300
    # B: price 200 (5),  cost 100 (10) -> 7.5, amounts 300
    # C: price 150 (6.67), cost 140 (7.14), total 6.9, amounts 290: lowest sum but not tied.
    model = Model(
        "best_ratio",
        (
            Criterion("p", "price", "price_proportional", weight=50),
            Criterion("c", "cost", "price_proportional", weight=50),
        ),
    )
    offers = [
        Offer("A", {"p": 100, "c": 200}),
        Offer("B", {"p": 200, "c": 100}),
        Offer("C", {"p": 150, "c": 140}),
    ]
    result = score(model, offers, seed="k")
    assert result.row("A").price == result.row("B").price == 300
    assert result.ranking[2] == "C"
    assert result.tie_break_notes[0].step == 4


def test_it_publishes_the_tie_break_rule_in_plain_words() -> None:
    assert "(2) the lower price" in TIE_BREAK_RULE
    assert "(3) the higher sum of quality points" in TIE_BREAK_RULE
    assert "SHA-256" in TIE_BREAK_RULE and "seed" in TIE_BREAK_RULE
    assert "9 decimals" in TIE_BREAK_RULE
    assert score(PRICE_QUALITY, []).tie_break_rule == TIE_BREAK_RULE


@pytest.mark.parametrize("n", [2, 5, 30])
def test_it_gives_unique_consecutive_ranks(n: int) -> None:
    offers = [Offer(str(i), {"p": 100 + i % 3, "q": 5}) for i in range(n)]
    result = score(PRICE_QUALITY, offers)
    assert [r.rank for r in result.rows] == list(range(1, n + 1))
    assert len(set(result.ranking)) == n
