from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.errors import Forbidden
from backend.schema import errors
from evaluation.dashboard.selectors import dashboard_for, may_see_dashboard


class WaitingSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    people = serializers.ListField(child=serializers.CharField())
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class LotStateSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class RowSerializer(serializers.Serializer):
    notice = serializers.IntegerField(source="notice.pk")
    reference = serializers.CharField(source="notice.reference")
    title = serializers.CharField(source="notice.title")
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    lots = LotStateSerializer(many=True)
    waiting = WaitingSerializer(many=True)


class DashboardApi(APIView):
    @extend_schema(responses={200: RowSerializer(many=True), **errors(403)},
                   summary="The officer's procurements: where each stands, what waits on whom")
    def get(self, request: Request) -> Response:
        if not may_see_dashboard(request.user):
            raise Forbidden(_("The procurement dashboard is for procurement officers."))
        return Response(RowSerializer(dashboard_for(user=request.user), many=True).data)
