"""API shapes of the evaluation model. They describe the JSON (and the OpenAPI document); the
services check what it means and name each field at fault (`lots[0].criteria[2].weight`)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from evaluation.criteria.models import (
    AwardBasis,
    CriterionKind,
    RequirementCategory,
    ScoringMethod,
)


class SubCriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="What the sub-criterion assesses.")
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        help_text="What is asked for and how it is assessed.")
    weight = serializers.CharField(
        required=False, allow_null=True, default=None,
        help_text="Percent of the criterion, up to two decimals (\"60\" or \"62.5\"). Give "
                  "every sub-criterion a weight that together add up to 100, or none.")


class CriterionSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True,
                                        help_text="1, 2, …: the order on the notice.")
    kind = serializers.ChoiceField(
        choices=CriterionKind.choices,
        help_text="price, cost, quality, or climate (climate and environment, FOA § 7-9).")
    name = serializers.CharField(max_length=200, help_text="The criterion as the notice "
                                                            "names it.")
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        help_text="What is assessed and the documentation "
                                                  "asked for.")
    method = serializers.ChoiceField(
        choices=ScoringMethod.choices,
        help_text="How the criterion becomes points. price and cost: price_linear "
                  "(10 − 10 × (P − Pmin)/Pmin, may go negative), price_proportional "
                  "(10 × Pmin/P), price_minmax (linear between the lowest and the highest "
                  "price), or priced_quality (the offered price of a priced-quality model). "
                  "quality and climate: points (0-10 on the described scale).")
    weight = serializers.CharField(
        required=False, allow_null=True, default=None,
        help_text="Percent, above 0 and at most 100, up to two decimals (\"40\", \"29.99\"). "
                  "The weights of a lot add up to exactly 100. Null when the lot ranks its "
                  "criteria by priority or uses priced quality.")
    priority = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="1 = most important. Only when the lot has by_priority: the criteria are "
                  "numbered 1..n, each number once.")
    scale = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="For points: what earns 0, 5 and 10 points (required for points).")
    nok_per_point = serializers.CharField(
        required=False, allow_null=True, default=None,
        help_text="Priced quality only, on each quality and climate criterion: the value in "
                  "NOK of one point, deducted from the offered price.")
    sub_criteria = SubCriterionSerializer(many=True, required=False, default=list,
                                          help_text="Optional, at most 10.")


class LotModelSerializer(serializers.Serializer):
    lot_number = serializers.IntegerField(
        help_text="The lot's number; 0 for a notice without lots.")
    basis = serializers.ChoiceField(
        choices=AwardBasis.choices, required=False, default=AwardBasis.BEST_RATIO,
        help_text="lowest_price (one price criterion), lowest_cost (one price or cost "
                  "criterion) or best_ratio (the best price-quality ratio).")
    by_priority = serializers.BooleanField(
        required=False, default=False,
        help_text="The criteria are ranked 1..n instead of weighted.")
    ranking = serializers.CharField(read_only=True,
                                    help_text="\"weights\" or \"priority\" (as frozen).")
    climate_option = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="The climate and environment declaration (FOA § 7-9): a code of the "
                  "Norwegian eForms list award-criterion-type allowed by the rule in force on "
                  "the publication date, e.g. quality-nor-env-criteria, quality-nor-env-spec, "
                  "quality-nor-env-exempt-insignificant (from 2026-07-01), "
                  "quality-nor-env-none (until 2026-06-30).")
    climate_justification = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="Required for requirements in the specification, for every exemption, and "
                  "for climate criteria in a priced-quality model.")
    criteria = CriterionSerializer(many=True, help_text="At least one, at most 20.")


class RequirementSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True)
    lot_number = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          help_text="Null: applies to every lot.")
    category = serializers.ChoiceField(
        choices=RequirementCategory.choices,
        help_text="exclusion (an exclusion ground), suitability, economic (economic and "
                  "financial standing) or technical (technical and professional ability).")
    espd_code = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="The ESPD-EDM criterion (code or UUID) it "
                                                "maps to, for the ESPD request.")
    title = serializers.CharField(max_length=300, help_text="The requirement.")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    documentation = serializers.CharField(help_text="The documentation the supplier gives.")


class EvaluationModelSerializer(serializers.Serializer):
    notice = serializers.IntegerField(help_text="The notice's id.")
    frozen = serializers.BooleanField(
        help_text="True once published: the model below is the one frozen in `version`.")
    version = serializers.IntegerField(allow_null=True,
                                       help_text="The published version carrying this model.")
    sha256 = serializers.CharField(help_text="SHA-256 (hex) of the model's canonical JSON "
                                             "(sorted keys, no whitespace, UTF-8).")
    lots = LotModelSerializer(many=True)
    requirements = RequirementSerializer(many=True)


class EvaluationModelInputSerializer(serializers.Serializer):
    lots = LotModelSerializer(many=True, help_text="Every lot with a model; a lot left out "
                                                   "loses its model.")
    requirements = RequirementSerializer(many=True, required=False, default=list,
                                         help_text="All the requirements (replaced whole).")


class EvaluationModelChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000,
                                   help_text="Why the model changes; published with the "
                                             "change notice.")
    lots = LotModelSerializer(many=True, required=False,
                              help_text="The lots whose model changes, each replaced whole.")
    requirements = RequirementSerializer(many=True, required=False,
                                         help_text="When given, replaces all requirements.")


class OfferInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="A label for the offer (\"A\").")
    values = serializers.DictField(
        child=serializers.FloatField(),
        help_text="Criterion position (\"1\", \"2\", …) -> the price or cost in NOK, or the "
                  "points (0-10).")


class SimulationInputSerializer(serializers.Serializer):
    lot_number = serializers.IntegerField(required=False, default=0)
    offers = OfferInputSerializer(many=True, help_text="1 to 50 hypothetical offers.")


class SimulationRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    rank = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True),
                                   help_text="Criterion position -> score out of 10 (null for "
                                             "the price of a priced-quality model).")
    total = serializers.FloatField(allow_null=True, help_text="Weighted total (weights only).")
    evaluated_price = serializers.FloatField(allow_null=True,
                                             help_text="Priced quality only.")
    price = serializers.FloatField(allow_null=True)


class SimulationSerializer(serializers.Serializer):
    lot_number = serializers.IntegerField()
    basis = serializers.CharField()
    mode = serializers.CharField(help_text="weighted, priority, priced_quality or "
                                           "lowest_amount.")
    rows = SimulationRowSerializer(many=True, help_text="In rank order.")
    tie_break_notes = serializers.ListField(child=serializers.CharField())
    tie_break_rule = serializers.CharField()


def api_model(model: dict[str, Any]) -> dict[str, Any]:
    """The canonical model in the API's shape: every field present (null where unset) and
    by_priority as a boolean, so a client can GET, edit and PUT it back."""
    lots = []
    for lot in model.get("lots") or []:
        lots.append({**lot, "by_priority": lot.get("ranking") == "priority", "criteria": [
            {"weight": None, "priority": None, "nok_per_point": None, **c}
            for c in lot.get("criteria") or []]})
    requirements = [{"lot_number": None, **r} for r in model.get("requirements") or []]
    return {"lots": lots, "requirements": requirements}
