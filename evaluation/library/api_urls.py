from __future__ import annotations

from django.urls import path

from evaluation.library import apis

urlpatterns = [
    path("criteria-library/templates", apis.TemplateListApi.as_view(),
         name="library-templates"),
    path("criteria-library/templates/<slug:key>", apis.TemplateDetailApi.as_view(),
         name="library-template"),
    path("notices/<int:pk>/criteria-library/suggestions", apis.NoticeSuggestionsApi.as_view(),
         name="library-suggestions"),
    path("notices/<int:pk>/criteria-library/apply", apis.NoticeApplyApi.as_view(),
         name="library-apply"),
]
