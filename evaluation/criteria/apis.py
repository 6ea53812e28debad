"""Thin DRF views over the evaluation model of a notice."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import ReadPublicWriteAuthenticated, request_user
from backend.errors import ApplicationError, Conflict, Forbidden
from backend.schema import errors
from evaluation.criteria import services
from evaluation.criteria.selectors import frozen_model_of, model_of, model_sha256
from evaluation.criteria.serializers import (
    EvaluationModelChangeSerializer,
    EvaluationModelInputSerializer,
    EvaluationModelSerializer,
    SimulationInputSerializer,
    SimulationSerializer,
    api_model,
)
from evaluation.criteria.simulation import simulate
from evaluation.permissions import may_simulate
from notices.models import Notice, NoticeStatus
from notices.selectors import notice_get_editable, notice_get_visible
from notices.serializers import NoticeVersionSerializer


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise ApplicationError(_("The body is a JSON object."), code="invalid")
    return request.data


def model_response(notice: Notice) -> dict[str, Any]:
    """The model as the public sees it: the frozen one once published, the rows of a draft."""
    frozen = frozen_model_of(notice) if notice.status != NoticeStatus.DRAFT else None
    model = frozen.model if frozen is not None else model_of(notice)
    return {"notice": notice.pk, "frozen": frozen is not None,
            "version": frozen.version if frozen is not None else None,
            "sha256": frozen.sha256 if frozen is not None else model_sha256(model),
            **api_model(model)}


class EvaluationModelApi(APIView):
    # The model is part of the notice: public once published (drafts: the buyer only, 404 to
    # others through the selector); writes need the buyer's editors.
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(responses=EvaluationModelSerializer,
                   summary="The evaluation model: award criteria and requirements per lot")
    def get(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        return Response(model_response(notice))

    @extend_schema(request=EvaluationModelInputSerializer,
                   responses={200: EvaluationModelSerializer, **errors(403, 409)},
                   summary="Set the whole evaluation model of a draft",
                   description="Replaces the award terms and criteria of every lot given (a "
                               "lot left out loses its model) and all the requirements. A "
                               "published notice answers 409: its model changes only through "
                               "POST …/evaluation-model/changes, with a reason, before the "
                               "deadline for tenders.")
    def put(self, request: Request, pk: int) -> Response:
        notice = notice_get_editable(pk=pk, user=request.user)
        if notice.status != NoticeStatus.DRAFT:
            raise Conflict(_("The notice is published: change its evaluation model with a "
                             "change notice (POST …/evaluation-model/changes) and a reason."),
                           code="published")
        body = _body(request)
        services.evaluation_model_replace(notice=notice, by=request_user(request),
                                          lots=body.get("lots"),
                                          requirements=body.get("requirements", []))
        return Response(model_response(notice))


class EvaluationModelChangeApi(APIView):
    @extend_schema(request=EvaluationModelChangeSerializer,
                   responses={201: NoticeVersionSerializer, **errors(403, 409)},
                   summary="Change the evaluation model of a published notice",
                   description="Publishes a change notice with the reason: the lots given are "
                               "replaced whole, and the requirements when given. Refused (409) "
                               "once the deadline for tenders has passed.")
    def post(self, request: Request, pk: int) -> Response:
        notice = notice_get_editable(pk=pk, user=request.user)
        body = _body(request)
        reason = body.get("reason")
        version = services.evaluation_model_change_publish(
            notice=notice, by=request_user(request),
            reason=reason if isinstance(reason, str) else "",
            lots=body.get("lots"), requirements=body.get("requirements"))
        return Response(NoticeVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class EvaluationModelSimulateApi(APIView):
    @extend_schema(request=SimulationInputSerializer,
                   responses={200: SimulationSerializer, **errors(403, 404)},
                   summary="Score hypothetical offers under a lot's model",
                   description="Nothing is stored. For the buyer's people (editors and "
                               "committee members), on a draft or a published notice.")
    def post(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        if not may_simulate(request.user, notice):
            raise Forbidden(_("Only people of %(buyer)s can simulate offers under the model.")
                            % {"buyer": notice.buyer.name})
        body = _body(request)
        result = simulate(notice=notice, lot_number=body.get("lot_number", 0),
                          offers=body.get("offers"))
        return Response(result.as_json())
