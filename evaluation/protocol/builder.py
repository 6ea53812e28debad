"""One data builder for the procurement protocol: the HTML page, the PDF and the API all
read `procurement_protocol(notice)`, so they always say the same thing.

The entries are the rows of every append-only event table of the procurement (and of its
award notices), nothing else: SOURCES names each table and how it hangs off the notice, and
STAGE_OF places every event kind in a stage of the procedure. tests/evaluation/protocol
fails when a new event table or kind is not covered here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from backend.formatting import format_number, format_oslo
from bids.models import BidEvent, Submission, SubmissionStatus
from evaluation.award.models import (
    AwardDecision,
    AwardEvent,
    AwardOutcome,
    AwardStatus,
    AwardWinner,
    Contract,
)
from evaluation.models import EvaluationEvent, ImpartialityDeclaration
from notices.models import Notice, NoticeEvent
from notices.questions.models import QuestionEvent

# --- the stages, in the order of the procedure --------------------------------------------

STAGES: list[tuple[str, Promise]] = [
    ("preparation", gettext_lazy("Preparation and the opening committee")),
    ("publication", gettext_lazy("Publication, changes and documents")),
    ("questions", gettext_lazy("Questions and answers")),
    ("submission", gettext_lazy("Bids received, late attempts and the deadline")),
    ("opening", gettext_lazy("Opening")),
    ("impartiality", gettext_lazy("Declarations of impartiality")),
    ("qualification", gettext_lazy("Qualification and rejections")),
    ("scoring", gettext_lazy("Scoring")),
    ("consensus", gettext_lazy("Consensus and ranking")),
    ("award", gettext_lazy("Award decision")),
    ("standstill", gettext_lazy("Standstill period and complaints")),
    ("contract", gettext_lazy("Contract")),
    ("award_notice", gettext_lazy("Award notice")),
    ("cancellation", gettext_lazy("Cancellation")),
]
STAGE_INDEX = {code: i for i, (code, _label) in enumerate(STAGES)}
STAGE_LABEL = dict(STAGES)

# Every stored event kind of every table the protocol reads, and its stage.
STAGE_OF: dict[str, str] = {
    # notices.NoticeEvent
    "notice.created": "preparation", "notice.draft_updated": "preparation",
    "notice.kind_changed": "preparation", "status.published": "publication",
    "notice.changed": "publication", "document.version_added": "publication",
    "question.answer_published": "questions", "question.answered_privately": "questions",
    "status.closed": "submission", "status.cancelled": "cancellation",
    # notices.questions.QuestionEvent
    "question.asked": "questions", "question.answered": "questions",
    "question.merged": "questions", "question.merge_received": "questions",
    # bids.BidEvent (and the opening)
    "committee.configured": "preparation", "committee.member_added": "preparation",
    "committee.member_removed": "preparation", "committee.key_enrolled": "preparation",
    "committee.key_lost": "preparation", "manifest.published": "preparation",
    "submission.started": "submission", "submission.part_received": "submission",
    "submission.shares_received": "submission", "submission.sealed_on_server": "submission",
    "submission.sealed": "submission", "submission.superseded": "submission",
    "submission.withdrawn": "submission", "submission.abandoned": "submission",
    "submission.late_refused": "submission", "submission.reseal_requested": "submission",
    "tender.closed": "submission",
    "submission.opened": "opening", "opening.started": "opening",
    "opening.opening": "opening", "opening.opened": "opening", "opening.failed": "opening",
    "opening.resumed": "opening", "opening.key_renewed": "opening",
    "opening.shares_released": "opening", "opening.shares_received": "opening",
    "opening.bad_share": "opening", "opening.bid_failed": "opening", "opened.read": "opening",
    "submission.rejected": "qualification",
    # evaluation.EvaluationEvent
    "evaluation.started": "impartiality", "impartiality.declared": "impartiality",
    "impartiality.conflict": "impartiality", "impartiality.access_refused": "impartiality",
    "impartiality.adviser_named": "impartiality",
    "impartiality.adviser_removed": "impartiality",
    "qualification.assessed": "qualification",
    "qualification.clarification_requested": "qualification",
    "qualification.clarification_answered": "qualification",
    "qualification.abnormally_low": "qualification",
    "qualification.abnormally_low_accepted": "qualification",
    "qualification.rejected": "qualification", "status.scoring": "qualification",
    "scoring.price_recorded": "scoring", "scoring.submitted": "scoring",
    "status.consensus": "scoring",
    "consensus.recorded": "consensus", "status.ranked": "consensus",
    "status.reopened": "consensus",
    # evaluation.award.AwardEvent
    "award.drafted": "award", "status.award_sent": "award", "status.award_withdrawn": "award",
    "standstill.suspended": "standstill", "standstill.lifted": "standstill",
    "contract.signed": "contract", "award_notice.published": "award_notice",
    "procurement.cancelled": "cancellation",
}


@dataclass(frozen=True)
class Source:
    """An event table and how its rows hang off a procurement."""

    model: type[models.Model]
    notice_path: str  # the lookup from the event row to its notice

    def rows(self, notices: Iterable[int]) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**{f"{self.notice_path}__in": list(notices)})

    def notice_id(self, event: Any) -> int:
        obj = event
        for part in self.notice_path.split("__")[:-1]:
            obj = getattr(obj, part)
        return int(getattr(obj, self.notice_path.split("__")[-1] + "_id"))


SOURCES: list[Source] = [
    Source(NoticeEvent, "notice"),
    Source(QuestionEvent, "question__notice"),
    Source(BidEvent, "notice"),
    Source(EvaluationEvent, "notice"),
    Source(AwardEvent, "notice"),
]
# Event tables that are not about one procurement, with the reason.
NOT_A_PROCUREMENT = {"accounts.AccountEvent": "organisations, memberships and invitations",
                     # evaluation.ethics: the follow-up of a signed contract, after the
                     # procurement (its own record on the plan page).
                     "evaluation.FollowUpEvent": "the ethical-trade follow-up of a contract"}


# --- the data ------------------------------------------------------------------------------


@dataclass
class Entry:
    stage: str
    stage_label: str
    at: datetime
    when: str           # Europe/Oslo
    who: str            # full name, not the username
    organisation: str
    what: str           # the kind's label
    details: list[str]
    kind: str
    source: str         # "app_label.Model:pk": the row it renders
    lot: int | None = None


@dataclass
class Stage:
    code: str
    label: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Participant:
    supplier: str
    identifier: str
    status: str
    received_at: datetime | None
    rejected: str = ""


@dataclass
class Header:
    """What FOA § 25-5 (and §§ 7-1, 10-5) asks a protocol to state."""

    buyer: str
    buyer_id: str
    reference: str
    title: str
    subject: str
    procedure: str
    regime: str
    estimated_value: str
    lots: list[str]
    published: str
    deadline: str
    participants: list[Participant]
    offers: int
    late_attempts: int
    rejected: list[str]
    conflicts: list[str]
    awards: list[str]
    contracts: list[str]
    cancellation: list[str]
    award_notices: list[str]


@dataclass
class Protocol:
    notice: Notice
    header: Header
    stages: list[Stage]
    entries: list[Entry]
    generated_at: datetime
    tree_head: dict[str, Any]


# --- who, what, why ---------------------------------------------------------------------


class _People:
    """Names and organisations of the people in the record, looked up once."""

    def __init__(self, notice: Notice) -> None:
        self.notice = notice
        self.cache: dict[int, tuple[str, str]] = {}

    def of(self, user: User | None) -> tuple[str, str]:
        if user is None:
            return _("Anbud (the platform)"), ""
        found = self.cache.get(user.pk)
        if found is None:
            memberships = list(user.memberships.select_related("organization"))
            own = [m for m in memberships if m.organization_id == self.notice.buyer_id]
            org = (own or memberships)[0].organization.name if memberships else ""
            found = (user.get_full_name() or _("(no name given)"), org)
            self.cache[user.pk] = found
        return found


_DETAIL_LABELS: dict[str, Promise] = {
    "reason": gettext_lazy("Reason"),
    "reasons": gettext_lazy("Reasons"),
    "ground_label": gettext_lazy("Legal ground"),
    "paragraph": gettext_lazy("Legal basis"),
    "justification": gettext_lazy("Justification"),
    "explanation": gettext_lazy("Explanation"),
    "supplier": gettext_lazy("Supplier"),
    "title": gettext_lazy("Title"),
    "filename": gettext_lazy("File"),
    "name": gettext_lazy("Name"),
    "role": gettext_lazy("Role"),
    "verdict": gettext_lazy("Verdict"),
    "points": gettext_lazy("Points"),
    "amount": gettext_lazy("Amount"),
    "value": gettext_lazy("Value"),
    "question": gettext_lazy("Question"),
    "number": gettext_lazy("Number"),
    "version": gettext_lazy("Version"),
    "standstill_end": gettext_lazy("End of the standstill period"),
    "complainant": gettext_lazy("From"),
    "signed_on": gettext_lazy("Signed"),
}


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        return format_number(value, 2 if isinstance(value, float | Decimal) and value % 1 else 0)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value if not isinstance(v, dict | list))
    text = str(value)
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":
        return format_oslo(text, "seconds", empty=text)
    return text


def _status_labels() -> dict[str, str]:
    """The statuses of every aggregate by stored value, in the reader's language."""
    from bids.opening.models import OpeningStatus
    from evaluation.models import EvaluationStatus
    from notices.models import NoticeStatus

    labels: dict[str, str] = {}
    for enum in (NoticeStatus, SubmissionStatus, OpeningStatus, EvaluationStatus, AwardStatus):
        for value, label in enum.choices:
            labels.setdefault(str(value), str(label))
    return labels


def _details(event: Any) -> list[str]:
    """The why of an event, from its data, in the reader's language."""
    data: dict[str, Any] = dict(event.data or {})
    out: list[str] = []
    if "from" in data and "to" in data and not isinstance(data["from"], dict):
        labels = _status_labels()
        out.append(_("Status: %(old)s → %(new)s") % {
            "old": labels.get(str(data["from"]), data["from"]),
            "new": labels.get(str(data["to"]), data["to"])})
    if "ranking" in data and isinstance(data["ranking"], list):
        for row in data["ranking"]:
            if isinstance(row, dict):
                out.append(_("%(rank)s. %(supplier)s (total %(total)s)") % {
                    "rank": row.get("rank", "?"), "supplier": row.get("supplier", ""),
                    "total": _plain(row.get("total", ""))})
    for key, label in _DETAIL_LABELS.items():
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, dict):
            continue
        out.append(f"{label}: {_plain(value)}")
    return out


def _lot_of(event: Any) -> int | None:
    data = event.data or {}
    lot = data.get("lot", data.get("lot_number"))
    if isinstance(lot, int):
        return lot
    evaluation = getattr(event, "evaluation", None)
    return evaluation.lot_number if evaluation is not None else None


def _label(source: Source, kind: str) -> str:
    field: Any = source.model._meta.get_field("kind")
    choices = dict(field.choices or [])
    return str(choices.get(kind, kind))


def _entries(notice: Notice, award_notice_ids: list[int], people: _People) -> list[Entry]:
    ids = [notice.pk, *award_notice_ids]
    rows: list[Entry] = []
    for source in SOURCES:
        related = ["by"] + (["evaluation"] if source.model is EvaluationEvent else [])
        if source.model is QuestionEvent:
            related.append("question")
        for event in source.rows(ids).select_related(*related).order_by("at", "pk"):
            stage = STAGE_OF.get(event.kind, "")
            if source.notice_id(event) != notice.pk and stage not in ("cancellation",):
                stage = "award_notice"  # the award notice's own publication trail
            who, org = people.of(event.by)
            rows.append(Entry(
                stage=stage, stage_label=str(STAGE_LABEL.get(stage, stage)), at=event.at,
                when=format_oslo(event.at, "seconds"), who=who, organisation=org,
                what=_label(source, event.kind), details=_details(event), kind=event.kind,
                source=f"{source.model._meta.label}:{event.pk}", lot=_lot_of(event)))
    rows.sort(key=lambda e: (STAGE_INDEX.get(e.stage, len(STAGES)), e.at, e.source))
    return rows


# --- the header ---------------------------------------------------------------------------


def _money(value: Decimal | None) -> str:
    return _("NOK %(amount)s excl. VAT") % {"amount": format_number(value, 0)} if (
        value is not None) else "-"


def _header(notice: Notice, award_notices: list[Notice], entries: list[Entry]) -> Header:
    from evaluation.qualification.models import Rejection

    submissions = (Submission.objects.filter(notice=notice).select_related("supplier")
                   .exclude(status__in=[SubmissionStatus.UPLOADING, SubmissionStatus.ABANDONED,
                                        SubmissionStatus.SUPERSEDED])
                   .order_by("received_at", "pk"))
    rejections = {r.submission_id: r for r in Rejection.objects.filter(notice=notice)}
    participants = []
    rejected = []
    for sub in submissions:
        rejection = rejections.get(sub.pk)
        text = ""
        if rejection is not None:
            text = f"{rejection.get_ground_display()} ({rejection.paragraph}): {rejection.reasons}"
            rejected.append(f"{sub.supplier.name}: {text}")
        participants.append(Participant(
            supplier=sub.supplier.name, identifier=sub.supplier.identifier,
            status=sub.get_status_display(), received_at=sub.received_at, rejected=text))
    conflicts = [
        _("%(who)s declared a conflict of interest: %(why)s") % {
            "who": d.user.get_full_name(), "why": d.explanation or "-"}
        for d in ImpartialityDeclaration.objects.filter(notice=notice, has_conflict=True)
        .select_related("user")]
    awards = []
    for decision in AwardDecision.objects.filter(notice=notice).exclude(
            status=AwardStatus.DRAFT).order_by("lot_number", "created_at"):
        winners = ", ".join(f"{w.supplier.name} ({_money(w.value)})" for w in
                            AwardWinner.objects.filter(decision=decision)
                            .select_related("supplier"))
        text = _("Lot %(lot)s: %(outcome)s, %(status)s %(when)s") % {
            "lot": decision.lot_number, "outcome": AwardOutcome(decision.outcome).label,
            "status": AwardStatus(decision.status).label.lower(),
            "when": format_oslo(decision.withdrawn_at or decision.sent_at, "date")}
        if winners:
            text += ". " + _("Winner: %(winners)s") % {"winners": winners}
        if decision.no_award_reason:
            text += ". " + decision.no_award_reason
        if decision.standstill_end:
            text += ". " + _("Standstill period ends %(when)s") % {
                "when": format_oslo(decision.standstill_end)}
        if decision.withdraw_reason:
            text += ". " + _("Withdrawn: %(reason)s") % {"reason": decision.withdraw_reason}
        awards.append(text)
    contracts = [
        _("Lot %(lot)s: %(supplier)s, %(value)s, signed %(signed)s, from %(start)s to "
          "%(end)s") % {"lot": c.lot_number, "supplier": c.supplier.name,
                        "value": _money(c.value), "signed": c.signed_on.strftime("%d.%m.%Y"),
                        "start": c.starts_on.strftime("%d.%m.%Y"),
                        "end": c.ends_on.strftime("%d.%m.%Y") if c.ends_on else "-"}
        for c in Contract.objects.filter(notice=notice).select_related("supplier")]
    cancellation = [" ".join(e.details) for e in entries
                    if e.kind in ("procurement.cancelled",)] or [
        " ".join(e.details) for e in entries if e.kind == "status.cancelled"]
    lots = [f"{lot.number}. {lot.title}" + (f" ({_money(lot.estimated_value)})"
                                             if lot.estimated_value is not None else "")
            for lot in notice.lots.order_by("number")]
    return Header(
        buyer=notice.buyer.name, buyer_id=notice.buyer.identifier, reference=notice.reference,
        title=notice.title,
        subject=f"{notice.get_contract_type_display()}, CPV {notice.cpv_main}",
        procedure=notice.get_procedure_type_display() or "-",
        regime=notice.get_regime_display() or "-",
        estimated_value=_money(notice.estimated_value), lots=lots,
        published=format_oslo(notice.published_at, empty="-"),
        deadline=format_oslo(notice.submission_deadline, empty="-"),
        participants=participants,
        offers=sum(1 for p in participants),
        late_attempts=sum(1 for e in entries if e.kind == "submission.late_refused"),
        rejected=rejected, conflicts=conflicts, awards=awards, contracts=contracts,
        cancellation=cancellation,
        award_notices=[f"{n.reference}: {format_oslo(n.published_at, empty='-')}"
                       for n in award_notices])


def tree_head_json() -> dict[str, Any]:
    """The latest signed tree head of the transparency log, for the PDF and the page."""
    from bids.keys import platform_public_key_hex
    from bids.tlog import sth_latest

    head = sth_latest()
    if head is None:
        return {}
    return {"tree_size": head.size, "root": head.root, "timestamp": head.timestamp,
            "signature": head.signature,
            "public_key": head.public_key or platform_public_key_hex()}


def procurement_protocol(notice: Notice, *, now: datetime | None = None) -> Protocol:
    """Everything the protocol says about `notice`, in the reader's language."""
    award_notices = list(Notice.objects.filter(award_for=notice).order_by("pk"))
    people = _People(notice)
    entries = _entries(notice, [n.pk for n in award_notices], people)
    stages = []
    for code, label in STAGES:
        rows = [e for e in entries if e.stage == code]
        if rows:
            stages.append(Stage(code=code, label=str(label), entries=rows))
    return Protocol(notice=notice, header=_header(notice, award_notices, entries),
                    stages=stages, entries=entries, generated_at=now or timezone.now(),
                    tree_head=tree_head_json())


def protocol_json(protocol: Protocol) -> dict[str, Any]:
    """The API's form of the same data."""
    from dataclasses import asdict

    header = asdict(protocol.header)
    for p in header["participants"]:
        p["received_at"] = p["received_at"].isoformat() if p["received_at"] else None
    return {
        "notice": protocol.notice.pk, "reference": protocol.notice.reference,
        "generated_at": protocol.generated_at.isoformat(), "header": header,
        "tree_head": protocol.tree_head,
        "entries": [{"stage": e.stage, "stage_label": e.stage_label, "at": e.at.isoformat(),
                     "when": e.when, "who": e.who, "organisation": e.organisation,
                     "what": e.what, "details": e.details, "kind": e.kind, "lot": e.lot,
                     "source": e.source} for e in protocol.entries],
    }

