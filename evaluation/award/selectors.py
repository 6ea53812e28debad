"""Reads of the award decision, its letters and the standstill rules.

`award_for_view` is the gate of every award page and endpoint of a lot: the notice must be
visible; the award pages are for the buyer's editors and the cleared evaluators
(permissions.may_see_award); an evaluator who has not declared, or declared a conflict of
interest, gets 403; everyone else 404 (an award draft is not public). A sent letter is read
by its recipient (the supplier's users) and by the award's readers (`letter_get`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Membership
from accounts.selectors import AnyUser
from backend.errors import Forbidden, NotFound
from bids.models import Submission
from evaluation import permissions
from evaluation.award.models import (
    AwardDecision,
    AwardLetter,
    AwardStatus,
    StandstillRule,
)
from evaluation.models import LotEvaluation
from notices.models import Notice
from notices.selectors import notice_get_visible

# --- the gate ---------------------------------------------------------------------------------


def award_for_view(*, notice_id: int | str, lot_number: int, user: AnyUser) -> LotEvaluation:
    """The lot evaluation whose award someone may see (404: not visible, no part in it, or no
    evaluation of that lot; 403: an evaluator with a conflict or not yet declared)."""
    notice = notice_get_visible(pk=notice_id, user=user)
    if permissions.has_conflict(user, notice):
        if permissions.may_see_evaluation(user, notice):
            raise Forbidden(_("You declared a conflict of interest for this procurement, so "
                              "you have no access to its award."))
        raise NotFound(_("No such evaluation."))
    if not permissions.may_see_award(user, notice):
        if permissions.is_evaluator(user, notice):
            raise Forbidden(_("Declare your impartiality for this procurement before you see "
                              "its award decision."))
        raise NotFound(_("No such evaluation."))
    evaluation = LotEvaluation.objects.filter(notice=notice, lot_number=lot_number).first()
    if evaluation is None:
        raise NotFound(_("The evaluation of this lot has not started."))
    evaluation.notice = notice
    return evaluation


# --- decisions --------------------------------------------------------------------------------


def decisions_of(evaluation: LotEvaluation) -> list[AwardDecision]:
    """Every decision of the lot, the live one and the withdrawn ones, oldest first."""
    return list(AwardDecision.objects.filter(notice_id=evaluation.notice_id,
                                             lot_number=evaluation.lot_number)
                .select_related("created_by", "sent_by", "withdrawn_by")
                .prefetch_related("winners__supplier").order_by("created_at", "pk"))


def decisions_of_notice(notice: Notice) -> QuerySet[AwardDecision]:
    return (AwardDecision.objects.filter(notice=notice)
            .prefetch_related("winners__supplier").order_by("lot_number", "created_at", "pk"))


def live_decision(evaluation: LotEvaluation) -> AwardDecision | None:
    """The draft or sent decision of the lot (at most one), if any."""
    return (AwardDecision.objects.filter(notice_id=evaluation.notice_id,
                                         lot_number=evaluation.lot_number)
            .exclude(status=AwardStatus.WITHDRAWN).prefetch_related("winners__supplier")
            .first())


def live_decision_get(evaluation: LotEvaluation) -> AwardDecision:
    """The live decision of the lot, for the pages and endpoints that act on it (404: none)."""
    decision = live_decision(evaluation)
    if decision is None:
        raise NotFound(_("This lot has no award decision."))
    decision.notice = evaluation.notice
    decision.evaluation = evaluation
    return decision


def require_decider(user: AnyUser, evaluation: LotEvaluation) -> None:
    """403 unless the user decides the award (permissions.may_decide_award)."""
    if not permissions.may_decide_award(user, evaluation.notice):
        raise Forbidden(_("Only a procurement officer of the contracting authority who has "
                          "declared no conflict of interest decides the award."))


def sent_decision_exists(evaluation: LotEvaluation) -> bool:
    """A sent (not withdrawn) decision rests on the lot's ranking."""
    return AwardDecision.objects.filter(notice_id=evaluation.notice_id,
                                        lot_number=evaluation.lot_number,
                                        status=AwardStatus.SENT).exists()


# --- standstill rules -------------------------------------------------------------------------


def standstill_rule_for(regime: str, on: date) -> StandstillRule | None:
    """The StandstillRule in force for `regime` on the Oslo date `on`: valid_from <= on and
    (no valid_to, or valid_to >= on); the latest such row wins."""
    return (StandstillRule.objects.filter(regime=regime, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("-valid_from", "-pk").first())


# --- the ranking as the award reads it --------------------------------------------------------


@dataclass(frozen=True)
class RankedOffer:
    submission_id: str
    supplier: str
    rank: int
    total: float | None
    price: Decimal | None


def ranked_offers(evaluation: LotEvaluation) -> list[RankedOffer]:
    """The kept ranking's rows (rank 1 first), with the offered price where one is known."""
    result: dict[str, Any] = evaluation.result or {}
    out = []
    for row in result.get("rows", []):
        price = row.get("price")
        mode = result.get("mode")
        total = row.get("total") if mode == "weighted" else (
            row.get("evaluated_price") if mode == "priced_quality" else row.get("total"))
        out.append(RankedOffer(
            submission_id=str(row["offer_key"]), supplier=str(row.get("supplier", "")),
            rank=int(row["rank"]), total=total,
            price=None if price is None else Decimal(str(price)).quantize(Decimal("0.01"))))
    return sorted(out, key=lambda r: r.rank)


def lowest_price(evaluation: LotEvaluation) -> RankedOffer | None:
    """The ranked offer with the lowest price (None when the ranking knows no prices)."""
    priced = [r for r in ranked_offers(evaluation) if r.price is not None]
    return min(priced, key=lambda r: (r.price, r.rank)) if priced else None


def bids_of(notice: Notice) -> list[Submission]:
    """Every bidder of the lot: every opened bid, rejected ones too (evaluation.selectors)."""
    from evaluation import selectors as core

    return list(core.opened_bids(notice))


# --- letters ---------------------------------------------------------------------------------


def letters_of(decision: AwardDecision) -> QuerySet[AwardLetter]:
    return AwardLetter.objects.filter(decision=decision).select_related("supplier").order_by(
        "sent_at", "kind", "supplier__name", "pk")


def letters_of_lot(evaluation: LotEvaluation) -> QuerySet[AwardLetter]:
    return AwardLetter.objects.filter(
        decision__notice_id=evaluation.notice_id,
        decision__lot_number=evaluation.lot_number).select_related(
        "supplier", "decision").order_by("sent_at", "kind", "supplier__name", "pk")


def letters_for_supplier_user(user: AnyUser) -> QuerySet[AwardLetter]:
    """The letters sent to the organisations the user acts for as a supplier."""
    if not user.is_authenticated:
        return AwardLetter.objects.none()
    orgs = Membership.objects.filter(user_id=user.pk, role__in=list(SUPPLIER_ROLES)
                                     ).values_list("organization_id", flat=True)
    return (AwardLetter.objects.filter(supplier_id__in=list(orgs))
            .select_related("supplier", "decision__notice").order_by("-sent_at", "pk"))


def letter_get(*, user: AnyUser, letter_id: int | str) -> AwardLetter:
    """One sent letter, for its recipient and the award's readers; 404 for anyone else."""
    try:
        letter = (AwardLetter.objects.select_related("decision__notice__buyer", "supplier")
                  .filter(pk=int(letter_id)).first())
    except (TypeError, ValueError):
        letter = None
    if letter is None:
        raise NotFound(_("No such letter."))
    notice = letter.decision.notice
    try:
        notice_get_visible(pk=notice.pk, user=user)
    except NotFound:
        raise NotFound(_("No such letter.")) from None
    if permissions.is_bid_supplier(user, letter.supplier_id):
        return letter
    if permissions.has_conflict(user, notice) or not permissions.may_read_award_letter(
            user, notice, letter.supplier_id):
        raise NotFound(_("No such letter."))
    return letter
