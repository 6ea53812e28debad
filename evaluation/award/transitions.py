"""The owner of an award decision's status: draft -> sent -> withdrawn. Every writer of
AwardDecision.status calls `award_flip`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.transitions import swap_status
from evaluation.award.models import AwardDecision, AwardEvent, AwardEventKind, AwardStatus

ALLOWED = {
    (AwardStatus.DRAFT, AwardStatus.SENT),
    # A sent decision is withdrawn with a reason (and a new one drafted); a draft that is not
    # wanted is withdrawn too, so that nothing is ever deleted.
    (AwardStatus.SENT, AwardStatus.WITHDRAWN),
    (AwardStatus.DRAFT, AwardStatus.WITHDRAWN),
}
EVENT_OF = {
    AwardStatus.SENT: AwardEventKind.SENT,
    AwardStatus.WITHDRAWN: AwardEventKind.WITHDRAWN,
}


@transaction.atomic
def award_flip(decision: AwardDecision, old: str, new: str, *, by: User | None,
               at: datetime, data: dict[str, Any] | None = None,
               **fields: Any) -> AwardEvent:
    """Swap the status (plus `fields`) and write the one event, atomically (a savepoint
    inside the caller's transaction). `data` adds to the event's {"from", "to", "lot"}."""
    swap_status(AwardDecision, pk=decision.pk, old=old, new=new, allowed=ALLOWED, **fields,
                conflict=_("The award decision is no longer %(status)s; reload the page.")
                % {"status": AwardStatus(old).label.lower()})
    event = AwardEvent.objects.create(
        notice_id=decision.notice_id, decision=decision, kind=EVENT_OF[AwardStatus(new)],
        by=by, at=at,
        data={"from": old, "to": new, "lot": decision.lot_number, **(data or {})})
    decision.status = new
    for name, value in fields.items():
        setattr(decision, name, value)
    return event
