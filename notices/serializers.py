"""API shapes. Validation of meaning lives in the services; these only describe JSON."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from notices.fields import EDITABLE_FIELDS
from notices.models import (
    ContractType,
    DocumentVersion,
    Notice,
    NoticeKind,
    NoticeStatus,
    NoticeVersion,
    ProcedureType,
    Regime,
)


class LotSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    cpv = serializers.CharField(max_length=12)
    estimated_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                               allow_null=True, min_value=0)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                     default="", help_text="For TED (Part III).")
    description_en = serializers.CharField(required=False, allow_blank=True, default="")
    duration_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=1200,
        help_text="Planned duration of the lot; empty: the notice's.")


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
    request_deadline = serializers.DateTimeField(
        required=False, allow_null=True,
        help_text="Deadline for requests to participate: two-stage procedures only "
                  "(restricted, negotiated with a call, dialogue, innovation partnership).")
    accelerated = serializers.BooleanField(required=False)
    accelerated_reason = serializers.CharField(required=False, allow_blank=True)
    title_en = serializers.CharField(
        max_length=300, required=False, allow_blank=True,
        help_text="Title in English: required for notices to TED (Part III), which publishes "
                  "only in official EU languages.")
    description_en = serializers.CharField(required=False, allow_blank=True,
                                           help_text="Description in English (Part III).")
    accelerated_reason_en = serializers.CharField(required=False, allow_blank=True)
    duration_months = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                               max_value=1200,
                                               help_text="Planned duration (eForms BT-36).")
    tender_validity_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=3650,
        help_text="Days tenders stay valid after the deadline (eForms BT-98).")
    max_lots_submitted = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=999,
        help_text="Most lots one supplier may tender for (eForms BT-31).")
    max_lots_awarded = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=999,
        help_text="Most lots one supplier may win (eForms BT-33).")
    candidates_min = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=999,
        help_text="Minimum number of candidates invited, two-stage procedures (eForms BT-50).")
    planned_notice_date = serializers.DateField(
        required=False, allow_null=True,
        help_text="Prior information notices: the expected date of the contract notice "
                  "(eForms BT-127).")
    # many=True builds a ListSerializer, which takes max_length; the stubs type the call as
    # LotSerializer.__init__, which does not.
    lots = LotSerializer(many=True, required=False, max_length=200)  # type: ignore[call-arg]

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


class NoticeKindSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices,
                                   help_text="The new notice type of the draft.")


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


class DocumentUploadedSerializer(DocumentVersionSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), help_text=(
        "Things the buyer should know, such as a change late in the tender period."))

    class Meta(DocumentVersionSerializer.Meta):
        fields = [*DocumentVersionSerializer.Meta.fields, "warnings"]


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
                  "question_deadline", "request_deadline", "accelerated", "accelerated_reason",
                  "title_en", "description_en", "accelerated_reason_en", "duration_months",
                  "tender_validity_days", "max_lots_submitted", "max_lots_awarded",
                  "candidates_min", "planned_notice_date", "procedure_uuid", "source",
                  "source_name", "published_at",
                  "cancelled_at", "lots", "documents"]

    def get_url(self, obj: Notice) -> str:
        return reverse("notices:detail", kwargs={"pk": obj.pk})


class NoticeListItemSerializer(serializers.Serializer):
    """One search hit. Declared field by field (not a ModelSerializer, whose per-request
    field introspection cost a third of the serialization time of a results page); the
    output is the same as the model fields'."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField()
    url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    status = serializers.ChoiceField(choices=NoticeStatus.choices)
    regime = serializers.ChoiceField(choices=Regime.choices, allow_blank=True)
    buyer = BuyerSerializer()
    title = serializers.CharField()
    cpv_main = serializers.CharField()
    nuts = serializers.CharField()
    estimated_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    submission_deadline = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, obj: Notice) -> str:
        return reverse("notices:detail", kwargs={"pk": obj.pk})


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    document = serializers.IntegerField(required=False, help_text=(
        "Id of an existing document to upload a new version of."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NoticeQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text=(
        "Words to find in title, description, buyer, lots and reference (all must match)."))
    kind = serializers.ChoiceField(choices=NoticeKind.choices, required=False)
    status = serializers.ChoiceField(choices=["published", "closed", "cancelled"], required=False)
    phase = serializers.ChoiceField(
        choices=["planning", "competition", "result"], required=False, help_text=(
            "planning: prior information notices; competition: published and the deadline "
            "has not passed; result: award notices, and notices closed or past their deadline."))
    cpv = serializers.RegexField(r"^\d{2,8}(-\d)?$", required=False, help_text=(
        "CPV code or prefix; tree-aware over main, additional and lot codes "
        "(45000000 finds every 45xxxxxx notice)."), error_messages={
            "invalid": "A CPV code has 2 to 8 digits, e.g. 45000000 or 4521."})
    nuts = serializers.RegexField(r"^[A-Za-z]{2}[0-9A-Za-z]{0,3}$", required=False, help_text=(
        "NUTS code or prefix (NO08 finds NO081 ... NO085)."), error_messages={
            "invalid": "A NUTS code is 2 letters and up to 3 letters or digits, e.g. NO081."})
    buyer = serializers.CharField(required=False, max_length=200,
                                  help_text="Organisation number or part of the name.")
    deadline_after = serializers.DateTimeField(required=False)
    deadline_before = serializers.DateTimeField(required=False)
    published_after = serializers.DateTimeField(required=False)
    published_before = serializers.DateTimeField(required=False)
    value_min = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                         min_value=0)
    value_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                         min_value=0)
    sort = serializers.ChoiceField(choices=["relevance", "published", "deadline"],
                                   required=False, help_text=(
                                       "relevance (default with q), published (newest first, "
                                       "default without q) or deadline (soonest first)."))
    ordering = serializers.ChoiceField(choices=["-published_at", "published_at",
                                                "submission_deadline", "-submission_deadline"],
                                       required=False, help_text="Older form of sort.")
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)

    MAX_WINDOW = 10_000

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = {}
        for low, high in (("deadline_after", "deadline_before"),
                          ("published_after", "published_before"), ("value_min", "value_max")):
            if attrs.get(low) is not None and attrs.get(high) is not None \
                    and attrs[low] > attrs[high]:
                errors[low] = [f"{low} is after {high}; swap them."]
        if attrs["page"] * attrs["page_size"] > self.MAX_WINDOW:
            errors["page"] = [f"Only the first {self.MAX_WINDOW} hits can be paged through; "
                              "narrow the search with filters."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class SuggestionSerializer(serializers.Serializer):
    remove = serializers.CharField(help_text="The filter to drop (nuts, cpv, phase, ...).")
    count = serializers.IntegerField(help_text="Hits without that filter.")
    message = serializers.CharField()


class DidYouMeanSerializer(serializers.Serializer):
    q = serializers.CharField(help_text="The search words with misspelt ones replaced by "
                                        "words of the indexed notices; run it as `q`.")
    count = serializers.IntegerField(help_text="Hits of that search with the same filters.")


class NoticePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Number of hits in total.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NoticeListItemSerializer(many=True)
    suggestions = SuggestionSerializer(many=True, help_text=(
        "With no hits: filters that, dropped one at a time, would give hits."))
    did_you_mean = DidYouMeanSerializer(allow_null=True, help_text=(
        "With words in q and fewer than three hits: a respelling of q that finds more, "
        "or null."))
