"""The owner of a question's status: open -> answered, or open -> merged into another."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from backend.transitions import swap_status
from notices.questions.models import Question, QuestionEvent, QuestionEventKind, QuestionStatus

ALLOWED = {
    (QuestionStatus.OPEN, QuestionStatus.ANSWERED),
    (QuestionStatus.OPEN, QuestionStatus.MERGED),
}
EVENT_OF = {
    QuestionStatus.ANSWERED: QuestionEventKind.ANSWERED,
    QuestionStatus.MERGED: QuestionEventKind.MERGED,
}
# What the person who lost the race is told, by the status they tried to reach.
CONFLICT = {
    QuestionStatus.ANSWERED: _("This question has already been answered; reload the page."),
    QuestionStatus.MERGED: _("Only an open question can be merged; this one is already "
                             "answered or merged."),
}


@transaction.atomic
def question_flip(question: Question, old: str, new: str, *, by: User | None, at: datetime,
                  data: dict[str, Any] | None = None, **fields: Any) -> QuestionEvent:
    """Swap the status (plus `fields`) and write the one event, atomically (a savepoint
    inside the caller's transaction)."""
    status = QuestionStatus(new)
    swap_status(Question, pk=question.pk, old=old, new=new, allowed=ALLOWED,
                conflict=str(CONFLICT.get(status, "")), **fields)
    event = QuestionEvent.objects.create(question=question, kind=EVENT_OF[status], by=by, at=at,
                                         data={"from": old, "to": new, **(data or {})})
    question.refresh_from_db()
    return event
