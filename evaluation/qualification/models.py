"""Qualification after opening: a verdict per bid and requirement, clarification requests to
the supplier, rejections with their legal ground and letter, and the committee's acceptance
of an abnormally low offer after the supplier has explained it.

Bids are Submissions that the opening opened. There is no lot selection on a submission, so
every opened bid counts as an offer on every lot; a verdict is on a requirement (which
applies to one lot or to all), a rejection on the whole bid.

None of these rows has a status column: a clarification is open until it has an answer
(compare-and-swap on `answered_at`), a rejected bid is one with a Rejection row, and the
submission's own status goes to "rejected" through bids.transitions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bids.models import Submission
from evaluation.criteria.models import QualificationRequirement
from notices.models import Notice


class Verdict(models.TextChoices):
    PASS = "pass", _("Meets the requirement")
    FAIL = "fail", _("Does not meet the requirement")


class RequirementAssessment(models.Model):
    """Whether one bid meets one qualification requirement, why, and where it says so."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT,
                                   related_name="assessments")
    requirement = models.ForeignKey(QualificationRequirement, on_delete=models.PROTECT,
                                    related_name="assessments")
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    reason = models.TextField(_("reason"), max_length=5000)
    # The name of a file of the opened bid (OpenedBid.files), or empty.
    document = models.CharField(_("document"), max_length=500, blank=True)
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["submission", "requirement__position", "requirement_id"]
        constraints = [models.UniqueConstraint(fields=["submission", "requirement"],
                                               name="requirement_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.submission_id} / {self.requirement_id}: {self.verdict}"


class ClarificationKind(models.TextChoices):
    CLARIFICATION = "clarification", _("Clarification of the bid")
    MISSING_DOCUMENT = "missing_document", _("Missing or incomplete document")
    ABNORMALLY_LOW = "abnormally_low", _("Explanation of an abnormally low price")


class ClarificationRequest(models.Model):
    """A question (or a request for a missing document) to the supplier, with a deadline
    checked against the database clock when the answer arrives (in the manner of
    FOA § 23-5: the bid itself may not change)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT,
                                   related_name="clarifications")
    kind = models.CharField(_("kind"), max_length=20, choices=ClarificationKind.choices)
    requirement = models.ForeignKey(QualificationRequirement, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    question = models.TextField(_("question"), max_length=5000)
    deadline = models.DateTimeField(_("answer by"))
    asked_at = models.DateTimeField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    answer = models.TextField(_("answer"), max_length=20000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    # An optional document sent with the answer, kept in private storage like opened bids.
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_storage_name = models.CharField(max_length=400, blank=True)
    attachment_size = models.BigIntegerField(null=True, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.submission_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class RejectionGround(models.TextChoices):
    """The legal grounds for rejecting a supplier or a tender. The paragraph each is cited
    under depends on the notice's regime (grounds.py); docs/qualification.md notes the
    sources."""

    LATE = "late", _("The bid was received after the deadline")
    NOT_QUALIFIED = "not_qualified", _("The supplier does not meet the qualification "
                                       "requirements")
    DOCUMENTATION_MISSING = "documentation_missing", _(
        "The supplier has not provided the documentation asked for")
    EXCLUSION_GROUND = "exclusion_ground", _("An exclusion ground applies to the supplier")
    FALSE_INFORMATION = "false_information", _(
        "The supplier has given seriously misleading information")
    SUBSTANTIAL_DEVIATION = "substantial_deviation", _(
        "The bid deviates substantially from the procurement documents")
    AMBIGUITY = "ambiguity", _("The bid has deviations or ambiguities that leave doubt about "
                               "how it is to be understood")
    ABNORMALLY_LOW = "abnormally_low", _("The bid is abnormally low")


class Rejection(models.Model):
    """A rejected bid: the ground, the paragraph cited, the reasons, and the letter exactly
    as it was sent (inbox and e-mail). Scoring skips a rejected bid."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT,
                                      related_name="rejection")
    ground = models.CharField(_("ground"), max_length=32, choices=RejectionGround.choices)
    paragraph = models.CharField(_("legal basis"), max_length=120)
    reasons = models.TextField(_("reasons"), max_length=10000)
    letter_subject = models.CharField(max_length=300)
    letter = models.TextField()
    rejected_at = models.DateTimeField()
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["rejected_at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id} rejected ({self.ground})"


class AbnormallyLowAcceptance(models.Model):
    """The committee accepted an offer that was flagged as abnormally low, after the supplier
    explained the price; with the committee's reason. (A rejection is a Rejection with the
    ground abnormally_low.)"""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    evaluation = models.ForeignKey("evaluation.LotEvaluation", on_delete=models.PROTECT,
                                   related_name="abnormally_low_acceptances")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=5000)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "submission"],
                                               name="abnormally_low_acceptance_unique")]

    def __str__(self) -> str:
        return f"{self.submission_id} accepted on lot evaluation {self.evaluation_id}"
