"""Prices, individual scores and consensus scores of a lot evaluation.

- `PriceEntry`: the price (or cost) of one offer for one price/cost criterion, entered once by
  an evaluator with the document it was read from, or read from the bid's structured price
  form (docs/price-form.md). A correction replaces the value with a reason; the events keep
  every value.
- `ScoreSheet` and `IndividualScore`: each committee member's own points and written reasons
  per offer and points criterion. Blind: until every member has submitted (the evaluation has
  left `scoring`), nobody but the author sees a sheet (evaluation/scores/selectors.py). A
  submitted sheet is locked for good.
- `ConsensusScore`: the committee's agreed points per offer and criterion with the written
  justification, recorded in `consensus`; the ranking is computed from them.

The tables hang off `LotEvaluation`; offers are `bids.Submission`s, criteria the published
`AwardCriterion` rows. Nothing here has a status of its own: the evaluation's status (owned by
evaluation/transitions.py) decides what may be written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bids.models import Submission
from evaluation.criteria.models import AwardCriterion
from evaluation.models import LotEvaluation


class PriceSource(models.TextChoices):
    ENTERED = "entered", _("Entered by an evaluator")
    PRICE_FORM = "price_form", _("Read from the bid's price form")


class PriceEntry(models.Model):
    evaluation = models.ForeignKey(LotEvaluation, on_delete=models.PROTECT,
                                   related_name="prices")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (NOK)"), max_digits=16, decimal_places=2)
    # The file of the opened bid the amount was read from (and where in it, in words).
    document = models.CharField(_("document"), max_length=300)
    location = models.CharField(_("where in the document"), max_length=300, blank=True)
    source = models.CharField(max_length=16, choices=PriceSource.choices,
                              default=PriceSource.ENTERED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["evaluation", "criterion__position", "submission__created_at"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "submission", "criterion"],
                                               name="price_entry_unique")]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.criterion_id}: {self.amount}"


class ScoreSheet(models.Model):
    """One member's scores for one lot; `submitted_at` set = locked."""

    evaluation = models.ForeignKey(LotEvaluation, on_delete=models.PROTECT,
                                   related_name="score_sheets")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "member"],
                                               name="score_sheet_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.evaluation_id}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class IndividualScore(models.Model):
    """A member's points (0 to the criterion's maximum) and reason; a draft may lack either."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="scores")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, null=True,
                                 blank=True)
    reason = models.TextField(_("reason"), max_length=5000, blank=True)

    class Meta:
        ordering = ["sheet", "criterion__position", "submission__created_at"]
        constraints = [models.UniqueConstraint(fields=["sheet", "submission", "criterion"],
                                               name="individual_score_unique")]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.submission_id} {self.criterion_id}: {self.points}"


class ConsensusScore(models.Model):
    evaluation = models.ForeignKey(LotEvaluation, on_delete=models.PROTECT,
                                   related_name="consensus_scores")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    justification = models.TextField(_("justification"), max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["evaluation", "criterion__position", "submission__created_at"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "submission", "criterion"],
                                               name="consensus_score_unique")]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.criterion_id}: {self.points}"
