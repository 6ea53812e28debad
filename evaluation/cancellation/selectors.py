from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.selectors import AnyUser
from backend.errors import Forbidden
from evaluation.permissions import may_cancel_procurement
from notices.models import Notice
from notices.selectors import notice_get_visible


def cancellable_notice(*, user: AnyUser, notice_id: Any) -> Notice:
    """404 for a notice the user cannot see; 403 for one they see but may not cancel."""
    notice = notice_get_visible(pk=notice_id, user=user)
    if not may_cancel_procurement(user, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s cancel this procurement.")
                        % {"buyer": notice.buyer.name})
    return notice
