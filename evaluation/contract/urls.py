"""The contract stage's web routes (namespace "contract")."""

from __future__ import annotations

from django.urls import path

from evaluation.contract import views

app_name = "contract"
N = "evaluation/notices/<int:pk>/"
L = N + "lots/<int:lot>/contract/"
urlpatterns = [
    path(L, views.lot_page, name="lot"),
    path(L + "suspensions/", views.suspension_record, name="suspension-record"),
    path(L + "suspensions/<int:suspension_id>/lift/", views.suspension_lift,
         name="suspension-lift"),
    path(L + "sign/", views.contract_sign, name="sign"),
    path(N + "contracts/<int:contract_id>/document/", views.contract_document,
         name="document"),
    path(N + "award-notice/", views.award_notice_publish, name="award-notice-publish"),
]
