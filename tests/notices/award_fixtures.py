"""Award results for the export tests: a published contract notice with its award criteria,
opened bids, sent award decisions (winner, framework, no award) with their contracts, and the
published award notice (kind "can", `award_for` the contract notice).

The award services (evaluation/award, evaluation/contract) are built elsewhere; until they
are merged these rows are written with the ORM, and the decision's status moves with
`award_flip` as those services do. Bids are written as opened rows directly (sealing and
opening real envelopes is what tests/evaluation/conftest.py does, and slow).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import CompanySize, Organization, OrganizationKind, User
from bids.models import Manifest, Submission, SubmissionStatus
from bids.opening.models import OpenedBid, OpenedBidStatus, OpeningSession, OpeningStatus
from evaluation.award.models import (
    AwardDecision,
    AwardOutcome,
    AwardStatus,
    AwardWinner,
    Contract,
)
from evaluation.award.transitions import award_flip
from evaluation.models import LotEvaluation
from notices import services as notices
from notices.models import Notice

DAY = timedelta(days=1)
SUPPLIERS = [("Fjordbygg AS", CompanySize.SMALL), ("Nordlys Renhold AS", CompanySize.LARGE),
             ("Vestkyst Service AS", CompanySize.MICRO)]


def with_model(notice: Notice, officer: User) -> Notice:
    """Give every lot of a draft the award criteria price 40 %, quality 30 %, climate 30 %,
    and publish it."""
    from evaluation.criteria import services as criteria
    from tests.evaluation.criteria_helpers import terms, weighted

    numbers = [lot.number for lot in notice.lots.all()] or [0]
    for number in numbers:
        criteria.evaluation_model_set(notice=notice, by=officer, lot_number=number,
                                      terms=terms(), criteria=weighted())
    return notices.notice_publish(notice=notice, by=officer)


def add_bids(notice: Notice, *, rejected: int = 0) -> list[Submission]:
    """Opened bids of the suppliers in SUPPLIERS (the last `rejected` of them rejected)."""
    from tests.conftest import make_org

    now = timezone.now()
    manifest = Manifest.objects.create(notice=notice, number=1, manifest={}, manifest_hash="0" * 64,
                                       published_at=now - 20 * DAY)
    session = OpeningSession.objects.create(
        notice=notice, status=OpeningStatus.OPENED, started_at=now - 10 * DAY,
        deadline=now - 10 * DAY, public_key="04" + "0" * 128, key_expires_at=now,
        finished_at=now - 10 * DAY)
    bids = []
    for index, (name, size) in enumerate(SUPPLIERS):
        org = make_org(OrganizationKind.SUPPLIER, name)
        Organization.objects.filter(pk=org.pk).update(company_size=size, nuts="NO081",
                                                      postal_code="0150")
        status = (SubmissionStatus.REJECTED if index >= len(SUPPLIERS) - rejected
                  else SubmissionStatus.OPENED)
        context = {"notice": notice.pk, "supplier": org.pk}
        bid = Submission.objects.create(
            notice=notice, supplier=org, status=status, manifest=manifest, context=context,
            context_hash=hashlib.sha256(str(context).encode()).hexdigest(),
            received_at=now - (12 - index) * DAY, created_at=now - (12 - index) * DAY)
        OpenedBid.objects.create(session=session, submission=bid, status=OpenedBidStatus.OPENED,
                                 opened_at=now - 10 * DAY)
        bids.append(Submission.objects.select_related("supplier").get(pk=bid.pk))
    return bids


@dataclass
class Win:
    bid: Submission
    value: Decimal
    contract: bool = True


def decide(notice: Notice, officer: User, *, lot_number: int = 0,
           outcome: str = AwardOutcome.WINNER, wins: list[Win] | None = None,
           reason: str = "", sent_at: datetime | None = None,
           signed_on: date | None = None) -> AwardDecision:
    """A sent award decision for one lot, with its winners and their contracts."""
    sent_at = sent_at or timezone.now() - 5 * DAY
    evaluation, _created = LotEvaluation.objects.get_or_create(
        notice=notice, lot_number=lot_number,
        defaults={"started_at": sent_at - 5 * DAY, "started_by": officer})
    decision = AwardDecision.objects.create(
        notice=notice, evaluation=evaluation, lot_number=lot_number, outcome=outcome,
        no_award_reason=reason, created_at=sent_at - DAY, created_by=officer)
    for rank, win in enumerate(wins or [], start=1):
        AwardWinner.objects.create(decision=decision, submission=win.bid,
                                   supplier=win.bid.supplier, rank=rank, value=win.value)
    award_flip(decision, AwardStatus.DRAFT, AwardStatus.SENT, by=officer, at=sent_at,
               sent_at=sent_at, sent_by=officer, standstill_days=10,
               standstill_end=sent_at + 11 * DAY)
    signed = signed_on or timezone.localdate() - DAY
    for win in wins or []:
        if win.contract:
            Contract.objects.create(
                notice=notice, decision=decision, lot_number=lot_number,
                supplier=win.bid.supplier, title=f"Avtale om {notice.title.lower()}",
                value=win.value, signed_on=signed, starts_on=signed + DAY,
                ends_on=signed + 730 * DAY, duration_months=24, recorded_at=timezone.now(),
                recorded_by=officer)
    return decision


def publish_award_notice(make_notice: Any, contract_notice: Notice, officer: User) -> Notice:
    """The award notice of the contract notice, published now."""
    award = make_notice(publish=False, kind="can", title=f"Tildeling: {contract_notice.title}",
                        cpv_main=contract_notice.cpv_main,
                        contract_type=contract_notice.contract_type)
    Notice.objects.filter(pk=award.pk).update(award_for=contract_notice)
    award.refresh_from_db()
    award = notices.notice_publish(notice=award, by=officer)
    award.refresh_from_db()
    return award
