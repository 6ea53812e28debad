"""The results part of an eForms result notice (subtype 29, Part III, and the Norwegian E4) for
an award notice (Notice of kind "can" whose `award_for` is the contract notice).

Everything about the results comes from `evaluation.award.results.award_results_of` (one read
model for the award notice page, eForms and OCDS); the procedure and its lots come from the
contract notice's published snapshot (notices/exports/eforms.py writes them as for the
contract notice, with the result notice's own identifier).

Per lot (`efac:NoticeResult`):
- `efac:LotResult` (RES-nnnn, BT-142): `selec-w` when a winner was chosen, `clos-nw` with the
  reason (BT-144: `no-rece` when no offer came in, `all-rej` otherwise) for "no award", and
  `open-nw` while no decision was sent; the received submissions (BT-759/BT-760: `tenders`,
  `t-sme`, `t-esubm`, `t-verif-inad`); a framework's maximum value (BT-709).
- `efac:LotTender` (TEN-nnnn) per winning tender: value (BT-720), rank (BT-171), the
  tendering party and the tender reference (BT-3201).
- `efac:SettledContract` (CON-nnnn) per recorded contract: conclusion date (BT-145), title
  (BT-721), reference (BT-150), framework indicator (BT-768) and the tender it settles
  (BT-3202).
- `efac:TenderingParty` (TPA-nnnn) per winning supplier, pointing at its organisation
  (ORG-nnnn, with its size BT-165).
- The notice value (BT-161, the awarded lots outside frameworks) and the frameworks' maximum
  value (BT-118).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from lxml import etree

from accounts.models import Organization
from evaluation.award.models import AwardOutcome
from evaluation.award.results import LotResult, WinnerResult, award_results_of
from notices.exports import NotExportable, lot_id, published_versions
from notices.exports.eforms import _date, _el, _q
from notices.models import Notice, NoticeVersion

# BT-765: a framework agreement awarded to its suppliers, call-offs without a new competition.
FRAMEWORK_CODE = "fa-wo-rc"


@dataclass
class Results:
    """What a result notice says: the contract notice (version in force) and its results."""

    contract_notice: Notice
    contract_version: NoticeVersion
    lots: list[LotResult]
    suppliers: dict[int, Organization] = field(default_factory=dict)

    def of_lot(self, number: int) -> LotResult | None:
        return next((lot for lot in self.lots if lot.lot_number == number), None)

    def is_framework(self, number: int) -> bool:
        lot = self.of_lot(number)
        return lot is not None and lot.outcome == AwardOutcome.FRAMEWORK

    @property
    def award_date(self) -> str:
        """The first decision's date (OPT-999, the tender award date)."""
        dates = [lot.sent_at for lot in self.lots if lot.sent_at is not None]
        return _date(min(dates)) if dates else ""


def results_for(notice: Notice, version: NoticeVersion) -> Results:
    """The results an award notice version publishes; refuses an award notice without its
    contract notice or before any award decision was sent."""
    contract_notice = notice.award_for
    lots = award_results_of(contract_notice) if contract_notice is not None else []
    if contract_notice is None or not any(lot.decision_id is not None for lot in lots):
        raise NotExportable(_("eForms export of award notices needs the award decision "
                              "(winners and contracts), which is not recorded yet. The OCDS "
                              "export is available."))
    versions = published_versions(contract_notice)
    in_force = [v for v in versions if v.published_at <= version.published_at] or versions
    ids = {w.supplier_id for lot in lots for w in lot.winners}
    suppliers = Organization.objects.in_bulk(ids) if ids else {}
    return Results(contract_notice, in_force[-1], lots, dict(suppliers))


def _money(parent: etree._Element, tag: str, value: Decimal) -> None:
    _el(parent, tag, f"{value:.2f}", currencyID="NOK")


def _status(lot: LotResult) -> str:
    if lot.decision_id is None:
        return "open-nw"
    if lot.outcome == AwardOutcome.NO_AWARD:
        return "clos-nw"
    return "selec-w"


def write_notice_result(ext: etree._Element, results: Results, *, lot_numbers: list[int],
                        first_org: int, national: bool) -> list[tuple[str, Organization]]:
    """efac:NoticeResult into the eForms extension; returns the winners' organisations
    (technical id, organisation) for efac:Organizations, numbered from `first_org`.
    Contract titles (written in Norwegian) go into national notices only."""
    node = _el(ext, "efac:NoticeResult")
    lot_results: list[etree._Element] = []
    tenders: list[etree._Element] = []
    contracts: list[etree._Element] = []
    parties: dict[int, str] = {}
    orgs: list[tuple[str, Organization]] = []
    total = Decimal(0)
    total_framework = Decimal(0)
    any_awarded = any_framework = False
    counter = {"RES": 0, "TEN": 0, "CON": 0}

    def next_id(kind: str) -> str:
        counter[kind] += 1
        return f"{kind}-{counter[kind]:04d}"

    def party_of(winner: WinnerResult) -> str:
        if winner.supplier_id not in parties:
            parties[winner.supplier_id] = f"TPA-{len(parties) + 1:04d}"
            org = results.suppliers[winner.supplier_id]
            orgs.append((f"ORG-{first_org + len(orgs):04d}", org))
        return parties[winner.supplier_id]

    for number in lot_numbers:
        lot = results.of_lot(number)
        if lot is None:
            continue
        status = _status(lot)
        framework = lot.outcome == AwardOutcome.FRAMEWORK
        result = etree.Element(_q("efac:LotResult"))
        lot_results.append(result)
        _el(result, "cbc:ID", next_id("RES"), schemeName="result")
        _el(result, "cbc:TenderResultCode", status, listName="winner-selection-status")
        if status == "clos-nw":
            reason = "no-rece" if lot.offers_received == 0 else "all-rej"
            _el(_el(result, "efac:DecisionReason"), "efbc:DecisionReasonCode", reason,
                listName="non-award-justification")
        winner_tenders: list[str] = []
        settled: list[str] = []
        if status == "selec-w":
            for winner in lot.winners:
                tender_id = next_id("TEN")
                winner_tenders.append(tender_id)
                tenders.append(_lot_tender(tender_id, winner, party_of(winner), number,
                                           results.contract_notice))
                if winner.contract_id is not None:
                    contract_id = next_id("CON")
                    settled.append(contract_id)
                    contracts.append(_settled_contract(contract_id, tender_id, winner,
                                                       framework, results.contract_notice,
                                                       national=national))
        for tender_id in winner_tenders:
            _el(_el(result, "efac:LotTender"), "cbc:ID", tender_id, schemeName="tender")
        value = lot.total_value
        if status == "selec-w" and framework and value is not None:
            _money(_el(result, "efac:FrameworkAgreementValues"), "cbc:MaximumValueAmount",
                   value)
            total_framework += value
            any_framework = True
        elif status == "selec-w" and not framework:
            total += value or Decimal(0)
            any_awarded = True
        if status != "open-nw" and not (status == "clos-nw" and lot.offers_received == 0):
            for code, count in (("tenders", lot.offers_received), ("t-sme", lot.offers_sme),
                                ("t-large", lot.offers_large),
                                ("t-oth-eea", lot.offers_other_eea),
                                ("t-no-eea", lot.offers_non_eea),
                                ("t-esubm", lot.offers_electronic),
                                ("t-verif-inad", lot.offers_rejected)):
                stats = _el(result, "efac:ReceivedSubmissionsStatistics")
                _el(stats, "efbc:StatisticsCode", code, listName="received-submission-type")
                _el(stats, "efbc:StatisticsNumeric", str(count))
        for contract_id in settled:
            _el(_el(result, "efac:SettledContract"), "cbc:ID", contract_id,
                schemeName="contract")
        _el(_el(result, "efac:TenderLot"), "cbc:ID", lot_id(number), schemeName="Lot")

    if any_awarded:
        _money(node, "cbc:TotalAmount", total)
    if any_framework:
        _el(node, "efbc:OverallMaximumFrameworkContractsAmount", f"{total_framework:.2f}",
            currencyID="NOK")
    for child in (*lot_results, *tenders, *contracts):
        node.append(child)
    for supplier_id, party_id in parties.items():
        party = _el(node, "efac:TenderingParty")
        _el(party, "cbc:ID", party_id, schemeName="tendering-party")
        org_id = next(ident for ident, org in orgs if org.pk == supplier_id)
        _el(_el(party, "efac:Tenderer"), "cbc:ID", org_id, schemeName="organization")
    return orgs


def _lot_tender(tender_id: str, winner: WinnerResult, party_id: str, lot_number: int,
                contract_notice: Notice) -> etree._Element:
    tender = etree.Element(_q("efac:LotTender"))
    _el(tender, "cbc:ID", tender_id, schemeName="tender")
    if winner.rank is not None:
        _el(tender, "cbc:RankCode", str(winner.rank))
        _el(tender, "efbc:TenderRankedIndicator", "true")
    if winner.value is not None:
        _money(_el(tender, "cac:LegalMonetaryTotal"), "cbc:PayableAmount", winner.value)
    # BT-773: whether the tender subcontracts is not recorded.
    _el(_el(tender, "efac:SubcontractingTerm"), "efbc:TermCode", "not-known",
        listName="applicability")
    _el(_el(tender, "efac:TenderingParty"), "cbc:ID", party_id, schemeName="tendering-party")
    _el(_el(tender, "efac:TenderLot"), "cbc:ID", lot_id(lot_number), schemeName="Lot")
    reference = winner.submission_id or f"{winner.supplier_id}"
    _el(_el(tender, "efac:TenderReference"), "cbc:ID", f"{contract_notice.reference}/{reference}")
    return tender


def _settled_contract(contract_id: str, tender_id: str, winner: WinnerResult, framework: bool,
                      contract_notice: Notice, *, national: bool) -> etree._Element:
    contract = etree.Element(_q("efac:SettledContract"))
    _el(contract, "cbc:ID", contract_id, schemeName="contract")
    if winner.signed_on is not None:
        _el(contract, "cbc:IssueDate", _day(winner.signed_on))
    if winner.contract_title and national:
        _el(contract, "cbc:Title", winner.contract_title, languageID="NOR")
    if framework:
        # BT-768: the contract is the framework agreement itself, not a call-off under one.
        _el(contract, "efbc:ContractFrameworkIndicator", "false")
    _el(_el(contract, "efac:ContractReference"), "cbc:ID",
        f"{contract_notice.reference}-K{winner.contract_id}")
    _el(_el(contract, "efac:LotTender"), "cbc:ID", tender_id, schemeName="tender")
    return contract


def _day(day: date) -> str:
    """A calendar day as eForms writes dates: with the Oslo offset of that day."""
    moment = datetime.combine(day, time(12), tzinfo=ZoneInfo("Europe/Oslo"))
    return _date(moment)
