from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "bids"
    verbose_name = _("Sealed bids")

    def ready(self) -> None:
        from bids.committee import committee_problems, committee_warnings, on_notice_changed
        from bids.submission import on_notice_changed as on_notice_changed_submissions
        from notices.rules import publish_checks
        from notices.signals import notice_changed

        publish_checks.register(committee_problems)
        publish_checks.register_warning(committee_warnings)
        notice_changed.connect(on_notice_changed, dispatch_uid="bids.manifest")
        notice_changed.connect(on_notice_changed_submissions, dispatch_uid="bids.deadline")
