from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from notices.following.services import on_notice_changed as notify_followers
        from notices.search.tasks import on_notice_changed as update_search_index
        from notices.signals import notice_changed

        notice_changed.connect(notify_followers, dispatch_uid="notices.following.services")
        notice_changed.connect(update_search_index, dispatch_uid="notices.search_index")
