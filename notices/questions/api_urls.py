from __future__ import annotations

from django.urls import path

from notices.questions import apis

urlpatterns = [
    path("notices/<int:pk>/questions/", apis.NoticeQuestionsApi.as_view(),
         name="api-notice-questions"),
    path("questions/<int:pk>/answer/", apis.QuestionAnswerApi.as_view(),
         name="api-question-answer"),
    path("questions/<int:pk>/merge/", apis.QuestionMergeApi.as_view(), name="api-question-merge"),
    path("notices/<int:pk>/extend-deadline/", apis.NoticeExtendDeadlineApi.as_view(),
         name="api-notice-extend-deadline"),
]
