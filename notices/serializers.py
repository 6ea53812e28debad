"""API shapes. Validation of meaning lives in the services; these only describe JSON."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from .fields import EDITABLE_FIELDS
from .models import ContractType, DocumentVersion, Notice, NoticeKind, NoticeVersion, ProcedureType


class LotSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    cpv = serializers.CharField(max_length=12)
    estimated_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                               allow_null=True, min_value=0)


class NoticeFieldsSerializer(serializers.Serializer):
    """The fields a person sets. All optional for PATCH and change notices."""

    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    contract_type = serializers.ChoiceField(choices=ContractType.choices, required=False)
    procedure_type = serializers.ChoiceField(choices=ProcedureType.choices, required=False,
                                             allow_blank=True)
    cpv_main = serializers.CharField(max_length=12, required=False)
    cpv_additional = serializers.ListField(child=serializers.CharField(max_length=12),
                                           required=False, max_length=50)
    nuts = serializers.CharField(max_length=5, required=False)
    estimated_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                               allow_null=True, min_value=0)
    submission_deadline = serializers.DateTimeField(required=False, allow_null=True)
    question_deadline = serializers.DateTimeField(required=False, allow_null=True)
    accelerated = serializers.BooleanField(required=False)
    accelerated_reason = serializers.CharField(required=False, allow_blank=True)
    lots = LotSerializer(many=True, required=False, max_length=200)

    def split(self) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
        data = dict(self.validated_data)
        lots = data.pop("lots", None)
        return {k: v for k, v in data.items() if k in EDITABLE_FIELDS}, lots


class NoticeCreateSerializer(NoticeFieldsSerializer):
    buyer = serializers.IntegerField(required=False, help_text=(
        "Organisation id of the authority. Optional when you act for one authority only."))
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    title = serializers.CharField(max_length=300)
    contract_type = serializers.ChoiceField(choices=ContractType.choices)
    cpv_main = serializers.CharField(max_length=12)
    nuts = serializers.CharField(max_length=5)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ChangeNoticeSerializer(NoticeFieldsSerializer):
    reason = serializers.CharField(max_length=2000)


class BuyerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField()
    buyer_type = serializers.CharField()


class DocumentVersionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["number", "filename", "size", "sha256", "content_type", "note", "uploaded_at",
                  "download_url"]

    def get_download_url(self, obj: DocumentVersion) -> str:
        document = obj.document
        return reverse("notices:document-download", kwargs={
            "pk": document.notice_id, "document_id": document.pk, "number": obj.number})


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    versions = DocumentVersionSerializer(many=True)


class NoticeVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeVersion
        fields = ["number", "kind", "reason", "diff", "published_at", "snapshot"]


class NoticeSerializer(serializers.ModelSerializer):
    buyer = BuyerSerializer()
    lots = LotSerializer(many=True)
    documents = DocumentSerializer(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "reference", "url", "kind", "status", "regime", "version", "buyer",
                  "title", "description", "contract_type", "procedure_type", "cpv_main",
                  "cpv_additional", "nuts", "estimated_value", "submission_deadline",
                  "question_deadline", "accelerated", "accelerated_reason", "published_at",
                  "cancelled_at", "lots", "documents"]

    def get_url(self, obj: Notice) -> str:
        return reverse("notices:detail", kwargs={"pk": obj.pk})


class NoticeListItemSerializer(serializers.ModelSerializer):
    buyer = BuyerSerializer()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "reference", "url", "kind", "status", "regime", "buyer", "title",
                  "cpv_main", "nuts", "estimated_value", "submission_deadline", "published_at"]

    def get_url(self, obj: Notice) -> str:
        return reverse("notices:detail", kwargs={"pk": obj.pk})


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    document = serializers.IntegerField(required=False, help_text=(
        "Id of an existing document to upload a new version of."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NoticeQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=NoticeKind.choices, required=False)
    status = serializers.ChoiceField(choices=["published", "closed", "cancelled"], required=False)
    cpv = serializers.RegexField(r"^\d{2,8}(-\d)?$", required=False)
    nuts = serializers.RegexField(r"^[A-Za-z]{2}[0-9A-Za-z]{0,3}$", required=False)
    buyer = serializers.CharField(required=False, max_length=200)
    deadline_after = serializers.DateTimeField(required=False)
    deadline_before = serializers.DateTimeField(required=False)
    published_after = serializers.DateTimeField(required=False)
    published_before = serializers.DateTimeField(required=False)
    value_min = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    value_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    ordering = serializers.ChoiceField(choices=["-published_at", "published_at",
                                                "submission_deadline", "-submission_deadline"],
                                       required=False)


class NoticePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Number of hits in total.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NoticeListItemSerializer(many=True)
