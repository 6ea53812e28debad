"""Every write to a notice: one service per transition, each a compare-and-swap plus an event."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.permissions import is_authority_editor
from backend.errors import ApplicationError, Conflict, Forbidden
from backend.formatting import format_oslo
from notices.deadlines import notice_lock, refuse_change_after_deadline
from notices.fields import clean_datetime, clean_fields, clean_lots, diff, snapshot
from notices.models import (
    Lot,
    Notice,
    NoticeEvent,
    NoticeEventKind,
    NoticeKind,
    NoticeStatus,
    NoticeVersion,
    VersionKind,
)
from notices.rules import checks as rules
from notices.search.follow import record_change
from notices.signals import notice_changed
from notices.transitions import notice_flip

logger = logging.getLogger(__name__)

def notice_event(notice: Notice, kind: NoticeEventKind, *, by: User | None, at: datetime,
                 **data: Any) -> NoticeEvent:
    return NoticeEvent.objects.create(notice=notice, kind=kind, by=by, at=at, data=data)


def _require_editor(notice_buyer: Organization, by: User) -> None:
    if not is_authority_editor(by, notice_buyer):
        raise Forbidden(_("Only procurement officers of %(buyer)s can do this.")
                        % {"buyer": notice_buyer.name})


def _announce(notice: Notice, change: str, *, event: NoticeEvent) -> None:
    """In the change's transaction, the search outbox row (every node's index follows it:
    notices/search/follow.py); after commit, tell the receivers of notice_changed, with the
    event that says what."""
    notice_id, version, event_id = notice.pk, notice.version, event.pk
    record_change(notice_id, change)

    def send() -> None:
        # Every receiver runs even if one fails: a search-index hiccup must not silence
        # the followers' notifications (each receiver is idempotent and retried on its own).
        for receiver, result in notice_changed.send_robust(
                sender=Notice, notice_id=notice_id, change=change, version=version,
                event_id=event_id):
            if isinstance(result, Exception):
                logger.error("notice_changed receiver %s failed for notice %s: %r",
                             getattr(receiver, "__qualname__", receiver), notice_id, result)

    transaction.on_commit(send)


def _replace_lots(notice: Notice, lots: list[dict[str, Any]]) -> None:
    notice.lots.all().delete()
    Lot.objects.bulk_create([Lot(notice=notice, **lot) for lot in lots])


@transaction.atomic
def notice_create(*, buyer: Organization, by: User, kind: str, fields: dict[str, Any],
                  lots: list[dict[str, Any]] | None = None,
                  now: datetime | None = None) -> Notice:
    """Create a draft. Drafts are private to the buyer and may be incomplete."""
    now = now or timezone.now()
    if not buyer.is_authority:
        raise Forbidden(_("Only contracting authorities publish notices."))
    _require_editor(buyer, by)
    if kind not in NoticeKind.values:
        raise ApplicationError(_("Choose a notice type."), fields={"kind": [_("Unknown type.")]})
    cleaned = clean_fields(fields)
    for required in ("title", "contract_type", "cpv_main", "nuts"):
        if not cleaned.get(required):
            raise ApplicationError(_("A draft needs at least a title, a contract type, a main "
                                     "CPV code and a place of performance."),
                                   fields={required: [_("Required.")]})
    notice = Notice.objects.create(reference=f"tmp-{uuid.uuid4().hex[:20]}", buyer=buyer,
                                   kind=kind, created_by=by, **cleaned)
    notice.reference = f"ANB-{now.year}-{notice.pk:06d}"
    notice.save(update_fields=["reference"])
    if lots is not None:
        _replace_lots(notice, clean_lots(lots))
    notice_event(notice, NoticeEventKind.CREATED, by=by, at=now, notice_kind=kind)
    return notice


@transaction.atomic
def notice_update_draft(*, notice: Notice, by: User, fields: dict[str, Any],
                        lots: list[dict[str, Any]] | None = None,
                        now: datetime | None = None) -> Notice:
    now = now or timezone.now()
    _require_editor(notice.buyer, by)
    cleaned = clean_fields(fields)
    changed = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.DRAFT).update(**cleaned)
    if changed != 1:
        raise Conflict(_("Only drafts can be edited. A published notice changes through a "
                         "change notice."))
    if lots is not None:
        _replace_lots(notice, clean_lots(lots))
    notice_event(notice, NoticeEventKind.DRAFT_UPDATED, by=by, at=now,
                 fields=sorted(cleaned) + (["lots"] if lots is not None else []))
    notice.refresh_from_db()
    return notice


@transaction.atomic
def notice_kind_change(*, notice: Notice, by: User, kind: str,
                       now: datetime | None = None) -> Notice:
    """Change the notice type of a draft (e.g. to the type the preview suggests when the
    value crosses a threshold). Everything else in the draft is kept; a published notice keeps
    its type (cancel it and announce anew)."""
    now = now or timezone.now()
    _require_editor(notice.buyer, by)
    if kind not in NoticeKind.values:
        raise ApplicationError(_("Choose a notice type."), fields={"kind": [_("Unknown type.")]})
    locked = Notice.objects.select_for_update().filter(pk=notice.pk).first()
    if locked is None or locked.status != NoticeStatus.DRAFT:
        raise Conflict(_("Only a draft can change its notice type. A published notice keeps its "
                         "type; cancel it and announce the procurement anew."))
    old = locked.kind
    if old == kind:
        return locked
    changed = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.DRAFT, kind=old).update(
        kind=kind)
    if changed != 1:
        raise Conflict(_("Someone else changed the draft at the same time; reload the page."))
    notice_event(locked, NoticeEventKind.KIND_CHANGED, by=by, at=now, **{"from": old, "to": kind})
    locked.refresh_from_db()
    return locked


@transaction.atomic
def notice_delete_draft(*, notice: Notice, by: User) -> None:
    _require_editor(notice.buyer, by)
    deleted, _rows = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.DRAFT).delete()
    if not deleted:
        raise Conflict(_("Only drafts can be deleted; cancel a published notice instead."))


def _derive_regime(notice: Notice, *, at: datetime) -> str:
    if notice.estimated_value is None or not notice.buyer.buyer_type:
        return ""
    return rules.regime_for(value=notice.estimated_value, buyer_type=notice.buyer.buyer_type,
                            contract_type=notice.contract_type,
                            on=timezone.localdate(at)).regime


@transaction.atomic
def notice_publish(*, notice: Notice, by: User, now: datetime | None = None) -> Notice:
    now = now or timezone.now()
    _require_editor(notice.buyer, by)
    # Lock the row so a concurrent edit cannot slip in between the checks and the flip.
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=notice.pk)
    if notice.status != NoticeStatus.DRAFT:
        raise Conflict(_("This notice is already %(status)s.")
                       % {"status": notice.get_status_display().lower()})
    problems = rules.notice_publish_problems(notice, at=now)
    if problems:
        raise ApplicationError(problems, code="not_publishable")
    regime = _derive_regime(notice, at=now)
    event = notice_flip(notice, NoticeStatus.DRAFT, NoticeStatus.PUBLISHED, by=by, at=now,
                        published_at=now, regime=regime, version=1)
    NoticeVersion.objects.create(notice=notice, number=1, kind=VersionKind.ORIGINAL,
                                 snapshot=snapshot(notice), published_at=now, published_by=by)
    _announce(notice, "published", event=event)
    return notice


@transaction.atomic
def notice_change_publish(*, notice: Notice, by: User, reason: str, fields: dict[str, Any],
                          lots: list[dict[str, Any]] | None = None,
                          apply: Callable[[Notice, datetime], None] | None = None,
                          before: dict[str, Any] | None = None,
                          now: datetime | None = None) -> NoticeVersion:
    """Publish a change notice: a new version with a reason and a readable diff.

    Refused once the deadline for tenders has passed (the database clock, read with the row
    locked), whether or not the close job has run: no change may reopen the competition.

    `apply(notice, clock)` lets another app change what it owns and adds to the snapshot
    (notices.fields.SNAPSHOT_PARTS; evaluation: the evaluation model) in the same change
    notice: it runs with the row locked, after the deadline check, inside this transaction,
    and may raise ApplicationError to refuse the whole change.

    `before` is the snapshot to compare with when a registered part is derived from data the
    caller already changed in this transaction (evaluation.contract: the award notice's
    results, after the contract that concludes a lot); default: the notice as it stands.
    """
    _require_editor(notice.buyer, by)
    if not reason.strip():
        raise ApplicationError(_("Say why the notice changes; bidders read the reason."),
                               fields={"reason": [_("Required.")]})
    notice, now = notice_lock(notice.pk, now=now, with_buyer=True)
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("Only a published notice whose deadline has not passed can be "
                         "changed; this one is %(status)s.")
                       % {"status": notice.get_status_display().lower()})
    refuse_change_after_deadline(notice, now)
    before = before if before is not None else snapshot(notice)
    if apply is not None:
        apply(notice, now)
    cleaned = clean_fields(fields)
    for name, value in cleaned.items():
        setattr(notice, name, value)
    Notice.objects.filter(pk=notice.pk).update(**cleaned)
    if lots is not None:
        _replace_lots(notice, clean_lots(lots))
    notice.refresh_from_db()
    assert notice.published_at is not None
    problems = rules.check_publishable(notice, at=now, published_at=notice.published_at)
    if problems:
        raise ApplicationError(problems, code="not_publishable")
    notice.regime = _derive_regime(notice, at=notice.published_at)
    after = snapshot(notice)
    changes = diff(before, after)
    if not changes:
        raise ApplicationError(_("Nothing changed, so there is no change notice to publish."),
                               code="no_change")
    old_version = notice.version
    swapped = Notice.objects.filter(pk=notice.pk, version=old_version).update(
        version=F("version") + 1, regime=notice.regime)
    if swapped != 1:
        raise Conflict(_("Someone else published a change at the same time; reload the page."))
    notice.refresh_from_db()
    version = NoticeVersion.objects.create(
        notice=notice, number=notice.version, kind=VersionKind.CHANGE, snapshot=after,
        diff=changes, reason=reason.strip(), published_at=now, published_by=by)
    event = notice_event(notice, NoticeEventKind.CHANGED, by=by, at=now,
                         version=notice.version, reason=reason.strip(),
                         fields=[c["field"] for c in changes])
    _announce(notice, "changed", event=event)
    return version


@transaction.atomic
def notice_deadline_extend(*, notice: Notice, by: User, submission_deadline: Any,
                           question_deadline: Any = None, reason: str = "",
                           now: datetime | None = None) -> NoticeVersion:
    """Extend the deadline in one action: a change notice with the new deadline(s)."""
    new_deadline = clean_datetime(submission_deadline, "submission_deadline")
    if new_deadline is None:
        raise ApplicationError(_("Give the new deadline for tenders."),
                               fields={"submission_deadline": [_("Required.")]})
    current = notice.submission_deadline
    if current is not None and new_deadline <= current:
        raise ApplicationError(
            _("The new deadline must be later than the current one (%(deadline)s, Oslo time).")
            % {"deadline": format_oslo(current, "short")},
            fields={"submission_deadline": [_("Later than the current deadline.")]})
    fields: dict[str, Any] = {"submission_deadline": new_deadline}
    if question_deadline not in (None, ""):
        fields["question_deadline"] = clean_datetime(question_deadline, "question_deadline")
    reason = str(reason or "").strip() or (
        _("The deadline for tenders is extended to %(deadline)s (Oslo time).")
        % {"deadline": format_oslo(new_deadline, "short")})
    return notice_change_publish(notice=notice, by=by, reason=reason, fields=fields, now=now)


@transaction.atomic
def notice_cancel(*, notice: Notice, by: User, reason: str,
                  now: datetime | None = None) -> NoticeVersion:
    now = now or timezone.now()
    _require_editor(notice.buyer, by)
    if not reason.strip():
        raise ApplicationError(_("Give the reason for the cancellation; it is published."),
                               fields={"reason": [_("Required.")]})
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=notice.pk)
    if notice.status not in (NoticeStatus.PUBLISHED, NoticeStatus.CLOSED):
        raise Conflict(_("Only a published notice can be cancelled (a draft can be deleted)."))
    event = notice_flip(notice, notice.status, NoticeStatus.CANCELLED, by=by, at=now,
                        reason=reason.strip(), cancelled_at=now, version=F("version") + 1)
    version = NoticeVersion.objects.create(
        notice=notice, number=notice.version, kind=VersionKind.CANCELLATION,
        snapshot=snapshot(notice), reason=reason.strip(), published_at=now, published_by=by)
    _announce(notice, "cancelled", event=event)
    return version


def notice_close_due(*, now: datetime | None = None) -> int:
    """Bookkeeping: mark published notices whose deadline has passed. Idempotent.

    Deadlines themselves are enforced by the writes that depend on them, not by this job.
    """
    now = now or timezone.now()
    closed = 0
    due = Notice.objects.filter(status=NoticeStatus.PUBLISHED, submission_deadline__lte=now)
    for notice in due.only("pk", "status"):
        with transaction.atomic():
            try:
                event = notice_flip(notice, NoticeStatus.PUBLISHED, NoticeStatus.CLOSED, by=None,
                                    at=now, reason="deadline passed")
            except Conflict:
                continue  # another worker got there first
            _announce(notice, "closed", event=event)
            closed += 1
    return closed
