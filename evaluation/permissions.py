"""Who may see and do what in an evaluation: named predicates used by the APIs, the web
views, the services and the selectors alike (and by bids.permissions for opened content).

The gate: nobody sees bid content or scores of a procurement without first declaring, for
that procurement, that they have no conflict of interest; a person who declared a conflict
sees none of it, ever. Predicates answer yes or no and never raise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role
from accounts.permissions import has_role
from accounts.selectors import AnyUser
from evaluation.models import ImpartialityDeclaration
from notices.models import Notice
from notices.permissions import is_buyer_editor

if TYPE_CHECKING:
    from evaluation.audits.models import Audit
    from evaluation.ethics.models import FollowUpPlan


def is_evaluator(user: AnyUser, notice: Notice) -> bool:
    """Takes part in the evaluation: an active member of the notice's committee, one of the
    buyer's procurement officers (who run the procedure), or an external adviser the officer
    named for this procurement. Declaring comes first."""
    from bids.permissions import is_committee_member

    return is_committee_member(user, notice) or has_role(
        user, notice.buyer_id, {Role.PROCUREMENT_OFFICER}) or is_external_adviser(user, notice)


def is_external_adviser(user: AnyUser, notice: Notice) -> bool:
    """Named as an external adviser for this procurement, and not removed."""
    from evaluation.impartiality.models import ExternalAdviser

    return bool(user.is_authenticated and ExternalAdviser.objects.filter(
        notice_id=notice.pk, user=user, removed_at__isnull=True).exists())


def has_declared_impartiality(user: AnyUser, notice: Notice) -> bool:
    """Declared, for this procurement, that they have no conflict of interest."""
    return bool(user.is_authenticated and ImpartialityDeclaration.objects.filter(
        notice_id=notice.pk, user=user, has_conflict=False).exists())


def has_conflict(user: AnyUser, notice: Notice) -> bool:
    return bool(user.is_authenticated and ImpartialityDeclaration.objects.filter(
        notice_id=notice.pk, user=user, has_conflict=True).exists())


def may_declare(user: AnyUser, notice: Notice) -> bool:
    return is_evaluator(user, notice)


def cleared_for_bid_content(user: AnyUser, notice: Notice) -> bool:
    """Has declared no conflict for this procurement. Not enough alone: combine with the
    role predicate of what is read (is_evaluator, bids.permissions.may_read_opened)."""
    return has_declared_impartiality(user, notice)


def may_see_evaluation(user: AnyUser, notice: Notice) -> bool:
    """The evaluation pages (status, who has declared): evaluators and the buyer's editors.
    Seeing bid content and scores needs may_work_on_evaluation."""
    return is_evaluator(user, notice) or is_buyer_editor(user, notice)


def may_work_on_evaluation(user: AnyUser, notice: Notice) -> bool:
    """Reads bid content and scores, assesses, scores: an evaluator cleared by declaration."""
    return is_evaluator(user, notice) and cleared_for_bid_content(user, notice)


# --- The evaluation model on the notice (evaluation/criteria) ------------------------------


def may_view_evaluation_model(user: AnyUser, notice: Notice) -> bool:
    """The model is part of the notice: public once published, the buyer's while a draft."""
    from notices.permissions import may_view

    return may_view(user, notice)


def may_edit_evaluation_model(user: AnyUser, notice: Notice) -> bool:
    """Sets the model of a draft, or changes it by a change notice: the buyer's editors."""
    return is_buyer_editor(user, notice)


def may_simulate(user: AnyUser, notice: Notice) -> bool:
    """Tries hypothetical offers against the model: the buyer's people (editors and committee
    members), who design and will apply it."""
    from notices.permissions import is_buyer_member

    return is_buyer_member(user, notice)


# --- scoring (evaluation/scores) ----------------------------------------------------------------


def is_scoring_member(user: AnyUser, notice: Notice) -> bool:
    """Scores individually: an active member of the notice's committee who has declared no
    conflict of interest. Procurement officers run the evaluation but do not score."""
    from bids.permissions import is_committee_member

    return is_committee_member(user, notice) and cleared_for_bid_content(user, notice)


def may_see_all_individual_scores(user: AnyUser, notice: Notice, status: str) -> bool:
    """Every member's individual scores: a cleared evaluator, and only once every member has
    submitted (the lot evaluation has left qualification and scoring). Before that a member
    sees only their own sheet, and nobody else sees any."""
    from evaluation.models import EvaluationStatus

    return may_work_on_evaluation(user, notice) and status not in (
        EvaluationStatus.QUALIFICATION, EvaluationStatus.SCORING)


# --- the evaluation core (start, advisers, qualification, rejection) ---------------------


def may_start_evaluation(user: AnyUser, notice: Notice) -> bool:
    """Starts the lot evaluations after the opening: the buyer's editors."""
    return is_buyer_editor(user, notice)


def may_name_advisers(user: AnyUser, notice: Notice) -> bool:
    """Names and removes external advisers: the buyer's editors."""
    return is_buyer_editor(user, notice)


def may_assess(user: AnyUser, notice: Notice) -> bool:
    """Marks requirements pass or fail and asks suppliers for clarifications: a cleared
    evaluator (member, officer or adviser)."""
    return may_work_on_evaluation(user, notice)


def may_decide(user: AnyUser, notice: Notice) -> bool:
    """Decides for the contracting authority (rejects a bid, accepts an abnormally low offer,
    completes the qualification of a lot): a cleared evaluator who is also one of the buyer's
    editors, in practice a procurement officer."""
    return is_buyer_editor(user, notice) and may_work_on_evaluation(user, notice)


def is_bid_supplier(user: AnyUser, supplier_id: int) -> bool:
    """Acts for the supplier of a bid (its clarification requests and rejection letter)."""
    from accounts.permissions import is_supplier_user

    return is_supplier_user(user, supplier_id)


# --- the award, standstill, contract, cancellation and protocol (evaluation/award) ----------


def may_see_award(user: AnyUser, notice: Notice) -> bool:
    """The award pages of a procurement (decisions, letters as sent, standstill, contracts):
    the buyer's editors and the cleared evaluators. Drafts quote scores and reasons, so the
    impartiality gate applies to evaluators as everywhere else."""
    return is_buyer_editor(user, notice) or may_work_on_evaluation(user, notice)


def may_decide_award(user: AnyUser, notice: Notice) -> bool:
    """Drafts, sends and withdraws the award decision of a lot: a cleared officer (one of the
    buyer's editors who has declared no conflict)."""
    return may_decide(user, notice)


def may_manage_contract(user: AnyUser, notice: Notice) -> bool:
    """Records complaints and injunctions and lifts them, records the signed contract and
    publishes the award notice: the buyer's editors."""
    return is_buyer_editor(user, notice)


def may_cancel_procurement(user: AnyUser, notice: Notice) -> bool:
    """Cancels the competition (avlysning) at any stage: the buyer's editors."""
    return is_buyer_editor(user, notice)


def may_read_award_letter(user: AnyUser, notice: Notice, supplier_id: int) -> bool:
    """A letter as sent: its recipient (the supplier's users), and the award's readers."""
    return is_bid_supplier(user, supplier_id) or may_see_award(user, notice)


def may_see_protocol(user: AnyUser, notice: Notice) -> bool:
    """The procurement protocol (HTML and PDF): the buyer's editors and the cleared
    evaluators. It quotes scores and reasons, so the impartiality gate applies."""
    return may_see_award(user, notice)


# --- the criteria library (evaluation/library) ------------------------------------------------


def may_manage_own_templates(user: AnyUser, organization_id: int) -> bool:
    """Adds and versions an authority's own criterion templates: its administrators and
    procurement officers. The national library is platform staff's, in the admin."""
    from accounts.permissions import is_authority_editor

    return is_authority_editor(user, organization_id)


def may_see_template(user: AnyUser, owner_id: int | None) -> bool:
    """The national library is public; an authority's own templates are its people's."""
    from accounts.permissions import is_member_of

    return owner_id is None or is_member_of(user, owner_id)


def may_apply_template(user: AnyUser, notice: Notice) -> bool:
    """Copies a template into a notice: the buyer's editors (as for the evaluation model)."""
    return is_buyer_editor(user, notice)


# --- ethical trade: the terms on a notice and the follow-up plan (evaluation/ethics) ---------


def may_choose_ethical_terms(user: AnyUser, notice: Notice) -> bool:
    """Chooses or removes the ethical-trade terms of a notice: the buyer's editors (on a
    draft, or by a change notice), as for the evaluation model."""
    return is_buyer_editor(user, notice)


def may_see_follow_up(user: AnyUser, plan: FollowUpPlan) -> bool:
    """A contract's follow-up plan: the buyer's members (any role) and the contracted
    supplier's users. Nobody else learns that it exists."""
    from accounts.permissions import is_member_of, is_supplier_user

    contract = plan.contract
    return is_member_of(user, contract.notice.buyer_id) or is_supplier_user(
        user, contract.supplier_id)


def may_review_follow_up(user: AnyUser, plan: FollowUpPlan) -> bool:
    """Reviews the self-report and closes the plan: the buyer's editors."""
    return is_buyer_editor(user, plan.contract.notice)


def may_report_follow_up(user: AnyUser, plan: FollowUpPlan) -> bool:
    """Writes and submits the self-report: the contracted supplier's users."""
    from accounts.permissions import is_supplier_user

    return is_supplier_user(user, plan.contract.supplier_id)


# --- audits of a follow-up plan's supplier, shared between authorities (evaluation/audits) --


def _plan_buyer_id(plan: FollowUpPlan) -> int:
    return int(plan.contract.notice.buyer_id)


def may_manage_audits(user: AnyUser, plan: FollowUpPlan) -> bool:
    """Plans and completes audits of a plan, records findings, requires and answers
    corrective actions, imposes sanctions, shares and publishes: the editors (administrators
    and procurement officers) of the authority that holds the contract."""
    from accounts.permissions import is_authority_editor

    return is_authority_editor(user, _plan_buyer_id(plan))


def is_audited_supplier(user: AnyUser, plan: FollowUpPlan) -> bool:
    """Acts for the contract's supplier: sees its audits, proposes corrective actions, and
    sees with whom its audits are shared."""
    from accounts.permissions import is_supplier_user

    return is_supplier_user(user, plan.contract.supplier_id)


def may_see_plan_audits(user: AnyUser, plan: FollowUpPlan) -> bool:
    """The audits of a plan: the buyer's editors and the audited supplier."""
    return may_manage_audits(user, plan) or is_audited_supplier(user, plan)


def is_share_recipient(user: AnyUser, audit: Audit) -> bool:
    """An editor of an authority the audit was shared with (the audit and its findings)."""
    from accounts.models import NOTICE_EDITOR_ROLES, Membership

    return bool(user.is_authenticated and Membership.objects.filter(
        user=user, role__in=list(NOTICE_EDITOR_ROLES),
        organization_id__in=audit.shares.values("organization_id")).exists())


def may_see_audit(user: AnyUser, audit: Audit) -> bool:
    """One audit: its plan's readers, and the authorities it was shared with."""
    return may_see_plan_audits(user, audit.plan) or is_share_recipient(user, audit)


def may_answer_corrective_action(user: AnyUser, audit: Audit) -> bool:
    """Proposes (and proposes again) the plan of a corrective action: the audited supplier."""
    return is_audited_supplier(user, audit.plan)
