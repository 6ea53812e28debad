"""The award-notice reminder: an AWARD_TASK inbox message (and e-mail) to the buyer's
officers once when the award notice is due within a week, and once more when it is overdue.
Idempotent: a message already sent for the same notice and step is not sent again."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import NOTICE_EDITOR_ROLES, Membership
from evaluation.dashboard.selectors import award_notices_to_remind
from notices.following.models import InboxKind, InboxMessage
from notices.following.services import inbox_send


def award_notice_remind(*, now: datetime | None = None) -> int:
    """Send the due reminders; returns how many messages were written."""
    now = now or timezone.now()
    sent = 0
    for notice, due, overdue in award_notices_to_remind(now=now):
        step = "overdue" if overdue else "due"
        link = reverse("evaluation:dashboard") + f"#award-notice-{step}-{notice.pk}"
        with transaction.atomic():
            officers = [m.user for m in Membership.objects.filter(
                organization_id=notice.buyer_id, role__in=list(NOTICE_EDITOR_ROLES),
                user__is_active=True).select_related("user")]
            told = set(InboxMessage.objects.filter(
                notice=notice, kind=InboxKind.AWARD_TASK, path=link).values_list(
                "user_id", flat=True))
            for user in officers:
                if user.pk in told:
                    continue
                with translation.override(user.language or None):
                    subject = (_("Award notice overdue: %(title)s") if overdue
                               else _("Award notice due: %(title)s")) % {"title": notice.title}
                    body = _("The award notice of %(reference)s is due by %(date)s (30 days "
                             "after the contract was signed) and is not published yet.") % {
                        "reference": notice.reference, "date": due.strftime("%d.%m.%Y")}
                sent += len(inbox_send(users=[user], notice=notice, kind=InboxKind.AWARD_TASK,
                                       subject=subject, body=body, link=link, now=now))
    return sent


@shared_task(name="evaluation.dashboard.award_notice_reminders")
def award_notice_reminders() -> int:
    return award_notice_remind()
