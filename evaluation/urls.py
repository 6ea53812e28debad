"""The evaluation app's web routes (namespace "evaluation"): the evaluation model on the
notice (evaluation.criteria), and the evaluation after opening under /evaluation/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from evaluation import views

app_name = "evaluation"

N = "evaluation/notices/<int:pk>/"
L = N + "lots/<int:lot>/"
B = N + "bids/<uuid:submission_id>/"
C = "evaluation/clarifications/<int:clarification_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("evaluation.criteria.urls")),
    path("", include("evaluation.protocol.urls")),
    path("", include("evaluation.library.urls")),
    path("", include("evaluation.ethics.urls")),
    path("", include("evaluation.statistics.urls")),
    path(N, views.overview, name="overview"),
    path(N + "start/", views.start, name="start"),
    path(N + "declaration/", views.declare, name="declare"),
    path(N + "advisers/", views.adviser_add, name="adviser-add"),
    path(N + "advisers/<int:adviser_id>/remove/", views.adviser_remove, name="adviser-remove"),
    path(L, views.qualification_page, name="qualification"),
    path(L + "complete/", views.complete, name="complete"),
    path(L + "abnormally-low/", views.abnormally_low, name="abnormally-low"),
    path(L + "abnormally-low/<uuid:submission_id>/ask/", views.abnormally_low_ask,
         name="abnormally-low-ask"),
    path(L + "abnormally-low/<uuid:submission_id>/accept/", views.abnormally_low_accept,
         name="abnormally-low-accept"),
    path(B, views.bid_page, name="bid"),
    path(B + "assess/", views.assess, name="assess"),
    path(B + "clarify/", views.clarify, name="clarify"),
    path(B + "reject/", views.reject, name="reject"),
    path(B + "files/<int:index>/", views.bid_file, name="bid-file"),
    path(B + "letter/", views.letter, name="letter"),
    path(C, views.clarification_page, name="clarification"),
    path(C + "attachment/", views.clarification_attachment, name="clarification-attachment"),
]
