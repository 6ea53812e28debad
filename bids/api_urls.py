from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from bids import apis, integrity

S = "notices/<int:notice_id>/submissions/<uuid:submission_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("notices/<int:notice_id>/committee", apis.CommitteeApi.as_view(),
         name="bids-committee"),
    path("notices/<int:notice_id>/committee/members/<int:member_id>/key",
         apis.CommitteeKeyApi.as_view(), name="bids-committee-key"),
    path("notices/<int:notice_id>/committee/members/<int:member_id>/remove",
         apis.CommitteeMemberRemoveApi.as_view(), name="bids-committee-remove"),
    path("notices/<int:notice_id>/manifests", apis.ManifestApi.as_view(),
         name="bids-manifests"),
    path("notices/<int:notice_id>/submissions/", apis.SubmissionListApi.as_view(),
         name="bids-submissions"),
    path("notices/<int:notice_id>/submissions/server-sealed",
         apis.SubmissionServerSealedApi.as_view(), name="bids-server-sealed"),
    path(S, apis.SubmissionDetailApi.as_view(), name="bids-submission"),
    path(S + "parts", apis.SubmissionPartListApi.as_view(), name="bids-parts"),
    path(S + "parts/<int:index>", apis.SubmissionPartApi.as_view(), name="bids-part"),
    path(S + "sealed-shares", apis.SubmissionSharesApi.as_view(), name="bids-shares"),
    path(S + "finalize", apis.SubmissionFinalizeApi.as_view(), name="bids-finalize"),
    path(S + "blob", apis.SubmissionBlobApi.as_view(), name="bids-blob"),
    path(S + "withdraw", apis.SubmissionWithdrawApi.as_view(), name="bids-withdraw"),
    path(S + "receipt", apis.SubmissionReceiptApi.as_view(), name="bids-receipt"),
    path(S + "receipt.html", apis.SubmissionReceiptHtmlApi.as_view(),
         name="bids-receipt-html"),
    path(S + "inclusion-proof", apis.SubmissionInclusionProofApi.as_view(),
         name="bids-inclusion-proof"),
    path("keys/", apis.KeysApi.as_view(), name="bids-keys"),
    path("scripts/", integrity.ScriptListApi.as_view(), name="bids-scripts"),
    path("log/sth", apis.LogSthApi.as_view(), name="bids-log-sth"),
    path("log/consistency", apis.LogConsistencyApi.as_view(), name="bids-log-consistency"),
    path("log/entries/<int:index>", apis.LogEntryApi.as_view(), name="bids-log-entry"),
    path("bench/plain-upload", apis.BenchPlainUploadApi.as_view(), name="bids-bench-plain"),
]

# The opening's own routes (bids/opening/api_urls.py).
urlpatterns += [path("", include("bids.opening.api_urls"))]
