from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from notices import apis
from notices.documents import apis as downloads

urlpatterns: list[URLPattern | URLResolver] = [
    path("notices/", apis.NoticeListCreateApi.as_view(), name="api-notice-list"),
    path("notices/<int:pk>/", apis.NoticeDetailApi.as_view(), name="api-notice-detail"),
    path("notices/<int:pk>/publish/", apis.NoticePublishApi.as_view(), name="api-notice-publish"),
    path("notices/<int:pk>/kind/", apis.NoticeKindApi.as_view(), name="api-notice-kind"),
    path("notices/<int:pk>/changes/", apis.NoticeChangeApi.as_view(), name="api-notice-change"),
    path("notices/<int:pk>/versions/", apis.NoticeVersionListApi.as_view(),
         name="api-notice-versions"),
    path("notices/<int:pk>/documents/", apis.DocumentListCreateApi.as_view(),
         name="api-notice-documents"),
    path("notices/<int:pk>/documents/<int:document_id>/versions/<int:number>/download/",
         downloads.document_download, name="api-document-download"),
]
# The features' own routes (exports, following and the inbox, questions, code lists).
urlpatterns += [
    path("", include("notices.exports.api_urls")),
    path("", include("notices.following.api_urls")),
    path("", include("notices.questions.api_urls")),
    path("", include("notices.codelists.api_urls")),
]
