"""Reads of the evaluation: the lot evaluations of a notice, the bids each one evaluates, the
qualification matrix, clarification requests and rejections, for whoever may see them.

Bids: every Submission the opening opened. A submission has no lot selection, so every
opened bid is an offer on every lot. `offers_of(evaluation)` is what scoring uses: the opened
bids that are not rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.selectors import AnyUser, suppliers_of
from backend.errors import NotFound
from bids.models import Submission, SubmissionStatus
from bids.opening.models import OpenedBidStatus, OpeningSession, OpeningStatus
from evaluation import permissions
from evaluation.criteria.models import QualificationRequirement
from evaluation.criteria.selectors import requirements_of
from evaluation.impartiality.models import ExternalAdviser
from evaluation.models import (
    EvaluationStatus,
    ImpartialityDeclaration,
    LotEvaluation,
)
from evaluation.qualification.models import (
    AbnormallyLowAcceptance,
    ClarificationKind,
    ClarificationRequest,
    Rejection,
    RequirementAssessment,
    Verdict,
)
from notices.models import Notice

MAX_ID = 2**63 - 1


# --- the opening and the lot evaluations ------------------------------------------------------


def opening_finished(notice: Notice) -> bool:
    """The opening has opened the bids (bids/opening: session status opened)."""
    return OpeningSession.objects.filter(notice=notice, status=OpeningStatus.OPENED).exists()


def evaluation_list(notice: Notice) -> list[LotEvaluation]:
    return list(LotEvaluation.objects.filter(notice=notice).order_by("lot_number"))


def evaluation_get(*, notice: Notice, lot_number: int) -> LotEvaluation:
    found = LotEvaluation.objects.select_related("notice__buyer").filter(
        notice=notice, lot_number=lot_number).first() if 0 <= lot_number <= 32767 else None
    if found is None:
        raise NotFound(_("This lot has no evaluation (has it been started?)."))
    return found


def evaluations_for_requirement(requirement: QualificationRequirement
                                ) -> QuerySet[LotEvaluation]:
    """The lot evaluations a requirement counts in: its own lot's, or every lot's."""
    rows = LotEvaluation.objects.filter(notice_id=requirement.notice_id)
    if requirement.lot_number is not None:
        rows = rows.filter(lot_number=requirement.lot_number)
    return rows


# --- bids ------------------------------------------------------------------------------------


def opened_bids(notice: Notice) -> QuerySet[Submission]:
    """Every bid the opening opened, rejected or not, in order of receipt."""
    return (Submission.objects.filter(
        notice=notice, opened__status=OpenedBidStatus.OPENED,
        status__in=[SubmissionStatus.OPENED, SubmissionStatus.REJECTED])
        .select_related("supplier", "opened").order_by("received_at", "pk"))


def offers_of(evaluation: LotEvaluation) -> QuerySet[Submission]:
    """The offers a lot evaluation scores: opened bids that are not rejected. (Every opened
    bid is an offer on every lot: submissions have no lot selection.)"""
    return opened_bids(evaluation.notice).filter(status=SubmissionStatus.OPENED)


def is_rejected(submission: Submission) -> bool:
    return submission.status == SubmissionStatus.REJECTED


def opened_bid_of(*, notice: Notice, submission_id: Any) -> Submission:
    """One opened bid of the notice (for people already allowed to see bids); 404 otherwise."""
    try:
        found = opened_bids(notice).filter(pk=submission_id).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFound(_("No such bid."))
    return found


def file_names(submission: Submission) -> list[str]:
    """The names of the files in an opened bid (what a document reference may name)."""
    opened = getattr(submission, "opened", None)
    return [str(entry.get("name", "")) for entry in (opened.files if opened else []) or []]


# --- qualification ---------------------------------------------------------------------------


@dataclass
class MatrixRow:
    submission: Submission
    rejection: Rejection | None
    cells: list[tuple[QualificationRequirement, RequirementAssessment | None]]

    @property
    def missing(self) -> int:
        return sum(1 for _r, a in self.cells if a is None)

    @property
    def failed(self) -> int:
        return sum(1 for _r, a in self.cells if a is not None and a.verdict == Verdict.FAIL)


@dataclass
class Matrix:
    evaluation: LotEvaluation
    requirements: list[QualificationRequirement]
    rows: list[MatrixRow] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Verdicts still to give on bids that are not rejected."""
        return sum(row.missing for row in self.rows if row.rejection is None)

    @property
    def failed_unrejected(self) -> list[MatrixRow]:
        """Bids that fail a requirement but are not rejected yet."""
        return [row for row in self.rows if row.rejection is None and row.failed]

    @property
    def offers(self) -> int:
        return sum(1 for row in self.rows if row.rejection is None)


def qualification_matrix(evaluation: LotEvaluation) -> Matrix:
    """Bids down, the lot's requirements across, the verdict (or nothing yet) in each cell."""
    notice = evaluation.notice
    requirements = list(requirements_of(notice, evaluation.lot_number)
                        .order_by("position", "pk"))
    bids = list(opened_bids(notice))
    assessments = {(a.submission_id, a.requirement_id): a
                   for a in RequirementAssessment.objects.filter(
                       submission__in=bids, requirement__in=requirements)
                   .select_related("assessed_by")}
    rejections = {r.submission_id: r for r in Rejection.objects.filter(submission__in=bids)}
    matrix = Matrix(evaluation=evaluation, requirements=requirements)
    for bid in bids:
        matrix.rows.append(MatrixRow(
            submission=bid, rejection=rejections.get(bid.pk),
            cells=[(req, assessments.get((bid.pk, req.pk))) for req in requirements]))
    return matrix


def assessments_of(submission: Submission) -> dict[int, RequirementAssessment]:
    return {a.requirement_id: a for a in RequirementAssessment.objects.filter(
        submission=submission).select_related("assessed_by")}


def requirements_for_bid(notice: Notice) -> list[QualificationRequirement]:
    """Every requirement of the notice (a bid is an offer on every lot)."""
    return list(requirements_of(notice).order_by("lot_number", "position", "pk"))


def clarifications_of(submission: Submission) -> QuerySet[ClarificationRequest]:
    return ClarificationRequest.objects.filter(submission=submission).select_related(
        "requirement", "asked_by", "answered_by").order_by("asked_at", "pk")


def open_clarifications(submissions: Any, *, clock: Any, kinds: Any = None
                        ) -> QuerySet[ClarificationRequest]:
    """Requests still waiting for an answer before their deadline."""
    rows = ClarificationRequest.objects.filter(submission__in=submissions,
                                               answered_at__isnull=True, deadline__gt=clock)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return rows


def abnormally_low_explained(submission: Submission, *, clock: Any) -> bool:
    """The supplier was asked to explain the price, and answered or let the deadline pass."""
    return ClarificationRequest.objects.filter(
        submission=submission, kind=ClarificationKind.ABNORMALLY_LOW).filter(
        Q(answered_at__isnull=False) | Q(deadline__lte=clock)).exists()


def abnormally_low_acceptance(evaluation: LotEvaluation, submission: Submission
                              ) -> AbnormallyLowAcceptance | None:
    return AbnormallyLowAcceptance.objects.filter(evaluation=evaluation,
                                                  submission=submission).first()


# --- what a supplier sees --------------------------------------------------------------------


def clarification_get(*, user: AnyUser, clarification_id: int,
                      notice: Notice | None = None) -> ClarificationRequest:
    """A clarification request, for the users of the bid's supplier and for the people who
    may see the evaluation; 404 for everyone else."""
    found = (ClarificationRequest.objects.select_related(
        "submission__supplier", "notice__buyer", "requirement", "asked_by", "answered_by")
        .filter(pk=clarification_id).first() if 0 < clarification_id <= MAX_ID else None)
    if found is None or (notice is not None and found.notice_id != notice.pk):
        raise NotFound(_("No such clarification request."))
    if not (permissions.is_bid_supplier(user, found.submission.supplier_id)
            or permissions.may_see_evaluation(user, found.notice)):
        raise NotFound(_("No such clarification request."))
    return found


def clarification_list_own(*, user: AnyUser, notice: Notice) -> QuerySet[ClarificationRequest]:
    """The requests to the user's own supplier organisations on this notice."""
    return ClarificationRequest.objects.filter(
        notice=notice, submission__supplier__in=suppliers_of(user=user)).select_related(
        "submission__supplier", "requirement").order_by("asked_at", "pk")


def rejection_get(*, user: AnyUser, notice: Notice, submission_id: Any) -> Rejection:
    """A rejection and its letter: for the users of the rejected supplier and for the people
    who may see the evaluation; 404 for everyone else."""
    try:
        found = Rejection.objects.select_related("submission__supplier", "notice__buyer",
                                                 "rejected_by").filter(
            notice=notice, submission_id=submission_id).first()
    except (ValueError, ValidationError):
        found = None
    if found is None or not (permissions.is_bid_supplier(user, found.submission.supplier_id)
                             or permissions.may_see_evaluation(user, notice)):
        raise NotFound(_("No such rejection."))
    return found


# --- people ---------------------------------------------------------------------------------


def declarations_of(notice: Notice) -> list[ImpartialityDeclaration]:
    return list(ImpartialityDeclaration.objects.filter(notice=notice)
                .select_related("user").order_by("declared_at", "pk"))


def advisers_of(notice: Notice, *, active_only: bool = False) -> list[ExternalAdviser]:
    rows = ExternalAdviser.objects.filter(notice=notice).select_related("user")
    if active_only:
        rows = rows.filter(removed_at__isnull=True)
    return list(rows.order_by("added_at", "pk"))


def evaluators_of(notice: Notice) -> list[Any]:
    """Everyone who takes part and so must declare: the active committee members, the
    buyer's procurement officers and the active external advisers."""
    from accounts.models import Membership, Role
    from bids.models import CommitteeMember

    users: dict[int, Any] = {}
    for seat in CommitteeMember.objects.filter(committee__notice=notice,
                                               removed_at__isnull=True).select_related("user"):
        users.setdefault(seat.user_id, seat.user)
    for membership in Membership.objects.filter(
            organization_id=notice.buyer_id, role=Role.PROCUREMENT_OFFICER).select_related("user"):
        users.setdefault(membership.user_id, membership.user)
    for adviser in advisers_of(notice, active_only=True):
        users.setdefault(adviser.user_id, adviser.user)
    return sorted((u for u in users.values() if u.is_active), key=lambda u: (str(u), u.pk))


# --- prices (owned by the scoring, evaluation/scores) ------------------------------------------


def offer_prices(evaluation: LotEvaluation) -> dict[str, Decimal]:
    """The price of each offer of the lot, {str(submission.pk): NOK}, from the amounts the
    scoring recorded (evaluation.scores.selectors.prices_of: {(submission id, criterion id):
    PriceEntry}): the sum over the lot's price criteria (or over its cost criteria when it
    has no price criterion). Only offers with every such amount; empty until prices are known."""
    try:
        from evaluation.scores.selectors import prices_of  # type: ignore[import-not-found]
    except ImportError:  # the scoring package lands on its own branch
        return {}
    from evaluation.criteria.models import CriterionKind
    from evaluation.criteria.selectors import award_criteria_of

    criteria = list(award_criteria_of(evaluation.notice, evaluation.lot_number))
    wanted = {c.pk for c in criteria if c.kind == CriterionKind.PRICE} or {
        c.pk for c in criteria if c.kind == CriterionKind.COST}
    if not wanted:
        return {}
    entries = prices_of(evaluation)
    prices: dict[str, Decimal] = {}
    for offer in offers_of(evaluation):
        cells = [entries.get((str(offer.pk), pk)) for pk in wanted]
        if all(cell is not None for cell in cells):
            prices[str(offer.pk)] = sum((Decimal(cell.amount) for cell in cells
                                         if cell is not None), Decimal(0))
    return prices


def qualification_open(evaluation: LotEvaluation) -> bool:
    return evaluation.status == EvaluationStatus.QUALIFICATION


# --- who may open what ------------------------------------------------------------------------


def notice_for_evaluation(*, user: AnyUser, notice_id: Any) -> Notice:
    """A notice whose evaluation the user may see (evaluators and the buyer's editors); 404
    for everyone else: that an evaluation exists is not public."""
    from notices.selectors import notice_get_visible

    notice = notice_get_visible(pk=notice_id, user=user)
    if not permissions.may_see_evaluation(user, notice):
        raise NotFound(_("No such evaluation."))
    return notice


def require_bid_content(*, user: AnyUser, notice: Notice, what: str) -> None:
    """In front of every page and endpoint that shows bid content or assessments: an evaluator
    who is not cleared is refused and the refusal recorded (impartiality gate); a buyer's
    editor who is not an evaluator is refused (403)."""
    from backend.errors import Forbidden
    from evaluation.impartiality.services import bid_content_gate

    bid_content_gate(user=user, notice=notice, what=what)
    if not permissions.may_work_on_evaluation(user, notice):
        raise Forbidden(_("Only the committee members, the procurement officers and the named "
                          "external advisers see the bids, after declaring impartiality."))


def espd_answers(submission: Submission, *, user: Any = None) -> dict[int, Any]:
    """The supplier's ESPD answers for an opened bid, by requirement id (EspdAnswer from
    evaluation.espd.selectors.espd_answers_for, which records the read when given `user`);
    empty while that package is not there. Call it only for a cleared evaluator."""
    # ESPD: evaluation.espd (the espd helper's branch) reads espd-response.xml of the bid.
    try:
        from evaluation.espd.selectors import espd_answers_for  # type: ignore[import-not-found]
    except ImportError:
        return {}
    opened = getattr(submission, "opened", None)
    if opened is None:
        return {}
    return {answer.requirement.pk: answer for answer in espd_answers_for(opened, user=user)}


def espd_answer_json(answer: Any) -> dict[str, Any] | None:
    """One ESPD answer as the espd API writes it (evaluation.espd.serializers.answer_json)."""
    if answer is None:
        return None
    try:
        from evaluation.espd.serializers import answer_json  # type: ignore[import-not-found]
    except ImportError:
        return None
    return dict(answer_json(answer))
