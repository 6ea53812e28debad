"""Ethical trade: high-risk categories, the contract terms, and the follow-up of a contract.

The foundation of issue 14 points 2 and 3, shared by two feature packages:
- `evaluation.ethics` (this package): the terms offered to a notice in a high-risk category,
  and the follow-up plan of a contract (self-report, risk analysis, supply-chain list, the
  buyer's review, reminders);
- `evaluation.audits`: audits, findings, corrective actions, sanctions, and audits shared
  between authorities.

Categories and terms are data rows with dates and versions, never code: a new list or a new
edition of the terms is a new row, and what a notice chose stays what it chose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backend.events import Event
from evaluation.award.models import Contract
from notices.models import Notice


class RiskCategory(models.Model):
    """A product group with a high risk of breaches of human and labour rights in the supply
    chain (DFØ's high-risk list). A notice whose CPV codes start with one of `cpv_prefixes`
    is offered the ethical-trade contract terms."""

    code = models.SlugField(_("code"), max_length=40)
    name_nb = models.CharField(_("name (bokmål)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    cpv_prefixes = models.JSONField(_("CPV prefixes"), default=list)
    source = models.TextField(_("source"), blank=True)
    valid_from = models.DateField(_("valid from"))
    # Null: still in force.
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["code", "-valid_from"]
        verbose_name = _("high-risk category")
        verbose_name_plural = _("high-risk categories")
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"],
                                               name="risk_category_code_from_unique")]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_nb if language[:2] == "nb" else self.name_en

    @property
    def label(self) -> str:
        """The name in the active language, what a page shows (never the code)."""
        return self.name(get_language() or "nb")


class EthicalTerms(models.Model):
    """One edition of the ethical-trade contract terms (after DFØ and Etisk handel Norge's
    standard terms). A new edition is a new row with a higher version."""

    key = models.SlugField(_("key"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title_nb = models.CharField(_("title (bokmål)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_nb = models.TextField(_("text (bokmål)"))
    text_en = models.TextField(_("text (English)"))
    # Months after the contract is signed within which the supplier's self-report is due.
    self_report_months = models.PositiveSmallIntegerField(_("self-report due (months)"),
                                                          default=3)
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("ethical-trade terms")
        verbose_name_plural = _("ethical-trade terms")
        constraints = [models.UniqueConstraint(fields=["key", "version"],
                                               name="ethical_terms_key_version_unique")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def title(self, language: str) -> str:
        return self.title_nb if language[:2] == "nb" else self.title_en

    @property
    def label(self) -> str:
        """The title in the active language, what a page shows (never the key)."""
        return self.title(get_language() or "nb")

    def text(self, language: str) -> str:
        return self.text_nb if language[:2] == "nb" else self.text_en


class NoticeEthicalTerms(models.Model):
    """The terms a notice carries: chosen while the notice is a draft (or changed by a
    corrigendum), part of every published snapshot and, through the notice, of the contract."""

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE,
                                  related_name="ethical_terms")
    terms = models.ForeignKey(EthicalTerms, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField()
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.terms}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class FollowUpPlan(models.Model):
    """The follow-up of one contract under the ethical-trade terms, created when the contract
    is recorded for a notice that carries the terms."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT,
                                    related_name="follow_up")
    terms = models.ForeignKey(EthicalTerms, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices,
                              default=PlanStatus.ACTIVE)
    self_report_due = models.DateField(_("self-report due"))
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "self_report_due"])]

    def __str__(self) -> str:
        return f"follow-up of contract {self.contract_id}"


class FollowUpEventKind(models.TextChoices):
    """Stored and read by the protocol and the statistics: never rename one. The audit
    package (evaluation.audits) writes its own kinds on this same table."""

    PLAN_CREATED = "followup.created", _("Follow-up plan created")
    PLAN_CLOSED = "followup.closed", _("Follow-up plan closed")
    SELF_REPORT_SUBMITTED = "followup.report_submitted", _("Self-report submitted")
    SELF_REPORT_REVIEWED = "followup.report_reviewed", _("Self-report reviewed")
    AUDIT_COMPLETED = "audit.completed", _("Audit completed")
    AUDIT_RELIED_ON = "audit.relied_on", _("Shared audit relied on")


# A follow-up counts as done (statistics) once one of these has happened on its plan.
FOLLOW_UP_DONE_KINDS = (FollowUpEventKind.SELF_REPORT_REVIEWED, FollowUpEventKind.AUDIT_COMPLETED,
                        FollowUpEventKind.AUDIT_RELIED_ON)


class FollowUpEvent(Event):
    """Append-only record of a follow-up: who, when and why for every step."""

    plan = models.ForeignKey(FollowUpPlan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=64)

    class Meta(Event.Meta):
        indexes = [models.Index(fields=["plan", "at"])]

    @property
    def kind_label(self) -> str:
        """The human label of `kind`, in the active language: the table holds this package's
        FollowUpEventKind and the audit package's AuditEventKind, so it is looked up in
        whichever enumeration the kind belongs to (the raw code if in neither)."""
        from evaluation.audits.models import AuditEventKind

        for kinds in (FollowUpEventKind, AuditEventKind):
            if self.kind in kinds.values:
                return str(kinds(self.kind).label)
        return self.kind


class ReportStatus(models.TextChoices):
    """The supplier's self-report: drafted, submitted, then accepted by the buyer or returned
    for more information (and submitted again). Owned by evaluation/ethics/transitions.py."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for review")
    RETURNED = "returned", _("Returned for more information")
    ACCEPTED = "accepted", _("Accepted")


class SelfReport(models.Model):
    """The supplier's self-report on a follow-up plan (one per plan; a returned report is
    edited and submitted again, each submission frozen in its event's data)."""

    plan = models.OneToOneField(FollowUpPlan, on_delete=models.PROTECT,
                                related_name="self_report")
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    policies = models.TextField(_("policy and routines"), blank=True)
    risk_analysis = models.TextField(_("risk analysis"), blank=True)
    # Traceability: [{"name", "country", "produces"}], checked by the services.
    supply_chain = models.JSONField(_("supply chain"), default=list, blank=True)
    # How many times it has been submitted.
    rounds = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The buyer's reason when it asks for more (shown to the supplier).
    review_note = models.TextField(_("review note"), blank=True)

    def __str__(self) -> str:
        return f"self-report of plan {self.plan_id}"
