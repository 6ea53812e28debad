"""The criteria library: reusable sustainability requirements and criteria (issue: point 1).

A template is a row per (key, version): a new version is a new row, the old one stays, so a
notice that copied version 2 can always show what version 2 said. The national library
(owner null) is maintained by platform staff in the admin; an authority adds its own
templates (owner = the authority), which only its own people are offered.

What a notice takes from the library is a copy: an award criterion or a qualification
requirement in the evaluation model (evaluation.criteria), or a SustainabilityClause below
(a specification requirement or a contract condition). Each copy records the template's key
and version (`TemplateApplication`, and the clause's own columns), and a later change to the
library changes nothing in a notice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from notices.models import Notice


class Area(models.TextChoices):
    """Product areas of the government's action plan for green public procurement."""

    BUILDINGS = "buildings", _("Buildings and property management")
    TRANSPORT = "transport", _("Transport and vehicles")
    ICT = "ict", _("ICT equipment")
    TEXTILES = "textiles", _("Textiles and laundry")
    MEDICAL = "medical", _("Medical and hygiene consumables")
    PRINT = "print", _("Print and paper")
    FURNITURE = "furniture", _("Office furniture and supplies")
    CLEANING = "cleaning", _("Cleaning services")
    HOTEL = "hotel", _("Hotel and conference services")
    GENERAL = "general", _("Any procurement")


class Use(models.TextChoices):
    """Where in the procurement the text goes."""

    QUALIFICATION = "qualification", _("Qualification requirement")
    SPECIFICATION = "specification", _("Specification requirement")
    AWARD = "award", _("Award criterion")
    CONTRACT = "contract", _("Contract condition")


class Ambition(models.TextChoices):
    BASIC = "basic", _("Basic")
    ADVANCED = "advanced", _("Advanced")


class CriterionTemplate(models.Model):
    key = models.SlugField(_("key"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Null: the national library (platform staff); else the authority's own template.
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="criterion_templates", verbose_name=_("owner"))
    area = models.CharField(_("product area"), max_length=16, choices=Area.choices)
    # CPV code prefixes the template fits (e.g. "3413" for cars); empty: any CPV code.
    cpv_prefixes = models.JSONField(_("CPV prefixes"), default=list, blank=True)
    use = models.CharField(_("use"), max_length=16, choices=Use.choices)
    ambition = models.CharField(_("level of ambition"), max_length=8, choices=Ambition.choices)
    title_nb = models.CharField(_("title (bokmål)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_nb = models.TextField(_("text (bokmål)"))
    text_en = models.TextField(_("text (English)"))
    documentation_nb = models.TextField(_("documentation from the supplier (bokmål)"),
                                        blank=True)
    documentation_en = models.TextField(_("documentation from the supplier (English)"),
                                        blank=True)
    verification_nb = models.TextField(_("how the buyer verifies (bokmål)"), blank=True)
    verification_en = models.TextField(_("how the buyer verifies (English)"), blank=True)
    # Counts towards the climate and environment rule (FOA § 7-9), and the declaration code
    # (a quality-nor-env-* option of evaluation.criteria.ClimateRule) it supports.
    counts_for_climate = models.BooleanField(_("counts towards FOA § 7-9"), default=False)
    climate_code = models.CharField(_("climate declaration"), max_length=48, blank=True)
    # Award criteria: the weight (%) suggested when the template is added to a lot.
    suggested_weight = models.PositiveSmallIntegerField(_("suggested weight (%)"), null=True,
                                                        blank=True)
    # Qualification requirements: the ESPD criterion the copy maps to.
    espd_code = models.CharField(_("ESPD criterion"), max_length=64, blank=True)
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["area", "key", "-version"]
        verbose_name = _("criterion template")
        verbose_name_plural = _("criterion templates")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"],
                                    name="criterion_template_key_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def title(self, language: str) -> str:
        return self.title_nb if language[:2] == "nb" else self.title_en

    def text(self, language: str) -> str:
        return self.text_nb if language[:2] == "nb" else self.text_en

    def documentation(self, language: str) -> str:
        return self.documentation_nb if language[:2] == "nb" else self.documentation_en

    def verification(self, language: str) -> str:
        return self.verification_nb if language[:2] == "nb" else self.verification_en


class ClauseKind(models.TextChoices):
    SPECIFICATION = "specification", _("Specification requirement")
    CONTRACT = "contract", _("Contract condition")


class SustainabilityClause(models.Model):
    """A specification requirement or contract condition on a notice, copied from a template
    (or written by the officer). Part of every published snapshot ("sustainability_clauses"),
    so it shows on the public notice page and changes only as the notice does."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE,
                               related_name="sustainability_clauses")
    # Null: every lot.
    lot_number = models.PositiveSmallIntegerField(_("lot number"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=ClauseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    documentation = models.TextField(_("documentation from the supplier"), blank=True)
    verification = models.TextField(_("how the buyer verifies"), blank=True)
    counts_for_climate = models.BooleanField(_("counts towards FOA § 7-9"), default=False)
    template_key = models.CharField(_("template"), max_length=80, blank=True)
    template_version = models.PositiveIntegerField(_("template version"), null=True,
                                                   blank=True)

    class Meta:
        ordering = ["notice", "position"]
        constraints = [models.UniqueConstraint(fields=["notice", "position"],
                                               name="sustainability_clause_position_unique")]

    def __str__(self) -> str:
        return self.title


class TemplateApplication(models.Model):
    """Append-only: a template (key and version) copied into a notice, by whom, when, and
    where the copy went (an award criterion, a requirement or a clause, by position)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE,
                               related_name="template_applications")
    template = models.ForeignKey(CriterionTemplate, on_delete=models.PROTECT,
                                 related_name="applications")
    template_key = models.CharField(max_length=80)
    template_version = models.PositiveIntegerField()
    lot_number = models.PositiveSmallIntegerField(null=True, blank=True)
    use = models.CharField(max_length=16, choices=Use.choices)
    position = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["notice", "at"]

    def __str__(self) -> str:
        return f"{self.template_key} v{self.template_version} → {self.notice_id}"
