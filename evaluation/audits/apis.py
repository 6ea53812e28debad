"""Thin DRF views of the audits (docs/audits.md).

A plan's audits: its authority's editors and the audited supplier; others 404. One audit:
those, and the editors of an authority it was shared with (the audit and its findings).
Actions: the plan's authority (403 for the supplier and share recipients), proposing a
corrective action plan and reporting it done: the supplier (403 for the authority).
Published summaries are public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from backend.auth import request_user
from backend.clock import db_now
from backend.errors import NotFound
from backend.schema import errors
from evaluation import permissions
from evaluation.audits import selectors, services
from evaluation.audits.models import Audit, CorrectiveAction
from evaluation.audits.serializers import (
    ActionRequestInputSerializer,
    AnswerInputSerializer,
    AuditCompleteInputSerializer,
    AuditDetailSerializer,
    AuditPlanInputSerializer,
    AuditRelianceSerializer,
    AuditSerializer,
    AuditShareSerializer,
    CloseInputSerializer,
    CompletionAnswerInputSerializer,
    CompletionReportInputSerializer,
    CorrectiveActionSerializer,
    FindingInputSerializer,
    FindingSerializer,
    PlanAuditsSerializer,
    ProposalInputSerializer,
    PublicSummarySerializer,
    PublishInputSerializer,
    ReasonInputSerializer,
    RelyInputSerializer,
    SanctionInputSerializer,
    SanctionSerializer,
    ShareInputSerializer,
)


def _valid(serializer: type[Serializer], request: Request) -> dict[str, Any]:
    body = serializer(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def audit_detail(request: Any, audit: Audit) -> dict[str, Any]:
    view = selectors.audit_view(user=request.user, audit=audit, now=db_now())
    findings = [{**FindingSerializer(f).data,
                 "actions": CorrectiveActionSerializer(view.actions[f.pk], many=True).data}
                for f in view.findings]
    return {"audit": AuditSerializer(audit).data, "findings": findings,
            "sanctions": SanctionSerializer(view.sanctions, many=True).data,
            "shares": AuditShareSerializer(view.shares, many=True).data,
            "reliances": AuditRelianceSerializer(view.reliances, many=True).data,
            "full": view.full}


class PlanAuditsApi(APIView):
    @extend_schema(responses={200: PlanAuditsSerializer},
                   summary="A follow-up plan's audits, the shared audits it relies on and "
                           "those it could rely on")
    def get(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_for_reader(user=request.user, plan_id=plan_id)
        manager = permissions.may_manage_audits(request.user, plan)
        reliable = (selectors.reliable_audits(plan, today=selectors.oslo_today(db_now()))
                    if manager else [])
        return Response({
            "plan": plan.pk,
            "audits": AuditSerializer(selectors.plan_audits(plan), many=True).data,
            "reliances": AuditRelianceSerializer(selectors.plan_reliances(plan),
                                                 many=True).data,
            "reliable": AuditSerializer(reliable, many=True).data})

    @extend_schema(request=AuditPlanInputSerializer,
                   responses={201: AuditSerializer, **errors(403, 409)},
                   summary="Plan an audit of the plan's supplier (desk or on site, own staff "
                           "or a named third party)")
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_for_manager(user=request.user, plan_id=plan_id)
        body = _valid(AuditPlanInputSerializer, request)
        audit = services.audit_plan(plan=plan, by=request_user(request), **body)
        return Response(AuditSerializer(audit).data, status=status.HTTP_201_CREATED)


class PlanRelianceApi(APIView):
    @extend_schema(request=RelyInputSerializer,
                   responses={201: AuditRelianceSerializer, **errors(403, 409)},
                   summary="Rely on an audit shared with your authority instead of auditing "
                           "again (same supplier, category and terms; at most 3 years old)")
    def post(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_for_manager(user=request.user, plan_id=plan_id)
        body = _valid(RelyInputSerializer, request)
        try:
            audit = selectors.audit_for_reader(user=request.user, audit_id=body["audit"])
        except NotFound as exc:
            raise NotFound(_("No such audit has been shared with you."),
                           fields={"audit": [_("No such audit has been shared with you.")]}
                           ) from exc
        reliance = services.audit_rely(audit=audit, plan=plan, by=request_user(request),
                                       reason=body["reason"])
        return Response(AuditRelianceSerializer(reliance).data, status=status.HTTP_201_CREATED)


class AuditApi(APIView):
    @extend_schema(responses={200: AuditDetailSerializer},
                   summary="One audit: its findings, and for the plan's authority and the "
                           "supplier also the corrective actions, sanctions and shares")
    def get(self, request: Request, audit_id: int) -> Response:
        audit = selectors.audit_for_reader(user=request.user, audit_id=audit_id)
        return Response(audit_detail(request, audit))


class AuditCompleteApi(APIView):
    @extend_schema(request=AuditCompleteInputSerializer,
                   responses={200: AuditSerializer, **errors(403, 409)},
                   summary="Complete a planned audit with its date and summary")
    def post(self, request: Request, audit_id: int) -> Response:
        audit = selectors.audit_for_manager(user=request.user, audit_id=audit_id)
        body = _valid(AuditCompleteInputSerializer, request)
        audit = services.audit_complete(audit=audit, by=request_user(request), **body)
        return Response(AuditSerializer(selectors.audit_for_reader(
            user=request.user, audit_id=audit.pk)).data)


class AuditCancelApi(APIView):
    @extend_schema(request=ReasonInputSerializer,
                   responses={200: AuditSerializer, **errors(403, 409)},
                   summary="Cancel a planned audit, with the reason")
    def post(self, request: Request, audit_id: int) -> Response:
        audit = selectors.audit_for_manager(user=request.user, audit_id=audit_id)
        body = _valid(ReasonInputSerializer, request)
        services.audit_cancel(audit=audit, by=request_user(request), reason=body["reason"])
        return Response(AuditSerializer(selectors.audit_for_reader(
            user=request.user, audit_id=audit.pk)).data)


class FindingsApi(APIView):
    @extend_schema(request=FindingInputSerializer,
                   responses={201: FindingSerializer, **errors(403, 409)},
                   summary="Record a finding (minor, major or critical)")
    def post(self, request: Request, audit_id: int) -> Response:
        audit = selectors.audit_for_manager(user=request.user, audit_id=audit_id)
        body = _valid(FindingInputSerializer, request)
        finding = services.finding_record(audit=audit, by=request_user(request), **body)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class ActionRequestApi(APIView):
    @extend_schema(request=ActionRequestInputSerializer,
                   responses={201: CorrectiveActionSerializer, **errors(403, 409)},
                   summary="Require a corrective action for a finding, with a deadline")
    def post(self, request: Request, finding_id: int) -> Response:
        finding = selectors.finding_for_manager(user=request.user, finding_id=finding_id)
        body = _valid(ActionRequestInputSerializer, request)
        action = services.action_request(finding=finding, by=request_user(request), **body)
        return Response(CorrectiveActionSerializer(action).data,
                        status=status.HTTP_201_CREATED)


def _action_step(name: str, *, supplier: bool, body: type[Serializer],
                 service: Callable[..., CorrectiveAction], summary: str) -> type[APIView]:
    """One step of a corrective action (the API twin of views._action_post): the supplier's
    steps find the action as its supplier, the others as the plan's authority; the body is
    validated, the service decides, the action is answered."""

    class ActionStepApi(APIView):
        @extend_schema(request=body,
                       responses={200: CorrectiveActionSerializer, **errors(403, 409)},
                       summary=summary)
        def post(self, request: Request, action_id: int) -> Response:
            find = selectors.action_for_supplier if supplier else selectors.action_for_manager
            action, _audit = find(user=request.user, action_id=action_id)
            action = service(action=action, by=request_user(request), **_valid(body, request))
            return Response(CorrectiveActionSerializer(action).data)

    ActionStepApi.__name__ = ActionStepApi.__qualname__ = name
    return ActionStepApi


ActionProposeApi = _action_step(
    "ActionProposeApi", supplier=True, body=ProposalInputSerializer,
    service=services.action_propose,
    summary="The supplier proposes (or proposes again) its corrective action "
            "plan")
ActionAcceptApi = _action_step(
    "ActionAcceptApi", supplier=False, body=AnswerInputSerializer,
    service=services.action_accept,
    summary="Accept the supplier's corrective action plan")
ActionRejectApi = _action_step(
    "ActionRejectApi", supplier=False, body=AnswerInputSerializer,
    service=services.action_reject,
    summary="Reject the supplier's corrective action plan, saying why")
ActionCloseApi = _action_step(
    "ActionCloseApi", supplier=False, body=CloseInputSerializer,
    service=services.action_close,
    summary="Close an accepted corrective action once it is done")
ActionReportApi = _action_step(
    "ActionReportApi", supplier=True, body=CompletionReportInputSerializer,
    service=services.action_report_completion,
    summary="The supplier reports an accepted corrective action done (a "
            "completion report; after the deadline it is marked late)")
ActionReportAcceptApi = _action_step(
    "ActionReportAcceptApi", supplier=False, body=CompletionAnswerInputSerializer,
    service=services.action_accept_completion,
    summary="Accept the supplier's completion report: the corrective action "
            "is closed")
ActionReportReturnApi = _action_step(
    "ActionReportReturnApi", supplier=False, body=CompletionAnswerInputSerializer,
    service=services.action_return_completion,
    summary="Ask for more on the supplier's completion report, saying what: "
            "the corrective action is open again")


class SanctionsApi(APIView):
    @extend_schema(request=SanctionInputSerializer,
                   responses={201: SanctionSerializer, **errors(403, 409)},
                   summary="Impose a sanction (remedy, suspension of all or part of the "
                           "deliveries, change of a subcontractor, termination) with a reason")
    def post(self, request: Request, audit_id: int) -> Response:
        audit = selectors.audit_for_manager(user=request.user, audit_id=audit_id)
        body = _valid(SanctionInputSerializer, request)
        sanction = services.sanction_impose(audit=audit, by=request_user(request), **body)
        return Response(SanctionSerializer(sanction).data, status=status.HTTP_201_CREATED)


class SharesApi(APIView):
    @extend_schema(request=ShareInputSerializer,
                   responses={201: AuditShareSerializer, **errors(403, 409)},
                   summary="Share a completed audit and its findings with another authority "
                           "that holds a plan with the same supplier in the same category")
    def post(self, request: Request, audit_id: int) -> Response:
        audit = selectors.audit_for_manager(user=request.user, audit_id=audit_id)
        body = _valid(ShareInputSerializer, request)
        share = services.audit_share(audit=audit, by=request_user(request),
                                     organization_id=body["organization"])
        return Response(AuditShareSerializer(share).data, status=status.HTTP_201_CREATED)


class PublishApi(APIView):
    @extend_schema(request=PublishInputSerializer,
                   responses={200: AuditSerializer, **errors(403, 409)},
                   summary="Publish a summary of a completed audit (the only public part)")
    def post(self, request: Request, audit_id: int) -> Response:
        audit = selectors.audit_for_manager(user=request.user, audit_id=audit_id)
        body = _valid(PublishInputSerializer, request)
        audit = services.audit_publish_summary(audit=audit, by=request_user(request),
                                               summary=body["public_summary"])
        return Response(AuditSerializer(selectors.audit_for_reader(
            user=request.user, audit_id=audit.pk)).data)


class PublishedSummariesApi(APIView):
    # Public: what an authority chose to publish, and nothing else of the audit.
    permission_classes = [AllowAny]

    @extend_schema(responses={200: PublicSummarySerializer(many=True)},
                   summary="Published audit summaries (public)")
    def get(self, request: Request) -> Response:
        return Response(PublicSummarySerializer(selectors.published_summaries(),
                                                many=True).data)
