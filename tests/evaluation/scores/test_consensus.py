"""Consensus: once every member has submitted, divergences of the threshold or more are
flagged, and the committee's agreed score and its written justification are recorded per offer
and criterion; the individual scores stay as submitted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.models import EvaluationEvent, EvaluationEventKind
from evaluation.scores import selectors, services
from evaluation.scores.models import ConsensusScore
from tests.evaluation.scores.conftest import Lot, declare
from tests.evaluation.scores.helpers import fill, score_all

JUSTIFICATION = "Komiteen legger vekt på bemanningsplanen i vedlegg 3."


def consensus(lot: Lot, offer: int = 0, points: Any = "7", justification: str = JUSTIFICATION,
              by: Any = None) -> ConsensusScore:
    return services.consensus_record(
        evaluation=lot.evaluation, submission_id=lot.offers[offer].pk,
        criterion_id=lot.quality.pk, points=points, justification=justification,
        by=by or lot.officer)


def flags(lot: Lot) -> set[tuple[int, int, float]]:
    lot.evaluation.refresh_from_db()
    index = {str(o.pk): i for i, o in enumerate(lot.offers)}
    crit = {c.pk: j for j, c in enumerate(lot.points)}
    return {(index[f.submission_id], crit[f.criterion_id], f.spread)
            for f in selectors.divergences_of(lot.evaluation, lot.officer)}


def test_it_flags_scores_that_differ_by_the_threshold_or_more(lot: Lot) -> None:
    score_all(lot, {0: {(0, 0): 3, (1, 1): 4}, 1: {(0, 0): 6, (1, 1): 6.5}, 2: {(0, 0): 5}})
    # Offer 0 on quality: 3, 6, 5 (spread 3: flagged); offer 1 on climate: 4, 6.5, 6
    # (spread 2.5: not flagged at the default threshold of 3).
    assert flags(lot) == {(0, 0, 3.0)}


def test_the_threshold_is_a_setting(lot: Lot, settings: Any) -> None:
    settings.EVALUATION_DIVERGENCE_THRESHOLD = 2
    score_all(lot, {0: {(0, 0): 3, (1, 1): 4}, 1: {(0, 0): 6, (1, 1): 6.5}})
    assert flags(lot) == {(0, 0, 3.0), (1, 1, 2.5)}


def test_the_flags_are_shown_only_when_every_member_has_submitted(lot: Lot) -> None:
    fill(lot, lot.members[0], {(0, 0): 0})
    services.scores_submit(evaluation=lot.evaluation, by=lot.members[0])
    fill(lot, lot.members[1], {(0, 0): 10})
    services.scores_submit(evaluation=lot.evaluation, by=lot.members[1])
    for viewer in (lot.officer, *lot.members):
        assert selectors.divergences_of(lot.evaluation, viewer) == []


def test_it_records_the_consensus_with_a_justification(lot: Lot) -> None:
    score_all(lot)
    row = consensus(lot, points="7,5", by=lot.members[1])
    assert row.points == Decimal("7.50") and row.recorded_by == lot.members[1]
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.CONSENSUS_RECORDED)
    assert event.data["points"] == "7.50" and event.data["justification"] == JUSTIFICATION
    # Changed after more discussion: the row follows, the record keeps both.
    consensus(lot, points="8", justification=JUSTIFICATION + " Og referansene.")
    assert ConsensusScore.objects.get().points == Decimal("8.00")
    events = EvaluationEvent.objects.filter(kind=EvaluationEventKind.CONSENSUS_RECORDED)
    assert [e.data["points"] for e in events] == ["7.50", "8.00"]
    assert events.last().data["previous"]["points"] == "7.50"  # type: ignore[union-attr]


@pytest.mark.parametrize(("points", "justification", "field"), [
    ("7", "For kort.", "justification"),
    ("7", "", "justification"),
    ("", JUSTIFICATION, "points"),
    ("10.5", JUSTIFICATION, "points"),
    ("x" * 3, JUSTIFICATION, "points"),
])
def test_it_refuses_a_consensus_without_points_or_justification(
        lot: Lot, points: str, justification: str, field: str) -> None:
    score_all(lot)
    with pytest.raises(ApplicationError) as caught:
        consensus(lot, points=points, justification=justification)
    assert field in caught.value.fields
    assert not ConsensusScore.objects.exists()


def test_no_consensus_before_every_member_has_submitted(lot: Lot) -> None:
    fill(lot, lot.members[0])
    services.scores_submit(evaluation=lot.evaluation, by=lot.members[0])
    with pytest.raises(Conflict):
        consensus(lot)


def test_a_conflicted_person_records_no_consensus(make_lot: Any) -> None:
    lot = make_lot(declare_all=False)
    for user in [lot.officer, *lot.members]:
        declare(lot.notice, user)
    score_all(lot)
    from evaluation.models import ImpartialityDeclaration

    ImpartialityDeclaration.objects.filter(user=lot.officer).delete()
    declare(lot.notice, lot.officer, conflict=True)
    with pytest.raises(Forbidden):
        consensus(lot)
