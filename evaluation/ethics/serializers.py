from __future__ import annotations

from typing import Any

from rest_framework import serializers


class EthicalTermsSerializer(serializers.Serializer[Any]):
    """The terms on a notice: as published (or, on a draft, as chosen), and what is offered."""

    chosen = serializers.JSONField(allow_null=True, help_text="key, version, titles, "
                                   "self_report_months, text_sha256, category; null: none")
    offered = serializers.JSONField(allow_null=True, help_text="the current edition and the "
                                    "notice's high-risk category; null: not high-risk")
    notice_version = serializers.IntegerField(allow_null=True, required=False,
                                              help_text="the change notice that made the "
                                              "change (published notices)")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, help_text="required on a published notice")


class ChainRowSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166 two-letter code")
    produces = serializers.CharField(help_text="what it produces, or its stage in the chain")


class SelfReportSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(read_only=True)
    policies = serializers.CharField(allow_blank=True)
    risk_analysis = serializers.CharField(allow_blank=True)
    supply_chain = ChainRowSerializer(many=True)
    rounds = serializers.IntegerField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    review_note = serializers.CharField(read_only=True)


class FollowUpEventSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    details = serializers.JSONField(source="data")


class FollowUpPlanSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    contract = serializers.IntegerField(source="contract_id")
    notice = serializers.IntegerField(source="contract.notice_id")
    buyer = serializers.CharField(source="contract.notice.buyer.name")
    supplier = serializers.CharField(source="contract.supplier.name")
    terms_key = serializers.CharField(source="terms.key")
    terms_version = serializers.IntegerField(source="terms.version")
    category = serializers.CharField(source="category.code")
    status = serializers.CharField()
    self_report_due = serializers.DateField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class FollowUpPlanDetailSerializer(FollowUpPlanSerializer):
    self_report = SelfReportSerializer(allow_null=True)
    events = FollowUpEventSerializer(many=True)


class ReviewSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=["accepted", "more_information"])
    note = serializers.CharField(required=False, allow_blank=True)


class CloseSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True)
