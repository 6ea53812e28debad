"""Web forms for notices. They shape input for the services, which validate and write."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from backend.formatting import format_oslo
from notices.fields import EDITABLE_FIELDS
from notices.models import (
    ContractType,
    Notice,
    NoticeKind,
    NoticeStatus,
    ProcedureType,
    TenderDocument,
)
from notices.selectors import PUBLIC_STATUSES, NoticeFilters

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def local_input(value: datetime | None) -> str:
    """A datetime as the value of a datetime-local input, in Norwegian time."""
    return format_oslo(value, "input", empty="")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "short", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


def code_picker(codelist: str, *, short: bool = False, multiple: bool = False) -> forms.TextInput:
    """A text input that codepicker.js turns into a type-ahead over `codelist` (cpv, nuts)."""
    attrs = {"class": "short"} if short else {}
    attrs["data-codepicker"] = codelist
    if multiple:
        attrs["data-codepicker-multiple"] = ""
    return forms.TextInput(attrs=attrs)


def _code_of(value: str, pattern: str, message: StrOrPromise) -> str:
    """The code that `value` starts with (group 1 of `pattern`), "" for blank, else invalid."""
    match = re.match(pattern, value)
    if value and not match:
        raise forms.ValidationError(message)
    return match.group(1) if match else ""


class NoticeSearchForm(forms.Form):
    q = forms.CharField(label=_("Search words"), required=False,
                        widget=forms.TextInput(attrs={"type": "search"}),
                        help_text=_("Words in the title, description or buyer, or a reference."))
    kind = forms.ChoiceField(label=_("Notice type"), required=False,
                             choices=[("", _("All types")), *NoticeKind.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")),
                 *[(s.value, s.label) for s in PUBLIC_STATUSES]])
    # The code pickers let a person type words ("brøyting") and choose a code.
    cpv = forms.CharField(label=_("CPV code"), required=False, max_length=100,
                          help_text=_("E.g. 45000000 for all building works, or type a word."),
                          widget=code_picker("cpv"))
    nuts = forms.CharField(label=_("Place (NUTS)"), required=False, max_length=100,
                           help_text=_("E.g. NO081 for Oslo, or NO for all of Norway."),
                           widget=code_picker("nuts"))
    phase = forms.ChoiceField(
        label=_("Phase"), required=False,
        choices=[("", _("All phases")), ("planning", _("Planning (prior information)")),
                 ("competition", _("Open for tenders")), ("result", _("Results and closed"))])
    buyer = forms.CharField(label=_("Buyer"), required=False, max_length=200,
                            help_text=_("Name or organisation number."))
    deadline_after = forms.DateField(label=_("Deadline from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    deadline_before = forms.DateField(label=_("Deadline until"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    published_after = forms.DateField(label=_("Published from"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    published_before = forms.DateField(label=_("Published until"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    value_min = forms.DecimalField(label=_("Estimated value from (NOK)"), required=False,
                                   min_value=0, max_digits=14, decimal_places=2)
    value_max = forms.DecimalField(label=_("Estimated value up to (NOK)"), required=False,
                                   min_value=0, max_digits=14, decimal_places=2)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False,
        # Short enough for the select at phone width; the help text says the rest.
        help_text=_("Without search words, the newest come first."),
        choices=[("", _("Best match or newest")),
                 ("published", _("Newest first")), ("deadline", _("Deadline, soonest first")),
                 ("relevance", _("Best match"))])

    def clean_cpv(self) -> str:
        return _code_of(str(self.cleaned_data.get("cpv") or "").strip(),
                        r"^(\d{2,8})(?:-\d)?\b",
                        _("Choose a CPV code from the list, or type its digits (e.g. 45000000)."))

    def clean_nuts(self) -> str:
        return _code_of(str(self.cleaned_data.get("nuts") or "").strip().upper(),
                        r"^([A-Z]{2}[0-9A-Z]{0,3})\b",
                        _("Choose a region from the list, or type its NUTS code (e.g. NO081)."))

    def filters(self) -> NoticeFilters:
        """The validated form as search filters; dates are whole days in Norwegian time."""
        data = self.cleaned_data

        def text(name: str) -> str:
            return str(data.get(name) or "").strip()

        def day(name: str, *, end: bool) -> datetime | None:
            value: date | None = data.get(name)
            if value is None:
                return None
            moment = datetime.combine(value, time.max if end else time.min)
            return timezone.make_aware(moment, timezone.get_default_timezone())

        return NoticeFilters(
            q=text("q"), kind=text("kind"), status=text("status"), cpv=text("cpv"),
            nuts=text("nuts").upper(), buyer=text("buyer"), phase=text("phase"),
            sort=text("sort"), deadline_after=day("deadline_after", end=False),
            deadline_before=day("deadline_before", end=True),
            published_after=day("published_after", end=False),
            published_before=day("published_before", end=True),
            value_min=data.get("value_min"), value_max=data.get("value_max"))


def _number_input() -> forms.TextInput:
    return forms.TextInput(attrs={"class": "short", "inputmode": "numeric"})


# Why a notice above the EEA threshold asks for English texts (shown above those fields).
ENGLISH_HELP = _("A notice above the EEA threshold (Part III) is published on TED, the EU's "
                 "journal, which accepts only the official EU languages; Norwegian is not one. "
                 "Give the title, the description and each lot's title in English: TED gets "
                 "them, the Norwegian notice page keeps your Norwegian texts.")


class NoticeForm(forms.Form):
    """The editable fields of a notice; names match notices.fields.EDITABLE_FIELDS."""

    buyer = forms.ModelChoiceField(label=_("Contracting authority"),
                                   queryset=Organization.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Notice type"), choices=NoticeKind.choices,
                             initial=NoticeKind.NATIONAL,
                             help_text=_("The estimated value decides which types fit; the "
                                         "preview tells you if the type does not fit. A draft "
                                         "can change its type and keeps everything else."))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("What is being bought, and the main requirements."))
    contract_type = forms.ChoiceField(label=_("Contract type"),
                                      choices=[("", _("Choose…")), *ContractType.choices])
    procedure_type = forms.ChoiceField(label=_("Procedure"), required=False,
                                       choices=[("", _("Choose…")), *ProcedureType.choices])
    cpv_main = forms.CharField(label=_("Main CPV code"), max_length=10,
                               help_text=_("8 digits, e.g. 45000000 (construction work)."),
                               widget=code_picker("cpv", short=True))
    cpv_additional = forms.CharField(
        label=_("Additional CPV codes"), required=False,
        help_text=_("Separate codes with spaces or commas."),
        widget=code_picker("cpv", multiple=True))
    nuts = forms.CharField(label=_("Place of performance (NUTS code)"), max_length=5,
                           help_text=_("E.g. NO081 for Oslo or NO0A1 for Rogaland."),
                           widget=code_picker("nuts", short=True))
    estimated_value = forms.CharField(
        label=_("Estimated value (NOK, excluding VAT)"), required=False,
        help_text=_("The total for the whole contract period, options included. It decides "
                    "which part of the regulation applies."),
        widget=forms.TextInput(attrs={"class": "short", "inputmode": "decimal"}))
    submission_deadline = forms.CharField(
        label=_("Deadline for tenders"), required=False,
        help_text=_("Norwegian time (Europe/Oslo)."), widget=DateTimeLocalInput())
    question_deadline = forms.CharField(
        label=_("Deadline for questions"), required=False,
        help_text=_("Norwegian time (Europe/Oslo). Must come before the deadline for tenders."),
        widget=DateTimeLocalInput())
    request_deadline = forms.CharField(
        label=_("Deadline for requests to participate"), required=False,
        help_text=_("Restricted, negotiated, dialogue and innovation procedures only. Norwegian "
                    "time (Europe/Oslo). Must come before the deadline for tenders."),
        widget=DateTimeLocalInput())
    accelerated = forms.BooleanField(
        label=_("Shortened deadline (after a prior information notice or in urgency)"),
        required=False)
    accelerated_reason = forms.CharField(
        label=_("Reason for the shortened deadline"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    # Contract terms an eForms contract notice states (required above the EEA threshold).
    duration_months = forms.CharField(
        label=_("Planned duration (months)"), required=False,
        help_text=_("How long the contract runs, options included."), widget=_number_input())
    tender_validity_days = forms.CharField(
        label=_("Tender validity (days)"), required=False,
        help_text=_("How many days tenders stay binding after the deadline (open procedure)."),
        widget=_number_input())
    candidates_min = forms.CharField(
        label=_("Minimum number of candidates"), required=False,
        help_text=_("Two-stage procedures: how many qualified candidates you invite at least "
                    "(EEA: 5 in a restricted procedure, 3 in the others)."),
        widget=_number_input())
    max_lots_submitted = forms.CharField(
        label=_("Most lots one supplier may tender for"), required=False,
        help_text=_("With several lots."), widget=_number_input())
    max_lots_awarded = forms.CharField(
        label=_("Most lots one supplier may win"), required=False,
        help_text=_("Leave empty if a supplier may win every lot."), widget=_number_input())
    planned_notice_date = forms.CharField(
        label=_("Planned date of the contract notice"), required=False,
        help_text=_("Prior information notices: when you expect to announce the competition."),
        widget=forms.DateInput(attrs={"type": "date", "class": "short"}))
    # English texts for TED (Part III): see ENGLISH_HELP.
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    description_en = forms.CharField(label=_("Description in English"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 6}))
    accelerated_reason_en = forms.CharField(
        label=_("Reason for the shortened deadline in English"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, buyers: Any = None, notice: Notice | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The English texts are asked for where the notice may go to TED: a new notice (its
        # type is not chosen yet), an EEA contract notice or PIN, or a notice already in
        # Part III.
        self.asks_english = notice is None or notice.kind in (
            NoticeKind.CONTRACT, NoticeKind.PIN) or notice.regime == "part3"
        self.english_help = ENGLISH_HELP
        if not self.asks_english:
            # Not shown, so not posted: leave the stored English texts alone.
            for name in ("title_en", "description_en", "accelerated_reason_en"):
                del self.fields[name]
        if notice is not None:
            # The buyer is fixed when the notice is created; a draft may still change its
            # type (notice_kind_change), a published notice may not.
            del self.fields["buyer"]
            if notice.status != NoticeStatus.DRAFT:
                del self.fields["kind"]
            else:
                self.fields["kind"].required = False  # left out: the type stays as it is
        else:
            self.fields["buyer"].queryset = buyers  # type: ignore[attr-defined]
            single = buyers is not None and buyers.count() == 1
            self._only_buyer = buyers.first() if single else None
            if self._only_buyer is not None:
                # One authority: nothing to choose, so no field to fill in.
                self.fields["buyer"].widget = forms.HiddenInput()
                self.fields["buyer"].required = False
                self.fields["buyer"].initial = self._only_buyer.pk

    def clean_buyer(self) -> Organization | None:
        return self.cleaned_data.get("buyer") or getattr(self, "_only_buyer", None)

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS
                if name in self.fields}


def notice_initial(notice: Notice) -> dict[str, Any]:
    return {
        "kind": notice.kind, "title": notice.title, "description": notice.description,
        "contract_type": notice.contract_type, "procedure_type": notice.procedure_type,
        "cpv_main": notice.cpv_main, "cpv_additional": " ".join(notice.cpv_additional or []),
        "nuts": notice.nuts,
        "estimated_value": "" if notice.estimated_value is None else f"{notice.estimated_value:f}",
        "submission_deadline": local_input(notice.submission_deadline),
        "question_deadline": local_input(notice.question_deadline),
        "request_deadline": local_input(notice.request_deadline),
        "accelerated": notice.accelerated, "accelerated_reason": notice.accelerated_reason,
        "title_en": notice.title_en, "description_en": notice.description_en,
        "accelerated_reason_en": notice.accelerated_reason_en,
        **{name: "" if getattr(notice, name) is None else str(getattr(notice, name))
           for name in ("duration_months", "tender_validity_days", "candidates_min",
                        "max_lots_submitted", "max_lots_awarded", "planned_notice_date")},
    }


class ChangeNoticeForm(NoticeForm):
    reason = forms.CharField(label=_("Reason for the change"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Published with the change notice; bidders read it."))


class LotForm(forms.Form):
    title = forms.CharField(label=_("Lot title"), required=False, max_length=300)
    description = forms.CharField(label=_("Lot description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    cpv = forms.CharField(label=_("Lot CPV code"), required=False, max_length=10,
                          widget=code_picker("cpv"))
    estimated_value = forms.CharField(label=_("Lot estimated value (NOK)"), required=False,
                                      widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    title_en = forms.CharField(label=_("Lot title in English"), required=False, max_length=300,
                               help_text=_("For TED (Part III)."))
    description_en = forms.CharField(label=_("Lot description in English"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    duration_months = forms.CharField(label=_("Lot duration (months)"), required=False,
                                      help_text=_("Empty: the notice's planned duration."),
                                      widget=_number_input())

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(str(data.get(name) or "").strip() for name in self.fields)


LotFormSet = forms.formset_factory(LotForm, extra=3, max_num=50)


def lot_initial(notice: Notice) -> list[dict[str, Any]]:
    return [{"title": lot.title, "description": lot.description, "cpv": lot.cpv,
             "estimated_value": "" if lot.estimated_value is None else f"{lot.estimated_value:f}",
             "title_en": lot.title_en, "description_en": lot.description_en,
             "duration_months": "" if lot.duration_months is None else str(lot.duration_months)}
            for lot in notice.lots.all()]


def lots_from_formset(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled-in lot rows, in order; empty rows are left out."""
    return [dict(form.cleaned_data) for form in formset.forms if not form.is_blank()]


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File"),
                           help_text=_("PDF, office documents, drawings or a ZIP archive."))
    document = forms.ChoiceField(label=_("This file is"), required=False)
    title = forms.CharField(label=_("Document title"), required=False, max_length=200,
                            help_text=_("For a new document; the file name is used if empty."))
    note = forms.CharField(label=_("What changed"), required=False, max_length=300,
                           help_text=_("For a new version: a short note suppliers will see."))

    def __init__(self, *args: Any, notice: Notice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        docs = list(notice.documents.all())
        self.fields["document"].choices = [  # type: ignore[attr-defined]
            ("", _("A new document")),
            *[(str(doc.pk), _("A new version of “%(title)s”") % {"title": doc.title})
              for doc in docs]]
        self._documents = {str(doc.pk): doc for doc in docs}

    def selected_document(self) -> TenderDocument | None:
        return self._documents.get(self.cleaned_data.get("document") or "")
