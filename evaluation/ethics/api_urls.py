from __future__ import annotations

from django.urls import path

from evaluation.ethics import apis

P = "follow-ups/<int:plan_id>"

urlpatterns = [
    path("notices/<int:pk>/ethical-terms", apis.NoticeEthicalTermsApi.as_view(),
         name="ethical-terms"),
    path("follow-ups", apis.FollowUpListApi.as_view(), name="follow-ups"),
    path(P, apis.FollowUpDetailApi.as_view(), name="follow-up"),
    path(P + "/self-report", apis.SelfReportApi.as_view(), name="follow-up-report"),
    path(P + "/self-report/submit", apis.SelfReportSubmitApi.as_view(),
         name="follow-up-report-submit"),
    path(P + "/review", apis.FollowUpReviewApi.as_view(), name="follow-up-review"),
    path(P + "/close", apis.FollowUpCloseApi.as_view(), name="follow-up-close"),
]
