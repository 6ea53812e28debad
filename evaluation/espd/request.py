"""The ESPD request (QualificationApplicationRequest, ESPD-EDM v4.1.0) of a notice, made from
its exclusion grounds and selection criteria (evaluation.criteria).

Each requirement names an ESPD criterion in `espd_code` (code or UUID, see
evaluation.espd.catalogue). Requirements that name the same criterion share one
cac:TenderingCriterion: the buyer's own wording of each is added as a second description (and
as the expected description where the criterion asks the buyer for one), and the lots it
applies to as lot references. The taxonomy's sample values (amounts, years, "ISO 9001") are
removed, since the buyer's requirement is the text. Requirements without a known criterion are
left out and reported by `unmapped_requirements`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from lxml import etree

from backend.text import xml_safe
from evaluation.criteria.models import QualificationRequirement, RequirementCategory
from evaluation.criteria.selectors import lot_numbers_of, requirements_of
from evaluation.espd.catalogue import CAC, CBC, NS, CatalogueCriterion, criterion_for
from evaluation.espd.schema import REQUEST_NS
from evaluation.espd.xmlutil import (
    ANBUD_ESPD_NAMESPACE,
    el,
    header,
    organization_party,
    q,
    serialize,
)
from notices.exports import lot_id
from notices.models import Notice

FILENAME = "espd-request.xml"
# Sample values of the taxonomy's REQUIREMENT properties; the buyer's text replaces them.
SAMPLE_VALUES = {"ExpectedAmount", "ExpectedCode", "ExpectedValueNumeric", "ExpectedDescription",
                 "ExpectedURI", "ExpectedID", "MaximumAmount", "MinimumAmount",
                 "MaximumValueNumeric", "MinimumValueNumeric", "MaximumQuantity",
                 "MinimumQuantity", "ApplicablePeriod", "CertificationLevelDescription"}
# Elements of cac:TenderingCriterion that come after the descriptions, in schema order.
AFTER_DESCRIPTION = ("WeightNumeric", "FulfilmentIndicator", "FulfilmentIndicatorTypeCode",
                     "EvaluationMethodTypeCode", "WeightingConsiderationDescription",
                     "ProcurementProjectLotReference", "CommodityClassification",
                     "SubTenderingCriterion", "Legislation", "TenderingCriterionPropertyGroup")


@dataclass
class RequestedCriterion:
    """One ESPD criterion of a notice's request and the requirements that ask for it."""

    criterion: CatalogueCriterion
    requirements: list[QualificationRequirement] = field(default_factory=list)
    lots: list[int] = field(default_factory=list)   # lot numbers; [0] without lots


def requirement_lots(requirement: QualificationRequirement, all_lots: list[int]) -> list[int]:
    return all_lots if requirement.lot_number is None else [requirement.lot_number]


def requested_criteria(notice: Notice) -> list[RequestedCriterion]:
    """The criteria of the notice's ESPD request, in the order of their first requirement."""
    all_lots = lot_numbers_of(notice)
    found: dict[str, RequestedCriterion] = {}
    for requirement in requirements_of(notice).order_by("position", "pk"):
        criterion = criterion_for(requirement.espd_code)
        if criterion is None:
            continue
        entry = found.setdefault(criterion.code, RequestedCriterion(criterion))
        entry.requirements.append(requirement)
        for number in requirement_lots(requirement, all_lots):
            if number not in entry.lots:
                entry.lots.append(number)
    for entry in found.values():
        entry.lots.sort()
    return list(found.values())


def unmapped_requirements(notice: Notice) -> list[QualificationRequirement]:
    """Requirements the ESPD request cannot carry: no ESPD criterion, or an unknown one."""
    return [r for r in requirements_of(notice).order_by("position", "pk")
            if criterion_for(r.espd_code) is None]


def requirement_text(requirement: QualificationRequirement) -> str:
    parts = [requirement.title.strip()]
    if requirement.description.strip():
        parts.append(requirement.description.strip())
    if requirement.documentation.strip():
        parts.append(f"Dokumentasjon / documentation: {requirement.documentation.strip()}")
    return " — ".join(parts)


def request_uuid(notice: Notice) -> str:
    return str(uuid.uuid5(ANBUD_ESPD_NAMESPACE, f"request/{notice.reference}/{notice.version}"))


def _insert_before(parent: etree._Element, element: etree._Element,
                   following: tuple[str, ...]) -> None:
    """Insert `element` before the first child whose local name is in `following`."""
    for index, child in enumerate(parent):
        if isinstance(child.tag, str) and etree.QName(child).localname in following:
            parent.insert(index, element)
            return
    parent.append(element)


def _properties(element: etree._Element) -> list[etree._Element]:
    return list(element.iter(f"{{{CAC}}}TenderingCriterionProperty"))


def _shape(entry: RequestedCriterion, all_lots: list[int]) -> etree._Element:
    element = entry.criterion.element()
    # Placeholder legislation ("[Legislation Title]") says nothing; the notice names the law.
    for legislation in element.findall("cac:Legislation", NS):
        element.remove(legislation)
    for old in element.findall("cac:ProcurementProjectLotReference", NS):
        element.remove(old)
    texts = [requirement_text(r) for r in entry.requirements]
    description = etree.Element(q("cbc:Description"))
    description.text = xml_safe("\n".join(texts))
    _insert_before(element, description, AFTER_DESCRIPTION)
    selection = entry.criterion.category != RequirementCategory.EXCLUSION
    if selection:
        for number in entry.lots:
            reference = etree.Element(q("cac:ProcurementProjectLotReference"))
            el(reference, "cbc:ID", lot_id(number), schemeAgencyID="OP")
            _insert_before(element, reference, AFTER_DESCRIPTION[6:])
    one_lot = lot_id(entry.lots[0]) if len(entry.lots) == 1 else ""
    for prop in _properties(element):
        if prop.findtext("cbc:TypeCode", namespaces=NS) != "REQUIREMENT":
            continue
        data_type = prop.findtext("cbc:ValueDataTypeCode", namespaces=NS) or ""
        for child in list(prop):
            name = etree.QName(child).localname
            if name not in SAMPLE_VALUES:
                continue
            if data_type == "CODE_BOOLEAN" and name == "ExpectedCode":
                continue  # how the question is shown (checkbox / radio), not a sample
            if data_type == "LOT_IDENTIFIER" and name == "ExpectedID" and one_lot:
                child.text = one_lot
                continue
            if data_type == "DESCRIPTION" and name == "ExpectedDescription":
                child.text = xml_safe("\n".join(texts))
                continue
            prop.remove(child)
    return element


def request_document(notice: Notice, *, now: datetime | None = None) -> etree._Element:
    """The ESPD request of a notice as an element tree (valid against the UBL 2.3 XSD)."""
    issued = notice.published_at or now or timezone.now()
    root = etree.Element(f"{{{REQUEST_NS}}}QualificationApplicationRequest",
                         nsmap={None: REQUEST_NS, "cac": CAC, "cbc": CBC})
    header(root, doc_id=f"ESPDREQ-{notice.reference}-{notice.version}",
           doc_uuid=request_uuid(notice), folder=notice.reference, issued=issued,
           procedure=notice.procedure_type or "")
    organization_party(el(root, "cac:ContractingParty"), notice.buyer)
    project = el(root, "cac:ProcurementProject")
    el(project, "cbc:Name", notice.title)
    if notice.description:
        el(project, "cbc:Description", notice.description)
    all_lots = lot_numbers_of(notice)
    for number in all_lots:
        el(el(root, "cac:ProcurementProjectLot"), "cbc:ID", lot_id(number), schemeAgencyID="OP")
    for entry in requested_criteria(notice):
        root.append(_shape(entry, all_lots))
    return root


def request_xml(notice: Notice, *, now: datetime | None = None) -> bytes:
    return serialize(request_document(notice, now=now))
