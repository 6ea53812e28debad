"""The end of a procurement, per lot: the award decision and its letters, the standstill
period (karensperiode) with its dated rules and suspensions, and the contract.

- AwardDecision: proposed from the ranking, written as a draft, sent to every bidder of the
  lot at one moment (one AwardLetter per bid, frozen), withdrawn with a reason and replaced
  by a new one; all are kept. Status: draft -> sent -> withdrawn (evaluation/award/transitions).
- StandstillRule: dated rows per regime (FOA § 25-2): whether a standstill applies and its
  length. The end is computed once, when the letters are sent, and stored on the decision.
- Suspension: a complaint or court injunction recorded against a lot; signing waits until
  every suspension of the lot is lifted.
- Contract: recorded after the standstill end (database clock, row lock), with the signed
  document's SHA-256. One per winning supplier (a framework with several suppliers has several).
- AwardEvent: the append-only record of all of it, read by the procurement protocol.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from backend.events import Event
from bids.models import Submission
from notices.models import Notice
from notices.rules.models import DatedRule, Regime


class AwardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AwardOutcome(models.TextChoices):
    WINNER = "winner", _("Contract awarded to one supplier")
    FRAMEWORK = "framework", _("Framework agreement with several suppliers")
    NO_AWARD = "no_award", _("No award (all offers rejected or none suitable)")


class StandstillException(models.TextChoices):
    """Where FOA § 25-2 (3) lets the authority sign without a standstill period; the officer
    records the justification."""

    NONE = "", _("No exception: the standstill period applies")
    SINGLE_BIDDER = "single_bidder", _(
        "Only one supplier took part, and no candidates are concerned")
    CALL_OFF = "call_off", _("Call-off under a framework agreement")
    DPS = "dps", _("Contract under a dynamic purchasing system")
    URGENCY = "urgency", _("Negotiated procedure without notice because of urgency")


class AwardDecision(models.Model):
    """The award decision for one lot (lot number 0: a notice without lots)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="award_decisions")
    evaluation = models.ForeignKey("evaluation.LotEvaluation", on_delete=models.PROTECT,
                                   related_name="award_decisions")
    lot_number = models.PositiveSmallIntegerField(_("lot number"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=AwardStatus.choices,
                              default=AwardStatus.DRAFT)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AwardOutcome.choices,
                               default=AwardOutcome.WINNER)
    # The letter as the officer wrote it, pre-filled from the committee's recorded reasons
    # (winner, scores side by side, relative advantages per criterion, the justification of
    # a higher price, the standstill end, how to complain). Frozen into AwardLetter on send.
    letter_text = models.TextField(_("letter"), blank=True)
    # Why a winner that is not the cheapest offer is the better buy (FOA § 25-1 (1)):
    # required before sending when some winner's price is above the lowest offered price.
    price_justification = models.TextField(_("justification of a higher price"), blank=True)
    no_award_reason = models.TextField(_("reason for not awarding"), blank=True)
    standstill_exception = models.CharField(
        _("exception from the standstill period"), max_length=16, blank=True,
        choices=StandstillException.choices, default=StandstillException.NONE)
    standstill_justification = models.TextField(_("justification of the exception"),
                                                blank=True)
    # Set when sent, from the StandstillRule in force: number of days (0: none applies) and
    # the instant from which the contract may be signed (Europe/Oslo midnight, stored in UTC).
    standstill_days = models.PositiveSmallIntegerField(null=True, blank=True)
    standstill_end = models.DateTimeField(_("end of the standstill period"), null=True,
                                          blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    withdraw_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        ordering = ["notice", "lot_number", "created_at"]
        constraints = [
            # At most one live (draft or sent) decision per lot; withdrawn ones are history.
            models.UniqueConstraint(fields=["notice", "lot_number"],
                                    condition=~models.Q(status="withdrawn"),
                                    name="award_decision_one_live_per_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} lot {self.lot_number}: {self.outcome} ({self.status})"


class AwardWinner(models.Model):
    """A winning bid of a decision (several for a framework with several suppliers)."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT,
                                 related_name="winners")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    # The offered price that the contract value starts from (NOK excl. VAT), if known.
    value = models.DecimalField(_("value (NOK, excl. VAT)"), max_digits=14, decimal_places=2,
                                null=True, blank=True)

    class Meta:
        ordering = ["decision", "rank"]
        constraints = [models.UniqueConstraint(fields=["decision", "submission"],
                                               name="award_winner_unique")]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.rank}. {self.supplier_id}"


class AwardLetter(models.Model):
    """The letter one bidder received, frozen at sending: the same moment for all bidders of
    the lot (one transaction). The PDF is rendered from `text` on demand, and its SHA-256
    is kept so that a copy can be checked."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="letters")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # Withdrawal notices are letters too: kind says which.
    kind = models.CharField(max_length=16, default="award",
                            choices=[("award", _("Award letter")),
                                     ("withdrawal", _("Withdrawal of the award decision"))])
    language = models.CharField(max_length=8, default="nb")
    subject = models.CharField(max_length=300)
    text = models.TextField()
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["decision", "sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.decision_id} to {self.supplier_id}"


class StandstillRule(DatedRule):
    """FOA § 25-2 as in force from `valid_from`, per regime: whether a standstill period
    applies and its length in days, counted from the day after the letters are sent.
    Seeded by the migration; staff edit rows in the admin when the law changes."""

    regime = models.CharField(_("regime"), max_length=8, choices=Regime.choices)
    applies = models.BooleanField(_("standstill period applies"))
    days = models.PositiveSmallIntegerField(_("length (days)"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["regime", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.regime} from {self.valid_from}: {self.days if self.applies else '-'}"


class SuspensionKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint to the contracting authority")
    KOFA = "kofa", _("Complaint to KOFA")
    INJUNCTION = "injunction", _("Court injunction (midlertidig forføyning)")


class Suspension(models.Model):
    """A complaint or injunction that suspends signing for a lot until it is lifted."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="suspensions")
    lot_number = models.PositiveSmallIntegerField(_("lot number"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=SuspensionKind.choices)
    complainant = models.CharField(_("from"), max_length=200)
    description = models.TextField(_("description"))
    received_on = models.DateField(_("received"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    lift_reason = models.TextField(_("how it was resolved"), blank=True)

    class Meta:
        ordering = ["notice", "lot_number", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.notice_id} lot {self.lot_number}"


class Contract(models.Model):
    """The signed contract with one supplier for one lot."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="contracts")
    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT,
                                 related_name="contracts")
    lot_number = models.PositiveSmallIntegerField(_("lot number"), default=0)
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    value = models.DecimalField(_("value (NOK, excl. VAT)"), max_digits=14, decimal_places=2)
    signed_on = models.DateField(_("signed"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True,
                                                       blank=True)
    options = models.TextField(_("options and extensions"), blank=True)
    document = models.FileField(_("signed document"), upload_to="contracts/%Y/", blank=True)
    document_name = models.CharField(max_length=300, blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the signed document"), max_length=64,
                                       blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["notice", "lot_number", "recorded_at"]
        constraints = [models.UniqueConstraint(fields=["decision", "supplier"],
                                               name="contract_one_per_winner")]

    def __str__(self) -> str:
        return f"{self.notice_id} lot {self.lot_number}: {self.supplier_id} {self.value}"


class AwardEventKind(models.TextChoices):
    """What happens after the ranking. Stored and read by the procurement protocol: never
    rename one."""

    DRAFTED = "award.drafted", _("Award decision drafted")
    SENT = "status.award_sent", _("Award decision sent to the bidders")
    WITHDRAWN = "status.award_withdrawn", _("Award decision withdrawn")
    SUSPENDED = "standstill.suspended", _("Complaint or injunction recorded; signing suspended")
    SUSPENSION_LIFTED = "standstill.lifted", _("Suspension lifted")
    CONTRACT_SIGNED = "contract.signed", _("Contract recorded")
    AWARD_NOTICE_PUBLISHED = "award_notice.published", _("Award notice published")
    CANCELLED = "procurement.cancelled", _("Procurement cancelled")


class AwardEvent(Event):
    """Append-only record of the award, standstill, contract and cancellation."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="award_events")
    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="events")
    kind = models.CharField(max_length=64, choices=AwardEventKind.choices)
