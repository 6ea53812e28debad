from __future__ import annotations

from django.urls import path

from evaluation.library import views

M = "workspace/notices/<int:pk>/evaluation-model/library/"
OWN = "workspace/criteria-library/"

urlpatterns = [
    path(M + "apply/", views.apply, name="library-apply"),
    path(M + "clauses/<int:position>/remove/", views.clause_remove,
         name="library-clause-remove"),
    path(OWN, views.own_templates, name="library-own"),
    path(OWN + "<slug:key>/new-version/", views.own_template_version, name="library-own-version"),
]
