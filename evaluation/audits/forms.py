"""The audit pages' forms: they only carry the values; the services validate them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.audits.models import AuditKind, AuditPerformer, SanctionKind, Severity

DATE = forms.DateInput(attrs={"type": "date"})


def _text(label: Any, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, max_length=20000, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}))


class AuditPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AuditKind.choices)
    performed_by = forms.ChoiceField(label=_("Performed by"), choices=AuditPerformer.choices)
    auditor_name = forms.CharField(label=_("Auditor"), max_length=200, required=False,
                                   help_text=_("Required for a third party."))
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)
    purpose = _text(_("Purpose"))


class AuditCompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed"), widget=DATE)
    summary = _text(_("Summary"))


class FindingForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = _text(_("Description"))


class ActionRequestForm(forms.Form):
    requirement = _text(_("What must be corrected"))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


class ProposalForm(forms.Form):
    proposal = _text(_("Your corrective action plan"))


class AnswerForm(forms.Form):
    answer = _text(_("Answer"), required=False, rows=2)


class CompletionReportForm(forms.Form):
    report = _text(_("What was done (completion report)"))


class CloseForm(forms.Form):
    note = _text(_("How it was done"), rows=2)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Sanction"), choices=SanctionKind.choices)
    reason = _text(_("Reason"))
    details = _text(_("Details"), required=False, rows=2)


class ShareForm(forms.Form):
    organization = forms.IntegerField(label=_("Authority"), min_value=1)


class PublishForm(forms.Form):
    public_summary = _text(_("Public summary"))


class RelyForm(forms.Form):
    audit = forms.IntegerField(label=_("Audit"), min_value=1)
    reason = _text(_("Reason"), rows=2)


class CancelForm(forms.Form):
    reason = _text(_("Reason"), rows=2)
