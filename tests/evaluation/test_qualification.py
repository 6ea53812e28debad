"""Qualification: a verdict per bid and requirement with reason and document, the matrix,
and the edge from qualification to scoring (only when every bid not rejected has a verdict on
every requirement of the lot and fails none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import Organization, User
from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation import selectors
from evaluation.models import EvaluationEvent, EvaluationEventKind, EvaluationStatus, LotEvaluation
from evaluation.qualification.models import RequirementAssessment
from evaluation.qualification.services import bid_reject, requirement_assess
from evaluation.services import evaluation_qualification_complete, evaluation_start
from tests.evaluation.conftest import Opened, add_requirements, declare, open_tender
from tests.transitions_check import Change, one_event_per_transition


def assess_all(tender: Opened, verdict: str = "pass", *, bids: Any = None) -> None:
    for bid in bids or tender.bids:
        for requirement in tender.requirements:
            requirement_assess(submission=bid, requirement=requirement, verdict=verdict,
                               reason="Tre referanser av rett art og størrelse.",
                               document=selectors.file_names(bid)[0], by=tender.officer)


def lot(tender: Opened, number: int = 0) -> LotEvaluation:
    return LotEvaluation.objects.get(notice=tender.notice, lot_number=number)


def test_it_records_a_verdict_with_reason_and_document(cleared: Opened) -> None:
    bid, requirement = cleared.bids[0], cleared.requirements[0]
    assessment = requirement_assess(submission=bid, requirement=requirement, verdict="pass",
                                    reason="Tre referanser.", document="referanser.pdf",
                                    by=cleared.member)
    assert (assessment.verdict, assessment.document, assessment.assessed_by) == (
        "pass", "referanser.pdf", cleared.member)
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.REQUIREMENT_ASSESSED)
    assert event.data["verdict"] == "pass" and event.data["submission"] == str(bid.pk)
    assert event.data["previous"] is None
    again = requirement_assess(submission=bid, requirement=requirement, verdict="fail",
                               reason="Referansene er for små.", by=cleared.member)
    assert RequirementAssessment.objects.get().verdict == "fail" == again.verdict
    assert EvaluationEvent.objects.filter(
        kind=EvaluationEventKind.REQUIREMENT_ASSESSED).last().data["previous"] == "pass"


@pytest.mark.parametrize(("verdict", "reason", "document", "field"), [
    ("pass", "Ok.", "", "document"),                 # a pass names its evidence
    ("pass", "Ok.", "finnes-ikke.pdf", "document"),  # a file of the bid
    ("pass", "", "tilbud.pdf", "reason"),
    ("maybe", "Ok.", "", "verdict"),
    ("fail", "Ok.\x00", "", "reason"),
])
def test_it_refuses_a_verdict_without_what_it_needs(cleared: Opened, verdict: str, reason: str,
                                                     document: str, field: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        requirement_assess(submission=cleared.bids[0], requirement=cleared.requirements[0],
                           verdict=verdict, reason=reason, document=document,
                           by=cleared.member)
    assert field in refused.value.fields
    assert not RequirementAssessment.objects.exists()


def test_only_cleared_evaluators_assess(started: Opened, other_officer: User) -> None:
    for who in (started.member, other_officer):  # not declared; another authority
        with pytest.raises(Forbidden):
            requirement_assess(submission=started.bids[0],
                               requirement=started.requirements[0], verdict="fail",
                               reason="Nei.", by=who)


def test_it_needs_a_started_evaluation(opened: Opened) -> None:
    declare(opened.notice, opened.member)
    with pytest.raises(Conflict) as refused:
        requirement_assess(submission=opened.bids[0], requirement=opened.requirements[0],
                           verdict="fail", reason="Nei.", by=opened.member)
    assert refused.value.code == "not_started"


def test_the_matrix_shows_bids_by_requirements(cleared: Opened) -> None:
    requirement_assess(submission=cleared.bids[0], requirement=cleared.requirements[1],
                       verdict="fail", reason="Mangler godkjenning.", by=cleared.member)
    matrix = selectors.qualification_matrix(lot(cleared))
    assert [r.title for r in matrix.requirements] == ["Referanser fra tre oppdrag",
                                                      "Sentral godkjenning"]
    assert [row.submission.supplier.name for row in matrix.rows] == [
        "Fjordbygg AS", "Nordlys Renhold AS"]
    first = matrix.rows[0].cells
    assert first[0][1] is None and first[1][1].verdict == "fail"
    assert matrix.missing == 3
    assert [row.submission for row in matrix.failed_unrejected] == [cleared.bids[0]]


def test_it_completes_the_qualification_when_every_verdict_is_given(cleared: Opened) -> None:
    evaluation = lot(cleared)
    with pytest.raises(Conflict) as refused:
        evaluation_qualification_complete(evaluation=evaluation, by=cleared.officer)
    assert refused.value.code == "qualification_incomplete"
    assert "4 verdicts are still missing." in refused.value.messages
    assess_all(cleared)
    with one_event_per_transition() as changes:
        evaluation_qualification_complete(evaluation=evaluation, by=cleared.officer)
    assert changes == [Change("evaluation", str(evaluation.pk), "qualification", "scoring")]
    assert evaluation.status == EvaluationStatus.SCORING
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.QUALIFICATION_COMPLETED)
    assert sorted(event.data["offers"]) == sorted(str(b.pk) for b in cleared.bids)
    # Verdicts are final now.
    with pytest.raises(Conflict) as closed:
        requirement_assess(submission=cleared.bids[0], requirement=cleared.requirements[0],
                           verdict="fail", reason="Likevel ikke.", by=cleared.officer)
    assert closed.value.code == "qualification_complete"
    with pytest.raises(Conflict):
        evaluation_qualification_complete(evaluation=evaluation, by=cleared.officer)


def test_a_failing_bid_is_rejected_before_scoring_and_then_skipped(cleared: Opened) -> None:
    assess_all(cleared, bids=[cleared.bids[0]])
    for requirement in cleared.requirements:
        requirement_assess(submission=cleared.bids[1], requirement=requirement,
                           verdict="fail", reason="Ingen referanser.", by=cleared.officer)
    evaluation = lot(cleared)
    with pytest.raises(Conflict) as refused:
        evaluation_qualification_complete(evaluation=evaluation, by=cleared.officer)
    assert any("Nordlys Renhold AS" in line for line in refused.value.messages)
    bid_reject(submission=cleared.bids[1], ground="not_qualified",
               reasons="Ingen referanser.", by=cleared.officer)
    evaluation_qualification_complete(evaluation=evaluation, by=cleared.officer)
    assert list(selectors.offers_of(evaluation)) == [cleared.bids[0]]


def test_a_member_does_not_complete_the_qualification(cleared: Opened) -> None:
    assess_all(cleared)
    with pytest.raises(Forbidden):
        evaluation_qualification_complete(evaluation=lot(cleared), by=cleared.member)
    assert lot(cleared).status == EvaluationStatus.QUALIFICATION


def test_a_lots_requirements_count_only_in_that_lot(officer: User, members: list[User],
                                                    authority: Organization,
                                                    supplier: Organization,
                                                    supplier_user: User) -> None:
    lots = [{"title": "Nord", "cpv": "45000000"}, {"title": "Sør", "cpv": "45000000"}]
    tender = open_tender(officer=officer, members=members, buyer=authority, lots=lots,
                         bidders=[(supplier, supplier_user, {"a.pdf": b"a"})])
    every, north = add_requirements(tender.notice, (None, "Skatteattest"), (1, "Båtførerbevis"))
    evaluation_start(notice=tender.notice, by=officer)
    declare(tender.notice, officer)
    bid = tender.bids[0]
    requirement_assess(submission=bid, requirement=every, verdict="pass", reason="Ok.",
                       document="a.pdf", by=officer)
    south = lot(tender, 2)
    evaluation_qualification_complete(evaluation=south, by=officer)  # lot 2: one requirement
    with pytest.raises(Conflict):  # lot 1 also needs its own requirement
        evaluation_qualification_complete(evaluation=lot(tender, 1), by=officer)
    with pytest.raises(Conflict) as closed:  # lot 2 is at scoring: the shared verdict is final
        requirement_assess(submission=bid, requirement=every, verdict="fail", reason="Nei.",
                           by=officer)
    assert closed.value.code == "qualification_complete"
    requirement_assess(submission=bid, requirement=north, verdict="pass", reason="Ok.",
                       document="a.pdf", by=officer)
    evaluation_qualification_complete(evaluation=lot(tender, 1), by=officer)


# --- the API ----------------------------------------------------------------------------------


def test_the_api_assesses_and_shows_the_matrix(cleared: Opened,
                                               api_for: Callable[[Any], Any]) -> None:
    client = api_for(cleared.member)
    base = f"/api/notices/{cleared.notice.pk}/evaluation"
    bid = cleared.bids[0]
    response = client.post(f"{base}/bids/{bid.pk}/assessments", {
        "requirement": cleared.requirements[0].pk, "verdict": "pass", "reason": "Ok.",
        "document": "referanser.pdf"}, format="json")
    assert response.status_code == 201, response.json()
    bad = client.post(f"{base}/bids/{bid.pk}/assessments", {
        "requirement": cleared.requirements[0].pk, "verdict": "pass", "reason": "Ok."},
        format="json")
    assert bad.status_code == 400 and "document" in bad.json()["error"]["fields"]
    matrix = client.get(f"{base}/lots/0/qualification").json()
    assert matrix["missing"] == 3
    assert matrix["bids"][0]["cells"][0]["verdict"] == "pass"
    assert matrix["bids"][0]["cells"][1] is None
    detail = client.get(f"{base}/bids/{bid.pk}").json()
    assert [f["name"] for f in detail["files"]] == ["tilbud.pdf", "referanser.pdf"]
    assert detail["requirements"][0]["assessment"]["document"] == "referanser.pdf"
    done = api_for(cleared.officer).post(f"{base}/lots/0/complete")
    assert done.status_code == 409 and done.json()["error"]["code"] == "qualification_incomplete"
