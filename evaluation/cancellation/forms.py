from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.cancellation.grounds import CancellationGround, cancellation_paragraph


class CancelForm(forms.Form):
    ground = forms.ChoiceField(label=_("Legal ground (saklig grunn)"), choices=[],
                               widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons for the cancellation"), max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Published on the notice and sent to everyone who "
                                          "took part."))
    confirm = forms.BooleanField(label=_("I understand that the cancellation is published at "
                                         "once and cannot be undone."))

    def __init__(self, *args: Any, regime: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        paragraph = cancellation_paragraph(regime)
        self.fields["ground"].choices = [  # type: ignore[attr-defined]
            (value, f"{label} ({paragraph})") for value, label in CancellationGround.choices]
