from __future__ import annotations

from django.urls import path

from bids.opening import apis

OPEN = "openings/<uuid:session_id>/"
urlpatterns = [
    path("notices/<int:notice_id>/opening", apis.OpeningStartApi.as_view(),
         name="bids-opening-start"),
    path(OPEN, apis.OpeningStatusApi.as_view(), name="bids-opening"),
    path(OPEN + "my-shares", apis.MemberSharesApi.as_view(), name="bids-opening-my-shares"),
    path(OPEN + "shares", apis.SendSharesApi.as_view(), name="bids-opening-shares"),
    path(OPEN + "resume", apis.ResumeApi.as_view(), name="bids-opening-resume"),
    path(OPEN + "renew-key", apis.RenewKeyApi.as_view(), name="bids-opening-renew-key"),
    path(OPEN + "bids/<uuid:submission_id>/tar", apis.OpenedTarApi.as_view(),
         name="bids-opened-tar"),
    path(OPEN + "bids/<uuid:submission_id>/files/<int:index>", apis.OpenedFileApi.as_view(),
         name="bids-opened-file"),
]
