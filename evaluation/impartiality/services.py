"""Impartiality first (FOA § 7-5, the Public Administration Act §§ 6-10): every evaluator
declares, per procurement, no conflict of interest or a conflict; external advisers are named
here; and the gate in front of bid content and scores (`bid_content_gate`) refuses, and
records, every attempt of an evaluator who is not cleared.

A declaration is made after the deadline for tenders, when the bidders are known (before it,
nobody may learn who has bid). A declaration of no conflict may later turn into a conflict;
a conflict stands for good.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Membership, User
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from backend.formatting import format_oslo
from backend.text import check_text
from evaluation import permissions
from evaluation.impartiality.models import ExternalAdviser
from evaluation.models import EvaluationEvent, EvaluationEventKind, ImpartialityDeclaration
from notices.deadlines import notice_lock, tender_deadline_passed
from notices.models import Notice

MAX_EXPLANATION = 5000


def _event(notice: Notice, kind: EvaluationEventKind, *, by: User | None, at: datetime,
           **data: Any) -> EvaluationEvent:
    return EvaluationEvent.objects.create(notice_id=notice.pk, kind=kind, by=by, at=at,
                                          data=data)


def _who(user: User) -> dict[str, Any]:
    return {"user": user.pk, "name": str(user)}


# --- declarations ------------------------------------------------------------------------


@transaction.atomic
def impartiality_declare(*, notice: Notice, by: User, has_conflict: bool,
                         explanation: str = "", now: datetime | None = None
                         ) -> ImpartialityDeclaration:
    """Declare no conflict of interest (which opens bid content and scores to `by`) or a
    conflict, with an explanation (which shuts `by` out of them for this procurement).
    One event each: impartiality.declared or impartiality.conflict."""
    if not permissions.may_declare(by, notice):
        raise Forbidden(_("Only the committee members, the procurement officers of "
                          "%(buyer)s and the external advisers named for this procurement "
                          "declare impartiality.") % {"buyer": notice.buyer.name})
    explanation = (explanation or "").strip()
    check_text({"explanation": explanation}, max_lengths={"explanation": MAX_EXPLANATION})
    if has_conflict and not explanation:
        raise ApplicationError(
            _("Explain the conflict of interest: who or what it concerns, and why."),
            fields={"explanation": [_("An explanation is required with a conflict.")]})
    locked, clock = notice_lock(notice.pk, now=now)
    if not tender_deadline_passed(locked, clock):
        raise Conflict(_("Impartiality is declared after the deadline for tenders, when the "
                         "bidders are known."), code="before_deadline")
    existing = (ImpartialityDeclaration.objects.select_for_update()
                .filter(notice=locked, user=by).first())
    if existing is not None and existing.has_conflict:
        raise Conflict(_("You declared a conflict of interest on %(date)s. It stands: you have "
                         "no access to the bids or scores of this procurement.")
                       % {"date": format_oslo(existing.declared_at, "short")},
                       code="conflict_declared")
    if existing is not None and not has_conflict:
        raise Conflict(_("You declared no conflict of interest on %(date)s already.")
                       % {"date": format_oslo(existing.declared_at, "short")},
                       code="already_declared")
    if existing is not None:
        ImpartialityDeclaration.objects.filter(pk=existing.pk).update(
            has_conflict=True, explanation=explanation, declared_at=clock)
        existing.refresh_from_db()
        declaration = existing
    else:
        declaration = ImpartialityDeclaration.objects.create(
            notice=locked, user=by, has_conflict=has_conflict, explanation=explanation,
            declared_at=clock)
    kind = (EvaluationEventKind.CONFLICT_DECLARED if has_conflict
            else EvaluationEventKind.IMPARTIALITY_DECLARED)
    _event(locked, kind, by=by, at=clock, explanation=explanation,
           replaces_no_conflict=existing is not None, **_who(by))
    return declaration


def declaration_of(*, notice: Notice, user: User) -> ImpartialityDeclaration | None:
    if not user.is_authenticated:
        return None
    return ImpartialityDeclaration.objects.filter(notice=notice, user=user).first()


# --- the gate ------------------------------------------------------------------------------


def bid_content_gate(*, user: Any, notice: Notice, what: str,
                     now: datetime | None = None) -> None:
    """In front of every read of bid content or scores. An evaluator who has not declared, or
    who declared a conflict, is refused with 403 and the refusal is recorded
    (impartiality.access_refused); a cleared evaluator passes. Everyone else passes too: the
    caller refuses them by its own predicate (404 or 403), as nothing about them is an
    impartiality matter.

    Call it outside the transaction of a write (views, APIs, selectors): the record must
    survive the refusal."""
    if not user.is_authenticated or not permissions.is_evaluator(user, notice):
        return
    if permissions.cleared_for_bid_content(user, notice):
        return
    conflict = permissions.has_conflict(user, notice)
    _event(notice, EvaluationEventKind.ACCESS_REFUSED, by=user, at=now or timezone.now(),
           reason="conflict" if conflict else "not_declared", what=what[:200], **_who(user))
    if conflict:
        raise Forbidden(_("You have declared a conflict of interest in this procurement, so "
                          "you have no access to its bids or scores (FOA § 7-5). The attempt "
                          "is recorded."), code="conflict_of_interest")
    raise Forbidden(_("Declare first whether you have a conflict of interest in this "
                      "procurement (FOA § 7-5). Bids and scores open after a declaration of "
                      "no conflict."), code="impartiality_not_declared")


# --- external advisers ----------------------------------------------------------------------


@transaction.atomic
def adviser_add(*, notice: Notice, by: User, email: str, role: str,
                now: datetime | None = None) -> ExternalAdviser:
    """Name a person (who has an account) as an external adviser for this procurement."""
    if not permissions.may_name_advisers(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s name external advisers.")
                        % {"buyer": notice.buyer.name})
    now = now or timezone.now()
    email = (email or "").strip()
    role = (role or "").strip()
    check_text({"role": role}, max_lengths={"role": 300})
    problems: dict[str, list[str]] = {}
    if not role:
        problems["role"] = [_("Say what the adviser does in this procurement.")]
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None:
        problems["email"] = [_("No active account has this e-mail address. The adviser "
                               "registers first.")]
    if problems:
        raise ApplicationError(_("The adviser could not be named."), fields=problems)
    assert user is not None
    if Membership.objects.filter(user=user, role__in=list(SUPPLIER_ROLES)).exists():
        raise ApplicationError(
            _("%(name)s acts for a supplier on this platform and cannot be an adviser in a "
              "competition where suppliers bid.") % {"name": user},
            fields={"email": [_("A supplier's user cannot be named.")]})
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if permissions.is_evaluator(user, locked):
        raise Conflict(_("%(name)s already takes part in the evaluation.") % {"name": user},
                       code="already_evaluator")
    adviser = ExternalAdviser.objects.create(notice=locked, user=user, role=role, added_at=now,
                                             added_by=by)
    _event(locked, EvaluationEventKind.ADVISER_NAMED, by=by, at=now, adviser=adviser.pk,
           role=role, **_who(user))
    return adviser


@transaction.atomic
def adviser_remove(*, adviser: ExternalAdviser, by: User, reason: str = "",
                   now: datetime | None = None) -> ExternalAdviser:
    if not permissions.may_name_advisers(by, adviser.notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s remove external advisers.")
                        % {"buyer": adviser.notice.buyer.name})
    now = now or timezone.now()
    reason = (reason or "").strip()
    check_text({"reason": reason}, max_lengths={"reason": 2000})
    changed = ExternalAdviser.objects.filter(pk=adviser.pk, removed_at__isnull=True).update(
        removed_at=now, removed_by=by, removed_reason=reason)
    if changed != 1:
        raise Conflict(_("The adviser was removed already."), code="already_removed")
    adviser.refresh_from_db()
    _event(adviser.notice, EvaluationEventKind.ADVISER_REMOVED, by=by, at=now,
           adviser=adviser.pk, reason=reason, **_who(adviser.user))
    return adviser


def adviser_get(*, notice: Notice, adviser_id: int) -> ExternalAdviser:
    adviser = ExternalAdviser.objects.select_related("user", "notice__buyer").filter(
        notice=notice, pk=adviser_id).first()
    if adviser is None:
        raise NotFound(_("No such adviser."))
    return adviser
