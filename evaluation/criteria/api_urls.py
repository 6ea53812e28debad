from __future__ import annotations

from django.urls import path

from evaluation.criteria import apis

urlpatterns = [
    path("notices/<int:pk>/evaluation-model", apis.EvaluationModelApi.as_view(),
         name="model"),
    path("notices/<int:pk>/evaluation-model/changes", apis.EvaluationModelChangeApi.as_view(),
         name="model-change"),
    path("notices/<int:pk>/evaluation-model/simulate",
         apis.EvaluationModelSimulateApi.as_view(), name="model-simulate"),
]
