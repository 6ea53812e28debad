from __future__ import annotations

from django.urls import path

from notices.following import views

app_name = "following"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
    path("saved-searches/", views.saved_search_list, name="saved-searches"),
    path("saved-searches/<int:pk>/delete/", views.saved_search_delete,
         name="saved-search-delete"),
    path("notices/<int:pk>/follow/", views.follow_toggle, name="follow"),
]
