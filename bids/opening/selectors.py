"""Reads of the opening that depend on who is asking: the session a user takes part in and
the progress the page polls. Shared by the API (bids/opening/apis.py) and the web views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.selectors import AnyUser
from backend.errors import NotFound
from bids import permissions
from bids.opening import services as opening
from bids.opening.models import OpeningSession


def session_get(*, session_id: Any, user: AnyUser) -> OpeningSession:
    """An opening session the user takes part in (bids.permissions.takes_part_in_opening);
    404 for everyone else, because that an opening exists is not public."""
    try:
        session = OpeningSession.objects.select_related("notice__buyer", "tree_head").filter(
            pk=session_id).first()
    except (ValueError, ValidationError):
        session = None
    if session is None or not permissions.takes_part_in_opening(user, session.notice):
        raise NotFound(_("No such opening session."))
    return session


def status_payload(session: OpeningSession) -> dict[str, Any]:
    """The progress of an opening as the page polls it (bids done / total, bytes)."""
    session.refresh_from_db()
    counts = opening.share_counts(session)
    bids = []
    for bid in session.bids.select_related("submission__supplier").order_by(
            "submission__received_at", "pk"):
        sub = bid.submission
        bids.append({"submission": str(sub.pk), "supplier": sub.supplier.name,
                     "status": bid.status, "status_label": bid.get_status_display(),
                     "shares": counts.get(sub.pk, 0), "k": int(sub.context["k"]),
                     "error": bid.error, "files": len(bid.files or [])})
    return {
        "session": str(session.pk), "notice": session.notice_id, "status": session.status,
        "status_label": session.get_status_display(), "deadline": session.deadline,
        "bids_total": session.bids_total, "bids_done": session.bids_done,
        "bids_failed": session.bids_failed, "bytes_total": session.bytes_total,
        "bytes_done": session.bytes_done, "error": session.error,
        "public_key": session.public_key, "key_generation": session.key_generation,
        "key_available": opening.session_key_available(session),
        "finished_at": session.finished_at, "log_check": session.log_check or {},
        "bids": bids,
    }
