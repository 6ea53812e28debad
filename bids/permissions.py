"""Who may see and do what with bids, the committee and the opening: named predicates used by
the APIs, the web views, the services and the selectors alike.

Sealed means sealed (DESIGN principle 1): nothing here lets anyone but the bidder learn who
has bid before the deadline; platform staff get nothing from being staff. Predicates answer
yes or no and never raise (see notices.permissions for the status each "no" becomes).
"""

from __future__ import annotations

from accounts.permissions import is_supplier_user
from accounts.selectors import AnyUser, suppliers_of
from bids.models import CommitteeMember, Submission
from notices.models import Notice
from notices.permissions import is_buyer_editor


def is_committee_member(user: AnyUser, notice: Notice) -> bool:
    """Holds an active seat on the notice's opening committee (removed members do not).

    This is the committee of bids.models.CommitteeMember, named per tender; the membership
    role "committee member" of the authority is not a seat and gives no access on its own."""
    return bool(user.is_authenticated and CommitteeMember.objects.filter(
        committee__notice_id=notice.pk, user=user, removed_at__isnull=True).exists())


def holds_committee_key(user: AnyUser, notice: Notice) -> bool:
    """Has, or had, a seat with an enrolled key: an older manifest may still have sealed
    shares to the key of a member who has since left, so such a member still opens them."""
    return bool(user.is_authenticated and CommitteeMember.objects.filter(
        committee__notice_id=notice.pk, user=user).exclude(key_id="").exists())


def may_manage_committee(user: AnyUser, notice: Notice) -> bool:
    """Names the committee and k, adds and removes members, republishes the manifest."""
    return is_buyer_editor(user, notice)


def may_see_committee_page(user: AnyUser, notice: Notice) -> bool:
    """The committee page (with the buyer's people to choose from): the buyer's editors and
    the active members. The committee itself (names, key ids, manifests) is public."""
    return is_buyer_editor(user, notice) or is_committee_member(user, notice)


def is_bidder(user: AnyUser, notice: Notice) -> bool:
    """Acts for a supplier that has a submission (in any status) on the notice."""
    if not is_supplier_user(user):
        return False
    return Submission.objects.filter(notice_id=notice.pk,
                                     supplier__in=suppliers_of(user=user)).exists()


def may_submit(user: AnyUser) -> bool:
    """Users of a supplier organisation submit bids (for which supplier: the service)."""
    return is_supplier_user(user)


def may_see_bid_list(user: AnyUser, notice: Notice) -> bool:
    """The list of bids (metadata, never content), after the deadline only (the selector
    checks the clock): the buyer's editors and the active committee members."""
    return is_buyer_editor(user, notice) or is_committee_member(user, notice)


def may_read_opened(user: AnyUser, notice: Notice) -> bool:
    """Opened bid content: the active committee members and the buyer's procurement
    officers (and the external advisers named for the procurement), each only after
    declaring, for this procurement, that they have no conflict of interest
    (evaluation.permissions.cleared_for_bid_content). Stricter than is_buyer_editor on
    purpose (need to know): an authority administrator who is neither reads no bid content."""
    from evaluation.permissions import cleared_for_bid_content, is_evaluator

    return is_evaluator(user, notice) and cleared_for_bid_content(user, notice)


def may_run_opening(user: AnyUser, notice: Notice) -> bool:
    """Starts the opening and renews its session key: the buyer's editors."""
    return is_buyer_editor(user, notice)


def may_resume_opening(user: AnyUser, notice: Notice) -> bool:
    """Resumes an opening that stopped: the buyer's editors and the active members."""
    return is_buyer_editor(user, notice) or is_committee_member(user, notice)


def takes_part_in_opening(user: AnyUser, notice: Notice) -> bool:
    """May see the opening at all (its page, status, protocol): the buyer's editors, the
    active members and anyone holding a key shares were sealed to. Everyone else gets 404:
    that an opening exists is not public."""
    return (is_buyer_editor(user, notice) or is_committee_member(user, notice)
            or holds_committee_key(user, notice))
