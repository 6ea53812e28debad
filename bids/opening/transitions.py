"""The owner of the opening's statuses: the session's and each opened bid's.

A session collects shares, opens, and ends opened (or stops as failed and is resumed). Each
bid of the session is pending until it is opened or fails; opening it also flips its
submission from sealed to opened (bids.transitions), and that flip writes the one event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.transitions import swap_status
from bids.models import BidEvent, BidEventKind, SubmissionStatus
from bids.opening.models import OpenedBid, OpenedBidStatus, OpeningSession, OpeningStatus
from bids.transitions import submission_flip

ALLOWED = {
    (OpeningStatus.COLLECTING, OpeningStatus.OPENING),
    (OpeningStatus.COLLECTING, OpeningStatus.OPENED),  # no bids to open
    (OpeningStatus.OPENING, OpeningStatus.OPENED),
    (OpeningStatus.OPENING, OpeningStatus.FAILED),
    (OpeningStatus.FAILED, OpeningStatus.OPENING),
}
EVENT_OF = {
    OpeningStatus.OPENING: BidEventKind.OPENING_RUNNING,
    OpeningStatus.OPENED: BidEventKind.OPENING_OPENED,
    OpeningStatus.FAILED: BidEventKind.OPENING_FAILED,
}
BID_ALLOWED = {
    (OpenedBidStatus.PENDING, OpenedBidStatus.OPENED),
    (OpenedBidStatus.PENDING, OpenedBidStatus.FAILED),
    (OpenedBidStatus.FAILED, OpenedBidStatus.OPENED),
    (OpenedBidStatus.FAILED, OpenedBidStatus.FAILED),  # another attempt failed too
}


@transaction.atomic
def opening_flip(session: OpeningSession, old: str, new: str, *, by: User | None,
                 at: datetime, reason: str = "", **fields: Any) -> BidEvent:
    """Swap the session's status (plus `fields`) and write the one event, atomically."""
    swap_status(OpeningSession, pk=session.pk, old=old, new=new, allowed=ALLOWED, **fields,
                conflict=_("The opening session changed meanwhile; reload the page."))
    event = BidEvent.objects.create(
        notice_id=session.notice_id, kind=EVENT_OF[OpeningStatus(new)], by=by, at=at,
        data={"session": str(session.pk), "from": old, "to": new, "reason": reason})
    session.refresh_from_db()
    return event


@transaction.atomic
def opened_bid_flip(bid: OpenedBid, old: str, new: str, *, at: datetime,
                    data: dict[str, Any] | None = None, **fields: Any) -> BidEvent:
    """Record the result of opening one bid (by the job: `by` is always the platform).

    Opened: the bid and its submission (sealed -> opened) flip together and the one event is
    the submission's `submission.opened`. Failed: the event is `opening.bid_failed`.
    """
    swap_status(OpenedBid, pk=bid.pk, old=old, new=new, allowed=BID_ALLOWED, **fields,
                conflict="the bid was opened by another run")
    details = {"session": str(bid.session_id), **(data or {})}
    if new == OpenedBidStatus.OPENED:
        return submission_flip(bid.submission, SubmissionStatus.SEALED, SubmissionStatus.OPENED,
                               by=None, at=at, data=details)
    return BidEvent.objects.create(notice_id=bid.submission.notice_id, submission=bid.submission,
                                   kind=BidEventKind.OPENING_BID_FAILED, by=None, at=at,
                                   data={"from": old, "to": new, **details})
