"""The award API's bodies: the decision with its winners, the draft's input, the letters."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluation.award.models import (
    AwardDecision,
    AwardLetter,
    AwardOutcome,
    AwardWinner,
    StandstillException,
)
from evaluation.award.services import MAX_TEXT


class AwardWinnerSerializer(serializers.ModelSerializer):
    submission = serializers.UUIDField(source="submission_id",
                                       help_text="The submission id of the winning offer.")
    supplier = serializers.CharField(source="supplier.name")
    supplier_id = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                     help_text="The offered price (NOK excl. VAT), if known.")

    class Meta:
        model = AwardWinner
        fields = ["submission", "supplier", "supplier_id", "rank", "value"]


class DecisionSerializer(serializers.ModelSerializer):
    winners = AwardWinnerSerializer(many=True, read_only=True)
    standstill_end = serializers.DateTimeField(
        allow_null=True, help_text="From this instant the contract may be signed (stored in "
                                   "UTC; Europe/Oslo midnight). Null until sent.")

    class Meta:
        model = AwardDecision
        fields = ["id", "lot_number", "status", "outcome", "winners", "letter_text",
                  "price_justification", "no_award_reason", "standstill_exception",
                  "standstill_justification", "standstill_days", "standstill_end",
                  "created_at", "sent_at", "withdrawn_at", "withdraw_reason"]
        read_only_fields = fields


class RankedOfferSerializer(serializers.Serializer):
    submission = serializers.CharField(source="submission_id")
    supplier = serializers.CharField()
    rank = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class LotAwardSerializer(serializers.Serializer):
    lot_number = serializers.IntegerField()
    ranked = serializers.BooleanField(help_text="Whether the lot's ranking is computed.")
    ranking = RankedOfferSerializer(many=True)
    live = DecisionSerializer(allow_null=True,
                              help_text="The draft or sent decision, if any.")
    decisions = DecisionSerializer(many=True, help_text="Every decision, oldest first "
                                                        "(withdrawn ones are kept).")


class DraftInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AwardOutcome.choices)
    winners = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=100, required=False,
        default=list, help_text="Submission ids: one for a contract, two or more for a "
                                "framework, none for no award.")
    letter_text = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True,
                                        default="")
    price_justification = serializers.CharField(max_length=MAX_TEXT, required=False,
                                                allow_blank=True, default="")
    no_award_reason = serializers.CharField(max_length=MAX_TEXT, required=False,
                                            allow_blank=True, default="")
    standstill_exception = serializers.ChoiceField(choices=StandstillException.choices,
                                                   required=False, allow_blank=True,
                                                   default="")
    standstill_justification = serializers.CharField(max_length=MAX_TEXT, required=False,
                                                     allow_blank=True, default="")


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000,
                                   help_text="At least 20 characters; every bidder reads it.")


class LetterSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.name")
    supplier_id = serializers.IntegerField()
    decision = serializers.IntegerField(source="decision_id")
    pdf = serializers.SerializerMethodField(help_text="Where the PDF is downloaded.")

    class Meta:
        model = AwardLetter
        fields = ["id", "decision", "kind", "supplier", "supplier_id", "language", "subject",
                  "text", "pdf_sha256", "sent_at", "pdf"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_pdf(self, obj: Any) -> str:
        return reverse("api-award-letter-pdf", kwargs={"letter_id": obj.pk})
