"""The award letter and the withdrawal letter: one data builder, rendered in the recipient's
language, feeds the stored text (AwardLetter.text), the officer's preview, the inbox message
and e-mail, and the PDF (reportlab).

What the letter says (FOA § 25-1; KOFA 2024/0066: points alone are not enough):
- the fixed parts, rendered from data in the recipient's language: who wins (or the framework
  suppliers, or that nothing is awarded), the recipient's scores beside the winner's per
  criterion with the prices, the committee's recorded reasons for the recipient's own offer,
  the standstill period and its end in Norwegian time (or the exception and its
  justification), and how to complain (to the contracting authority, to KOFA, to the courts
  by an interim injunction before the standstill ends);
- the officer's free text, quoted as written: the winner's characteristics and relative
  advantages per criterion, and why a higher price is justified when the winner is not the
  cheapest offer.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from backend.formatting import format_oslo
from bids.models import Submission, SubmissionStatus
from evaluation.award.models import (
    AwardDecision,
    AwardLetter,
    AwardOutcome,
    StandstillException,
)
from evaluation.models import LotEvaluation
from evaluation.scores.models import ConsensusScore
from evaluation.templatetags.scores_format import kroner, points
from notices.models import Notice

AMOUNT_KINDS = ("price", "cost")


def language_of(user: User | None) -> str:
    """The language a person reads letters in (blank: the site's)."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (getattr(user, "language", "") or "") if user is not None else ""
    return language if language in codes else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Standstill:
    """What the letter says about the standstill: its days and end, or the exception."""

    days: int
    end: datetime | None
    exception: str = ""
    justification: str = ""
    applies: bool = True


def _lot_line(notice: Notice, lot_number: int) -> str:
    if not lot_number:
        return ""
    lot = notice.lots.filter(number=lot_number).first()
    title = f": {lot.title}" if lot is not None else ""
    return _("Lot %(n)d%(title)s") % {"n": lot_number, "title": title}


def _header(notice: Notice, lot_number: int, supplier: str, at: datetime) -> list[str]:
    lines = [notice.buyer.name, "",
             _("To: %(supplier)s") % {"supplier": supplier},
             _("Date: %(date)s") % {"date": format_oslo(at, "date")},
             _("Competition: %(title)s (%(reference)s)") % {"title": notice.title,
                                                             "reference": notice.reference}]
    lot = _lot_line(notice, lot_number)
    if lot:
        lines.append(lot)
    return lines


def _rows(evaluation: LotEvaluation) -> dict[str, dict[str, Any]]:
    return {str(row["offer_key"]): row for row in (evaluation.result or {}).get("rows", [])}


def _cell(criterion: dict[str, Any], row: dict[str, Any]) -> str:
    key = criterion["key"]
    score = (row.get("scores") or {}).get(key)
    value = (row.get("values") or {}).get(key)
    if criterion.get("kind") in AMOUNT_KINDS:
        if score is None:
            return kroner(value)
        return _("%(points)s points (%(amount)s)") % {"points": points(score),
                                                      "amount": kroner(value)}
    shown = score if score is not None else value
    return _("%(points)s points") % {"points": points(shown)}


def _total(mode: str, row: dict[str, Any]) -> str | None:
    if mode == "weighted":
        return _("%(points)s points") % {"points": points(row.get("total"))}
    if mode == "priced_quality":
        return kroner(row.get("evaluated_price"))
    if mode == "lowest_amount":
        return kroner(row.get("price"))
    return None


def _criterion_label(criterion: dict[str, Any]) -> str:
    if criterion.get("weight") is not None:
        return _("%(name)s (weight %(weight)s %%)") % {
            "name": criterion["name"], "weight": points(criterion["weight"]).rstrip("0")
            .rstrip(",.")}
    if criterion.get("priority"):
        return _("%(name)s (priority %(n)s)") % {"name": criterion["name"],
                                                  "n": criterion["priority"]}
    return str(criterion["name"])


def score_lines(evaluation: LotEvaluation, decision: AwardDecision,
                recipient: Submission) -> list[str]:
    """The recipient's scores beside each winner's, per criterion, and the totals."""
    result = evaluation.result or {}
    rows = _rows(evaluation)
    winners = [w for w in decision.winners.all() if str(w.submission_id) in rows]
    columns: list[tuple[str, dict[str, Any]]] = []
    own = rows.get(str(recipient.pk))
    if own is not None and all(str(w.submission_id) != str(recipient.pk) for w in winners):
        columns.append((_("your offer"), own))
    for winner in winners:
        label = winner.supplier.name
        if str(winner.submission_id) == str(recipient.pk):
            label = _("your offer (%(supplier)s)") % {"supplier": label}
        columns.append((label, rows[str(winner.submission_id)]))
    if not columns:
        return []
    lines = [_("Scores"),
             _("Each quality criterion is scored from 0 to 10 points; prices are scored by the "
               "formula published in the tender documents.")]
    for criterion in result.get("criteria", []):
        cells = "; ".join(f"{label}: {_cell(criterion, row)}" for label, row in columns)
        lines.append(f"- {_criterion_label(criterion)}: {cells}")
    mode = str(result.get("mode") or "")
    totals = [(label, _total(mode, row)) for label, row in columns]
    if totals and all(t is not None for _label, t in totals):
        lines.append("- " + _("Total: %(totals)s") % {
            "totals": "; ".join(f"{label}: {t}" for label, t in totals)})
    ranks = "; ".join(f"{label}: {row.get('rank')}" for label, row in columns)
    lines.append("- " + _("Rank: %(ranks)s") % {"ranks": ranks})
    return lines


def own_reasons(evaluation: LotEvaluation, recipient: Submission) -> list[str]:
    """The committee's recorded consensus reasons for the recipient's own offer."""
    rows = ConsensusScore.objects.filter(evaluation=evaluation, submission=recipient
                                         ).select_related("criterion").order_by(
        "criterion__position")
    lines = [f"- {row.criterion.name} ({_('%(points)s points') % {'points': points(row.points)}})"
             f": {row.justification}" for row in rows]
    if not lines:
        return []
    return [_("The committee's reasons for the scores of your offer"), *lines]


def _outcome_lines(decision: AwardDecision, buyer: str) -> list[str]:
    names = [w.supplier.name for w in decision.winners.all()]
    if decision.outcome == AwardOutcome.NO_AWARD:
        return [_("%(buyer)s has decided not to award a contract in this competition.")
                % {"buyer": buyer}, "", _("Reason:"), decision.no_award_reason]
    if decision.outcome == AwardOutcome.FRAMEWORK:
        return [_("%(buyer)s has decided to conclude a framework agreement with: %(names)s.")
                % {"buyer": buyer, "names": ", ".join(names)}]
    return [_("%(buyer)s has decided to award the contract to %(winner)s.")
            % {"buyer": buyer, "winner": ", ".join(names)}]


def _recipient_line(decision: AwardDecision, recipient: Submission,
                    evaluation: LotEvaluation) -> str:
    if recipient.status == SubmissionStatus.REJECTED:
        rejection = getattr(recipient, "rejection", None)
        when = format_oslo(rejection.rejected_at, "date") if rejection is not None else "—"
        return _("Your bid was rejected on %(date)s and took no part in the evaluation of the "
                 "offers; the scores below are the winner's.") % {"date": when}
    if any(str(w.submission_id) == str(recipient.pk) for w in decision.winners.all()):
        return _("Your offer is the winning offer.") if decision.outcome == AwardOutcome.WINNER \
            else _("Your offer is one of the offers chosen for the framework agreement.")
    row = _rows(evaluation).get(str(recipient.pk))
    if row is None:
        return ""
    return _("Your offer ranks %(rank)s of %(n)s.") % {"rank": row.get("rank"),
                                                     "n": len(_rows(evaluation))}


def standstill_lines(decision: AwardDecision, standstill: Standstill) -> list[str]:
    if decision.outcome == AwardOutcome.NO_AWARD:
        return []
    lines = [_("Standstill period")]
    if standstill.days > 0 and standstill.end is not None:
        lines.append(_("The contract will not be signed before %(end)s. The standstill period "
                       "is %(days)d days, counted from the day after this letter was sent "
                       "(FOA § 25-2).") % {"end": format_oslo(standstill.end),
                                           "days": standstill.days})
    elif standstill.exception:
        lines.append(_("No standstill period applies: %(exception)s.") % {
            "exception": StandstillException(standstill.exception).label})
        lines += [_("Justification:"), standstill.justification]
    else:
        lines.append(_("No standstill period applies to this procurement; the contract may be "
                       "signed after this letter is sent."))
    return lines


def complaint_lines(buyer: str, standstill: Standstill, outcome: str) -> list[str]:
    end = (format_oslo(standstill.end) if standstill.days > 0 and standstill.end is not None
           and outcome != AwardOutcome.NO_AWARD else "")
    lines = [_("How to complain")]
    if end:
        lines.append("- " + _("To %(buyer)s: write to the contracting authority before "
                              "%(end)s and say what you believe is wrong; the authority "
                              "considers the complaint before it signs.")
                     % {"buyer": buyer, "end": end})
    else:
        lines.append("- " + _("To %(buyer)s: write to the contracting authority as soon as "
                              "possible and say what you believe is wrong.") % {"buyer": buyer})
    lines.append("- " + _("To the Complaints Board for Public Procurement (KOFA, Klagenemnda "
                          "for offentlige anskaffelser), www.kofa.no; the board's conditions, "
                          "fee and time limits apply. A complaint to KOFA does not by itself "
                          "stop the contract from being signed."))
    if end:
        lines.append("- " + _("To the courts (the district court): ask for an interim "
                              "injunction (midlertidig forføyning) before %(end)s to stop the "
                              "contract from being signed; after that the contract may be "
                              "signed.") % {"end": end})
    else:
        lines.append("- " + _("To the courts (the district court), which may also grant an "
                              "interim injunction (midlertidig forføyning)."))
    return lines


def award_letter(*, decision: AwardDecision, evaluation: LotEvaluation,
                 recipient: Submission, standstill: Standstill, at: datetime,
                 by: User | None, language: str) -> tuple[str, str]:
    """(subject, text) of the award letter to one bidder, in `language`."""
    notice = decision.notice
    buyer = notice.buyer.name
    with translation.override(language):
        subject = _("Award decision: %(notice)s") % {
            "notice": f"{notice.reference} {notice.title}"}
        lines = _header(notice, decision.lot_number, recipient.supplier.name, at)
        lines += ["", _("Award decision"), *_outcome_lines(decision, buyer)]
        mine = _recipient_line(decision, recipient, evaluation)
        if mine:
            lines.append(mine)
        if decision.outcome != AwardOutcome.NO_AWARD:
            scores = score_lines(evaluation, decision, recipient)
            if scores:
                lines += ["", *scores]
            reasons = own_reasons(evaluation, recipient)
            if reasons:
                lines += ["", *reasons]
            if decision.letter_text.strip():
                lines += ["", _("The winning offer's characteristics and relative advantages"),
                          decision.letter_text.strip()]
            if decision.price_justification.strip():
                lines += ["", _("Why the higher price is justified"),
                          decision.price_justification.strip()]
        elif decision.letter_text.strip():
            lines += ["", decision.letter_text.strip()]
        standstill_text = standstill_lines(decision, standstill)
        if standstill_text:
            lines += ["", *standstill_text]
        lines += ["", *complaint_lines(buyer, standstill, decision.outcome)]
        if by is not None:
            lines += ["", _("On behalf of %(buyer)s: %(name)s") % {"buyer": buyer,
                                                                    "name": str(by)}]
    return subject[:300], "\n".join(lines)


def withdrawal_letter(*, decision: AwardDecision, recipient: Submission, at: datetime,
                      by: User | None, language: str) -> tuple[str, str]:
    """(subject, text) of the letter that withdraws a sent decision, in `language`."""
    notice = decision.notice
    buyer = notice.buyer.name
    with translation.override(language):
        subject = _("Award decision withdrawn: %(notice)s") % {
            "notice": f"{notice.reference} {notice.title}"}
        lines = _header(notice, decision.lot_number, recipient.supplier.name, at)
        lines += ["", _("Withdrawal of the award decision"),
                  _("%(buyer)s withdraws the award decision sent %(sent)s. The standstill "
                    "period it started no longer runs, and no contract will be signed on it.")
                  % {"buyer": buyer, "sent": format_oslo(decision.sent_at)},
                  "", _("Reason:"), decision.withdraw_reason,
                  "", _("Every bidder will be told of the new decision in the same way, with a "
                        "new standstill period where one applies.")]
        if by is not None:
            lines += ["", _("On behalf of %(buyer)s: %(name)s") % {"buyer": buyer,
                                                                    "name": str(by)}]
    return subject[:300], "\n".join(lines)


# --- PDF -------------------------------------------------------------------------------------


def letter_pdf(letter: AwardLetter) -> bytes:
    """The letter as PDF (A4), rendered from its stored text; the same bytes every time
    (reportlab's invariant mode), so the stored SHA-256 checks a copy."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from backend.text import xml_safe

    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm, title=letter.subject,
                            author="Anbud", pageCompression=1, invariant=1)

    def p(text: str, style: Any = None) -> Paragraph:
        return Paragraph(escape(xml_safe(text)), style or styles["BodyText"])

    story: list[Any] = [p(letter.subject, styles["Heading2"])]
    for line in letter.text.split("\n"):
        story.append(p(line) if line.strip() else Spacer(1, 3 * mm))
    with translation.override(letter.language):
        story += [Spacer(1, 6 * mm), p(_("Sent %(when)s by Anbud to %(supplier)s.") % {
            "when": format_oslo(letter.sent_at, "seconds"), "supplier": letter.supplier.name},
            small)]
    doc.build(story)
    return out.getvalue()


def pdf_sha256(letter: AwardLetter) -> str:
    return hashlib.sha256(letter_pdf(letter)).hexdigest()
