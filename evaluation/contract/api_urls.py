from __future__ import annotations

from django.urls import path

from evaluation.contract import apis

N = "notices/<int:notice_id>/award/"
L = N + "lots/<int:lot>/contract"
urlpatterns = [
    path(L, apis.LotContractApi.as_view(), name="api-contract-lot"),
    path(L + "/suspensions", apis.SuspensionsApi.as_view(), name="api-contract-suspensions"),
    path(L + "/sign", apis.ContractSignApi.as_view(), name="api-contract-sign"),
    path(N + "suspensions/<int:suspension_id>/lift", apis.SuspensionLiftApi.as_view(),
         name="api-contract-suspension-lift"),
    path(N + "contracts/<int:contract_id>/document", apis.ContractDocumentApi.as_view(),
         name="api-contract-document"),
    path(N + "notice", apis.AwardNoticePublishApi.as_view(), name="api-contract-award-notice"),
]
