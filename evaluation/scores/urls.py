from __future__ import annotations

from django.urls import path

from evaluation.scores import views

app_name = "scores"
LOT = "notices/<int:pk>/lots/<int:lot>/"
urlpatterns = [
    path(LOT + "prices/", views.prices_page, name="prices"),
    path(LOT + "prices/import/", views.prices_import, name="prices-import"),
    path(LOT + "scores/", views.scores_page, name="scores"),
    path(LOT + "scores/complete/", views.scoring_complete, name="scoring-complete"),
    path(LOT + "consensus/", views.consensus_page, name="consensus"),
    path(LOT + "ranking/", views.ranking_page, name="ranking"),
    path(LOT + "ranking/reopen/", views.ranking_reopen, name="reopen"),
]
