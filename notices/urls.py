from __future__ import annotations

from django.urls import path

from . import downloads

app_name = "notices"
urlpatterns = [
    path("notices/<int:pk>/documents/<int:document_id>/v<int:number>/",
         downloads.document_download, name="document-download"),
]
