"""The audits' API routes (under /api/)."""

from __future__ import annotations

from django.urls import path

from evaluation.audits import apis

P = "follow-ups/<int:plan_id>/"
A = "audits/<int:audit_id>"
C = "corrective-actions/<int:action_id>/"
urlpatterns = [
    path(P + "audits", apis.PlanAuditsApi.as_view(), name="api-audits-plan"),
    path(P + "reliances", apis.PlanRelianceApi.as_view(), name="api-audits-rely"),
    path("audits/published", apis.PublishedSummariesApi.as_view(), name="api-audits-published"),
    path(A, apis.AuditApi.as_view(), name="api-audit"),
    path(A + "/complete", apis.AuditCompleteApi.as_view(), name="api-audit-complete"),
    path(A + "/cancel", apis.AuditCancelApi.as_view(), name="api-audit-cancel"),
    path(A + "/findings", apis.FindingsApi.as_view(), name="api-audit-findings"),
    path(A + "/sanctions", apis.SanctionsApi.as_view(), name="api-audit-sanctions"),
    path(A + "/shares", apis.SharesApi.as_view(), name="api-audit-shares"),
    path(A + "/publish", apis.PublishApi.as_view(), name="api-audit-publish"),
    path("audit-findings/<int:finding_id>/actions", apis.ActionRequestApi.as_view(),
         name="api-audit-action-request"),
    path(C + "propose", apis.ActionProposeApi.as_view(), name="api-audit-action-propose"),
    path(C + "accept", apis.ActionAcceptApi.as_view(), name="api-audit-action-accept"),
    path(C + "reject", apis.ActionRejectApi.as_view(), name="api-audit-action-reject"),
    path(C + "close", apis.ActionCloseApi.as_view(), name="api-audit-action-close"),
    path(C + "report", apis.ActionReportApi.as_view(), name="api-audit-action-report"),
    path(C + "report/accept", apis.ActionReportAcceptApi.as_view(),
         name="api-audit-action-report-accept"),
    path(C + "report/return", apis.ActionReportReturnApi.as_view(),
         name="api-audit-action-report-return"),
]
