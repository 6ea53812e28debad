from __future__ import annotations

from django.urls import path

from evaluation.espd.apis import (
    EspdRequestApi,
    EspdResponseBuildApi,
    EspdResponseCheckApi,
    EspdSubmissionAnswersApi,
)

urlpatterns = [
    path("notices/<int:pk>/espd-request", EspdRequestApi.as_view(), name="api-espd-request"),
    path("notices/<int:pk>/espd-response/build", EspdResponseBuildApi.as_view(),
         name="api-espd-response-build"),
    path("notices/<int:pk>/espd-response/check", EspdResponseCheckApi.as_view(),
         name="api-espd-response-check"),
    path("notices/<int:pk>/submissions/<uuid:submission_id>/espd",
         EspdSubmissionAnswersApi.as_view(), name="api-espd-answers"),
]
