"""Web forms for the evaluation model. They shape input for the services, which validate and
write; empty rows of a formset are left out, and saving gives more empty rows (no script
needed)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.forms import apply_application_error
from backend.errors import ApplicationError
from evaluation.criteria.models import (
    AwardBasis,
    CriterionKind,
    RequirementCategory,
    ScoringMethod,
)


def _plain(value: Any) -> str:
    if value in (None, ""):
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class LotTermsForm(forms.Form):
    basis = forms.ChoiceField(label=_("Award basis"), choices=AwardBasis.choices,
                              initial=AwardBasis.BEST_RATIO)
    by_priority = forms.BooleanField(
        label=_("Rank the criteria in order of priority instead of weighting them"),
        required=False,
        help_text=_("Only where weighting is not possible; give each criterion a priority, "
                    "1 for the most important."))
    climate_option = forms.ChoiceField(
        label=_("Climate and environment (FOA § 7-9)"), required=False,
        help_text=_("How this procurement meets the climate and environment rule in force on "
                    "the publication date."))
    climate_justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for requirements in the specification, for an exemption, and "
                    "for climate criteria with priced quality. Published with the notice."))

    def __init__(self, *args: Any, options: Sequence[tuple[str, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["climate_option"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose…")), *options]

    def service_terms(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


def parse_sub_criteria(text: str) -> list[dict[str, str]]:
    """One sub-criterion per line: “name | weight | description” (weight and description
    optional)."""
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        item = {"name": parts[0], "weight": parts[1] if len(parts) > 1 else "",
                "description": " | ".join(parts[2:]) if len(parts) > 2 else ""}
        rows.append(item)
    return rows


def sub_criteria_text(rows: list[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        parts = [str(row.get("name", "")), _plain(row.get("weight")),
                 str(row.get("description", ""))]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("Choose…")), *CriterionKind.choices])
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("Scoring method"), required=False,
                               choices=[("", _("Choose…")), *ScoringMethod.choices])
    weight = forms.CharField(label=_("Weight (%)"), required=False, max_length=10,
                             widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                           "class": "short"}))
    priority = forms.CharField(label=_("Priority"), required=False, max_length=3,
                               widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                             "class": "short"}))
    scale = forms.CharField(label=_("Scale (points)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("What earns 0, 5 and 10 points."))
    nok_per_point = forms.CharField(
        label=_("NOK per point (priced quality)"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "short"}))
    sub_criteria = forms.CharField(
        label=_("Sub-criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: name | weight in % of the criterion | description."))

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(str(data.get(name) or "").strip() for name in self.fields)

    def service_row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"kind": data.get("kind"), "name": data.get("name"),
                "description": data.get("description"), "method": data.get("method"),
                "weight": data.get("weight") or None, "priority": data.get("priority") or None,
                "scale": data.get("scale"), "nok_per_point": data.get("nok_per_point") or None,
                "sub_criteria": parse_sub_criteria(data.get("sub_criteria", ""))}


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=20)


def criterion_initial(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"kind": c.get("kind"), "name": c.get("name"), "description": c.get("description"),
             "method": c.get("method"), "weight": _plain(c.get("weight")),
             "priority": c.get("priority") or "", "scale": c.get("scale"),
             "nok_per_point": _plain(c.get("nok_per_point")),
             "sub_criteria": sub_criteria_text(c.get("sub_criteria") or [])}
            for c in criteria]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the change"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Published with the change notice; bidders read it."))


class RequirementForm(forms.Form):
    lot_number = forms.ChoiceField(label=_("Lot"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("Choose…")), *RequirementCategory.choices])
    title = forms.CharField(label=_("Requirement"), required=False, max_length=300)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    documentation = forms.CharField(label=_("Documentation asked for"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    espd_code = forms.CharField(label=_("ESPD criterion (optional)"), required=False,
                                max_length=64)

    def __init__(self, *args: Any, lots: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot_number"].choices = [  # type: ignore[attr-defined]
            ("", _("Every lot")), *lots]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(str(data.get(name) or "").strip()
                       for name in ("category", "title", "description", "documentation",
                                    "espd_code"))

    def service_row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"lot_number": data.get("lot_number") or None, "category": data.get("category"),
                "title": data.get("title"), "description": data.get("description"),
                "documentation": data.get("documentation"),
                "espd_code": data.get("espd_code")}


RequirementFormSet = forms.formset_factory(RequirementForm, extra=3, max_num=60)


def requirement_initial(requirements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"lot_number": str(r["lot_number"]) if r.get("lot_number") is not None else "",
             "category": r.get("category"), "title": r.get("title"),
             "description": r.get("description"), "documentation": r.get("documentation"),
             "espd_code": r.get("espd_code")} for r in requirements]


def with_one_more_row(data: QueryDict, prefix: str, max_num: int) -> QueryDict:
    """The posted data with one more (empty) row: the "add a row" button, no script needed."""
    more = data.copy()
    try:
        total = int(more.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    more[f"{prefix}-TOTAL_FORMS"] = str(min(max(total, 0) + 1, max_num))
    return more


def rows_of(formset: forms.BaseFormSet) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled-in rows for the service, and the form index of each (for errors)."""
    rows, indices = [], []
    for index, form in enumerate(formset.forms):
        if not form.is_blank():  # type: ignore[attr-defined]
            rows.append(form.service_row())  # type: ignore[attr-defined]
            indices.append(index)
    return rows, indices


def apply_errors(exc: ApplicationError, *, head: forms.Form | None,
                 formset: forms.BaseFormSet | None, indices: list[int], list_name: str,
                 ) -> None:
    """Put a service error on the forms: `criteria[1].weight` next to the weight of the form
    that sent row 1, `basis` next to the basis; every sentence in the summary at the top."""
    row_fields: dict[tuple[int, str], list[str]] = {}
    head_fields: dict[str, list[str]] = {}
    for name, messages in exc.fields.items():
        if name.startswith(f"{list_name}[") and "]." in name and formset is not None:
            number, rest = name[len(list_name) + 1:].split("].", 1)
            field = rest.split("[", 1)[0].split(".", 1)[0]
            try:
                index = indices[int(number)]
            except (ValueError, IndexError):
                continue
            row_fields.setdefault((index, field), []).extend(messages)
        else:
            head_fields[name] = messages
    if formset is not None:
        for (index, field), messages in row_fields.items():
            form = formset.forms[index]
            if field in form.fields:
                for message in messages:
                    form.add_error(field, message)
    target = head if head is not None else (formset.forms[0] if formset and formset.forms
                                            else None)
    if target is not None:
        apply_application_error(target, ApplicationError(exc.messages, fields=head_fields))
