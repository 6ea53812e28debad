"""The clock decides: every write whose meaning depends on the tender deadline locks the notice
row first, then reads the database clock, and decides in that same transaction.

The close job (`notice_close_due`) only flips the status for lists and feeds; nothing waits for
it. A notice can be past its deadline while still "published" for a while, and every write
below treats it as closed.

Once the deadline for tenders has passed, the competition is over: the deadline cannot move
(that would reopen it for late bids), the tender documents and the committee cannot change,
no bid is started, continued or sealed. What the authority can do
instead is cancel the notice and announce the procurement anew.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from backend.clock import db_now
from backend.errors import Conflict
from backend.formatting import format_oslo
from notices.models import Notice


def notice_lock(notice_id: int, *, now: datetime | None = None,
                with_buyer: bool = False) -> tuple[Notice, datetime]:
    """Lock the notice row, then read the clock: the order every deadline decision uses.

    `now` is for tests that travel in time; requests never pass it, so in production the
    answer is the database's clock, read after the lock.
    """
    rows = Notice.objects.select_for_update()
    if with_buyer:
        rows = rows.select_related("buyer")
    notice = rows.get(pk=notice_id)
    return notice, (now if now is not None else db_now())


def tender_deadline_passed(notice: Notice, clock: datetime) -> bool:
    return notice.submission_deadline is not None and notice.submission_deadline <= clock


def _passed(notice: Notice) -> str:
    assert notice.submission_deadline is not None
    return format_oslo(notice.submission_deadline, "short")


def refuse_change_after_deadline(notice: Notice, clock: datetime) -> None:
    if tender_deadline_passed(notice, clock):
        raise Conflict(
            _("The deadline for tenders passed on %(deadline)s (Oslo time). A change notice "
              "cannot be published after it: moving the deadline would reopen the competition "
              "after the other bids were sealed. To buy again, cancel this notice and announce "
              "the procurement anew.") % {"deadline": _passed(notice)},
            code="deadline_passed",
            fields={"submission_deadline": [_("The deadline has passed and cannot move.")]})


def refuse_documents_after_deadline(notice: Notice, clock: datetime) -> None:
    if tender_deadline_passed(notice, clock):
        raise Conflict(
            _("The deadline for tenders passed on %(deadline)s (Oslo time); the tender "
              "documents the bids answer can no longer change. To buy on other terms, cancel "
              "the notice and announce the procurement anew.") % {"deadline": _passed(notice)},
            code="deadline_passed")

