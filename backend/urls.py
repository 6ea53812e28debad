from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

handler404 = "backend.exceptions.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("backend.api_urls")),
    path("accounts/", include("accounts.urls")),
    path("feeds/", include("notices.exports.feed_urls")),
    path("", include("notices.following.urls")),
    path("", include("notices.questions.urls")),
    path("bids/", include("bids.urls")),
    path("", include("notices.urls")),
]
