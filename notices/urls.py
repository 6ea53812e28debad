from __future__ import annotations

from django.urls import path

from notices import views
from notices.documents import apis as downloads

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("notices/<int:pk>/", views.notice_detail, name="detail"),
    path("notices/<int:pk>/documents/<int:document_id>/v<int:number>/",
         downloads.document_download, name="document-download"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/notices/new/", views.notice_create, name="workspace-notice-create"),
    path("workspace/notices/<int:pk>/", views.notice_preview, name="workspace-notice-preview"),
    path("workspace/notices/<int:pk>/edit/", views.notice_edit, name="workspace-notice-edit"),
    path("workspace/notices/<int:pk>/publish/", views.notice_publish,
         name="workspace-notice-publish"),
    path("workspace/notices/<int:pk>/kind/", views.notice_kind_change,
         name="workspace-notice-kind"),
    path("workspace/notices/<int:pk>/documents/", views.notice_documents,
         name="workspace-notice-documents"),
    path("workspace/notices/<int:pk>/change/", views.notice_change,
         name="workspace-notice-change"),
    path("workspace/notices/<int:pk>/delete/", views.notice_delete,
         name="workspace-notice-delete"),
]
