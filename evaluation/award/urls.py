from __future__ import annotations

from django.urls import path

from evaluation.award import views

app_name = "award"
LOT = "notices/<int:pk>/lots/<int:lot>/award/"
urlpatterns = [
    path(LOT, views.award_page, name="lot"),
    path(LOT + "draft/", views.award_draft, name="draft"),
    path(LOT + "update/", views.award_update, name="update"),
    path(LOT + "send/", views.award_send, name="send"),
    path(LOT + "withdraw/", views.award_withdraw, name="withdraw"),
    path("award-letters/<int:letter_id>/", views.letter_page, name="letter"),
    path("award-letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter-pdf"),
]
