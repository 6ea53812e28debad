"""Telling people what waits for them in bids/: committee members, bidders and officers.

Each message goes to the inbox and by e-mail, in the person's own language, with an absolute
link to the page where the task is done (notices.following.services.inbox_deliver). The
triggers are bid events, announced after commit (`announce`) and handled by one task per event
(`bid_event_notify`); every message has a key, so a retried task tells nobody twice.

- A member named to a committee (configured or added): enrol your key (or: you are on it).
- A member whose key is still missing, when an officer asks (`keys_needed_notify`).
- Members and the buyer's officers when the deadline has passed: the opening can start.
- Members when the opening has started: your key is needed now.
- The bidder when its receipt is issued, with the signed receipt attached.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import NOTICE_EDITOR_ROLES, User
from backend.formatting import format_oslo
from bids.models import BidEvent, BidEventKind, Committee, CommitteeMember, Receipt
from notices.following.models import InboxKind
from notices.following.services import inbox_deliver
from notices.models import Notice, NoticeStatus

logger = logging.getLogger(__name__)


def announce(event: BidEvent) -> None:
    """After the caller's transaction commits: the task that tells whoever the event
    concerns. A failure to queue is logged, never raised: the event itself is committed."""
    from bids import tasks

    event_id = event.pk

    def send() -> None:
        try:
            tasks.notify_bid_event.delay(event_id)
        except Exception:
            logger.exception("notifying about bid event %s failed", event_id)

    transaction.on_commit(send)


def _head(notice: Notice) -> str:
    return f"{notice.reference} {notice.title}"


def _deadline(notice: Notice) -> str:
    if notice.submission_deadline is None:
        return _("not set yet")
    return format_oslo(notice.submission_deadline, "datetime")


def _active_seats(notice: Notice) -> list[CommitteeMember]:
    return list(CommitteeMember.objects.filter(committee__notice=notice, removed_at__isnull=True)
                .select_related("user").order_by("pk"))


def _editors(notice: Notice) -> list[User]:
    return list(User.objects.filter(memberships__organization_id=notice.buyer_id,
                                    memberships__role__in=list(NOTICE_EDITOR_ROLES),
                                    is_active=True).distinct().order_by("pk"))


def _committee_path(notice: Notice, seat: CommitteeMember) -> str:
    if not seat.has_key and notice.status in (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED):
        return reverse("bids:enrol", kwargs={"pk": notice.pk, "member_id": seat.pk})
    return reverse("bids:committee", kwargs={"pk": notice.pk})


def _opening_path(notice: Notice) -> str:
    return reverse("bids:opening", kwargs={"pk": notice.pk})


# --- committee ---------------------------------------------------------------------------------

def _named(event: BidEvent, now: datetime) -> int:
    notice = event.notice
    committee = Committee.objects.filter(notice=notice).first()
    if committee is None or not committee.electronic_bids:
        return 0
    seats = _active_seats(notice)
    if event.kind == BidEventKind.MEMBER_ADDED:
        seats = [s for s in seats if s.user.email == (event.data or {}).get("member")]
    by = event.by.get_full_name() if event.by else _("The procurement officer")
    sent = 0
    for seat in seats:
        def compose(user: User, seat: CommitteeMember = seat) -> tuple[str, list[str]]:
            lines = [_("%(officer)s has named you to the opening committee of %(notice)s "
                       "(%(buyer)s). After the deadline for tenders, %(deadline)s, %(k)s of "
                       "the %(n)s members open the bids together.")
                     % {"officer": by, "notice": _head(notice), "buyer": notice.buyer.name,
                        "deadline": _deadline(notice), "k": committee.k, "n": len(
                            _active_seats(notice))}]
            if not seat.has_key:
                lines += ["", _("Your key is needed first: enrol it on the page below. You "
                                "choose a passphrase that only you know; your browser makes "
                                "the key and locks it with the passphrase, and only the locked "
                                "key is stored. The notice cannot be published until every "
                                "member has enrolled a key.")]
            return _("You are on the opening committee: %(notice)s") % {
                "notice": _head(notice)}, lines

        sent += inbox_deliver(users=[seat.user], notice=notice, kind=InboxKind.COMMITTEE,
                              key=f"committee-seat:{seat.pk}",
                              path=_committee_path(notice, seat), compose=compose, now=now)
    return sent


def keys_needed_notify(*, notice_id: int, now: datetime | None = None) -> int:
    """Remind the committee members who have not enrolled a key (once a day at most)."""
    now = now or timezone.now()
    notice = Notice.objects.select_related("buyer").filter(pk=notice_id).first()
    if notice is None or notice.status not in (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED):
        return 0
    sent = 0
    for seat in _active_seats(notice):
        if seat.has_key:
            continue

        def compose(user: User) -> tuple[str, list[str]]:
            return (_("Your opening key is needed: %(notice)s") % {"notice": _head(notice)},
                    [_("The procurement officer of %(buyer)s asks you to enrol your key for "
                       "the opening committee of %(notice)s. The notice cannot be published "
                       "until every member has enrolled one.")
                     % {"buyer": notice.buyer.name, "notice": _head(notice)}])

        sent += inbox_deliver(users=[seat.user], notice=notice, kind=InboxKind.KEY_NEEDED,
                              key=f"key-needed:{seat.pk}:{timezone.localdate(now)}",
                              path=_committee_path(notice, seat), compose=compose, now=now)
    return sent


# --- the deadline and the opening ---------------------------------------------------------------

def _opening_ready(event: BidEvent, now: datetime) -> int:
    notice = event.notice
    if notice.status == NoticeStatus.CANCELLED or hasattr(notice, "opening"):
        return 0  # cancelled, or the opening already started (its own message follows)
    members = [seat.user for seat in _active_seats(notice)]
    people = list({u.pk: u for u in [*members, *_editors(notice)]}.values())
    entries = int((event.data or {}).get("entries") or 0)

    def compose(user: User) -> tuple[str, list[str]]:
        return (_("The opening can start: %(notice)s") % {"notice": _head(notice)},
                [ngettext("The deadline for tenders of %(notice)s passed on %(deadline)s; "
                          "%(n)s sealed bid was received before it.",
                          "The deadline for tenders of %(notice)s passed on %(deadline)s; "
                          "%(n)s sealed bids were received before it.", entries)
                 % {"notice": _head(notice), "deadline": _deadline(notice), "n": entries},
                 _("A procurement officer of %(buyer)s starts the opening on the page below; "
                   "then each committee member opens their shares with their own key.")
                 % {"buyer": notice.buyer.name}])

    return inbox_deliver(users=people, notice=notice, kind=InboxKind.OPENING_READY,
                         key=f"opening-ready:{notice.pk}", path=_opening_path(notice),
                         compose=compose, now=now)


def _opening_started(event: BidEvent, now: datetime) -> int:
    from bids.opening.models import OpeningSession

    notice = event.notice
    session = OpeningSession.objects.filter(notice=notice).first()
    if session is None or session.bids_total == 0:
        return 0  # nothing to open: no key is needed
    by = event.by.get_full_name() if event.by else _("The procurement officer")
    k = Committee.objects.get(notice=notice).k

    def compose(user: User) -> tuple[str, list[str]]:
        return (_("The opening has started, your key is needed: %(notice)s")
                % {"notice": _head(notice)},
                [_("%(officer)s has started the opening of the %(n)s bids on %(notice)s. Your "
                   "key is needed now: open the page below and type your passphrase; your "
                   "browser opens your shares and sends them. The bids open when %(k)s "
                   "members have sent theirs.")
                 % {"officer": by, "n": session.bids_total, "notice": _head(notice), "k": k}])

    members = [seat.user for seat in _active_seats(notice) if seat.has_key]
    return inbox_deliver(users=members, notice=notice, kind=InboxKind.OPENING_STARTED,
                         key=f"opening-started:{session.pk}", path=_opening_path(notice),
                         compose=compose, now=now)


# --- the bidder's receipt ----------------------------------------------------------------------

def _receipt(event: BidEvent, now: datetime) -> int:
    submission = event.submission
    if submission is None or event.by is None:
        return 0
    # Read with the event (bid_event_notify): the receipt and the committee, if any.
    try:
        receipt = submission.receipt
    except Receipt.DoesNotExist:
        return 0
    notice = event.notice
    try:
        committee: Committee | None = notice.committee
    except Committee.DoesNotExist:
        committee = None
    signed = {"receipt": receipt.receipt, "signature": receipt.signature}
    attachment = {"name": f"receipt-{notice.reference}-{submission.pk}.json",
                  "content_type": "application/json",
                  "content": json.dumps(signed, indent=2, sort_keys=True)}

    def compose(user: User) -> tuple[str, list[str]]:
        return (_("Bid received: %(notice)s") % {"notice": _head(notice)},
                [_("Your sealed bid on %(notice)s was received on %(when)s for %(supplier)s. "
                   "The signed receipt is attached and on the page below: keep it, it proves "
                   "what you submitted and when.")
                 % {"notice": _head(notice), "when": format_oslo(receipt.issued_at, "datetime"),
                    "supplier": submission.supplier.name},
                 _("Nobody can read the bid before the deadline, %(deadline)s; then %(k)s "
                   "members of the opening committee open it together.")
                 % {"deadline": _deadline(notice), "k": committee.k if committee else 2},
                 "",
                 _("You now follow this notice: changes, new documents and answers reach your "
                   "inbox and your e-mail.")])

    path = reverse("bids:receipt", kwargs={"pk": notice.pk, "submission_id": submission.pk})
    return inbox_deliver(users=[event.by], notice=notice, kind=InboxKind.RECEIPT,
                         key=f"receipt:{submission.pk}", path=path, compose=compose,
                         attachment=attachment, now=now)


HANDLERS: dict[str, Callable[[BidEvent, datetime], int]] = {
    BidEventKind.COMMITTEE_CONFIGURED: _named,
    BidEventKind.MEMBER_ADDED: _named,
    BidEventKind.TENDER_CLOSED: _opening_ready,
    BidEventKind.OPENING_STARTED: _opening_started,
    BidEventKind.SEALED: _receipt,
}


def bid_event_notify(*, event_id: int, now: datetime | None = None) -> int:
    """Tell whoever a bid event concerns (see HANDLERS). Idempotent; returns e-mails sent."""
    now = now or timezone.now()
    event = (BidEvent.objects.select_related("notice__buyer", "notice__committee",
                                             "submission__supplier", "submission__receipt", "by")
             .filter(pk=event_id).first())
    if event is None:
        return 0
    handler = HANDLERS.get(event.kind)
    return handler(event, now) if handler is not None else 0
