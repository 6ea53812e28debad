"""Bodies and answers of the audits' API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from evaluation.audits.models import (
    Audit,
    AuditKind,
    AuditPerformer,
    AuditReliance,
    AuditShare,
    CorrectiveAction,
    Finding,
    Sanction,
    SanctionKind,
    Severity,
)

TEXT = 20000


def _name(user: Any) -> str | None:
    return user.full_name if user is not None else None


# --- answers ---------------------------------------------------------------------------------


class CorrectiveActionSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    proposed_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()
    closed_by = serializers.SerializerMethodField()
    completion_reported_by = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = ["id", "finding", "requirement", "deadline", "status", "created_at",
                  "created_by", "proposal", "proposed_at", "proposed_by", "answer",
                  "answered_at", "answered_by", "close_note", "closed_at", "closed_by",
                  "closed_via", "completion_report", "completion_reported_at",
                  "completion_reported_by", "completion_late", "completion_answer"]

    def get_completion_reported_by(self, obj: CorrectiveAction) -> str | None:
        return _name(obj.completion_reported_by)

    def get_created_by(self, obj: CorrectiveAction) -> str | None:
        return _name(obj.created_by)

    def get_proposed_by(self, obj: CorrectiveAction) -> str | None:
        return _name(obj.proposed_by)

    def get_answered_by(self, obj: CorrectiveAction) -> str | None:
        return _name(obj.answered_by)

    def get_closed_by(self, obj: CorrectiveAction) -> str | None:
        return _name(obj.closed_by)


class FindingSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.full_name")

    class Meta:
        model = Finding
        fields = ["id", "audit", "severity", "description", "recorded_at", "recorded_by"]


class FindingWithActionsSerializer(FindingSerializer):
    actions = CorrectiveActionSerializer(many=True, help_text=(
        "Corrective actions: for the plan's authority and the supplier only (empty for an "
        "authority the audit was shared with)."))

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "actions"]


class SanctionSerializer(serializers.ModelSerializer):
    imposed_by = serializers.CharField(source="imposed_by.full_name")

    class Meta:
        model = Sanction
        fields = ["id", "audit", "kind", "reason", "details", "imposed_at", "imposed_by"]


class AuditShareSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")
    shared_by = serializers.CharField(source="shared_by.full_name")

    class Meta:
        model = AuditShare
        fields = ["id", "audit", "organization", "organization_name", "shared_at", "shared_by"]


class AuditRelianceSerializer(serializers.ModelSerializer):
    relied_by = serializers.CharField(source="relied_by.full_name")

    class Meta:
        model = AuditReliance
        fields = ["id", "audit", "plan", "reason", "relied_at", "relied_by"]


class AuditSerializer(serializers.ModelSerializer):
    supplier = serializers.IntegerField(source="plan.contract.supplier_id")
    supplier_name = serializers.CharField(source="plan.contract.supplier.name")
    authority = serializers.IntegerField(source="plan.contract.notice.buyer_id")
    authority_name = serializers.CharField(source="plan.contract.notice.buyer.name")
    category = serializers.CharField(source="plan.category.code")
    terms_key = serializers.CharField(source="plan.terms.key")
    created_by = serializers.CharField(source="created_by.full_name")
    completed_by = serializers.SerializerMethodField()

    class Meta:
        model = Audit
        fields = ["id", "plan", "supplier", "supplier_name", "authority", "authority_name",
                  "category", "terms_key", "kind", "performed_by", "auditor_name",
                  "planned_on", "purpose", "status", "created_at", "created_by",
                  "completed_on", "summary", "completed_at", "completed_by",
                  "public_summary", "published_at"]

    def get_completed_by(self, obj: Audit) -> str | None:
        return _name(obj.completed_by)


class AuditDetailSerializer(serializers.Serializer):
    audit = AuditSerializer()
    findings = FindingWithActionsSerializer(many=True)
    sanctions = SanctionSerializer(many=True, help_text="Empty for a share recipient.")
    shares = AuditShareSerializer(many=True, help_text=(
        "With whom the audit is shared: shown to the plan's authority and to the supplier."))
    reliances = AuditRelianceSerializer(many=True)
    full = serializers.BooleanField(help_text="False when you see the audit as a share "
                                              "recipient (the audit and its findings only).")


class PlanAuditsSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    audits = AuditSerializer(many=True)
    reliances = AuditRelianceSerializer(many=True)
    reliable = AuditSerializer(many=True, help_text=(
        "Shared audits this plan may rely on now (the plan's authority only)."))


class PublicSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    supplier_name = serializers.CharField(source="plan.contract.supplier.name")
    authority_name = serializers.CharField(source="plan.contract.notice.buyer.name")
    category = serializers.CharField(source="plan.category.code")
    kind = serializers.CharField()
    completed_on = serializers.DateField()
    public_summary = serializers.CharField()
    published_at = serializers.DateTimeField()


# --- bodies ----------------------------------------------------------------------------------


class AuditPlanInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AuditKind.choices)
    performed_by = serializers.ChoiceField(choices=AuditPerformer.choices)
    auditor_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                         default="", help_text="Required for a third party.")
    planned_on = serializers.DateField()
    purpose = serializers.CharField(max_length=5000)


class AuditCompleteInputSerializer(serializers.Serializer):
    completed_on = serializers.DateField()
    summary = serializers.CharField(max_length=TEXT)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class FindingInputSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = serializers.CharField(max_length=TEXT)


class ActionRequestInputSerializer(serializers.Serializer):
    requirement = serializers.CharField(max_length=TEXT)
    deadline = serializers.DateField()


class ProposalInputSerializer(serializers.Serializer):
    proposal = serializers.CharField(max_length=TEXT)


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT, required=False, allow_blank=True,
                                   default="", help_text="Required when rejecting.")


class CloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT)


class CompletionReportInputSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=TEXT,
                                   help_text="What was done to correct the finding.")


class CompletionAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT, required=False, allow_blank=True,
                                   default="", help_text="Required when asking for more.")


class SanctionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SanctionKind.choices)
    reason = serializers.CharField(max_length=TEXT)
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                    default="", help_text=(
                                        "Which part is suspended, or which subcontractor "
                                        "must be changed."))


class ShareInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)


class PublishInputSerializer(serializers.Serializer):
    public_summary = serializers.CharField(max_length=5000)


class RelyInputSerializer(serializers.Serializer):
    audit = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=5000)
