"""What a notice must hold for its eForms export to pass the SDK's business rules.

Publishing and the officer's preview run these (notices.rules.checks.check_publishable), so a
notice that would give TED or Doffin a rejected eForms file is stopped with a message that
names the field to fill in. Each check cites the eForms business term it serves.

Only what comes from the notice's own data is checked here; what the platform fixes (codes,
identifiers, the review body from settings) is the export's business.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import ContractType, Notice, NoticeKind, ProcedureType, Regime

# Main CPV divisions allowed for each contract nature (BR-BT-00262-0202 to -0210): supplies
# 03-44 and 48, works 45, services 49-98.
SUPPLIES_CPV = ("0", "1", "2", "3", "40", "41", "42", "43", "44", "48")
WORKS_CPV = ("45",)
SERVICES_CPV = ("49", "5", "6", "7", "8", "9")
CPV_OF_NATURE = {ContractType.SUPPLIES: SUPPLIES_CPV, ContractType.WORKS: WORKS_CPV,
                 ContractType.SERVICES: SERVICES_CPV, ContractType.SOCIAL: SERVICES_CPV}
CPV_HINT = {
    ContractType.SUPPLIES: "03000000–44999999 or 48000000–48999999",
    ContractType.WORKS: "45000000–45999999",
    ContractType.SERVICES: "49000000–98999999",
    ContractType.SOCIAL: "49000000–98999999",
}
# Procedures a contract notice can announce (BT-105 in subtypes 16 and E3). A negotiated
# procedure without prior publication has, by definition, no contract notice.
CONTRACT_NOTICE_PROCEDURES = {
    ProcedureType.OPEN, ProcedureType.RESTRICTED, ProcedureType.NEGOTIATED,
    ProcedureType.DIALOGUE, ProcedureType.INNOVATION, ProcedureType.OTHER_SINGLE,
    ProcedureType.OTHER_MULTI,
}
# The fewest candidates an EEA procedure may invite (directive 2014/24 art. 65(2)), as the
# eForms rules BR-BT-00050-0106 to -0109 check them in subtype 16.
MINIMUM_CANDIDATES = {ProcedureType.RESTRICTED: 5, ProcedureType.NEGOTIATED: 3,
                      ProcedureType.DIALOGUE: 3, ProcedureType.INNOVATION: 3}
CONTRACT_NOTICE_KINDS = {NoticeKind.CONTRACT, NoticeKind.NATIONAL, NoticeKind.VOLUNTARY}


def fits_nature(cpv: str, contract_type: str) -> bool:
    if not cpv or contract_type not in ContractType.values:
        return True
    return cpv.startswith(CPV_OF_NATURE[ContractType(contract_type)])


def nature_of_cpv(cpv: str) -> str:
    """The eForms contract nature a CPV code belongs to (a lot's BT-23 follows its code)."""
    if cpv.startswith(WORKS_CPV):
        return "works"
    if cpv.startswith(SUPPLIES_CPV):
        return "supplies"
    return "services"


def goes_to_ted(notice: Notice, regime: str) -> bool:
    """Part III notices are published on TED (subtypes 4 and 16)."""
    return regime == Regime.PART_III and notice.kind in (NoticeKind.CONTRACT, NoticeKind.PIN)


def eforms_problems(notice: Notice, *, regime: str, at: datetime | None = None) -> list[str]:
    """What stops this notice's eForms export from passing the rules, in plain words.

    `regime` is the one publishing derives (Part III: the notice goes to TED)."""
    problems: list[str] = []
    contract_type = notice.contract_type
    lots = list(notice.lots.all())
    if contract_type in ContractType.values:
        label = ContractType(contract_type).label.lower()
        hint = CPV_HINT[ContractType(contract_type)]
        if not fits_nature(notice.cpv_main, contract_type):
            problems.append(_("The main CPV code %(code)s does not fit the contract type "
                              "“%(type)s”: choose a code in %(range)s, or change the contract "
                              "type (eForms BT-262).")
                            % {"code": notice.cpv_main, "type": label, "range": hint})
    if notice.kind in CONTRACT_NOTICE_KINDS and notice.procedure_type and (
            notice.procedure_type not in CONTRACT_NOTICE_PROCEDURES):
        problems.append(_("A contract notice cannot announce a %(procedure)s; choose the "
                          "procedure the notice opens (eForms BT-105).")
                        % {"procedure": ProcedureType(notice.procedure_type).label.lower()})
    if notice.kind == NoticeKind.CONTRACT and regime == Regime.PART_III:
        problems.extend(_contract_terms(notice, lots))
    if notice.kind == NoticeKind.PIN and regime == Regime.PART_III:
        if notice.planned_notice_date is None:
            problems.append(_("Give the date you expect to publish the contract notice (field "
                              "“Planned date of the contract notice”; eForms BT-127)."))
        elif notice.published_at is None and at is not None and (
                notice.planned_notice_date <= timezone.localdate(at)):
            problems.append(_("The planned date of the contract notice must come after the "
                              "publication of this prior information notice."))
    if goes_to_ted(notice, regime):
        problems.extend(_english_texts(notice, lots))
        problems.extend(_buyer_contact(notice))
    if notice.kind == NoticeKind.AWARD and notice.award_for is not None:
        problems.extend(_award_results(notice.award_for))
    return problems


def _award_results(contract_notice: Notice) -> list[str]:
    """A result notice for TED (29) needs the size of every supplier with a contract
    (BT-165, mandatory for the tenderers of settled contracts)."""
    if contract_notice.regime != Regime.PART_III:
        return []
    from evaluation.award.results import award_results_of

    missing = sorted({winner.name for lot in award_results_of(contract_notice)
                      for winner in lot.winners
                      if winner.contract_id is not None and not winner.company_size})
    if not missing:
        return []
    return [_("TED needs the company size of every supplier with a contract (eForms BT-165): "
              "%(names)s. Platform staff record it on the organisation.")
            % {"names": ", ".join(missing)}]


def _contract_terms(notice: Notice, lots: list) -> list[str]:
    problems: list[str] = []
    lot_word = _("each lot") if lots else _("the contract")
    if notice.duration_months is None and (not lots or any(lot.duration_months is None
                                                           for lot in lots)):
        problems.append(_("Give the planned duration of %(what)s in months (field “Planned "
                          "duration (months)”; eForms BT-36).") % {"what": lot_word})
    one_stage = notice.procedure_type in (ProcedureType.OPEN, ProcedureType.OTHER_SINGLE)
    if notice.procedure_type == ProcedureType.OPEN and notice.tender_validity_days is None:
        problems.append(_("Say how many days tenders must stay valid after the deadline "
                          "(field “Tender validity (days)”; eForms BT-98)."))
    if notice.procedure_type and not one_stage:
        least = MINIMUM_CANDIDATES.get(ProcedureType(notice.procedure_type), 1)
        if notice.candidates_min is None:
            problems.append(_("Give the minimum number of candidates you will invite to "
                              "tender (field “Minimum number of candidates”; eForms BT-50)."))
        elif notice.candidates_min < least:
            problems.append(_("A %(procedure)s invites at least %(least)s candidates "
                              "(directive 2014/24 art. 65(2); eForms BR-BT-00050); raise the "
                              "minimum number of candidates.")
                            % {"procedure": ProcedureType(notice.procedure_type).label.lower(),
                               "least": least})
    if len(lots) > 1 and notice.max_lots_submitted is None:
        problems.append(_("Say for how many lots one supplier may tender (field “Most lots one "
                          "supplier may tender for”; eForms BT-31)."))
    if notice.max_lots_submitted is not None and lots and notice.max_lots_submitted > len(lots):
        problems.append(_("One supplier cannot tender for more lots (%(n)s) than there are "
                          "(%(lots)s).") % {"n": notice.max_lots_submitted, "lots": len(lots)})
    return problems


def _english_texts(notice: Notice, lots: list) -> list[str]:
    problems: list[str] = []
    why = _("the notice goes to TED, which publishes in an official EU language, and "
            "Norwegian is not one")
    if not notice.title_en.strip():
        problems.append(_("Give the title in English (field “Title in English”): %(why)s.")
                        % {"why": why})
    if not notice.description_en.strip():
        problems.append(_("Give the description in English (field “Description in English”): "
                          "%(why)s.") % {"why": why})
    if notice.accelerated and not notice.accelerated_reason_en.strip():
        problems.append(_("Give the reason for the shortened deadline in English (field “Reason "
                          "for the shortened deadline in English”): %(why)s.") % {"why": why})
    missing = [str(lot.number) for lot in lots if not lot.title_en.strip()]
    if missing:
        problems.append(_("Give the English title of lot %(lots)s: %(why)s.")
                        % {"lots": ", ".join(missing), "why": why})
    return problems


def _buyer_contact(notice: Notice) -> list[str]:
    """BT-503, BT-506, BT-507, BT-512 and BT-513 of the buyer, which TED requires."""
    buyer = notice.buyer
    missing = []
    if not buyer.phone.strip():
        missing.append(_("telephone"))
    if not buyer.email.strip():
        missing.append(_("contact e-mail"))
    if not buyer.postal_code.strip():
        missing.append(_("postal code"))
    if not buyer.city.strip():
        missing.append(_("city"))
    if not buyer.nuts.strip():
        missing.append(_("NUTS region"))
    if not missing:
        return []
    return [_("The organisation profile of %(buyer)s lacks what TED requires of a buyer: "
              "%(fields)s. Ask platform staff to add them to the organisation's profile.")
            % {"buyer": buyer.name, "fields": ", ".join(str(m) for m in missing)}]
