"""Thin DRF views of a lot's prices, blind individual scores, consensus and ranking.

Every route goes through `selectors.evaluation_for_work` (404 to whoever takes no part in
the evaluation, 403 to an evaluator with a conflict of interest or no declaration yet), then
a service or a selector. Individual scores are blind: until every member has submitted, the
scores page returns only the caller's own sheet, and `sheets` and `divergences` are empty.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import request_user
from backend.errors import Forbidden
from backend.schema import errors
from evaluation import permissions
from evaluation.criteria.models import AwardCriterion
from evaluation.models import EvaluationStatus, LotEvaluation
from evaluation.scores import selectors, services
from evaluation.scores.models import ConsensusScore, IndividualScore, PriceEntry, ScoreSheet

TEXT = services.MAX_TEXT


def _evaluation(request: Request, notice_id: int, lot: int) -> LotEvaluation:
    return selectors.evaluation_for_work(notice_id=notice_id, lot_number=lot,
                                         user=request.user)


def _need_scorer(request: Request, evaluation: LotEvaluation) -> None:
    """403 before the body is read: only cleared committee members score."""
    if not permissions.is_scoring_member(request.user, evaluation.notice):
        raise Forbidden(_("Only committee members who have declared their impartiality score "
                          "the offers."))


# --- serializers ---------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True,
                      "example": "7.5"})
class NumberOrTextField(serializers.Field):
    """A number, or a string such as "7,5" or "1 250 000,50"; the service parses it."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not (data is None or isinstance(data, int | float | str)):
            raise serializers.ValidationError(_("A number, or a number written as text."))
        if isinstance(data, str) and len(data) > 40:
            raise serializers.ValidationError(_("At most 40 characters."))
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class OfferSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk", help_text="The submission id of the offer.")
    supplier = serializers.CharField(source="supplier.name")
    files = serializers.SerializerMethodField(help_text="File names of the opened bid.")
    price_form = serializers.SerializerMethodField(
        help_text="The bid's structured price form (prices.json or price-form.csv), if any.")

    def get_files(self, obj: Any) -> list[str]:
        return selectors.opened_files(obj)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_price_form(self, obj: Any) -> str | None:
        found = selectors.price_form_index(obj)
        return found[1] if found else None


class LotCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardCriterion
        fields = ["id", "position", "kind", "name", "description", "weight", "priority",
                  "method", "scale", "nok_per_point"]


class PriceSerializer(serializers.ModelSerializer):
    submission = serializers.UUIDField(source="submission_id")
    criterion = serializers.IntegerField(source="criterion_id")
    entered_by = serializers.CharField(source="entered_by.full_name")

    class Meta:
        model = PriceEntry
        fields = ["submission", "criterion", "amount", "document", "location", "source",
                  "entered_by", "entered_at"]


class PriceScoreSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    criterion = serializers.IntegerField()
    score = serializers.FloatField(help_text="Out of 10, by the criterion's published method.")


class PricesPageSerializer(serializers.Serializer):
    status = serializers.CharField()
    offers = OfferSerializer(many=True)
    criteria = LotCriterionSerializer(many=True, help_text="The lot's price and cost criteria.")
    prices = PriceSerializer(many=True)
    scores = PriceScoreSerializer(many=True, help_text=(
        "Price scores, for each criterion once every offer has its price there."))


class PriceWriteSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    criterion = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    amount = NumberOrTextField(help_text="NOK, e.g. 1250000.50 or \"1 250 000,50\".")
    document = serializers.CharField(max_length=300, help_text=(
        "The file of the opened bid the price was read from (one of the offer's `files`)."))
    location = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                     help_text="Where in the document (page, sheet, cell).")
    reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True,
                                   help_text="Needed when changing a price already entered.")


class PriceImportSerializer(serializers.Serializer):
    submission = serializers.UUIDField(help_text="The offer whose price form is read.")


class PriceImportResultSerializer(serializers.Serializer):
    document = serializers.CharField()
    recorded = PriceSerializer(many=True)
    kept = PriceSerializer(many=True, help_text="Prices entered before; not overwritten.")


class ScoreSerializer(serializers.ModelSerializer):
    submission = serializers.UUIDField(source="submission_id")
    criterion = serializers.IntegerField(source="criterion_id")

    class Meta:
        model = IndividualScore
        fields = ["submission", "criterion", "points", "reason"]


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class SheetSerializer(serializers.ModelSerializer):
    member = MemberSerializer()
    submitted = serializers.BooleanField()
    scores = ScoreSerializer(many=True)

    class Meta:
        model = ScoreSheet
        fields = ["member", "submitted", "submitted_at", "scores"]


class ProgressSerializer(serializers.Serializer):
    member = MemberSerializer()
    declared = serializers.BooleanField(help_text="Has declared no conflict of interest.")
    submitted = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_submitted(self, obj: Any) -> bool:
        return obj.submitted_at is not None


class DivergenceSerializer(serializers.Serializer):
    submission = serializers.UUIDField(source="submission_id")
    criterion = serializers.IntegerField(source="criterion_id")
    low = serializers.FloatField()
    high = serializers.FloatField()
    spread = serializers.FloatField()


class ScoresPageSerializer(serializers.Serializer):
    status = serializers.CharField()
    blind = serializers.BooleanField(help_text=(
        "True until every member has submitted: only your own sheet is shown."))
    offers = OfferSerializer(many=True)
    criteria = LotCriterionSerializer(many=True,
                                      help_text="The lot's quality and climate criteria.")
    progress = ProgressSerializer(many=True, help_text="Who has submitted (never their scores).")
    my_sheet = SheetSerializer(allow_null=True, help_text="Your own sheet, if you score.")
    sheets = SheetSerializer(many=True, help_text="Every member's sheet, once none is blind.")
    divergence_threshold = serializers.FloatField()
    divergences = DivergenceSerializer(many=True)


class ScoreWriteSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    criterion = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    points = NumberOrTextField(required=False, help_text="0-10, at most two decimals.")
    reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True)


class ScoresWriteSerializer(serializers.Serializer):
    scores = ScoreWriteSerializer(many=True, max_length=2000, help_text=(  # type: ignore[call-arg]
        "Scores to save as a draft; errors are reported per `<submission>:<criterion>`."))


class ConsensusSerializer(serializers.ModelSerializer):
    submission = serializers.UUIDField(source="submission_id")
    criterion = serializers.IntegerField(source="criterion_id")
    recorded_by = serializers.CharField(source="recorded_by.full_name")

    class Meta:
        model = ConsensusScore
        fields = ["submission", "criterion", "points", "justification", "recorded_by",
                  "recorded_at"]


class ConsensusPageSerializer(ScoresPageSerializer):
    consensus = ConsensusSerializer(many=True)


class ConsensusWriteSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    criterion = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    points = NumberOrTextField(help_text="The agreed points, 0-10.")
    justification = serializers.CharField(max_length=TEXT, help_text=(
        f"Why the committee agreed on these points (at least {services.MIN_REASON} "
        "characters)."))


class RankingRowSerializer(serializers.Serializer):
    offer_key = serializers.UUIDField()
    supplier = serializers.CharField()
    rank = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text=(
        "Criterion id -> score out of 10 (null: the offered price of priced quality)."))
    values = serializers.DictField(child=serializers.FloatField(), help_text=(
        "Criterion id -> the input: NOK for price and cost, consensus points otherwise."))
    total = serializers.FloatField(allow_null=True)
    evaluated_price = serializers.FloatField(allow_null=True)
    price = serializers.FloatField(allow_null=True)
    quality_points = serializers.FloatField()
    draw = serializers.CharField(help_text="SHA-256 of the seed and the offer key.")
    deductions = serializers.DictField(child=serializers.FloatField())


class TieNoteSerializer(serializers.Serializer):
    above = serializers.CharField()
    below = serializers.CharField()
    step = serializers.IntegerField()
    text = serializers.CharField()


class PriceThresholdSerializer(serializers.Serializer):
    offer_key = serializers.CharField(allow_null=True)
    criterion_key = serializers.CharField(allow_null=True)
    current_price = serializers.FloatField(allow_null=True)
    threshold_price = serializers.FloatField(allow_null=True)
    reduction_pct = serializers.FloatField(allow_null=True)
    reason_code = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class WeightMoveSerializer(serializers.Serializer):
    criterion_key = serializers.CharField()
    delta = serializers.FloatField()
    ranking = serializers.ListField(child=serializers.CharField())
    winner = serializers.CharField()
    changes_winner = serializers.BooleanField()
    changes_ranking = serializers.BooleanField()
    weights = serializers.DictField(child=serializers.FloatField())
    priorities = serializers.DictField(child=serializers.IntegerField())


class RankReversalSerializer(serializers.Serializer):
    offer_key = serializers.CharField()
    winner_without = serializers.CharField()
    changes_winner = serializers.BooleanField()
    lowest_on = serializers.ListField(child=serializers.CharField())
    highest_on = serializers.ListField(child=serializers.CharField())


class SensitivitySerializer(serializers.Serializer):
    price_threshold = PriceThresholdSerializer()
    weight_moves = WeightMoveSerializer(many=True)
    weight_moves_note = serializers.CharField(allow_blank=True)
    rank_reversals = RankReversalSerializer(many=True)


class ResultCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    method = serializers.CharField()
    weight = serializers.FloatField(allow_null=True)
    priority = serializers.IntegerField(allow_null=True)
    nok_per_point = serializers.FloatField(allow_null=True)


class ResultOfferSerializer(serializers.Serializer):
    key = serializers.CharField()
    supplier = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    basis = serializers.CharField()
    mode = serializers.CharField()
    seed = serializers.CharField(help_text="The draw's seed: the root of the transparency "
                                           "log's tree head signed at the deadline.")
    seed_source = serializers.CharField()
    tie_break_rule = serializers.CharField()
    criteria = ResultCriterionSerializer(many=True)
    offers = ResultOfferSerializer(many=True)
    rows = RankingRowSerializer(many=True, help_text="Best first.")
    tie_break_notes = TieNoteSerializer(many=True)
    sensitivity = SensitivitySerializer()


class RankingPageSerializer(serializers.Serializer):
    status = serializers.CharField()
    ranked_at = serializers.DateTimeField(allow_null=True)
    tie_break_rule = serializers.CharField(help_text="The ranking and tie-break rule, in the "
                                                     "language asked for.")
    problems = serializers.ListField(child=serializers.CharField(), help_text=(
        "What is missing before the ranking can be computed (consensus step)."))
    result = ResultSerializer(allow_null=True, help_text="The kept ranking, once ranked.")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT, help_text=(
        f"Why the ranking is reopened (at least {services.MIN_REASON} characters)."))


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()


# --- payloads ------------------------------------------------------------------------------


def scores_payload(evaluation: LotEvaluation, user: Any) -> dict[str, Any]:
    criteria = selectors.criteria_of(evaluation)
    visible = selectors.sheets_visible(evaluation, user)
    blind = not permissions.may_see_all_individual_scores(
        user, evaluation.notice, evaluation.status)
    mine = selectors.own_sheet(evaluation, user)
    return {
        "status": evaluation.status,
        "blind": blind,
        "offers": selectors.offers_of(evaluation),
        "criteria": selectors.points_criteria(criteria),
        "progress": selectors.scoring_progress(evaluation),
        "my_sheet": mine,
        "sheets": [] if blind else list(visible),
        "divergence_threshold": selectors.divergence_threshold(),
        "divergences": selectors.divergences_of(evaluation, user),
    }


def ranking_payload(evaluation: LotEvaluation) -> dict[str, Any]:
    return {
        "status": evaluation.status,
        "ranked_at": evaluation.ranked_at,
        "tie_break_rule": selectors.tie_break_rule(),
        "problems": (services.ranking_problems(evaluation)
                     if evaluation.status == EvaluationStatus.CONSENSUS else []),
        "result": evaluation.result or None,
    }


# --- views ---------------------------------------------------------------------------------


class PricesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PricesPageSerializer, **errors(403)},
                   summary="The offers, the lot's price and cost criteria, and the prices")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        return Response(PricesPageSerializer({
            "status": evaluation.status, "offers": selectors.offers_of(evaluation),
            "criteria": selectors.amount_criteria(selectors.criteria_of(evaluation)),
            "prices": list(selectors.prices_of(evaluation).values()),
            "scores": [{"submission": sub, "criterion": crit, "score": score} for (sub, crit), score
                       in selectors.price_scores_of(evaluation).items()]}).data)

    @extend_schema(request=PriceWriteSerializer,
                   responses={201: PriceSerializer, **errors(403, 409)},
                   summary="Record the price of one offer for one price or cost criterion")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        body = PriceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = services.price_record(
            evaluation=evaluation, submission_id=data["submission"],
            criterion_id=data["criterion"], amount=data["amount"], document=data["document"],
            location=data.get("location", ""), reason=data.get("reason", ""),
            by=request_user(request))
        return Response(PriceSerializer(entry).data, status=status.HTTP_201_CREATED)


class PricesImportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PriceImportSerializer,
                   responses={201: PriceImportResultSerializer, **errors(403, 409)},
                   summary="Read the prices of this lot from the bid's structured price form")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        body = PriceImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.prices_import_from_bid(
            evaluation=evaluation, submission_id=body.validated_data["submission"],
            by=request_user(request))
        return Response(PriceImportResultSerializer(result).data,
                        status=status.HTTP_201_CREATED)


class ScoresApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ScoresPageSerializer, **errors(403)},
                   summary="Individual scores: your own sheet; everyone's once all have "
                           "submitted")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        return Response(ScoresPageSerializer(scores_payload(evaluation, request.user)).data)

    @extend_schema(request=ScoresWriteSerializer,
                   responses={200: ScoresPageSerializer, **errors(403, 409)},
                   summary="Save your own scores as a draft (only you see them)")
    def put(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        _need_scorer(request, evaluation)
        body = ScoresWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.scores_save(evaluation=evaluation, by=request_user(request), scores=[
            services.ScoreInput(submission_id=str(row["submission"]),
                                criterion_id=row["criterion"], points=row.get("points"),
                                reason=row.get("reason", ""))
            for row in body.validated_data["scores"]])
        return Response(ScoresPageSerializer(scores_payload(evaluation, request.user)).data)


class ScoresSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ScoresPageSerializer, **errors(403, 409)},
                   summary="Submit your scores: they are locked, and when every member has "
                           "submitted the lot moves to consensus")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        _need_scorer(request, evaluation)
        services.scores_submit(evaluation=evaluation, by=request_user(request))
        return Response(ScoresPageSerializer(scores_payload(evaluation, request.user)).data)


class ScoringCompleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: StatusSerializer, **errors(403, 409)},
                   summary="Move to consensus when every member has submitted (after a "
                           "change in the committee)")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        services.scoring_complete(evaluation=evaluation, by=request_user(request))
        return Response({"status": evaluation.status})


class ConsensusApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ConsensusPageSerializer, **errors(403)},
                   summary="Every member's scores, the divergence flags and the consensus")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        payload = scores_payload(evaluation, request.user)
        payload["consensus"] = list(selectors.consensus_of(evaluation).values())
        return Response(ConsensusPageSerializer(payload).data)

    @extend_schema(request=ConsensusWriteSerializer,
                   responses={201: ConsensusSerializer, **errors(403, 409)},
                   summary="Record the consensus score of one offer on one criterion")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        body = ConsensusWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        row = services.consensus_record(
            evaluation=evaluation, submission_id=data["submission"],
            criterion_id=data["criterion"], points=data["points"],
            justification=data["justification"], by=request_user(request))
        return Response(ConsensusSerializer(row).data, status=status.HTTP_201_CREATED)


class RankingApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: RankingPageSerializer, **errors(403)},
                   summary="The ranking with its tie-break and sensitivity, once ranked")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        return Response(RankingPageSerializer(ranking_payload(evaluation)).data)

    @extend_schema(request=None, responses={201: RankingPageSerializer, **errors(403, 409)},
                   summary="Compute and keep the ranking from the consensus and the prices")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        services.evaluation_rank(evaluation=evaluation, by=request_user(request))
        return Response(RankingPageSerializer(ranking_payload(evaluation)).data,
                        status=status.HTTP_201_CREATED)


class RankingReopenApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReopenSerializer,
                   responses={200: RankingPageSerializer, **errors(403, 409)},
                   summary="Reopen the ranking for consensus, with a reason (before any award)")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.evaluation_reopen(evaluation=evaluation, by=request_user(request),
                                   reason=body.validated_data["reason"])
        return Response(RankingPageSerializer(ranking_payload(evaluation)).data)
