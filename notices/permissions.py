"""Who may do what with a notice: the named predicates the APIs, the web views, the services
and the selectors all use.

Predicates answer yes or no and never raise. The status a caller gives on "no" follows one
rule: anonymous on an API route is 401 (web: a redirect to sign-in); a signed-in user who may
see the notice but not do this is 403 (a published notice's buyer-only actions); a notice the
user may not even see (a draft of another authority) is 404.
"""

from __future__ import annotations

from accounts.permissions import is_authority_editor, is_member_of, is_supplier_user
from accounts.selectors import AnyUser
from notices.models import Notice


def is_buyer_editor(user: AnyUser, notice: Notice) -> bool:
    """May edit, publish, change and cancel the notice, upload its documents, answer and
    merge its questions, extend its deadline, name its committee and start its opening:
    an authority administrator or procurement officer of the buyer. Platform staff do not."""
    return is_authority_editor(user, notice.buyer_id)


def is_buyer_member(user: AnyUser, notice: Notice) -> bool:
    """Belongs to the buyer in any role (committee members too): may see the notice while it
    is a draft, and the buyer's side of its questions (the queue, who asked). Seeing is all:
    everything that writes needs is_buyer_editor."""
    return is_member_of(user, notice.buyer_id)


def may_view(user: AnyUser, notice: Notice) -> bool:
    """Anyone may see a public notice; a draft only its buyer's members."""
    return notice.is_public or is_buyer_member(user, notice)


def may_ask_questions(user: AnyUser) -> bool:
    """Users of a supplier ask clarification questions (the deadline is the service's)."""
    return is_supplier_user(user)


def may_follow(user: AnyUser) -> bool:
    """Users of a supplier follow notices (changes, documents and answers reach them)."""
    return is_supplier_user(user)
