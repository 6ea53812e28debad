"""Who reads a procurement protocol: `may_see_protocol`; 404 for everyone else."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.selectors import AnyUser
from backend.errors import NotFound
from evaluation.permissions import may_see_protocol
from notices.models import Notice


def protocol_notice(*, user: AnyUser, notice_id: Any) -> Notice:
    """The notice whose protocol `user` may read; NotFound otherwise (even for a public
    notice: the protocol quotes bid content, scores and reasons)."""
    notice = Notice.objects.select_related("buyer").filter(pk=notice_id).first()
    if notice is None or not may_see_protocol(user, notice):
        raise NotFound(_("No such protocol."))
    return notice
