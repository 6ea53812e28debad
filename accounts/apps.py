from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from backend.text import guard_text_on_save

        # Installed once, here, because every other app depends on accounts.
        pre_save.connect(guard_text_on_save, dispatch_uid="backend.text.guard")
