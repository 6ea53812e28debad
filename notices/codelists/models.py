"""CPV 2008 and NUTS 2024 code lists, loaded from the official files (load_codelists)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TreeCode(models.Model):
    """An entry of a hierarchical code list: its level and its parent in the tree."""

    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", db_constraint=False)

    class Meta:
        abstract = True
        ordering = ["code"]


class CpvCode(TreeCode):
    """A CPV 2008 code: 8 digits as eForms uses them, with its place in the tree."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    check_digit = models.CharField(_("check digit"), max_length=1)
    label_en = models.CharField(_("label (English)"), max_length=400)
    label_nb = models.CharField(_("label (Norwegian)"), max_length=400)

    class Meta(TreeCode.Meta):
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")

    def __str__(self) -> str:
        return f"{self.code}-{self.check_digit} {self.label_en}"


class NutsCode(TreeCode):
    """A NUTS 2024 region (country, level 1, 2 and 3 codes)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    country = models.CharField(_("country"), max_length=2)
    label = models.CharField(_("label"), max_length=200)

    class Meta(TreeCode.Meta):
        verbose_name = _("NUTS code")
        verbose_name_plural = _("NUTS codes")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
