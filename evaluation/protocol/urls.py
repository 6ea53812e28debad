"""Web routes of the protocol, the cancellation and the dashboard (included by
evaluation/urls.py, namespace "evaluation")."""

from __future__ import annotations

from django.urls import URLPattern, path

from evaluation.cancellation import views as cancellation
from evaluation.dashboard import views as dashboard
from evaluation.protocol import views

N = "evaluation/notices/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(N + "protocol/", views.protocol_page, name="protocol"),
    path(N + "protocol.pdf", views.protocol_pdf_view, name="protocol-pdf"),
    path(N + "cancel/", cancellation.cancel, name="cancel"),
    path("evaluation/dashboard/", dashboard.dashboard, name="dashboard"),
]
