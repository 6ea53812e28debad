"""The evaluation app's API routes (namespace "evaluation-api"); each feature has its own."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

app_name = "evaluation-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("evaluation.criteria.api_urls")),
    path("", include("evaluation.library.api_urls")),
    path("", include("evaluation.ethics.api_urls")),
    path("", include("evaluation.statistics.api_urls")),
]
