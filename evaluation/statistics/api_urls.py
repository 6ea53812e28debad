from __future__ import annotations

from django.urls import path

from evaluation.statistics import apis

urlpatterns = [
    path("statistics/", apis.StatisticsApi.as_view(), name="statistics"),
    path("statistics.csv", apis.StatisticsCsvApi.as_view(), name="statistics-csv"),
]
