from __future__ import annotations

from django.urls import path

from evaluation.statistics import views

urlpatterns = [
    path("statistics/", views.statistics_page, name="statistics"),
]
