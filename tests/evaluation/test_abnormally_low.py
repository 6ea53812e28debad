"""Abnormally low offers: flagged from the prices (evaluation.scoring.abnormally_low, thresholds
from the settings), the committee asks for an explanation (a clarification request of that
kind), then accepts with a reason or rejects on the ground "abnormally low" (FOA § 24-9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from backend.errors import Conflict, Forbidden
from bids.models import SubmissionStatus
from evaluation import selectors
from evaluation.models import EvaluationEvent, EvaluationEventKind, LotEvaluation
from evaluation.qualification.models import AbnormallyLowAcceptance, ClarificationKind
from evaluation.qualification.services import (
    abnormally_low_accept,
    abnormally_low_ask,
    abnormally_low_flags,
    bid_reject,
    clarification_answer,
)
from tests.evaluation.conftest import Opened


@pytest.fixture
def priced(cleared: Opened, monkeypatch: pytest.MonkeyPatch) -> Opened:
    """Prices as the scoring would record them: Fjordbygg 500 000, Nordlys 1 000 000."""
    prices = {str(cleared.bids[0].pk): Decimal("500000"),
              str(cleared.bids[1].pk): Decimal("1000000")}
    monkeypatch.setattr(selectors, "offer_prices", lambda evaluation: dict(prices))
    return cleared


def lot(tender: Opened) -> LotEvaluation:
    return LotEvaluation.objects.get(notice=tender.notice)


def test_it_flags_by_the_thresholds_of_the_settings(cleared: Opened, settings: Any) -> None:
    low, high = (str(b.pk) for b in cleared.bids)
    prices = {low: Decimal("650000"), high: Decimal("1000000")}
    # 35 % below the other and below the next: flagged by "next" (30 %), not by average (40 %).
    [flag] = abnormally_low_flags(evaluation=lot(cleared), prices=prices)
    assert (flag.submission_id, flag.price, flag.codes) == (low, Decimal("650000"),
                                                            ("below_next",))
    assert flag.reasons and "35" in flag.reasons[0]
    settings.EVALUATION_ABNORMALLY_LOW_BELOW_NEXT = 0.36
    assert abnormally_low_flags(evaluation=lot(cleared), prices=prices) == []
    settings.EVALUATION_ABNORMALLY_LOW_BELOW_AVERAGE = 0.30
    [flag] = abnormally_low_flags(evaluation=lot(cleared), prices=prices)
    assert flag.codes == ("below_average",)


def test_rejected_bids_and_missing_prices_do_not_count(cleared: Opened) -> None:
    low, high = (str(b.pk) for b in cleared.bids)
    assert abnormally_low_flags(evaluation=lot(cleared), prices={low: Decimal(1)}) == []
    bid_reject(submission=cleared.bids[1], ground="late", reasons="For sent.",
               by=cleared.officer)
    prices = {low: Decimal("100"), high: Decimal("1000000")}
    assert abnormally_low_flags(evaluation=lot(cleared), prices=prices) == []


def test_the_committee_asks_then_accepts_with_a_reason(priced: Opened,
                                                       later: Callable[..., Any]) -> None:
    evaluation, bid = lot(priced), priced.bids[0]
    with pytest.raises(Conflict) as early:
        abnormally_low_accept(evaluation=evaluation, submission=bid, reason="Greit.",
                              by=priced.officer)
    assert early.value.code == "explanation_first"
    request = abnormally_low_ask(evaluation=evaluation, submission=bid,
                                 question="Forklar prisen.", deadline=later(days=2),
                                 by=priced.member)
    assert request.kind == ClarificationKind.ABNORMALLY_LOW
    flagged = EvaluationEvent.objects.get(kind=EvaluationEventKind.ABNORMALLY_LOW_FLAGGED)
    assert flagged.evaluation == evaluation
    assert flagged.data["flag"]["flagged"] is True
    assert flagged.data["flag"]["price"] == "500000"
    with pytest.raises(Conflict):  # still waiting for the answer
        abnormally_low_accept(evaluation=evaluation, submission=bid, reason="Greit.",
                              by=priced.officer)
    clarification_answer(request=request, by=bid.created_by, answer="Egne maskiner.")
    with pytest.raises(Forbidden):
        abnormally_low_accept(evaluation=evaluation, submission=bid, reason="Greit.",
                              by=priced.member)
    acceptance = abnormally_low_accept(evaluation=evaluation, submission=bid,
                                       reason="Forklaringen er god.", by=priced.officer)
    assert (acceptance.price, acceptance.reason) == (Decimal("500000"), "Forklaringen er god.")
    assert EvaluationEvent.objects.filter(
        kind=EvaluationEventKind.ABNORMALLY_LOW_ACCEPTED, evaluation=evaluation).count() == 1
    with pytest.raises(Conflict):
        abnormally_low_accept(evaluation=evaluation, submission=bid, reason="Igjen.",
                              by=priced.officer)


def test_or_rejects_on_that_ground_once_the_deadline_has_passed(
        priced: Opened, later: Callable[..., Any]) -> None:
    evaluation, bid = lot(priced), priced.bids[0]
    request = abnormally_low_ask(evaluation=evaluation, submission=bid,
                                 question="Forklar prisen.", deadline=later(days=2),
                                 by=priced.member)
    request.__class__.objects.filter(pk=request.pk).update(
        deadline=request.asked_at + timedelta(milliseconds=1))
    rejection = bid_reject(submission=bid, ground="abnormally_low",
                           reasons="Ingen forklaring innen fristen.", by=priced.officer)
    assert rejection.ground == "abnormally_low"
    bid.refresh_from_db()
    assert bid.status == SubmissionStatus.REJECTED
    assert not AbnormallyLowAcceptance.objects.exists()


def test_the_flag_page_and_api(priced: Opened, api_for: Callable[[Any], Any],
                               later: Callable[..., Any]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(priced.member)
    url = f"/evaluation/notices/{priced.notice.pk}/lots/0/abnormally-low/"
    page = client.get(url).content.decode()
    assert f'id="flag-{priced.bids[0].pk}"' in page
    assert f'id="flag-{priced.bids[1].pk}"' not in page
    deadline = later(days=2).astimezone().strftime("%Y-%m-%d %H:%M")
    prefix = f"a{str(priced.bids[0].pk)[:8]}"
    asked = client.post(f"{url}{priced.bids[0].pk}/ask/", {
        f"{prefix}-question": "Forklar prisen.", f"{prefix}-deadline": deadline})
    assert asked.status_code == 302
    body = api_for(priced.officer).get(
        f"/api/notices/{priced.notice.pk}/evaluation/lots/0/abnormally-low").json()
    [flag] = body["flags"]
    assert flag["submission"] == str(priced.bids[0].pk)
    assert flag["codes"] == ["below_average", "below_next"]
    assert (flag["explained"], flag["accepted"]) == (False, False)
    assert body["below_average"] == 0.40 and body["prices_known"] == 2
