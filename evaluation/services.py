"""The lot evaluations themselves: starting them after the opening, and the edge from
qualification to scoring. The steps in between live in the feature sub-packages
(evaluation/impartiality, evaluation/qualification); scoring, consensus and ranking in
evaluation/scores.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from backend.errors import Conflict, Forbidden
from evaluation import permissions, selectors
from evaluation.criteria.selectors import lot_numbers_of
from evaluation.models import (
    EvaluationEvent,
    EvaluationEventKind,
    EvaluationStatus,
    LotEvaluation,
)
from evaluation.qualification.models import ClarificationKind
from evaluation.transitions import evaluation_flip
from notices.deadlines import notice_lock
from notices.models import Notice, NoticeStatus


def _lot_label(number: int) -> str:
    return _("lot %(n)s") % {"n": number} if number else _("the contract")


@transaction.atomic
def evaluation_start(*, notice: Notice, by: User, now: datetime | None = None
                     ) -> list[LotEvaluation]:
    """One LotEvaluation per lot (lot 0 for a notice without lots), each at qualification,
    with an evaluation.started event; only after the opening has opened the bids."""
    if not permissions.may_start_evaluation(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s start the evaluation.")
                        % {"buyer": notice.buyer.name})
    locked, clock = notice_lock(notice.pk, now=now)
    if locked.status == NoticeStatus.CANCELLED:
        raise Conflict(_("The notice is cancelled; there is nothing to evaluate."),
                       code="cancelled")
    if not selectors.opening_finished(locked):
        raise Conflict(_("The evaluation starts when the opening has opened the bids."),
                       code="not_opened")
    if LotEvaluation.objects.filter(notice=locked).exists():
        raise Conflict(_("The evaluation has started already."), code="already_started")
    bids = [str(pk) for pk in selectors.opened_bids(locked).values_list("pk", flat=True)]
    started = []
    for number in lot_numbers_of(locked):
        evaluation = LotEvaluation.objects.create(notice=locked, lot_number=number,
                                                  started_at=clock, started_by=by)
        EvaluationEvent.objects.create(notice=locked, evaluation=evaluation,
                                       kind=EvaluationEventKind.STARTED, by=by, at=clock,
                                       data={"lot": number, "bids": bids})
        started.append(evaluation)
    return started


@transaction.atomic
def evaluation_qualification_complete(*, evaluation: LotEvaluation, by: User,
                                      now: datetime | None = None) -> LotEvaluation:
    """Qualification -> scoring, only when every opened bid that is not rejected has a verdict
    on every requirement of the lot, none of them fails one (a bid that fails is rejected
    first, as not qualified), and no clarification is still waiting for its answer."""
    notice = evaluation.notice
    if not permissions.may_decide(by, notice):
        raise Forbidden(_("Only a procurement officer of %(buyer)s who has declared no "
                          "conflict of interest completes the qualification.")
                        % {"buyer": notice.buyer.name})
    _locked, clock = notice_lock(notice.pk, now=now)
    current = LotEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if current.status != EvaluationStatus.QUALIFICATION:
        raise Conflict(_("The qualification of %(lot)s is complete already.")
                       % {"lot": _lot_label(current.lot_number)}, code="not_qualification")
    matrix = selectors.qualification_matrix(current)
    problems = []
    if matrix.missing:
        problems.append(ngettext(
            "%(n)d verdict is still missing.", "%(n)d verdicts are still missing.",
            matrix.missing) % {"n": matrix.missing})
    failing = matrix.failed_unrejected
    if failing:
        problems.append(_("These bids fail a requirement but are not rejected: %(names)s. "
                          "Reject them as not qualified first.")
                        % {"names": ", ".join(row.submission.supplier.name for row in failing)})
    offers = [row.submission for row in matrix.rows if row.rejection is None]
    waiting = selectors.open_clarifications(offers, clock=clock, kinds=[
        ClarificationKind.CLARIFICATION, ClarificationKind.MISSING_DOCUMENT])
    if waiting.exists():
        problems.append(ngettext(
            "%(n)d clarification request is still waiting for the supplier's answer.",
            "%(n)d clarification requests are still waiting for the suppliers' answers.",
            waiting.count()) % {"n": waiting.count()})
    if not offers and not problems:
        problems.append(_("Every bid is rejected: there is nothing to score. The competition "
                          "ends without an award."))
    if problems:
        raise Conflict([_("The qualification of %(lot)s cannot be completed yet.")
                        % {"lot": _lot_label(current.lot_number)}, *problems],
                       code="qualification_incomplete")
    evaluation_flip(current, EvaluationStatus.QUALIFICATION, EvaluationStatus.SCORING, by=by,
                    at=clock, data={"lot": current.lot_number,
                                    "offers": [str(s.pk) for s in offers],
                                    "rejected": [str(r.submission.pk) for r in matrix.rows
                                                 if r.rejection is not None]})
    evaluation.refresh_from_db()
    return current
