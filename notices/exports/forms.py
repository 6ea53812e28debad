"""Web forms of the open-data features: the eForms upload of an authority."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class EformsImportForm(forms.Form):
    file = forms.FileField(label=_("eForms notice (XML)"), help_text=_(
        "A prior information, contract or contract award notice in eForms (EU subtypes or "
        "the Norwegian E2, E3, E4), for example one you published on Doffin or TED."))
    buyer = forms.ModelChoiceField(label=_("Contracting authority"),
                                   queryset=Organization.objects.none(), empty_label=None)

    def __init__(self, *args: Any, buyers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["buyer"]
        field.queryset = buyers  # type: ignore[attr-defined]
        self._only_buyer = buyers.first() if buyers.count() == 1 else None
        if self._only_buyer is not None:
            # One authority: nothing to choose.
            field.widget = forms.HiddenInput()
            field.required = False
            field.initial = self._only_buyer.pk

    def clean_buyer(self) -> Organization | None:
        return self.cleaned_data.get("buyer") or self._only_buyer
