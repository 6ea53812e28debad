"""eForms XML (SDK 1.15) for published notices, written to pass the SDK's business rules.

Which subtype:
- Part III (EEA): contract notice -> 16 (ContractNotice), PIN -> 4 (PriorInformationNotice).
  These go to TED, so they are written in English (an official EU language; Norwegian is not
  one) from the notice's English texts (`title_en`, `description_en`, the lots' English
  titles), which publishing requires for Part III (notices/exports/eforms_checks.py).
- Part II and below (national, Norwegian tailoring, RegulatoryDomain `other`, legal basis as an
  ELI reference to FOA, CustomizationID with the national-e suffix, language NOR): contract /
  national / voluntary notice -> E3, PIN -> E2.
- Award notices (kind "can", linked to their contract notice by `award_for`): 29
  (ContractAwardNotice, can-standard) when the contract notice is Part III, E4 otherwise. The
  procedure and lots are the contract notice's (its version in force), in the same procedure
  (ContractFolderID) with the contract notice as the previous notice (OPP-090); the results
  come from the award (notices/exports/eforms_results.py). Refused (409) before any award
  decision was sent, as are VEAT notices.

Identity: every published version is its own eForms notice with its own notice identifier
(BT-701, `NoticeVersion.notice_uuid`, VersionID 01) in one procedure (ContractFolderID,
`Notice.procedure_uuid`), both UUID version 4 drawn once and stored. A change notice or
cancellation carries the `efac:Changes` section pointing at the previous version, as the
SDK's change-notice example does. A PIN carries no procedure identifier (BT-04 is forbidden
in subtypes 4 and E2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from accounts.models import BuyerType, Organization
from backend.formatting import format_oslo
from backend.text import xml_safe
from notices.exports import (
    NotExportable,
    lot_id,
    money,
    parse_moment,
    pick_version,
    published_versions,
)
from notices.exports.eforms_checks import fits_nature, nature_of_cpv
from notices.models import (
    ContractType,
    Notice,
    NoticeKind,
    NoticeVersion,
    ProcedureType,
    Regime,
    VersionKind,
)

if TYPE_CHECKING:
    from notices.exports.eforms_results import Results

SDK_VERSION = "eforms-sdk-1.15"
NATIONAL_SUFFIX = "#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e"
NATIONAL_LANGUAGE = "NOR"
TED_LANGUAGE = "ENG"

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
ROOT_NS = {
    "ContractNotice": "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2",
    "PriorInformationNotice":
        "urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2",
    "ContractAwardNotice": "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2",
}

# Legal basis of national notices (FOA), as the Norwegian national rules require (BT-01 c/d).
FOA_ELI = "https://lovdata.no/eli/forskrift/2016/8/12/974"
FOSA_ELI = "https://lovdata.no/eli/forskrift/2016/8/12/975"
# BT-11 from the FOA buyer type; the national rules accept only the detailed codes.
BUYER_LEGAL_TYPE = {BuyerType.STATE: "cga", BuyerType.OTHER: "la",
                    BuyerType.UTILITIES: "pub-undert-la"}
# Health, social and other specific services (CPV prefixes of the national rule
# EFORMS-NOR-NATIONAL-TH-R008I) are outside FOA Part II; their national basis is Part I.
SOCIAL_CPV_PREFIXES = (
    "8000", "8010", "8020", "8030", "8040", "8050", "8060", "8061", "8062", "8063", "8064",
    "8065", "8066", "85000", "85100", "85200", "85300", "85310", "85320", "85321", "85322",
    "85323", "981331", "985130", "985140", "7512100", "7512200", "7512300", "7523120",
    "7523121", "7523122", "7523123", "7523124",
)
COUNTRY3 = {"NO": "NOR", "SE": "SWE", "DK": "DNK", "FI": "FIN", "IS": "ISL", "DE": "DEU",
            "GB": "GBR", "NL": "NLD", "FR": "FRA", "PL": "POL", "LT": "LTU", "EE": "EST",
            "LV": "LVA"}
CONTRACT_NATURE = {ContractType.SUPPLIES: "supplies", ContractType.SERVICES: "services",
                   ContractType.WORKS: "works", ContractType.SOCIAL: "services"}
# Procedures whose tenders come straight in (BT-131, the tender deadline); the others take
# requests to participate first (BT-1311), and their tender deadline is in the invitation.
ONE_STAGE = {ProcedureType.OPEN, ProcedureType.OTHER_SINGLE}
# Procedures that may reduce the candidates in stages (BT-52), and those that may be
# accelerated (BT-106).
SUCCESSIVE_REDUCTION = {ProcedureType.NEGOTIATED, ProcedureType.DIALOGUE,
                        ProcedureType.INNOVATION}
MAY_ACCELERATE = {ProcedureType.OPEN, ProcedureType.RESTRICTED, ProcedureType.NEGOTIATED}
# The review body (OPT-301-Lot-ReviewOrg): the court where a supplier asks for an interim
# injunction. The default is the district court of the Norwegian national example (DFØ);
# operators set the court competent for their authorities in ANBUD_REVIEW_BODY_* (settings).
DEFAULT_REVIEW_BODY = {
    "name": "Romerike og Glåmdal tingrett", "company_id": "926723863",
    "street": "Postboks 393", "city": "Lillestrøm", "postal_code": "2001", "nuts": "NO084",
    "country": "NO", "website": "https://www.domstol.no/", "email": "", "phone": "",
}

# Fixed texts of the notice, in the notice's language.
TEXTS = {
    "appeal": {
        NATIONAL_LANGUAGE: "Klage kan sendes til Klagenemnda for offentlige anskaffelser "
                           "(KOFA); begjæring om midlertidig forføyning til tingretten innen "
                           "karensperioden.",
        TED_LANGUAGE: "Complaints may be lodged with the Norwegian Complaints Board for Public "
                      "Procurement (KOFA); an application for an interim injunction must be "
                      "made to the district court within the standstill period.",
    },
    "cancelled": {NATIONAL_LANGUAGE: "Kunngjøringen er avlyst.",
                  TED_LANGUAGE: "The notice is cancelled."},
}


@dataclass(frozen=True)
class Subtype:
    code: str
    root: str
    notice_type: str
    form_type: str
    national: bool

    @property
    def language(self) -> str:
        return NATIONAL_LANGUAGE if self.national else TED_LANGUAGE


CN_16 = Subtype("16", "ContractNotice", "cn-standard", "competition", national=False)
PIN_4 = Subtype("4", "PriorInformationNotice", "pin-only", "planning", national=False)
CN_E3 = Subtype("E3", "ContractNotice", "cn-standard", "competition", national=True)
PIN_E2 = Subtype("E2", "PriorInformationNotice", "pin-only", "planning", national=True)
CAN_29 = Subtype("29", "ContractAwardNotice", "can-standard", "result", national=False)
CAN_E4 = Subtype("E4", "ContractAwardNotice", "can-standard", "result", national=True)


def subtype_for(notice: Notice) -> Subtype:
    eea = notice.regime == Regime.PART_III
    if notice.kind == NoticeKind.PIN:
        return PIN_4 if eea else PIN_E2
    if notice.kind == NoticeKind.CONTRACT:
        return CN_16 if eea else CN_E3
    if notice.kind in (NoticeKind.NATIONAL, NoticeKind.VOLUNTARY):
        return CN_E3
    if notice.kind == NoticeKind.AWARD:
        procedure = notice.award_for
        if procedure is None:
            raise NotExportable(_("eForms export of award notices needs the award decision "
                                  "(winners and contracts), which is not recorded yet. The "
                                  "OCDS export is available."))
        return CAN_29 if procedure.regime == Regime.PART_III else CAN_E4
    raise NotExportable(_("eForms export of %(kind)s notices is not supported yet. The OCDS "
                          "export is available.") % {"kind": NoticeKind(notice.kind).label.lower()})


def _q(tag: str) -> str:
    prefix, _sep, local = tag.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def _el(parent: etree._Element, tag: str, text: Any = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, _q(tag), {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        node.text = xml_safe(text)
    return node


def _path(parent: etree._Element, *tags: str) -> etree._Element:
    node = parent
    for tag in tags:
        node = _el(node, tag)
    return node


def _date(moment: datetime) -> str:
    return format_oslo(moment, "eforms_date")


def _time(moment: datetime) -> str:
    return format_oslo(moment, "eforms_time")


@dataclass
class _Org:
    tech_id: str
    name: str
    city: str
    country: str
    nuts: str = ""
    company_id: str = ""
    email: str = ""
    website: str = ""
    phone: str = ""
    street: str = ""
    postal_code: str = ""
    size: str = ""  # BT-165 economic operator size of a tenderer


def buyer_org(org: Organization) -> _Org:
    return _Org("ORG-0001", org.name, org.city, org.country, org.nuts,
                org.org_number or org.national_id, org.email, phone=org.phone,
                street=org.street, postal_code=org.postal_code)


def review_body() -> dict[str, str]:
    """The review body's data: the defaults, overridden by settings.EFORMS_REVIEW_BODY."""
    configured = {k: v for k, v in getattr(settings, "EFORMS_REVIEW_BODY", {}).items() if v}
    return {**DEFAULT_REVIEW_BODY, **configured}


def _review_org() -> _Org:
    body = review_body()
    return _Org("ORG-0002", body["name"], body["city"], body["country"], body.get("nuts", ""),
                company_id=body.get("company_id", ""), website=body.get("website", ""),
                email=body.get("email", ""), phone=body.get("phone", ""),
                street=body.get("street", ""), postal_code=body.get("postal_code", ""))


def _organizations(ext: etree._Element, orgs: list[_Org], language: str) -> None:
    container = _el(ext, "efac:Organizations")
    for org in orgs:
        company = _path(container, "efac:Organization", "efac:Company")
        if org.website:
            _el(company, "cbc:WebsiteURI", org.website)
        if org.size:
            _el(company, "efbc:CompanySizeCode", org.size, listName="economic-operator-size")
        _el(_el(company, "cac:PartyIdentification"), "cbc:ID", org.tech_id,
            schemeName="organization")
        _el(_el(company, "cac:PartyName"), "cbc:Name", org.name, languageID=language)
        address = _el(company, "cac:PostalAddress")
        if org.street:
            _el(address, "cbc:StreetName", org.street)
        if org.city:
            _el(address, "cbc:CityName", org.city)
        if org.postal_code:
            _el(address, "cbc:PostalZone", org.postal_code)
        if org.nuts:
            _el(address, "cbc:CountrySubentityCode", org.nuts, listName="nuts")
        _el(_el(address, "cac:Country"), "cbc:IdentificationCode",
            COUNTRY3.get(org.country, org.country), listName="country")
        if org.company_id:
            _el(_el(company, "cac:PartyLegalEntity"), "cbc:CompanyID", org.company_id)
        if org.phone or org.email:
            contact = _el(company, "cac:Contact")
            if org.phone:
                _el(contact, "cbc:Telephone", org.phone)
            if org.email:
                _el(contact, "cbc:ElectronicMail", org.email)


# Fields that belong to each lot (their change is a change of every lot's section); the rest
# describe the procedure.
LOT_LEVEL_FIELDS = {"submission_deadline", "question_deadline", "request_deadline", "lots",
                    "duration_months", "tender_validity_days", "candidates_min"}


def _changes(ext: etree._Element, version: NoticeVersion, previous: NoticeVersion,
             lot_ids: list[str], language: str) -> None:
    changes = _el(ext, "efac:Changes")
    _el(changes, "efbc:ChangedNoticeIdentifier", f"{previous.notice_uuid}-01")
    if version.kind == VersionKind.CANCELLATION:
        change = _el(changes, "efac:Change")
        _el(change, "efbc:ChangeDescription", TEXTS["cancelled"][language], languageID=language)
        _el(_el(change, "efac:ChangedSection"), "efbc:ChangedSectionIdentifier", "PROCEDURE")
    else:
        for item in version.diff:
            change = _el(changes, "efac:Change")
            _el(change, "efbc:ChangeDescription", _field_label(item["field"], language),
                languageID=language)
            # Every change names the section it changes (BR-BT-00141): the lots, or the
            # procedure as a whole.
            sections = lot_ids if item["field"] in LOT_LEVEL_FIELDS else ["PROCEDURE"]
            for ident in sections:
                _el(_el(change, "efac:ChangedSection"), "efbc:ChangedSectionIdentifier", ident)
    reason = _el(changes, "efac:ChangeReason")
    code = "cancel" if version.kind == VersionKind.CANCELLATION else "update-add"
    _el(reason, "cbc:ReasonCode", code, listName="change-corrig-justification")
    # The officer writes the reason in Norwegian; a notice for TED leaves it out (BT-762 is
    # optional) rather than label Norwegian text as English.
    if version.reason and language == NATIONAL_LANGUAGE:
        _el(reason, "efbc:ReasonDescription", version.reason, languageID=language)


def _field_label(field: str, language: str) -> str:
    from notices.fields import FIELD_LABELS

    label = FIELD_LABELS.get(field)
    if not label:
        return field
    with translation.override("en" if language == TED_LANGUAGE else "nb"):
        return str(label)


def _legal_basis(terms: etree._Element, notice: Notice, snap: dict[str, Any]) -> None:
    utilities = notice.buyer.buyer_type == BuyerType.UTILITIES
    reference = _el(terms, "cac:ProcurementLegislationDocumentReference")
    if utilities:
        _el(reference, "cbc:ID", FOSA_ELI, schemeName="ELI")
        _el(reference, "cbc:DocumentDescription", "NOR — Forsyningsforskriften Del 1",
            languageID="NOR")
        return
    _el(reference, "cbc:ID", FOA_ELI, schemeName="ELI")
    social = (snap.get("contract_type") == ContractType.SOCIAL
              or str(snap.get("cpv_main", "")).startswith(SOCIAL_CPV_PREFIXES))
    part2 = notice.regime == Regime.PART_II and not social
    _el(reference, "cbc:DocumentDescription",
        "NOR — Anskaffelsesforskriften Del 1 og 2" if part2 else
        "NOR — Anskaffelsesforskriften Del 1", languageID="NOR")


def _address(parent: etree._Element, nuts: str, *, national: bool) -> None:
    address = _path(parent, "cac:RealizedLocation", "cac:Address")
    _el(address, "cbc:CountrySubentityCode", nuts, listName="nuts-lvl3" if national else "nuts")
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", COUNTRY3.get(nuts[:2], "NOR"),
        listName="country")


def _project(parent: etree._Element, *, name: str, description: str, nature: str, cpv: str,
             nuts: str, national: bool, language: str, internal_id: str = "",
             value: Decimal | None = None, additional: list[str] | None = None,
             duration_months: int | None = None) -> etree._Element:
    project = _el(parent, "cac:ProcurementProject")
    if internal_id:
        _el(project, "cbc:ID", internal_id, schemeName="InternalID")
    _el(project, "cbc:Name", name, languageID=language)
    _el(project, "cbc:Description", description or name, languageID=language)
    _el(project, "cbc:ProcurementTypeCode", nature, listName="contract-nature")
    if value is not None:
        _el(_el(project, "cac:RequestedTenderTotal"), "cbc:EstimatedOverallContractAmount",
            f"{value:.2f}", currencyID="NOK")
    _el(_el(project, "cac:MainCommodityClassification"), "cbc:ItemClassificationCode", cpv,
        listName="cpv")
    for code in additional or []:
        _el(_el(project, "cac:AdditionalCommodityClassification"), "cbc:ItemClassificationCode",
            code, listName="cpv")
    _address(project, nuts, national=national)
    if duration_months:
        _el(_el(project, "cac:PlannedPeriod"), "cbc:DurationMeasure", str(duration_months),
            unitCode="MONTH")
    return project


@dataclass(frozen=True)
class _Terms:
    """What a contract notice says about every lot, from the published snapshot."""

    procedure: str
    one_stage: bool
    documents_url: str
    submission_url: str
    validity_days: int | None
    candidates_min: int | None
    gpa: bool
    deadline: datetime | None
    request_deadline: datetime | None
    questions: datetime | None


def _competition_lot_terms(lot: etree._Element, *, subtype: Subtype, terms: _Terms) -> None:
    """The lot's tendering terms of a contract notice (16 / E3)."""
    node = _el(lot, "cac:TenderingTerms")
    if not subtype.national:
        _el(node, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
    documents = _el(node, "cac:CallForTendersDocumentReference")
    _el(documents, "cbc:ID", "konkurransegrunnlag")
    _el(documents, "cbc:DocumentType", "non-restricted-document")
    _el(_path(documents, "cac:Attachment", "cac:ExternalReference"), "cbc:URI",
        terms.documents_url)
    if not subtype.national:
        _el(_path(node, "cac:TendererQualificationRequest", "cac:SpecificTendererRequirement"),
            "cbc:TendererRequirementTypeCode", "none", listName="reserved-procurement")
    _el(_path(node, "cac:TendererQualificationRequest", "cac:SpecificTendererRequirement"),
        "cbc:TendererRequirementTypeCode", "epo-procurement-document",
        listName="selection-criteria-source")
    if not subtype.national:
        for list_name, code in (("reserved-execution", "no"), ("einvoicing", "required"),
                                ("ecatalog-submission", "not-allowed")):
            _el(_el(node, "cac:ContractExecutionRequirement"), "cbc:ExecutionRequirementCode",
                code, listName=list_name)
    recipient = _el(node, "cac:TenderRecipientParty")
    _el(recipient, "cbc:EndpointID", terms.submission_url)
    # BT-98: tenders stay valid this long after the deadline (one-stage procedures only).
    if terms.one_stage and terms.validity_days:
        _el(_el(node, "cac:TenderValidityPeriod"), "cbc:DurationMeasure",
            str(terms.validity_days), unitCode="DAY")
    if not subtype.national:
        appeal = _el(node, "cac:AppealTerms")
        _el(_el(appeal, "cac:PresentationPeriod"), "cbc:Description",
            TEXTS["appeal"][subtype.language], languageID=subtype.language)
        _el(_path(appeal, "cac:AppealReceiverParty", "cac:PartyIdentification"), "cbc:ID",
            "ORG-0002", schemeName="organization")
        _el(_el(node, "cac:Language"), "cbc:ID", TED_LANGUAGE)
        post_award = _el(node, "cac:PostAwardProcess")
        _el(post_award, "cbc:ElectronicOrderUsageIndicator", "false")
        _el(post_award, "cbc:ElectronicPaymentUsageIndicator", "true")


def _period(parent: etree._Element, tag: str, moment: datetime) -> None:
    period = _el(parent, tag)
    _el(period, "cbc:EndDate", _date(moment))
    _el(period, "cbc:EndTime", _time(moment))


def _competition_lot_process(lot: etree._Element, *, subtype: Subtype, terms: _Terms) -> None:
    process = _el(lot, "cac:TenderingProcess")
    _el(process, "cbc:SubmissionMethodCode", "required", listName="esubmission")
    if not subtype.national and terms.procedure in SUCCESSIVE_REDUCTION:
        # BT-52: the number of tenders or solutions is not reduced in successive stages.
        _el(process, "cbc:CandidateReductionConstraintIndicator", "false")
    if not subtype.national:
        _el(process, "cbc:GovernmentAgreementConstraintIndicator",
            "true" if terms.gpa else "false")
    if terms.one_stage:
        if terms.deadline is not None:
            _period(process, "cac:TenderSubmissionDeadlinePeriod", terms.deadline)
    elif terms.request_deadline is not None:
        # Two-stage: the notice states the deadline for requests to participate (BT-1311);
        # the deadline for tenders goes to the invited candidates with the invitation.
        _period(process, "cac:ParticipationRequestReceptionPeriod", terms.request_deadline)
    if terms.questions is not None:
        _period(process, "cac:AdditionalInformationRequestPeriod", terms.questions)
    if not terms.one_stage and terms.candidates_min:
        # BT-661 (no maximum number of candidates) and BT-50 (the minimum invited).
        shortlist = _el(process, "cac:EconomicOperatorShortList")
        if not subtype.national:
            _el(shortlist, "cbc:LimitationDescription", "false")
        _el(shortlist, "cbc:MinimumQuantity", str(terms.candidates_min))
    if not subtype.national:
        _el(_el(process, "cac:AuctionTerms"), "cbc:AuctionConstraintIndicator", "false")
    _el(_el(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode", "none",
        listName="framework-agreement")
    if not subtype.national:
        _el(_el(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode", "none",
            listName="dps-usage")


def _result_lot_terms(lot: etree._Element, *, subtype: Subtype, terms: _Terms,
                      framework: bool) -> None:
    """The lot's tendering terms and process of a result notice (29 / E4): what the contract
    notice said (EU funds, GPA, no auction, no DPS) and whether a framework was awarded
    (BT-765). The award criteria and the review body follow (_result_lot_appeal)."""
    node = _el(lot, "cac:TenderingTerms")
    if not subtype.national:
        _el(node, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
    process = _el(lot, "cac:TenderingProcess")
    if not subtype.national:
        _el(process, "cbc:GovernmentAgreementConstraintIndicator",
            "true" if terms.gpa else "false")
        _el(_el(process, "cac:AuctionTerms"), "cbc:AuctionConstraintIndicator", "false")
    from notices.exports.eforms_results import FRAMEWORK_CODE

    _el(_el(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode",
        FRAMEWORK_CODE if framework else "none", listName="framework-agreement")
    if not subtype.national:
        _el(_el(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode", "none",
            listName="dps-usage")


def _result_lot_appeal(lot: etree._Element, *, subtype: Subtype) -> None:
    """The review body of a result notice's lot (OPT-301-Lot-ReviewOrg, TED notices), after
    the award criteria; a national lot without award criteria keeps no empty terms."""
    node = lot.find("cac:TenderingTerms", NS)
    if node is None:
        return
    if not subtype.national:
        appeal = _el(node, "cac:AppealTerms")
        _el(_el(appeal, "cac:PresentationPeriod"), "cbc:Description",
            TEXTS["appeal"][subtype.language], languageID=subtype.language)
        _el(_path(appeal, "cac:AppealReceiverParty", "cac:PartyIdentification"), "cbc:ID",
            "ORG-0002", schemeName="organization")
    if len(node) == 0:
        lot.remove(node)


def tenderer_org(tech_id: str, org: Organization) -> _Org:
    """A winning supplier as an eForms organisation, with its size (BT-165)."""
    return _Org(tech_id, org.name, org.city, org.country, org.nuts,
                org.org_number or org.national_id, org.email, phone=org.phone,
                street=org.street, postal_code=org.postal_code, size=org.company_size)


def _pin_part_terms(part: etree._Element) -> None:
    terms = _el(part, "cac:TenderingTerms")
    appeal = _el(terms, "cac:AppealTerms")
    _el(_path(appeal, "cac:AppealReceiverParty", "cac:PartyIdentification"), "cbc:ID",
        "ORG-0002", schemeName="organization")


def _awarding_terms(lot_node: etree._Element, snap: dict[str, Any], *, lot_number: int,
                    subtype: Subtype) -> None:
    """BG-707 award criteria of one lot (cac:AwardingTerms), from the evaluation model frozen in
    the version's snapshot (evaluation.criteria; nothing when the notice states none).

    One SubordinateAwardingCriterion per criterion: type (BT-539), name (BT-734), description
    (BT-540, with the scoring method and sub-criteria) and the weight as `per-exa` or the
    priority as `ord-imp` (BT-5421/BT-541); priced quality states neither, its NOK per point is
    in the description. Norwegian national notices carry the climate and environment
    declaration (FOA § 7-9) as the Norwegian award-criterion-type codes: climate criteria as
    quality-nor-env-criteria; requirements in the specification or an exemption as its own
    quality-nor-env-* criterion weighing 0 with the justification (national rule
    EFORMS-NOR-NATIONAL-EC-R001D), and strategic procurement `env-imp` (SP-R004). EU notices
    get the parent code `quality`, as DFØ maps the Norwegian codes for TED.
    """
    model = snap.get("evaluation_model") or {}
    lot = next((item for item in model.get("lots") or []
                if item.get("lot_number") == lot_number), None)
    if not lot or not lot.get("criteria"):
        return
    national = subtype.national
    terms = lot_node.find("cac:TenderingTerms", NS)
    if terms is None:
        return
    awarding = etree.Element(_q("cac:AwardingTerms"))
    anchor = terms.find("cac:TenderRecipientParty", NS)
    if anchor is not None:
        anchor.addprevious(awarding)
    else:
        terms.append(awarding)
    criterion = _el(awarding, "cac:AwardingCriterion")

    def subordinate(code: str, name: str, description: str,
                    weight: tuple[str, str] | None) -> None:
        """One SubordinateAwardingCriterion; `weight` is (BT-5421 code, BT-541 number)."""
        sub = _el(criterion, "cac:SubordinateAwardingCriterion")
        if weight is not None:
            parameter = _path(sub, "ext:UBLExtensions", "ext:UBLExtension",
                              "ext:ExtensionContent", "efext:EformsExtension",
                              "efac:AwardCriterionParameter")
            _el(parameter, "efbc:ParameterCode", weight[0], listName="number-weight")
            _el(parameter, "efbc:ParameterNumeric", weight[1])
        _el(sub, "cbc:AwardingCriterionTypeCode", code, listName="award-criterion-type")
        if name:
            _el(sub, "cbc:Name", name, languageID=subtype.language)
        _el(sub, "cbc:Description", description or name or code, languageID=subtype.language)

    methods = {"price_linear": "Pris, lineær: 10 − 10 × (P − Pmin) / Pmin",
               "price_proportional": "Pris, forholdsmessig: 10 × Pmin / P",
               "price_minmax": "Pris, lineær mellom laveste og høyeste pris",
               "points": "Poeng 0–10 etter beskrevet skala",
               "priced_quality": "Prissatt kvalitet: laveste evaluerte pris vinner"}
    priced_climate = ""
    if (national and lot.get("climate_option") == "quality-nor-env-criteria"
            and any(item.get("method") == "priced_quality" for item in lot["criteria"])):
        priced_climate = _climate_min_weight(snap)
    climate_items = [item for item in lot["criteria"] if item.get("kind") == "climate"] or [{}]
    for item in lot["criteria"]:
        kind = item.get("kind", "")
        if kind == "climate":
            code = "quality-nor-env-criteria" if national else "quality"
        else:
            code = kind
        parts = [item.get("description") or "",
                 f"Evalueringsmetode: {methods.get(item.get('method', ''), '')}"]
        if item.get("nok_per_point"):
            parts.append(f"Verdi per poeng: NOK {item['nok_per_point']}")
        if item.get("scale"):
            parts.append(f"Skala: {item['scale']}")
        for sub in item.get("sub_criteria") or []:
            weight = f" ({sub['weight']} %)" if sub.get("weight") else ""
            parts.append(f"Underkriterium: {sub.get('name', '')}{weight} "
                         f"{sub.get('description', '')}".strip())
        if item.get("weight"):
            number: tuple[str, str] | None = ("per-exa", str(item["weight"]))
        elif item.get("priority"):
            number = ("ord-imp", str(item["priority"]))
        elif priced_climate and kind == "climate":
            # Priced quality states no weights; publishing required the justification that
            # the NOK value of the climate points gives them the rule's minimum weight, which
            # the national rule EFORMS-NOR-NATIONAL-EC-R001D reads as BT-541 (per-exa). The
            # stock rule BR-BT-00539-0200 wants stated weights to add up to 100, so the price
            # criterion (the base the points are deducted from) carries the rest.
            number = ("per-exa", f"{Decimal(priced_climate) / len(climate_items):.2f}")
        elif priced_climate and item.get("method") == "priced_quality":
            number = ("per-exa", f"{Decimal(100) - Decimal(priced_climate):.2f}")
        else:
            number = None
        subordinate(code, item.get("name", ""), "\n".join(p for p in parts if p), number)
    option = str(lot.get("climate_option") or "")
    if option and option != "quality-nor-env-criteria":
        # Requirements in the specification or an exemption: the code, weighing 0, with the
        # justification the rule asks for as its description.
        subordinate(option if national else "quality", "",
                    lot.get("climate_justification") or option, ("per-exa", "0"))
    if national and option in ("quality-nor-env-criteria", "quality-nor-env-spec"):
        project = lot_node.find("cac:ProcurementProject", NS)
        nature = project.find("cbc:ProcurementTypeCode", NS) if project is not None else None
        if nature is not None:
            additional = etree.Element(_q("cac:ProcurementAdditionalType"))
            _el(additional, "cbc:ProcurementTypeCode", "env-imp",
                listName="strategic-procurement")
            # BT-777, the description a strategic-procurement code needs (BR-BT-00777).
            _el(additional, "cbc:ProcurementType", "Reduksjon av miljøpåvirkning",
                languageID=NATIONAL_LANGUAGE)
            nature.addnext(additional)


def _climate_min_weight(snap: dict[str, Any]) -> str:
    """The minimum weight of climate and environment (FOA § 7-9) in force when the notice was
    published (30 % when no rule row is found)."""
    from django.utils import timezone

    from evaluation.criteria.selectors import climate_rule_on

    published = parse_moment(snap.get("published_at"))
    day = timezone.localdate(published) if published else timezone.localdate()
    rule = climate_rule_on(day)
    weight = rule.min_weight if rule is not None else Decimal(30)
    return f"{weight:.2f}"


def notice_xml(notice: Notice, *, base_url: str, version: int | None = None) -> bytes:
    """The eForms XML of a published notice version (default: the latest), as UTF-8 bytes."""
    versions = published_versions(notice)  # errors in the asker's language
    chosen = pick_version(versions, version)
    subtype = subtype_for(notice)
    results = None
    if subtype.root == "ContractAwardNotice":
        from notices.exports.eforms_results import results_for

        results = results_for(notice, chosen)
    return _notice_xml(notice, versions=versions, chosen=chosen, subtype=subtype,
                       base_url=base_url, results=results)


def _text(snap: dict[str, Any], name: str, language: str) -> str:
    """A text of the snapshot in the notice's language (English for TED, if given)."""
    if language == TED_LANGUAGE:
        english = str(snap.get(f"{name}_en") or "").strip()
        if english:
            return english
    return str(snap.get(name) or "")


def _count(snap: dict[str, Any], name: str) -> int | None:
    value = snap.get(name)
    return None if value is None or value == "" else int(value)


def lot_rows(snap: dict[str, Any], *, competition: bool) -> list[tuple[str, dict[str, Any]]]:
    """(eForms lot or part identifier, lot data) for each lot; a notice without lots is one
    lot in eForms (LOT-0000, or PAR-0000 in a PIN)."""
    lots = snap.get("lots") or []
    rows: list[tuple[str, dict[str, Any]]]
    if lots:
        rows = [(lot_id(lot["number"]), lot) for lot in lots]
    else:
        rows = [("LOT-0000", {"title": snap.get("title", ""),
                              "title_en": snap.get("title_en", ""),
                              "description": snap.get("description", ""),
                              "description_en": snap.get("description_en", ""),
                              "cpv": snap.get("cpv_main", ""),
                              "estimated_value": None})]
    if not competition:
        rows = [(ident.replace("LOT-", "PAR-"), lot) for ident, lot in rows]
    return rows


def _notice_xml(notice: Notice, *, versions: list[NoticeVersion], chosen: NoticeVersion,
                subtype: Subtype, base_url: str, results: Results | None = None) -> bytes:
    # A result notice describes the procedure and lots of its contract notice (the version in
    # force), under its own notice identifier.
    procedure_notice = results.contract_notice if results is not None else notice
    snap: dict[str, Any] = (results.contract_version.snapshot if results is not None
                            else chosen.snapshot)
    base = base_url.rstrip("/")
    language = subtype.language
    competition = subtype.root == "ContractNotice"
    result = results is not None
    rows = lot_rows(snap, competition=competition or result)

    nsmap: dict[str | None, str] = {None: ROOT_NS[subtype.root]}
    nsmap.update(NS)
    root = etree.Element(f"{{{ROOT_NS[subtype.root]}}}{subtype.root}", nsmap=nsmap)
    ext = _path(root, "ext:UBLExtensions", "ext:UBLExtension", "ext:ExtensionContent",
                "efext:EformsExtension")
    if chosen.kind != VersionKind.ORIGINAL:
        previous = versions[versions.index(chosen) - 1]
        _changes(ext, chosen, previous, [ident for ident, _lot in rows], language)
    orgs = [buyer_org(notice.buyer)]
    if not subtype.national:
        orgs.append(_review_org())
    if results is not None:
        from notices.exports.eforms_results import write_notice_result

        winners = write_notice_result(
            ext, results, lot_numbers=[int(lot.get("number") or 0) for _ident, lot in rows],
            first_org=len(orgs) + 1, national=subtype.national)
        orgs.extend(tenderer_org(ident, org) for ident, org in winners)
    _el(_el(ext, "efac:NoticeSubType"), "cbc:SubTypeCode", subtype.code,
        listName="notice-subtype")
    _organizations(ext, orgs, language)

    _el(root, "cbc:UBLVersionID", "2.3")
    _el(root, "cbc:CustomizationID", SDK_VERSION + (NATIONAL_SUFFIX if subtype.national else ""))
    _el(root, "cbc:ID", str(chosen.notice_uuid), schemeName="notice-id")
    if competition or result:
        # A PIN establishes no procedure: BT-04 is forbidden in subtypes 4 and E2. A result
        # notice belongs to the procedure of its contract notice.
        _el(root, "cbc:ContractFolderID", str(procedure_notice.procedure_uuid))
    _el(root, "cbc:IssueDate", _date(chosen.published_at))
    _el(root, "cbc:IssueTime", _time(chosen.published_at))
    _el(root, "cbc:VersionID", "01")
    if subtype == PIN_4:
        # BT-127: when the contract notice is expected (publishing requires it, later than
        # the publication of the PIN).
        planned = snap.get("planned_notice_date")
        if planned:
            _el(root, "cbc:PlannedDate", f"{planned}{_date(chosen.published_at)[10:]}")
    _el(root, "cbc:RegulatoryDomain", "other" if subtype.national else "32014L0024")
    _el(root, "cbc:NoticeTypeCode", subtype.notice_type, listName=subtype.form_type)
    _el(root, "cbc:NoticeLanguageCode", language)

    party = _el(root, "cac:ContractingParty")
    legal_type = BUYER_LEGAL_TYPE.get(BuyerType(notice.buyer.buyer_type)
                                      if notice.buyer.buyer_type else BuyerType.OTHER, "la")
    _el(_el(party, "cac:ContractingPartyType"), "cbc:PartyTypeCode", legal_type,
        listName="buyer-legal-type")
    if not subtype.national:
        _el(_el(party, "cac:ContractingActivity"), "cbc:ActivityTypeCode", "gen-pub",
            listName="authority-activity")
    _el(_path(party, "cac:Party", "cac:PartyIdentification"), "cbc:ID", "ORG-0001",
        schemeName="organization")

    procedure = snap.get("procedure_type") or ProcedureType.OPEN
    if subtype.national or competition:
        terms_node = _el(root, "cac:TenderingTerms")
        if subtype.national:
            _legal_basis(terms_node, procedure_notice, snap)
        if competition:
            _el(_path(terms_node, "cac:TendererQualificationRequest",
                      "cac:SpecificTendererRequirement"),
                "cbc:TendererRequirementTypeCode", "epo-procurement-document",
                listName="exclusion-grounds-source")
            # BT-31 / BT-33: limits per supplier, stated only when there are several lots.
            max_submitted = _count(snap, "max_lots_submitted")
            max_awarded = _count(snap, "max_lots_awarded")
            if len(rows) > 1 and (max_submitted or max_awarded):
                distribution = _el(terms_node, "cac:LotDistribution")
                if max_awarded:
                    _el(distribution, "cbc:MaximumLotsAwardedNumeric", str(max_awarded))
                if max_submitted:
                    _el(distribution, "cbc:MaximumLotsSubmittedNumeric", str(max_submitted))
    if competition or result:
        process = _el(root, "cac:TenderingProcess")
        _el(process, "cbc:ProcedureCode", procedure, listName="procurement-procedure-type")
        if competition and not subtype.national and procedure in MAY_ACCELERATE:
            # BT-106, and BT-1351 the reason when the deadline is shortened.
            accelerated = bool(snap.get("accelerated"))
            justification = _el(process, "cac:ProcessJustification")
            _el(justification, "cbc:ProcessReasonCode", "true" if accelerated else "false",
                listName="accelerated-procedure")
            reason = _text(snap, "accelerated_reason", language)
            if accelerated and reason:
                _el(justification, "cbc:ProcessReason", reason, languageID=language)
        if results is not None:
            # OPP-090: the contract notice (its version in force) is the previous notice.
            _el(_el(process, "cac:NoticeDocumentReference"), "cbc:ID",
                f"{results.contract_version.notice_uuid}-01", schemeName="ojs-notice-id")

    contract_type = ContractType(snap.get("contract_type") or ContractType.SERVICES)
    nature = CONTRACT_NATURE[contract_type]
    nuts = snap.get("nuts", "")
    national = subtype.national
    total = money(snap.get("estimated_value"))
    lot_values = [money(lot.get("estimated_value")) for _ident, lot in rows]
    # National rule VA-R001: lot values must add up to the procedure's estimated value.
    # FOA only requires them not to exceed it, so when they do not add up they are left out
    # of a national notice (the OCDS export keeps them).
    show_lot_values = not national or (
        None not in lot_values and sum(v for v in lot_values if v is not None) == total)
    _project(root, internal_id=procedure_notice.reference, name=_text(snap, "title", language),
             description=_text(snap, "description", language), nature=nature,
             cpv=snap.get("cpv_main", ""), nuts=nuts, national=national, language=language,
             value=total, additional=snap.get("cpv_additional"))

    terms = _Terms(
        procedure=procedure, one_stage=procedure in ONE_STAGE,
        documents_url=f"{base}/api/notices/{procedure_notice.pk}/documents/",
        submission_url=f"{base}/notices/{procedure_notice.pk}/",
        validity_days=_count(snap, "tender_validity_days"),
        candidates_min=_count(snap, "candidates_min"),
        gpa=contract_type != ContractType.SOCIAL,
        deadline=parse_moment(snap.get("submission_deadline")),
        request_deadline=parse_moment(snap.get("request_deadline")),
        questions=parse_moment(snap.get("question_deadline")))
    notice_duration = _count(snap, "duration_months")
    for ident, lot in rows:
        node = _el(root, "cac:ProcurementProjectLot")
        _el(node, "cbc:ID", ident, schemeName="Part" if subtype.root ==
            "PriorInformationNotice" else "Lot")
        lot_number = int(lot.get("number") or 0)
        if competition:
            _competition_lot_terms(node, subtype=subtype, terms=terms)
            _competition_lot_process(node, subtype=subtype, terms=terms)
        elif results is not None:
            _result_lot_terms(node, subtype=subtype, terms=terms,
                              framework=results.is_framework(lot_number))
        elif not subtype.national:
            _pin_part_terms(node)
        title = _text(lot, "title", language)
        # A lot's nature (BT-23-Lot) is the notice's when its CPV code fits it; otherwise the
        # nature its code belongs to (a works lot in a services procedure).
        lot_nature = (nature if fits_nature(lot["cpv"], contract_type)
                      else nature_of_cpv(lot["cpv"]))
        _project(node, internal_id=str(lot["number"]) if lot.get("number") else "",
                 name=title, description=_text(lot, "description", language) or title,
                 nature=lot_nature, cpv=lot["cpv"], nuts=nuts, national=national,
                 language=language,
                 value=money(lot.get("estimated_value")) if show_lot_values else None,
                 duration_months=(_count(lot, "duration_months") or notice_duration)
                 if competition else None)
        if competition or result:
            _awarding_terms(node, snap, lot_number=lot_number, subtype=subtype)
        if result:
            _result_lot_appeal(node, subtype=subtype)
    if results is not None:
        _el(_el(root, "cac:TenderResult"), "cbc:AwardDate", results.award_date)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
