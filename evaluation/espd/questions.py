"""The questions of an ESPD criterion, read from its cac:TenderingCriterion: what the web form
asks, what the response builder accepts, and what the reader shows beside each requirement."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from evaluation.espd.catalogue import CAC, NS

GROUPS = (f"{{{CAC}}}TenderingCriterionPropertyGroup",
          f"{{{CAC}}}SubsidiaryTenderingCriterionPropertyGroup")
EXPECTED = ("ExpectedDescription", "ExpectedID", "ExpectedCode", "ExpectedAmount",
            "ExpectedValueNumeric", "ExpectedURI", "MinimumAmount", "MaximumAmount",
            "MinimumValueNumeric", "MaximumValueNumeric", "MinimumQuantity", "MaximumQuantity")


@dataclass(frozen=True)
class Question:
    id: str              # the property's cbc:ID, which a response names
    description: str     # e.g. "Your answer", "Date of conviction"
    kind: str            # QUESTION (the supplier answers), REQUIREMENT (the buyer's), CAPTION
    data_type: str       # INDICATOR, DESCRIPTION, DATE, PERIOD, AMOUNT, EVIDENCE_IDENTIFIER, ...
    depth: int           # nesting of its group, 0 for a top-level group
    condition: str       # its group's type: ON* (always), ONTRUE / ONFALSE (after yes / no)
    expected: str = ""   # a requirement's value (the buyer's text, a lot identifier)
    parent: str = ""     # the yes/no question its group depends on ("" at the top)
    when: str = ""       # "true" / "false": shown only after that answer to `parent`

    @property
    def answerable(self) -> bool:
        return self.kind == "QUESTION"


@dataclass(frozen=True)
class CriterionQuestions:
    uuid: str
    code: str
    name: str
    descriptions: tuple[str, ...]
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, property_id: str) -> Question | None:
        for item in self.questions:
            if item.id == property_id:
                return item
        return None

    @property
    def main_question(self) -> Question | None:
        """The criterion's first yes/no question (for an exclusion ground, "Your answer")."""
        for item in self.questions:
            if item.answerable and item.data_type == "INDICATOR":
                return item
        return None


def _text(element: etree._Element, path: str) -> str:
    return (element.findtext(path, namespaces=NS) or "").strip()


def _walk(group: etree._Element, depth: int, out: list[Question], parent: str = "",
          parent_when: str = "") -> None:
    """A group's questions, then its subsidiary groups. A subsidiary group depends on the last
    yes/no question before it (ONTRUE: shown after yes, ONFALSE: after no); an ON* group
    without a yes/no question of its own between keeps its enclosing group's condition."""
    condition = _text(group, "cbc:PropertyGroupTypeCode") or "ON*"
    when = {"ONTRUE": "true", "ONFALSE": "false"}.get(condition, parent_when)
    governing = parent
    for child in group:
        if child.tag == f"{{{CAC}}}TenderingCriterionProperty":
            expected = ""
            for name in EXPECTED:
                value = child.find(f"cbc:{name}", NS)
                if value is not None and (value.text or "").strip():
                    expected = value.text.strip()
                    break
            question = Question(id=_text(child, "cbc:ID"),
                                description=_text(child, "cbc:Description"),
                                kind=_text(child, "cbc:TypeCode"),
                                data_type=_text(child, "cbc:ValueDataTypeCode"),
                                depth=depth, condition=condition, expected=expected,
                                parent=parent, when=when if parent else "")
            out.append(question)
            if question.answerable and question.data_type == "INDICATOR":
                governing = question.id
        elif child.tag in GROUPS:
            if governing == parent:
                _walk(child, depth + 1, out, parent, when)
            else:
                _walk(child, depth + 1, out, governing, "")


def criterion_questions(criterion: etree._Element) -> CriterionQuestions:
    questions: list[Question] = []
    for group in criterion.findall("cac:TenderingCriterionPropertyGroup", NS):
        _walk(group, 0, questions)
    return CriterionQuestions(
        uuid=_text(criterion, "cbc:ID"), code=_text(criterion, "cbc:CriterionTypeCode"),
        name=_text(criterion, "cbc:Name"),
        descriptions=tuple((d.text or "").strip()
                           for d in criterion.findall("cbc:Description", NS)),
        questions=tuple(questions))
