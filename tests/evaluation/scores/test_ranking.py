"""Ranking: computed from the consensus scores and the prices by the published methods, with
the engine's deterministic tie-break (its draw seeded by the tree head signed at the
deadline) and the sensitivity checks; kept with the evaluation (consensus -> ranked), and
reopened only with a reason (ranked -> consensus)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from backend.errors import ApplicationError, Conflict
from bids.models import SignedTreeHead
from evaluation.models import EvaluationEvent, EvaluationEventKind, EvaluationStatus
from evaluation.scores import services
from evaluation.scoring import TIE_BREAK_RULE, draw_hash
from tests.evaluation.scores.conftest import Lot
from tests.evaluation.scores.helpers import agree, prices, score_all
from tests.transitions_check import Change, one_event_per_transition


def ranked(lot: Lot, amounts: list[str], points: dict[tuple[int, int], float]) -> dict[str, Any]:
    prices(lot, amounts)
    score_all(lot)
    agree(lot, points)
    services.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)
    lot.evaluation.refresh_from_db()
    return lot.evaluation.result


def order(lot: Lot, result: dict[str, Any]) -> list[int]:
    index = {str(o.pk): i for i, o in enumerate(lot.offers)}
    return [index[row["offer_key"]] for row in result["rows"]]


def test_it_ranks_by_the_consensus_and_the_prices(lot: Lot) -> None:
    # Price 40 % (linear), quality 40 %, climate 20 %. Lowest price 900 000:
    # A 1 000 000 -> 10 - 10 * 100/900 = 8.889; B 1 100 000 -> 7.778; C 900 000 -> 10.
    # Totals: A .4*8.889 + .4*8 + .2*6 = 7.956; B .4*7.778 + .4*5 + .2*6 = 6.311;
    # C .4*10 + .4*6 + .2*6 = 7.6.
    with one_event_per_transition() as changes:
        result = ranked(lot, ["1000000", "1100000", "900000"], {(0, 0): 8, (1, 0): 5})
    assert order(lot, result) == [0, 2, 1]
    assert [round(row["total"], 3) for row in result["rows"]] == [7.956, 7.6, 6.311]
    assert [row["supplier"] for row in result["rows"]] == [
        "Fjordbygg AS", "Vestkyst Entreprenør AS", "Nordlys Bygg AS"]
    assert lot.evaluation.status == EvaluationStatus.RANKED and lot.evaluation.ranked_at
    assert result["tie_break_rule"] == TIE_BREAK_RULE
    deadline = SignedTreeHead.objects.get(notice=lot.notice, reason="deadline")
    assert result["seed"] == deadline.root and len(deadline.root) == 64
    assert [c.new for c in changes] == ["consensus", "ranked"]
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.RANKED)
    assert [r["rank"] for r in event.data["ranking"]] == [1, 2, 3]
    assert event.data["seed"] == deadline.root


def test_a_tie_is_broken_by_the_documented_draw(lot: Lot) -> None:
    # Two offers equal on total, price and quality points: step 4, the draw, decides.
    result = ranked(lot, ["1000000", "1000000", "1200000"], {})
    seed = result["seed"]
    first, second = sorted(lot.offers[:2], key=lambda o: draw_hash(seed, str(o.pk)))
    assert [row["offer_key"] for row in result["rows"][:2]] == [str(first.pk), str(second.pk)]
    assert result["tie_break_notes"][0]["step"] == 4
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(lot.members[0])
    page = client.get(f"/evaluation/notices/{lot.notice.pk}/lots/0/ranking/").content.decode()
    assert (f"{first.supplier.name} ranks above {second.supplier.name}: they are equal before "
            "step 4, decided by the draw (SHA-256).") in page
    assert "a draw: the offer whose SHA-256 hash of the seed" in page


def test_it_will_not_rank_before_everything_is_agreed(lot: Lot) -> None:
    prices(lot, ["1000000", "1100000", "900000"])
    score_all(lot)
    agree(lot, {})
    from evaluation.scores.models import ConsensusScore, PriceEntry

    ConsensusScore.objects.filter(submission=lot.offers[1], criterion=lot.climate).delete()
    PriceEntry.objects.filter(submission=lot.offers[2]).delete()
    with pytest.raises(ApplicationError) as caught:
        services.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)
    assert caught.value.messages == [
        "No price of Vestkyst Entreprenør AS for Pris.",
        "No consensus score of Nordlys Bygg AS for Klima og miljø."]
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.CONSENSUS and lot.evaluation.result == {}
    assert not EvaluationEvent.objects.filter(kind=EvaluationEventKind.RANKED).exists()


def test_the_ranking_is_computed_only_from_the_consensus_step(lot: Lot) -> None:
    with pytest.raises(Conflict):
        services.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)


def test_the_sensitivity_is_kept_and_shown_before_any_award(lot: Lot) -> None:
    # Removing the cheapest offer (a loser) moves the lowest price and with it the winner:
    # with C (700 000): A 6.686, B 6.629, C 6.4; without C: A 8.4, B 8.6.
    result = ranked(lot, ["1000000", "1150000", "700000"],
                    {(0, 0): 8, (1, 0): 10, (2, 0): 3})
    assert order(lot, result) == [0, 1, 2]
    sens = result["sensitivity"]
    threshold = sens["price_threshold"]
    assert threshold["offer_key"] == str(lot.offers[1].pk)
    assert 0 < threshold["threshold_price"] < 1150000
    assert len(sens["weight_moves"]) == 6  # three criteria, up and down 10 points
    reversals = {r["offer_key"]: r for r in sens["rank_reversals"]}
    assert reversals[str(lot.offers[2].pk)]["changes_winner"] is True
    assert reversals[str(lot.offers[2].pk)]["winner_without"] == str(lot.offers[1].pk)
    assert reversals[str(lot.offers[1].pk)]["changes_winner"] is False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(lot.officer)
    page = client.get(f"/evaluation/notices/{lot.notice.pk}/lots/0/ranking/").content.decode()
    assert "Nordlys Bygg AS would rank first at a price of NOK" in page
    assert "Removing a losing offer would change the winner" in page
    assert page.count("<tr") >= 1 + 3 + 1 + 6 + 1 + 2  # ranking, moves, reversals


def test_reopening_needs_a_reason_and_goes_back_to_consensus(lot: Lot) -> None:
    ranked(lot, ["1000000", "1100000", "900000"], {(0, 0): 8})
    with pytest.raises(ApplicationError) as caught:
        services.evaluation_reopen(evaluation=lot.evaluation, by=lot.officer, reason="Feil.")
    assert "reason" in caught.value.fields
    assert lot.evaluation.status == EvaluationStatus.RANKED
    reason = "Komiteen har oppdaget en feil i klimapoengene til Nordlys Bygg AS."
    with one_event_per_transition() as changes:
        services.evaluation_reopen(evaluation=lot.evaluation, by=lot.members[0], reason=reason)
    assert changes == [Change("evaluation", str(lot.evaluation.pk), "ranked", "consensus")]
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.CONSENSUS
    assert lot.evaluation.result == {} and lot.evaluation.ranked_at is None
    assert EvaluationEvent.objects.get(kind=EvaluationEventKind.REOPENED).data["reason"] == reason
    # The consensus can change again, and the ranking be computed anew.
    services.consensus_record(evaluation=lot.evaluation, submission_id=lot.offers[1].pk,
                              criterion_id=lot.climate.pk, points="10",
                              justification="Rettet etter ny gjennomgang av vedlegget.",
                              by=lot.officer)
    services.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)
    assert lot.evaluation.status == EvaluationStatus.RANKED
    assert EvaluationEvent.objects.filter(kind=EvaluationEventKind.RANKED).count() == 2


def test_priced_quality_ranks_by_the_lowest_evaluated_price(make_lot: Any) -> None:
    lot = make_lot(model=("best_ratio", [
        {"kind": "price", "name": "Pris", "method": "priced_quality"},
        {"kind": "quality", "name": "Kvalitet", "method": "points", "nok_per_point": "20000",
         "scale": "0: ikke besvart, 10: svært godt"}]))
    price, quality = lot.price, lot.quality
    for offer, amount in zip(lot.offers, ["1000000", "1100000", "900000"], strict=True):
        services.price_record(evaluation=lot.evaluation, submission_id=offer.pk,
                              criterion_id=price.pk, amount=amount, document="tilbud.pdf",
                              by=lot.officer)
    for member in lot.members:
        services.scores_save(evaluation=lot.evaluation, by=member, scores=[
            services.ScoreInput(str(o.pk), quality.pk, "5", "Begrunnelse som er lang nok her.")
            for o in lot.offers])
        services.scores_submit(evaluation=lot.evaluation, by=member)
    # Evaluated price = P - points x NOK 20 000: A 1 000 000 - 9 x 20 000 = 820 000;
    # B 1 100 000 - 10 x 20 000 = 900 000; C 900 000 - 2 x 20 000 = 860 000.
    for offer, points in zip(lot.offers, ["9", "10", "2"], strict=True):
        services.consensus_record(evaluation=lot.evaluation, submission_id=offer.pk,
                                  criterion_id=quality.pk, points=points,
                                  justification="Komiteen er enig om dette.", by=lot.officer)
    services.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)
    lot.evaluation.refresh_from_db()
    result = lot.evaluation.result
    assert result["mode"] == "priced_quality"
    assert [(row["supplier"], row["evaluated_price"]) for row in result["rows"]] == [
        ("Fjordbygg AS", 820000.0), ("Vestkyst Entreprenør AS", 860000.0),
        ("Nordlys Bygg AS", 900000.0)]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(lot.officer)
    page = client.get(f"/evaluation/notices/{lot.notice.pk}/lots/0/ranking/").content.decode()
    assert "NOK 820,000" in page and "Evaluated price" in page
    assert "NOK 180,000 off the price" in page
    assert "Priced quality has no weights" in page


def test_lowest_price_needs_no_scoring(make_lot: Any) -> None:
    lot = make_lot(model=("lowest_price", [
        {"kind": "price", "name": "Pris", "method": "price_linear", "weight": 100}]))
    price = lot.price
    for offer, amount in zip(lot.offers, ["1000000", "1100000", "900000"], strict=True):
        services.price_record(evaluation=lot.evaluation, submission_id=offer.pk,
                              criterion_id=price.pk, amount=amount, document="tilbud.pdf",
                              by=lot.officer)
    with one_event_per_transition() as changes:
        services.scoring_complete(evaluation=lot.evaluation, by=lot.officer)
        services.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)
    assert [c.new for c in changes] == ["consensus", "ranked"]
    assert [row["price"] for row in lot.evaluation.result["rows"]] == [
        900000.0, 1000000.0, 1100000.0]
