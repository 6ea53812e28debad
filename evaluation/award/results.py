"""The results of a procurement per lot, as the award notice publishes them and the eForms
(subtypes 29 and E4) and OCDS exports carry them: one read model, one place.

A lot is *concluded* when its live decision was sent and either every winner has a recorded
contract, or the decision is "no award". Counts of offers follow eForms BT-759 (received),
BT-760 with code "tenders-sme" (from small and medium-sized enterprises) and "t-esubm"
(received electronically: every bid in Anbud is). Bids have no lot selection yet, so every
opened bid counts as an offer on every lot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from accounts.models import CompanySize
from bids.models import SubmissionStatus
from evaluation.award.models import AwardDecision, AwardOutcome, AwardStatus, Contract
from evaluation.selectors import opened_bids
from notices.models import Notice

SME_SIZES = frozenset({CompanySize.MICRO, CompanySize.SMALL, CompanySize.MEDIUM})
# The EEA (the EU, Iceland, Liechtenstein and Norway): eForms counts tenders from other EEA
# countries (t-oth-eea) and from outside the EEA (t-no-eea) apart.
EEA_COUNTRIES = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"})


@dataclass(frozen=True)
class WinnerResult:
    supplier_id: int
    name: str
    org_number: str
    country: str
    company_size: str
    offered_value: Decimal | None
    contract_id: int | None = None
    contract_value: Decimal | None = None
    signed_on: date | None = None
    contract_title: str = ""
    # Added for the eForms and OCDS exports (BT-171 rank, BT-3201 tender reference, the
    # contract period of OCDS contracts[].period).
    rank: int | None = None
    submission_id: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    duration_months: int | None = None

    @property
    def value(self) -> Decimal | None:
        return self.contract_value if self.contract_value is not None else self.offered_value


@dataclass(frozen=True)
class LotResult:
    lot_number: int
    lot_title: str
    outcome: str                   # AwardOutcome value, or "" while no decision was sent
    decision_id: int | None
    sent_at: datetime | None
    standstill_end: datetime | None
    no_award_reason: str
    offers_received: int
    offers_sme: int
    offers_electronic: int
    offers_rejected: int
    winners: list[WinnerResult] = field(default_factory=list)
    # For eForms BT-760 (t-large, t-oth-eea, t-no-eea): offers not from SMEs (large or of
    # unstated size), from EEA countries other than the buyer's, and from outside the EEA.
    offers_large: int = 0
    offers_other_eea: int = 0
    offers_non_eea: int = 0

    @property
    def concluded(self) -> bool:
        if self.decision_id is None:
            return False
        if self.outcome == AwardOutcome.NO_AWARD:
            return True
        return bool(self.winners) and all(w.contract_id is not None for w in self.winners)

    @property
    def total_value(self) -> Decimal | None:
        values = [w.value for w in self.winners if w.value is not None]
        return sum(values, Decimal(0)) if values else None


def _lots(notice: Notice) -> list[tuple[int, str]]:
    lots = [(lot.number, lot.title) for lot in notice.lots.all()]
    return lots or [(0, notice.title)]


def award_results_of(notice: Notice) -> list[LotResult]:
    """Per lot of the contract notice: the sent decision (if any), winners with their
    contracts, and the counts of offers."""
    bids = list(opened_bids(notice))
    received = len(bids)
    sme = sum(1 for bid in bids if bid.supplier.company_size in SME_SIZES)
    rejected = sum(1 for bid in bids if bid.status == SubmissionStatus.REJECTED)
    # eForms requires tenders = t-sme + t-large (BR-BT-13713-0124): an offer from a supplier
    # that has not stated its size is not counted as an SME, so it counts as large.
    large = received - sme
    home = notice.buyer.country or "NO"
    other_eea = sum(1 for bid in bids if bid.supplier.country != home
                    and bid.supplier.country in EEA_COUNTRIES)
    non_eea = sum(1 for bid in bids if bid.supplier.country not in EEA_COUNTRIES)
    decisions = {d.lot_number: d for d in AwardDecision.objects.filter(
        notice=notice, status=AwardStatus.SENT).prefetch_related("winners__supplier")}
    contracts = {(c.decision_id, c.supplier_id): c
                 for c in Contract.objects.filter(notice=notice)}
    results = []
    for number, title in _lots(notice):
        decision = decisions.get(number)
        winners = []
        if decision is not None:
            for winner in decision.winners.all():
                contract = contracts.get((decision.pk, winner.supplier_id))
                supplier = winner.supplier
                winners.append(WinnerResult(
                    supplier_id=supplier.pk, name=supplier.name,
                    org_number=supplier.org_number or supplier.national_id,
                    country=supplier.country, company_size=supplier.company_size,
                    offered_value=winner.value,
                    contract_id=contract.pk if contract else None,
                    contract_value=contract.value if contract else None,
                    signed_on=contract.signed_on if contract else None,
                    contract_title=contract.title if contract else "",
                    rank=winner.rank, submission_id=str(winner.submission_id),
                    starts_on=contract.starts_on if contract else None,
                    ends_on=contract.ends_on if contract else None,
                    duration_months=contract.duration_months if contract else None))
        results.append(LotResult(
            lot_number=number, lot_title=title,
            outcome=decision.outcome if decision else "",
            decision_id=decision.pk if decision else None,
            sent_at=decision.sent_at if decision else None,
            standstill_end=decision.standstill_end if decision else None,
            no_award_reason=decision.no_award_reason if decision else "",
            offers_received=received, offers_sme=sme, offers_electronic=received,
            offers_rejected=rejected, winners=winners, offers_large=large,
            offers_other_eea=other_eea, offers_non_eea=non_eea))
    return results
