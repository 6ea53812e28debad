"""The evaluation of each lot after opening: its own aggregate with one owner of its
transitions (evaluation/transitions.py) and an append-only event table, so that the award
and the procurement protocol can build on it.

Status: qualification -> scoring -> consensus -> ranked (and back from ranked to consensus
with a reason, before any award). Bid content and scores are open only to people who have
declared that they have no conflict of interest (ImpartialityDeclaration, FOA § 7-5 and the
Public Administration Act §§ 6-10); see evaluation/permissions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.events import Event
from evaluation.criteria.models import (  # noqa: F401
    AwardBasis,
    AwardCriterion,
    CriterionKind,
    LotAwardTerms,
    QualificationRequirement,
    RequirementCategory,
    ScoringMethod,
)
from notices.models import Notice


class EvaluationStatus(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification")
    SCORING = "scoring", _("Scoring")
    CONSENSUS = "consensus", _("Consensus")
    RANKED = "ranked", _("Ranked")


class LotEvaluation(models.Model):
    """The evaluation of one lot (lot number 0: a notice without lots)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="evaluations")
    lot_number = models.PositiveSmallIntegerField(_("lot number"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.QUALIFICATION)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    ranked_at = models.DateTimeField(null=True, blank=True)
    # The computed ranking and sensitivity as shown when ranked (evaluation.scoring output,
    # JSON): kept so the award and the protocol quote exactly what the committee saw.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["notice", "lot_number"]
        constraints = [models.UniqueConstraint(fields=["notice", "lot_number"],
                                               name="lot_evaluation_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id} lot {self.lot_number} ({self.status})"


class ImpartialityDeclaration(models.Model):
    """A person's declaration for one procurement: no conflict of interest, or a conflict.

    One row per person and notice (a declaration is a record, not a setting: a person who
    declared no conflict and later finds one declares the conflict, which replaces access for
    good; the events keep both). Staff with a conflict are shut out of bid content and
    scores of the procurement."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT,
                               related_name="impartiality_declarations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="impartiality_declarations")
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    explanation = models.TextField(_("explanation"), blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["notice", "declared_at"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"],
                                               name="impartiality_declaration_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.notice_id}: {'conflict' if self.has_conflict else 'none'}"


class EvaluationEventKind(models.TextChoices):
    """What happens in an evaluation. Stored and read by the procurement protocol: name each
    as the legal step it records, and never rename one."""

    STARTED = "evaluation.started", _("Evaluation started")
    IMPARTIALITY_DECLARED = "impartiality.declared", _("No conflict of interest declared")
    CONFLICT_DECLARED = "impartiality.conflict", _("Conflict of interest declared")
    ACCESS_REFUSED = "impartiality.access_refused", _(
        "Access to bid content refused (conflict of interest or no declaration)")
    REQUIREMENT_ASSESSED = "qualification.assessed", _("Qualification requirement assessed")
    CLARIFICATION_REQUESTED = "qualification.clarification_requested", _(
        "Clarification requested from a supplier")
    CLARIFICATION_ANSWERED = "qualification.clarification_answered", _(
        "Supplier's clarification recorded")
    ABNORMALLY_LOW_FLAGGED = "qualification.abnormally_low", _("Abnormally low offer flagged")
    BID_REJECTED = "qualification.rejected", _("Bid rejected")
    QUALIFICATION_COMPLETED = "status.scoring", _("Qualification completed; scoring begins")
    PRICE_RECORDED = "scoring.price_recorded", _("Price recorded")
    SCORES_SUBMITTED = "scoring.submitted", _("Member's individual scores submitted")
    SCORING_COMPLETED = "status.consensus", _("All members have scored; consensus begins")
    CONSENSUS_RECORDED = "consensus.recorded", _("Consensus score recorded")
    RANKED = "status.ranked", _("Ranking computed")
    REOPENED = "status.reopened", _("Ranking reopened for consensus")
    ADVISER_NAMED = "impartiality.adviser_named", _("External adviser named")
    ADVISER_REMOVED = "impartiality.adviser_removed", _("External adviser removed")
    ABNORMALLY_LOW_ACCEPTED = "qualification.abnormally_low_accepted", _(
        "Abnormally low offer accepted after the supplier's explanation")


class EvaluationEvent(Event):
    """Append-only record of every step of an evaluation (who, when, what, why)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT,
                               related_name="evaluation_events")
    evaluation = models.ForeignKey(LotEvaluation, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="events")
    kind = models.CharField(max_length=64, choices=EvaluationEventKind.choices)


# Feature sub-packages register their models with the app (app label "evaluation").
# The models of the feature sub-packages belong to this app (tables evaluation_*).
from evaluation.audits.models import (  # noqa: E402,F401
    Audit,
    AuditReliance,
    AuditShare,
    CorrectiveAction,
    Finding,
    Sanction,
)
from evaluation.award.models import (  # noqa: E402,F401
    AwardDecision,
    AwardEvent,
    AwardEventKind,
    AwardLetter,
    AwardOutcome,
    AwardStatus,
    AwardWinner,
    Contract,
    StandstillException,
    StandstillRule,
    Suspension,
    SuspensionKind,
)
from evaluation.ethics.models import (  # noqa: E402,F401
    EthicalTerms,
    FollowUpEvent,
    FollowUpPlan,
    NoticeEthicalTerms,
    RiskCategory,
)
from evaluation.impartiality.models import ExternalAdviser  # noqa: E402,F401
from evaluation.library.models import (  # noqa: E402,F401
    CriterionTemplate,
    SustainabilityClause,
    TemplateApplication,
)
from evaluation.qualification.models import (  # noqa: E402,F401
    AbnormallyLowAcceptance,
    ClarificationKind,
    ClarificationRequest,
    Rejection,
    RejectionGround,
    RequirementAssessment,
    Verdict,
)
from evaluation.scores.models import (  # noqa: E402,F401
    ConsensusScore,
    IndividualScore,
    PriceEntry,
    ScoreSheet,
)
from evaluation.statistics.models import StatCell, StatCursor, StatNotice  # noqa: E402,F401
