from __future__ import annotations

from django.urls import path

from evaluation.scores import apis

LOT = "notices/<int:notice_id>/evaluation/lots/<int:lot>/"
urlpatterns = [
    path(LOT + "prices", apis.PricesApi.as_view(), name="api-evaluation-prices"),
    path(LOT + "prices/import", apis.PricesImportApi.as_view(),
         name="api-evaluation-prices-import"),
    path(LOT + "scores", apis.ScoresApi.as_view(), name="api-evaluation-scores"),
    path(LOT + "scores/submit", apis.ScoresSubmitApi.as_view(),
         name="api-evaluation-scores-submit"),
    path(LOT + "scores/complete", apis.ScoringCompleteApi.as_view(),
         name="api-evaluation-scoring-complete"),
    path(LOT + "consensus", apis.ConsensusApi.as_view(), name="api-evaluation-consensus"),
    path(LOT + "ranking", apis.RankingApi.as_view(), name="api-evaluation-ranking"),
    path(LOT + "ranking/reopen", apis.RankingReopenApi.as_view(),
         name="api-evaluation-reopen"),
]
