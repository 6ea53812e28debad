"""The daily open-data exports: one row per day and format, pointing at a file in storage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    OCDS = "ocds", _("OCDS release package (JSON)")
    EFORMS = "eforms", _("eForms notices (ZIP of XML files)")


class OpenDataExport(models.Model):
    """The notices of one day (Oslo time) in one format. A day without releases has a row
    with count 0 and no file, so the job knows it is done."""

    day = models.DateField(_("day"))
    format = models.CharField(_("format"), max_length=16, choices=ExportFormat.choices)
    path = models.CharField(_("file"), max_length=300, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    count = models.PositiveIntegerField(_("releases or notices"), default=0)
    created_at = models.DateTimeField(_("written"))

    class Meta:
        app_label = "notices"
        ordering = ["-day", "format"]
        constraints = [models.UniqueConstraint(fields=["day", "format"],
                                               name="open_data_export_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.format}"

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]
