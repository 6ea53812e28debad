from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from backend import health

handler404 = "backend.exceptions.not_found"

urlpatterns = [
    # Health checks of the production profile (backend/health.py, docs/operations.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("backend.api_urls")),
    path("accounts/", include("accounts.urls")),
    path("feeds/", include("notices.exports.feed_urls")),
    path("", include("notices.exports.urls")),
    path("", include("notices.following.urls")),
    path("", include("notices.questions.urls")),
    path("bids/", include("bids.urls")),
    path("", include("evaluation.urls")),
    path("evaluation/", include("evaluation.scores.urls")),
    path("evaluation/", include("evaluation.award.urls")),
    path("", include("evaluation.contract.urls")),
    path("", include("evaluation.audits.urls")),
    path("", include("notices.urls")),
]
