from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from notices.following.services import on_notice_changed as notify_followers
        from notices.signals import notice_changed

        notice_changed.connect(notify_followers, dispatch_uid="notices.following.services")
        # Register on import: the ocid-prefix system check and the daily open-data task
        # (a periodic task of CELERY_BEAT_SCHEDULE).
        import notices.exports.checks
        import notices.exports.tasks
        import notices.search.tasks  # noqa: F401  (the outbox pruning task)
