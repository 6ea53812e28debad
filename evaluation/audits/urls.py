"""The audits' web routes (namespace "audits")."""

from __future__ import annotations

from django.urls import path

from evaluation.audits import views

app_name = "audits"
P = "follow-ups/<int:plan_id>/audits/"
A = "audits/<int:audit_id>/"
C = "corrective-actions/<int:action_id>/"
urlpatterns = [
    path(P, views.plan_page, name="plan"),
    path(P + "new/", views.audit_plan, name="plan-audit"),
    path(P + "rely/", views.audit_rely, name="rely"),
    path("audits/", views.overview, name="overview"),
    path("audits/published/", views.published, name="published"),
    path(A, views.audit_page, name="audit"),
    path(A + "complete/", views.audit_complete, name="complete"),
    path(A + "cancel/", views.audit_cancel, name="cancel"),
    path(A + "findings/", views.finding_record, name="finding"),
    path(A + "sanctions/", views.sanction_impose, name="sanction"),
    path(A + "shares/", views.audit_share, name="share"),
    path(A + "publish/", views.audit_publish, name="publish"),
    path("audit-findings/<int:finding_id>/actions/", views.action_request,
         name="action-request"),
    path(C + "propose/", views.action_propose, name="action-propose"),
    path(C + "accept/", views.action_accept, name="action-accept"),
    path(C + "reject/", views.action_reject, name="action-reject"),
    path(C + "close/", views.action_close, name="action-close"),
    path(C + "report/", views.action_report, name="action-report"),
    path(C + "report/accept/", views.action_report_accept, name="action-report-accept"),
    path(C + "report/return/", views.action_report_return, name="action-report-return"),
]
