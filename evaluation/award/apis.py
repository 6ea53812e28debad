"""Thin DRF views of the award decision of a lot and of the letters.

Every lot route goes through `selectors.award_for_view` (404 to whoever takes no part,
403 to an evaluator with a conflict or no declaration yet); writes need
permissions.may_decide_award (403 before the body is read). Letters go through
`selectors.letter_get` (the recipient and the award's readers; 404 for anyone else).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.text import get_valid_filename
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import request_user
from backend.schema import errors
from evaluation.award import letters, selectors, services
from evaluation.award.models import AwardDecision
from evaluation.award.serializers import (
    DecisionSerializer,
    DraftInputSerializer,
    LetterSerializer,
    LotAwardSerializer,
    WithdrawInputSerializer,
)
from evaluation.models import EvaluationStatus, LotEvaluation


def _evaluation(request: Request, notice_id: int, lot: int) -> LotEvaluation:
    return selectors.award_for_view(notice_id=notice_id, lot_number=lot, user=request.user)


def _decider(request: Request, notice_id: int, lot: int) -> LotEvaluation:
    evaluation = _evaluation(request, notice_id, lot)
    selectors.require_decider(request.user, evaluation)
    return evaluation


def lot_payload(evaluation: LotEvaluation) -> dict[str, Any]:
    decisions = selectors.decisions_of(evaluation)
    return {"lot_number": evaluation.lot_number,
            "ranked": evaluation.status == EvaluationStatus.RANKED,
            "ranking": selectors.ranked_offers(evaluation),
            "live": next((d for d in decisions if d.status != "withdrawn"), None),
            "decisions": decisions}


def _decision(decision: AwardDecision) -> dict[str, Any]:
    fresh = AwardDecision.objects.prefetch_related("winners__supplier").get(pk=decision.pk)
    return dict(DecisionSerializer(fresh).data)


class LotAwardApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: LotAwardSerializer, **errors(403)},
                   summary="The award decisions of a lot (the live one and the history)")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        return Response(LotAwardSerializer(lot_payload(evaluation)).data)

    @extend_schema(request=None, responses={201: DecisionSerializer, **errors(403, 409)},
                   summary="Draft the award decision, proposed from the ranking")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _decider(request, notice_id, lot)
        decision = services.award_draft(evaluation=evaluation, by=request_user(request))
        return Response(_decision(decision), status=status.HTTP_201_CREATED)


class AwardDraftApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=DraftInputSerializer,
                   responses={200: DecisionSerializer, **errors(403, 409)},
                   summary="Change the draft: outcome, winners, letter text, exception")
    def put(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _decider(request, notice_id, lot)
        body = DraftInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = services.award_update_draft(decision=selectors.live_decision_get(evaluation),
                                               by=request_user(request), **body.validated_data)
        return Response(_decision(decision))


class AwardSendApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: DecisionSerializer, **errors(403, 409)},
                   summary="Send the decision: every bidder's letter at one moment, and the "
                           "standstill period starts")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _decider(request, notice_id, lot)
        decision = services.award_send(decision=selectors.live_decision_get(evaluation),
                                       by=request_user(request))
        return Response(_decision(decision))


class AwardWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=WithdrawInputSerializer,
                   responses={200: DecisionSerializer, **errors(403, 409)},
                   summary="Withdraw the sent decision (letters to every bidder) or discard "
                           "the draft, with a reason")
    def post(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _decider(request, notice_id, lot)
        body = WithdrawInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = services.award_withdraw(decision=selectors.live_decision_get(evaluation),
                                           by=request_user(request),
                                           reason=body.validated_data["reason"])
        return Response(_decision(decision))


class LotLettersApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: LetterSerializer(many=True), **errors(403)},
                   summary="Every letter sent for the lot's decisions (award and withdrawal)")
    def get(self, request: Request, notice_id: int, lot: int) -> Response:
        evaluation = _evaluation(request, notice_id, lot)
        return Response(LetterSerializer(selectors.letters_of_lot(evaluation), many=True).data)


class MyLettersApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: LetterSerializer(many=True)},
                   summary="The award letters sent to the organisations you act for as a "
                           "supplier")
    def get(self, request: Request) -> Response:
        return Response(LetterSerializer(selectors.letters_for_supplier_user(request.user),
                                         many=True).data)


class LetterApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: LetterSerializer, **errors(404)},
                   summary="One letter as sent (its recipient and the award's readers)")
    def get(self, request: Request, letter_id: int) -> Response:
        return Response(LetterSerializer(selectors.letter_get(user=request.user,
                                                              letter_id=letter_id)).data)


class LetterPdfApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **errors(404)},
                   summary="One letter as PDF (its SHA-256 is the letter's pdf_sha256)")
    def get(self, request: Request, letter_id: int) -> HttpResponse:
        letter = selectors.letter_get(user=request.user, letter_id=letter_id)
        response = HttpResponse(letters.letter_pdf(letter), content_type="application/pdf")
        name = get_valid_filename(f"{letter.kind}-{letter.decision.notice.reference}-"
                                  f"{letter.pk}.pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
