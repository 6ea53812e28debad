"""Blind, individual scoring: each member scores every offer on every points criterion with a
written reason, saves drafts, then submits and is locked. Until every member has submitted,
nobody sees another member's scores, through the web or the API: checked for a member, a
member with a conflict of interest, the procurement officer, an officer of another authority,
a bidder and an anonymous visitor."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.models import EvaluationEvent, EvaluationEventKind, EvaluationStatus
from evaluation.scores import services
from evaluation.scores.models import IndividualScore, ScoreSheet
from evaluation.scores.services import ScoreInput
from tests.conftest import api_client_for
from tests.evaluation.scores.conftest import Lot, declare
from tests.evaluation.scores.helpers import REASON, fill, score_all
from tests.transitions_check import Change, one_event_per_transition

MARKERS = ["MARKER-ALFA", "MARKER-BRAVO", "MARKER-CHARLIE"]


def sheet_with_marker(lot: Lot, m: int, points: float) -> list[ScoreInput]:
    return [ScoreInput(submission_id=str(offer.pk), criterion_id=c.pk, points=str(points),
                       reason=f"{MARKERS[m]}: {REASON}")
            for offer in lot.offers for c in lot.points]


@pytest.fixture
def committee(make_lot: Callable[..., Lot]) -> Lot:
    """Four members: three cleared, the fourth declared a conflict; the officer cleared."""
    lot = make_lot(n=4, declare_all=False)
    for user in [lot.officer, *lot.members[:3]]:
        declare(lot.notice, user)
    declare(lot.notice, lot.members[3], conflict=True)
    return lot


def api(lot: Lot, user: User | None, route: str) -> Any:
    return api_client_for(user).get(
        f"/api/notices/{lot.notice.pk}/evaluation/lots/0/{route}")


def web(lot: Lot, user: User | None, route: str) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client.get(f"/evaluation/notices/{lot.notice.pk}/lots/0/{route}/")


API_ROUTES = ("scores", "consensus", "ranking", "prices")
WEB_ROUTES = ("scores", "consensus", "ranking", "prices")


def seen(lot: Lot, user: User | None) -> dict[str, tuple[int, str]]:
    """Status and body of every read route, web and API, as this user."""
    out = {}
    for route in API_ROUTES:
        response = api(lot, user, route)
        out[f"api {route}"] = (response.status_code, response.content.decode())
    for route in WEB_ROUTES:
        response = web(lot, user, route)
        out[f"web {route}"] = (response.status_code, response.content.decode())
    return out


def markers_in(pages: dict[str, tuple[int, str]]) -> set[str]:
    return {m for _status, body in pages.values() for m in MARKERS if m in body}


def assert_shut_out(lot: Lot, user: User | None, status: int) -> None:
    for where, (got, body) in seen(lot, user).items():
        if user is None:
            expected = 401 if where.startswith("api") else 302
        else:
            expected = status
        assert got == expected, (where, got)
        assert not any(m in body for m in MARKERS), where


def test_nobody_sees_another_members_scores_until_every_member_has_submitted(
        committee: Lot, other_officer: User) -> None:
    lot = committee
    members = lot.members
    for m in range(3):
        services.scores_save(evaluation=lot.evaluation, by=members[m],
                             scores=sheet_with_marker(lot, m, 3 + 3 * m))
    services.scores_submit(evaluation=lot.evaluation, by=members[0])
    services.scores_submit(evaluation=lot.evaluation, by=members[1])
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.SCORING  # member 2 has not submitted

    # Each member sees their own sheet (submitted or draft), and nothing of the others'.
    for m in range(3):
        pages = seen(lot, members[m])
        assert all(status == 200 for status, _body in pages.values()), pages.keys()
        assert markers_in(pages) == {MARKERS[m]}, m
        body = api(lot, members[m], "scores").json()
        assert body["blind"] is True and body["sheets"] == [] and body["divergences"] == []
        assert {s["reason"][:len(MARKERS[m])] for s in body["my_sheet"]["scores"]} == {
            MARKERS[m]}
        assert api(lot, members[m], "consensus").json()["sheets"] == []
    # The officer runs the evaluation and sees who has submitted, never a score.
    pages = seen(lot, lot.officer)
    assert all(status == 200 for status, _body in pages.values())
    assert markers_in(pages) == set()
    progress = api(lot, lot.officer, "scores").json()["progress"]
    assert [p["submitted"] for p in progress] == [True, True, False]
    assert api(lot, lot.officer, "scores").json()["my_sheet"] is None
    # The member with a conflict is shut out (403: they know the evaluation exists); the
    # others do not learn that it exists (404); anonymous must sign in.
    assert_shut_out(lot, members[3], 403)
    assert_shut_out(lot, other_officer, 404)
    assert_shut_out(lot, lot.suppliers[0], 404)
    assert_shut_out(lot, None, 0)
    # The record of the submissions names who submitted, not what they gave.
    assert not any(m in str(e.data) for e in EvaluationEvent.objects.all() for m in MARKERS)

    # The last member submits: everyone cleared now sees every score, with the names.
    services.scores_submit(evaluation=lot.evaluation, by=members[2])
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.CONSENSUS
    for viewer in (members[0], members[2], lot.officer):
        pages = seen(lot, viewer)
        assert markers_in({k: v for k, v in pages.items() if "consensus" in k}) == set(MARKERS)
        body = api(lot, viewer, "scores").json()
        assert body["blind"] is False and len(body["sheets"]) == 3
        # Scores of 3, 6 and 9 differ by 6 points: flagged on every offer and criterion.
        assert len(body["divergences"]) == len(lot.offers) * len(lot.points)
    assert_shut_out(lot, members[3], 403)
    assert_shut_out(lot, other_officer, 404)
    assert_shut_out(lot, lot.suppliers[1], 404)
    assert_shut_out(lot, None, 0)


def test_a_member_who_has_not_declared_is_asked_to_declare_first(make_lot: Callable[..., Lot]
                                                                 ) -> None:
    lot = make_lot(declare_all=False)
    response = api(lot, lot.members[0], "scores")
    assert response.status_code == 403
    assert "Declare your impartiality" in response.json()["error"]["message"]
    assert web(lot, lot.members[0], "scores").status_code == 403
    with pytest.raises(Forbidden):
        services.scores_save(evaluation=lot.evaluation, by=lot.members[0],
                             scores=sheet_with_marker(lot, 0, 5))


def test_it_saves_a_draft_that_only_its_member_sees(lot: Lot) -> None:
    fill(lot, lot.members[0], default=7)
    sheet = ScoreSheet.objects.get(member=lot.members[0])
    assert sheet.submitted_at is None
    assert {s.points for s in sheet.scores.all()} == {Decimal("7.00")}
    # A draft may be partial and change freely.
    services.scores_save(evaluation=lot.evaluation, by=lot.members[0], scores=[
        ScoreInput(str(lot.offers[0].pk), lot.quality.pk, "8,5", "")])
    row = IndividualScore.objects.get(sheet=sheet, submission=lot.offers[0], criterion=lot.quality)
    assert row.points == Decimal("8.50") and row.reason == ""
    assert not EvaluationEvent.objects.filter(kind=EvaluationEventKind.SCORES_SUBMITTED).exists()


@pytest.mark.parametrize("points", ["11", "-1", "ti", "7.555", "NaN", "Infinity"])
def test_it_refuses_points_outside_the_scale(lot: Lot, points: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.scores_save(evaluation=lot.evaluation, by=lot.members[0], scores=[
            ScoreInput(str(lot.offers[0].pk), lot.quality.pk, points, REASON)])
    assert f"{lot.offers[0].pk}:{lot.quality.pk}" in caught.value.fields
    assert not IndividualScore.objects.exists()


def test_it_refuses_scores_on_a_price_criterion_or_a_stranger_offer(lot: Lot) -> None:
    with pytest.raises(ApplicationError):
        services.scores_save(evaluation=lot.evaluation, by=lot.members[0], scores=[
            ScoreInput(str(lot.offers[0].pk), lot.price.pk, "5", REASON)])
    with pytest.raises(ApplicationError):
        services.scores_save(evaluation=lot.evaluation, by=lot.members[0], scores=[
            ScoreInput("00000000-0000-0000-0000-000000000000", lot.quality.pk, "5", REASON)])
    assert not IndividualScore.objects.exists()


def test_submitting_needs_points_and_a_written_reason_everywhere(lot: Lot) -> None:
    fill(lot, lot.members[0])
    services.scores_save(evaluation=lot.evaluation, by=lot.members[0], scores=[
        ScoreInput(str(lot.offers[1].pk), lot.climate.pk, "4", "For kort."),
        ScoreInput(str(lot.offers[2].pk), lot.quality.pk, "", REASON)])
    with pytest.raises(ApplicationError) as caught:
        services.scores_submit(evaluation=lot.evaluation, by=lot.members[0])
    assert set(caught.value.fields) == {f"{lot.offers[1].pk}:{lot.climate.pk}",
                                        f"{lot.offers[2].pk}:{lot.quality.pk}"}
    assert ScoreSheet.objects.get(member=lot.members[0]).submitted_at is None


def test_a_submitted_sheet_is_locked(lot: Lot) -> None:
    fill(lot, lot.members[0], default=5)
    services.scores_submit(evaluation=lot.evaluation, by=lot.members[0])
    with pytest.raises(Conflict):
        fill(lot, lot.members[0], default=9)
    with pytest.raises(Conflict):
        services.scores_submit(evaluation=lot.evaluation, by=lot.members[0])
    assert {s.points for s in IndividualScore.objects.all()} == {Decimal("5.00")}
    put = api_client_for(lot.members[0]).put(
        f"/api/notices/{lot.notice.pk}/evaluation/lots/0/scores",
        {"scores": [{"submission": str(lot.offers[0].pk), "criterion": lot.quality.pk,
                     "points": 9, "reason": REASON}]}, format="json")
    assert put.status_code == 409
    assert {s.points for s in IndividualScore.objects.all()} == {Decimal("5.00")}
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.SCORES_SUBMITTED)
    assert event.by == lot.members[0] and event.data == {"member": lot.members[0].pk,
                                                         "scores": 6}


def test_the_individual_scores_stay_locked_after_scoring(lot: Lot) -> None:
    score_all(lot)
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.CONSENSUS
    before = list(IndividualScore.objects.order_by("pk").values_list("points", "reason"))
    for member in lot.members:
        with pytest.raises(Conflict):
            fill(lot, member, default=1)
    assert list(IndividualScore.objects.order_by("pk").values_list("points", "reason")) == before


def test_only_committee_members_score(lot: Lot) -> None:
    with pytest.raises(Forbidden):
        fill(lot, lot.officer)


def test_the_last_submission_moves_the_lot_to_consensus_with_one_event(lot: Lot) -> None:
    for member in lot.members[:2]:
        fill(lot, member)
        services.scores_submit(evaluation=lot.evaluation, by=member)
    fill(lot, lot.members[2])
    with one_event_per_transition() as changes:
        services.scores_submit(evaluation=lot.evaluation, by=lot.members[2])
    assert changes == [Change("evaluation", str(lot.evaluation.pk), "scoring", "consensus")]
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.SCORING_COMPLETED)
    assert event.data["members"] == [m.pk for m in lot.members]


def test_a_member_who_declares_a_conflict_is_not_waited_for(lot: Lot) -> None:
    for member in lot.members[:2]:
        fill(lot, member)
        services.scores_submit(evaluation=lot.evaluation, by=member)
    with pytest.raises(ApplicationError) as caught:
        services.scoring_complete(evaluation=lot.evaluation, by=lot.officer)
    assert lot.members[2].full_name in caught.value.message
    # The third member finds a conflict of interest and leaves the evaluation.
    from evaluation.models import ImpartialityDeclaration

    ImpartialityDeclaration.objects.filter(user=lot.members[2]).delete()
    declare(lot.notice, lot.members[2], conflict=True)
    with one_event_per_transition() as changes:
        services.scoring_complete(evaluation=lot.evaluation, by=lot.officer)
    assert [c.new for c in changes] == ["consensus"]
