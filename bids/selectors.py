"""Every read of bids that depends on who is asking.

Before the deadline nobody but the supplier sees anything of its bid: not other suppliers,
not the authority (not even the count), not platform staff. After it, the authority's
procurement officers and the committee see the list of bids (metadata, never content).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.models import SUPPLIER_ROLES, Membership
from accounts.selectors import AnyUser
from backend.clock import db_now
from backend.errors import Forbidden, NotFound
from bids import permissions
from bids.committee import manifest_current, manifest_hash_for_notice  # noqa: F401 (re-export)
from bids.models import Committee, CommitteeMember, Manifest, Submission, SubmissionStatus
from notices.models import Notice

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
        return (Submission.objects.select_related("notice", "supplier", "manifest")
                # notice__pk, not notice_id: an id beyond the column's range is then no
                # match (Django's integer lookups), not an OverflowError from the driver.
                .get(pk=submission_id, notice__pk=notice_id,
                     supplier_id__in=_supplier_ids(user)))
    except (Submission.DoesNotExist, ValueError, ValidationError):
        raise NotFound("There is no such submission among your bids.") from None


def may_see_bid_list(*, user: AnyUser, notice: Notice) -> bool:
    return permissions.may_see_bid_list(user, notice)


def submission_list_for_authority(*, user: AnyUser, notice: Notice) -> QuerySet[Submission]:
    """After the deadline: the current bids, for the authority's officers and the committee."""
    if not may_see_bid_list(user=user, notice=notice):
        raise Forbidden("Only the authority's procurement officers and the opening committee "
                        "see the bids, and only after the deadline.")
    if not deadline_passed(notice):
        raise Forbidden("Bids are sealed until the deadline; nothing about them is shown "
                        "before it.", code="sealed_until_deadline")
    return (Submission.objects.filter(notice=notice, status__in=CURRENT)
            .select_related("supplier", "receipt").order_by("received_at"))


def committee_get(*, notice: Notice) -> Committee | None:
    return Committee.objects.filter(notice=notice).first()


def committee_member_get(*, notice: Notice, member_id: int) -> CommitteeMember:
    try:
        return CommitteeMember.objects.select_related("committee__notice", "user").get(
            pk=member_id, committee__notice=notice)
    except CommitteeMember.DoesNotExist:
        raise NotFound("There is no such committee member.") from None


def manifest_list_public(*, notice: Notice) -> QuerySet[Manifest]:
    """Manifests are public once frozen (they are part of the published notice)."""
    return Manifest.objects.filter(notice=notice).order_by("number")
