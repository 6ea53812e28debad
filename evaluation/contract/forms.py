"""The contract page's forms: they only carry the values; the services validate them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.award.models import AwardWinner, SuspensionKind


class SuspensionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was received"), choices=SuspensionKind.choices,
                             widget=forms.RadioSelect)
    complainant = forms.CharField(label=_("From"), max_length=200,
                                  help_text=_("The supplier or the court."))
    received_on = forms.DateField(label=_("Received"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("What it concerns"), max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("How it was resolved"), max_length=20000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ContractForm(forms.Form):
    supplier = forms.ChoiceField(label=_("Supplier"))
    title = forms.CharField(label=_("Title of the contract"), max_length=300)
    value = forms.CharField(label=_("Value (NOK, excl. VAT)"), max_length=40,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    signed_on = forms.DateField(label=_("Signed"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    starts_on = forms.DateField(label=_("Starts"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    duration_months = forms.IntegerField(label=_("Duration (months)"), required=False,
                                         min_value=1, max_value=1200)
    options = forms.CharField(label=_("Options and extensions"), required=False,
                              max_length=20000, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=_("The signed contract"),
                               help_text=_("Its SHA-256 is computed when it is stored."))

    def __init__(self, *args: Any, winners: list[AwardWinner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["supplier"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(str(w.supplier_id), w.supplier.name) for w in winners]
