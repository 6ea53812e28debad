"""The dashboard's one read model (`dashboard_for`), used by the page, the API and the
reminder task. Every date is computed here; nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NOTICE_EDITOR_ROLES, Membership, User
from accounts.selectors import AnyUser, authorities_editable_by
from backend.formatting import format_day, format_oslo
from notices.models import Notice, NoticeKind, NoticeStatus

# FOA § 21-5 (Part III): the award notice is sent within 30 days after the contract is signed.
AWARD_NOTICE_DAYS = 30
REMIND_DAYS_BEFORE = 7


@dataclass
class Waiting:
    code: str  # evaluation (to start), declarations, scores, standstill, contract, award_notice
    text: str
    people: list[str] = field(default_factory=list)
    due: date | None = None
    overdue: bool = False
    url: str = ""


@dataclass
class LotState:
    lot: int
    status: str
    label: str


@dataclass
class Row:
    notice: Notice
    stage: str
    stage_label: str
    lots: list[LotState]
    waiting: list[Waiting]
    links: dict[str, str]


def _stage_label(code: str) -> str:
    labels = {
        "draft": _("Draft"),
        "published": _("Published: open for tenders"),
        "deadline_passed": _("Deadline passed: waiting for the opening"),
        "pin": _("Published: prior information, no tenders"),
        "opening": _("Opening"),
        "opened": _("Bids opened: the evaluation can start"),
        "evaluation": _("Evaluation"),
        "award_sent": _("Award decision sent: standstill period"),
        "contract_signed": _("Contract signed"),
        "award_notice_published": _("Award notice published"),
        "cancelled": _("Cancelled"),
    }
    return labels[code]


def officer_notices(user: AnyUser) -> QuerySet[Notice]:
    """The procurements (not award notices) of every organisation the user edits for."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return (Notice.objects.filter(buyer__in=authorities_editable_by(user=user),
                                  award_for__isnull=True)
            .select_related("buyer").order_by("-updated_at", "-pk"))


def may_see_dashboard(user: AnyUser) -> bool:
    """The officers of an authority (editors of its notices)."""
    return bool(user.is_authenticated and Membership.objects.filter(
        user=user, role__in=list(NOTICE_EDITOR_ROLES)).exists())


def award_notice_due(notice: Notice) -> tuple[date, bool] | None:
    """(due date, published) of the award notice: 30 days after the first contract of the
    procedure; None before a contract."""
    from evaluation.award.models import Contract

    first = Contract.objects.filter(notice=notice).order_by("signed_on", "pk").first()
    if first is None:
        return None
    published = Notice.objects.filter(award_for=notice, status__in=[
        NoticeStatus.PUBLISHED, NoticeStatus.CLOSED]).exists()
    return first.signed_on + timedelta(days=AWARD_NOTICE_DAYS), published


def _names(users: list[User]) -> list[str]:
    return sorted(u.get_full_name() or u.email for u in users)


def _evaluators_without_declaration(notice: Notice) -> list[User]:
    from bids.models import CommitteeMember
    from evaluation.impartiality.models import ExternalAdviser
    from evaluation.models import ImpartialityDeclaration

    declared = set(ImpartialityDeclaration.objects.filter(notice=notice)
                   .values_list("user_id", flat=True))
    people = {s.user.pk: s.user for s in CommitteeMember.objects.filter(
        committee__notice=notice, removed_at__isnull=True).select_related("user")}
    for adviser in ExternalAdviser.objects.filter(notice=notice, removed_at__isnull=True
                                                  ).select_related("user"):
        people.setdefault(adviser.user.pk, adviser.user)
    return [u for pk, u in people.items() if pk not in declared]


def _members_without_scores(notice: Notice, evaluation: Any) -> list[User]:
    from bids.models import CommitteeMember
    from evaluation.models import ImpartialityDeclaration
    from evaluation.scores.models import ScoreSheet

    done = set(ScoreSheet.objects.filter(evaluation=evaluation, submitted_at__isnull=False)
               .values_list("member_id", flat=True))
    conflicted = set(ImpartialityDeclaration.objects.filter(notice=notice, has_conflict=True)
                     .values_list("user_id", flat=True))
    return [s.user for s in CommitteeMember.objects.filter(
        committee__notice=notice, removed_at__isnull=True).select_related("user")
        if s.user_id not in done and s.user_id not in conflicted]


def procurement_row(notice: Notice, *, now: datetime | None = None) -> Row:
    from bids.opening.models import OpeningStatus
    from evaluation.award.models import AwardDecision, AwardStatus, Contract
    from evaluation.models import EvaluationStatus, LotEvaluation

    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting: list[Waiting] = []
    lots: list[LotState] = []
    links = {"notice": reverse("notices:detail", kwargs={"pk": notice.pk})}
    evaluations = list(LotEvaluation.objects.filter(notice=notice).order_by("lot_number"))
    sent = list(AwardDecision.objects.filter(notice=notice, status=AwardStatus.SENT))
    contracts = Contract.objects.filter(notice=notice).exists()
    due = award_notice_due(notice)
    if notice.status == NoticeStatus.CANCELLED:
        stage = "cancelled"
    elif notice.status == NoticeStatus.DRAFT:
        stage = "draft"
    elif due is not None and due[1]:
        stage = "award_notice_published"
    elif contracts:
        stage = "contract_signed"
    elif sent:
        stage = "award_sent"
    elif evaluations:
        stage = "evaluation"
    elif hasattr(notice, "opening"):
        stage = "opened" if notice.opening.status == OpeningStatus.OPENED else "opening"
    elif notice.kind == NoticeKind.PIN:
        # A prior information notice takes no tenders: no deadline, no opening.
        stage = "pin"
    elif notice.status == NoticeStatus.CLOSED or (
            notice.submission_deadline is not None and notice.submission_deadline <= now):
        stage = "deadline_passed"
    else:
        stage = "published"
    if notice.status not in (NoticeStatus.DRAFT,):
        links["protocol"] = reverse("evaluation:protocol", kwargs={"pk": notice.pk})
    if evaluations or stage == "opened":
        links["evaluation"] = reverse("evaluation:overview", kwargs={"pk": notice.pk})
    # A lot's state goes on past the ranking: the award decision, then the contract.
    signed_lots = set(Contract.objects.filter(notice=notice).values_list("lot_number", flat=True))
    sent_lots = {d.lot_number for d in sent}
    for ev in evaluations:
        if ev.lot_number in signed_lots:
            state = "contract_signed"
            label = _stage_label(state)
        elif ev.lot_number in sent_lots:
            state = "award_sent"
            label = _stage_label(state)
        else:
            state, label = ev.status, str(EvaluationStatus(ev.status).label)
        lots.append(LotState(lot=ev.lot_number, status=state, label=label))
    if stage == "cancelled":
        return Row(notice, stage, _stage_label(stage), lots, [], links)
    if stage == "opened":
        waiting.append(Waiting("evaluation", _("Start the evaluation"),
                               people=[_("Procurement officer")], url=links["evaluation"]))
    if evaluations and any(e.status != EvaluationStatus.RANKED for e in evaluations):
        missing = _evaluators_without_declaration(notice)
        if missing:
            waiting.append(Waiting("declarations", _("Declarations of impartiality missing"),
                                   people=_names(missing), url=links["evaluation"]))
    for ev in evaluations:
        if ev.status == EvaluationStatus.SCORING:
            missing = _members_without_scores(notice, ev)
            if missing:
                waiting.append(Waiting(
                    "scores", _("Lot %(lot)s: scores missing") % {"lot": ev.lot_number},
                    people=_names(missing),
                    url=reverse("scores:scores", kwargs={"pk": notice.pk, "lot": ev.lot_number})))
    for decision in sent:
        if Contract.objects.filter(decision=decision).exists() or not decision.standstill_end:
            continue
        end = decision.standstill_end
        if end > now:
            waiting.append(Waiting(
                "standstill", _("Lot %(lot)s: the standstill period ends %(when)s") % {
                    "lot": decision.lot_number, "when": format_oslo(end)},
                due=timezone.localdate(end)))
        else:
            waiting.append(Waiting(
                "contract", _("Lot %(lot)s: the standstill period has ended; the contract "
                              "can be signed and recorded") % {"lot": decision.lot_number},
                people=[_("Procurement officer")], due=timezone.localdate(end)))
    if due is not None and not due[1]:
        day = due[0]
        overdue = today > day
        waiting.append(Waiting(
            "award_notice",
            (_("Award notice overdue since %(date)s") if overdue
             else _("Award notice due by %(date)s")) % {"date": format_day(day)},
            people=[_("Procurement officer")], due=day, overdue=overdue))
    return Row(notice, stage, _stage_label(stage), lots, waiting, links)


def dashboard_for(*, user: AnyUser, now: datetime | None = None) -> list[Row]:
    return [procurement_row(notice, now=now) for notice in officer_notices(user)]


def award_notices_to_remind(*, now: datetime | None = None) -> list[tuple[Notice, date, bool]]:
    """Procurements whose award notice is due within REMIND_DAYS_BEFORE days or overdue and
    not published: (notice, due date, overdue)."""
    from evaluation.award.models import Contract

    today = timezone.localdate(now or timezone.now())
    out = []
    ids = Contract.objects.values_list("notice_id", flat=True).distinct()
    for notice in Notice.objects.filter(pk__in=ids).exclude(status=NoticeStatus.CANCELLED):
        due = award_notice_due(notice)
        if due is None or due[1]:
            continue
        if today >= due[0] - timedelta(days=REMIND_DAYS_BEFORE):
            out.append((notice, due[0], today > due[0]))
    return out
