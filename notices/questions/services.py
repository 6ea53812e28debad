"""Clarification questions and answers (the writes and the reads that decide who sees what).

A question is private to the asker's organisation and the buyer. The buyer answers it
publicly (anonymised: only the question text, as the buyer words it, is published) or
privately (only the askers see it), and may merge duplicates: answering the question others
were merged into answers them all. Published answers reach every follower through the same
notification path as change notices.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.selectors import AnyUser, suppliers_of
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from backend.formatting import format_oslo
from notices.deadlines import notice_lock
from notices.following.services import notice_event_announce
from notices.models import Notice, NoticeEventKind, NoticeKind, NoticeStatus
from notices.permissions import is_buyer_editor, is_buyer_member
from notices.questions.models import (
    Answer,
    Question,
    QuestionEvent,
    QuestionEventKind,
    QuestionStatus,
)
from notices.questions.transitions import question_flip
from notices.rules import checks as rules
from notices.services import notice_event

MAX_TEXT = 5000
logger = logging.getLogger(__name__)


def question_deadline_of(notice: Notice) -> datetime | None:
    """Questions close at the question deadline or the tender deadline, whichever is first."""
    return min(filter(None, (notice.question_deadline, notice.submission_deadline)),
               default=None)


def _clean_text(text: str, field: str, what: str) -> str:
    text = str(text or "").strip()
    if not text:
        raise ApplicationError(_("Write the %(what)s.") % {"what": what},
                               fields={field: [_("Required.")]})
    if len(text) > MAX_TEXT:
        raise ApplicationError(_("The %(what)s can be at most %(n)s characters.")
                               % {"what": what, "n": MAX_TEXT}, fields={field: [_("Too long.")]})
    return text


def _event(question: Question, kind: QuestionEventKind, *, by: User | None, at: datetime,
           **data: Any) -> QuestionEvent:
    return QuestionEvent.objects.create(question=question, kind=kind, by=by, at=at, data=data)


def _require_buyer_editor(notice: Notice, by: User) -> None:
    if not is_buyer_editor(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can answer questions.")
                        % {"buyer": notice.buyer.name})


# --- writes ------------------------------------------------------------------------------

@transaction.atomic
def question_ask(*, notice: Notice, by: User, text: str,
                 supplier: Organization | None = None,
                 now: datetime | None = None) -> Question:
    """A supplier asks a question before the question deadline."""
    suppliers = suppliers_of(user=by)
    if supplier is None:
        choices = list(suppliers[:2])
        if not choices:
            raise Forbidden(_("Only suppliers can ask questions. Register your company first."))
        if len(choices) > 1:
            raise ApplicationError(_("You act for several suppliers; say which one asks."),
                                   fields={"supplier": [_("Required.")]})
        supplier = choices[0]
    elif not suppliers.filter(pk=supplier.pk).exists():
        raise Forbidden(_("You cannot ask on behalf of that organisation."))
    text = _clean_text(text, "text", _("question"))
    # The clock decides in the transaction that writes: lock the notice row, then read the
    # database clock (never the close job's status flip).
    notice, now = notice_lock(notice.pk, now=now)
    if notice.kind == NoticeKind.AWARD:
        raise Conflict(_("An award notice takes no questions; ask the contracting authority "
                         "directly."), code="not_open")
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("Questions can only be asked while the competition is open; this "
                         "notice is %(status)s.")
                       % {"status": notice.get_status_display().lower()},
                       code="not_open")
    deadline = question_deadline_of(notice)
    if deadline is not None and now >= deadline:
        raise ApplicationError(
            _("The deadline for questions was %(deadline)s (Oslo time). Questions can no longer "
              "be asked in this competition.") % {"deadline": format_oslo(deadline, "short")},
            code="question_deadline_passed", fields={"text": [_("The deadline has passed.")]})
    question = Question.objects.create(notice=notice, asked_by=by, supplier=supplier, text=text,
                                       created_at=now)
    _event(question, QuestionEventKind.ASKED, by=by, at=now)
    _announce_question(question.pk)
    return question


def _announce_question(question_id: int) -> None:
    """After commit: the buyer's officers hear that a question waits for an answer."""
    from notices.following import tasks

    def send() -> None:
        try:
            tasks.notify_question_asked.delay(question_id)
        except Exception:
            logger.exception("telling the buyer about question %s failed", question_id)

    transaction.on_commit(send)


def question_notify_buyer(*, question_id: int, now: datetime | None = None) -> int:
    """Tell the buyer's procurement officers (and administrators) about a new question, each
    in their own language, with a link to the question queue. Idempotent per question."""
    from django.urls import reverse

    from accounts.models import NOTICE_EDITOR_ROLES
    from notices.following.models import InboxKind
    from notices.following.services import inbox_deliver

    question = Question.objects.select_related("notice__buyer").filter(pk=question_id).first()
    if question is None:
        return 0
    notice = question.notice
    officers = User.objects.filter(memberships__organization_id=notice.buyer_id,
                                   memberships__role__in=list(NOTICE_EDITOR_ROLES),
                                   is_active=True).distinct().order_by("pk")
    head = f"{notice.reference} {notice.title}"
    deadline = question_deadline_of(notice)

    def compose(user: User) -> tuple[str, list[str]]:
        lines = [_("A supplier has asked a question about %(notice)s:") % {"notice": head}, "",
                 question.text, ""]
        lines.append(_("Answer it in the question queue. A public answer is published to "
                       "everyone without the asker's name; a private one reaches only the "
                       "asker."))
        if deadline is not None:
            lines.append(_("Questions can be asked until %(deadline)s.")
                         % {"deadline": format_oslo(deadline, "datetime")})
        return _("New question: %(notice)s") % {"notice": head}, lines

    path = reverse("questions:question-queue", kwargs={"pk": notice.pk})
    return inbox_deliver(users=officers, notice=notice, kind=InboxKind.QUESTION,
                         key=f"question:{question.pk}", path=f"{path}#question-{question.pk}",
                         compose=compose, now=now)


@transaction.atomic
def question_answer(*, question: Question, by: User, text: str, public: bool,
                    question_text: str | None = None,
                    now: datetime | None = None) -> tuple[Answer, list[str]]:
    """Answer a question (and every question merged into it). Returns warnings to show.

    A public answer is published with `question_text` (the buyer's wording; by default the
    question as asked) and never with the asker's identity.
    """
    # The late-change warning depends on the deadline: the database clock, with the row locked.
    notice, now = notice_lock(question.notice_id, now=now, with_buyer=True)
    _require_buyer_editor(notice, by)
    if notice.status not in (NoticeStatus.PUBLISHED, NoticeStatus.CLOSED):
        raise Conflict(_("This notice is %(status)s; its questions can no longer be answered.")
                       % {"status": notice.get_status_display().lower()})
    question = Question.objects.get(pk=question.pk)
    if question.status == QuestionStatus.MERGED:
        raise Conflict(_("This question was merged into another one; answer that one "
                         "instead."), code="merged")
    text = _clean_text(text, "text", _("answer"))
    published_text = _clean_text(question_text if question_text is not None else question.text,
                                 "question_text", _("question as published"))
    if question.status != QuestionStatus.OPEN:
        # Checked before the answer row exists (one answer per question); the notice row is
        # locked, so the swap below cannot lose to a concurrent answer.
        raise Conflict(_("This question has already been answered; reload the page."))
    answer = Answer.objects.create(question=question, notice=notice,
                                   published_question_text=published_text, text=text,
                                   public=bool(public), published_at=now, by=by)
    question_flip(question, QuestionStatus.OPEN, QuestionStatus.ANSWERED, by=by, at=now,
                  data={"answer_id": answer.pk, "public": answer.public})
    merged = list(Question.objects.filter(merged_into=question).values_list("pk", flat=True))
    # The merged questions stay merged (no transition) but their trail records the answer.
    for pk in merged:
        _event(Question(pk=pk), QuestionEventKind.ANSWERED, by=by, at=now,
               answer_id=answer.pk, public=answer.public)
    group = [question.pk, *merged]
    kind = (NoticeEventKind.ANSWER_PUBLISHED if answer.public
            else NoticeEventKind.ANSWERED_PRIVATELY)
    event = notice_event(notice, kind, by=by, at=now, answer_id=answer.pk, question_ids=group)
    notice_event_announce(event=event, to_followers=answer.public)
    warnings = []
    # The late-change period is a dated rule row (notices/rules), not a constant here.
    late = rules.late_change(notice, at=now) if answer.public else None
    if late is not None:
        warnings.append(_("The answer was published less than %(days)s days before the deadline "
                          "for tenders (%(deadline)s, Oslo time; %(source)s): consider extending "
                          "the deadline so every supplier can take it into account.")
                        % {"days": late.days, "source": late.source,
                           "deadline": format_oslo(notice.submission_deadline, "short")})
    return answer, warnings


@transaction.atomic
def question_merge(*, question: Question, into: Question, by: User,
                   now: datetime | None = None) -> Question:
    """Merge a duplicate into another question of the same notice."""
    now = now or timezone.now()
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=question.notice_id)
    _require_buyer_editor(notice, by)
    if into.notice_id != notice.pk:
        raise ApplicationError(_("Only questions on the same notice can be merged."),
                               fields={"into": [_("A question on this notice.")]})
    if into.pk == question.pk:
        raise ApplicationError(_("A question cannot be merged into itself."),
                               fields={"into": [_("Choose another question.")]})
    into = Question.objects.get(pk=into.pk)
    if into.status == QuestionStatus.MERGED:
        raise ApplicationError(_("That question was itself merged; merge into the question it "
                                 "was merged into."), fields={"into": [_("Merged already.")]})
    question_flip(question, QuestionStatus.OPEN, QuestionStatus.MERGED, by=by, at=now,
                  data={"into": into.pk}, merged_into=into)
    # Questions merged into this one follow it.
    Question.objects.filter(merged_into_id=question.pk).exclude(pk=question.pk).update(
        merged_into=into)
    _event(into, QuestionEventKind.MERGE_RECEIVED, by=by, at=now, merged=question.pk)
    question.refresh_from_db()
    return question


# --- reads -------------------------------------------------------------------------------

def answer_list_public(*, notice: Notice) -> QuerySet[Answer]:
    """Published answers: anyone may read them."""
    return Answer.objects.filter(notice=notice, public=True).order_by("published_at", "pk")


def question_list_visible(*, notice: Notice, user: AnyUser) -> QuerySet[Question]:
    """All questions for the buyer; the questions of the user's suppliers for a supplier."""
    qs = Question.objects.filter(notice=notice).select_related(
        "answer", "merged_into__answer", "supplier")
    if not user.is_authenticated:
        return qs.none()
    if is_buyer_member(user, notice):
        return qs
    return qs.filter(supplier__in=suppliers_of(user=user))


def question_answer_for(question: Question) -> Answer | None:
    """The answer that answers this question (its own, or that of the question it joined)."""
    primary = question.primary
    try:
        return primary.answer
    except Answer.DoesNotExist:
        return None


def question_get_for_buyer(*, pk: int, user: AnyUser) -> Question:
    """A question the user may handle as the buyer; 404 for everyone else."""
    question = Question.objects.select_related("notice__buyer").filter(pk=pk).first()
    if question is None or not is_buyer_member(user, question.notice):
        raise NotFound(_("No such question."))
    return question


def question_queue(*, notice: Notice, user: AnyUser) -> QuerySet[Question]:
    """The buyer's queue: open questions first."""
    if not is_buyer_member(user, notice):
        return Question.objects.none()
    return question_list_visible(notice=notice, user=user).order_by(
        "status", "created_at", "pk")


def questions_open(*, notice: Notice, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    deadline = question_deadline_of(notice)
    return (notice.status == NoticeStatus.PUBLISHED and notice.kind != NoticeKind.AWARD
            and (deadline is None or now < deadline))


__all__ = [
    "answer_list_public", "question_answer",
    "question_answer_for", "question_ask", "question_get_for_buyer", "question_list_visible",
    "question_merge", "question_queue", "questions_open",
]
