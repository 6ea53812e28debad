"""OCDS 1.1.5 release packages: one release per published version of a notice.

Mapping notes:
- ocid = settings.OCDS_OCID_PREFIX + notice reference; release id = reference + version.
- tags: the first version is `tender` (`planning` for a PIN, `award` for an award notice),
  change notices are `tenderUpdate` (`planningUpdate`), a cancellation `tenderCancellation`.
- Lots use the OCDS lots extension (`tender.lots`, `items[].relatedLot`); the place of
  performance uses the location extension (`items[].deliveryAddresses[].region` = NUTS code).
- The buyer is identified in the Brønnøysund register (scheme `NO-BRC`) when it has a
  Norwegian organisation number.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from accounts.models import Organization
from backend.formatting import format_oslo
from notices.exports import lot_id, money, parse_moment, pick_version, published_versions
from notices.models import (
    ContractType,
    Notice,
    NoticeKind,
    NoticeVersion,
    ProcedureType,
    VersionKind,
)

OCDS_VERSION = "1.1"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/"
    "extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/"
    "v1.1.5/extension.json",
]
DEFAULT_OCID_PREFIX = "ocds-anbud-"

# eForms procedure type (BT-105) -> OCDS procurementMethod (closed codelist).
PROCUREMENT_METHOD = {
    ProcedureType.OPEN: "open",
    ProcedureType.RESTRICTED: "selective",
    ProcedureType.NEGOTIATED: "selective",
    ProcedureType.DIALOGUE: "selective",
    ProcedureType.INNOVATION: "selective",
    ProcedureType.NEGOTIATED_NO_CALL: "limited",
    ProcedureType.OTHER_SINGLE: "open",
    ProcedureType.OTHER_MULTI: "selective",
}
MAIN_CATEGORY = {
    ContractType.SUPPLIES: "goods",
    ContractType.SERVICES: "services",
    ContractType.WORKS: "works",
    ContractType.SOCIAL: "services",
}
COUNTRY_NAMES = {"NO": "Norway", "SE": "Sweden", "DK": "Denmark", "FI": "Finland",
                 "IS": "Iceland"}


def ocid(notice: Notice) -> str:
    prefix = getattr(settings, "OCDS_OCID_PREFIX", DEFAULT_OCID_PREFIX) or DEFAULT_OCID_PREFIX
    return f"{prefix}{notice.reference}"


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return format_oslo(value, "iso")


def _amount(value: Decimal | None) -> dict[str, Any] | None:
    if value is None:
        return None
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    return {"amount": number, "currency": "NOK"}


def party_id(org: Organization) -> str:
    if org.org_number:
        return f"NO-BRC-{org.org_number}"
    return f"{org.country}-{org.national_id}"


def _party(org: Organization, roles: list[str]) -> dict[str, Any]:
    identifier: dict[str, Any] = {"legalName": org.name}
    if org.org_number:
        identifier.update(scheme="NO-BRC", id=org.org_number)
    else:
        identifier.update(id=org.national_id)
    address: dict[str, Any] = {"countryName": COUNTRY_NAMES.get(org.country, org.country)}
    if org.city:
        address["locality"] = org.city
    if org.nuts:
        address["region"] = org.nuts
    party: dict[str, Any] = {"id": party_id(org), "name": org.name, "identifier": identifier,
                             "address": address, "roles": roles}
    if org.email:
        party["contactPoint"] = {"email": org.email}
    return party


def _tags(notice: Notice, version: NoticeVersion) -> list[str]:
    planning = notice.kind == NoticeKind.PIN
    if version.kind == VersionKind.CANCELLATION:
        return ["planningUpdate"] if planning else ["tenderCancellation"]
    if version.kind == VersionKind.CHANGE:
        return ["planningUpdate"] if planning else ["tenderUpdate"]
    if planning:
        return ["planning"]
    if notice.kind == NoticeKind.AWARD:
        return ["award"]
    return ["tender"]


def _tender_status(notice: Notice, version: NoticeVersion) -> str:
    if version.kind == VersionKind.CANCELLATION:
        return "cancelled"
    if notice.kind == NoticeKind.PIN:
        return "planned"
    if notice.kind in (NoticeKind.AWARD, NoticeKind.VEAT):
        return "complete"
    return "active"


def _item(item_id: str, description: str, cpv: str, nuts: str,
          additional: list[str] | None = None, related_lot: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id,
        "description": description,
        "classification": {"scheme": "CPV", "id": cpv},
        "deliveryAddresses": [{"region": nuts, "countryName": COUNTRY_NAMES.get(nuts[:2],
                                                                                 nuts[:2])}],
    }
    if additional:
        item["additionalClassifications"] = [{"scheme": "CPV", "id": code} for code in additional]
    if related_lot:
        item["relatedLot"] = related_lot
    return item


def _tender(notice: Notice, version: NoticeVersion, first: NoticeVersion) -> dict[str, Any]:
    snap = version.snapshot
    status = _tender_status(notice, version)
    tender: dict[str, Any] = {
        "id": notice.reference,
        "title": snap.get("title", ""),
        "description": snap.get("description", ""),
        "status": status,
        "procuringEntity": {"id": party_id(notice.buyer), "name": notice.buyer.name},
    }
    if version.kind == VersionKind.CANCELLATION and version.reason:
        tender["statusDetails"] = version.reason
    contract_type = snap.get("contract_type")
    if contract_type in MAIN_CATEGORY:
        tender["mainProcurementCategory"] = MAIN_CATEGORY[ContractType(contract_type)]
    procedure = snap.get("procedure_type") or ""
    if procedure in PROCUREMENT_METHOD:
        tender["procurementMethod"] = PROCUREMENT_METHOD[ProcedureType(procedure)]
        tender["procurementMethodDetails"] = str(ProcedureType(procedure).label)
    value = _amount(money(snap.get("estimated_value")))
    if value:
        tender["value"] = value

    nuts = snap.get("nuts", "")
    items = [_item("1", snap.get("title", ""), snap.get("cpv_main", ""), nuts,
                   snap.get("cpv_additional") or [])]
    lots = []
    for lot in snap.get("lots") or []:
        ident = lot_id(lot["number"])
        entry: dict[str, Any] = {"id": ident, "title": lot["title"], "status": status}
        if lot.get("description"):
            entry["description"] = lot["description"]
        lot_value = _amount(money(lot.get("estimated_value")))
        if lot_value:
            entry["value"] = lot_value
        lots.append(entry)
        items.append(_item(f"{1 + lot['number']}", lot["title"], lot["cpv"], nuts,
                           related_lot=ident))
    tender["items"] = items
    if lots:
        tender["lots"] = lots

    start = _iso(first.published_at)
    deadline = _iso(parse_moment(snap.get("submission_deadline")))
    if deadline:
        tender["tenderPeriod"] = {"startDate": start, "endDate": deadline}
    questions = _iso(parse_moment(snap.get("question_deadline")))
    if questions:
        tender["enquiryPeriod"] = {"startDate": start, "endDate": questions}

    amendments = [
        {"id": f"{notice.reference}-{v.number:02d}", "date": _iso(v.published_at),
         "rationale": v.reason,
         "description": ", ".join(change["field"] for change in v.diff) or v.get_kind_display()}
        for v in notice.versions.all()
        if v.kind != VersionKind.ORIGINAL and v.number <= version.number
    ]
    if amendments:
        tender["amendments"] = amendments
    return tender


def release(notice: Notice, version: NoticeVersion, *, first: NoticeVersion) -> dict[str, Any]:
    """One OCDS release: the notice as published in `version`."""
    tender = _tender(notice, version, first)
    data: dict[str, Any] = {
        "ocid": ocid(notice),
        "id": f"{notice.reference}-{version.number:02d}",
        "date": _iso(version.published_at),
        "tag": _tags(notice, version),
        "initiationType": "tender",
        "language": "nb",
        "parties": [_party(notice.buyer, ["buyer", "procuringEntity"])],
        "buyer": {"id": party_id(notice.buyer), "name": notice.buyer.name},
        "tender": tender,
    }
    if notice.kind == NoticeKind.PIN:
        data["planning"] = {"rationale": version.snapshot.get("description", "")}
    if notice.kind == NoticeKind.AWARD:
        # The award decision itself (suppliers, amounts) is recorded by the evaluation app.
        data["awards"] = [{"id": f"{notice.reference}-award",
                           "title": version.snapshot.get("title", ""),
                           "status": "active",
                           "date": _iso(first.published_at),
                           **({"relatedLots": [lot["id"] for lot in tender["lots"]]}
                              if tender.get("lots") else {})}]
    return data


def release_package(notice: Notice, *, uri: str, version: int | None = None,
                    publisher: str = "Anbud") -> dict[str, Any]:
    """The OCDS release package for a published notice.

    All published versions are releases (oldest first), so a consumer can compile a record;
    with `version` the package holds that single release.
    """
    versions = published_versions(notice)
    first = versions[0]
    chosen = versions if version is None else [pick_version(versions, version)]
    with translation.override("nb"):  # the releases' language
        releases = [release(notice, v, first=first) for v in chosen]
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": _iso(chosen[-1].published_at),
        "publisher": {"name": publisher},
        "releases": releases,
    }
