from __future__ import annotations

from django.urls import path

from notices.questions import views

app_name = "questions"
urlpatterns = [
    path("notices/<int:pk>/questions/ask/", views.question_ask, name="question-ask"),
    path("workspace/notices/<int:pk>/questions/", views.question_queue, name="question-queue"),
    path("workspace/notices/<int:pk>/extend-deadline/", views.deadline_extend,
         name="extend-deadline"),
    path("workspace/questions/<int:question_id>/answer/", views.question_answer,
         name="question-answer"),
    path("workspace/questions/<int:question_id>/merge/", views.question_merge,
         name="question-merge"),
]
