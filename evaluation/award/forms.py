"""The award page's forms: they collect the input; the services validate it and name the
field of every problem, which the view puts next to that field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.award.models import AwardOutcome, StandstillException
from evaluation.award.services import MAX_TEXT


class DraftForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AwardOutcome.choices,
                                widget=forms.RadioSelect)
    winners = forms.MultipleChoiceField(
        label=_("Winning offers"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("One for a contract; two or more for a framework agreement with several "
                    "suppliers; none when nothing is awarded."))
    letter_text = forms.CharField(
        label=_("The winning offer's characteristics and relative advantages"), required=False,
        max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Per criterion, in words: points alone are not enough (FOA § 25-1). "
                    "Pre-filled from the committee's consensus reasons; quoted in every "
                    "letter as written."))
    price_justification = forms.CharField(
        label=_("Justification of a higher price"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when a winner is not the cheapest offer."))
    no_award_reason = forms.CharField(
        label=_("Reason for not awarding"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when nothing is awarded."))
    standstill_exception = forms.ChoiceField(
        label=_("Exception from the standstill period"), required=False,
        choices=StandstillException.choices)
    standstill_justification = forms.CharField(
        label=_("Justification of the exception"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with an exception."))

    def __init__(self, *args: Any, winner_choices: list[tuple[str, str]], **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["winners"].choices = winner_choices  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the withdrawal"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("At least 20 characters; every bidder reads it."))
