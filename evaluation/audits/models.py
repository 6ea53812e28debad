"""Audits of a follow-up plan's supplier, their findings, corrective actions and sanctions,
and audits shared between authorities (issue 14, points 2 and 3).

An audit belongs to the follow-up plan (evaluation.ethics.FollowUpPlan) of one contract, so
its supplier is the contract's supplier and its owner the contract's buyer. Every step is a
FollowUpEvent on that plan (who, when, why), with the kinds of `AuditEventKind`; relying on
another authority's audit is an AUDIT_RELIED_ON event on the relying plan.

Statuses change only in evaluation/audits/transitions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from evaluation.ethics.models import FollowUpEventKind, FollowUpPlan
from notices.rules.models import DatedRule


class AuditKind(models.TextChoices):
    DESK = "desk", _("Desk audit")
    ON_SITE = "on_site", _("On-site audit")


class AuditPerformer(models.TextChoices):
    OWN_STAFF = "own_staff", _("Own staff")
    THIRD_PARTY = "third_party", _("Third party")


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class ActionStatus(models.TextChoices):
    # The buyer requires a corrective action for a finding; the supplier proposes how; the
    # buyer accepts or rejects the proposal (a rejected one is proposed again). An accepted
    # action is open until it is closed: the supplier reports it done (a completion report)
    # and the buyer accepts the report (closed) or asks for more (open again); or the buyer
    # closes it with a note of how it was verified.
    REQUESTED = "requested", _("Awaiting the supplier's plan")
    PROPOSED = "proposed", _("Plan proposed")
    ACCEPTED = "accepted", _("Plan accepted")
    REJECTED = "rejected", _("Plan rejected")
    REPORTED = "reported", _("Reported done, awaiting the buyer")
    CLOSED = "closed", _("Closed")


class ClosedVia(models.TextChoices):
    NOTE = "note", _("Closed by the buyer with a note")
    REPORT = "report", _("Closed on the supplier's completion report")


class SanctionKind(models.TextChoices):
    REMEDY = "remedy", _("Demand to remedy")
    SUSPEND_ALL = "suspend_all", _("Temporary suspension of all deliveries")
    SUSPEND_PART = "suspend_part", _("Temporary suspension of part of the deliveries")
    CHANGE_SUBCONTRACTOR = "change_subcontractor", _("Demand to change a subcontractor")
    TERMINATION = "termination", _("Termination of the contract")


class AuditEventKind(models.TextChoices):
    """The audit steps on FollowUpEvent (a table of evaluation.ethics). Stored and read by
    the protocol: never rename one. Completion and reliance are the ethics enumeration's own
    kinds, so the follow-up statistics count them."""

    PLANNED = "audit.planned", _("Audit planned")
    COMPLETED = FollowUpEventKind.AUDIT_COMPLETED.value, _("Audit completed")
    CANCELLED = "audit.cancelled", _("Audit cancelled")
    FINDING = "audit.finding", _("Audit finding recorded")
    ACTION_REQUESTED = "audit.action_requested", _("Corrective action required")
    ACTION_PROPOSED = "audit.action_proposed", _("Corrective action plan proposed")
    ACTION_ACCEPTED = "audit.action_accepted", _("Corrective action plan accepted")
    ACTION_REJECTED = "audit.action_rejected", _("Corrective action plan rejected")
    ACTION_CLOSED = "audit.action_closed", _("Corrective action closed")
    ACTION_COMPLETION_REPORTED = ("audit.action_completion_reported",
                                  _("Corrective action reported done"))
    ACTION_COMPLETION_ACCEPTED = ("audit.action_completion_accepted",
                                  _("Completion report accepted, corrective action closed"))
    ACTION_COMPLETION_RETURNED = ("audit.action_completion_returned",
                                  _("Completion report returned: more is needed"))
    SANCTION = "audit.sanction", _("Sanction imposed")
    SHARED = "audit.shared", _("Audit shared with another authority")
    SUMMARY_PUBLISHED = "audit.summary_published", _("Audit summary published")
    RELIED_ON = FollowUpEventKind.AUDIT_RELIED_ON.value, _("Shared audit relied on")


class Audit(models.Model):
    plan = models.ForeignKey(FollowUpPlan, on_delete=models.PROTECT, related_name="audits")
    kind = models.CharField(_("kind"), max_length=12, choices=AuditKind.choices)
    performed_by = models.CharField(_("performed by"), max_length=12,
                                    choices=AuditPerformer.choices)
    # The third party's name (an audit firm); empty when the authority's own staff audit.
    auditor_name = models.CharField(_("auditor"), max_length=200, blank=True)
    planned_on = models.DateField(_("planned date"))
    purpose = models.TextField(_("purpose"), max_length=5000)
    status = models.CharField(_("status"), max_length=12, choices=AuditStatus.choices,
                              default=AuditStatus.PLANNED)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=20000, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)
    # Nothing is public until the owning authority publishes a summary; only that text is.
    public_summary = models.TextField(_("public summary"), max_length=5000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)

    class Meta:
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["status", "completed_on"])]

    def __str__(self) -> str:
        return f"audit {self.pk} of plan {self.plan_id}"

    @property
    def stage_label(self) -> str:
        """The status as the pages name it: a planned audit with a recorded finding is under
        way, though it stays `planned` until the buyer completes or cancels it."""
        if self.status == AuditStatus.PLANNED and self.findings.exists():
            return str(_("In progress"))
        return str(self.get_status_display())


class Finding(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("description"), max_length=20000)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.severity} finding {self.pk}"


class CorrectiveAction(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    requirement = models.TextField(_("what must be corrected"), max_length=20000)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.REQUESTED)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # The supplier's latest plan (earlier ones stay in the events).
    proposal = models.TextField(_("the supplier's plan"), max_length=20000, blank=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    # The buyer's latest answer (accepted or rejected, and why), then the closing note.
    answer = models.TextField(_("the buyer's answer"), max_length=20000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    close_note = models.TextField(_("how it was done"), max_length=20000, blank=True)
    closed_via = models.CharField(_("closed"), max_length=8, choices=ClosedVia.choices,
                                  blank=True)
    # The supplier's latest completion report (earlier ones stay in the events), and the
    # buyer's latest answer to one (why more is needed, or a note on accepting it).
    completion_report = models.TextField(_("completion report"), max_length=20000, blank=True)
    completion_reported_at = models.DateTimeField(null=True, blank=True)
    completion_reported_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                               on_delete=models.PROTECT, related_name="+",
                                               null=True, blank=True)
    completion_late = models.BooleanField(_("reported after the deadline"), default=False)
    completion_answer = models.TextField(_("the buyer's answer to the report"),
                                         max_length=20000, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"corrective action {self.pk} ({self.status})"


class Sanction(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(_("sanction"), max_length=24, choices=SanctionKind.choices)
    reason = models.TextField(_("reason"), max_length=20000)
    # Which part is suspended, which subcontractor is to go; empty for the others.
    details = models.TextField(_("details"), max_length=5000, blank=True)
    imposed_at = models.DateTimeField()
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} on audit {self.audit_id}"


class AuditShare(models.Model):
    """The owning authority shared the audit and its findings with another authority that
    holds a follow-up plan with the same supplier in the same high-risk category."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="shares")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["audit", "organization"],
                                               name="audit_share_once")]

    def __str__(self) -> str:
        return f"audit {self.audit_id} shared with {self.organization_id}"


class AuditReliance(models.Model):
    """Another authority relies on a shared audit for its own plan instead of auditing."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="reliances")
    plan = models.ForeignKey(FollowUpPlan, on_delete=models.PROTECT, related_name="reliances")
    reason = models.TextField(_("reason"), max_length=5000)
    relied_at = models.DateTimeField()
    relied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["audit", "plan"],
                                               name="audit_reliance_once")]

    def __str__(self) -> str:
        return f"plan {self.plan_id} relies on audit {self.audit_id}"


class RelianceRule(DatedRule):
    """How old a shared audit may be for another authority to rely on it (issue 14: "at most
    3 years old"), as in force from `valid_from`. Seeded by evaluation/0015; staff add a row
    with its own valid_from when the rule changes. Read by
    evaluation.audits.selectors.reliance_rule_for, decided against the database clock."""

    max_age_years = models.PositiveSmallIntegerField(_("maximum age of the audit (years)"))

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("audit reliance rule")
        verbose_name_plural = _("audit reliance rules")

    def __str__(self) -> str:
        return f"reliance from {self.valid_from}: {self.max_age_years} years"
