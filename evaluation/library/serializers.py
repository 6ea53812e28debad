from __future__ import annotations

from typing import Any

from rest_framework import serializers

from evaluation.library.models import Ambition, Area, CriterionTemplate, Use


class CriterionTemplateSerializer(serializers.ModelSerializer[CriterionTemplate]):
    owner = serializers.IntegerField(source="owner_id", allow_null=True, read_only=True)
    cpv_prefixes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = CriterionTemplate
        fields = ["key", "version", "owner", "area", "cpv_prefixes", "use", "ambition",
                  "title_nb", "title_en", "text_nb", "text_en", "documentation_nb",
                  "documentation_en", "verification_nb", "verification_en",
                  "counts_for_climate", "climate_code", "suggested_weight", "espd_code",
                  "source", "source_url", "active", "created_at"]


class LibrarySuggestionSerializer(serializers.Serializer[Any]):
    specificity = serializers.IntegerField()
    template = CriterionTemplateSerializer()


class CriterionTemplateInputSerializer(serializers.Serializer[Any]):
    """An authority's own template; `organization` only on create."""

    organization = serializers.IntegerField(required=False)
    area = serializers.ChoiceField(choices=Area.choices)
    use = serializers.ChoiceField(choices=Use.choices)
    ambition = serializers.ChoiceField(choices=Ambition.choices)
    cpv_prefixes = serializers.ListField(child=serializers.CharField(), required=False)
    title_nb = serializers.CharField()
    title_en = serializers.CharField()
    text_nb = serializers.CharField()
    text_en = serializers.CharField()
    documentation_nb = serializers.CharField(required=False)
    documentation_en = serializers.CharField(required=False)
    verification_nb = serializers.CharField(required=False)
    verification_en = serializers.CharField(required=False)
    counts_for_climate = serializers.BooleanField(required=False)
    climate_code = serializers.CharField(required=False)
    suggested_weight = serializers.IntegerField(required=False, allow_null=True)
    espd_code = serializers.CharField(required=False)
    source = serializers.CharField()  # type: ignore[assignment]
    source_url = serializers.CharField(required=False)
    active = serializers.BooleanField(required=False)


class TemplateApplyInputSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    version = serializers.IntegerField(required=False)
    lot_number = serializers.IntegerField(required=False)
    language = serializers.ChoiceField(choices=["nb", "en"], required=False)
    reason = serializers.CharField(required=False, help_text=(
        "A published notice: the change notice's reason (bidders read it)."))


class TemplateApplicationSerializer(serializers.Serializer[Any]):
    notice = serializers.IntegerField(source="notice_id")
    template_key = serializers.CharField()
    template_version = serializers.IntegerField()
    use = serializers.CharField()
    lot_number = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField()
    at = serializers.DateTimeField()
    notice_version = serializers.IntegerField(allow_null=True, help_text=(
        "The change notice's version number, when the notice was published."))
