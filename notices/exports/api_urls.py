from __future__ import annotations

from django.urls import path

from notices.exports.apis import NoticeEformsApi, NoticeOcdsApi, OcdsRecordApi, OcdsReleasesApi

urlpatterns = [
    path("notices/<int:pk>/ocds", NoticeOcdsApi.as_view(), name="api-notice-ocds"),
    path("notices/<int:pk>/eforms", NoticeEformsApi.as_view(), name="api-notice-eforms"),
    path("ocds/releases", OcdsReleasesApi.as_view(), name="api-ocds-releases"),
    path("ocds/records/<str:ocid>", OcdsRecordApi.as_view(), name="api-ocds-record"),
]
