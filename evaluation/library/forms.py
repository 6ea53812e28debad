from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.library.models import Ambition, Area, Use


class TemplateForm(forms.Form):
    """An authority's own template (or a new version of one): the fields the service
    checks; the service is the one that decides."""

    area = forms.ChoiceField(label=_("Product area"), choices=Area.choices)
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices)
    ambition = forms.ChoiceField(label=_("Level of ambition"), choices=Ambition.choices)
    cpv_prefixes = forms.CharField(
        label=_("CPV prefixes"), required=False, max_length=400,
        help_text=_("The beginnings of the CPV codes the template fits, separated by spaces "
                    "(e.g. 3413 9091). Empty: it fits any procurement."))
    title_nb = forms.CharField(label=_("Title (bokmål)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    text_nb = forms.CharField(label=_("Text (bokmål)"), widget=forms.Textarea(attrs={"rows": 4}))
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 4}))
    documentation_nb = forms.CharField(label=_("Documentation from the supplier (bokmål)"),
                                       required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    documentation_en = forms.CharField(label=_("Documentation from the supplier (English)"),
                                       required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    verification_nb = forms.CharField(label=_("How the buyer verifies (bokmål)"),
                                      required=False, widget=forms.Textarea(attrs={"rows": 2}))
    verification_en = forms.CharField(label=_("How the buyer verifies (English)"),
                                      required=False, widget=forms.Textarea(attrs={"rows": 2}))
    counts_for_climate = forms.BooleanField(label=_("Counts towards FOA § 7-9"),
                                            required=False)
    climate_code = forms.ChoiceField(label=_("Climate declaration"), required=False)
    suggested_weight = forms.IntegerField(label=_("Suggested weight (%)"), required=False,
                                          min_value=1, max_value=99,
                                          help_text=_("Award criteria only."))
    source = forms.CharField(label=_("Source"), max_length=2000)
    source_url = forms.URLField(label=_("Source address"), required=False, max_length=490,
                                 assume_scheme="https")

    def __init__(self, *args: Any, climate_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["climate_code"].choices = [("", "—"), *climate_choices]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["cpv_prefixes"] = str(data.get("cpv_prefixes") or "")
        return data


def template_initial(template: Any) -> dict[str, Any]:
    names = [name for name in TemplateForm.base_fields]
    initial = {name: getattr(template, name) for name in names}
    initial["cpv_prefixes"] = " ".join(template.cpv_prefixes or [])
    return initial
