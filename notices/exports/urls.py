from __future__ import annotations

from django.urls import path

from notices.exports import views

app_name = "opendata"
urlpatterns = [
    path("workspace/import/", views.eforms_import_page, name="eforms-import"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/<str:day>/<str:format>/", views.open_data_file, name="open-data-file"),
]
