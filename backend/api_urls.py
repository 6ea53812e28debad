from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up code as a file: the CSP allows no inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.api_urls")),
    path("", include("notices.api_urls")),
    path("", include("bids.api_urls")),
    path("", include("evaluation.api_urls")),
    path("", include("evaluation.scores.api_urls")),
    path("", include("evaluation.award.api_urls")),
    path("", include("evaluation.espd.api_urls")),
    path("", include("evaluation.lot_api_urls")),
    path("", include("evaluation.contract.api_urls")),
    path("", include("evaluation.protocol.api_urls")),
    path("", include("evaluation.audits.api_urls")),
]
