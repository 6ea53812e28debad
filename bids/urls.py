from __future__ import annotations

from django.urls import path

from bids import views

app_name = "bids"

N = "notices/<int:pk>/"

urlpatterns = [
    path("tasks/", views.my_tasks, name="tasks"),
    path(N + "committee/remind/", views.committee_remind, name="committee-remind"),
    path(N + "committee/", views.committee_page, name="committee"),
    path(N + "committee/<int:member_id>/key/", views.enrol_page, name="enrol"),
    path(N + "bid/", views.bid_page, name="bid"),
    path(N + "bid/<uuid:submission_id>/withdraw/", views.bid_withdraw, name="withdraw"),
    path(N + "bid/<uuid:submission_id>/receipt/", views.receipt_page, name="receipt"),
    path(N + "opening/", views.opening_page, name="opening"),
    path(N + "opening/start/", views.opening_start_view, name="opening-start"),
    path(N + "opening/resume/", views.opening_resume_view, name="opening-resume"),
    path(N + "opening/protocol/", views.protocol_page, name="protocol"),
    path(N + "opening/protocol.pdf", views.protocol_pdf_view, name="protocol-pdf"),
    path(N + "opening/bids/<uuid:submission_id>/bid.tar", views.opened_download,
         name="opened-tar"),
    path(N + "opening/bids/<uuid:submission_id>/files/<int:index>/", views.opened_download,
         name="opened-file"),
]
