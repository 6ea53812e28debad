"""Reads of prices, scores, consensus and ranking, with the blind-scoring rule in one place.

The rule: until every member has submitted (the lot evaluation has left `scoring`), a member
sees only their own score sheet and nobody else sees any individual score, whatever the route
(web, API). Afterwards every cleared evaluator sees all of them, with the divergence flags.
`evaluation_for_work` is the gate every route of evaluation/scores goes through: the notice
must be visible, the person an evaluator (404 otherwise: an evaluation is not public), and
cleared by an impartiality declaration (403: a conflict or no declaration yet).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import AnyUser
from backend.errors import Forbidden, NotFound
from bids.models import CommitteeMember, SignedTreeHead, Submission
from bids.opening.models import OpenedBid, OpenedBidStatus
from evaluation import permissions
from evaluation.criteria.models import AwardCriterion, CriterionKind
from evaluation.criteria.selectors import award_criteria_of, scoring_model_of
from evaluation.models import ImpartialityDeclaration, LotEvaluation
from evaluation.scores.models import ConsensusScore, IndividualScore, PriceEntry, ScoreSheet
from evaluation.scoring import TIE_BREAK_RULE, Model, Offer, divergence, price_scores
from notices.models import Notice
from notices.selectors import notice_get_visible

AMOUNT_KINDS = frozenset({CriterionKind.PRICE, CriterionKind.COST})
POINTS_KINDS = frozenset({CriterionKind.QUALITY, CriterionKind.CLIMATE})
MAX_POINTS = Decimal("10")
# The structured price forms read from an opened bid (docs/price-form.md).
PRICE_FORM_NAMES = ("prices.json", "price-form.csv")
# Where the ranking's draw (tie-break step 4) takes its seed from.
SEED_SOURCE = "deadline-signed-tree-head-root"

Cell = tuple[str, int]  # (submission id, criterion id)


# --- the gate ---------------------------------------------------------------------------------


def evaluation_for_work(*, notice_id: int | str, lot_number: int,
                        user: AnyUser) -> LotEvaluation:
    """The lot evaluation, for someone who may read bid content and scores of it.

    404: the notice is not visible, the person takes no part in the evaluation (an
    evaluation is not public), or the lot has no evaluation. 403: an evaluator who declared a
    conflict of interest, or has not declared yet."""
    notice = notice_get_visible(pk=notice_id, user=user)
    if not permissions.may_see_evaluation(user, notice):
        raise NotFound(_("No such evaluation."))
    evaluation = LotEvaluation.objects.filter(notice=notice, lot_number=lot_number).first()
    if evaluation is None:
        raise NotFound(_("The evaluation of this lot has not started."))
    evaluation.notice = notice
    if permissions.has_conflict(user, notice):
        raise Forbidden(_("You declared a conflict of interest for this procurement, so you "
                          "have no access to its bids and scores."))
    if not permissions.may_work_on_evaluation(user, notice):
        if permissions.is_evaluator(user, notice):
            raise Forbidden(_("Declare your impartiality for this procurement before you see "
                              "bids and scores."))
        raise Forbidden(_("Only the committee and the procurement officers who have declared "
                          "their impartiality see bids and scores."))
    return evaluation


# --- offers and criteria ----------------------------------------------------------------------


def offers_of(evaluation: LotEvaluation) -> list[Submission]:
    """The offers being scored in this lot, in order of receipt: evaluation.selectors.offers_of
    (opened bids, minus rejected ones) is the one home of that rule."""
    from evaluation import selectors as core

    return list(core.offers_of(evaluation))


def criteria_of(evaluation: LotEvaluation) -> list[AwardCriterion]:
    return list(award_criteria_of(evaluation.notice, evaluation.lot_number).order_by("position"))


def amount_criteria(criteria: list[AwardCriterion]) -> list[AwardCriterion]:
    """Price and cost criteria: an amount in NOK per offer, scored by the published formula."""
    return [c for c in criteria if c.kind in AMOUNT_KINDS]


def points_criteria(criteria: list[AwardCriterion]) -> list[AwardCriterion]:
    """Quality and climate criteria: points 0-10 from each member, then by consensus."""
    return [c for c in criteria if c.kind in POINTS_KINDS]


def opened_files(submission: Submission) -> list[str]:
    """The file names of an opened bid (the document references a price may cite)."""
    bid = OpenedBid.objects.filter(submission=submission, status=OpenedBidStatus.OPENED).first()
    return [str(entry.get("name", "")) for entry in (bid.files if bid else [])]


def price_form_index(submission: Submission) -> tuple[int, str] | None:
    """(file index, name) of the bid's structured price form, if it has one."""
    bid = OpenedBid.objects.filter(submission=submission, status=OpenedBidStatus.OPENED).first()
    for index, entry in enumerate(bid.files if bid else []):
        name = str(entry.get("name", ""))
        if PurePosixPath(name).name.lower() in PRICE_FORM_NAMES:
            return index, name
    return None


# --- members and their sheets ----------------------------------------------------------------


def scoring_members(notice: Notice) -> list[User]:
    """Who must score: the active committee members, except those who declared a conflict
    (they are shut out). A member who has not declared yet is still waited for."""
    conflicted = set(ImpartialityDeclaration.objects.filter(
        notice=notice, has_conflict=True).values_list("user_id", flat=True))
    seats = (CommitteeMember.objects.filter(committee__notice=notice, removed_at__isnull=True)
             .select_related("user").order_by("added_at", "pk"))
    return [seat.user for seat in seats if seat.user_id not in conflicted]


@dataclass(frozen=True)
class MemberProgress:
    """Whether a member has submitted; never their scores."""

    member: User
    declared: bool
    submitted_at: Any


def scoring_progress(evaluation: LotEvaluation) -> list[MemberProgress]:
    members = scoring_members(evaluation.notice)
    submitted = dict(ScoreSheet.objects.filter(evaluation=evaluation, submitted_at__isnull=False)
                     .values_list("member_id", "submitted_at"))
    declared = set(ImpartialityDeclaration.objects.filter(
        notice_id=evaluation.notice_id, has_conflict=False).values_list("user_id", flat=True))
    return [MemberProgress(member=m, declared=m.pk in declared,
                           submitted_at=submitted.get(m.pk)) for m in members]


def all_submitted(evaluation: LotEvaluation) -> bool:
    progress = scoring_progress(evaluation)
    return bool(progress) and all(p.submitted_at is not None for p in progress)


def own_sheet(evaluation: LotEvaluation, user: AnyUser) -> ScoreSheet | None:
    if not user.is_authenticated:
        return None
    return ScoreSheet.objects.filter(evaluation=evaluation, member=user).first()


def sheets_visible(evaluation: LotEvaluation, user: AnyUser) -> QuerySet[ScoreSheet]:
    """The score sheets this person may see: all of them once every member has submitted,
    before that only their own (and none for anyone who is not cleared)."""
    sheets = ScoreSheet.objects.filter(evaluation=evaluation).select_related("member")
    if permissions.may_see_all_individual_scores(user, evaluation.notice, evaluation.status):
        return sheets.order_by("created_at", "pk")
    if not (user.is_authenticated
            and permissions.may_work_on_evaluation(user, evaluation.notice)):
        return sheets.none()
    return sheets.filter(member=user)


def scores_of(sheets: QuerySet[ScoreSheet]) -> dict[int, dict[Cell, IndividualScore]]:
    """sheet id -> {(submission id, criterion id): score}."""
    out: dict[int, dict[Cell, IndividualScore]] = defaultdict(dict)
    for row in IndividualScore.objects.filter(sheet__in=sheets):
        out[row.sheet_id][(str(row.submission_id), row.criterion_id)] = row
    return out


def divergence_threshold() -> float:
    return float(getattr(settings, "EVALUATION_DIVERGENCE_THRESHOLD", 3))


@dataclass(frozen=True)
class DivergenceFlag:
    submission_id: str
    criterion_id: int
    low: float
    high: float
    spread: float


def divergences_of(evaluation: LotEvaluation, user: AnyUser) -> list[DivergenceFlag]:
    """Offers and criteria where the members' points differ by the threshold or more; empty
    while scoring is blind (the flags would tell how others scored)."""
    if not permissions.may_see_all_individual_scores(user, evaluation.notice,
                                                     evaluation.status):
        return []
    member_scores: dict[Hashable, dict[tuple[str, str], float]] = defaultdict(dict)
    for row in IndividualScore.objects.filter(sheet__evaluation=evaluation,
                                              sheet__submitted_at__isnull=False,
                                              points__isnull=False).select_related("sheet"):
        member_scores[str(row.sheet.member_id)][(str(row.submission_id), str(row.criterion_id))] \
            = float(row.points or 0)
    flags = []
    for found in divergence(dict(member_scores), threshold=divergence_threshold()):
        flags.append(DivergenceFlag(submission_id=str(found.offer_key),
                                    criterion_id=int(found.criterion_key),
                                    low=float(found.minimum), high=float(found.maximum),
                                    spread=round(float(found.spread), 2)))
    return flags


# --- prices and consensus --------------------------------------------------------------------


def prices_of(evaluation: LotEvaluation) -> dict[Cell, PriceEntry]:
    return {(str(p.submission_id), p.criterion_id): p for p in
            PriceEntry.objects.filter(evaluation=evaluation).select_related("entered_by")}


def consensus_of(evaluation: LotEvaluation) -> dict[Cell, ConsensusScore]:
    return {(str(c.submission_id), c.criterion_id): c for c in
            ConsensusScore.objects.filter(evaluation=evaluation).select_related("recorded_by")}


def price_scores_of(evaluation: LotEvaluation) -> dict[Cell, float]:
    """The price scores (of 10) by the published formula, per criterion once every offer has
    its price there (the formulas compare each price with the others). Priced quality has no
    price score: the evaluated price is computed with the ranking."""
    offers, prices = offers_of(evaluation), prices_of(evaluation)
    model = engine_model_of(evaluation.notice, evaluation.lot_number)
    out: dict[Cell, float] = {}
    for criterion in amount_criteria(criteria_of(evaluation)):
        method = model.criterion(str(criterion.pk)).method
        cells = [(str(offer.pk), criterion.pk) for offer in offers]
        if method == "priced_quality" or not cells or any(c not in prices for c in cells):
            continue
        if any(prices[c].amount <= 0 for c in cells):
            continue
        amounts = [float(prices[c].amount) for c in cells]
        out.update(zip(cells, price_scores(method, amounts), strict=True))
    return out


def missing_prices(evaluation: LotEvaluation) -> list[tuple[Submission, AwardCriterion]]:
    prices = prices_of(evaluation)
    return [(offer, c) for c in amount_criteria(criteria_of(evaluation))
            for offer in offers_of(evaluation) if (str(offer.pk), c.pk) not in prices]


def missing_consensus(evaluation: LotEvaluation) -> list[tuple[Submission, AwardCriterion]]:
    agreed = consensus_of(evaluation)
    return [(offer, c) for c in points_criteria(criteria_of(evaluation))
            for offer in offers_of(evaluation) if (str(offer.pk), c.pk) not in agreed]


# --- the engine's view of the lot ------------------------------------------------------------


def engine_model_of(notice: Notice, lot_number: int) -> Model:
    """The published award criteria of a lot as the scoring engine's Model (keys: criterion
    ids), checked against the frozen model: evaluation.criteria.selectors is its one home."""
    return scoring_model_of(notice, lot_number)


def engine_offers(evaluation: LotEvaluation) -> list[Offer]:
    """Every offer with its price per amount criterion and its consensus points per points
    criterion (cells still missing are left out; the engine names the first one)."""
    prices, agreed = prices_of(evaluation), consensus_of(evaluation)
    criteria = criteria_of(evaluation)
    offers = []
    for offer in offers_of(evaluation):
        values: dict[str, float] = {}
        for c in criteria:
            cell = (str(offer.pk), c.pk)
            if c.kind in AMOUNT_KINDS and cell in prices:
                values[str(c.pk)] = float(prices[cell].amount)
            elif c.kind in POINTS_KINDS and cell in agreed:
                values[str(c.pk)] = float(agreed[cell].points)
        offers.append(Offer(key=str(offer.pk), values=values))
    return offers


def ranking_seed(notice: Notice) -> str | None:
    """The draw's seed: the root of the transparency log's tree head signed at the deadline.
    Fixed after the deadline by every bid received, chosen by nobody, public with its
    signature (GET /api/log/sth), so anyone can repeat the draw."""
    head = SignedTreeHead.objects.filter(notice=notice, reason="deadline").first()
    return head.root if head is not None else None


def tie_break_rule() -> str:
    """The engine's ranking and tie-break rule, in the language of the request (the bokmål
    text is the translation of the engine's exact English text)."""
    return _(TIE_BREAK_RULE)
