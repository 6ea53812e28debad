"""The API of a procurement's evaluation after opening: start, impartiality, advisers,
qualification, clarifications, rejections, abnormally low offers (names api-evaluation-*)."""

from __future__ import annotations

from django.urls import path

from evaluation import apis

E = "notices/<int:notice_id>/evaluation"
B = E + "/bids/<uuid:submission_id>"
L = E + "/lots/<int:lot>"
C = E + "/clarifications/<int:clarification_id>"

urlpatterns = [
    path(E, apis.EvaluationApi.as_view(), name="api-evaluation"),
    path(E + "/start", apis.EvaluationStartApi.as_view(), name="api-evaluation-start"),
    path(E + "/declaration", apis.DeclarationApi.as_view(), name="api-evaluation-declare"),
    path(E + "/advisers", apis.AdvisersApi.as_view(), name="api-evaluation-advisers"),
    path(E + "/advisers/<int:adviser_id>/remove", apis.AdviserRemoveApi.as_view(),
         name="api-evaluation-adviser-remove"),
    path(E + "/grounds", apis.GroundsApi.as_view(), name="api-evaluation-grounds"),
    path(L + "/qualification", apis.QualificationApi.as_view(),
         name="api-evaluation-qualification"),
    path(L + "/complete", apis.QualificationCompleteApi.as_view(),
         name="api-evaluation-complete"),
    path(L + "/abnormally-low", apis.AbnormallyLowApi.as_view(),
         name="api-evaluation-abnormally-low"),
    path(L + "/abnormally-low/<uuid:submission_id>/ask", apis.AbnormallyLowAskApi.as_view(),
         name="api-evaluation-abnormally-low-ask"),
    path(L + "/abnormally-low/<uuid:submission_id>/accept",
         apis.AbnormallyLowAcceptApi.as_view(), name="api-evaluation-abnormally-low-accept"),
    path(B, apis.BidApi.as_view(), name="api-evaluation-bid"),
    path(B + "/assessments", apis.AssessApi.as_view(), name="api-evaluation-assess"),
    path(B + "/clarifications", apis.ClarifyApi.as_view(), name="api-evaluation-clarify"),
    path(B + "/reject", apis.RejectApi.as_view(), name="api-evaluation-reject"),
    path(B + "/rejection", apis.RejectionApi.as_view(), name="api-evaluation-rejection"),
    path(B + "/files/<int:index>", apis.BidFileApi.as_view(), name="api-evaluation-bid-file"),
    path(E + "/clarifications", apis.ClarificationListApi.as_view(),
         name="api-evaluation-clarifications"),
    path(C, apis.ClarificationApi.as_view(), name="api-evaluation-clarification"),
    path(C + "/answer", apis.ClarificationAnswerApi.as_view(),
         name="api-evaluation-clarification-answer"),
    path(C + "/attachment", apis.ClarificationAttachmentApi.as_view(),
         name="api-evaluation-clarification-attachment"),
]
