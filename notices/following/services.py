"""Following notices: who follows what, and telling every follower about every change.

Every change notice, new document version, published answer, deadline change and
cancellation is a NoticeEvent. One task per event writes one InboxMessage per follower
((user, event) is unique) and e-mails them all in one batch; the e-mail is claimed by a
compare-and-swap on `emailed_at`, so a retried or doubled task never mails anyone twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import AnyUser, suppliers_of
from backend.errors import Conflict, Forbidden
from backend.links import absolute_url
from notices.fields import FIELD_LABELS, display_value
from notices.following import tasks as following_tasks  # registers the tasks with Celery
from notices.following.models import Follow, InboxKind, InboxMessage
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus, NoticeVersion

logger = logging.getLogger(__name__)

# Which NoticeEvent a notice_changed signal stands for, for a signal without `event_id`.
EVENT_KINDS = {
    "changed": NoticeEventKind.CHANGED,
    "cancelled": NoticeEventKind.CANCELLED,
    "document": NoticeEventKind.DOCUMENT_VERSION_ADDED,
}
# The changes followers (or askers) hear about; published and closed are not among them.
ANNOUNCED_CHANGES = frozenset({*EVENT_KINDS, "answer"})
# E-mails that failed are retried by the periodic tick after this long.
MAIL_RETRY_AFTER = timedelta(minutes=1)


def notice_path(notice: Notice | int) -> str:
    pk = notice if isinstance(notice, int) else notice.pk
    try:
        return reverse("notices:detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return f"/notices/{pk}/"


# --- following ---------------------------------------------------------------------------

@transaction.atomic
def follow_create(*, user: User, notice: Notice,
                  now: datetime | None = None) -> tuple[Follow, bool]:
    """Follow a published notice. Following twice is not an error. Returns (follow, created)."""
    now = now or timezone.now()
    if not suppliers_of(user=user).exists():
        raise Forbidden(_("Only suppliers can follow notices. Register your company first."))
    if notice.status not in (NoticeStatus.PUBLISHED, NoticeStatus.CLOSED):
        raise Conflict(_("Only published notices can be followed; this one is %(status)s.")
                       % {"status": notice.get_status_display().lower()})
    follow, created = Follow.objects.get_or_create(user=user, notice=notice,
                                                   defaults={"created_at": now})
    return follow, created


def follow_ensure(*, bidder: User, notice: Notice, now: datetime | None = None) -> None:
    """The bidder follows the notice (a bid's finalisation): one INSERT that does nothing if
    the follow exists, no savepoint. The caller has checked that `bidder` acts for a
    supplier on this published notice (bids.submission); otherwise use follow_create."""
    Follow.objects.bulk_create([Follow(user=bidder, notice=notice,
                                       created_at=now or timezone.now())],
                               ignore_conflicts=True)


@transaction.atomic
def follow_delete(*, user: User, notice: Notice) -> bool:
    deleted, _rows = Follow.objects.filter(user=user, notice=notice).delete()
    return bool(deleted)


def follow_exists(*, user: AnyUser, notice: Notice) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, notice=notice).exists()


def follow_list(*, user: AnyUser) -> QuerySet[Follow]:
    if not user.is_authenticated:
        return Follow.objects.none()
    return Follow.objects.filter(user=user).select_related("notice").order_by("-created_at")


# --- the inbox ---------------------------------------------------------------------------

def inbox_list(*, user: AnyUser, unread_only: bool = False) -> QuerySet[InboxMessage]:
    if not user.is_authenticated:
        return InboxMessage.objects.none()
    qs = InboxMessage.objects.filter(user=user).select_related("notice")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def inbox_unread_count(*, user: AnyUser) -> int:
    return inbox_list(user=user, unread_only=True).count()


@transaction.atomic
def inbox_mark_read(*, user: User, ids: Iterable[int] | None = None,
                    now: datetime | None = None) -> int:
    """Mark the user's messages read (all of them when `ids` is None)."""
    now = now or timezone.now()
    qs = InboxMessage.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=[i for i in ids if 0 < i < 2**63])
    return qs.update(read_at=now)


# --- notifications -----------------------------------------------------------------------

def on_notice_changed(sender: Any, *, notice_id: int, change: str, version: int | None = None,
                      event_id: int | None = None, **kwargs: Any) -> None:
    """Receiver of notices.signals.notice_changed (sent after commit): one task per event."""
    if change not in ANNOUNCED_CHANGES:
        return  # published, closed: nothing for followers
    if event_id is None:
        kind = EVENT_KINDS.get(change)
        if kind is None:
            return
        events = NoticeEvent.objects.filter(notice_id=notice_id, kind=kind).order_by("-pk")
        if change == "changed" and version is not None:
            events = events.filter(data__version=version)
        event_ids = list(events.values_list("pk", flat=True)[:1])
        if not event_ids:
            logger.warning("notice %s changed (%s) without an event", notice_id, change)
            return
        if change == "document":
            # The signal does not say which upload it announces. Two uploads can commit
            # back to back, so also take any recent document event nobody was told about.
            event_ids = _document_events_untold(notice_id) or event_ids
    else:
        event_ids = [event_id]
    for pk in event_ids:
        try:
            following_tasks.notify_event.delay(pk)
        except Exception:  # the change is committed; the periodic tick retries unsent e-mail
            logger.exception("notifying followers of event %s failed", pk)


def _document_events_untold(notice_id: int) -> list[int]:
    followed_since = Follow.objects.filter(notice_id=notice_id).order_by("created_at").values_list(
        "created_at", flat=True).first()
    if followed_since is None:
        return []
    told = InboxMessage.objects.filter(notice_id=notice_id, kind=InboxKind.DOCUMENT).values(
        "event_id")
    recent = (NoticeEvent.objects.filter(notice_id=notice_id, kind=EVENT_KINDS["document"],
                                         at__gte=followed_since)
              .exclude(pk__in=told).order_by("-pk").values_list("pk", flat=True)[:5])
    return sorted(recent)


def _changes_text(version: NoticeVersion | None, *, skip: Iterable[str] = ()) -> list[str]:
    if version is None:
        return []
    lines = []
    for change in version.diff:
        if change["field"] in skip:
            continue
        label = FIELD_LABELS.get(change["field"], change["field"])
        lines.append(f"- {label}: {display_value(change['field'], change['old'])} → "
                     f"{display_value(change['field'], change['new'])}")
    return lines


def _compose(event: NoticeEvent) -> tuple[str, str, str, list[int]] | None:
    """(kind, subject, body, recipient user ids) for an event, or None if nobody is told."""
    from notices.questions.models import Answer, Question

    notice = event.notice
    data = event.data or {}
    # Followers hear about what happens from the moment they follow.
    followers = list(Follow.objects.filter(notice=notice, user__is_active=True,
                                           created_at__lte=event.at)
                     .values_list("user_id", flat=True))
    head = f"{notice.reference} {notice.title}"
    link = _("Read the notice: %(url)s") % {"url": absolute_url(notice_path(notice))}
    if event.kind == NoticeEventKind.CHANGED:
        version = NoticeVersion.objects.filter(notice=notice,
                                               number=int(data.get("version") or 0)).first()
        reason = data.get("reason", "")
        if "submission_deadline" in data.get("fields", []):
            kind = InboxKind.DEADLINE
            subject = _("Deadline changed: %(notice)s") % {"notice": head}
            old = new = None
            for change in version.diff if version else []:
                if change["field"] == "submission_deadline":
                    old, new = change["old"], change["new"]
            lines = [_("The deadline for tenders has changed from %(old)s to %(new)s "
                       "(Norwegian time).")
                     % {"old": display_value("submission_deadline", old),
                        "new": display_value("submission_deadline", new)}]
            others = _changes_text(version, skip=["submission_deadline"])
            if others:
                lines += ["", _("Other changes:"), *others]
        else:
            kind = InboxKind.CHANGE
            subject = _("Change notice: %(notice)s") % {"notice": head}
            lines = [_("The notice has been changed (version %(n)s):") % {"n": data.get("version")},
                     *_changes_text(version)]
        lines += ["", _("Reason: %(reason)s") % {"reason": reason}]
        recipients = followers
    elif event.kind == NoticeEventKind.DOCUMENT_VERSION_ADDED:
        kind = InboxKind.DOCUMENT
        subject = _("New tender document version: %(notice)s") % {"notice": head}
        lines = [_("“%(document)s” has a new version %(n)s: %(file)s (SHA-256 %(sha)s).")
                 % {"document": data.get("document", ""), "n": data.get("version"),
                    "file": data.get("filename", ""), "sha": data.get("sha256", "")}]
        if data.get("note"):
            lines.append(_("What changed: %(note)s") % {"note": data["note"]})
        recipients = followers
    elif event.kind == NoticeEventKind.CANCELLED:
        kind = InboxKind.CANCELLED
        subject = _("Cancelled: %(notice)s") % {"notice": head}
        lines = [_("The contracting authority has cancelled this competition."),
                 _("Reason: %(reason)s") % {"reason": data.get("reason", "")}]
        recipients = followers
    elif event.kind in (NoticeEventKind.ANSWER_PUBLISHED, NoticeEventKind.ANSWERED_PRIVATELY):
        answer = Answer.objects.filter(pk=int(data.get("answer_id") or 0)).first()
        if answer is None:
            return None
        # Only the published wording: the asker's identity is never part of an answer.
        lines = [_("Question:"), answer.published_question_text, "", _("Answer:"), answer.text]
        # Whoever asked (a merged duplicate included) is told, following or not: the page that
        # took the question promised the answer in their inbox.
        askers = list(Question.objects.filter(
            pk__in=data.get("question_ids", []), asked_by__isnull=False,
            asked_by__is_active=True).values_list("asked_by_id", flat=True))
        if event.kind == NoticeEventKind.ANSWER_PUBLISHED:
            kind = InboxKind.ANSWER
            subject = _("New answer to a question: %(notice)s") % {"notice": head}
            recipients = followers + askers
        else:
            kind = InboxKind.PRIVATE_ANSWER
            subject = _("Answer to your question: %(notice)s") % {"notice": head}
            recipients = askers
    else:
        return None
    body = "\n".join([*lines, "", link])
    return kind, subject[:300], body, sorted(set(recipients))


def _event_path(event: NoticeEvent) -> str:
    """The page a notice event is about: the notice, at the answer or document concerned."""
    data = event.data or {}
    path = notice_path(event.notice_id)
    if event.kind == NoticeEventKind.ANSWER_PUBLISHED and data.get("answer_id"):
        return f"{path}#answer-{data['answer_id']}"
    if event.kind == NoticeEventKind.ANSWERED_PRIVATELY and data.get("question_ids"):
        return f"{path}#question-{data['question_ids'][0]}"
    if event.kind == NoticeEventKind.DOCUMENT_VERSION_ADDED:
        return f"{path}#documents"
    return path


def _languages(user_ids: Iterable[int]) -> dict[str, list[int]]:
    """The recipients grouped by the language of their e-mails and inbox."""
    groups: dict[str, list[int]] = {}
    for pk, language in User.objects.filter(pk__in=list(user_ids)).values_list("pk",
                                                                             "language"):
        groups.setdefault(language or settings.LANGUAGE_CODE, []).append(pk)
    return groups


def notification_send(*, event_id: int, now: datetime | None = None) -> int:
    """Tell everyone concerned about one NoticeEvent, each in their own language: inbox and
    e-mail. Idempotent. Returns the number of e-mails sent by this call.
    """
    now = now or timezone.now()
    event = NoticeEvent.objects.select_related("notice").filter(pk=event_id).first()
    if event is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        composed = _compose(event)
    if composed is None:
        return 0
    rows = []
    for language, user_ids in _languages(composed[3]).items():
        with translation.override(language):
            kind, subject, body, _recipients = _compose(event) or composed
        rows += [InboxMessage(user_id=uid, notice=event.notice, event=event, kind=kind,
                              key=f"notice-event:{event.pk}", subject=subject, body=body,
                              path=_event_path(event), created_at=now) for uid in user_ids]
    InboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return _mail_pending(InboxMessage.objects.filter(event=event), now=now)


Compose = Callable[[User], tuple[str, list[str]]]


def _inbox_write(*, users: Iterable[User], notice: Notice, kind: str, key: str, path: str,
                 compose: Compose, attachment: dict[str, str] | None, now: datetime
                 ) -> list[int]:
    """One inbox message per active user, composed in that user's language and ending with
    the absolute link to `path`; idempotent per (user, key). Returns the users' ids."""
    rows, ids = [], []
    for user in users:
        if not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, lines = compose(user)
            link = _("Open the page: %(url)s") % {"url": absolute_url(path)}
        rows.append(InboxMessage(user=user, notice=notice, kind=kind, key=key,
                                 subject=subject[:300], body="\n".join([*lines, "", link]),
                                 path=path, attachment=attachment, created_at=now))
        ids.append(user.pk)
    if rows:
        InboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return ids


def inbox_deliver(*, users: Iterable[User], notice: Notice, kind: str, key: str, path: str,
                  compose: Compose, attachment: dict[str, str] | None = None,
                  now: datetime | None = None) -> int:
    """Tell each of `users` about one thing (not a notice event: a committee seat, a receipt,
    a question): an inbox message and an e-mail in the person's own language, ending with the
    absolute link to `path`. `compose(user)` returns (subject, lines) and runs with the
    user's language active. Idempotent per (user, key). Returns the e-mails sent."""
    now = now or timezone.now()
    ids = _inbox_write(users=users, notice=notice, kind=kind, key=key, path=path,
                       compose=compose, attachment=attachment, now=now)
    if not ids:
        return 0
    return _mail_pending(InboxMessage.objects.filter(key=key, user_id__in=ids), now=now)


def inbox_deliver_after_commit(*, users: Iterable[User], notice: Notice, kind: str, key: str,
                               path: str, compose: Compose, now: datetime | None = None) -> int:
    """As inbox_deliver, for a service telling people about its own write: the messages are
    written in the caller's transaction and e-mailed after it commits (the periodic retry
    sends what fails). Returns how many messages are new."""
    now = now or timezone.now()
    told = set(InboxMessage.objects.filter(key=key).values_list("user_id", flat=True))
    ids = _inbox_write(users={u.pk: u for u in users if u.pk not in told}.values(),
                       notice=notice, kind=kind, key=key, path=path, compose=compose,
                       attachment=None, now=now)
    _mail_after_commit(list(InboxMessage.objects.filter(
        key=key, user_id__in=ids, emailed_at__isnull=True).values_list("pk", flat=True)))
    return len(ids)


def _mail_pending(messages: QuerySet[InboxMessage], *, now: datetime) -> int:
    """Claim the messages nobody has mailed yet and send them in one batch.

    The claim and the send share a transaction: if sending fails the claim is rolled back
    and a retry sends them; a concurrent run waits for the row locks and then finds nothing.
    """
    with transaction.atomic():
        pending = list(messages.select_for_update().filter(emailed_at__isnull=True)
                       .select_related("user").order_by("pk"))
        if not pending:
            return 0
        claimed = InboxMessage.objects.filter(pk__in=[m.pk for m in pending],
                                              emailed_at__isnull=True).update(emailed_at=now)
        if claimed != len(pending):
            raise Conflict(_("Inbox messages were claimed by another run."))
        mails = [_email(m) for m in pending if m.user.email]
        with get_connection() as connection:
            connection.send_messages(mails)
    return len(mails)


def _email(message: InboxMessage) -> EmailMessage:
    mail = EmailMessage(subject=f"[Anbud] {message.subject}", body=message.body,
                        to=[message.user.email])
    attachment = message.attachment or {}
    if attachment.get("name"):
        mail.attach(attachment["name"], attachment.get("content", ""),
                    attachment.get("content_type") or "application/octet-stream")
    return mail


def notification_retry_unsent(*, now: datetime | None = None) -> int:
    """Bookkeeping for the periodic tick: e-mail messages whose first attempt failed."""
    now = now or timezone.now()
    stale = InboxMessage.objects.filter(emailed_at__isnull=True,
                                        created_at__lte=now - MAIL_RETRY_AFTER)
    try:
        return _mail_pending(stale, now=now)
    except (Conflict, OSError) as exc:
        logger.warning("retrying unsent notifications failed: %s", exc)
        return 0


@transaction.atomic
def inbox_send(*, users: Iterable[User], notice: Notice, kind: str, subject: str, body: str,
               link: str = "", now: datetime | None = None) -> list[InboxMessage]:
    """A message to named people that no NoticeEvent stands behind (the evaluation's letters
    and requests to one supplier): one InboxMessage each, e-mailed after commit (the periodic
    retry picks up what fails)."""
    now = now or timezone.now()
    messages = InboxMessage.objects.bulk_create([
        InboxMessage(user=user, notice=notice, event=None, kind=kind, subject=subject[:300],
                     body=body, path=link, created_at=now)
        for user in {u.pk: u for u in users if u.is_active}.values()])
    _mail_after_commit([m.pk for m in messages])
    return messages


def _mail_after_commit(ids: list[int]) -> None:
    """E-mail these inbox messages once the caller's transaction commits."""
    def _send() -> None:
        try:
            following_tasks.mail_messages.delay(ids)
        except Exception:
            logger.exception("e-mailing inbox messages %s failed", ids)
    if ids:
        transaction.on_commit(_send)


def inbox_mail(*, message_ids: Iterable[int], now: datetime | None = None) -> int:
    """E-mail the given inbox messages that nobody has mailed yet."""
    return _mail_pending(InboxMessage.objects.filter(pk__in=list(message_ids)),
                         now=now or timezone.now())


def notice_event_announce(*, event: NoticeEvent, to_followers: bool) -> None:
    """After commit: followers hear through notice_changed; others through the task."""
    from notices.signals import notice_changed

    notice_id, version, event_id = event.notice_id, event.notice.version, event.pk
    if to_followers:
        transaction.on_commit(lambda: notice_changed.send(
            sender=Notice, notice_id=notice_id, change="answer", version=version,
            event_id=event_id))
    else:
        def _send() -> None:
            try:
                following_tasks.notify_event.delay(event_id)
            except Exception:
                logger.exception("notifying askers of event %s failed", event_id)
        transaction.on_commit(_send)
