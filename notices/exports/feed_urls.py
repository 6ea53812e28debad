from __future__ import annotations

from django.urls import path

from notices.exports import feeds

app_name = "feeds"
urlpatterns = [
    path("notices/", feeds.AllNoticesFeed(), name="notices"),
    path("cpv/<str:division>/", feeds.CpvDivisionFeed(), name="cpv"),
    path("saved/<str:token>/", feeds.SavedSearchFeed(), name="saved"),
]
