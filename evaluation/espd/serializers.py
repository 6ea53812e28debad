"""Request and answer bodies of the ESPD API (also what the OpenAPI document shows)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from evaluation.espd.response import ROLES, EspdAnswer


class EconomicOperatorSerializer(serializers.Serializer):
    """Who answers; by default the supplier's registered name, number, country and city."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    identifier = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                       help_text="Organisation number or national id.")
    country = serializers.CharField(required=False, allow_blank=True, max_length=3,
                                    help_text="NO or NOR.")
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True)
    website = serializers.CharField(required=False, allow_blank=True, max_length=300)
    sme = serializers.BooleanField(required=False, allow_null=True, default=None,
                                   help_text="A micro, small or medium-sized enterprise.")
    role = serializers.ChoiceField(choices=ROLES, required=False, default="sole-tenderer",
                                   help_text="eo-role-type code: a sole tenderer, a group's "
                                             "lead or member, an entity relied on, a "
                                             "subcontractor.")


class EspdBuildSerializer(serializers.Serializer):
    supplier = serializers.IntegerField(required=False, allow_null=True, help_text=(
        "The supplier organisation you answer for, if you act for more than one."))
    economic_operator = EconomicOperatorSerializer(required=False)
    criteria = serializers.DictField(
        child=serializers.JSONField(), required=False, default=dict, help_text=(
            "Criterion code (or UUID) -> the answer to its main yes/no question, e.g. "
            '{"crime-org": false} ("Your answer" of an exclusion ground).'))
    answers = serializers.DictField(
        child=serializers.JSONField(), required=False, default=dict, help_text=(
            "Question ID (the cbc:ID of a QUESTION property in the ESPD request) -> answer: "
            "true/false, text, a date YYYY-MM-DD, a number, {\"amount\", \"currency\"}, "
            "{\"start\", \"end\"} for a period, {\"url\", \"reference\", \"issuer\"} for "
            "evidence."))
    lots = serializers.ListField(child=serializers.IntegerField(min_value=0), required=False,
                                 default=list, help_text="The lots you bid for (default: all).")


class RequirementRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    lot_number = serializers.IntegerField(allow_null=True)


class EspdValueSerializer(serializers.Serializer):
    question = serializers.CharField()
    property_id = serializers.CharField()
    data_type = serializers.CharField()
    value = serializers.CharField(help_text="For people: Yes/No, dates, amounts with currency.")
    raw = serializers.CharField(help_text="As written in the XML.")


class EspdEvidenceSerializer(serializers.Serializer):
    id = serializers.CharField()
    reference = serializers.CharField()
    url = serializers.CharField()
    issuer = serializers.CharField()


class EspdAnswerSerializer(serializers.Serializer):
    requirement = RequirementRefSerializer()
    criterion_code = serializers.CharField()
    criterion_name = serializers.CharField()
    main_answer = serializers.BooleanField(allow_null=True, help_text=(
        "The criterion's main yes/no answer (for an exclusion ground: yes = it applies)."))
    values = EspdValueSerializer(many=True)
    evidence = EspdEvidenceSerializer(many=True)
    problems = serializers.ListField(child=serializers.CharField())


class EspdCheckSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    schema_checked = serializers.BooleanField(help_text=(
        "False when the server has no ESPD schema files: only the structure was checked."))
    contract_folder_id = serializers.CharField()
    economic_operator = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
    answers = EspdAnswerSerializer(many=True)


class EspdSubmissionAnswersSerializer(serializers.Serializer):
    submission = serializers.UUIDField()
    supplier = serializers.CharField()
    file = serializers.CharField(help_text="The name of the ESPD file in the bid ('' if none).")
    found = serializers.BooleanField()
    economic_operator = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
    answers = EspdAnswerSerializer(many=True)


def answer_json(answer: EspdAnswer) -> dict[str, Any]:
    requirement = answer.requirement
    return {
        "requirement": {"id": requirement.pk, "position": requirement.position,
                        "title": requirement.title, "category": requirement.category,
                        "lot_number": requirement.lot_number},
        "criterion_code": answer.criterion_code,
        "criterion_name": answer.criterion_name,
        "main_answer": answer.main_answer,
        "values": [{"question": v.question, "property_id": v.property_id,
                    "data_type": v.data_type, "value": v.value, "raw": v.raw}
                   for v in answer.values],
        "evidence": [{"id": e.id, "reference": e.reference, "url": e.url, "issuer": e.issuer}
                     for e in answer.evidence],
        "problems": list(answer.problems),
    }
