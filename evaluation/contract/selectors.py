"""Reads for the contract stage: the officer's lot page, the award notice's frozen results
(the snapshot part registered in evaluation/apps.py) and the public pages' links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from accounts.selectors import AnyUser
from backend.errors import Forbidden, NotFound
from backend.formatting import format_number
from evaluation import permissions
from evaluation.award.models import (
    AwardDecision,
    AwardOutcome,
    AwardStatus,
    AwardWinner,
    Contract,
    Suspension,
)
from evaluation.award.results import award_results_of
from notices.models import Notice, NoticeKind, NoticeStatus
from notices.rules.checks import nok

AWARD_RESULTS_KEY = "award_results"


# --- the award notice's results (frozen in its snapshot) -----------------------------------


def concluded_results(notice: Notice) -> list[dict[str, Any]]:
    """The concluded lots of a contract notice as the award notice publishes them (JSON):
    winners with organisation number and value, or "no award" with the reason, and the
    offers received, from SMEs and received electronically."""
    rows = []
    for lot in award_results_of(notice):
        if not lot.concluded:
            continue
        total = lot.total_value
        rows.append({
            "lot_number": lot.lot_number,
            "lot_title": lot.lot_title,
            "outcome": lot.outcome,
            "no_award_reason": lot.no_award_reason if lot.outcome == AwardOutcome.NO_AWARD
            else "",
            "decision_sent_at": lot.sent_at.isoformat() if lot.sent_at else None,
            "offers_received": lot.offers_received,
            "offers_sme": lot.offers_sme,
            "offers_electronic": lot.offers_electronic,
            "total_value": str(total) if total is not None else None,
            "winners": [{
                "name": w.name, "org_number": w.org_number, "country": w.country,
                "company_size": w.company_size,
                "value": str(w.value) if w.value is not None else None,
                "signed_on": w.signed_on.isoformat() if w.signed_on else None,
                "contract_title": w.contract_title,
            } for w in lot.winners],
        })
    return rows


def award_results_part(notice: Notice) -> list[dict[str, Any]] | None:
    """The snapshot part of every notice version: an award notice's results; None for any
    other notice (so their snapshots and diffs do not change)."""
    if notice.kind != NoticeKind.AWARD or notice.award_for_id is None:
        return None
    assert notice.award_for is not None
    return concluded_results(notice.award_for)


def award_results_display(value: Any) -> str:
    """The part in the change history: one line per lot."""
    if not value:
        return "—"
    lines = []
    for lot in value:
        label = (_("Lot %(n)d") % {"n": lot["lot_number"]} if lot["lot_number"]
                 else _("The contract"))
        if lot["outcome"] == AwardOutcome.NO_AWARD:
            lines.append(_("%(lot)s: no award") % {"lot": label})
        else:
            names = ", ".join(w["name"] for w in lot["winners"])
            lines.append(_("%(lot)s: %(names)s") % {"lot": label, "names": names})
    return "; ".join(lines)


@dataclass(frozen=True)
class PublishedResults:
    """What the public page of an award notice shows: the results as last published."""

    lots: list[dict[str, Any]]
    contract_notice: Notice | None


def _value_text(value: Any) -> str:
    """As amounts show elsewhere (NOK 1,250,000), with øre only when there are any."""
    if not value:
        return "—"
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return nok(amount)
    return _("NOK %(amount)s") % {"amount": format_number(float(amount), 2)}


def published_results(award_notice: Notice) -> PublishedResults | None:
    if award_notice.kind != NoticeKind.AWARD:
        return None
    version = award_notice.versions.order_by("-number").first()
    lots = list((version.snapshot if version else {}).get(AWARD_RESULTS_KEY) or [])
    for lot in lots:
        lot["is_no_award"] = lot.get("outcome") == AwardOutcome.NO_AWARD
        lot["label"] = (_("Lot %(n)d: %(title)s") % {"n": lot["lot_number"],
                                                      "title": lot["lot_title"]}
                        if lot["lot_number"] else lot["lot_title"])
        for winner in lot.get("winners") or []:
            winner["value_text"] = _value_text(winner.get("value"))
    contract_notice = award_notice.award_for
    if contract_notice is not None and contract_notice.status == NoticeStatus.DRAFT:
        contract_notice = None
    return PublishedResults(lots=lots, contract_notice=contract_notice)


def published_award_notice(notice: Notice) -> Notice | None:
    """The public award notice of a contract notice (its page links to it)."""
    return (Notice.objects.filter(award_for=notice, kind=NoticeKind.AWARD)
            .exclude(status=NoticeStatus.DRAFT).order_by("pk").first())


# --- the officer's pages ---------------------------------------------------------------------


def notice_for_contract(*, user: AnyUser, notice_id: Any) -> Notice:
    """The contract notice whose award pages the user may see: 404 for people outside the
    evaluation, 403 for an evaluator who has not declared impartiality."""
    from evaluation.selectors import notice_for_evaluation

    notice = notice_for_evaluation(user=user, notice_id=notice_id)
    if not permissions.may_see_award(user, notice):
        raise Forbidden(_("Only the procurement officers and the committee members who have "
                          "declared their impartiality see the award and the contract."))
    return notice


def notice_for_manager(*, user: AnyUser, notice_id: Any) -> Notice:
    """notice_for_contract, and 403 unless the user records complaints, contracts and the
    award notice (permissions.may_manage_contract)."""
    notice = notice_for_contract(user=user, notice_id=notice_id)
    if not permissions.may_manage_contract(user, notice):
        raise Forbidden(_("Only the procurement officers of the buyer record complaints, "
                          "contracts and the award notice."))
    return notice


def lot_numbers(notice: Notice) -> list[int]:
    return list(notice.lots.values_list("number", flat=True)) or [0]


def require_lot(notice: Notice, lot_number: int) -> None:
    if lot_number not in lot_numbers(notice):
        raise NotFound(_("This procurement has no such lot."))


def sent_decision(notice: Notice, lot_number: int) -> AwardDecision | None:
    return (AwardDecision.objects.filter(notice=notice, lot_number=lot_number,
                                         status=AwardStatus.SENT).first())


def decision_to_sign(notice: Notice, lot_number: int) -> AwardDecision | None:
    """The sent decision of the lot; else the latest one (a draft or a withdrawn one, which
    the service refuses with 409 and a reason)."""
    return sent_decision(notice, lot_number) or (
        AwardDecision.objects.filter(notice=notice, lot_number=lot_number)
        .order_by("-created_at", "-pk").first())


def live_decision(notice: Notice, lot_number: int) -> AwardDecision | None:
    return (AwardDecision.objects.filter(notice=notice, lot_number=lot_number)
            .exclude(status=AwardStatus.WITHDRAWN).first())


def suspensions_of(notice: Notice, lot_number: int) -> list[Suspension]:
    return list(Suspension.objects.filter(notice=notice, lot_number=lot_number)
                .select_related("recorded_by", "lifted_by").order_by("recorded_at", "pk"))


def contracts_of(notice: Notice, lot_number: int) -> list[Contract]:
    return list(Contract.objects.filter(notice=notice, lot_number=lot_number)
                .select_related("supplier", "recorded_by").order_by("recorded_at", "pk"))


def contract_get(*, user: AnyUser, notice: Notice, contract_id: Any) -> Contract:
    contract = Contract.objects.filter(pk=contract_id, notice=notice).first()
    if contract is None:
        raise NotFound(_("No such contract."))
    return contract


def suspension_get(*, notice: Notice, suspension_id: Any) -> Suspension:
    suspension = Suspension.objects.filter(pk=suspension_id, notice=notice).first()
    if suspension is None:
        raise NotFound(_("No such complaint or injunction."))
    return suspension


@dataclass
class LotContractPage:
    notice: Notice
    lot_number: int
    decision: AwardDecision | None
    winners: list[AwardWinner]
    unsigned: list[AwardWinner]
    suspensions: list[Suspension]
    contracts: list[Contract]
    clock: datetime
    standstill_over: bool
    refusal: str
    award_notice: Notice | None
    concluded: bool
    lots: list[int] = field(default_factory=list)

    @property
    def open_suspensions(self) -> list[Suspension]:
        return [s for s in self.suspensions if s.lifted_at is None]


def lot_contract_page(notice: Notice, lot_number: int, *, clock: datetime) -> LotContractPage:
    """Everything the contract page of a lot shows, at `clock` (the database clock)."""
    from evaluation.contract.services import refusal

    decision = sent_decision(notice, lot_number)
    winners = list(decision.winners.select_related("supplier")) if decision else []
    contracts = contracts_of(notice, lot_number)
    signed = {c.supplier_id for c in contracts if decision and c.decision_id == decision.pk}
    unsigned = [w for w in winners if w.supplier_id not in signed]
    problem = ""
    if decision is None:
        live = live_decision(notice, lot_number)
        problem = (_("The award decision is a draft; it must be sent before a contract is "
                     "signed.") if live else _("No award decision has been sent for this lot."))
    else:
        refused = refusal(decision, None, clock)
        if refused is not None:
            problem = refused.message
        elif not unsigned and decision.outcome != AwardOutcome.NO_AWARD:
            problem = _("Every winner's contract is recorded.")
    concluded = decision is not None and (
        decision.outcome == AwardOutcome.NO_AWARD or (bool(winners) and not unsigned))
    end = decision.standstill_end if decision else None
    return LotContractPage(
        notice=notice, lot_number=lot_number, decision=decision, winners=winners,
        unsigned=unsigned, suspensions=suspensions_of(notice, lot_number), contracts=contracts,
        clock=clock, standstill_over=bool(end and clock >= end), refusal=problem,
        award_notice=published_award_notice(notice), concluded=concluded,
        lots=lot_numbers(notice))
