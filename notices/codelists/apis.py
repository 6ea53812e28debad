"""Type-ahead lookup of CPV and NUTS codes for the code pickers (codepicker.js) and clients."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notices.codelists.services import cpv_lookup, nuts_lookup

MAX_RESULTS = 20


class CodeQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, allow_blank=True, required=False, default="",
                              help_text="Code prefix (45, 4521, NO08) or words of the label, "
                                        "in English or Norwegian.")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_RESULTS, required=False,
                                     default=MAX_RESULTS)


class CpvCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="8 digits, as eForms uses them")
    check_digit = serializers.CharField()
    level = serializers.IntegerField(help_text="1 = division (45000000) ... 7")
    # A serializer field named like a Field attribute (parent, label); the stubs see a clash.
    parent = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    label_en = serializers.CharField()
    label_nb = serializers.CharField()


class NutsCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.IntegerField(help_text="0 = country, 1-3 = NUTS level")
    # A serializer field named like a Field attribute (parent, label); the stubs see a clash.
    parent = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    country = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


_Q = [OpenApiParameter("q", str, description="Code prefix or words of the label"),
      OpenApiParameter("limit", int, description=f"At most {MAX_RESULTS} (the default)")]


def _look_up(request: Request, lookup: Callable[[str, int], Iterable[Any]]) -> Response:
    query = CodeQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    entries = lookup(query.validated_data["q"], query.validated_data["limit"])
    return Response([asdict(e) for e in entries])


class _CodeListApi(APIView):
    # Public: the code lists are open data, used by the public search form too.
    permission_classes = [AllowAny]
    authentication_classes: list = []


class CpvCodeListApi(_CodeListApi):
    @extend_schema(parameters=_Q, responses=CpvCodeSerializer(many=True),
                   summary="Look up CPV codes by code prefix or label (English or Norwegian)")
    def get(self, request: Request) -> Response:
        return _look_up(request, cpv_lookup)


class NutsCodeListApi(_CodeListApi):
    @extend_schema(parameters=_Q, responses=NutsCodeSerializer(many=True),
                   summary="Look up NUTS regions by code prefix or name")
    def get(self, request: Request) -> Response:
        return _look_up(request, nuts_lookup)
