"""Qualification writes: a verdict per bid and requirement, clarification requests and the
supplier's answers, rejection with its legal ground and letter, and the abnormally-low steps
(ask the supplier to explain; accept with a reason, or reject on that ground).

Every write locks the notice row first (notices.deadlines.notice_lock), then the rows it
changes, and reads the database clock after the locks. A request's deadline is checked
against that clock, with the request's row locked, when the answer arrives.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Membership, User
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound, TooLarge
from backend.formatting import format_oslo
from backend.links import absolute_url
from backend.text import check_text
from bids.models import Submission, SubmissionStatus
from bids.transitions import submission_flip
from evaluation import permissions, selectors
from evaluation.criteria.models import QualificationRequirement
from evaluation.models import (
    EvaluationEvent,
    EvaluationEventKind,
    EvaluationStatus,
    LotEvaluation,
)
from evaluation.qualification.grounds import paragraph_explained, paragraph_for
from evaluation.qualification.models import (
    AbnormallyLowAcceptance,
    ClarificationKind,
    ClarificationRequest,
    Rejection,
    RejectionGround,
    RequirementAssessment,
    Verdict,
)
from notices.deadlines import notice_lock
from notices.following.models import InboxKind
from notices.following.services import inbox_send
from notices.models import Notice
from notices.rules.models import Regime

MAX_REASON = 5000
MAX_QUESTION = 5000
MAX_ANSWER = 20000
MAX_REASONS = 10000


def _event(notice: Notice, kind: EvaluationEventKind, *, by: User | None, at: datetime,
           evaluation: LotEvaluation | None = None, **data: Any) -> EvaluationEvent:
    return EvaluationEvent.objects.create(notice_id=notice.pk, evaluation=evaluation, kind=kind,
                                          by=by, at=at, data=data)


def _bid(submission: Submission) -> dict[str, Any]:
    return {"submission": str(submission.pk), "supplier": submission.supplier.name}


def _text(value: str | None) -> str:
    return (value or "").strip()


def _lock_bid(submission: Submission) -> Submission:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to
    # "opened"; only the bid's own row needs the lock.
    return (Submission.objects.select_for_update(of=("self",))
            .select_related("supplier", "opened").get(pk=submission.pk))


def _require_opened(submission: Submission) -> None:
    if submission.status == SubmissionStatus.REJECTED:
        raise Conflict(_("The bid of %(supplier)s is rejected; nothing more is assessed.")
                       % {"supplier": submission.supplier.name}, code="rejected")
    opened = getattr(submission, "opened", None)
    if submission.status != SubmissionStatus.OPENED or opened is None \
            or opened.status != "opened":
        raise NotFound(_("No such bid."))


def _require_started(notice: Notice) -> list[LotEvaluation]:
    evaluations = list(LotEvaluation.objects.select_for_update().filter(notice=notice)
                       .order_by("lot_number"))
    if not evaluations:
        raise Conflict(_("Start the evaluation first."), code="not_started")
    return evaluations


def _supplier_users(submission: Submission) -> list[User]:
    return [m.user for m in Membership.objects.filter(
        organization_id=submission.supplier_id, role__in=list(SUPPLIER_ROLES),
        user__is_active=True).select_related("user")]


# --- verdicts --------------------------------------------------------------------------------


@transaction.atomic
def requirement_assess(*, submission: Submission, requirement: QualificationRequirement,
                       verdict: str, reason: str, document: str = "", by: User,
                       now: datetime | None = None) -> RequirementAssessment:
    """Mark one bid pass or fail on one requirement, with the reason and the document of the
    bid that shows it (a file name of the opened bid; required for a pass). A verdict may
    change while every lot the requirement counts in is still at qualification."""
    notice = submission.notice
    if not permissions.may_assess(by, notice):
        raise Forbidden(_("Only evaluators who have declared no conflict of interest assess "
                          "the bids."))
    if requirement.notice_id != submission.notice_id:
        raise NotFound(_("No such requirement."))
    reason, document = _text(reason), _text(document)
    check_text({"reason": reason, "document": document},
               max_lengths={"reason": MAX_REASON, "document": 500})
    problems: dict[str, list[str]] = {}
    if verdict not in Verdict.values:
        problems["verdict"] = [_("Choose pass or fail.")]
    if not reason:
        problems["reason"] = [_("Give the reason for the verdict.")]
    if document and document not in selectors.file_names(submission):
        problems["document"] = [_("Name a file of the opened bid.")]
    if verdict == Verdict.PASS and not document:
        problems["document"] = [_("Name the document of the bid that shows the requirement "
                                  "is met.")]
    if problems:
        raise ApplicationError(_("The verdict could not be recorded."), fields=problems)
    locked, clock = notice_lock(notice.pk, now=now)
    bid = _lock_bid(submission)
    _require_opened(bid)
    _require_started(locked)
    counted = list(selectors.evaluations_for_requirement(requirement))
    closed = [e for e in counted if e.status != EvaluationStatus.QUALIFICATION]
    if closed:
        raise Conflict(_("The qualification of lot %(lots)s is complete; its verdicts no "
                         "longer change.") % {"lots": ", ".join(str(e.lot_number)
                                                               for e in closed)},
                       code="qualification_complete")
    before = RequirementAssessment.objects.filter(submission=bid,
                                                  requirement=requirement).first()
    assessment, _created = RequirementAssessment.objects.update_or_create(
        submission=bid, requirement=requirement,
        defaults={"notice": locked, "verdict": verdict, "reason": reason,
                  "document": document, "assessed_at": clock, "assessed_by": by})
    _event(locked, EvaluationEventKind.REQUIREMENT_ASSESSED, by=by, at=clock,
           evaluation=counted[0] if requirement.lot_number is not None and counted else None,
           requirement=requirement.pk, title=requirement.title, verdict=verdict,
           reason=reason, document=document,
           previous=before.verdict if before is not None else None, **_bid(bid))
    return assessment


# --- clarification requests ------------------------------------------------------------------


def _clarification_path(request: ClarificationRequest) -> str:
    return reverse("evaluation:clarification", kwargs={"clarification_id": request.pk})


def _tell_about_request(request: ClarificationRequest, *, now: datetime) -> None:
    notice, bid = request.notice, request.submission
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Request for clarification: %(notice)s") % {
            "notice": f"{notice.reference} {notice.title}"}
        lines = [
            _("%(buyer)s asks %(supplier)s about its bid in “%(title)s”.") % {
                "buyer": notice.buyer.name, "supplier": bid.supplier.name,
                "title": notice.title},
            "", f"{request.get_kind_display()}:", request.question, "",
            _("Answer by %(deadline)s (Norwegian time), in Anbud or through the API. The bid "
              "itself cannot be changed by the answer.") % {
                "deadline": format_oslo(request.deadline, "short")},
            "", _("Answer here: %(url)s") % {"url": absolute_url(_clarification_path(request))},
        ]
        inbox_send(users=_supplier_users(bid), notice=notice, kind=InboxKind.CLARIFICATION,
                   subject=subject, body="\n".join(lines),
                   link=_clarification_path(request), now=now)


@transaction.atomic
def clarification_request(*, submission: Submission, kind: str, question: str,
                          deadline: datetime | None, by: User,
                          requirement: QualificationRequirement | None = None,
                          now: datetime | None = None, flag: Mapping[str, Any] | None = None,
                          evaluation: LotEvaluation | None = None) -> ClarificationRequest:
    """Ask the supplier of a bid to clarify it or to send a missing document, by a deadline.
    The supplier hears in the inbox and by e-mail."""
    notice = submission.notice
    if not permissions.may_assess(by, notice):
        raise Forbidden(_("Only evaluators who have declared no conflict of interest ask "
                          "suppliers for clarifications."))
    question = _text(question)
    check_text({"question": question}, max_lengths={"question": MAX_QUESTION})
    problems: dict[str, list[str]] = {}
    if kind not in ClarificationKind.values:
        problems["kind"] = [_("Choose what you ask for.")]
    if not question:
        problems["question"] = [_("Write what the supplier is to clarify or send.")]
    if deadline is None or timezone.is_naive(deadline):
        problems["deadline"] = [_("Give the deadline for the answer.")]
    if requirement is not None and requirement.notice_id != notice.pk:
        problems["requirement"] = [_("No such requirement.")]
    if problems:
        raise ApplicationError(_("The request could not be sent."), fields=problems)
    assert deadline is not None
    locked, clock = notice_lock(notice.pk, now=now)
    if deadline <= clock:
        raise ApplicationError(_("The deadline for the answer must be in the future."),
                               fields={"deadline": [_("Give a time after now.")]})
    bid = _lock_bid(submission)
    _require_opened(bid)
    _require_started(locked)
    request = ClarificationRequest.objects.create(
        notice=locked, submission=bid, kind=kind, requirement=requirement, question=question,
        deadline=deadline, asked_at=clock, asked_by=by)
    if kind == ClarificationKind.ABNORMALLY_LOW:
        _event(locked, EvaluationEventKind.ABNORMALLY_LOW_FLAGGED, by=by, at=clock,
               evaluation=evaluation, flag=dict(flag or {}), clarification=request.pk,
               **_bid(bid))
    _event(locked, EvaluationEventKind.CLARIFICATION_REQUESTED, by=by, at=clock,
           evaluation=evaluation, clarification=request.pk, asked_for=kind, question=question,
           deadline=deadline.isoformat(),
           requirement=requirement.pk if requirement is not None else None, **_bid(bid))
    _tell_about_request(request, now=clock)
    return request


@dataclass
class Attachment:
    name: str
    file: Any  # a Django File / UploadedFile


def _store_attachment(request: ClarificationRequest, attachment: Attachment
                      ) -> dict[str, Any]:
    from bids.opening.services import private_storage

    limit = int(settings.EVALUATION_CLARIFICATION_MAX_BYTES)
    size = int(getattr(attachment.file, "size", 0) or 0)
    if size > limit:
        raise TooLarge(_("The document is larger than the limit of %(mb)d MB.")
                       % {"mb": limit // (1024 * 1024)})
    name = get_valid_filename(os.path.basename(attachment.name or "")) or "document"
    check_text({"file": name}, max_lengths={"file": 255})
    digest = hashlib.sha256()
    for chunk in attachment.file.chunks() if hasattr(attachment.file, "chunks") else [
            attachment.file.read()]:
        digest.update(chunk)
    attachment.file.seek(0)
    stored = private_storage().save(
        f"clarifications/{request.notice_id}/{request.pk}/{name}", File(attachment.file))
    return {"attachment_name": name, "attachment_storage_name": stored,
            "attachment_size": size, "attachment_sha256": digest.hexdigest()}


def clarification_answer(*, request: ClarificationRequest, by: User, answer: str,
                         attachment: Attachment | None = None,
                         now: datetime | None = None) -> ClarificationRequest:
    """The supplier's answer, once, before the deadline (the database clock, read with the
    request's row locked)."""
    if not permissions.is_bid_supplier(by, request.submission.supplier_id):
        raise NotFound(_("No such clarification request."))
    answer = _text(answer)
    check_text({"answer": answer}, max_lengths={"answer": MAX_ANSWER})
    if not answer and attachment is None:
        raise ApplicationError(_("Write the answer or attach the document."),
                               fields={"answer": [_("The answer is empty.")]})
    stored: dict[str, Any] = {}
    try:
        with transaction.atomic():
            row = ClarificationRequest.objects.select_for_update().get(pk=request.pk)
            clock = now if now is not None else db_now()
            if row.answered_at is not None:
                raise Conflict(_("This request was answered on %(date)s.")
                               % {"date": format_oslo(row.answered_at, "short")},
                               code="answered")
            if row.deadline <= clock:
                raise Conflict(_("The deadline for the answer passed on %(date)s (Norwegian "
                                 "time).") % {"date": format_oslo(row.deadline, "short")},
                               code="deadline_passed")
            if attachment is not None:
                stored = _store_attachment(row, attachment)
            changed = ClarificationRequest.objects.filter(
                pk=row.pk, answered_at__isnull=True).update(
                answer=answer, answered_at=clock, answered_by=by, **stored)
            if changed != 1:
                raise Conflict(_("This request was answered meanwhile."), code="answered")
            row.refresh_from_db()
            _event(row.notice, EvaluationEventKind.CLARIFICATION_ANSWERED, by=by, at=clock,
                   clarification=row.pk, asked_for=row.kind, answer=answer,
                   attachment=stored.get("attachment_name", ""),
                   attachment_sha256=stored.get("attachment_sha256", ""),
                   **_bid(row.submission))
    except Exception:
        if stored.get("attachment_storage_name"):
            from bids.opening.services import private_storage

            private_storage().delete(stored["attachment_storage_name"])
        raise
    return row


# --- rejection -------------------------------------------------------------------------------


def rejection_letter(*, notice: Notice, submission: Submission, ground: str, paragraph: str,
                     reasons: str, by: User, at: datetime) -> tuple[str, str]:
    """The subject and text of the rejection letter, in the platform's language: the ground,
    the legal basis, the reasons and how to complain."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your bid is rejected: %(notice)s") % {
            "notice": f"{notice.reference} {notice.title}"}
        path = reverse("evaluation:letter", kwargs={"pk": notice.pk,
                                                    "submission_id": submission.pk})
        lines = [
            notice.buyer.name, "",
            _("To: %(supplier)s") % {"supplier": submission.supplier.name},
            _("Date: %(date)s") % {"date": format_oslo(at, "date")},
            _("Competition: %(title)s (%(reference)s)") % {"title": notice.title,
                                                            "reference": notice.reference},
            "",
            _("%(buyer)s has rejected your bid received %(received)s (Norwegian time). The bid "
              "takes no further part in the competition.") % {
                "buyer": notice.buyer.name,
                "received": format_oslo(submission.received_at, "short")},
            "",
            _("Ground: %(ground)s.") % {"ground": RejectionGround(ground).label},
            _("Legal basis: %(basis)s.") % {"basis": paragraph_explained(paragraph)},
            "", _("Reasons:"), reasons, "",
            _("How to complain"),
            "- " + _("You may ask %(buyer)s to reconsider the rejection. Write to the "
                     "contracting authority as soon as possible and say what you believe is "
                     "wrong.") % {"buyer": notice.buyer.name},
            "- " + _("You may complain to the Complaints Board for Public Procurement (KOFA, "
                     "Klagenemnda for offentlige anskaffelser), www.kofa.no; the board's "
                     "conditions, fee and time limits apply."),
            "- " + _("You may bring the case before the courts (the district court), and ask "
                     "for an interim injunction to stop the contract from being signed."),
        ]
        if notice.regime == Regime.PART_III:
            lines.append("- " + _("The award decision will be sent to every bidder with a "
                                  "standstill period before the contract is signed."))
        lines += ["", _("On behalf of %(buyer)s: %(name)s") % {"buyer": notice.buyer.name,
                                                                "name": str(by)},
                  _("This letter is kept in Anbud: %(url)s") % {"url": absolute_url(path)}]
    return subject[:300], "\n".join(lines)


@transaction.atomic
def bid_reject(*, submission: Submission, ground: str, reasons: str, by: User,
               now: datetime | None = None) -> Rejection:
    """Reject a bid with a legal ground and reasons: the submission goes to "rejected"
    (bids.transitions), the letter is kept and sent to the supplier's users (inbox and
    e-mail), and scoring skips the bid. Not once a lot is ranked (reopen it first). An
    abnormally low bid is rejected only after the supplier was asked to explain the price."""
    notice = submission.notice
    if not permissions.may_decide(by, notice):
        raise Forbidden(_("Only a procurement officer of %(buyer)s who has declared no "
                          "conflict of interest rejects a bid.") % {"buyer": notice.buyer.name})
    reasons = _text(reasons)
    check_text({"reasons": reasons}, max_lengths={"reasons": MAX_REASONS})
    problems: dict[str, list[str]] = {}
    if ground not in RejectionGround.values:
        problems["ground"] = [_("Choose the legal ground.")]
    if not reasons:
        problems["reasons"] = [_("Give the reasons: the supplier reads them in the letter.")]
    if problems:
        raise ApplicationError(_("The bid could not be rejected."), fields=problems)
    locked, clock = notice_lock(notice.pk, now=now)
    bid = _lock_bid(submission)
    if bid.status == SubmissionStatus.REJECTED:
        raise Conflict(_("The bid of %(supplier)s is rejected already.")
                       % {"supplier": bid.supplier.name}, code="rejected")
    _require_opened(bid)
    evaluations = _require_started(locked)
    ranked = [e for e in evaluations if e.status == EvaluationStatus.RANKED]
    if ranked:
        raise Conflict(_("Lot %(lots)s is ranked. Reopen the ranking for consensus before "
                         "rejecting a bid.") % {"lots": ", ".join(str(e.lot_number)
                                                                 for e in ranked)},
                       code="ranked")
    if ground == RejectionGround.ABNORMALLY_LOW and not selectors.abnormally_low_explained(
            bid, clock=clock):
        raise Conflict(_("Ask the supplier to explain the price first, and wait for the "
                         "answer or the deadline (FOA § 24-9)."), code="explanation_first")
    paragraph = paragraph_for(ground, locked.regime)
    subject, letter = rejection_letter(notice=locked, submission=bid, ground=ground,
                                       paragraph=paragraph, reasons=reasons, by=by, at=clock)
    rejection = Rejection.objects.create(
        notice=locked, submission=bid, ground=ground, paragraph=paragraph, reasons=reasons,
        letter_subject=subject, letter=letter, rejected_at=clock, rejected_by=by)
    submission_flip(bid, SubmissionStatus.OPENED, SubmissionStatus.REJECTED, by=by, at=clock,
                    data={"ground": ground, "paragraph": paragraph})
    _event(locked, EvaluationEventKind.BID_REJECTED, by=by, at=clock, ground=ground,
           paragraph=paragraph, reasons=reasons, rejection=rejection.pk, **_bid(bid))
    inbox_send(users=_supplier_users(bid), notice=locked, kind=InboxKind.REJECTION,
               subject=subject, body=letter,
               link=reverse("evaluation:letter", kwargs={"pk": locked.pk,
                                                        "submission_id": bid.pk}), now=clock)
    submission.refresh_from_db()
    return rejection


# --- abnormally low offers -------------------------------------------------------------------


@dataclass(frozen=True)
class LowFlag:
    """An offer whose price is abnormally low against the others (evaluation.scoring), with
    the figures that flagged it and the reasons in words."""

    submission_id: str
    price: Decimal
    codes: tuple[str, ...]  # "below_average", "below_next"
    reasons: tuple[str, ...]
    detail: Mapping[str, Any]


def abnormally_low_flags(*, evaluation: LotEvaluation,
                         prices: Mapping[str, Decimal | float] | None = None) -> list[LowFlag]:
    """The offers of a lot flagged as abnormally low, by evaluation.scoring.abnormally_low
    with the thresholds of the settings. `prices` ({str(submission.pk): NOK}) defaults to the
    prices the scoring recorded (selectors.offer_prices); rejected bids do not count."""
    from evaluation.scoring import abnormally_low

    if prices is None:
        prices = selectors.offer_prices(evaluation)
    offers = {str(pk) for pk in selectors.offers_of(evaluation).values_list("pk", flat=True)}
    usable = {key: float(value) for key, value in prices.items() if key in offers}
    if len(usable) < 2:
        return []
    found = abnormally_low(
        usable, below_average=float(settings.EVALUATION_ABNORMALLY_LOW_BELOW_AVERAGE),
        below_next=float(settings.EVALUATION_ABNORMALLY_LOW_BELOW_NEXT))
    return [_as_flag(item, Decimal(str(prices[item.offer_key]))) for item in found]


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.1f} %".replace(".", "," if translation.get_language() == "nb"
                                              else ".")


def _as_flag(item: Any, price: Decimal) -> LowFlag:
    from notices.rules.checks import nok

    reasons = []
    if "below_average" in item.reasons:
        reasons.append(_("%(pct)s below the average of the other offers (%(average)s)") % {
            "pct": _percent(item.below_average_fraction),
            "average": nok(Decimal(str(round(item.average_of_others, 2))))})
    if "below_next" in item.reasons and item.next_price is not None:
        reasons.append(_("%(pct)s below the next lowest price (%(next)s)") % {
            "pct": _percent(item.below_next_fraction),
            "next": nok(Decimal(str(round(item.next_price, 2))))})
    return LowFlag(submission_id=str(item.offer_key), price=price,
                   codes=tuple(str(r) for r in item.reasons), reasons=tuple(reasons),
                   detail={"average_of_others": item.average_of_others,
                           "below_average_fraction": item.below_average_fraction,
                           "next_price": item.next_price,
                           "below_next_fraction": item.below_next_fraction})


@transaction.atomic
def abnormally_low_ask(*, evaluation: LotEvaluation, submission: Submission, question: str,
                       deadline: datetime | None, by: User,
                       now: datetime | None = None) -> ClarificationRequest:
    """Ask the supplier to explain an abnormally low price (a clarification request of that
    kind, and the flag recorded with the numbers the committee saw)."""
    flag = next((f for f in abnormally_low_flags(evaluation=evaluation)
                 if f.submission_id == str(submission.pk)), None)
    data: dict[str, Any] = {"flagged": flag is not None}
    if flag is not None:
        data.update({"price": str(flag.price), "reasons": list(flag.codes), **flag.detail})
    return clarification_request(submission=submission, kind=ClarificationKind.ABNORMALLY_LOW,
                                 question=question, deadline=deadline, by=by, now=now,
                                 flag=data, evaluation=evaluation)


@transaction.atomic
def abnormally_low_accept(*, evaluation: LotEvaluation, submission: Submission, reason: str,
                          by: User, price: Decimal | None = None,
                          now: datetime | None = None) -> AbnormallyLowAcceptance:
    """Accept an offer flagged as abnormally low after the supplier's explanation (answered,
    or the deadline passed), with the committee's reason."""
    notice = evaluation.notice
    if not permissions.may_decide(by, notice):
        raise Forbidden(_("Only a procurement officer of %(buyer)s who has declared no "
                          "conflict of interest decides on an abnormally low offer.")
                        % {"buyer": notice.buyer.name})
    reason = _text(reason)
    check_text({"reason": reason}, max_lengths={"reason": MAX_REASON})
    if not reason:
        raise ApplicationError(_("Give the reason for accepting the price."),
                               fields={"reason": [_("A reason is required.")]})
    locked, clock = notice_lock(notice.pk, now=now)
    bid = _lock_bid(submission)
    _require_opened(bid)
    current = LotEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if current.status == EvaluationStatus.RANKED:
        raise Conflict(_("The lot is ranked. Reopen the ranking for consensus first."),
                       code="ranked")
    if not selectors.abnormally_low_explained(bid, clock=clock):
        raise Conflict(_("Ask the supplier to explain the price first, and wait for the "
                         "answer or the deadline (FOA § 24-9)."), code="explanation_first")
    if AbnormallyLowAcceptance.objects.filter(evaluation=current, submission=bid).exists():
        raise Conflict(_("The price of this offer is accepted already."), code="accepted")
    if price is None:
        price = selectors.offer_prices(current).get(str(bid.pk))
    acceptance = AbnormallyLowAcceptance.objects.create(
        notice=locked, evaluation=current, submission=bid, price=price, reason=reason,
        decided_at=clock, decided_by=by)
    _event(locked, EvaluationEventKind.ABNORMALLY_LOW_ACCEPTED, by=by, at=clock,
           evaluation=current, reason=reason, price=str(price) if price is not None else None,
           **_bid(bid))
    return acceptance
