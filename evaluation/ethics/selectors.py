"""Which high-risk category a notice falls in, and which terms are offered: one rule, here."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Membership
from accounts.selectors import AnyUser
from backend.errors import NotFound
from evaluation.ethics.models import (
    EthicalTerms,
    FollowUpEvent,
    FollowUpPlan,
    NoticeEthicalTerms,
    PlanStatus,
    ReportStatus,
    RiskCategory,
    SelfReport,
)
from evaluation.permissions import may_see_follow_up
from notices.models import Notice, NoticeStatus, VersionKind


def categories_in_force(on: datetime.date) -> list[RiskCategory]:
    return list(RiskCategory.objects.filter(valid_from__lte=on)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)))


def category_for_codes(codes: list[str], *, on: datetime.date) -> RiskCategory | None:
    """The category whose CPV prefix matches one of `codes` most specifically (the longest
    prefix wins; ties go to the code order), or None when no code is high-risk."""
    best: tuple[int, str, RiskCategory] | None = None
    for category in categories_in_force(on):
        for prefix in category.cpv_prefixes:
            if any(code.startswith(prefix) for code in codes if code):
                candidate = (-len(prefix), category.code, category)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
    return best[2] if best else None


def notice_codes(notice: Notice) -> list[str]:
    """The notice's main and additional CPV codes and its lots' codes."""
    codes = [notice.cpv_main, *(notice.cpv_additional or [])]
    codes += list(notice.lots.values_list("cpv", flat=True))
    return [c for c in codes if c]


def category_of(notice: Notice, *, on: datetime.date) -> RiskCategory | None:
    return category_for_codes(notice_codes(notice), on=on)


def current_terms(*, on: datetime.date) -> EthicalTerms | None:
    """The newest active edition in force on `on`."""
    return (EthicalTerms.objects.filter(active=True, valid_from__lte=on)
            .order_by("-valid_from", "-version").first())


# --- the terms on a notice (a snapshot part) -------------------------------------------------

# The key of the chosen terms in NoticeVersion.snapshot.
SNAPSHOT_KEY = "ethical_terms"


def terms_text_sha256(terms: EthicalTerms) -> str:
    """The fingerprint of the edition's wording, frozen with the notice: a later edition is a
    new row, and this says which text the bidders were offered."""
    return hashlib.sha256(f"{terms.text_nb}\n\n{terms.text_en}".encode()).hexdigest()


def terms_json(chosen: NoticeEthicalTerms) -> dict[str, Any]:
    terms, category = chosen.terms, chosen.category
    return {"key": terms.key, "version": terms.version, "title_nb": terms.title_nb,
            "title_en": terms.title_en, "self_report_months": terms.self_report_months,
            "text_sha256": terms_text_sha256(terms), "category": category.code,
            "category_nb": category.name_nb, "category_en": category.name_en}


def chosen_terms(notice: Notice) -> NoticeEthicalTerms | None:
    return (NoticeEthicalTerms.objects.filter(notice=notice)
            .select_related("terms", "category").first())


def snapshot_part(notice: Notice) -> dict[str, Any] | None:
    """What every NoticeVersion snapshot carries under SNAPSHOT_KEY (None: no terms)."""
    chosen = chosen_terms(notice)
    return terms_json(chosen) if chosen else None


def terms_display(value: Any) -> str:
    """A stored snapshot value as one line of the change history."""
    if not isinstance(value, dict):
        return "—"
    language = (get_language() or "nb")[:2]
    title = value.get("title_nb") if language == "nb" else value.get("title_en")
    category = value.get("category_nb") if language == "nb" else value.get("category_en")
    return _("%(title)s, version %(version)s (%(category)s)") % {
        "title": title, "version": value.get("version"), "category": category}


def published_terms(notice: Notice) -> dict[str, Any] | None:
    """The terms as the latest published version carries them (a draft: as chosen now)."""
    if notice.status == NoticeStatus.DRAFT:
        return snapshot_part(notice)
    version = (notice.versions.exclude(kind=VersionKind.CANCELLATION).order_by("-number")
               .first())
    value = version.snapshot.get(SNAPSHOT_KEY) if version else None
    return value if isinstance(value, dict) else None


def terms_view(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The frozen terms with the title, category and wording in the page's language (the
    wording of the edition the notice chose, not of a later one)."""
    if not value:
        return None
    language = (get_language() or "nb")[:2]
    row = EthicalTerms.objects.filter(key=str(value.get("key")),
                                      version=int(value.get("version") or 0)).first()
    return {**value, "title": value.get(f"title_{language}") or value.get("title_en"),
            "category_name": value.get(f"category_{language}") or value.get("category_en"),
            "text": row.text(language) if row else ""}


# --- follow-up plans --------------------------------------------------------------------------


def plan_for_contract(contract_id: int) -> FollowUpPlan | None:
    return FollowUpPlan.objects.filter(contract_id=contract_id).first()


def _plans() -> QuerySet[FollowUpPlan]:
    return FollowUpPlan.objects.select_related(
        "contract", "contract__notice", "contract__notice__buyer", "contract__supplier",
        "terms", "category", "self_report")


def plan_list(*, user: AnyUser) -> QuerySet[FollowUpPlan]:
    """The plans the user may see: of the authorities they belong to, and of the suppliers
    they act for."""
    if not user.is_authenticated:
        return FollowUpPlan.objects.none()
    orgs = list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    supplier_orgs = list(Membership.objects.filter(user=user, role__in=list(SUPPLIER_ROLES))
                         .values_list("organization_id", flat=True))
    return _plans().filter(Q(contract__notice__buyer_id__in=orgs)
                           | Q(contract__supplier_id__in=supplier_orgs)).order_by(
        "status", "self_report_due", "pk")


def plan_get(*, user: AnyUser, plan_id: int) -> FollowUpPlan:
    """One plan, or NotFound for anyone who may not see it (its existence is not public)."""
    plan = _plans().filter(pk=plan_id).first()
    if plan is None or not may_see_follow_up(user, plan):
        raise NotFound(_("No such follow-up plan."))
    return plan


def plan_get_unchecked(plan_id: int) -> FollowUpPlan:
    """A plan read fresh after a write (the caller has checked who asks)."""
    return _plans().get(pk=plan_id)


def report_of(plan: FollowUpPlan) -> SelfReport | None:
    return SelfReport.objects.filter(plan=plan).first()


def events_of(plan: FollowUpPlan) -> QuerySet[FollowUpEvent]:
    return plan.events.select_related("by").order_by("at", "pk")


def plans_due_for_reminder(*, today: datetime.date, days_before: list[int]
                           ) -> list[tuple[FollowUpPlan, str]]:
    """(plan, step) for every active plan whose self-report is not yet submitted and is due
    in one of `days_before` days or less (step "due-<n>", the nearest reached), or overdue
    (step "overdue"). The task sends each (plan, step) once."""
    out = []
    pending = _plans().filter(status=PlanStatus.ACTIVE).exclude(
        self_report__status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
    for plan in pending:
        left = (plan.self_report_due - today).days
        if left < 0:
            out.append((plan, "overdue"))
            continue
        reached = [n for n in sorted(days_before) if left <= n]
        if reached:
            out.append((plan, f"due-{reached[0]}"))
    return out


def reports_awaiting_review(*, today: datetime.date, after_days: int, every_days: int
                            ) -> list[tuple[FollowUpPlan, int, int]]:
    """(plan, days waiting, period) for every active plan whose self-report is submitted and
    not yet reviewed for `after_days` Oslo days or more. Period 0 starts on day `after_days`,
    period 1 `every_days` later, and so on: the task tells the buyer once per period (a missed
    period is not caught up; the current one is sent)."""
    out = []
    waiting = _plans().filter(status=PlanStatus.ACTIVE,
                              self_report__status=ReportStatus.SUBMITTED,
                              self_report__submitted_at__isnull=False)
    for plan in waiting:
        submitted = plan.self_report.submitted_at
        assert submitted is not None
        days = (today - timezone.localdate(submitted)).days
        if days >= after_days:
            out.append((plan, days, (days - after_days) // max(every_days, 1)))
    return out
