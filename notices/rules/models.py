"""Procurement rules as dated rows: thresholds and minimum deadlines.

Rows are seeded by a data migration and edited by staff in the admin when the law changes
(new thresholds every second year); code never holds these numbers.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Regime(models.TextChoices):
    BELOW = "below", _("Below NOK 100,000 (no duty to announce)")
    PART_I = "part1", _("Part I (below the national threshold)")
    PART_II = "part2", _("Part II (national procedure)")
    PART_III = "part3", _("Part III (EEA procedure)")


class ThresholdKind(models.TextChoices):
    PROTOCOL_FLOOR = "floor", _("Lower limit for the regulation's procedural rules")
    NATIONAL = "national", _("National threshold")
    EEA = "eea", _("EEA threshold")


class ContractCategory(models.TextChoices):
    """The categories thresholds are set for (FOA § 5-3, FOSA § 5-3)."""

    GOODS_SERVICES = "goods_services", _("Goods and services")
    WORKS = "works", _("Building and construction works")
    SOCIAL = "social", _("Health, social and other specific services")


class DatedRule(models.Model):
    """A rule row in force from `valid_from` (to `valid_to`, open-ended when blank), with the
    legal source it was taken from."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("legal source"), max_length=200, blank=True)

    class Meta:
        abstract = True


class Threshold(DatedRule):
    kind = models.CharField(_("kind"), max_length=16, choices=ThresholdKind.choices)
    # Blank means "any": the national threshold applies to every buyer and contract type.
    buyer_type = models.CharField(_("buyer type"), max_length=16, blank=True)
    category = models.CharField(_("contract category"), max_length=16, blank=True,
                                choices=ContractCategory.choices)
    amount = models.DecimalField(_("amount (NOK, excl. VAT)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["kind", "buyer_type", "category", "-valid_from"]

    def __str__(self) -> str:
        scope = f"{self.buyer_type or '*'}/{self.category or '*'}"
        return f"{self.get_kind_display()} {scope}: {self.amount}"


class DeadlinePhase(models.TextChoices):
    TENDER = "tender", _("tenders")
    REQUEST = "request", _("requests to participate")


class DeadlineRule(DatedRule):
    """Minimum days from publication to a deadline, per regime and procedure."""

    regime = models.CharField(_("regime"), max_length=8, choices=Regime.choices)
    procedure_type = models.CharField(_("procedure"), max_length=32)
    phase = models.CharField(_("deadline for"), max_length=8, choices=DeadlinePhase.choices)
    days = models.PositiveSmallIntegerField(_("minimum days"))
    reduced_days = models.PositiveSmallIntegerField(
        _("minimum days after a prior information notice or in urgency"), null=True, blank=True)

    class Meta:
        ordering = ["regime", "procedure_type", "phase", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.regime} {self.procedure_type} {self.phase}: {self.days}"


class LateChangeRule(DatedRule):
    """How close to the tender deadline documents may change or answers appear.

    A change or a published answer less than `days` before the deadline for tenders should
    come with a longer deadline (`reduced_days` for a shortened, accelerated procedure). A row
    with a blank regime applies to every regime without a row of its own.
    """

    regime = models.CharField(_("regime"), max_length=8, choices=Regime.choices, blank=True)
    days = models.PositiveSmallIntegerField(_("days before the deadline for tenders"))
    reduced_days = models.PositiveSmallIntegerField(
        _("days before the deadline in a shortened procedure"), null=True, blank=True)

    class Meta:
        ordering = ["regime", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.regime or '*'} late change: {self.days} days"
