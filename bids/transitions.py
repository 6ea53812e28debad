"""The owner of a submission's status: its allowed edges and the one function that flips it.

Every writer of `Submission.status` calls `submission_flip`: finalising (sealed), a later bid
(superseded), withdrawal, abandoning an upload (by the supplier, after a failed server-side
sealing, or by the cleanup job after the deadline), the opening (opened, through
bids.opening.transitions.opened_bid_flip), and the evaluation's rejection of an opened bid
(rejected, through evaluation.qualification.services.bid_reject).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.transitions import swap_status
from bids.models import BidEvent, BidEventKind, Submission, SubmissionStatus

ALLOWED = {
    (SubmissionStatus.UPLOADING, SubmissionStatus.SEALED),
    (SubmissionStatus.UPLOADING, SubmissionStatus.ABANDONED),
    (SubmissionStatus.SEALED, SubmissionStatus.SUPERSEDED),
    (SubmissionStatus.SEALED, SubmissionStatus.WITHDRAWN),
    (SubmissionStatus.SEALED, SubmissionStatus.OPENED),
    # The evaluation rejects an opened bid with a legal ground (evaluation.qualification).
    (SubmissionStatus.OPENED, SubmissionStatus.REJECTED),
}
EVENT_OF = {
    SubmissionStatus.SEALED: BidEventKind.SEALED,
    SubmissionStatus.ABANDONED: BidEventKind.ABANDONED,
    SubmissionStatus.SUPERSEDED: BidEventKind.SUPERSEDED,
    SubmissionStatus.WITHDRAWN: BidEventKind.WITHDRAWN,
    SubmissionStatus.OPENED: BidEventKind.OPENED,
    SubmissionStatus.REJECTED: BidEventKind.REJECTED,
}


def submission_flip(submission: Submission, old: str, new: str, *, by: User | None,
                    at: datetime, data: dict[str, Any] | None = None, savepoint: bool = True,
                    **fields: Any) -> BidEvent:
    """Swap the status (plus `fields`) and write the one event, atomically (a savepoint
    inside the caller's transaction).

    `data` adds to the event's {"from", "to"} (never secrets: events are part of the record).
    `savepoint=False`: for a caller whose whole transaction fails with the flip (no
    savepoint round trips while it holds the tender lock).
    """
    with transaction.atomic(savepoint=savepoint):
        return _flip(submission, old, new, by=by, at=at, data=data, **fields)


def _flip(submission: Submission, old: str, new: str, *, by: User | None, at: datetime,
          data: dict[str, Any] | None, **fields: Any) -> BidEvent:
    swap_status(Submission, pk=submission.pk, old=old, new=new, allowed=ALLOWED, **fields,
                conflict=_("The bid is no longer %(status)s; reload and try again.")
                % {"status": SubmissionStatus(old).label.lower()})
    event = BidEvent.objects.create(notice_id=submission.notice_id, submission=submission,
                                    kind=EVENT_OF[SubmissionStatus(new)], by=by, at=at,
                                    data={"from": old, "to": new, **(data or {})})
    submission.status = new
    for name, value in fields.items():
        setattr(submission, name, value)
    return event
