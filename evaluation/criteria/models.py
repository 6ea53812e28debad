"""The evaluation model of a notice: what is asked of suppliers and how offers are compared.

Written while the notice is a draft (or through a change notice before the deadline), frozen
into the published NoticeVersion, and read by the committee after opening. Rows hang off the
notice with a lot *number* rather than a key to notices.Lot, because the notice services
replace the lot rows whenever lots are edited; lot number 0 is the whole procurement of a
notice without lots.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from notices.rules.models import DatedRule


class AwardBasis(models.TextChoices):
    """FOA § 18-1 / § 30-1: what decides the award."""

    LOWEST_PRICE = "lowest_price", _("Lowest price")
    LOWEST_COST = "lowest_cost", _("Lowest cost")
    BEST_RATIO = "best_ratio", _("Best price-quality ratio")


class CriterionKind(models.TextChoices):
    PRICE = "price", _("Price")
    COST = "cost", _("Cost")
    QUALITY = "quality", _("Quality")
    CLIMATE = "climate", _("Climate and environment")


class ScoringMethod(models.TextChoices):
    """How a criterion turns into points (0-10); the formulas live in evaluation.scoring."""

    PRICE_LINEAR = "price_linear", _("Price, linear: 10 − 10 × (P − Pmin) / Pmin")
    PRICE_PROPORTIONAL = "price_proportional", _("Price, proportional: 10 × Pmin / P")
    PRICE_MINMAX = "price_minmax", _("Price, linear between the lowest and the highest price")
    POINTS = "points", _("Points 0-10 on a described scale")
    PRICED_QUALITY = "priced_quality", _("Priced quality: each quality point is worth NOK")


class LotAwardTerms(models.Model):
    """Per lot: the award basis, whether criteria are weighted or ranked by priority, and the
    climate and environment declaration (FOA § 7-9) with its justification."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="award_terms")
    lot_number = models.PositiveSmallIntegerField(_("lot number"), default=0)
    basis = models.CharField(_("award basis"), max_length=16, choices=AwardBasis.choices,
                             default=AwardBasis.BEST_RATIO)
    by_priority = models.BooleanField(
        _("criteria in order of priority instead of weights"), default=False)
    # A code of the Norwegian eForms list award-criterion-type (quality-nor-env-*); which codes
    # are allowed, and the minimum weight, come from the dated climate rule rows.
    climate_option = models.CharField(_("climate and environment"), max_length=48, blank=True)
    climate_justification = models.TextField(_("justification"), blank=True)

    class Meta:
        ordering = ["notice", "lot_number"]
        constraints = [models.UniqueConstraint(fields=["notice", "lot_number"],
                                               name="lot_award_terms_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id} lot {self.lot_number}: {self.basis}"


class AwardCriterion(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="award_criteria")
    lot_number = models.PositiveSmallIntegerField(_("lot number"), default=0)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("type"), max_length=16, choices=CriterionKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Percent; the weights of a lot sum to 100. Null when the lot ranks by priority.
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, null=True,
                                 blank=True)
    priority = models.PositiveSmallIntegerField(_("priority (1 = most important)"), null=True,
                                                blank=True)
    method = models.CharField(_("scoring method"), max_length=24, choices=ScoringMethod.choices)
    # For points: what 0, 5 and 10 mean (the described scale the committee scores against).
    scale = models.TextField(_("scale"), blank=True)
    # Priced quality: the NOK value of one point of this quality criterion.
    nok_per_point = models.DecimalField(_("NOK per point"), max_digits=14, decimal_places=2,
                                        null=True, blank=True)
    # [{"name", "description", "weight"}]: sub-criteria, weights in % of the criterion.
    sub_criteria = models.JSONField(_("sub-criteria"), default=list, blank=True)

    class Meta:
        ordering = ["notice", "lot_number", "position"]
        constraints = [models.UniqueConstraint(fields=["notice", "lot_number", "position"],
                                               name="award_criterion_position_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight if self.weight is not None else self.priority})"


class RequirementCategory(models.TextChoices):
    """Exclusion grounds (FOA § 24-2) and the three kinds of qualification requirement."""

    EXCLUSION = "exclusion", _("Exclusion ground")
    SUITABILITY = "suitability", _("Suitability to pursue the professional activity")
    ECONOMIC = "economic", _("Economic and financial standing")
    TECHNICAL = "technical", _("Technical and professional ability")


class QualificationRequirement(models.Model):
    """An exclusion ground or a qualification requirement, with the documentation asked for.

    `espd_code` is the ESPD-EDM criterion it maps to (criterion UUID or code from
    ../shared/standards/espd/criterion), so the ESPD request can be generated from it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE,
                               related_name="qualification_requirements")
    # Null: applies to every lot.
    lot_number = models.PositiveSmallIntegerField(_("lot number"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    category = models.CharField(_("category"), max_length=16,
                                choices=RequirementCategory.choices)
    espd_code = models.CharField(_("ESPD criterion"), max_length=64, blank=True)
    title = models.CharField(_("requirement"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    documentation = models.TextField(_("documentation asked for"), blank=True)

    class Meta:
        ordering = ["notice", "position"]
        constraints = [models.UniqueConstraint(fields=["notice", "position"],
                                               name="qualification_requirement_position_unique")]

    def __str__(self) -> str:
        return self.title


class ClimateOptionMeans(models.TextChoices):
    """What a climate and environment declaration (a quality-nor-env-* code) says."""

    CRITERIA = "criteria", _("Climate and environment award criteria")
    SPEC = "spec", _("Climate and environment requirements in the specification")
    EXEMPT = "exempt", _("An exemption from the rule")


class ClimateRule(DatedRule):
    """FOA § 7-9 (climate and environment) as in force from `valid_from`: decided by the rule
    in force on the publication date, for procurements from `min_value`.

    `options` are the declarations a notice may carry, as the Norwegian eForms code list
    award-criterion-type gives them for the period: a list of
    {"code": "quality-nor-env-…", "means": criteria|spec|exempt, "justification": bool,
     "label_en": "…", "label_nb": "…", "paragraph": "§ 7-9 (…)"}.
    Seeded by evaluation/migrations/0003_climate_rule.py; docs/evaluation.md gives the source
    of each row.
    """

    min_value = models.DecimalField(_("applies from (NOK, excl. VAT)"), max_digits=14,
                                    decimal_places=2)
    min_weight = models.DecimalField(_("minimum weight of climate and environment (%)"),
                                     max_digits=5, decimal_places=2)
    top_priorities = models.PositiveSmallIntegerField(
        _("or among this many most important criteria, where criteria are ranked"))
    options = models.JSONField(_("declarations allowed"), default=list)

    class Meta:
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"FOA § 7-9 from {self.valid_from}: {self.min_weight} %"
