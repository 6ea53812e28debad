from __future__ import annotations

from django.urls import path

from evaluation.award import apis

LOT = "notices/<int:notice_id>/evaluation/lots/<int:lot>/award"
urlpatterns = [
    path(LOT, apis.LotAwardApi.as_view(), name="api-award"),
    path(LOT + "/draft", apis.AwardDraftApi.as_view(), name="api-award-draft"),
    path(LOT + "/send", apis.AwardSendApi.as_view(), name="api-award-send"),
    path(LOT + "/withdraw", apis.AwardWithdrawApi.as_view(), name="api-award-withdraw"),
    path(LOT + "/letters", apis.LotLettersApi.as_view(), name="api-award-lot-letters"),
    path("award-letters", apis.MyLettersApi.as_view(), name="api-award-letters"),
    path("award-letters/<int:letter_id>", apis.LetterApi.as_view(), name="api-award-letter"),
    path("award-letters/<int:letter_id>/pdf", apis.LetterPdfApi.as_view(),
         name="api-award-letter-pdf"),
]
