from __future__ import annotations

from django.urls import path

from notices.following import apis

urlpatterns = [
    path("notices/<int:pk>/follow/", apis.FollowApi.as_view(), name="api-notice-follow"),
    path("inbox/", apis.InboxListApi.as_view(), name="api-inbox"),
    path("inbox/read/", apis.InboxReadApi.as_view(), name="api-inbox-read"),
    path("inbox/<int:pk>/read/", apis.InboxMessageReadApi.as_view(),
         name="api-inbox-message-read"),
    path("saved-searches/", apis.SavedSearchListCreateApi.as_view(), name="api-saved-searches"),
    path("saved-searches/<int:pk>/", apis.SavedSearchDetailApi.as_view(),
         name="api-saved-search"),
]
