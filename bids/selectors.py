"""Every read of bids that depends on who is asking.

Before the deadline nobody but the supplier sees anything of its bid: not other suppliers,
not the authority (not even the count), not platform staff. After it, the authority's
procurement officers and the committee see the list of bids (metadata, never content).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Membership
from accounts.selectors import AnyUser, authorities_editable_by
from backend.clock import db_now
from backend.errors import Forbidden, NotFound
from bids import permissions
from bids.committee import manifest_current, manifest_hash_for_notice  # noqa: F401 (re-export)
from bids.models import Committee, CommitteeMember, Manifest, Submission, SubmissionStatus
from notices.models import Notice, NoticeStatus

CURRENT = (SubmissionStatus.SEALED, SubmissionStatus.OPENED)


def deadline_passed(notice: Notice) -> bool:
    return notice.submission_deadline is not None and notice.submission_deadline <= db_now()


def _supplier_ids(user: AnyUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user, role__in=list(SUPPLIER_ROLES))
                .values_list("organization_id", flat=True))


def submission_list_own(*, user: AnyUser, notice: Notice) -> QuerySet[Submission]:
    """The submissions of the user's own supplier organisations on this tender."""
    return (Submission.objects.filter(notice=notice, supplier_id__in=_supplier_ids(user))
            .select_related("supplier", "manifest").order_by("-created_at"))


def submission_get_own(*, user: AnyUser, notice_id: int, submission_id: str) -> Submission:
    """One of the user's own submissions; 404 for everyone else (existence is not revealed)."""
    try:
        return (Submission.objects.select_related("notice", "notice__committee", "supplier",
                                                  "manifest")
                # notice__pk, not notice_id: an id beyond the column's range is then no
                # match (Django's integer lookups), not an OverflowError from the driver.
                .get(pk=submission_id, notice__pk=notice_id,
                     supplier_id__in=_supplier_ids(user)))
    except (Submission.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("There is no such submission among your bids.")) from None


def may_see_bid_list(*, user: AnyUser, notice: Notice) -> bool:
    return permissions.may_see_bid_list(user, notice)


def submission_list_for_authority(*, user: AnyUser, notice: Notice) -> QuerySet[Submission]:
    """After the deadline: the current bids, for the authority's officers and the committee."""
    if not may_see_bid_list(user=user, notice=notice):
        raise Forbidden(_("Only the authority's procurement officers and the opening committee "
                        "see the bids, and only after the deadline."))
    if not deadline_passed(notice):
        raise Forbidden(_("Bids are sealed until the deadline; nothing about them is shown "
                        "before it."), code="sealed_until_deadline")
    # A bid the evaluation rejected stays on the list, with its status.
    return (Submission.objects.filter(notice=notice,
                                      status__in=[*CURRENT, SubmissionStatus.REJECTED])
            .select_related("supplier", "receipt").order_by("received_at"))


def committee_get(*, notice: Notice) -> Committee | None:
    return Committee.objects.filter(notice=notice).first()


def committee_member_get(*, notice: Notice, member_id: int) -> CommitteeMember:
    try:
        return CommitteeMember.objects.select_related("committee__notice", "user").get(
            pk=member_id, committee__notice=notice)
    except CommitteeMember.DoesNotExist:
        raise NotFound(_("There is no such committee member.")) from None


def manifest_list_public(*, notice: Notice) -> QuerySet[Manifest]:
    """Manifests are public once frozen (they are part of the published notice)."""
    return Manifest.objects.filter(notice=notice).order_by("number")


# --- "My tasks" --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    """One thing that waits for the person (state "todo"), for others ("waiting") or is done."""

    notice: Notice
    state: str  # todo, waiting, done
    text: str
    action: str
    url: str
    deadline: datetime | None


def _seat_task(seat: CommitteeMember, now: datetime) -> Task | None:
    from bids.opening.models import OpeningShare, OpeningStatus

    notice = seat.committee.notice
    if notice.status == NoticeStatus.CANCELLED:
        return None

    def task(state: str, text: str, action: str, url: str) -> Task:
        return Task(notice, state, text, action, url, notice.submission_deadline)

    committee_url = reverse("bids:committee", kwargs={"pk": notice.pk})
    opening_url = reverse("bids:opening", kwargs={"pk": notice.pk})
    if notice.submission_deadline is None or notice.submission_deadline > now:
        if not seat.has_key:
            return task("todo", _("Enrol your opening key. The notice cannot be published, and "
                                  "no bids can be sealed, until every member has a key."),
                        _("Enrol your key"),
                        reverse("bids:enrol", kwargs={"pk": notice.pk, "member_id": seat.pk}))
        return task("waiting", _("Your key is enrolled. Nothing to do until the deadline."),
                    _("The committee"), committee_url)
    session = getattr(notice, "opening", None)
    if session is None:
        return task("waiting", _("The deadline has passed. A procurement officer starts the "
                                 "opening; then your key is needed."),
                    _("The opening"), opening_url)
    if session.status == OpeningStatus.OPENED:
        return task("done", _("The bids are opened."), _("The opening protocol"),
                    reverse("bids:protocol", kwargs={"pk": notice.pk}))
    if session.status == OpeningStatus.FAILED:
        return task("todo", _("The opening stopped; it can be resumed."), _("The opening"),
                    opening_url)
    if OpeningShare.objects.filter(session=session, member=seat).exists():
        return task("waiting", _("You have sent your shares; the bids open when enough members "
                                 "have sent theirs."), _("The opening"), opening_url)
    return task("todo", _("The opening has started: unlock your key with your passphrase and "
                          "send your shares."), _("Open your shares"), opening_url)


def tasks_for(*, user: AnyUser) -> list[Task]:
    """What waits for the person on the committees they sit on, and, for the buyer's
    procurement officers, the openings they can start. Soonest deadline first, to-dos first."""
    if not user.is_authenticated:
        return []
    now = db_now()
    tasks = []
    seats = (CommitteeMember.objects.filter(user=user, removed_at__isnull=True)
             .select_related("committee__notice__buyer", "committee__notice__opening"))
    for seat in seats:
        found = _seat_task(seat, now)
        if found is not None:
            tasks.append(found)
    editable = authorities_editable_by(user=user).values("pk")
    waiting = (Notice.objects.filter(buyer__in=editable, committee__electronic_bids=True,
                                     submission_deadline__lte=now, opening__isnull=True)
               .exclude(status__in=[NoticeStatus.CANCELLED, NoticeStatus.DRAFT]))
    for notice in waiting.select_related("buyer"):
        tasks.append(Task(notice, "todo", _("The deadline has passed: start the opening, so "
                                            "that the committee can open the bids."),
                          _("Start the opening"), reverse("bids:opening",
                                                          kwargs={"pk": notice.pk}),
                          notice.submission_deadline))
    order = {"todo": 0, "waiting": 1, "done": 2}
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(tasks, key=lambda t: (order[t.state], t.deadline or far, t.notice.pk))
