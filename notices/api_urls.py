from __future__ import annotations

from django.urls import path

from . import apis, downloads

urlpatterns = [
    path("notices/", apis.NoticeListCreateApi.as_view(), name="api-notice-list"),
    path("notices/<int:pk>/", apis.NoticeDetailApi.as_view(), name="api-notice-detail"),
    path("notices/<int:pk>/publish/", apis.NoticePublishApi.as_view(), name="api-notice-publish"),
    path("notices/<int:pk>/changes/", apis.NoticeChangeApi.as_view(), name="api-notice-change"),
    path("notices/<int:pk>/cancel/", apis.NoticeCancelApi.as_view(), name="api-notice-cancel"),
    path("notices/<int:pk>/versions/", apis.NoticeVersionListApi.as_view(),
         name="api-notice-versions"),
    path("notices/<int:pk>/documents/", apis.DocumentListCreateApi.as_view(),
         name="api-notice-documents"),
    path("notices/<int:pk>/documents/<int:document_id>/versions/<int:number>/download/",
         downloads.document_download, name="api-document-download"),
]
from . import export_apis  # noqa: E402, I001  (open-data exports)
urlpatterns += export_apis.urlpatterns
from . import following_apis, question_apis  # noqa: E402, I001  (follow, inbox, saved searches, questions)
urlpatterns += [
    path("notices/<int:pk>/follow/", following_apis.FollowApi.as_view(), name="api-notice-follow"),
    path("inbox/", following_apis.InboxListApi.as_view(), name="api-inbox"),
    path("inbox/read/", following_apis.InboxReadApi.as_view(), name="api-inbox-read"),
    path("inbox/<int:pk>/read/", following_apis.InboxMessageReadApi.as_view(),
         name="api-inbox-message-read"),
    path("saved-searches/", following_apis.SavedSearchListCreateApi.as_view(),
         name="api-saved-searches"),
    path("saved-searches/<int:pk>/", following_apis.SavedSearchDetailApi.as_view(),
         name="api-saved-search"),
    path("notices/<int:pk>/questions/", question_apis.NoticeQuestionsApi.as_view(),
         name="api-notice-questions"),
    path("questions/<int:pk>/answer/", question_apis.QuestionAnswerApi.as_view(),
         name="api-question-answer"),
    path("questions/<int:pk>/merge/", question_apis.QuestionMergeApi.as_view(),
         name="api-question-merge"),
    path("notices/<int:pk>/extend-deadline/", question_apis.NoticeExtendDeadlineApi.as_view(),
         name="api-notice-extend-deadline"),
]
from . import code_apis  # noqa: E402, I001  (CPV / NUTS type-ahead)
urlpatterns += [
    path("codes/cpv/", code_apis.CpvCodeListApi.as_view(), name="api-codes-cpv"),
    path("codes/nuts/", code_apis.NutsCodeListApi.as_view(), name="api-codes-nuts"),
]
from . import code_apis  # noqa: E402, I001  (CPV / NUTS type-ahead)
urlpatterns += [
    path("codes/cpv/", code_apis.CpvCodeListApi.as_view(), name="api-codes-cpv"),
    path("codes/nuts/", code_apis.NutsCodeListApi.as_view(), name="api-codes-nuts"),
]
