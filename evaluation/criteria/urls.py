from __future__ import annotations

from django.urls import path

from evaluation.criteria import views

M = "workspace/notices/<int:pk>/evaluation-model/"

urlpatterns = [
    path(M, views.model_page, name="criteria-model"),
    path(M + "lot/", views.lot_edit, name="criteria-lot"),
    path(M + "requirements/", views.requirements_edit, name="criteria-requirements"),
    path(M + "simulate/", views.simulate_page, name="criteria-simulate"),
]
