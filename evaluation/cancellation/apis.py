from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import request_user
from backend.schema import errors
from evaluation.cancellation.grounds import CancellationGround
from evaluation.cancellation.selectors import cancellable_notice
from evaluation.cancellation.services import procurement_cancel


class CancelSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=CancellationGround.choices)
    reasons = serializers.CharField(max_length=10000)


class CancellationSerializer(serializers.Serializer):
    notice = serializers.IntegerField()
    status = serializers.CharField()
    ground = serializers.CharField()
    paragraph = serializers.CharField()
    reasons = serializers.CharField()
    stage = serializers.CharField()
    at = serializers.DateTimeField()


class CancelApi(APIView):
    @extend_schema(request=CancelSerializer,
                   responses={201: CancellationSerializer, **errors(400, 403, 404, 409)},
                   summary="Cancel the procurement (avlysning) with a legal ground and reasons")
    def post(self, request: Request, notice_id: int) -> Response:
        notice = cancellable_notice(user=request.user, notice_id=notice_id)
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = procurement_cancel(notice=notice, by=request_user(request),
                                   ground=body.validated_data["ground"],
                                   reasons=body.validated_data["reasons"])
        data: dict[str, Any] = {"notice": notice.pk, "status": notice.status,
                                "at": event.at, **event.data}
        return Response(CancellationSerializer(data).data, status=status.HTTP_201_CREATED)
