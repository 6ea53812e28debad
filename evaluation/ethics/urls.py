from __future__ import annotations

from django.urls import path

from evaluation.ethics import views

P = "follow-ups/<int:plan_id>/"

urlpatterns = [
    path("workspace/notices/<int:pk>/ethical-trade/", views.terms_page, name="ethical-terms"),
    path("follow-ups/", views.follow_up_list, name="follow-ups"),
    path(P, views.follow_up_page, name="follow-up"),
    path(P + "report/", views.follow_up_report, name="follow-up-report"),
    path(P + "review/", views.follow_up_review, name="follow-up-review"),
    path(P + "close/", views.follow_up_close, name="follow-up-close"),
]
