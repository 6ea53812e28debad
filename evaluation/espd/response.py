"""The ESPD response (QualificationApplicationResponse, ESPD-EDM v4.1.0): built from a
supplier's answers, checked when it was made elsewhere, and read after opening.

Nothing here stores anything: the response travels inside the sealed bid as
`espd-response.xml` (RESPONSE_FILENAME), so it is sealed like the rest of the bid and is read
only from the opened bid (evaluation.espd.selectors). The builder and the checker see the
answers in memory while they answer one request, and keep nothing.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from lxml import etree

from accounts.models import Organization
from backend.errors import ApplicationError
from backend.formatting import to_oslo
from backend.text import text_problems
from evaluation.criteria.models import QualificationRequirement, RequirementCategory
from evaluation.espd.catalogue import CAC, CBC, NS, criterion_for, safe_parser
from evaluation.espd.questions import CriterionQuestions, Question, criterion_questions
from evaluation.espd.request import request_document
from evaluation.espd.schema import (
    REQUEST_NS,
    RESPONSE_NS,
    schema_available,
    schema_problems,
)
from evaluation.espd.xmlutil import AGENCY, el, issue_time, party, q, serialize
from notices.exports import lot_id
from notices.models import Notice

RESPONSE_FILENAME = "espd-response.xml"
MAX_BYTES = 10 * 1024 * 1024
MAX_TEXT = 10_000
# Children of the response root that must be there (UBL 2.3 QualificationApplicationResponse).
MANDATORY = ("cbc:ContractFolderID", "cbc:IssueDate", "cac:ContractingParty",
             "cac:EconomicOperatorParty")
HEADER = ("UBLVersionID", "CustomizationID", "ProfileID", "ProfileExecutionID", "ID",
          "CopyIndicator", "UUID", "ContractFolderID", "ContractName", "IssueDate", "IssueTime",
          "VersionID", "PreviousVersionID", "ProcedureCode")
ROLE_LIST = {"listID": "http://publications.europa.eu/resource/authority/eo-role-type",
             "listAgencyID": "OP", "listVersionID": "20211208-0"}
ROLES = ("sole-tenderer", "group-lead", "group-mem", "oeron", "subcont")
# Data types whose answer is a cac:ResponseValue child, and which child.
VALUE_ELEMENT = {
    "INDICATOR": "ResponseIndicator", "DESCRIPTION": "Description", "DATE": "ResponseDate",
    "TIME": "ResponseTime", "AMOUNT": "ResponseAmount", "MINIMUM_AMOUNT": "ResponseAmount",
    "MAXIMUM_AMOUNT": "ResponseAmount", "QUANTITY": "ResponseQuantity",
    "QUANTITY_YEAR": "ResponseQuantity", "QUANTITY_INTEGER": "ResponseQuantity",
    "MINIMUM_QUANTITY": "ResponseQuantity", "MINIMUM_QUANTITY_INTEGER": "ResponseQuantity",
    "MINIMUM_QUANTITY_YEAR": "ResponseQuantity", "PERCENTAGE": "ResponseNumeric",
    "MINIMUM_VALUE_NUMERIC": "ResponseNumeric", "MAXIMUM_VALUE_NUMERIC": "ResponseNumeric",
    "CODE": "ResponseCode", "CODE_COUNTRY": "ResponseCode", "CODE_BOOLEAN": "ResponseCode",
    "TRANSLATION_TYPE_CODE": "ResponseCode", "COPY_QUALITY_TYPE_CODE": "ResponseCode",
    "URL": "ResponseURI", "IDENTIFIER": "ResponseID", "ECONOMIC_OPERATOR_IDENTIFIER":
    "ResponseID", "QUAL_IDENTIFIER": "ResponseID", "LOT_IDENTIFIER": "ResponseID",
    "CERTIFICATION_LEVEL_DESCRIPTION": "Description",
}
NUMBERS = {"AMOUNT", "MINIMUM_AMOUNT", "MAXIMUM_AMOUNT", "QUANTITY", "QUANTITY_YEAR",
           "QUANTITY_INTEGER", "MINIMUM_QUANTITY", "MINIMUM_QUANTITY_INTEGER",
           "MINIMUM_QUANTITY_YEAR", "PERCENTAGE", "MINIMUM_VALUE_NUMERIC",
           "MAXIMUM_VALUE_NUMERIC"}
TRUE = {"true", "yes", "ja", "1", "on"}
FALSE = {"false", "no", "nei", "0", "off"}


class EspdInvalid(ApplicationError):
    """A response that cannot be used; the message names the element and the line."""

    default_code = "espd_invalid"


# --- the request's criteria, as questions ---------------------------------------------------


def request_questions(notice: Notice) -> list[CriterionQuestions]:
    """The criteria of the notice's ESPD request with their questions, in request order."""
    root = request_document(notice)
    return [criterion_questions(c) for c in root.findall("cac:TenderingCriterion", NS)]


# --- building --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EconomicOperator:
    name: str
    identifier: str = ""
    country: str = "NO"
    city: str = ""
    email: str = ""
    website: str = ""
    sme: bool | None = None
    role: str = "sole-tenderer"

    @classmethod
    def of(cls, supplier: Organization, **overrides: Any) -> EconomicOperator:
        values: dict[str, Any] = {"name": supplier.name, "identifier": supplier.identifier,
                                  "country": supplier.country or "NO", "city": supplier.city,
                                  "email": supplier.email}
        values.update({k: v for k, v in overrides.items() if v not in (None, "")})
        return cls(**values)


@dataclass
class _Evidence:
    id: str
    url: str
    reference: str
    issuer: str


def _problem(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value: Any) -> str | None:
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        return None


def _indicator(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in TRUE else False if text in FALSE else None


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(_empty(v) for v in value.values())
    return False


def _text(value: Any, key: str, errors: dict[str, list[str]]) -> str | None:
    if isinstance(value, (dict, list)):
        _problem(errors, key, _("Give text here."))
        return None
    text = str(value).strip()
    problems = text_problems(text, max_length=MAX_TEXT)
    if problems:
        _problem(errors, key, " ".join(problems))
        return None
    return text


def _answer_element(question: Question, value: Any, *, key: str, index: int,
                    errors: dict[str, list[str]], evidence: list[_Evidence]
                    ) -> etree._Element | None:
    """One cac:TenderingCriterionResponse for an answer, or None (the error is recorded)."""
    kind = question.data_type
    response = etree.Element(q("cac:TenderingCriterionResponse"))
    rid = f"{question.id}/R{index}"
    el(response, "cbc:ID", rid, schemeAgencyID=AGENCY)
    el(response, "cbc:ValidatedCriterionPropertyID", question.id, schemeAgencyID=AGENCY)
    if kind == "PERIOD":
        if not isinstance(value, Mapping):
            _problem(errors, key, _('Give the period as {"start": "YYYY-MM-DD", '
                                    '"end": "YYYY-MM-DD"}.'))
            return None
        start, end = value.get("start"), value.get("end")
        dates = {}
        for name, given in (("start", start), ("end", end)):
            if _empty(given):
                continue
            parsed = _date(given)
            if parsed is None:
                _problem(errors, key, _("The %(which)s date is not a date (YYYY-MM-DD).")
                         % {"which": name})
                return None
            dates[name] = parsed
        if not dates:
            return None
        period = el(response, "cac:ApplicablePeriod")
        el(period, "cbc:StartDate", dates.get("start"))
        el(period, "cbc:EndDate", dates.get("end"))
        return response
    if kind == "EVIDENCE_IDENTIFIER":
        if isinstance(value, str):
            value = {"url": value} if value.strip().lower().startswith(("http://", "https://")) \
                else {"reference": value}
        if not isinstance(value, Mapping):
            _problem(errors, key, _('Give the evidence as {"url": ..., "reference": ..., '
                                    '"issuer": ...}.'))
            return None
        parts = {}
        for name in ("url", "reference", "issuer"):
            given = value.get(name)
            parts[name] = "" if _empty(given) else (_text(given, key, errors) or "")
        if errors.get(key):
            return None
        if parts["url"] and not parts["url"].lower().startswith(("http://", "https://")):
            _problem(errors, key, _("The evidence address must start with https:// or "
                                    "http://."))
            return None
        if not parts["url"] and not parts["reference"]:
            return None
        item = _Evidence(id=f"EVIDENCE-{len(evidence) + 1}", url=parts["url"],
                         reference=parts["reference"], issuer=parts["issuer"])
        evidence.append(item)
        el(el(response, "cac:EvidenceSupplied"), "cbc:ID", item.id, schemeAgencyID=AGENCY)
        return response
    child = VALUE_ELEMENT.get(kind, "Description")
    attrs: dict[str, str] = {}
    text: str | None
    if kind == "INDICATOR":
        flag = _indicator(value)
        if flag is None:
            _problem(errors, key, _("Answer yes (true) or no (false)."))
            return None
        text = "true" if flag else "false"
    elif kind in ("DATE",):
        text = _date(value)
        if text is None:
            _problem(errors, key, _("Give a date as YYYY-MM-DD."))
            return None
    elif kind in NUMBERS:
        amount, currency = value, "NOK"
        if isinstance(value, Mapping):
            amount, currency = value.get("amount"), str(value.get("currency") or "NOK")
        number = _decimal(amount)
        if number is None:
            _problem(errors, key, _("Give a number."))
            return None
        if number < 0:
            _problem(errors, key, _("Give a number of zero or more."))
            return None
        if kind.endswith("INTEGER") and number != number.to_integral_value():
            _problem(errors, key, _("Give a whole number."))
            return None
        text = format(number, "f")
        if child == "ResponseAmount":
            currency = currency.strip().upper()
            if len(currency) != 3 or not currency.isalpha():
                _problem(errors, key, _("The currency is a three-letter code, such as NOK."))
                return None
            attrs["currencyID"] = currency
        if kind == "PERCENTAGE":
            attrs["format"] = "PERCENTAGE"
    elif kind == "URL":
        text = _text(value, key, errors)
        if text is None:
            return None
        if not text.lower().startswith(("http://", "https://")):
            _problem(errors, key, _("The address must start with https:// or http://."))
            return None
    else:
        text = _text(value, key, errors)
        if text is None:
            return None
        if kind == "CODE_COUNTRY":
            text = text.upper()
    value_element = el(response, "cac:ResponseValue")
    el(value_element, "cbc:ID", f"{rid}/RV", schemeAgencyID=AGENCY)
    el(value_element, f"cbc:{child}", text, **attrs)
    return response


def _evidence_element(item: _Evidence) -> etree._Element:
    evidence = etree.Element(q("cac:Evidence"))
    el(evidence, "cbc:ID", item.id, schemeAgencyID=AGENCY)
    reference = el(evidence, "cac:DocumentReference")
    el(reference, "cbc:ID", item.reference or item.url, schemeAgencyID=AGENCY)
    if item.url:
        el(el(el(reference, "cac:Attachment"), "cac:ExternalReference"), "cbc:URI", item.url)
    if item.issuer:
        el(el(el(reference, "cac:IssuerParty"), "cac:PartyName"), "cbc:Name", item.issuer)
    return evidence


def response_document(notice: Notice, *, operator: EconomicOperator,
                      answers: Mapping[str, Any] | None = None,
                      criteria: Mapping[str, Any] | None = None,
                      lots: Sequence[int] | None = None,
                      now: datetime | None = None) -> etree._Element:
    """The ESPD response to the notice's request with the given answers.

    `answers` maps a question's property ID to its answer; `criteria` maps a criterion code
    (or UUID) to the answer of its main yes/no question ("Your answer" of an exclusion
    ground). Bad answers raise one ApplicationError naming each field
    (`answers.<property id>`, `criteria.<code>`, `economic_operator.<field>`, `lots`)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    request = request_document(notice, now=now)
    criteria_elements = request.findall("cac:TenderingCriterion", NS)
    questions = [criterion_questions(c) for c in criteria_elements]
    by_id = {item.id: item for c in questions for item in c.questions}
    chosen: dict[str, Any] = {}
    for code, value in (criteria or {}).items():
        catalogued = criterion_for(str(code))
        match = next((c for c in questions if catalogued is not None
                      and c.code == catalogued.code), None)
        if match is None:
            _problem(errors, f"criteria.{code}",
                     _("This notice's ESPD request has no criterion %(code)s.") % {"code": code})
            continue
        main = match.main_question
        if main is not None and not _empty(value):
            chosen[main.id] = value
    for key, value in (answers or {}).items():
        question = by_id.get(str(key))
        if question is None or not question.answerable:
            _problem(errors, f"answers.{key}",
                     _("This notice's ESPD request has no question with this ID."))
            continue
        if not _empty(value):
            chosen[question.id] = value
    all_lots = lot_id_numbers(request)
    wanted_lots = list(lots) if lots else all_lots
    for number in wanted_lots:
        if number not in all_lots:
            _problem(errors, "lots", _("The notice has no lot %(n)s.") % {"n": number})
    operator_errors = _operator_problems(operator)
    for name, message in operator_errors.items():
        _problem(errors, f"economic_operator.{name}", message)
    evidence: list[_Evidence] = []
    responses = []
    for item in (i for c in questions for i in c.questions):  # request order
        if item.id in chosen:
            made = _answer_element(item, chosen[item.id], key=f"answers.{item.id}", index=1,
                                   errors=errors, evidence=evidence)
            if made is not None:
                responses.append(made)
    if errors:
        raise ApplicationError(_("Some answers of the ESPD response cannot be used; see each "
                                 "field."), code="espd_answers_invalid", fields=errors)
    root = etree.Element(f"{{{RESPONSE_NS}}}QualificationApplicationResponse",
                         nsmap={None: RESPONSE_NS, "cac": CAC, "cbc": CBC})
    for child in request:
        name = etree.QName(child).localname
        if name not in HEADER:
            continue
        copied = copy.deepcopy(child)
        if name == "ID":
            copied.text = f"ESPDRESP-{notice.reference}"
        elif name == "UUID":
            copied.text = str(uuid.uuid4())
        elif name == "IssueDate":
            copied.text = to_oslo(now).date().isoformat()
        elif name == "IssueTime":
            copied.text = issue_time(now)
        root.append(copied)
    for contracting in request.findall("cac:ContractingParty", NS):
        root.append(copy.deepcopy(contracting))
    eo = el(root, "cac:EconomicOperatorParty")
    el(el(eo, "cac:EconomicOperatorRole"), "cbc:RoleCode", operator.role, **ROLE_LIST)
    party(eo, name=operator.name, identifier=operator.identifier, country=operator.country,
          city=operator.city, email=operator.email, website=operator.website, sme=operator.sme)
    for project in request.findall("cac:ProcurementProject", NS):
        root.append(copy.deepcopy(project))
    for number in wanted_lots:
        el(el(root, "cac:ProcurementProjectLot"), "cbc:ID", lot_id(number), schemeAgencyID="OP")
    for criterion in criteria_elements:
        root.append(copy.deepcopy(criterion))
    for response in responses:
        root.append(response)
    for supplied in evidence:
        root.append(_evidence_element(supplied))
    return root


def lot_id_numbers(request: etree._Element) -> list[int]:
    numbers = []
    for lot in request.findall("cac:ProcurementProjectLot", NS):
        text = lot.findtext("cbc:ID", namespaces=NS) or ""
        if text.startswith("LOT-") and text[4:].isdigit():
            numbers.append(int(text[4:]))
    return numbers


def _operator_problems(operator: EconomicOperator) -> dict[str, str]:
    problems = {}
    for name in ("name", "identifier", "city", "email", "website"):
        found = text_problems(str(getattr(operator, name) or ""), max_length=300)
        if found:
            problems[name] = " ".join(found)
    if not operator.name.strip():
        problems["name"] = _("Give the supplier's name.")
    if operator.role not in ROLES:
        problems["role"] = _("The role is one of %(roles)s.") % {"roles": ", ".join(ROLES)}
    country = (operator.country or "").strip()
    if not (len(country) in (2, 3) and country.isalpha()):
        problems["country"] = _("Give the country as a two- or three-letter code (NO, NOR).")
    if operator.website and not operator.website.lower().startswith(("http://", "https://")):
        problems["website"] = _("The address must start with https:// or http://.")
    return problems


def response_xml(notice: Notice, **kwargs: Any) -> bytes:
    return serialize(response_document(notice, **kwargs))


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EspdValue:
    """One answer to one question of a criterion."""

    question: str         # the question, e.g. "Your answer"
    property_id: str
    data_type: str
    value: str            # for people: "Yes", "2020-01-01 – 2020-12-31", "1000000 NOK"
    raw: str              # as written in the XML (true, 2020-01-01, 1000000)
    depth: int = 0


@dataclass(frozen=True)
class EspdEvidence:
    id: str
    reference: str
    url: str
    issuer: str
    description: str = ""


@dataclass
class ParsedResponse:
    contract_folder_id: str
    issue_date: str
    economic_operator: str
    economic_operator_id: str
    criteria: list[CriterionQuestions]
    responses: dict[str, list[etree._Element]]
    evidence: dict[str, EspdEvidence]
    schema_checked: bool
    warnings: list[str] = field(default_factory=list)

    def criterion(self, code: str) -> CriterionQuestions | None:
        catalogued = criterion_for(code)
        keys = {code.strip().lower()}
        if catalogued is not None:
            keys |= {catalogued.code, catalogued.uuid}
        for item in self.criteria:
            if item.code.lower() in keys or item.uuid.lower() in keys:
                return item
        return None


def parse_response(data: bytes) -> ParsedResponse:
    """Read an ESPD response; refuse (EspdInvalid, naming the element and the line) one that
    is not well-formed XML, is not a QualificationApplicationResponse, lacks a mandatory
    element, or breaks the UBL 2.3 schema (when the schema files are there)."""
    if len(data) > MAX_BYTES:
        raise EspdInvalid(_("The ESPD response is larger than %(n)s MB.")
                          % {"n": MAX_BYTES // (1024 * 1024)}, fields={"file": [
                              _("The file is too large.")]})
    if not data.strip():
        raise EspdInvalid(_("The ESPD response is empty."), fields={"file": [_("Empty file.")]})
    try:
        root = etree.fromstring(data, safe_parser(remove_comments=True))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        message = _("The ESPD response is not well-formed XML (line %(line)s: %(error)s).") % {
            "line": line, "error": exc.msg}
        raise EspdInvalid(message, fields={"file": [message]}) from None
    if etree.QName(root).localname == "QualificationApplicationRequest" and \
            etree.QName(root).namespace == REQUEST_NS:
        message = _("This is an ESPD request (QualificationApplicationRequest), not a response; "
                    "answer it and send the QualificationApplicationResponse.")
        raise EspdInvalid(message, fields={"file": [message]})
    if root.tag != f"{{{RESPONSE_NS}}}QualificationApplicationResponse":
        message = _("Line %(line)s: the root element is %(name)s (namespace %(got)s); an ESPD "
                    "response is a QualificationApplicationResponse (ESPD-EDM v4, namespace "
                    "%(ns)s).") % {
            "line": root.sourceline or 1, "name": etree.QName(root).localname,
            "got": etree.QName(root).namespace or "—", "ns": RESPONSE_NS}
        raise EspdInvalid(message, fields={"file": [message]})
    missing = [tag for tag in MANDATORY if root.find(tag, NS) is None]
    if missing:
        messages = [_("The mandatory element %(element)s is missing from "
                      "QualificationApplicationResponse.") % {"element": tag}
                    for tag in missing]
        raise EspdInvalid(" ".join(messages), fields={"file": messages})
    problems = schema_problems(root, "response")
    if problems:
        listed = [str(p) for p in problems]
        message = _("The ESPD response does not follow the ESPD schema (UBL 2.3): %(problems)s"
                    ) % {"problems": " ".join(listed)}
        raise EspdInvalid(message, fields={"file": listed})
    return _read(root, schema_checked=problems is not None)


def _read(root: etree._Element, *, schema_checked: bool) -> ParsedResponse:
    criteria = [criterion_questions(c) for c in root.findall("cac:TenderingCriterion", NS)]
    responses: dict[str, list[etree._Element]] = {}
    for response in root.findall("cac:TenderingCriterionResponse", NS):
        pid = (response.findtext("cbc:ValidatedCriterionPropertyID", namespaces=NS) or "").strip()
        responses.setdefault(pid, []).append(response)
    evidence = {}
    for item in root.findall("cac:Evidence", NS):
        eid = (item.findtext("cbc:ID", namespaces=NS) or "").strip()
        reference = item.find("cac:DocumentReference", NS)
        evidence[eid] = EspdEvidence(
            id=eid,
            reference=(reference.findtext("cbc:ID", namespaces=NS) or "").strip()
            if reference is not None else "",
            url=(reference.findtext("cac:Attachment/cac:ExternalReference/cbc:URI",
                                    namespaces=NS) or "").strip()
            if reference is not None else "",
            issuer=(reference.findtext("cac:IssuerParty/cac:PartyName/cbc:Name",
                                       namespaces=NS) or "").strip()
            if reference is not None else "",
            description=" ".join((d.text or "").strip()
                                 for d in item.findall("cbc:Description", NS)))
    party_element = root.find("cac:EconomicOperatorParty/cac:Party", NS)
    operator = operator_id = ""
    if party_element is not None:
        operator = (party_element.findtext("cac:PartyName/cbc:Name", namespaces=NS) or "").strip()
        operator_id = (party_element.findtext("cac:PartyIdentification/cbc:ID", namespaces=NS)
                       or "").strip()
    return ParsedResponse(
        contract_folder_id=(root.findtext("cbc:ContractFolderID", namespaces=NS) or "").strip(),
        issue_date=(root.findtext("cbc:IssueDate", namespaces=NS) or "").strip(),
        economic_operator=operator, economic_operator_id=operator_id, criteria=criteria,
        responses=responses, evidence=evidence, schema_checked=schema_checked)


def _display(question: Question, response: etree._Element,
             evidence: Mapping[str, EspdEvidence]) -> tuple[str, str]:
    """(for people, raw) of one cac:TenderingCriterionResponse."""
    period = response.find("cac:ApplicablePeriod", NS)
    if period is not None:
        start = (period.findtext("cbc:StartDate", namespaces=NS) or "").strip()
        end = (period.findtext("cbc:EndDate", namespaces=NS) or "").strip()
        return f"{start or '…'} – {end or '…'}", f"{start}/{end}"
    supplied = [(s.text or "").strip() for s in response.findall("cac:EvidenceSupplied/cbc:ID",
                                                                 NS)]
    if supplied:
        shown = []
        for ref in supplied:
            found = evidence.get(ref)
            shown.append(" ".join(p for p in (found.reference, found.url) if p)
                         if found is not None else ref)
        return ", ".join(shown), ", ".join(supplied)
    shown, raws = [], []
    for value in response.findall("cac:ResponseValue", NS):
        for child in value:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if local == "ID":
                continue
            raw = (child.text or "").strip()
            if local == "ResponseIndicator":
                text = pgettext("espd", "Yes") if raw.lower() == "true" else \
                    pgettext("espd", "No") if raw.lower() == "false" else raw
            elif local == "ResponseAmount":
                text = f"{raw} {child.get('currencyID', '')}".strip()
            elif local == "ResponseNumeric" and child.get("format") == "PERCENTAGE":
                number = _decimal(raw)
                text = f"{number * 100:g} %" if number is not None else raw
            elif local == "ResponseQuantity" and child.get("unitCode"):
                text = f"{raw} {child.get('unitCode')}"
            else:
                text = raw
            shown.append(text)
            raws.append(raw)
    return "; ".join(shown), "; ".join(raws)


@dataclass(frozen=True)
class EspdAnswer:
    """What a supplier's ESPD response says about one requirement of the notice."""

    requirement: QualificationRequirement
    criterion_code: str
    criterion_name: str
    values: tuple[EspdValue, ...]
    evidence: tuple[EspdEvidence, ...]
    problems: tuple[str, ...]
    main_answer: bool | None = None   # the criterion's main yes/no answer, if given

    @property
    def answered(self) -> bool:
        return bool(self.values)


def answers_for_requirements(parsed: ParsedResponse | None,
                             requirements: Iterable[QualificationRequirement],
                             *, missing_reason: str = "") -> list[EspdAnswer]:
    """The response's answers, requirement by requirement (in the requirements' order)."""
    out = []
    for requirement in requirements:
        catalogued = criterion_for(requirement.espd_code)
        code = catalogued.code if catalogued is not None else requirement.espd_code
        name = str(catalogued.label) if catalogued is not None else ""
        if catalogued is None:
            out.append(EspdAnswer(requirement, code, name, (), (), (
                _("This requirement names no ESPD criterion, so the ESPD response does not "
                  "answer it; check the bid's documents."),)))
            continue
        if parsed is None:
            out.append(EspdAnswer(requirement, code, name, (), (), (missing_reason,)))
            continue
        criterion = parsed.criterion(catalogued.code)
        if criterion is None:
            out.append(EspdAnswer(requirement, code, name, (), (), (
                _("The ESPD response does not contain the criterion “%(name)s”.")
                % {"name": name},)))
            continue
        values, evidence, problems = [], [], []
        main: bool | None = None
        main_question = criterion.main_question
        for question in criterion.questions:
            for response in parsed.responses.get(question.id, []):
                text, raw = _display(question, response, parsed.evidence)
                values.append(EspdValue(question=question.description or question.id,
                                        property_id=question.id,
                                        data_type=question.data_type, value=text, raw=raw,
                                        depth=question.depth))
                if main_question is not None and question.id == main_question.id and \
                        main is None:
                    main = _indicator(raw)
                for supplied in response.findall("cac:EvidenceSupplied/cbc:ID", NS):
                    ref = (supplied.text or "").strip()
                    found = parsed.evidence.get(ref)
                    if found is None:
                        problems.append(_("The response refers to evidence %(id)s, which it "
                                          "does not describe.") % {"id": ref})
                    elif found not in evidence:
                        evidence.append(found)
        if not values:
            problems.append(_("The supplier gave no answer to this criterion."))
        if requirement.category == RequirementCategory.EXCLUSION and main is True:
            problems.append(_("The supplier answered yes: this exclusion ground may apply. "
                              "Read the details and any self-cleaning measures."))
        out.append(EspdAnswer(requirement, code, name, tuple(values), tuple(evidence),
                              tuple(problems), main))
    return out


@dataclass
class CheckResult:
    parsed: ParsedResponse
    answers: list[EspdAnswer]
    warnings: list[str]


def check_response(notice: Notice, data: bytes) -> CheckResult:
    """Check a response made elsewhere against the notice's request: well-formed, schema-valid
    (when the schema is there), and containing every criterion the request asks for."""
    from evaluation.criteria.selectors import requirements_of
    from evaluation.espd.request import requested_criteria

    parsed = parse_response(data)
    missing = [entry.criterion for entry in requested_criteria(notice)
               if parsed.criterion(entry.criterion.code) is None]
    if missing:
        messages = [_("The response has no cac:TenderingCriterion for “%(name)s” (%(code)s), "
                      "which the ESPD request asks for.") % {"name": c.label, "code": c.code}
                    for c in missing]
        raise EspdInvalid(" ".join(messages), fields={"file": messages},
                          code="espd_criteria_missing")
    warnings = []
    if parsed.contract_folder_id != notice.reference:
        warnings.append(_("The response names procedure %(got)s (cbc:ContractFolderID), not "
                          "this notice's reference %(want)s. Check that it answers this "
                          "notice.") % {"got": parsed.contract_folder_id or "—",
                                        "want": notice.reference})
    if not parsed.schema_checked:
        warnings.append(schema_skipped_note())
    answers = answers_for_requirements(parsed, requirements_of(notice).order_by("position",
                                                                                 "pk"))
    return CheckResult(parsed=parsed, answers=answers, warnings=warnings)


def schema_skipped_note() -> str:
    return _("The ESPD schema files are not installed on this server, so the response was "
             "checked for its structure only, not against the XSD.")


def schema_installed() -> bool:
    return schema_available("response") and schema_available("request")
