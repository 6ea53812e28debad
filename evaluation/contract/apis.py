"""Thin DRF views of the contract stage, under /api/notices/{id}/award/: a lot's contract
status, complaints and injunctions, signing (multipart, with the document), the signed
document, and publishing the award notice.

The same gate as the web pages: 404 for people outside the evaluation, 403 for an evaluator
who has not declared impartiality; only the buyer's editors act (403 for the committee).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from backend.auth import request_user
from backend.clock import db_now
from backend.errors import NotFound
from backend.parsers import DepthLimitedJSONParser
from backend.schema import errors
from bids.opening.downloads import OCTET_STREAM
from evaluation.contract import selectors, services
from evaluation.contract.downloads import contract_document_download
from evaluation.contract.serializers import (
    AwardNoticeSerializer,
    ContractInputSerializer,
    ContractSerializer,
    LiftInputSerializer,
    LotContractSerializer,
    SuspensionInputSerializer,
    SuspensionSerializer,
)
from notices.models import Notice


def _notice(request: Request, notice_id: int) -> Notice:
    return selectors.notice_for_contract(user=request.user, notice_id=notice_id)


def _manager(request: Request, notice_id: int) -> Notice:
    return selectors.notice_for_manager(user=request.user, notice_id=notice_id)


def _valid(serializer: type[Serializer], request: Request) -> dict[str, Any]:
    body = serializer(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _lot_payload(notice: Notice, lot: int) -> dict[str, Any]:
    page = selectors.lot_contract_page(notice, lot, clock=db_now())
    return LotContractSerializer(page).data


class LotContractApi(APIView):
    @extend_schema(responses={200: LotContractSerializer, **errors(403)},
                   summary="A lot's standstill, suspensions, winners and contracts")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        notice = _notice(request, notice_id)
        selectors.require_lot(notice, lot)
        return Response(_lot_payload(notice, lot))


class SuspensionsApi(APIView):
    @extend_schema(request=SuspensionInputSerializer,
                   responses={201: SuspensionSerializer, **errors(403)},
                   summary="Record a complaint or an injunction: signing waits until it is "
                           "lifted")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        notice = _manager(request, notice_id)
        selectors.require_lot(notice, lot)
        body = _valid(SuspensionInputSerializer, request)
        suspension = services.suspension_record(notice=notice, lot_number=lot,
                                                by=request_user(request), **body)
        return Response(SuspensionSerializer(suspension).data, status=status.HTTP_201_CREATED)


class SuspensionLiftApi(APIView):
    @extend_schema(request=LiftInputSerializer,
                   responses={200: SuspensionSerializer, **errors(403, 409)},
                   summary="Lift a complaint or injunction, saying how it was resolved")
    def post(self, request: Request, notice_id: int, suspension_id: int) -> Response:
        notice = _manager(request, notice_id)
        suspension = selectors.suspension_get(notice=notice, suspension_id=suspension_id)
        body = _valid(LiftInputSerializer, request)
        lifted = services.suspension_lift(suspension=suspension, by=request_user(request),
                                          reason=body["reason"])
        return Response(SuspensionSerializer(lifted).data)


class ContractSignApi(APIView):
    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]

    @extend_schema(request={"multipart/form-data": ContractInputSerializer},
                   responses={201: ContractSerializer, **errors(403, 409, 413)},
                   summary="Record the signed contract with a winner (refused before the "
                           "standstill end and while a suspension is open); publishes the "
                           "award notice")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        notice = _manager(request, notice_id)
        selectors.require_lot(notice, lot)
        body = _valid(ContractInputSerializer, request)
        decision = selectors.decision_to_sign(notice, lot)
        if decision is None:
            raise NotFound(_("No award decision has been sent for this lot."))
        contract = services.contract_sign(decision=decision, by=request_user(request), **body)
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)


class ContractDocumentApi(APIView):
    @extend_schema(responses={(200, OCTET_STREAM): OpenApiTypes.BINARY, **errors(403)},
                   summary="The signed contract document, as opaque bytes")
    def get(self, request: Request, notice_id: int,
            contract_id: int) -> FileResponse | HttpResponse:
        notice = _notice(request, notice_id)
        contract = selectors.contract_get(user=request.user, notice=notice,
                                          contract_id=contract_id)
        return contract_document_download(contract)


class AwardNoticePublishApi(APIView):
    @extend_schema(request=None, responses={201: AwardNoticeSerializer, **errors(403, 409)},
                   summary="Publish the award notice (or its new version) with the concluded "
                           "lots, e.g. when every lot ended without an award")
    def post(self, request: Request, notice_id: int) -> Response:
        notice = _manager(request, notice_id)
        award = services.award_notice_publish(notice=notice, by=request_user(request))
        version = award.versions.order_by("-number").first()
        results = (version.snapshot if version else {}).get(selectors.AWARD_RESULTS_KEY) or []
        return Response(AwardNoticeSerializer({
            "pk": award.pk, "reference": award.reference, "version": award.version,
            "status": award.status, "award_for_id": award.award_for_id, "results": results,
        }).data, status=status.HTTP_201_CREATED)
