"""Import eForms notices (PIN, CN, CAN; EU subtypes and the Norwegian E2, E3, E4) as notices
on the board, marked with their source.

- A file is refused as a whole, with messages that name the element and the rule, when it is
  not well-formed XML, not a PIN, CN or CAN, not valid against the SDK's XSD, or breaks a
  business rule: the SDK's Schematron where it is installed (notices/exports/
  eforms_validation.py), and always the built-in rules below that the import itself relies on.
  Nothing is written for a refused file (one transaction per file).
- Identity: the eForms notice identifier (BT-701) is the identity of a published version
  (NoticeVersion.notice_uuid) and the procedure identifier (BT-04) that of the notice
  (Notice.procedure_uuid). Importing a notice again updates it instead of duplicating it; a
  change notice (efac:Changes) whose changed notice is here becomes that notice's next version.
- Status: an imported notice is published as of its dispatch date (an event records the
  import), closed if its deadline has passed, cancelled if the change cancels it; status
  edges go through notices.transitions like any other.
- Amounts in another currency than NOK are not kept (the board's values are NOK).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from accounts.models import BuyerType, Organization, OrganizationKind, User
from accounts.orgnumber import org_number_check_digit
from backend.errors import ApplicationError
from notices.exports import eforms_validation as validation
from notices.fields import diff, snapshot
from notices.models import (
    ContractType,
    Lot,
    Notice,
    NoticeEvent,
    NoticeEventKind,
    NoticeKind,
    NoticeSource,
    NoticeStatus,
    NoticeVersion,
    ProcedureType,
    Regime,
    VersionKind,
)
from notices.transitions import notice_flip


def announce(notice: Notice, change: str, *, event: NoticeEvent) -> None:
    """Tell search and followers after commit, as the notice services do."""
    from notices import services

    services._announce(notice, change, event=event)

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
ROOTS = {"PriorInformationNotice": NoticeKind.PIN, "ContractNotice": NoticeKind.CONTRACT,
         "ContractAwardNotice": NoticeKind.AWARD}
UUID4 = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$")
MAX_BYTES = 20 * 1024 * 1024
COUNTRY2 = {"NOR": "NO", "SWE": "SE", "DNK": "DK", "FIN": "FI", "ISL": "IS", "DEU": "DE",
            "GBR": "GB", "NLD": "NL", "FRA": "FR", "POL": "PL", "LTU": "LT", "EST": "EE",
            "LVA": "LV", "LUX": "LU", "BEL": "BE", "AUT": "AT", "ITA": "IT", "ESP": "ES",
            "PRT": "PT", "IRL": "IE", "CZE": "CZ", "SVK": "SK", "HUN": "HU", "ROU": "RO",
            "BGR": "BG", "GRC": "GR", "HRV": "HR", "SVN": "SI", "CYP": "CY", "MLT": "MT",
            "CHE": "CH", "LIE": "LI"}
NATURE = {"works": ContractType.WORKS, "supplies": ContractType.SUPPLIES,
          "services": ContractType.SERVICES}
STATE_LEGAL_TYPES = {"cga", "body-pl-cga", "org-sub-cga", "pub-undert-cga", "def-cont"}
UTILITY_LEGAL_TYPES = {"pub-undert", "pub-undert-la", "pub-undert-ra", "pub-undert-cga",
                       "spec-rights-entity"}
# Stock Schematron failures an import accepts, and why. Everything else refuses the file.
ACCEPTED_ON_IMPORT: dict[str, str] = {
    "BR-BT-13713-0123": "Newer than the SDK 1.15.1 award examples themselves, which fail it "
                        "(known difference of the offline runner).",
}
# On national notices (E2, E3, E4) the stock rules are not Norway's rules: the Norwegian
# tailoring (DFØ's eforms-sdk-nor) changes them. Besides NATIONAL_TAILORING_RULES and any
# rule on a text's language (@languageID: NOR), an import accepts these, which DFØ's valid
# national examples (../shared/standards/eforms-no/examples) carry.
NATIONAL_ACCEPTED_ON_IMPORT: dict[str, str] = {
    "BR-BT-00539-0104": "The Norwegian award-criterion codes (quality-nor-env-criteria, "
                        "quality-nor-env-spec, quality-nor-env-none; FOA § 7-9).",
    "BR-OPP-00050-0026": "Group-lead indicator of joint buyers, which the national forms "
                         "leave out.",
    "BT-22-Lot-Scheme_MA": "Internal identifier without a scheme name in national forms.",
    "BT-22-Procedure-Scheme_MA": "Internal identifier without a scheme name in national "
                                 "forms.",
}


class ImportRefused(ApplicationError):
    """The file is refused; `messages` name the element and the rule for each problem."""

    default_code = "eforms_refused"


@dataclass
class Parsed:
    """What the board keeps of one eForms notice."""

    root: str
    subtype: str
    national: bool
    kind: str
    regime: str
    notice_uuid: str
    procedure_uuid: str
    published_at: datetime
    changed_notice_uuid: str
    cancels: bool
    reason: str
    fields: dict[str, Any]
    lots: list[dict[str, Any]]
    buyer: dict[str, str]
    buyers: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    notice: Notice
    version: NoticeVersion
    action: str  # "created", "changed" (a new version), "updated", "unchanged"


# --- parsing ---------------------------------------------------------------------------

def _parse_xml(data: bytes) -> etree._Element:
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than %(mb)s MB; an eForms notice is far "
                              "smaller.") % {"mb": MAX_BYTES // 1024 // 1024})
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        raise ImportRefused(_("The file is not well-formed XML (line %(line)s): %(msg)s")
                            % {"line": line, "msg": exc.msg}) from None


def _first(node: etree._Element, xpath: str) -> str:
    found = node.xpath(xpath, namespaces=NS)
    if not found:
        return ""
    item = found[0]
    return (item.text or "" if hasattr(item, "text") else str(item)).strip()


def _texts(node: etree._Element, xpath: str) -> dict[str, str]:
    """{languageID: text} of a multilingual element."""
    out: dict[str, str] = {}
    for element in node.xpath(xpath, namespaces=NS):
        language = element.get("languageID") or ""
        if language not in out and (element.text or "").strip():
            out[language] = element.text.strip()
    return out


def _moment(day: str, clock: str) -> datetime | None:
    """An eForms date (2026-01-15+01:00) and time (12:00:00+01:00) as an aware datetime."""
    if not day:
        return None
    match = re.match(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$", day)
    if not match:
        return None
    offset = match.group(2) or ""
    moment_text = f"{match.group(1)}T{(clock or '23:59:59')[:8]}"
    clock_offset = re.search(r"(Z|[+-]\d{2}:\d{2})$", clock or "")
    offset = clock_offset.group(1) if clock_offset else offset
    try:
        moment = datetime.fromisoformat(moment_text + ("+00:00" if offset == "Z" else offset))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _amount(node: etree._Element, xpath: str) -> Decimal | None:
    found = node.xpath(xpath, namespaces=NS)
    if not found or (found[0].get("currencyID") or "NOK") != "NOK":
        return None
    try:
        return Decimal((found[0].text or "").strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _duration_months(node: etree._Element, xpath: str) -> int | None:
    found = node.xpath(xpath, namespaces=NS)
    if not found:
        return None
    try:
        amount = int(Decimal((found[0].text or "").strip()))
    except (InvalidOperation, ValueError):
        return None
    unit = found[0].get("unitCode") or "MONTH"
    months = {"YEAR": amount * 12, "MONTH": amount, "DAY": max(1, round(amount / 30))}.get(unit)
    return months if months and 1 <= months <= 1200 else None


def _duration_days(node: etree._Element, xpath: str) -> int | None:
    found = node.xpath(xpath, namespaces=NS)
    if not found:
        return None
    try:
        amount = int(Decimal((found[0].text or "").strip()))
    except (InvalidOperation, ValueError):
        return None
    unit = found[0].get("unitCode") or "DAY"
    days = {"DAY": amount, "MONTH": amount * 30, "YEAR": amount * 365}.get(unit)
    return days if days and 1 <= days <= 3650 else None


def _number(node: etree._Element, xpath: str) -> int | None:
    value = _first(node, xpath)
    return int(value) if value.isdigit() and 1 <= int(value) <= 999 else None


def _pick(texts: dict[str, str], *languages: str) -> str:
    for language in languages:
        if texts.get(language):
            return texts[language]
    return next(iter(texts.values()), "")


def _organization(doc: etree._Element, tech_id: str) -> dict[str, str]:
    company = doc.xpath(f"{EXT}/efac:Organizations/efac:Organization/efac:Company"
                        f"[cac:PartyIdentification/cbc:ID = '{tech_id}']", namespaces=NS)
    if not company:
        return {}
    node = company[0]
    country3 = _first(node, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
    return {
        "tech_id": tech_id,
        "name": _pick(_texts(node, "cac:PartyName/cbc:Name"), "NOR", "ENG"),
        "company_id": _first(node, "cac:PartyLegalEntity/cbc:CompanyID"),
        "city": _first(node, "cac:PostalAddress/cbc:CityName"),
        "street": _first(node, "cac:PostalAddress/cbc:StreetName"),
        "postal_code": _first(node, "cac:PostalAddress/cbc:PostalZone"),
        "nuts": _first(node, "cac:PostalAddress/cbc:CountrySubentityCode"),
        "country": COUNTRY2.get(country3, country3[:2] if country3 else "NO"),
        "phone": _first(node, "cac:Contact/cbc:Telephone"),
        "email": _first(node, "cac:Contact/cbc:ElectronicMail"),
        "legal_type": "",
    }


def _builtin_problems(doc: etree._Element, root: str) -> list[str]:
    """The rules the import itself relies on, named as the SDK names them."""
    problems = []
    notice_id = _first(doc, "cbc:ID[@schemeName='notice-id']")
    if not notice_id:
        problems.append(_("BR-BT-00701-0022: the notice identifier /%(root)s/cbc:ID"
                          "[@schemeName='notice-id'] (BT-701) is missing.") % {"root": root})
    elif not UUID4.match(notice_id):
        problems.append(_("BR-BT-00701-0052: the notice identifier /%(root)s/cbc:ID "
                          "(BT-701) “%(value)s” is not a UUID version 4.")
                        % {"root": root, "value": notice_id})
    folder = _first(doc, "cbc:ContractFolderID")
    if folder and not UUID4.match(folder):
        problems.append(_("BR-BT-00004-0052: the procedure identifier /%(root)s/"
                          "cbc:ContractFolderID (BT-04) “%(value)s” is not a UUID version 4.")
                        % {"root": root, "value": folder})
    if not _first(doc, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode"):
        problems.append(_("OPP-070: the notice subtype efac:NoticeSubType/cbc:SubTypeCode is "
                          "missing."))
    if not _first(doc, "cbc:IssueDate"):
        problems.append(_("BR-BT-00005: the dispatch date /%(root)s/cbc:IssueDate (BT-05) is "
                          "missing.") % {"root": root})
    if not _texts(doc, "cac:ProcurementProject/cbc:Name"):
        problems.append(_("BR-BT-00021: the title /%(root)s/cac:ProcurementProject/cbc:Name "
                          "(BT-21-Procedure) is missing.") % {"root": root})
    if not _first(doc, "cac:ProcurementProject/cac:MainCommodityClassification/"
                       "cbc:ItemClassificationCode"):
        problems.append(_("BR-BT-00262: the main CPV code /%(root)s/cac:ProcurementProject/"
                          "cac:MainCommodityClassification/cbc:ItemClassificationCode "
                          "(BT-262-Procedure) is missing.") % {"root": root})
    if not _first(doc, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID"):
        problems.append(_("OPT-300: the buyer /%(root)s/cac:ContractingParty/cac:Party "
                          "(OPT-300-Procedure-Buyer) is missing.") % {"root": root})
    return problems


def _sdk_problems(doc: etree._Element, data: bytes, subtype: str) -> list[str]:
    """XSD and Schematron problems, where the SDK and Saxon are installed."""
    if validation.sdk_dir() is None:
        return []
    errors = validation.xsd_errors(doc)
    if errors:
        return [_("XSD (eForms SDK schema): %(error)s") % {"error": error}
                for error in errors[:20]]
    if not validation.available():
        return []
    national = subtype in validation.NATIONAL_SUBTYPES
    problems = []
    for failure in validation.business_rule_failures(data, national_exceptions=national):
        if failure.rule in ACCEPTED_ON_IMPORT:
            continue
        if national and (failure.rule in NATIONAL_ACCEPTED_ON_IMPORT
                         or failure.location.endswith("@languageID")):
            continue
        problems.append(_("Business rule %(rule)s fails at %(where)s.")
                        % {"rule": failure.rule, "where": failure.location})
    return problems[:30]


def parse(data: bytes) -> Parsed:
    """Check and read one eForms notice; raises ImportRefused naming every problem."""
    doc = _parse_xml(data)
    root = etree.QName(doc).localname
    if root not in ROOTS:
        raise ImportRefused(_("The root element <%(root)s> is not an eForms prior information, "
                              "contract or contract award notice (PriorInformationNotice, "
                              "ContractNotice, ContractAwardNotice).") % {"root": root})
    problems = _builtin_problems(doc, root)
    subtype = _first(doc, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode")
    if not problems:
        problems = _sdk_problems(doc, data, subtype)
    if problems:
        raise ImportRefused(problems)
    return _read(doc, root, subtype)


def _read(doc: etree._Element, root: str, subtype: str) -> Parsed:
    national = subtype in validation.NATIONAL_SUBTYPES
    kind = ROOTS[root]
    if kind == NoticeKind.CONTRACT and national:
        kind = NoticeKind.NATIONAL
    legal = " ".join(_texts(doc, "cac:TenderingTerms/cac:ProcurementLegislationDocumentReference"
                                 "/cbc:DocumentDescription").values())
    if not national:
        regime = Regime.PART_III
    elif "Del 1 og 2" in legal or "Part 1 and 2" in legal:
        regime = Regime.PART_II
    elif "Del 1" in legal:
        regime = Regime.PART_I
    else:
        regime = Regime.PART_II
    language = _first(doc, "cbc:NoticeLanguageCode")
    titles = _texts(doc, "cac:ProcurementProject/cbc:Name")
    descriptions = _texts(doc, "cac:ProcurementProject/cbc:Description")
    main_language = "NOR" if "NOR" in titles else language
    nature = _first(doc, "cac:ProcurementProject/cbc:ProcurementTypeCode")
    contract_type = NATURE.get(nature, ContractType.SERVICES)
    procedure = _first(doc, "cac:TenderingProcess/cbc:ProcedureCode")
    if procedure not in ProcedureType.values:
        procedure = ""
    buyer_ids = [str(i).strip() for i in doc.xpath(
        "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID/text()", namespaces=NS)]
    buyers = [org for org in (_organization(doc, tech) for tech in buyer_ids) if org]
    legal_types = doc.xpath("cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode/"
                            "text()", namespaces=NS)
    for org, legal_type in zip(buyers, legal_types, strict=False):
        org["legal_type"] = str(legal_type).strip()
    if not buyers:
        raise ImportRefused(_("OPT-200: the buyer %(id)s has no efac:Organization/efac:Company "
                              "in efac:Organizations.") % {"id": buyer_ids[0] if buyer_ids
                                                          else "?"})
    buyer = buyers[0]

    lot_nodes = doc.xpath("cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot' or "
                          "cbc:ID/@schemeName='Part']", namespaces=NS)
    first_lot = lot_nodes[0] if lot_nodes else doc
    nuts = (_first(doc, "cac:ProcurementProject/cac:RealizedLocation/cac:Address/"
                        "cbc:CountrySubentityCode")
            or _first(first_lot, "cac:ProcurementProject/cac:RealizedLocation/cac:Address/"
                                 "cbc:CountrySubentityCode")
            or buyer.get("nuts") or buyer.get("country") or "NO")
    process = "cac:TenderingProcess"
    fields: dict[str, Any] = {
        "title": _pick(titles, main_language, "NOR", "ENG")[:300],
        "description": _pick(descriptions, main_language, "NOR", "ENG"),
        "title_en": titles.get("ENG", "")[:300],
        "description_en": descriptions.get("ENG", ""),
        "contract_type": contract_type,
        "procedure_type": procedure,
        "cpv_main": _first(doc, "cac:ProcurementProject/cac:MainCommodityClassification/"
                                "cbc:ItemClassificationCode")[:8],
        "cpv_additional": sorted({str(c).strip()[:8] for c in doc.xpath(
            "cac:ProcurementProject/cac:AdditionalCommodityClassification/"
            "cbc:ItemClassificationCode/text()", namespaces=NS)}),
        "nuts": nuts[:5],
        "estimated_value": _amount(doc, "cac:ProcurementProject/cac:RequestedTenderTotal/"
                                        "cbc:EstimatedOverallContractAmount"),
        "submission_deadline": _moment(
            _first(first_lot, f"{process}/cac:TenderSubmissionDeadlinePeriod/cbc:EndDate"),
            _first(first_lot, f"{process}/cac:TenderSubmissionDeadlinePeriod/cbc:EndTime")),
        "request_deadline": _moment(
            _first(first_lot, f"{process}/cac:ParticipationRequestReceptionPeriod/cbc:EndDate"),
            _first(first_lot, f"{process}/cac:ParticipationRequestReceptionPeriod/cbc:EndTime")),
        "question_deadline": _moment(
            _first(first_lot, f"{process}/cac:AdditionalInformationRequestPeriod/cbc:EndDate"),
            _first(first_lot, f"{process}/cac:AdditionalInformationRequestPeriod/cbc:EndTime")),
        "accelerated": _first(doc, "cac:TenderingProcess/cac:ProcessJustification/"
                                   "cbc:ProcessReasonCode[@listName='accelerated-procedure']"
                              ) == "true",
        "duration_months": None,
        "tender_validity_days": _duration_days(
            first_lot, "cac:TenderingTerms/cac:TenderValidityPeriod/cbc:DurationMeasure"),
        "max_lots_submitted": _number(doc, "cac:TenderingTerms/cac:LotDistribution/"
                                           "cbc:MaximumLotsSubmittedNumeric"),
        "max_lots_awarded": _number(doc, "cac:TenderingTerms/cac:LotDistribution/"
                                         "cbc:MaximumLotsAwardedNumeric"),
        "candidates_min": _number(first_lot, f"{process}/cac:EconomicOperatorShortList/"
                                             "cbc:MinimumQuantity"),
        "planned_notice_date": _date_only(_first(doc, "cbc:PlannedDate")),
    }
    lots = []
    for number, node in enumerate(lot_nodes, start=1):
        lot_titles = _texts(node, "cac:ProcurementProject/cbc:Name")
        lot_descriptions = _texts(node, "cac:ProcurementProject/cbc:Description")
        lots.append({
            "number": number,
            "title": _pick(lot_titles, main_language, "NOR", "ENG")[:300] or fields["title"],
            "description": _pick(lot_descriptions, main_language, "NOR", "ENG"),
            "title_en": lot_titles.get("ENG", "")[:300],
            "description_en": lot_descriptions.get("ENG", ""),
            "cpv": (_first(node, "cac:ProcurementProject/cac:MainCommodityClassification/"
                                 "cbc:ItemClassificationCode") or fields["cpv_main"])[:8],
            "estimated_value": _amount(node, "cac:ProcurementProject/cac:RequestedTenderTotal/"
                                             "cbc:EstimatedOverallContractAmount"),
            "duration_months": _duration_months(
                node, "cac:ProcurementProject/cac:PlannedPeriod/cbc:DurationMeasure"),
        })
    durations = [lot["duration_months"] for lot in lots if lot["duration_months"]]
    if durations:
        # The most common duration is the notice's; lots keep only a different one.
        common = max(set(durations), key=durations.count)
        fields["duration_months"] = common
        for lot in lots:
            if lot["duration_months"] == common:
                lot["duration_months"] = None
    if len(lots) == 1 and lots[0]["cpv"] == fields["cpv_main"] and (
            lots[0]["title"] == fields["title"]):
        # One lot that repeats the procedure is the procedure itself (LOT-0000 in the board's
        # own exports); a single lot with its own title or code stays a lot.
        lots = []

    changed = _first(doc, f"{EXT}/efac:Changes/efbc:ChangedNoticeIdentifier")
    changed_uuid = changed[:36] if UUID4.match(changed[:36]) else ""
    reason_code = _first(doc, f"{EXT}/efac:Changes/efac:ChangeReason/cbc:ReasonCode")
    reason = _pick(_texts(doc, f"{EXT}/efac:Changes/efac:ChangeReason/efbc:ReasonDescription"),
                   main_language, "NOR", "ENG")
    published_at = _moment(_first(doc, "cbc:IssueDate"), _first(doc, "cbc:IssueTime") or
                           "12:00:00") or timezone.now()
    notice_id = _first(doc, "cbc:ID[@schemeName='notice-id']")
    folder = _first(doc, "cbc:ContractFolderID")
    return Parsed(
        root=root, subtype=subtype, national=national, kind=kind, regime=regime,
        notice_uuid=notice_id, procedure_uuid=folder, published_at=published_at,
        changed_notice_uuid=changed_uuid, cancels=reason_code == "cancel",
        reason=reason or (_("Change notice") if changed else ""), fields=fields, lots=lots,
        buyer=buyer, buyers=buyers)


def _date_only(value: str) -> date | None:
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", value or "")
    return date.fromisoformat(match.group(1)) if match else None


# --- writing ---------------------------------------------------------------------------

def _buyer_type(legal_type: str) -> str:
    if legal_type in UTILITY_LEGAL_TYPES:
        return BuyerType.UTILITIES
    if legal_type in STATE_LEGAL_TYPES:
        return BuyerType.STATE
    return BuyerType.OTHER


def _is_org_number(value: str) -> bool:
    digits = value.replace(" ", "")
    return (len(digits) == 9 and digits.isdigit()
            and org_number_check_digit(digits[:8]) == int(digits[8]))


def buyer_matches(org: Organization, parsed: Parsed) -> bool:
    """Is `org` one of the notice's buyers (by organisation number or national id)?"""
    for buyer in parsed.buyers:
        company_id = buyer.get("company_id", "").replace(" ", "")
        if company_id and company_id in (org.org_number, org.national_id):
            return True
    return False


def _buyer(parsed: Parsed) -> Organization:
    data = parsed.buyer
    company_id = data.get("company_id", "").replace(" ", "")
    country = data.get("country") or "NO"
    if company_id and country == "NO" and _is_org_number(company_id):
        lookup: dict[str, str] = {"org_number": company_id}
    else:
        # Without a usable identifier the name stands in (hashed to fit the field).
        national_id = company_id or "name-" + hashlib.sha256(
            data.get("name", "").encode()).hexdigest()[:16]
        lookup = {"country": country, "national_id": national_id[:40]}
    org = Organization.objects.filter(**lookup).first()
    if org is not None:
        return org
    return Organization.objects.create(
        kind=OrganizationKind.AUTHORITY, name=(data.get("name") or company_id)[:200],
        buyer_type=_buyer_type(data.get("legal_type", "")), city=data.get("city", "")[:100],
        nuts=data.get("nuts", "")[:5], email=_email(data.get("email", "")),
        phone=data.get("phone", "")[:40], street=data.get("street", "")[:200],
        postal_code=data.get("postal_code", "")[:10], **lookup)


def _email(value: str) -> str:
    return value[:254] if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value or "") else ""


def _apply(notice: Notice, parsed: Parsed) -> None:
    for name, value in parsed.fields.items():
        setattr(notice, name, value)
    notice.regime = parsed.regime


def _replace_lots(notice: Notice, lots: list[dict[str, Any]]) -> None:
    notice.lots.all().delete()
    Lot.objects.bulk_create([Lot(notice=notice, **lot) for lot in lots])


@transaction.atomic
def eforms_import(*, data: bytes, source_name: str, by: User | None = None,
                  buyer: Organization | None = None,
                  now: datetime | None = None) -> ImportResult:
    """Import one eForms notice (all or nothing). With `buyer`, the file must name that
    organisation as a buyer (the upload page: an authority imports its own notices)."""
    now = now or timezone.now()
    parsed = parse(data)
    if buyer is not None and not buyer_matches(buyer, parsed):
        names = ", ".join(f"{b.get('name')} ({b.get('company_id') or '—'})"
                          for b in parsed.buyers)
        raise ImportRefused(_("This notice's buyer is %(names)s, not %(org)s "
                              "(organisation number %(number)s): you can import only your own "
                              "notices.") % {"names": names, "org": buyer.name,
                                             "number": buyer.identifier})
    existing = NoticeVersion.objects.filter(notice_uuid=parsed.notice_uuid).select_related(
        "notice").first()
    if existing is not None:
        return _update(existing, parsed, source_name=source_name)
    if parsed.changed_notice_uuid:
        base = NoticeVersion.objects.filter(notice_uuid=parsed.changed_notice_uuid).first()
        if base is not None:
            return _change(base.notice, parsed, source_name=source_name, by=by, now=now)
    return _create(parsed, source_name=source_name, by=by, now=now)


def _create(parsed: Parsed, *, source_name: str, by: User | None, now: datetime
            ) -> ImportResult:
    buyer = _buyer(parsed)
    notice = Notice(reference=f"tmp-{uuid.uuid4().hex[:20]}", buyer=buyer, kind=parsed.kind,
                    source=NoticeSource.EFORMS_IMPORT, source_name=source_name[:300],
                    created_by=by)
    _apply(notice, parsed)
    if parsed.procedure_uuid:
        notice.procedure_uuid = uuid.UUID(parsed.procedure_uuid)
    notice.save()
    notice.reference = f"ANB-{parsed.published_at.year}-{notice.pk:06d}"
    notice.save(update_fields=["reference"])
    _replace_lots(notice, parsed.lots)
    NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.CREATED, by=by, at=now,
                               data={"notice_kind": parsed.kind, "source": "eforms",
                                     "file": source_name[:300], "subtype": parsed.subtype})
    event = notice_flip(notice, NoticeStatus.DRAFT, NoticeStatus.PUBLISHED, by=by, at=now,
                        reason=_("Imported from eForms (%(file)s).")
                        % {"file": source_name[:200]},
                        published_at=parsed.published_at, version=1, regime=parsed.regime)
    announce(notice, "published", event=event)
    notice.refresh_from_db()
    version = NoticeVersion.objects.create(
        notice=notice, number=1, kind=VersionKind.ORIGINAL, snapshot=snapshot(notice),
        published_at=parsed.published_at, published_by=by,
        notice_uuid=uuid.UUID(parsed.notice_uuid))
    _settle_status(notice, parsed, by=by, now=now)
    return ImportResult(notice, version, "created")


def _change(notice: Notice, parsed: Parsed, *, source_name: str, by: User | None,
            now: datetime) -> ImportResult:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    before = snapshot(notice)
    _apply(notice, parsed)
    notice.source_name = source_name[:300]
    notice.version += 1
    notice.save()
    _replace_lots(notice, parsed.lots)
    kind = VersionKind.CANCELLATION if parsed.cancels else VersionKind.CHANGE
    after = snapshot(notice)
    version = NoticeVersion.objects.create(
        notice=notice, number=notice.version, kind=kind, snapshot=after,
        diff=diff(before, after), reason=parsed.reason, published_at=parsed.published_at,
        published_by=by, notice_uuid=uuid.UUID(parsed.notice_uuid))
    if kind == VersionKind.CHANGE:
        event = NoticeEvent.objects.create(
            notice=notice, kind=NoticeEventKind.CHANGED, by=by, at=now,
            data={"version": notice.version, "reason": parsed.reason, "source": "eforms",
                  "file": source_name[:300]})
        announce(notice, "changed", event=event)
    _settle_status(notice, parsed, by=by, now=now)
    return ImportResult(notice, version, "changed")


def _update(existing: NoticeVersion, parsed: Parsed, *, source_name: str) -> ImportResult:
    """The same eForms notice again: refresh what it says (the latest version also updates
    the notice itself); nothing new is published."""
    notice = Notice.objects.select_for_update().get(pk=existing.notice_id)
    latest = notice.versions.order_by("-number").first()
    if latest is None or latest.pk != existing.pk:
        return ImportResult(notice, existing, "unchanged")
    before = snapshot(notice)
    _apply(notice, parsed)
    notice.source_name = source_name[:300]
    notice.save()
    _replace_lots(notice, parsed.lots)
    after = snapshot(notice)
    if diff(before, after) == [] and existing.published_at == parsed.published_at:
        return ImportResult(notice, existing, "unchanged")
    NoticeVersion.objects.filter(pk=existing.pk).update(snapshot=after,
                                                        published_at=parsed.published_at)
    existing.refresh_from_db()
    return ImportResult(notice, existing, "updated")


def _settle_status(notice: Notice, parsed: Parsed, *, by: User | None, now: datetime) -> None:
    """Cancelled by the change, or closed when its deadline has passed."""
    notice.refresh_from_db()
    if parsed.cancels and notice.status in (NoticeStatus.PUBLISHED, NoticeStatus.CLOSED):
        event = notice_flip(notice, notice.status, NoticeStatus.CANCELLED, by=by, at=now,
                            reason=parsed.reason, cancelled_at=parsed.published_at)
        announce(notice, "cancelled", event=event)
        return
    deadline = notice.submission_deadline or notice.request_deadline
    if notice.status == NoticeStatus.PUBLISHED and deadline is not None and deadline <= now \
            and notice.kind in (NoticeKind.CONTRACT, NoticeKind.NATIONAL, NoticeKind.VOLUNTARY):
        event = notice_flip(notice, NoticeStatus.PUBLISHED, NoticeStatus.CLOSED, by=by,
                            at=now, reason="deadline passed")
        announce(notice, "closed", event=event)

