"""External advisers of an evaluation: people outside the buyer's organisation whom a
procurement officer names for one procurement (a consultant, a technical expert). A named
adviser counts as an evaluator (evaluation.permissions.is_evaluator), so the adviser too
declares impartiality before seeing any bid content.

The declarations themselves are evaluation.models.ImpartialityDeclaration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notices.models import Notice


class ExternalAdviser(models.Model):
    """One person named as an adviser for one procurement, until removed."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="advisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="adviser_seats")
    role = models.CharField(_("what the adviser does"), max_length=300)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    removed_reason = models.TextField(_("reason for the removal"), max_length=2000,
                                      blank=True)

    class Meta:
        ordering = ["notice", "added_at", "pk"]
        verbose_name = _("external adviser")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"],
                                    condition=models.Q(removed_at__isnull=True),
                                    name="external_adviser_active_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.notice_id} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None
