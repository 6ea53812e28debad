"""OCDS 1.1.5: releases, release packages and record packages of published notices.

Releases:
- One release per published version of a notice (`{reference}-{nn}`), and one per tender
  document version published after the notice (`{reference}-{nn}-d{id}`), in date order, so
  a consumer sees every public change. Releases are immutable: each shows the notice as it
  stood at its date.
- ocid = the registered prefix (settings.OCDS_OCID_PREFIX, `ocds-` and six lowercase letters
  or digits), a dash and the notice reference.
- tags: the first version is `tender` (`planning` for a PIN, `award` for an award notice),
  change notices and documents are `tenderUpdate` (`planningUpdate`), a cancellation
  `tenderCancellation`.
- Lots use the OCDS lots extension (`tender.lots`, `items[].relatedLot`); the place of
  performance uses the location extension (`items[].deliveryAddresses[].region` = NUTS code).
- Award criteria (from the evaluation model frozen in the version): `tender.awardCriteria`
  (core codelist: priceOnly, costOnly, ratedCriteria) and `tender.awardCriteriaDetails` (the
  criteria, weights, methods and the climate and environment declaration in words); each lot's
  `awardCriteria.criteria` per the award criteria breakdown extension (type price, cost or
  quality, name, description, weight as percentageExact or priority as order).
- Documents carry their download URL, dates, media type and SHA-256 (in the description: the
  OCDS document has no hash field).
- The buyer is identified in the Brønnøysund register (scheme `NO-BRC`) when it has a
  Norwegian organisation number.
- Awards, contracts and bid statistics come only with a published award notice (kind "can"
  linked to its contract notice): its releases carry the contract notice's ocid (one
  contracting process), the tender as the contract notice last stated it (status complete,
  numberOfTenderers), `awards` per decided lot (active, or unsuccessful for "no award";
  suppliers, value, date, relatedLots), `contracts` per recorded contract (awardID, value,
  period, dateSigned), the suppliers as parties (roles supplier and tenderer) and
  `bids.statistics` per lot (bids, smeBids, electronicBids; bid extension). Tags: `award`, and
  `contract` when a contract is recorded. All from evaluation.award.results.award_results_of.
  An award notice without its contract notice says only that the tender is complete.
- Empty values are left out (OCDS data quality: no empty strings, lists or objects).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Organization
from backend.formatting import format_oslo
from backend.links import absolute_url
from notices.exports import lot_id, money, parse_moment, pick_version, published_versions
from notices.models import (
    ContractType,
    DocumentVersion,
    Notice,
    NoticeKind,
    NoticeStatus,
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
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_awardCriteria_extension/"
    "master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/"
    "extension.json",
]
DEFAULT_OCID_PREFIX = "ocds-anbud0"
# A registered ocid prefix: `ocds-` and six lowercase letters or digits (OCDS identifiers).
OCID_PREFIX_RE = re.compile(r"^ocds-[a-z0-9]{6}$")

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


def ocid_prefix() -> str:
    """The configured prefix without its trailing dash (`ocds-abc123`)."""
    prefix = getattr(settings, "OCDS_OCID_PREFIX", "") or DEFAULT_OCID_PREFIX
    return prefix.rstrip("-")


def ocid(notice: Notice) -> str:
    """The procedure's Open Contracting ID: the registered prefix, a dash, the reference."""
    return f"{ocid_prefix()}-{notice.reference}"


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return format_oslo(value, "iso")


def _amount(value: Decimal | None) -> dict[str, Any] | None:
    if value is None:
        return None
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    return {"amount": number, "currency": "NOK"}


def prune(value: Any) -> Any:
    """The value without empty strings, lists, objects or None, at any depth."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        items = [prune(v) for v in value]
        return [v for v in items if v not in (None, "", [], {})]
    if isinstance(value, str):
        return value.strip()
    return value


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
    address: dict[str, Any] = {"countryName": COUNTRY_NAMES.get(org.country, org.country),
                               "locality": org.city, "region": org.nuts,
                               "streetAddress": org.street, "postalCode": org.postal_code}
    contact = {"email": org.email, "telephone": org.phone}
    return {"id": party_id(org), "name": org.name, "identifier": identifier,
            "address": address, "contactPoint": contact, "roles": roles}


@dataclass(frozen=True)
class ReleaseSource:
    """What one release shows: the notice version in force, and the document version whose
    publication it announces (for a document release)."""

    version: NoticeVersion
    date: datetime
    document: DocumentVersion | None = None

    def release_id(self, notice: Notice) -> str:
        base = f"{notice.reference}-{self.version.number:02d}"
        return f"{base}-d{self.document.pk}" if self.document else base


def release_sources(notice: Notice, versions: list[NoticeVersion],
                    documents: list[DocumentVersion]) -> list[ReleaseSource]:
    """Every release of the notice, oldest first: its versions, and each document version
    uploaded after the first publication (announced under the version then in force)."""
    sources = [ReleaseSource(version, version.published_at) for version in versions]
    if versions:
        first = versions[0].published_at
        for document in documents:
            if document.uploaded_at <= first:
                continue
            in_force = [v for v in versions if v.published_at <= document.uploaded_at]
            sources.append(ReleaseSource(in_force[-1], document.uploaded_at, document))
    sources.sort(key=lambda s: (s.date, s.document.pk if s.document else 0))
    return sources


def _tags(notice: Notice, source: ReleaseSource) -> list[str]:
    planning = notice.kind == NoticeKind.PIN
    version = source.version
    if source.document is not None:
        return ["planningUpdate"] if planning else ["tenderUpdate"]
    if version.kind == VersionKind.CANCELLATION:
        return ["planningUpdate"] if planning else ["tenderCancellation"]
    if version.kind == VersionKind.CHANGE:
        return ["planningUpdate"] if planning else ["tenderUpdate"]
    if planning:
        return ["planning"]
    if notice.kind == NoticeKind.AWARD:
        return ["award"]
    return ["tender"]


def _award_tags(tags: list[str], has_contracts: bool) -> list[str]:
    if tags == ["award"]:
        return ["award", "contract"] if has_contracts else ["award"]
    if tags == ["tenderUpdate"]:
        return ["awardUpdate", "contractUpdate"] if has_contracts else ["awardUpdate"]
    return tags


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


AWARD_CRITERIA = {"lowest_price": "priceOnly", "lowest_cost": "costOnly",
                  "best_ratio": "ratedCriteria"}


def _award_criteria(tender: dict[str, Any], snap: dict[str, Any]) -> None:
    """Award criteria of the evaluation model frozen in the snapshot (nothing without one)."""
    model_lots = (snap.get("evaluation_model") or {}).get("lots") or []
    if not model_lots:
        return
    bases = {lot.get("basis") for lot in model_lots}
    if len(bases) == 1 and next(iter(bases)) in AWARD_CRITERIA:
        tender["awardCriteria"] = AWARD_CRITERIA[str(next(iter(bases)))]

    def number(value: Any) -> int | float:
        amount = Decimal(str(value))
        return int(amount) if amount == amount.to_integral_value() else float(amount)

    lines = []
    entries = {entry["id"]: entry for entry in tender.get("lots") or []}
    for lot in model_lots:
        criteria, words = [], []
        for item in lot.get("criteria") or []:
            numbers = []
            if item.get("weight"):
                numbers.append({"number": number(item["weight"]), "weight": "percentageExact"})
                amount = f"{number(item['weight'])} %"
            elif item.get("priority"):
                numbers.append({"number": int(item["priority"]), "weight": "order"})
                amount = f"#{item['priority']}"
            else:
                amount = f"NOK {item['nok_per_point']}/p" if item.get("nok_per_point") else ""
            criterion: dict[str, Any] = {
                "type": "quality" if item.get("kind") == "climate" else item.get("kind"),
                "name": item.get("name", "")}
            if item.get("description"):
                criterion["description"] = item["description"]
            if numbers:
                criterion["numbers"] = numbers
            criteria.append(criterion)
            words.append(f"{item.get('name', '')} {amount} ({item.get('method', '')})")
        head = f"{lot_id(lot['lot_number'])}: " if lot.get("lot_number") else ""
        line = head + "; ".join(words)
        if lot.get("climate_option"):
            line += f". FOA § 7-9: {lot['climate_option']}"
            if lot.get("climate_justification"):
                line += f" – {lot['climate_justification']}"
        lines.append(line)
        entry = entries.get(lot_id(lot["lot_number"]))
        if entry is not None and criteria:
            breakdown: dict[str, Any] = {"criteria": criteria}
            if any(item.get("method") == "priced_quality" for item in lot["criteria"]):
                breakdown["weightingDescription"] = (
                    "Prissatt kvalitet: evaluert pris = tilbudt pris − poeng × verdi per poeng; "
                    "laveste evaluerte pris vinner.")
            entry["awardCriteria"] = breakdown
    tender["awardCriteriaDetails"] = "\n".join(lines)


def _documents(notice: Notice, documents: list[DocumentVersion],
               at: datetime) -> list[dict[str, Any]]:
    """The tender documents as they stood at `at`: each document's latest version then."""
    latest: dict[int, DocumentVersion] = {}
    first_seen: dict[int, datetime] = {}
    for version in documents:
        if version.uploaded_at > at:
            continue
        doc_id = version.document_id
        first_seen.setdefault(doc_id, version.uploaded_at)
        first_seen[doc_id] = min(first_seen[doc_id], version.uploaded_at)
        if doc_id not in latest or version.number > latest[doc_id].number:
            latest[doc_id] = version
    out = []
    for doc_id, version in sorted(latest.items()):
        url = absolute_url(reverse("notices:document-download", kwargs={
            "pk": notice.pk, "document_id": doc_id, "number": version.number}))
        description = f"SHA-256 {version.sha256}; {version.size} bytes"
        if version.note:
            description += f"; {version.note}"
        out.append({
            "id": f"doc-{doc_id}",
            "documentType": "biddingDocuments",
            "title": version.document.title,
            "description": description,
            "url": url,
            "datePublished": _iso(max(first_seen[doc_id], notice.published_at or at)),
            "dateModified": _iso(max(version.uploaded_at, notice.published_at or at)),
            "format": version.content_type,
            "language": "nb",
        })
    return out


def _tender(notice: Notice, source: ReleaseSource, first: NoticeVersion,
            versions: list[NoticeVersion],
            documents: list[DocumentVersion]) -> dict[str, Any]:
    version = source.version
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
    tender["value"] = _amount(money(snap.get("estimated_value")))

    nuts = snap.get("nuts", "")
    items = [_item("1", snap.get("title", ""), snap.get("cpv_main", ""), nuts,
                   snap.get("cpv_additional") or [])]
    lots = []
    duration = snap.get("duration_months")
    for lot in snap.get("lots") or []:
        ident = lot_id(lot["number"])
        lot_duration = lot.get("duration_months") or duration
        lots.append({
            "id": ident, "title": lot["title"], "description": lot.get("description"),
            "status": status, "value": _amount(money(lot.get("estimated_value"))),
            "contractPeriod": {"durationInDays": int(lot_duration) * 30} if lot_duration
            else None,
        })
        items.append(_item(f"{1 + lot['number']}", lot["title"], lot["cpv"], nuts,
                           related_lot=ident))
    tender["items"] = items
    tender["lots"] = lots
    if duration:
        tender["contractPeriod"] = {"durationInDays": int(duration) * 30}
    _award_criteria(tender, snap)

    start = _iso(first.published_at)
    deadline = _iso(parse_moment(snap.get("submission_deadline")))
    request_deadline = _iso(parse_moment(snap.get("request_deadline")))
    if request_deadline:
        # A two-stage procedure: the period the notice runs is for requests to participate.
        tender["tenderPeriod"] = {"startDate": start, "endDate": request_deadline}
    elif deadline:
        tender["tenderPeriod"] = {"startDate": start, "endDate": deadline}
    questions = _iso(parse_moment(snap.get("question_deadline")))
    if questions:
        tender["enquiryPeriod"] = {"startDate": start, "endDate": questions}
    tender["documents"] = _documents(notice, documents, source.date)
    tender["amendments"] = [
        {"id": f"{notice.reference}-{v.number:02d}", "date": _iso(v.published_at),
         "rationale": v.reason,
         "description": ", ".join(change["field"] for change in v.diff) or v.get_kind_display()}
        for v in versions if v.kind != VersionKind.ORIGINAL and v.number <= version.number
    ]
    return tender


def release(notice: Notice, source: ReleaseSource, *, versions: list[NoticeVersion],
            documents: list[DocumentVersion]) -> dict[str, Any]:
    """One OCDS release: the notice as it stood at `source.date`."""
    first = versions[0]
    tender = _tender(notice, source, first, versions, documents)
    data: dict[str, Any] = {
        "ocid": ocid(notice),
        "id": source.release_id(notice),
        "date": _iso(source.date),
        "tag": _tags(notice, source),
        "initiationType": "tender",
        "language": "nb",
        "parties": [_party(notice.buyer, ["buyer", "procuringEntity"])],
        "buyer": {"id": party_id(notice.buyer), "name": notice.buyer.name},
        "tender": tender,
    }
    if notice.kind == NoticeKind.PIN:
        data["planning"] = {"rationale": source.version.snapshot.get("description", "")}
    if notice.kind == NoticeKind.AWARD and notice.award_for_id is not None:
        _award_sections(data, notice, source)
    return prune(data)


def _award_sections(data: dict[str, Any], notice: Notice, source: ReleaseSource) -> None:
    """The award, contracts and bid statistics of an award notice's release, in the contract
    notice's contracting process (its ocid and tender)."""
    from evaluation.award.models import AwardOutcome
    from evaluation.award.results import award_results_of

    procedure = notice.award_for
    assert procedure is not None
    versions, documents = _versions_and_documents(procedure)
    if versions:
        in_force = [v for v in versions if v.published_at <= source.date] or versions
        cn_source = ReleaseSource(in_force[-1], source.date)
        tender = _tender(procedure, cn_source, versions[0], versions, documents)
        tender["status"] = "complete"
        for lot in tender.get("lots") or []:
            lot["status"] = "complete"
        data["tender"] = tender
    data["ocid"] = ocid(procedure)
    tender = data["tender"]
    results = award_results_of(procedure)
    suppliers = Organization.objects.in_bulk({w.supplier_id for r in results for w in r.winners})
    parties = {p["id"]: p for p in data["parties"]}
    awards, contracts, statistics = [], [], []
    for result in results:
        related = [lot_id(result.lot_number)] if result.lot_number else []
        if result.decision_id is None:
            continue  # nothing about the bids of a lot before its decision is public
        for measure, value in (("bids", result.offers_received),
                               ("smeBids", result.offers_sme),
                               ("electronicBids", result.offers_electronic)):
            statistic: dict[str, Any] = {
                "id": f"{measure}-{result.lot_number}", "measure": measure, "value": value}
            if related:
                statistic["relatedLot"] = related[0]
            statistics.append(statistic)
        award_id = f"{procedure.reference}-A{result.decision_id}"
        no_award = result.outcome == AwardOutcome.NO_AWARD
        award_suppliers = []
        for winner in result.winners:
            org = suppliers[winner.supplier_id]
            party = parties.get(party_id(org))
            if party is None:
                parties[party_id(org)] = _party(org, ["supplier", "tenderer"])
            else:
                party["roles"] = sorted({*party["roles"], "supplier", "tenderer"})
            award_suppliers.append({"id": party_id(org), "name": org.name})
            if winner.contract_id is not None:
                contracts.append({
                    "id": f"{procedure.reference}-K{winner.contract_id}",
                    "awardID": award_id, "title": winner.contract_title, "status": "active",
                    "value": _amount(winner.contract_value),
                    "period": {"startDate": _day(winner.starts_on),
                               "endDate": _day(winner.ends_on)},
                    "dateSigned": _day(winner.signed_on)})
        awards.append({
            "id": award_id, "title": result.lot_title,
            "description": result.no_award_reason if no_award else "",
            "status": "unsuccessful" if no_award else "active",
            "date": _iso(result.sent_at), "value": None if no_award else
            _amount(result.total_value), "suppliers": award_suppliers,
            "relatedLots": related})
        for lot in tender.get("lots") or []:
            if related and lot["id"] == related[0] and no_award:
                lot["status"] = "unsuccessful"
    if awards:
        tender["numberOfTenderers"] = results[0].offers_received
    data["parties"] = list(parties.values())
    data["awards"] = awards
    data["contracts"] = contracts
    data["bids"] = {"statistics": statistics}
    data["tag"] = _award_tags(data["tag"], bool(contracts))


def _day(value: Any) -> str | None:
    """A calendar day as an OCDS date-time: midnight in Oslo."""
    if value is None:
        return None
    from datetime import datetime as datetime_type
    from datetime import time
    from zoneinfo import ZoneInfo

    return _iso(datetime_type.combine(value, time(0), tzinfo=ZoneInfo("Europe/Oslo")))


def _versions_and_documents(notice: Notice) -> tuple[list[NoticeVersion],
                                                     list[DocumentVersion]]:
    versions = list(notice.versions.all())
    versions.sort(key=lambda v: v.number)
    documents = [dv for doc in notice.documents.all() for dv in doc.versions.all()]
    return versions, documents


def notice_releases(notice: Notice) -> list[dict[str, Any]]:
    """Every release of a published notice, oldest first."""
    versions, documents = _versions_and_documents(notice)
    if not versions:
        return []
    with translation.override("nb"):  # the releases' language
        return [release(notice, source, versions=versions, documents=documents)
                for source in release_sources(notice, versions, documents)]


def package_metadata(*, uri: str, published: datetime | None) -> dict[str, Any]:
    return prune({
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": _iso(published),
        "publisher": {"name": getattr(settings, "OCDS_PUBLISHER_NAME", "Anbud"),
                      "uri": absolute_url("/")},
        "license": getattr(settings, "OPEN_DATA_LICENSE_URL", ""),
        "publicationPolicy": absolute_url(reverse("opendata:open-data")),
    })


def release_package(notice: Notice, *, uri: str, version: int | None = None,
                    publisher: str = "") -> dict[str, Any]:
    """The OCDS release package of a published notice: all its releases (oldest first), or
    with `version` the release of that published version only."""
    versions = published_versions(notice)
    releases = notice_releases(notice)
    if version is not None:
        chosen = pick_version(versions, version)
        releases = [r for r in releases if r["id"] == f"{notice.reference}-{chosen.number:02d}"]
    package = package_metadata(uri=uri, published=parse_moment(releases[-1]["date"]))
    if publisher:
        package["publisher"]["name"] = publisher
    package["releases"] = releases
    return package


def record(notice: Notice) -> dict[str, Any]:
    """The record of one procedure: its releases and those of its published award notices,
    and the compiled release (the latest state: each release carries the procedure's full
    state at its date)."""
    procedure = notice.award_for if notice.award_for_id is not None else notice
    assert procedure is not None
    releases = notice_releases(procedure)
    for award in procedure.award_notices.exclude(status=NoticeStatus.DRAFT):
        releases.extend(notice_releases(award))
    releases.sort(key=lambda r: r["date"])
    compiled = copy.deepcopy(releases[-1])
    compiled["id"] = f"{compiled['id']}-compiled"
    compiled["tag"] = ["compiled"]
    return {"ocid": ocid(procedure), "releases": releases, "compiledRelease": compiled}


def record_package(notices: Iterable[Notice], *, uri: str) -> dict[str, Any]:
    records = [record(notice) for notice in notices]
    dates = [parse_moment(r["compiledRelease"]["date"]) for r in records]
    latest = max((d for d in dates if d is not None), default=None)
    package = package_metadata(uri=uri, published=latest)
    package["records"] = records
    return package
