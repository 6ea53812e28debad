"""Small helpers shared by the ESPD request and response writers."""

from __future__ import annotations

import uuid
from datetime import datetime

from lxml import etree

from accounts.models import Organization
from backend.formatting import to_oslo
from backend.text import xml_safe
from evaluation.espd.catalogue import CAC, CBC, ESPD_VERSION

AGENCY = "ANBUD"
ANBUD_ESPD_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://anbud.no/ns/espd")
COUNTRY3 = {"NO": "NOR", "SE": "SWE", "DK": "DNK", "FI": "FIN", "IS": "ISL", "DE": "DEU",
            "GB": "GBR", "NL": "NLD", "FR": "FRA", "PL": "POL", "LT": "LTU", "EE": "EST",
            "LV": "LVA", "BE": "BEL", "ES": "ESP", "IT": "ITA", "AT": "AUT", "IE": "IRL"}
COUNTRY_LIST = {"listID": "http://publications.europa.eu/resource/authority/country",
                "listAgencyID": "OP", "listVersionID": "20250924-0"}


_NAMESPACES = {"cac": CAC, "cbc": CBC}


def q(tag: str) -> str:
    prefix, _sep, local = tag.partition(":")
    return f"{{{_NAMESPACES[prefix]}}}{local}"


def el(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, q(tag), {k: v for k, v in attrs.items() if v})
    if text is not None and text != "":
        element.text = xml_safe(text)
    return element


def header(root: etree._Element, *, doc_id: str, doc_uuid: str, folder: str,
           issued: datetime, procedure: str) -> None:
    """The document header both ESPD documents share, in the schema's order (up to VersionID
    and ProcedureCode; the caller goes on with the parties)."""
    el(root, "cbc:UBLVersionID", "2.3", schemeAgencyID="OASIS-UBL-TC")
    el(root, "cbc:ProfileExecutionID", f"ESPD-EDMv{ESPD_VERSION}", schemeAgencyID="OP",
       schemeVersionID=ESPD_VERSION)
    el(root, "cbc:ID", doc_id, schemeAgencyID=AGENCY)
    el(root, "cbc:CopyIndicator", "false")
    el(root, "cbc:UUID", doc_uuid, schemeID="ISO/IEC 9834-8:2008 - 4UUID",
       schemeAgencyID=AGENCY, schemeVersionID=ESPD_VERSION)
    el(root, "cbc:ContractFolderID", folder, schemeAgencyID=AGENCY)
    local = to_oslo(issued)
    el(root, "cbc:IssueDate", local.date().isoformat())
    el(root, "cbc:IssueTime", issue_time(issued))
    el(root, "cbc:VersionID", ESPD_VERSION, schemeAgencyID="OP", schemeVersionID=ESPD_VERSION)
    if procedure:
        el(root, "cbc:ProcedureCode", procedure,
           listID="http://publications.europa.eu/resource/authority/procurement-procedure-type",
           listAgencyID="OP", listVersionID="20250924-0")


def issue_time(moment: datetime) -> str:
    """`HH:MM:SS+01:00` in Oslo time."""
    return to_oslo(moment).isoformat(timespec="seconds")[11:]


def party(parent: etree._Element, *, name: str, identifier: str, country: str = "NO",
          city: str = "", email: str = "", website: str = "", sme: bool | None = None
          ) -> etree._Element:
    """A cac:Party in the schema's order."""
    element = el(parent, "cac:Party")
    if website:
        el(element, "cbc:WebsiteURI", website)
    if sme is not None:
        el(element, "cbc:IndustryClassificationCode", "sme" if sme else "large",
           listID="http://publications.europa.eu/resource/authority/economic-operator-size",
           listAgencyID="OP", listVersionID="20250924-0")
    if identifier:
        el(el(element, "cac:PartyIdentification"), "cbc:ID", identifier,
           schemeAgencyID=AGENCY)
    el(el(element, "cac:PartyName"), "cbc:Name", name or "-")
    address = el(element, "cac:PostalAddress")
    if city:
        el(address, "cbc:CityName", city)
    el(el(address, "cac:Country"), "cbc:IdentificationCode",
       COUNTRY3.get((country or "NO").upper(), (country or "NOR").upper()), **COUNTRY_LIST)
    if email:
        el(el(element, "cac:Contact"), "cbc:ElectronicMail", email)
    return element


def organization_party(parent: etree._Element, org: Organization) -> etree._Element:
    return party(parent, name=org.name, identifier=org.identifier, country=org.country,
                 city=org.city, email=org.email)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
