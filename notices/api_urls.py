from __future__ import annotations

from django.urls import path

from . import apis

urlpatterns = [
    path("notices/", apis.NoticeListCreateApi.as_view(), name="api-notice-list"),
    path("notices/<int:pk>/", apis.NoticeDetailApi.as_view(), name="api-notice-detail"),
    path("notices/<int:pk>/publish/", apis.NoticePublishApi.as_view(), name="api-notice-publish"),
    path("notices/<int:pk>/changes/", apis.NoticeChangeApi.as_view(), name="api-notice-change"),
    path("notices/<int:pk>/cancel/", apis.NoticeCancelApi.as_view(), name="api-notice-cancel"),
    path("notices/<int:pk>/versions/", apis.NoticeVersionListApi.as_view(),
         name="api-notice-versions"),
    path("notices/<int:pk>/documents/", apis.DocumentListCreateApi.as_view(),
         name="api-notice-documents"),
]
from . import export_apis  # noqa: E402, I001  (open-data exports)
urlpatterns += export_apis.urlpatterns
