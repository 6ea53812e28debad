"""Every write of the award decision of a lot: draft, update the draft, send, withdraw.

- `award_draft`: only when the lot is ranked; proposes the outcome from the ranking (rank 1
  wins, its offered price as the value) and pre-fills the free text from the committee's
  consensus reasons; writes AwardEventKind.DRAFTED.
- `award_update_draft`: the officer's edits (outcome, winners, letter text, price
  justification, no-award reason, standstill exception and its justification); a draft is
  working text and writes no event, like a member's draft score sheet.
- `award_send`: one act, one transaction, one moment: the notice and the decision locked,
  the DATABASE clock read, the standstill rule in force for the notice's regime on that Oslo
  date applied (or the exception, with its justification), and one frozen AwardLetter per
  bidder of the lot (every opened bid, rejected ones too) with the same sent_at, each
  bidder's users told in their own language (inbox and e-mail). draft -> sent.
- `award_withdraw`: sent -> withdrawn with a reason and a withdrawal letter to every bidder
  (the same way); a draft is discarded (draft -> withdrawn, no letters). Refused once a
  contract is recorded on the decision. A new draft can then be made; all are kept.

Who: a cleared officer (permissions.may_decide_award).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Membership, User
from backend.errors import ApplicationError, Conflict, Forbidden
from backend.links import absolute_url
from bids.models import Submission
from evaluation import permissions
from evaluation.award import letters, selectors
from evaluation.award.models import (
    AwardDecision,
    AwardEvent,
    AwardEventKind,
    AwardLetter,
    AwardOutcome,
    AwardStatus,
    AwardWinner,
    Contract,
    StandstillException,
)
from evaluation.award.standstill import OSLO, standstill_end
from evaluation.award.transitions import award_flip
from evaluation.models import EvaluationStatus, LotEvaluation
from evaluation.scores.models import ConsensusScore
from evaluation.templatetags.scores_format import kroner, points
from notices.deadlines import notice_lock
from notices.following.models import InboxKind
from notices.following.services import inbox_send
from notices.models import Notice

MAX_TEXT = 20000
MIN_REASON = 20
MIN_JUSTIFICATION = 20


# --- shared --------------------------------------------------------------------------------


def _need_officer(notice: Notice, by: User) -> None:
    if not permissions.may_decide_award(by, notice):
        raise Forbidden(_("Only a procurement officer of %(buyer)s who has declared no "
                          "conflict of interest decides the award.")
                        % {"buyer": notice.buyer.name})


def _lock_decision(decision: AwardDecision) -> AwardDecision:
    locked = AwardDecision.objects.select_for_update(of=("self",)).select_related(
        "notice__buyer", "evaluation").get(pk=decision.pk)
    return locked


def _event(decision: AwardDecision, kind: AwardEventKind, *, by: User, at: datetime,
           **data: Any) -> AwardEvent:
    return AwardEvent.objects.create(notice_id=decision.notice_id, decision=decision, kind=kind,
                                     by=by, at=at,
                                     data={"lot": decision.lot_number, **data})


def _text(value: str | None, *, field: str, label: str, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ApplicationError(_("%(label)s: at most %(n)d characters.")
                               % {"label": label, "n": limit},
                               fields={field: [_("At most %(n)d characters.") % {"n": limit}]})
    return text


def _supplier_users(submission: Submission) -> list[User]:
    return [m.user for m in Membership.objects.filter(
        organization_id=submission.supplier_id, role__in=list(SUPPLIER_ROLES),
        user__is_active=True).select_related("user").order_by("pk")]


def _letter_language(submission: Submission, users: Sequence[User]) -> str:
    """The language the frozen letter is kept in: that of the user who made the bid, else
    of the supplier's first user, else the site's."""
    maker = next((u for u in users if u.pk == submission.created_by_id), None)
    return letters.language_of(maker or (users[0] if users else None))


# --- the proposal and the pre-filled text --------------------------------------------------


def prefill_letter_text(evaluation: LotEvaluation, winner_ids: Sequence[str]) -> str:
    """The winner's characteristics and relative advantages per criterion, from the
    committee's consensus reasons and points (the officer edits it before sending)."""
    if not winner_ids:
        return ""
    rows = selectors.ranked_offers(evaluation)
    names = {r.submission_id: r.supplier for r in rows}
    agreed: dict[tuple[str, int], ConsensusScore] = {
        (str(c.submission_id), c.criterion_id): c for c in ConsensusScore.objects.filter(
            evaluation=evaluation).select_related("criterion")}
    criteria = sorted({c.criterion for c in agreed.values()}, key=lambda c: c.position)
    lines: list[str] = []
    for criterion in criteria:
        lines.append(f"{criterion.name}:")
        for winner in winner_ids:
            mine = agreed.get((str(winner), criterion.pk))
            if mine is None:
                continue
            others = [c.points for (sid, cid), c in agreed.items()
                      if cid == criterion.pk and sid not in winner_ids]
            best_other = max(others) if others else None
            compare = ""
            if best_other is not None:
                compare = " " + _("(the best other offer: %(points)s points)") % {
                    "points": points(best_other)}
            lines.append(_("- %(supplier)s, %(points)s points%(compare)s: %(reason)s") % {
                "supplier": names.get(str(winner), ""), "points": points(mine.points),
                "compare": compare, "reason": mine.justification})
    return "\n".join(lines)


def price_facts(evaluation: LotEvaluation, winner_ids: Sequence[str]) -> str:
    """A starting point for the justification of a higher price: the figures."""
    cheapest = selectors.lowest_price(evaluation)
    rows = {r.submission_id: r for r in selectors.ranked_offers(evaluation)}
    dearer = [rows[w] for w in winner_ids if w in rows and cheapest is not None
              and rows[w].price is not None and rows[w].price > cheapest.price]  # type: ignore[operator]
    if cheapest is None or not dearer:
        return ""
    lines = []
    for row in dearer:
        lines.append(_("%(winner)s offered %(price)s, %(more)s more than the lowest offer "
                       "(%(cheapest)s, %(low)s). Its scores on the quality criteria outweigh "
                       "the price difference in the published award method (rank %(rank)s "
                       "against %(crank)s).") % {
            "winner": row.supplier, "price": kroner(row.price),
            "more": kroner((row.price or Decimal(0)) - (cheapest.price or Decimal(0))),
            "cheapest": cheapest.supplier, "low": kroner(cheapest.price), "rank": row.rank,
            "crank": cheapest.rank})
    return "\n".join(lines)


def needs_price_justification(evaluation: LotEvaluation, winner_ids: Sequence[str]) -> bool:
    """Some winner's price is above the lowest price offered in the lot."""
    cheapest = selectors.lowest_price(evaluation)
    if cheapest is None or cheapest.price is None:
        return False
    rows = {r.submission_id: r for r in selectors.ranked_offers(evaluation)}
    return any(rows[w].price is not None and rows[w].price > cheapest.price  # type: ignore[operator]
               for w in winner_ids if w in rows)


def _lock_evaluation(evaluation: LotEvaluation) -> LotEvaluation:
    list(LotEvaluation.objects.select_for_update().filter(pk=evaluation.pk).values_list(
        "pk", flat=True))
    evaluation.refresh_from_db(fields=["status", "ranked_at", "result"])
    return evaluation


def _set_winners(decision: AwardDecision, evaluation: LotEvaluation,
                 winner_ids: Sequence[str]) -> None:
    rows = {r.submission_id: r for r in selectors.ranked_offers(evaluation)}
    offers = {str(s.pk): s for s in Submission.objects.filter(
        pk__in=[w for w in winner_ids if w in rows]).select_related("supplier")}
    AwardWinner.objects.filter(decision=decision).delete()
    for winner in winner_ids:
        row, offer = rows[winner], offers[winner]
        AwardWinner.objects.create(decision=decision, submission=offer,
                                   supplier=offer.supplier, rank=row.rank, value=row.price)


@transaction.atomic
def award_draft(*, evaluation: LotEvaluation, by: User,
                now: datetime | None = None) -> AwardDecision:
    """Propose the award from the kept ranking: rank 1 wins, with its offered price as the
    value where one is recorded; the letter text is pre-filled from the consensus reasons."""
    now = now or timezone.now()
    notice = evaluation.notice
    _need_officer(notice, by)
    evaluation = _lock_evaluation(evaluation)
    if evaluation.status != EvaluationStatus.RANKED:
        raise Conflict(_("The award is decided from the ranking: compute the ranking of this "
                         "lot first."), code="not_ranked")
    if selectors.live_decision(evaluation) is not None:
        raise Conflict(_("This lot has an award decision already; withdraw it before you "
                         "draft a new one."), code="live_decision")
    ranked = selectors.ranked_offers(evaluation)
    winner_ids = [ranked[0].submission_id] if ranked else []
    # The free text is quoted as written in every letter, beside the committee's reasons:
    # pre-filled in the site's language (that of the procedure), not the officer's page's.
    with translation.override(settings.LANGUAGE_CODE):
        letter_text = prefill_letter_text(evaluation, winner_ids)
        justification = price_facts(evaluation, winner_ids)
    try:
        with transaction.atomic():
            decision = AwardDecision.objects.create(
                notice=notice, evaluation=evaluation, lot_number=evaluation.lot_number,
                outcome=AwardOutcome.WINNER if ranked else AwardOutcome.NO_AWARD,
                letter_text=letter_text, price_justification=justification,
                created_at=now, created_by=by)
    except IntegrityError:
        raise Conflict(_("This lot has an award decision already; withdraw it before you "
                         "draft a new one."), code="live_decision") from None
    _set_winners(decision, evaluation, winner_ids)
    _event(decision, AwardEventKind.DRAFTED, by=by, at=now, outcome=decision.outcome,
           winners=winner_ids)
    return decision


@transaction.atomic
def award_update_draft(*, decision: AwardDecision, by: User, outcome: str,
                       winners: Sequence[Any] = (), letter_text: str = "",
                       price_justification: str = "", no_award_reason: str = "",
                       standstill_exception: str = "", standstill_justification: str = "",
                       now: datetime | None = None) -> AwardDecision:
    """Change the draft: the outcome and its winners (one for a contract, two or more for a
    framework with several suppliers, none when nothing is awarded), the letter's free text,
    and the standstill exception with its justification. Bad input names its field."""
    _need_officer(decision.notice, by)
    decision = _lock_decision(decision)
    if decision.status != AwardStatus.DRAFT:
        raise Conflict(_("Only a draft is changed; this decision is %(status)s.")
                       % {"status": AwardStatus(decision.status).label.lower()},
                       code="not_draft")
    evaluation = decision.evaluation
    problems: dict[str, list[str]] = {}
    if outcome not in AwardOutcome.values:
        problems["outcome"] = [_("Choose one of: %(choices)s.") % {
            "choices": ", ".join(AwardOutcome.values)}]
    ranked = {r.submission_id: r for r in selectors.ranked_offers(evaluation)}
    chosen: list[str] = []
    for value in winners or ():
        key = str(value).strip()
        if key not in ranked:
            problems["winners"] = [_("Choose winners among the ranked offers of this lot.")]
            break
        if key not in chosen:
            chosen.append(key)
    if not problems:
        if outcome == AwardOutcome.WINNER and len(chosen) != 1:
            problems["winners"] = [_("Choose exactly one winning offer.")]
        elif outcome == AwardOutcome.FRAMEWORK and len(chosen) < 2:
            problems["winners"] = [_("A framework agreement with several suppliers needs at "
                                     "least two of them.")]
        elif outcome == AwardOutcome.NO_AWARD and chosen:
            problems["winners"] = [_("No winners when nothing is awarded.")]
    if standstill_exception not in StandstillException.values:
        problems["standstill_exception"] = [_("Choose one of the exceptions, or none.")]
    texts: dict[str, str] = {}
    for field, value, label in (
            ("letter_text", letter_text, _("Letter")),
            ("price_justification", price_justification, _("Justification of a higher price")),
            ("no_award_reason", no_award_reason, _("Reason for not awarding")),
            ("standstill_justification", standstill_justification,
             _("Justification of the exception"))):
        try:
            texts[field] = _text(value, field=field, label=label)
        except ApplicationError as exc:
            problems.update(exc.fields)
    if problems:
        raise ApplicationError(_("The draft could not be saved."), fields=problems)
    chosen.sort(key=lambda key: ranked[key].rank)
    AwardDecision.objects.filter(pk=decision.pk).update(
        outcome=outcome, standstill_exception=standstill_exception, **texts)
    decision.refresh_from_db()
    _set_winners(decision, evaluation, chosen)
    return decision


# --- sending ----------------------------------------------------------------------------------


def standstill_for(decision: AwardDecision, notice: Notice, *, at: datetime,
                   bidders: int) -> letters.Standstill:
    """The standstill this decision gets if sent at `at`: the rule in force for the
    notice's regime on that Oslo date, or the exception the officer recorded (with its
    justification). Raises with the field named when an exception cannot be used."""
    if decision.outcome == AwardOutcome.NO_AWARD:
        return letters.Standstill(days=0, end=None, applies=False)
    rule = selectors.standstill_rule_for(notice.regime, at.astimezone(OSLO).date())
    if rule is None:
        raise Conflict(_("No standstill rule is in force for this procurement's regime "
                         "(%(regime)s) on %(date)s; ask the platform staff to add one.")
                       % {"regime": notice.regime or "-",
                          "date": at.astimezone(OSLO).date().isoformat()}, code="no_rule")
    exception = decision.standstill_exception
    if exception:
        if len(decision.standstill_justification.strip()) < MIN_JUSTIFICATION:
            raise ApplicationError(
                _("Justify the exception from the standstill period."),
                fields={"standstill_justification": [
                    _("At least %(n)d characters.") % {"n": MIN_JUSTIFICATION}]})
        if exception == StandstillException.SINGLE_BIDDER and bidders != 1:
            raise ApplicationError(
                _("The single-bidder exception needs exactly one bidder; this lot has "
                  "%(n)d.") % {"n": bidders},
                fields={"standstill_exception": [_("More than one supplier took part.")]})
    if not rule.applies:
        return letters.Standstill(days=0, end=at, applies=False)
    if exception:
        return letters.Standstill(days=0, end=at, exception=exception,
                                  justification=decision.standstill_justification.strip())
    return letters.Standstill(days=rule.days, end=standstill_end(at, rule.days))


def send_problems(decision: AwardDecision) -> dict[str, list[str]]:
    """What must be written before the decision can be sent, by field."""
    evaluation = decision.evaluation
    problems: dict[str, list[str]] = {}
    winner_ids = [str(w.submission_id) for w in decision.winners.all()]
    if decision.outcome == AwardOutcome.NO_AWARD:
        if len(decision.no_award_reason.strip()) < MIN_REASON:
            problems["no_award_reason"] = [_("Give the reason for not awarding (at least "
                                             "%(n)d characters).") % {"n": MIN_REASON}]
        return problems
    if not winner_ids:
        problems["winners"] = [_("Choose the winning offer.")]
    if len(decision.letter_text.strip()) < MIN_REASON:
        problems["letter_text"] = [_("Describe the winning offer's characteristics and "
                                     "relative advantages per criterion: points alone are not "
                                     "enough (FOA § 25-1).")]
    if needs_price_justification(evaluation, winner_ids) and \
            len(decision.price_justification.strip()) < MIN_REASON:
        problems["price_justification"] = [_("The winner is not the cheapest offer: justify "
                                             "the higher price (at least %(n)d characters).")
                                           % {"n": MIN_REASON}]
    return problems


def _letter_link(letter: AwardLetter) -> str:
    return reverse("award:letter", kwargs={"letter_id": letter.pk})


def _deliver(*, decision: AwardDecision, kind: str, bids: Sequence[Submission], clock: datetime,
             by: User, compose: Any) -> list[AwardLetter]:
    """Freeze one letter per bid (the same sent_at) and tell each supplier user in their
    own language, with a link to the letter."""
    out = []
    for bid in bids:
        users = _supplier_users(bid)
        language = _letter_language(bid, users)
        subject, text = compose(bid, language)
        letter = AwardLetter.objects.create(decision=decision, submission=bid,
                                            supplier=bid.supplier, kind=kind,
                                            language=language, subject=subject, text=text,
                                            sent_at=clock)
        AwardLetter.objects.filter(pk=letter.pk).update(pdf_sha256=letters.pdf_sha256(letter))
        link = _letter_link(letter)
        for user in users:
            mine = letters.language_of(user)
            user_subject, user_text = (subject, text) if mine == language else compose(bid, mine)
            with translation.override(mine):
                footer = _("Read the letter and download it as PDF: %(url)s") % {
                    "url": absolute_url(link)}
            inbox_send(users=[user], notice=decision.notice,
                       kind=InboxKind.AWARD if kind == "award" else InboxKind.AWARD_WITHDRAWN,
                       subject=user_subject, body=f"{user_text}\n\n{footer}", link=link,
                       now=clock)
        out.append(letter)
    return out


@transaction.atomic
def award_send(*, decision: AwardDecision, by: User,
               now: datetime | None = None) -> AwardDecision:
    """Send the decision to every bidder of the lot at one moment (see the module's doc)."""
    _need_officer(decision.notice, by)
    # Lock order: the notice, the lot evaluation, the decision (as reopening the ranking:
    # the evaluation, then the decision).
    notice, clock = notice_lock(decision.notice_id, now=now, with_buyer=True)
    evaluation = _lock_evaluation(LotEvaluation.objects.get(pk=decision.evaluation_id))
    decision = _lock_decision(decision)
    decision.notice = notice
    decision.evaluation = evaluation
    if decision.status != AwardStatus.DRAFT:
        raise Conflict(_("Only a draft is sent; this decision is %(status)s.")
                       % {"status": AwardStatus(decision.status).label.lower()},
                       code="not_draft")
    if evaluation.status != EvaluationStatus.RANKED:
        raise Conflict(_("The lot is no longer ranked; the decision cannot be sent."),
                       code="not_ranked")
    problems = send_problems(decision)
    if problems:
        raise ApplicationError(_("The decision cannot be sent yet."), fields=problems)
    bids = selectors.bids_of(notice)
    bidders = len(bids)
    standstill = standstill_for(decision, notice, at=clock, bidders=bidders)
    fields: dict[str, Any] = {"sent_at": clock, "sent_by": by,
                              "standstill_days": standstill.days,
                              "standstill_end": standstill.end}
    award_flip(decision, AwardStatus.DRAFT, AwardStatus.SENT, by=by, at=clock,
               data={"outcome": decision.outcome,
                     "winners": [str(w.submission_id) for w in decision.winners.all()],
                     "standstill_days": standstill.days,
                     "standstill_end": standstill.end.isoformat() if standstill.end else None,
                     "exception": decision.standstill_exception,
                     "bidders": bidders}, **fields)

    def compose(bid: Submission, language: str) -> tuple[str, str]:
        return letters.award_letter(decision=decision, evaluation=evaluation, recipient=bid,
                                    standstill=standstill, at=clock, by=by, language=language)

    _deliver(decision=decision, kind="award", bids=bids, clock=clock, by=by, compose=compose)
    return decision


def preview(decision: AwardDecision, *, recipient: Submission | None = None,
            now: datetime | None = None, language: str | None = None) -> tuple[str, str, str]:
    """(subject, text, problem) of the letter as `recipient` (default: the first bidder
    that does not win) would get it if sent now; `problem` says why the standstill part
    could not be computed yet."""
    now = now or timezone.now()
    bids = selectors.bids_of(decision.notice)
    winners = {str(w.submission_id) for w in decision.winners.all()}
    if recipient is None:
        recipient = next((b for b in bids if str(b.pk) not in winners),
                         bids[0] if bids else None)
    if recipient is None:
        return "", "", _("The lot has no bidders.")
    problem = ""
    try:
        standstill = standstill_for(decision, decision.notice, at=now, bidders=len(bids))
    except ApplicationError as exc:
        problem = exc.message
        standstill = letters.Standstill(days=0, end=None, applies=False)
    subject, text = letters.award_letter(
        decision=decision, evaluation=decision.evaluation, recipient=recipient,
        standstill=standstill, at=now, by=None,
        language=language or translation.get_language() or "nb")
    return subject, text, problem


# --- withdrawing ------------------------------------------------------------------------------


@transaction.atomic
def award_withdraw(*, decision: AwardDecision, by: User, reason: str,
                   now: datetime | None = None) -> AwardDecision:
    """Withdraw a sent decision with a reason (every bidder gets a withdrawal letter at one
    moment), or discard a draft. Kept as history; a new draft can then be made."""
    _need_officer(decision.notice, by)
    text = _text(reason, field="reason", label=_("Reason"), limit=5000)
    if len(text) < MIN_REASON:
        raise ApplicationError(_("Give the reason for the withdrawal (at least %(n)d "
                                 "characters).") % {"n": MIN_REASON},
                               fields={"reason": [_("At least %(n)d characters.")
                                                  % {"n": MIN_REASON}]})
    notice, clock = notice_lock(decision.notice_id, now=now, with_buyer=True)
    decision = _lock_decision(decision)
    decision.notice = notice
    if decision.status == AwardStatus.WITHDRAWN:
        raise Conflict(_("The decision is withdrawn already."), code="withdrawn")
    if Contract.objects.filter(decision=decision).exists():
        raise Conflict(_("A contract is recorded on this decision; it can no longer be "
                         "withdrawn."), code="contract_signed")
    old = decision.status
    award_flip(decision, old, AwardStatus.WITHDRAWN, by=by, at=clock,
               data={"reason": text}, withdrawn_at=clock, withdrawn_by=by,
               withdraw_reason=text)
    if old == AwardStatus.SENT:
        def compose(bid: Submission, language: str) -> tuple[str, str]:
            return letters.withdrawal_letter(decision=decision, recipient=bid, at=clock,
                                             by=by, language=language)

        _deliver(decision=decision, kind="withdrawal", bids=selectors.bids_of(notice),
                 clock=clock, by=by, compose=compose)
    return decision


def withdraw_live_draft(*, evaluation: LotEvaluation, by: User, at: datetime) -> None:
    """When the ranking is reopened, a draft resting on it is discarded (its proposal and
    figures would be stale); the events keep it. Called inside the reopening transaction."""
    for draft in AwardDecision.objects.select_for_update(of=("self",)).filter(
            notice_id=evaluation.notice_id, lot_number=evaluation.lot_number,
            status=AwardStatus.DRAFT):
        award_flip(draft, AwardStatus.DRAFT, AwardStatus.WITHDRAWN, by=by, at=at,
                   data={"reason": "ranking reopened"}, withdrawn_at=at, withdrawn_by=by,
                   withdraw_reason=_("The ranking was reopened."))

