"""What the bid page's ESPD section shows: the request's criteria with their questions, the
buyer's wording of each requirement, and labels in the user's language where the taxonomy's
English has a translation."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evaluation.espd.questions import Question
from evaluation.espd.request import requested_criteria, requirement_text
from evaluation.espd.response import request_questions
from notices.models import Notice

# The taxonomy's most frequent questions (ESPD-EDM v4.1.0), translated; others stay English.
QUESTION_LABELS: dict[str, Promise] = {
    "Your answer": pgettext_lazy("espd", "Your answer"),
    "Your answer?": pgettext_lazy("espd", "Your answer"),
    "Your Answer": pgettext_lazy("espd", "Your answer"),
    "Evidence Supplied": _("Evidence supplied (address or document reference)"),
    "Is this information available electronically?":
        _("Is this information available electronically?"),
    "Is this information available online?": _("Is this information available online?"),
    "Name of the entity": _("Name of the entity"),
    "ID of the entity": _("ID of the entity"),
    "Please describe them": _("Please describe them"),
    "Does the EO fulfil the criteria by itself?":
        _("Does the supplier fulfil the criterion by itself?"),
    "In the case of no – Relied upon or not": _("If not: is another entity relied upon?"),
    "Have you taken measures to demonstrate your reliability (Self-Cleaning)?":
        _("Have you taken measures to demonstrate your reliability (self-cleaning)?"),
    "Date of conviction": _("Date of conviction"),
    "Reason": _("Reason"),
    "Who has been convicted": _("Who has been convicted"),
    "Length of the period of exclusion": _("Length of the period of exclusion"),
    "Amount": pgettext_lazy("espd", "Amount"),
    "Registration number": _("Registration number"),
    "Other information": _("Other information"),
    "Start date; End date": _("Period (start and end date)"),
    "Period (Start and End dates)": _("Period (start and end date)"),
    "Description": _("Description"),
    "Do you fulfil the requirement?": _("Do you fulfil the requirement?"),
    "Reference description": _("Reference description"),
    "Total amount": _("Total amount"),
    "Specific amount": _("Specific amount"),
}
INPUT = {
    "INDICATOR": "indicator", "DESCRIPTION": "textarea", "DATE": "date", "PERIOD": "period",
    "AMOUNT": "amount", "MINIMUM_AMOUNT": "amount", "MAXIMUM_AMOUNT": "amount",
    "EVIDENCE_IDENTIFIER": "evidence", "URL": "url", "TIME": "time",
    "QUANTITY": "number", "QUANTITY_YEAR": "number", "QUANTITY_INTEGER": "number",
    "PERCENTAGE": "number", "MINIMUM_QUANTITY": "number", "MINIMUM_QUANTITY_INTEGER": "number",
    "MINIMUM_QUANTITY_YEAR": "number", "MINIMUM_VALUE_NUMERIC": "number",
    "MAXIMUM_VALUE_NUMERIC": "number",
}


def question_label(text: str) -> str:
    label = QUESTION_LABELS.get(text.strip())
    return str(label) if label is not None else text


@dataclass(frozen=True)
class FormQuestion:
    question: Question
    label: str
    input: str           # indicator, textarea, date, period, amount, evidence, url, number, text
    field_id: str        # an HTML id made from the property ID


@dataclass(frozen=True)
class FormCriterion:
    code: str
    label: str
    category: str
    requirements: tuple[str, ...]
    questions: tuple[FormQuestion, ...]


def _field_id(property_id: str) -> str:
    return "espd-" + "".join(c if c.isalnum() else "-" for c in property_id)


def form_criteria(notice: Notice) -> list[FormCriterion]:
    requested = {entry.criterion.code: entry for entry in requested_criteria(notice)}
    out = []
    for criterion in request_questions(notice):
        entry = requested.get(criterion.code)
        if entry is None:
            continue
        questions = tuple(
            FormQuestion(question=q, label=question_label(q.description or q.id),
                         input=INPUT.get(q.data_type, "text"), field_id=_field_id(q.id))
            for q in criterion.questions if q.answerable)
        out.append(FormCriterion(code=criterion.code, label=str(entry.criterion.label),
                                 category=entry.criterion.category,
                                 requirements=tuple(requirement_text(r)
                                                    for r in entry.requirements),
                                 questions=questions))
    return out
