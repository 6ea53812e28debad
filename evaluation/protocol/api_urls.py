"""API routes of the protocol, the cancellation and the dashboard (included by
backend/api_urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from evaluation.cancellation import apis as cancellation
from evaluation.dashboard import apis as dashboard
from evaluation.protocol import apis

N = "evaluation/notices/<int:notice_id>/"

urlpatterns: list[URLPattern] = [
    path(N + "protocol", apis.ProtocolApi.as_view(), name="api-evaluation-protocol"),
    path(N + "protocol.pdf", apis.ProtocolPdfApi.as_view(), name="api-evaluation-protocol-pdf"),
    path(N + "cancel", cancellation.CancelApi.as_view(), name="api-evaluation-cancel"),
    path("evaluation/dashboard", dashboard.DashboardApi.as_view(),
         name="api-evaluation-dashboard"),
]
