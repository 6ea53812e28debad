from __future__ import annotations

from django.urls import path

from . import following_views, question_views

app_name = "following"
urlpatterns = [
    path("inbox/", following_views.inbox, name="inbox"),
    path("inbox/read/", following_views.inbox_read, name="inbox-read"),
    path("saved-searches/", following_views.saved_search_list, name="saved-searches"),
    path("saved-searches/<int:pk>/delete/", following_views.saved_search_delete,
         name="saved-search-delete"),
    path("notices/<int:pk>/follow/", following_views.follow_toggle, name="follow"),
    path("notices/<int:pk>/questions/ask/", question_views.question_ask, name="question-ask"),
    path("workspace/notices/<int:pk>/questions/", question_views.question_queue,
         name="question-queue"),
    path("workspace/notices/<int:pk>/extend-deadline/", question_views.deadline_extend,
         name="extend-deadline"),
    path("workspace/questions/<int:question_id>/answer/", question_views.question_answer,
         name="question-answer"),
    path("workspace/questions/<int:question_id>/merge/", question_views.question_merge,
         name="question-merge"),
]
