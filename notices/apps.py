from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from .following import on_notice_changed as notify_followers
        from .signals import notice_changed
        from .tasks import on_notice_changed as update_search_index

        notice_changed.connect(notify_followers, dispatch_uid="notices.following")
        notice_changed.connect(update_search_index, dispatch_uid="notices.search_index")
