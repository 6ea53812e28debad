"""Cancel a procurement at any stage after publication and before a contract is signed."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Membership, User
from backend.errors import ApplicationError, Conflict, Forbidden
from backend.formatting import format_oslo
from bids.models import CommitteeMember, Submission, SubmissionStatus
from evaluation.award.models import (
    AwardDecision,
    AwardEvent,
    AwardEventKind,
    AwardStatus,
    Contract,
)
from evaluation.award.transitions import award_flip
from evaluation.cancellation.grounds import CancellationGround, cancellation_paragraph
from evaluation.permissions import may_cancel_procurement
from notices.following.models import InboxKind
from notices.following.services import inbox_send
from notices.models import Notice, NoticeStatus
from notices.services import notice_cancel

MAX_REASONS = 10000
# The bids whose suppliers took part: received before the deadline, opened or rejected.
TOOK_PART = (SubmissionStatus.SEALED, SubmissionStatus.OPENED, SubmissionStatus.REJECTED)


def _stage(notice: Notice) -> str:
    if AwardDecision.objects.filter(notice=notice, status=AwardStatus.SENT).exists():
        return "award_sent"
    if notice.evaluations.exists():
        return "evaluation"
    if notice.status == NoticeStatus.CLOSED:
        return "deadline_passed"
    return "published"


def cancellation_recipients(notice: Notice) -> list[User]:
    """Everyone who took part: the users of every supplier with a bid received, opened or
    rejected, and the committee's members (active seats)."""
    suppliers = Submission.objects.filter(notice=notice, status__in=TOOK_PART).values(
        "supplier_id")
    users = {m.user.pk: m.user for m in Membership.objects.filter(
        organization_id__in=suppliers, role__in=list(SUPPLIER_ROLES),
        user__is_active=True).select_related("user")}
    for seat in CommitteeMember.objects.filter(committee__notice=notice, removed_at__isnull=True,
                                               user__is_active=True).select_related("user"):
        users.setdefault(seat.user.pk, seat.user)
    return list(users.values())


def cancellation_letter(notice: Notice, *, ground: str, paragraph: str, reasons: str,
                        at: datetime) -> tuple[str, str]:
    """The letter in the active language (the caller overrides it per recipient)."""
    subject = _("Cancelled: %(title)s (%(reference)s)") % {"title": notice.title,
                                                            "reference": notice.reference}
    body = "\n\n".join([
        _("%(buyer)s has cancelled the competition %(title)s (%(reference)s) on %(when)s.") % {
            "buyer": notice.buyer.name, "title": notice.title, "reference": notice.reference,
            "when": format_oslo(at)},
        _("Legal ground: %(ground)s (%(paragraph)s).") % {
            "ground": CancellationGround(ground).label, "paragraph": paragraph},
        _("Reasons: %(reasons)s") % {"reasons": reasons},
        _("No contract will be signed in this competition. Bids that were not opened stay "
          "sealed. You may complain to the contracting authority or to KOFA."),
    ])
    return subject, body


@transaction.atomic
def procurement_cancel(*, notice: Notice, by: User, ground: str, reasons: str,
                       now: datetime | None = None) -> AwardEvent:
    """Cancel the competition with a legal ground and reasons (both required): the notice
    goes to "cancelled" through notices.services.notice_cancel (the cancellation is
    published on the board with the ground and the reasons), every live award decision is
    withdrawn with the cancellation as its reason, the AwardEvent CANCELLED is written, and
    everyone who took part gets a letter (inbox and e-mail) in their own language. Refused
    once a contract is signed."""
    now = now or timezone.now()
    if not may_cancel_procurement(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s cancel this procurement.")
                        % {"buyer": notice.buyer.name})
    reasons = (reasons or "").strip()
    problems: dict[str, list[str]] = {}
    if ground not in CancellationGround.values:
        problems["ground"] = [_("Choose the legal ground.")]
    if not reasons:
        problems["reasons"] = [_("Give the reasons: they are published and sent to everyone "
                                 "who took part.")]
    elif len(reasons) > MAX_REASONS:
        problems["reasons"] = [_("At most %(n)s characters.") % {"n": MAX_REASONS}]
    if problems:
        raise ApplicationError(_("The procurement could not be cancelled."), fields=problems)
    locked = Notice.objects.select_for_update(of=("self",)).select_related("buyer").get(
        pk=notice.pk)
    if Contract.objects.filter(notice=locked).exists():
        raise Conflict(_("A contract is signed: the procurement can no longer be cancelled."),
                       code="contract_signed")
    if locked.status not in (NoticeStatus.PUBLISHED, NoticeStatus.CLOSED):
        raise Conflict(_("Only a published procurement can be cancelled (a draft can be "
                         "deleted)."), code="status")
    stage = _stage(locked)
    paragraph = cancellation_paragraph(locked.regime)
    with translation.override(settings.LANGUAGE_CODE):  # the board's language
        public = _("%(ground)s (%(paragraph)s). %(reasons)s") % {
            "ground": CancellationGround(ground).label, "paragraph": paragraph,
            "reasons": reasons}
    notice_cancel(notice=locked, by=by, reason=public, now=now)
    withdrawn = []
    for decision in AwardDecision.objects.select_for_update(of=("self",)).filter(
            notice=locked).exclude(status=AwardStatus.WITHDRAWN):
        award_flip(decision, decision.status, AwardStatus.WITHDRAWN, by=by, at=now,
                   data={"reason": reasons, "cancelled": True}, withdrawn_at=now,
                   withdrawn_by=by, withdraw_reason=_("The procurement was cancelled: %(r)s")
                   % {"r": reasons})
        withdrawn.append(decision.pk)
    event = AwardEvent.objects.create(
        notice=locked, kind=AwardEventKind.CANCELLED, by=by, at=now,
        data={"ground": ground, "paragraph": paragraph, "reasons": reasons, "stage": stage,
              "withdrawn_decisions": withdrawn})
    link = reverse("notices:detail", kwargs={"pk": locked.pk})
    for user in cancellation_recipients(locked):
        with translation.override(user.language or None):
            subject, body = cancellation_letter(locked, ground=ground, paragraph=paragraph,
                                                reasons=reasons, at=now)
        inbox_send(users=[user], notice=locked, kind=InboxKind.PROCUREMENT_CANCELLED,
                   subject=subject, body=body, link=link, now=now)
    notice.refresh_from_db()
    return event
