"""Bodies and answers of the contract stage's API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluation.award.models import Contract, Suspension, SuspensionKind
from evaluation.contract.selectors import LotContractPage

TEXT = 20000


class SuspensionSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.full_name")
    lifted_by = serializers.CharField(source="lifted_by.full_name", allow_null=True,
                                      default=None)

    class Meta:
        model = Suspension
        fields = ["id", "lot_number", "kind", "complainant", "description", "received_on",
                  "recorded_at", "recorded_by", "lifted_at", "lifted_by", "lift_reason"]


class ContractSerializer(serializers.ModelSerializer):
    supplier = serializers.IntegerField(source="supplier_id")
    supplier_name = serializers.CharField(source="supplier.name")
    recorded_by = serializers.CharField(source="recorded_by.full_name")

    class Meta:
        model = Contract
        fields = ["id", "lot_number", "decision", "supplier", "supplier_name", "title", "value",
                  "signed_on", "starts_on", "ends_on", "duration_months", "options",
                  "document_name", "document_sha256", "recorded_at", "recorded_by"]


class ContractWinnerSerializer(serializers.Serializer):
    supplier = serializers.IntegerField(source="supplier_id")
    name = serializers.CharField(source="supplier.name")
    rank = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class AwardNoticeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.CharField()


class LotContractSerializer(serializers.Serializer):
    lot_number = serializers.IntegerField()
    decision = serializers.SerializerMethodField(help_text="The sent award decision's id.")
    outcome = serializers.SerializerMethodField()
    standstill_end = serializers.SerializerMethodField(
        help_text="The first instant the contract may be signed (UTC).")
    clock = serializers.DateTimeField(help_text="The database clock the answer was read at.")
    standstill_over = serializers.BooleanField()
    signing_refused = serializers.CharField(source="refusal", help_text=(
        "Why a contract cannot be signed now (empty: it can)."))
    winners = ContractWinnerSerializer(many=True)
    suspensions = SuspensionSerializer(many=True)
    contracts = ContractSerializer(many=True)
    concluded = serializers.BooleanField()
    award_notice = AwardNoticeRefSerializer(allow_null=True)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_decision(self, obj: LotContractPage) -> int | None:
        return obj.decision.pk if obj.decision else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_outcome(self, obj: LotContractPage) -> str | None:
        return obj.decision.outcome if obj.decision else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_standstill_end(self, obj: LotContractPage) -> Any:
        end = obj.decision.standstill_end if obj.decision else None
        return end.isoformat() if end else None


class SuspensionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuspensionKind.choices)
    complainant = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT)
    received_on = serializers.DateField()


class LiftInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT)


class ContractInputSerializer(serializers.Serializer):
    supplier = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                        help_text="The winning supplier's organisation id.")
    title = serializers.CharField(max_length=300)
    value = serializers.DecimalField(max_digits=14, decimal_places=2,
                                     help_text="NOK excl. VAT; more than 0.")
    signed_on = serializers.DateField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    duration_months = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                               max_value=1200)
    options = serializers.CharField(required=False, allow_blank=True, max_length=TEXT)
    document = serializers.FileField(help_text="The signed contract; its SHA-256 is computed "
                                               "when it is stored.")


class AwardNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    award_for = serializers.IntegerField(source="award_for_id")
    results = serializers.JSONField(help_text="The results per lot as published.")
