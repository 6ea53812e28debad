"""The owner of a lot evaluation's status: its allowed edges and the one function that flips
it. Every writer of LotEvaluation.status calls `evaluation_flip`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.transitions import swap_status
from evaluation.models import (
    EvaluationEvent,
    EvaluationEventKind,
    EvaluationStatus,
    LotEvaluation,
)

ALLOWED = {
    (EvaluationStatus.QUALIFICATION, EvaluationStatus.SCORING),
    (EvaluationStatus.SCORING, EvaluationStatus.CONSENSUS),
    (EvaluationStatus.CONSENSUS, EvaluationStatus.RANKED),
    # Before any award, a ranked lot may go back to consensus, with a reason.
    (EvaluationStatus.RANKED, EvaluationStatus.CONSENSUS),
}
EVENT_OF = {
    (EvaluationStatus.QUALIFICATION, EvaluationStatus.SCORING):
        EvaluationEventKind.QUALIFICATION_COMPLETED,
    (EvaluationStatus.SCORING, EvaluationStatus.CONSENSUS): EvaluationEventKind.SCORING_COMPLETED,
    (EvaluationStatus.CONSENSUS, EvaluationStatus.RANKED): EvaluationEventKind.RANKED,
    (EvaluationStatus.RANKED, EvaluationStatus.CONSENSUS): EvaluationEventKind.REOPENED,
}


@transaction.atomic
def evaluation_flip(evaluation: LotEvaluation, old: str, new: str, *, by: User | None,
                    at: datetime, data: dict[str, Any] | None = None,
                    **fields: Any) -> EvaluationEvent:
    """Swap the status (plus `fields`) and write the one event, atomically (a savepoint
    inside the caller's transaction). `data` adds to the event's {"from", "to"}."""
    swap_status(LotEvaluation, pk=evaluation.pk, old=old, new=new, allowed=ALLOWED, **fields,
                conflict=_("The evaluation is no longer at the %(status)s step; reload the "
                           "page.") % {"status": EvaluationStatus(old).label.lower()})
    event = EvaluationEvent.objects.create(
        notice_id=evaluation.notice_id, evaluation=evaluation,
        kind=EVENT_OF[(EvaluationStatus(old), EvaluationStatus(new))], by=by, at=at,
        data={"from": old, "to": new, **(data or {})})
    evaluation.status = new
    for name, value in fields.items():
        setattr(evaluation, name, value)
    return event
