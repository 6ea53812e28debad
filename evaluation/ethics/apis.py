"""Thin DRF views of ethical trade: the terms on a notice, and the follow-up plans. The
services decide; bad input is a 400 naming the field, a wrong state a 409."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.auth import request_user
from backend.clock import db_now
from backend.errors import ApplicationError
from backend.schema import errors
from evaluation.ethics import selectors, services
from evaluation.ethics.models import FollowUpPlan
from evaluation.ethics.serializers import (
    CloseSerializer,
    EthicalTermsSerializer,
    FollowUpPlanDetailSerializer,
    FollowUpPlanSerializer,
    ReasonSerializer,
    ReviewSerializer,
    SelfReportSerializer,
)
from notices.models import Notice
from notices.selectors import notice_get_editable


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise ApplicationError(_("The body is a JSON object."), code="invalid")
    return dict(request.data)


def _terms(notice: Notice, version: int | None = None) -> dict[str, Any]:
    offer = services.terms_offer(notice, on=timezone.localdate(db_now()))
    chosen = selectors.chosen_terms(notice)
    return {"chosen": selectors.terms_json(chosen) if chosen else None,
            "offered": {"key": offer[1].key, "version": offer[1].version,
                        "title_nb": offer[1].title_nb, "title_en": offer[1].title_en,
                        "category": offer[0].code} if offer else None,
            "notice_version": version}


class NoticeEthicalTermsApi(APIView):
    @extend_schema(responses={200: EthicalTermsSerializer, **errors(403, 404)},
                   summary="The ethical-trade terms of a notice (buyer's editors)")
    def get(self, request: Request, pk: int) -> Response:
        notice = notice_get_editable(pk=pk, user=request.user)
        return Response(EthicalTermsSerializer(_terms(notice)).data)

    @extend_schema(request=ReasonSerializer,
                   responses={200: EthicalTermsSerializer, **errors(400, 403, 404, 409)},
                   summary="Put the current terms on a notice",
                   description="Only for a notice whose CPV codes fall in a high-risk "
                               "category (409 otherwise). A draft changes at once; a "
                               "published notice needs a `reason` and changes by a change "
                               "notice, before the deadline for tenders (409 after it).")
    def put(self, request: Request, pk: int) -> Response:
        notice = notice_get_editable(pk=pk, user=request.user)
        reason = _body(request).get("reason", "")
        _chosen, version = services.ethical_terms_choose(
            notice=notice, by=request_user(request), reason=reason)
        notice.refresh_from_db()
        return Response(EthicalTermsSerializer(
            _terms(notice, version.number if version else None)).data)

    @extend_schema(request=ReasonSerializer,
                   responses={200: EthicalTermsSerializer, **errors(400, 403, 404, 409)},
                   summary="Remove the terms from a notice",
                   description="A draft at once; a published notice by a change notice with "
                               "a `reason`, before the deadline.")
    def delete(self, request: Request, pk: int) -> Response:
        notice = notice_get_editable(pk=pk, user=request.user)
        reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
        version = services.ethical_terms_remove(notice=notice, by=request_user(request),
                                                reason=reason)
        notice.refresh_from_db()
        return Response(EthicalTermsSerializer(
            _terms(notice, version.number if version else None)).data)


def _detail(plan: FollowUpPlan) -> dict[str, Any]:
    plan = selectors.plan_get_unchecked(plan.pk)
    return FollowUpPlanDetailSerializer({
        **{f: getattr(plan, f) for f in ("id", "contract_id", "contract", "terms", "category",
                                         "status", "self_report_due", "created_at",
                                         "closed_at")},
        "self_report": selectors.report_of(plan),
        "events": list(selectors.events_of(plan))}).data


class FollowUpListApi(APIView):
    @extend_schema(responses={200: FollowUpPlanSerializer(many=True), **errors(401)},
                   summary="The follow-up plans the user may see",
                   description="The buyer's members see their authority's plans; a "
                               "supplier's users see the plans of their contracts.")
    def get(self, request: Request) -> Response:
        request_user(request)
        return Response(FollowUpPlanSerializer(selectors.plan_list(user=request.user),
                                                many=True).data)


class FollowUpDetailApi(APIView):
    @extend_schema(responses={200: FollowUpPlanDetailSerializer, **errors(404)},
                   summary="One follow-up plan, its self-report and its history")
    def get(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        return Response(_detail(plan))


class SelfReportApi(APIView):
    @extend_schema(request=SelfReportSerializer,
                   responses={200: FollowUpPlanDetailSerializer, **errors(400, 403, 404, 409)},
                   summary="Save the self-report as a draft (the contracted supplier)")
    def put(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        services.self_report_save(plan=plan, by=request_user(request), data=_body(request))
        return Response(_detail(plan))


class SelfReportSubmitApi(APIView):
    @extend_schema(request=SelfReportSerializer,
                   responses={200: FollowUpPlanDetailSerializer, **errors(400, 403, 404, 409)},
                   summary="Submit the self-report (the contracted supplier)",
                   description="With a body: saved first. The report must have policy and "
                               "routines, a risk analysis and at least one supply-chain row.")
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        data = _body(request) or None
        services.self_report_submit(plan=plan, by=request_user(request), data=data)
        return Response(_detail(plan))


class FollowUpReviewApi(APIView):
    @extend_schema(request=ReviewSerializer,
                   responses={200: FollowUpPlanDetailSerializer, **errors(400, 403, 404, 409)},
                   summary="Review the submitted self-report (the buyer's editors)",
                   description="`accepted`, or `more_information` with a `note` the "
                               "supplier reads.")
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        body = _body(request)
        services.self_report_review(plan=plan, by=request_user(request),
                                    outcome=str(body.get("outcome", "")),
                                    note=body.get("note", ""))
        return Response(_detail(plan))


class FollowUpCloseApi(APIView):
    @extend_schema(request=CloseSerializer,
                   responses={200: FollowUpPlanDetailSerializer, **errors(400, 403, 404, 409)},
                   summary="Close the follow-up (the buyer's editors)")
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        services.follow_up_close(plan=plan, by=request_user(request),
                                 note=_body(request).get("note", ""))
        return Response(_detail(plan))
