"""Fixtures for the contract stage: a SENT award decision.

`send_decision` stands in for the award helper's sending service (evaluation/award): it
writes the decision with the ORM, its winners, and moves the status with `award_flip`, setting
sent_at, standstill_days and standstill_end as sending does. The lead swaps it for the real
service when both are merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organization, User
from bids.models import Submission
from evaluation.award.models import AwardDecision, AwardOutcome, AwardStatus, AwardWinner
from evaluation.award.transitions import award_flip
from evaluation.models import LotEvaluation
from notices.models import Notice
from tests.evaluation.conftest import Opened


def send_decision(notice: Notice, by: User, *, lot_number: int = 0,
                  winners: list[Submission] | None = None,
                  outcome: str = AwardOutcome.WINNER, no_award_reason: str = "",
                  standstill_end: datetime | None = None, days: int = 10,
                  sent_at: datetime | None = None,
                  values: list[Decimal] | None = None) -> AwardDecision:
    """A decision for the lot, sent: winners in rank order, standstill_end as given (default:
    `days` days after sending, already past)."""
    evaluation = LotEvaluation.objects.get(notice=notice, lot_number=lot_number)
    sent = sent_at or timezone.now() - timedelta(days=days + 1)
    end = standstill_end or sent + timedelta(days=days)
    decision = AwardDecision.objects.create(
        notice=notice, evaluation=evaluation, lot_number=lot_number, outcome=outcome,
        no_award_reason=no_award_reason, letter_text="Tildeling", created_at=sent,
        created_by=by)
    for rank, bid in enumerate(winners or [], start=1):
        value = (values or [])[rank - 1] if values and len(values) >= rank else Decimal(
            "1250000.00")
        AwardWinner.objects.create(decision=decision, submission=bid, supplier=bid.supplier,
                                   rank=rank, value=value)
    award_flip(decision, AwardStatus.DRAFT, AwardStatus.SENT, by=by, at=sent,
               sent_at=sent, sent_by=by, standstill_days=days, standstill_end=end)
    decision.refresh_from_db()
    return decision


@dataclass
class Awarded:
    tender: Opened
    decision: AwardDecision

    @property
    def notice(self) -> Notice:
        return self.tender.notice

    @property
    def officer(self) -> User:
        return self.tender.officer

    @property
    def winner(self) -> Organization:
        return self.decision.winners.get(rank=1).supplier


def pdf(data: bytes = b"%PDF-1.4 signert kontrakt", name: str = "kontrakt.pdf"
        ) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def sign_kwargs(awarded: Awarded, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "decision": awarded.decision,
        "title": "Rammeavtale vedlikehold", "value": Decimal("1200000.00"),
        "signed_on": today, "starts_on": today, "ends_on": today + timedelta(days=730),
        "duration_months": 24, "options": "Opsjon på 2 x 12 måneder.",
        "document": pdf(), "by": awarded.officer,
    }
    values.update(overrides)
    if "supplier" not in values:
        values["supplier"] = awarded.winner
    return values


@pytest.fixture
def awarded(cleared: Opened) -> Awarded:
    """The cleared tender's lot 0 awarded to Fjordbygg (the first bid), letters sent 11 days
    ago, the standstill (10 days) over."""
    decision = send_decision(cleared.notice, cleared.officer, winners=[cleared.bids[0]])
    return Awarded(tender=cleared, decision=decision)


@pytest.fixture
def make_decision(cleared: Opened) -> Callable[..., AwardDecision]:
    def factory(**kwargs: Any) -> AwardDecision:
        kwargs.setdefault("winners", [cleared.bids[0]])
        return send_decision(cleared.notice, cleared.officer, **kwargs)

    return factory
