"""The owner of a notice's status: its allowed edges and the one function that flips it.

The notice's own status covers publication only (draft -> published -> closed, or
cancelled). A change notice keeps the status (published) and is guarded by the version
number instead (notices.services.notice_change_publish).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.transitions import swap_status
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus

ALLOWED = {
    (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED),
    (NoticeStatus.PUBLISHED, NoticeStatus.CLOSED),
    (NoticeStatus.PUBLISHED, NoticeStatus.CANCELLED),
    (NoticeStatus.CLOSED, NoticeStatus.CANCELLED),
}
# The event each edge writes, by the status it reaches.
EVENT_OF = {
    NoticeStatus.PUBLISHED: NoticeEventKind.PUBLISHED,
    NoticeStatus.CLOSED: NoticeEventKind.CLOSED,
    NoticeStatus.CANCELLED: NoticeEventKind.CANCELLED,
}


@transaction.atomic
def notice_flip(notice: Notice, old: str, new: str, *, by: User | None, at: datetime,
                reason: str = "", **fields: Any) -> NoticeEvent:
    """Swap the status (plus `fields`) and write the one event, atomically (a savepoint
    inside the caller's transaction)."""
    swap_status(Notice, pk=notice.pk, old=old, new=new, allowed=ALLOWED, **fields,
                conflict=_("The notice is no longer %(status)s; reload the page.")
                % {"status": NoticeStatus(old).label.lower()})
    event = NoticeEvent.objects.create(notice=notice, kind=EVENT_OF[NoticeStatus(new)], by=by,
                                       at=at, data={"from": old, "to": new, "reason": reason})
    notice.refresh_from_db()
    return event
