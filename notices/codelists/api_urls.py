from __future__ import annotations

from django.urls import path

from notices.codelists import apis

urlpatterns = [
    path("codes/cpv/", apis.CpvCodeListApi.as_view(), name="api-codes-cpv"),
    path("codes/nuts/", apis.NutsCodeListApi.as_view(), name="api-codes-nuts"),
]
