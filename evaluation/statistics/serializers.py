"""The statistics' answer, described for the OpenAPI document (the selector builds it)."""

from __future__ import annotations

from rest_framework import serializers as s


class _Count(s.Serializer):
    code = s.CharField()
    label = s.CharField()  # type: ignore[assignment]  # a field named "label"
    count = s.IntegerField()


class _Share(s.Serializer):
    count = s.IntegerField()
    share = s.FloatField(allow_null=True, help_text="count / procedures, 0-1")


class _Notices(s.Serializer):
    total = s.IntegerField()
    by_kind = _Count(many=True)
    by_regime = _Count(many=True)


class _Offers(s.Serializer):
    tenders = s.IntegerField(help_text="procedures whose award notice is published")
    offers = s.IntegerField()
    average = s.FloatField(allow_null=True)
    sme = s.IntegerField(help_text="offers from small and medium-sized enterprises")
    sme_share = s.FloatField(allow_null=True)


class _Electronic(s.Serializer):
    procedures = s.IntegerField()
    documents = _Share()
    submission = _Share()
    evaluation = _Share()


class _Option(s.Serializer):
    code = s.CharField()
    label = s.CharField()  # type: ignore[assignment]  # a field named "label"
    means = s.CharField(help_text="criteria, spec or exempt")
    count = s.IntegerField()


class _Climate(s.Serializer):
    procedures = s.IntegerField()
    with_criteria = _Share()
    average_weight = s.FloatField(allow_null=True, help_text="percent")
    options = _Option(many=True)


class _Ethics(s.Serializer):
    notices_with_terms = s.IntegerField()
    contracts = s.IntegerField()
    contracts_with_terms = s.IntegerField()
    share = s.FloatField(allow_null=True)
    follow_up_plans = s.IntegerField()
    follow_ups_done = s.IntegerField()


class _ValueRow(s.Serializer):
    code = s.CharField()
    label = s.CharField()  # type: ignore[assignment]  # a field named "label"
    value = s.IntegerField(help_text="NOK excl. VAT")
    notices = s.IntegerField()


class _Value(s.Serializer):
    total = s.IntegerField(help_text="NOK excl. VAT")
    awarded = s.IntegerField()
    by_cpv_division = _ValueRow(many=True)
    by_region = _ValueRow(many=True)


class _Band(s.Serializer):
    band = s.CharField(help_text="days, e.g. 31-60")
    count = s.IntegerField()


class _TimeToAward(s.Serializer):
    count = s.IntegerField()
    average_days = s.FloatField(allow_null=True)
    bands = _Band(many=True)


class _Filters(s.Serializer):
    year = s.IntegerField(allow_null=True)
    authority = s.IntegerField(allow_null=True)
    authority_name = s.CharField()
    region = s.CharField()
    cpv = s.CharField()


class StatisticsSerializer(s.Serializer):
    filters = _Filters()
    notices = _Notices()
    offers = _Offers()
    electronic = _Electronic()
    climate = _Climate()
    ethical_trade = _Ethics()
    awarded_value = _Value()
    time_to_award = _TimeToAward()
