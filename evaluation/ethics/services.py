"""Every write of the ethical-trade follow-up (issue 14, point 2):

- `ethical_terms_choose` / `ethical_terms_remove`: the buyer's editors put the current
  edition of the terms on a notice whose CPV codes fall in a high-risk category, or take
  them off: on a draft directly, on a published notice by a change notice with a reason,
  before the deadline (notices.services.notice_change_publish decides that with the row
  locked and the database clock). The terms are a snapshot part: what a published version
  carries stays what it carries, whatever later editions say.
- `follow_up_plan_create`: called by evaluation.contract.services in the transaction that
  records the signed contract; the self-report is due `self_report_months` after signing.
- `self_report_save` / `self_report_submit`, `self_report_review`, `follow_up_close`: the
  supplier's self-report, the buyer's review, the end of the follow-up; status changes
  through evaluation/ethics/transitions.py, one FollowUpEvent each.
- `follow_up_remind`: the periodic reminders (bookkeeping only: nothing is decided by it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NOTICE_EDITOR_ROLES, SUPPLIER_ROLES, Membership, User
from backend.errors import ApplicationError, Conflict, Forbidden
from backend.formatting import format_day, format_oslo
from backend.text import check_text
from evaluation.award.models import Contract
from evaluation.ethics import selectors
from evaluation.ethics.models import (
    EthicalTerms,
    FollowUpEvent,
    FollowUpEventKind,
    FollowUpPlan,
    NoticeEthicalTerms,
    PlanStatus,
    ReportStatus,
    RiskCategory,
    SelfReport,
)
from evaluation.ethics.transitions import plan_flip, report_flip
from evaluation.permissions import (
    may_choose_ethical_terms,
    may_report_follow_up,
    may_review_follow_up,
)
from notices.deadlines import notice_lock
from notices.following.models import InboxKind
from notices.following.services import Compose, inbox_deliver_after_commit
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus, NoticeVersion
from notices.services import notice_change_publish

logger = logging.getLogger(__name__)

MAX_TEXT = 20000
MAX_CHAIN_ROWS = 200
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
# Days before the due date on which the supplier is reminded (settings may override).
DEFAULT_REMINDER_DAYS = (14, 3)
# A submitted self-report not reviewed after this many days reminds the buyer's editors, and
# again every REVIEW_REMINDER_EVERY_DAYS days until it is reviewed (settings may override).
DEFAULT_REVIEW_REMINDER_AFTER_DAYS = 14
DEFAULT_REVIEW_REMINDER_EVERY_DAYS = 7


# --- the terms on a notice --------------------------------------------------------------------


def terms_offer(notice: Notice, *, on: dt.date) -> tuple[RiskCategory, EthicalTerms] | None:
    """The category and the current terms offered to the notice, or None (not high-risk,
    or no edition in force)."""
    category = selectors.category_of(notice, on=on)
    terms = selectors.current_terms(on=on)
    if category is None or terms is None:
        return None
    return category, terms


def _require_chooser(notice: Notice, by: User) -> None:
    if not may_choose_ethical_terms(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can change the notice.")
                        % {"buyer": notice.buyer.name})


def _set_terms(notice: Notice, *, by: User, clock: datetime) -> NoticeEthicalTerms:
    offer = terms_offer(notice, on=timezone.localdate(clock))
    if offer is None:
        raise Conflict(_("The notice's CPV codes are not in a high-risk category for ethical "
                         "trade, so the terms are not offered."), code="not_high_risk")
    category, terms = offer
    chosen, _created = NoticeEthicalTerms.objects.update_or_create(
        notice=notice, defaults={"terms": terms, "category": category, "chosen_at": clock,
                                 "chosen_by": by})
    return chosen


def _drop_terms(notice: Notice) -> None:
    removed, _rows = NoticeEthicalTerms.objects.filter(notice=notice).delete()
    if not removed:
        raise Conflict(_("The notice carries no ethical-trade terms."), code="no_terms")


def _draft_event(notice: Notice, by: User, at: datetime, **data: Any) -> None:
    NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.DRAFT_UPDATED, by=by, at=at,
                               data={"fields": [selectors.SNAPSHOT_KEY], **data})


def _clean_reason(reason: Any) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ApplicationError(_("Say why the notice changes; bidders read the reason."),
                               fields={"reason": [_("Required.")]})
    return reason


@transaction.atomic
def ethical_terms_choose(*, notice: Notice, by: User, reason: str = "",
                         now: datetime | None = None
                         ) -> tuple[NoticeEthicalTerms, NoticeVersion | None]:
    """Put the current edition of the terms on the notice. A draft: at once. A published
    notice: by a change notice with `reason`, before the deadline. Returns the choice and the
    change notice's version (None on a draft)."""
    _require_chooser(notice, by)
    if notice.status == NoticeStatus.DRAFT:
        locked, clock = notice_lock(notice.pk, now=now, with_buyer=True)
        if locked.status != NoticeStatus.DRAFT:
            raise Conflict(_("The notice was published meanwhile; reload the page."))
        chosen = _set_terms(locked, by=by, clock=clock)
        _draft_event(locked, by, clock, terms=chosen.terms.key,
                     version=chosen.terms.version)
        return chosen, None
    reason = _clean_reason(reason)
    made: list[NoticeEthicalTerms] = []

    def apply(locked: Notice, clock: datetime) -> None:
        made.append(_set_terms(locked, by=by, clock=clock))

    version = notice_change_publish(notice=notice, by=by, reason=reason, fields={},
                                    apply=apply, now=now)
    return made[0], version


@transaction.atomic
def ethical_terms_remove(*, notice: Notice, by: User, reason: str = "",
                         now: datetime | None = None) -> NoticeVersion | None:
    """Take the terms off the notice: a draft at once, a published notice by a change notice
    with `reason` before the deadline."""
    _require_chooser(notice, by)
    if notice.status == NoticeStatus.DRAFT:
        locked, clock = notice_lock(notice.pk, now=now, with_buyer=True)
        if locked.status != NoticeStatus.DRAFT:
            raise Conflict(_("The notice was published meanwhile; reload the page."))
        _drop_terms(locked)
        _draft_event(locked, by, clock, removed=True)
        return None
    reason = _clean_reason(reason)
    return notice_change_publish(notice=notice, by=by, reason=reason, fields={},
                                 apply=lambda locked, clock: _drop_terms(locked), now=now)


# --- notifications ----------------------------------------------------------------------------


def plan_path(plan: FollowUpPlan) -> str:
    return reverse("evaluation:follow-up", kwargs={"plan_id": plan.pk})


def supplier_users(plan: FollowUpPlan) -> list[User]:
    return [m.user for m in Membership.objects.filter(
        organization_id=plan.contract.supplier_id, role__in=list(SUPPLIER_ROLES),
        user__is_active=True).select_related("user").order_by("user_id")]


def buyer_editors(plan: FollowUpPlan) -> list[User]:
    return [m.user for m in Membership.objects.filter(
        organization_id=plan.contract.notice.buyer_id, role__in=list(NOTICE_EDITOR_ROLES),
        user__is_active=True).select_related("user").order_by("user_id")]


def _tell(users: Iterable[User], plan: FollowUpPlan, *, key: str, compose: Compose,
          now: datetime) -> int:
    """Tell `users` about the plan, once per (user, key), with the caller's write."""
    return inbox_deliver_after_commit(users=users, notice=plan.contract.notice,
                                      kind=InboxKind.FOLLOW_UP, key=key, path=plan_path(plan),
                                      compose=compose, now=now)


def _due_text(plan: FollowUpPlan) -> str:
    """The due date as the recipient reads it (compose runs in their language): "12. desember
    2026" or "12 December 2026", the Oslo calendar day (backend/formatting)."""
    return format_day(plan.self_report_due)


# --- the plan ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (31 January plus
    one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_plan_create(*, contract: Contract, by: User | None, at: datetime
                          ) -> FollowUpPlan | None:
    """The follow-up plan of a contract whose notice carries the terms (None otherwise), in
    the caller's transaction (evaluation.contract.services records the contract). The
    contracted supplier's users are told."""
    chosen = selectors.chosen_terms(contract.notice)
    if chosen is None:
        return None
    terms = chosen.terms
    plan = FollowUpPlan.objects.create(
        contract=contract, terms=terms, category=chosen.category, created_at=at,
        self_report_due=add_months(contract.signed_on, terms.self_report_months))
    FollowUpEvent.objects.create(plan=plan, kind=FollowUpEventKind.PLAN_CREATED, by=by, at=at,
                                 data={"contract": contract.pk, "terms": terms.key,
                                       "version": terms.version,
                                       "category": chosen.category.code,
                                       "self_report_due": plan.self_report_due.isoformat()})

    def compose(user: User) -> tuple[str, list[str]]:
        return (_("Ethical-trade follow-up: %(title)s") % {"title": contract.title}, [
            _("The contract %(title)s with %(buyer)s includes the contract terms for ethical "
              "trade.") % {"title": contract.title, "buyer": contract.notice.buyer.name},
            _("Submit your self-report (policy and routines, risk analysis and supply chain) "
              "in Anbud by %(date)s.") % {"date": _due_text(plan)}])

    _tell(supplier_users(plan), plan, key=f"followup:{plan.pk}:created", compose=compose,
          now=at)
    return plan


# --- the self-report --------------------------------------------------------------------------


def _clean_report(data: Any) -> dict[str, Any]:
    """The report's fields; raises ApplicationError naming each bad field."""
    if not isinstance(data, dict):
        raise ApplicationError(_("The self-report is an object of fields."), code="invalid")
    fields: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in ("policies", "risk_analysis"):
        value = data.get(name, "")
        if not isinstance(value, str):
            fields[name] = [_("Text expected.")]
            continue
        value = value.strip()
        if len(value) > MAX_TEXT:
            fields[name] = [_("At most %(n)s characters.") % {"n": MAX_TEXT}]
        out[name] = value
    chain = data.get("supply_chain", [])
    rows: list[dict[str, str]] = []
    if not isinstance(chain, list) or len(chain) > MAX_CHAIN_ROWS:
        fields["supply_chain"] = [_("A list of at most %(n)s rows.") % {"n": MAX_CHAIN_ROWS}]
    else:
        for i, row in enumerate(chain, start=1):
            if not isinstance(row, dict):
                fields["supply_chain"] = [_("Row %(n)s: an object with name, country and "
                                            "produces.") % {"n": i}]
                break
            name, country, produces = (row.get(k, "") for k in ("name", "country", "produces"))
            if not all(isinstance(v, str) for v in (name, country, produces)):
                fields["supply_chain"] = [_("Row %(n)s: text expected.") % {"n": i}]
                break
            name, country, produces = name.strip(), country.strip().upper(), produces.strip()
            if not name and not country and not produces:
                continue  # an empty row of the form
            if not name or len(name) > 300:
                fields["supply_chain"] = [_("Row %(n)s: the name of the supplier or "
                                            "subcontractor (at most 300 characters).")
                                          % {"n": i}]
                break
            if not COUNTRY_RE.match(country):
                fields["supply_chain"] = [_("Row %(n)s: the country as a two-letter code "
                                            "(ISO 3166), e.g. NO, CN, BD.") % {"n": i}]
                break
            if not produces or len(produces) > 500:
                fields["supply_chain"] = [_("Row %(n)s: what it produces, or its stage in "
                                            "the chain (at most 500 characters).") % {"n": i}]
                break
            rows.append({"name": name, "country": country, "produces": produces})
    out["supply_chain"] = rows
    if fields:
        raise ApplicationError(_("The self-report has errors: %(fields)s.")
                               % {"fields": ", ".join(sorted(fields))}, fields=fields)
    check_text({"policies": out["policies"], "risk_analysis": out["risk_analysis"]},
               max_lengths={"policies": MAX_TEXT, "risk_analysis": MAX_TEXT})
    for row in rows:
        check_text(row, max_lengths={"name": 300, "country": 2, "produces": 500})
    return out


def _lock_plan(plan: FollowUpPlan) -> FollowUpPlan:
    return (FollowUpPlan.objects.select_for_update(of=("self",))
            .select_related("contract", "contract__notice", "contract__notice__buyer",
                            "contract__supplier").get(pk=plan.pk))


@transaction.atomic
def self_report_save(*, plan: FollowUpPlan, by: User, data: Any,
                     now: datetime | None = None) -> SelfReport:
    """Save the supplier's draft (also after the buyer asked for more). Nothing is told
    to anyone until it is submitted."""
    if not may_report_follow_up(by, plan):
        raise Forbidden(_("Only the contracted supplier's users write the self-report."))
    clean = _clean_report(data)
    plan = _lock_plan(plan)
    at = now or timezone.now()
    if plan.status != PlanStatus.ACTIVE:
        raise Conflict(_("The follow-up plan is closed."), code="closed")
    report = SelfReport.objects.select_for_update().filter(plan=plan).first()
    if report is None:
        return SelfReport.objects.create(plan=plan, updated_at=at, updated_by=by, **clean)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise Conflict(_("The self-report is %(status)s and cannot be edited.")
                       % {"status": ReportStatus(report.status).label.lower()},
                       code="not_editable")
    SelfReport.objects.filter(pk=report.pk).update(updated_at=at, updated_by=by, **clean)
    report.refresh_from_db()
    return report


def _missing(report: SelfReport) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if not report.policies:
        fields["policies"] = [_("Describe your policy and routines for due diligence.")]
    if not report.risk_analysis:
        fields["risk_analysis"] = [_("Describe the risks in the supply chain and what you do "
                                     "about them.")]
    if not report.supply_chain:
        fields["supply_chain"] = [_("List at least one link of the supply chain.")]
    return fields


@transaction.atomic
def self_report_submit(*, plan: FollowUpPlan, by: User, data: Any = None,
                       now: datetime | None = None) -> SelfReport:
    """Submit the self-report (saving `data` first when given). The submission is frozen in
    the event's data; the buyer's editors are told that a report waits for review."""
    report = (self_report_save(plan=plan, by=by, data=data, now=now) if data is not None
              else SelfReport.objects.filter(plan=plan).first())
    if not may_report_follow_up(by, plan):
        raise Forbidden(_("Only the contracted supplier's users write the self-report."))
    if report is None:
        raise ApplicationError(_("Write the self-report before submitting it."),
                               fields=_missing(SelfReport()))
    plan = _lock_plan(plan)
    report = SelfReport.objects.select_for_update().get(pk=report.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise Conflict(_("The follow-up plan is closed."), code="closed")
    missing = _missing(report)
    if missing:
        raise ApplicationError(_("The self-report is not complete: %(fields)s.")
                               % {"fields": ", ".join(sorted(missing))}, fields=missing)
    at = now or timezone.now()
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise Conflict(_("The self-report is already %(status)s.")
                       % {"status": ReportStatus(report.status).label.lower()},
                       code="not_editable")
    round_ = report.rounds + 1
    report_flip(report, report.status, ReportStatus.SUBMITTED, by=by, at=at,
                data={"round": round_, "late": timezone.localdate(at) > plan.self_report_due,
                      "policies": report.policies, "risk_analysis": report.risk_analysis,
                      "supply_chain": report.supply_chain},
                rounds=round_, submitted_at=at)
    contract = plan.contract

    def compose(user: User) -> tuple[str, list[str]]:
        return (_("Self-report to review: %(supplier)s") % {"supplier": contract.supplier.name},
                [_("%(supplier)s submitted its ethical-trade self-report for the contract "
                   "%(title)s. Review it: accept it, or ask for more.")
                 % {"supplier": contract.supplier.name, "title": contract.title}])

    _tell(buyer_editors(plan), plan, key=f"followup:{plan.pk}:submitted:{round_}",
          compose=compose, now=at)
    return report


REVIEW_OUTCOMES = {"accepted": ReportStatus.ACCEPTED, "more_information": ReportStatus.RETURNED}


@transaction.atomic
def self_report_review(*, plan: FollowUpPlan, by: User, outcome: str, note: str = "",
                       now: datetime | None = None) -> SelfReport:
    """The buyer's review of a submitted report: "accepted", or "more_information" with a
    reason the supplier reads (the report goes back to the supplier)."""
    if not may_review_follow_up(by, plan):
        raise Forbidden(_("Only procurement officers of the buyer review the self-report."))
    if outcome not in REVIEW_OUTCOMES:
        raise ApplicationError(_("Choose accepted or more_information."),
                               fields={"outcome": [_("Choose accepted or more_information.")]})
    note = note.strip() if isinstance(note, str) else ""
    if outcome == "more_information" and not note:
        raise ApplicationError(_("Say what more the supplier must report."),
                               fields={"note": [_("Required.")]})
    check_text({"note": note}, max_lengths={"note": MAX_TEXT})
    plan = _lock_plan(plan)
    report = SelfReport.objects.select_for_update().filter(plan=plan).first()
    if plan.status != PlanStatus.ACTIVE:
        raise Conflict(_("The follow-up plan is closed."), code="closed")
    if report is None or report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("There is no submitted self-report waiting for review."),
                       code="not_submitted")
    at = now or timezone.now()
    report_flip(report, ReportStatus.SUBMITTED, REVIEW_OUTCOMES[outcome], by=by, at=at,
                data={"outcome": outcome, "note": note, "round": report.rounds},
                reviewed_at=at, review_note=note)
    contract = plan.contract

    def compose(user: User) -> tuple[str, list[str]]:
        if outcome == "accepted":
            return (_("Self-report accepted: %(title)s") % {"title": contract.title},
                    [_("%(buyer)s accepted your ethical-trade self-report.")
                     % {"buyer": contract.notice.buyer.name}])
        return (_("More information needed: %(title)s") % {"title": contract.title},
                [_("%(buyer)s asks for more in your ethical-trade self-report:")
                 % {"buyer": contract.notice.buyer.name}, note])

    _tell(supplier_users(plan), plan, key=f"followup:{plan.pk}:reviewed:{report.rounds}",
          compose=compose, now=at)
    return report


@transaction.atomic
def follow_up_close(*, plan: FollowUpPlan, by: User, note: str = "",
                    now: datetime | None = None) -> FollowUpPlan:
    """End the follow-up. Without an accepted self-report the buyer says why (the contract
    ended, an audit covered it)."""
    if not may_review_follow_up(by, plan):
        raise Forbidden(_("Only procurement officers of the buyer close the follow-up."))
    note = note.strip() if isinstance(note, str) else ""
    check_text({"note": note}, max_lengths={"note": MAX_TEXT})
    plan = _lock_plan(plan)
    report = SelfReport.objects.filter(plan=plan).first()
    accepted = report is not None and report.status == ReportStatus.ACCEPTED
    if not accepted and not note:
        raise ApplicationError(_("The self-report is not accepted: say why the follow-up "
                                 "ends."), fields={"note": [_("Required.")]})
    at = now or timezone.now()
    if plan.status != PlanStatus.ACTIVE:
        raise Conflict(_("The follow-up plan is already closed."), code="closed")
    plan_flip(plan, PlanStatus.ACTIVE, PlanStatus.CLOSED, by=by, at=at,
              data={"note": note, "report_accepted": accepted}, closed_at=at)
    return plan


# --- reminders --------------------------------------------------------------------------------


def reminder_days() -> list[int]:
    return [int(d) for d in getattr(settings, "ANBUD_FOLLOW_UP_REMINDER_DAYS",
                                    DEFAULT_REMINDER_DAYS)]


def review_reminder_days() -> tuple[int, int]:
    """(after, every): the buyer is reminded of an unreviewed self-report `after` days after
    its submission and then every `every` days."""
    return (int(getattr(settings, "ANBUD_FOLLOW_UP_REVIEW_REMINDER_AFTER_DAYS",
                        DEFAULT_REVIEW_REMINDER_AFTER_DAYS)),
            int(getattr(settings, "ANBUD_FOLLOW_UP_REVIEW_REMINDER_EVERY_DAYS",
                        DEFAULT_REVIEW_REMINDER_EVERY_DAYS)))


def follow_up_remind(*, now: datetime | None = None) -> int:
    """Tell the supplier's users of each active plan whose self-report is not submitted:
    N days before the due date (the nearest step reached) and once when it is overdue.
    Tell the buyer's editors of a submitted self-report waiting for review for 14 days, and
    then weekly (`review_reminder_days`). Idempotent: one message per (user, key); the keys
    name the plan and step, or the plan, submission round and period. Returns the messages
    written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for plan, step in selectors.plans_due_for_reminder(today=today,
                                                       days_before=reminder_days()):
        contract = plan.contract

        def compose(user: User, plan: FollowUpPlan = plan, step: str = step,
                    contract: Contract = contract) -> tuple[str, list[str]]:
            if step == "overdue":
                return (_("Self-report overdue: %(title)s") % {"title": contract.title},
                        [_("Your ethical-trade self-report for the contract %(title)s was due "
                           "%(date)s and is not submitted.")
                         % {"title": contract.title, "date": _due_text(plan)}])
            return (_("Self-report due %(date)s: %(title)s")
                    % {"date": _due_text(plan), "title": contract.title},
                    [_("Your ethical-trade self-report for the contract %(title)s with "
                       "%(buyer)s is due %(date)s.")
                     % {"title": contract.title, "buyer": contract.notice.buyer.name,
                        "date": _due_text(plan)}])

        with transaction.atomic():
            sent += _tell(supplier_users(plan), plan, key=f"followup:{plan.pk}:{step}",
                          compose=compose, now=now)
    sent += _remind_reviews(today=today, now=now)
    return sent


def _remind_reviews(*, today: dt.date, now: datetime) -> int:
    after, every = review_reminder_days()
    sent = 0
    for plan, days, period in selectors.reports_awaiting_review(today=today, after_days=after,
                                                                every_days=every):
        contract = plan.contract
        report = plan.self_report

        def compose(user: User, contract: Contract = contract, days: int = days,
                    report: SelfReport = report) -> tuple[str, list[str]]:
            return (_("Self-report waiting for review: %(supplier)s")
                    % {"supplier": contract.supplier.name},
                    [_("%(supplier)s submitted its ethical-trade self-report for the contract "
                       "%(title)s on %(date)s, %(days)s days ago, and it is not reviewed. "
                       "Review it: accept it, or ask for more.")
                     % {"supplier": contract.supplier.name, "title": contract.title,
                        "date": format_oslo(report.submitted_at, "date"), "days": days}])

        with transaction.atomic():
            sent += _tell(buyer_editors(plan), plan,
                          key=f"followup:{plan.pk}:review-wait:{report.rounds}:{period}",
                          compose=compose, now=now)
    return sent

