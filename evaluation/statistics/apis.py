"""The statistics as JSON and CSV: public (AllowAny), because they are built only from
public data (published notices and what award notices publish)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.schema import errors
from evaluation.statistics.selectors import filters_parse, statistics_csv_rows, statistics_get
from evaluation.statistics.serializers import StatisticsSerializer

FILTERS = [
    OpenApiParameter("year", int, required=False, description="Year of publication"),
    OpenApiParameter("authority", int, required=False,
                     description="A contracting authority's id: its own figures"),
    OpenApiParameter("region", str, required=False,
                     description="NUTS code (NO08, NO081): notices performed there"),
    OpenApiParameter("cpv", str, required=False,
                     description="CPV division (two digits) or code (its division counts)"),
]


class StatisticsApi(APIView):
    permission_classes = [AllowAny]  # public data only (docs/statistics.md)

    @extend_schema(parameters=FILTERS, responses={200: StatisticsSerializer, **errors(400)},
                   summary="Public procurement statistics",
                   description="Notices per kind and regime, offers per tender and from SMEs, "
                               "electronic procedures, climate criteria, ethical trade, awarded "
                               "value per CPV division and region, time to award.")
    def get(self, request: Request) -> Response:
        figures = statistics_get(filters_parse(request.query_params))
        return Response(StatisticsSerializer(figures).data)


class StatisticsCsvApi(APIView):
    permission_classes = [AllowAny]  # public data only

    @extend_schema(parameters=FILTERS, responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR,
                                           description="section,key,label,value"),
        **errors(400)}, summary="Public procurement statistics as CSV")
    def get(self, request: Request) -> HttpResponse:
        figures = statistics_get(filters_parse(request.query_params))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "key", "label", "value"])
        writer.writerows(statistics_csv_rows(figures))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="statistics.csv"'
        return response
