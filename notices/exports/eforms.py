"""eForms XML (SDK 1.15) for published notices.

Which subtype:
- Part III (EEA): contract notice -> 16 (ContractNotice), PIN -> 4 (PriorInformationNotice).
- Part II and below (national, Norwegian tailoring, RegulatoryDomain `other`, legal basis as an
  ELI reference to FOA, CustomizationID with the national-e suffix): contract / national /
  voluntary notice -> E3, PIN -> E2.
- Award notices (29 / E4) need the award decision (winners, tenders, contracts), which the
  notice does not hold yet; they are refused with a clear message, as are VEAT notices.

Each published version is its own eForms notice (own notice identifier, VersionID 01) in one
procedure (ContractFolderID). A change notice or cancellation carries the `efac:Changes`
section pointing at the previous version, as eForms change notices do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    notice_uuid,
    parse_moment,
    pick_version,
    procedure_uuid,
    published_versions,
)
from notices.models import ContractType, Notice, NoticeKind, NoticeVersion, Regime, VersionKind

SDK_VERSION = "eforms-sdk-1.15"
NATIONAL_SUFFIX = "#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e"
LANGUAGE = "NOR"

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
# The national complaints board; an operator can override it in settings (EFORMS_REVIEW_BODY).
DEFAULT_REVIEW_BODY = {"name": "Klagenemnda for offentlige anskaffelser (KOFA)",
                       "city": "Bergen", "country": "NO", "company_id": "",
                       "website": "https://www.kofa.no"}


@dataclass(frozen=True)
class Subtype:
    code: str
    root: str
    notice_type: str
    form_type: str
    national: bool


CN_16 = Subtype("16", "ContractNotice", "cn-standard", "competition", national=False)
PIN_4 = Subtype("4", "PriorInformationNotice", "pin-only", "planning", national=False)
CN_E3 = Subtype("E3", "ContractNotice", "cn-standard", "competition", national=True)
PIN_E2 = Subtype("E2", "PriorInformationNotice", "pin-only", "planning", national=True)


def subtype_for(notice: Notice) -> Subtype:
    eea = notice.regime == Regime.PART_III
    if notice.kind == NoticeKind.PIN:
        return PIN_4 if eea else PIN_E2
    if notice.kind == NoticeKind.CONTRACT:
        return CN_16 if eea else CN_E3
    if notice.kind in (NoticeKind.NATIONAL, NoticeKind.VOLUNTARY):
        return CN_E3
    if notice.kind == NoticeKind.AWARD:
        raise NotExportable(_("eForms export of award notices needs the award decision "
                              "(winners and contracts), which is not recorded yet. The OCDS "
                              "export is available."))
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


def _buyer_org(org: Organization) -> _Org:
    return _Org("ORG-0001", org.name, org.city, org.country, org.nuts,
                org.org_number or org.national_id, org.email)


def _review_org() -> _Org:
    body = {**DEFAULT_REVIEW_BODY, **getattr(settings, "EFORMS_REVIEW_BODY", {})}
    return _Org("ORG-0002", body["name"], body["city"], body["country"],
                company_id=body.get("company_id", ""), website=body.get("website", ""))


def _organizations(ext: etree._Element, orgs: list[_Org]) -> None:
    container = _el(ext, "efac:Organizations")
    for org in orgs:
        company = _path(container, "efac:Organization", "efac:Company")
        if org.website:
            _el(company, "cbc:WebsiteURI", org.website)
        _el(_el(company, "cac:PartyIdentification"), "cbc:ID", org.tech_id,
            schemeName="organization")
        _el(_el(company, "cac:PartyName"), "cbc:Name", org.name, languageID=LANGUAGE)
        address = _el(company, "cac:PostalAddress")
        if org.city:
            _el(address, "cbc:CityName", org.city)
        if org.nuts:
            _el(address, "cbc:CountrySubentityCode", org.nuts, listName="nuts")
        _el(_el(address, "cac:Country"), "cbc:IdentificationCode",
            COUNTRY3.get(org.country, org.country), listName="country")
        if org.company_id:
            _el(_el(company, "cac:PartyLegalEntity"), "cbc:CompanyID", org.company_id)
        if org.email:
            _el(_el(company, "cac:Contact"), "cbc:ElectronicMail", org.email)


def _changes(ext: etree._Element, notice: Notice, version: NoticeVersion,
             previous: NoticeVersion, lot_ids: list[str]) -> None:
    changes = _el(ext, "efac:Changes")
    _el(changes, "efbc:ChangedNoticeIdentifier",
        f"{notice_uuid(notice, previous.number)}-01")
    if version.kind == VersionKind.CANCELLATION:
        change = _el(changes, "efac:Change")
        _el(change, "efbc:ChangeDescription", "Kunngjøringen er avlyst.", languageID=LANGUAGE)
    else:
        lot_level = {"submission_deadline", "question_deadline", "lots"}
        for item in version.diff:
            change = _el(changes, "efac:Change")
            _el(change, "efbc:ChangeDescription", _field_label(item["field"]),
                languageID=LANGUAGE)
            if item["field"] in lot_level:
                for ident in lot_ids:
                    _el(_el(change, "efac:ChangedSection"), "efbc:ChangedSectionIdentifier",
                        ident)
    reason = _el(changes, "efac:ChangeReason")
    code = "cancel" if version.kind == VersionKind.CANCELLATION else "update-add"
    _el(reason, "cbc:ReasonCode", code, listName="change-corrig-justification")
    if version.reason:
        _el(reason, "efbc:ReasonDescription", version.reason, languageID=LANGUAGE)


def _field_label(field: str) -> str:
    from notices.fields import FIELD_LABELS

    label = FIELD_LABELS.get(field)
    return str(label) if label else field


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
             nuts: str, national: bool, internal_id: str = "",
             value: Any = None, additional: list[str] | None = None) -> etree._Element:
    project = _el(parent, "cac:ProcurementProject")
    if internal_id:
        _el(project, "cbc:ID", internal_id, schemeName="InternalID")
    _el(project, "cbc:Name", name, languageID=LANGUAGE)
    _el(project, "cbc:Description", description or name, languageID=LANGUAGE)
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
    return project


def _competition_lot_terms(lot: etree._Element, *, subtype: Subtype, documents_url: str,
                           submission_url: str) -> None:
    """The lot's tendering terms of a contract notice (16 / E3)."""
    terms = _el(lot, "cac:TenderingTerms")
    if not subtype.national:
        _el(terms, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
    documents = _el(terms, "cac:CallForTendersDocumentReference")
    _el(documents, "cbc:ID", "konkurransegrunnlag")
    _el(documents, "cbc:DocumentType", "non-restricted-document")
    _el(_path(documents, "cac:Attachment", "cac:ExternalReference"), "cbc:URI", documents_url)
    if not subtype.national:
        _el(_path(terms, "cac:TendererQualificationRequest", "cac:SpecificTendererRequirement"),
            "cbc:TendererRequirementTypeCode", "none", listName="reserved-procurement")
    _el(_path(terms, "cac:TendererQualificationRequest", "cac:SpecificTendererRequirement"),
        "cbc:TendererRequirementTypeCode", "epo-procurement-document",
        listName="selection-criteria-source")
    if not subtype.national:
        for list_name, code in (("reserved-execution", "no"), ("einvoicing", "required"),
                                ("ecatalog-submission", "not-allowed")):
            _el(_el(terms, "cac:ContractExecutionRequirement"), "cbc:ExecutionRequirementCode",
                code, listName=list_name)
    recipient = _el(terms, "cac:TenderRecipientParty")
    _el(recipient, "cbc:EndpointID", submission_url)
    if not subtype.national:
        appeal = _el(terms, "cac:AppealTerms")
        _el(_el(appeal, "cac:PresentationPeriod"), "cbc:Description",
            "Klage kan sendes til KOFA; begjæring om midlertidig forføyning til tingretten "
            "innen karensperioden.", languageID=LANGUAGE)
        _el(_path(appeal, "cac:AppealReceiverParty", "cac:PartyIdentification"), "cbc:ID",
            "ORG-0002", schemeName="organization")
        _el(_el(terms, "cac:Language"), "cbc:ID", LANGUAGE)
        post_award = _el(terms, "cac:PostAwardProcess")
        _el(post_award, "cbc:ElectronicOrderUsageIndicator", "false")
        _el(post_award, "cbc:ElectronicPaymentUsageIndicator", "true")


def _competition_lot_process(lot: etree._Element, *, subtype: Subtype, gpa: bool,
                             deadline: datetime | None, questions: datetime | None) -> None:
    process = _el(lot, "cac:TenderingProcess")
    _el(process, "cbc:SubmissionMethodCode", "required", listName="esubmission")
    if not subtype.national:
        _el(process, "cbc:GovernmentAgreementConstraintIndicator", "true" if gpa else "false")
    if deadline is not None:
        period = _el(process, "cac:TenderSubmissionDeadlinePeriod")
        _el(period, "cbc:EndDate", _date(deadline))
        _el(period, "cbc:EndTime", _time(deadline))
    if questions is not None:
        period = _el(process, "cac:AdditionalInformationRequestPeriod")
        _el(period, "cbc:EndDate", _date(questions))
        _el(period, "cbc:EndTime", _time(questions))
    if not subtype.national:
        _el(_el(process, "cac:AuctionTerms"), "cbc:AuctionConstraintIndicator", "false")
    _el(_el(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode", "none",
        listName="framework-agreement")
    if not subtype.national:
        _el(_el(process, "cac:ContractingSystem"), "cbc:ContractingSystemTypeCode", "none",
            listName="dps-usage")


def _pin_part_terms(part: etree._Element) -> None:
    terms = _el(part, "cac:TenderingTerms")
    appeal = _el(terms, "cac:AppealTerms")
    _el(_path(appeal, "cac:AppealReceiverParty", "cac:PartyIdentification"), "cbc:ID",
        "ORG-0002", schemeName="organization")


def notice_xml(notice: Notice, *, base_url: str, version: int | None = None) -> bytes:
    """The eForms XML of a published notice version (default: the latest), as UTF-8 bytes."""
    versions = published_versions(notice)  # errors in the asker's language
    chosen = pick_version(versions, version)
    subtype = subtype_for(notice)
    # Texts we add (change descriptions) are in the notice language, whoever asks.
    with translation.override("nb"):
        return _notice_xml(notice, versions=versions, chosen=chosen, subtype=subtype,
                           base_url=base_url)


def _notice_xml(notice: Notice, *, versions: list[NoticeVersion], chosen: NoticeVersion,
                subtype: Subtype, base_url: str) -> bytes:
    snap: dict[str, Any] = chosen.snapshot
    base = base_url.rstrip("/")
    documents_url = f"{base}/api/notices/{notice.pk}/documents/"
    submission_url = f"{base}/notices/{notice.pk}/"
    competition = subtype.root == "ContractNotice"

    lots = snap.get("lots") or []
    if lots:
        lot_rows = [(lot_id(lot["number"]), lot) for lot in lots]
    else:
        # A notice without lots is one lot in eForms (LOT-0000 / PAR-0000).
        lot_rows = [("LOT-0000", {"title": snap.get("title", ""),
                                  "description": snap.get("description", ""),
                                  "cpv": snap.get("cpv_main", ""),
                                  "estimated_value": None})]
    if not competition:
        lot_rows = [(ident.replace("LOT-", "PAR-"), lot) for ident, lot in lot_rows]

    nsmap: dict[str | None, str] = {None: ROOT_NS[subtype.root]}
    nsmap.update(NS)
    root = etree.Element(f"{{{ROOT_NS[subtype.root]}}}{subtype.root}", nsmap=nsmap)
    ext = _path(root, "ext:UBLExtensions", "ext:UBLExtension", "ext:ExtensionContent",
                "efext:EformsExtension")
    if chosen.kind != VersionKind.ORIGINAL:
        previous = versions[versions.index(chosen) - 1]
        _changes(ext, notice, chosen, previous, [ident for ident, _lot in lot_rows])
    _el(_el(ext, "efac:NoticeSubType"), "cbc:SubTypeCode", subtype.code,
        listName="notice-subtype")
    orgs = [_buyer_org(notice.buyer)]
    if not subtype.national:
        orgs.append(_review_org())
    _organizations(ext, orgs)

    _el(root, "cbc:UBLVersionID", "2.3")
    _el(root, "cbc:CustomizationID", SDK_VERSION + (NATIONAL_SUFFIX if subtype.national else ""))
    _el(root, "cbc:ID", notice_uuid(notice, chosen.number), schemeName="notice-id")
    _el(root, "cbc:ContractFolderID", procedure_uuid(notice))
    _el(root, "cbc:IssueDate", _date(chosen.published_at))
    _el(root, "cbc:IssueTime", _time(chosen.published_at))
    _el(root, "cbc:VersionID", "01")
    if subtype == PIN_4:
        planned = parse_moment(snap.get("submission_deadline")) or chosen.published_at
        _el(root, "cbc:PlannedDate", _date(planned))
    _el(root, "cbc:RegulatoryDomain", "other" if subtype.national else "32014L0024")
    _el(root, "cbc:NoticeTypeCode", subtype.notice_type, listName=subtype.form_type)
    _el(root, "cbc:NoticeLanguageCode", LANGUAGE)

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

    if subtype.national or competition:
        terms = _el(root, "cac:TenderingTerms")
        if subtype.national:
            _legal_basis(terms, notice, snap)
        if competition:
            _el(_path(terms, "cac:TendererQualificationRequest",
                      "cac:SpecificTendererRequirement"),
                "cbc:TendererRequirementTypeCode", "epo-procurement-document",
                listName="exclusion-grounds-source")
    if competition:
        process = _el(root, "cac:TenderingProcess")
        _el(process, "cbc:ProcedureCode", snap.get("procedure_type") or "open",
            listName="procurement-procedure-type")
        if not subtype.national:
            _el(_el(process, "cac:ProcessJustification"), "cbc:ProcessReasonCode",
                "true" if snap.get("accelerated") else "false", listName="accelerated-procedure")

    contract_type = ContractType(snap.get("contract_type") or ContractType.SERVICES)
    nature = CONTRACT_NATURE[contract_type]
    nuts = snap.get("nuts", "")
    national = subtype.national
    total = money(snap.get("estimated_value"))
    lot_values = [money(lot.get("estimated_value")) for _ident, lot in lot_rows]
    # National rule VA-R001: lot values must add up to the procedure's estimated value.
    # FOA only requires them not to exceed it, so when they do not add up they are left out
    # of a national notice (the OCDS export keeps them).
    show_lot_values = not national or (
        None not in lot_values and sum(v for v in lot_values if v is not None) == total)
    _project(root, internal_id=notice.reference, name=snap.get("title", ""),
             description=snap.get("description", ""), nature=nature,
             cpv=snap.get("cpv_main", ""), nuts=nuts, national=national,
             value=total, additional=snap.get("cpv_additional"))

    deadline = parse_moment(snap.get("submission_deadline"))
    questions = parse_moment(snap.get("question_deadline"))
    for ident, lot in lot_rows:
        node = _el(root, "cac:ProcurementProjectLot")
        _el(node, "cbc:ID", ident, schemeName="Lot" if competition else "Part")
        if competition:
            _competition_lot_terms(node, subtype=subtype, documents_url=documents_url,
                                   submission_url=submission_url)
            _competition_lot_process(node, subtype=subtype,
                                     gpa=contract_type != ContractType.SOCIAL,
                                     deadline=deadline, questions=questions)
        elif not subtype.national:
            _pin_part_terms(node)
        _project(node, internal_id=str(lot.get("number", "")) if lot.get("number") else "",
                 name=lot["title"], description=lot.get("description") or lot["title"],
                 nature=nature, cpv=lot["cpv"], nuts=nuts, national=national,
                 value=money(lot.get("estimated_value")) if show_lot_values else None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
