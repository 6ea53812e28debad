"""Notices built by the services for every eForms subtype the platform publishes, every kind
of procedure, with and without lots, and as change notices and cancellations.

Each scenario is a function (make_notice, officer) -> the published Notice; tests
parametrize over SCENARIOS (tests/notices/test_eforms_rules.py, the OCDS and import tests).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import BuyerType, OrganizationKind, User
from notices import services
from notices.models import Notice

DAY = timedelta(days=1)
SERVICE_LOTS: list[dict[str, Any]] = [
    {"title": "Renhold skoler nord", "title_en": "Cleaning of schools, north",
     "description": "Daglig renhold av tolv skoler.",
     "description_en": "Daily cleaning of twelve schools.", "cpv": "90911200",
     "estimated_value": "2500000"},
    {"title": "Renhold skoler sør", "title_en": "Cleaning of schools, south",
     "description": "Daglig renhold av ti skoler.", "description_en": "Daily cleaning of ten "
     "schools.", "cpv": "90911200", "estimated_value": "1500000", "duration_months": 36},
]
NATIONAL_LOTS: list[dict[str, Any]] = [
    {"title": "Snekkerarbeider", "description": "Snekker- og tømrerarbeider.",
     "cpv": "45420000", "estimated_value": "1000000"},
    {"title": "Malerarbeider", "description": "Maling av bygg.", "cpv": "45442100",
     "estimated_value": "800000"},
]
EEA = Decimal("5000000")  # above the EEA threshold for services of an "other" authority


def _eea(make_notice: Any, **fields: Any) -> Notice:
    now = timezone.now()
    defaults: dict[str, Any] = {
        "kind": "cn", "estimated_value": EEA, "submission_deadline": now + 35 * DAY,
        "question_deadline": now + 25 * DAY, "title": "Renhold av skoler",
        "title_en": "Cleaning of schools", "description": "Renhold av kommunale skoler.",
        "description_en": "Cleaning of municipal schools.", "cpv_main": "90910000",
        "contract_type": "services"}
    return make_notice(**{**defaults, **fields})


def _two_stage(make_notice: Any, procedure: str, **fields: Any) -> Notice:
    now = timezone.now()
    return _eea(make_notice, procedure_type=procedure, request_deadline=now + 31 * DAY,
                submission_deadline=now + 60 * DAY, question_deadline=now + 20 * DAY,
                **{"candidates_min": 3, **fields})


def cn_open(make_notice: Any, officer: User) -> Notice:
    return _eea(make_notice)


def cn_open_lots(make_notice: Any, officer: User) -> Notice:
    return _eea(make_notice, lots=SERVICE_LOTS, max_lots_submitted=2, max_lots_awarded=1,
                cpv_additional=["90919200"])


def cn_restricted(make_notice: Any, officer: User) -> Notice:
    return _two_stage(make_notice, "restricted", candidates_min=5)


def cn_negotiated_lots(make_notice: Any, officer: User) -> Notice:
    return _two_stage(make_notice, "neg-w-call", lots=SERVICE_LOTS, max_lots_submitted=1)


def cn_dialogue(make_notice: Any, officer: User) -> Notice:
    return _two_stage(make_notice, "comp-dial")


def cn_innovation(make_notice: Any, officer: User) -> Notice:
    return _two_stage(make_notice, "innovation")


def cn_accelerated(make_notice: Any, officer: User) -> Notice:
    now = timezone.now()
    return _eea(make_notice, accelerated=True, submission_deadline=now + 16 * DAY,
                question_deadline=now + 10 * DAY,
                accelerated_reason="Forhåndskunngjøring publisert i mars.",
                accelerated_reason_en="A prior information notice was published in March.")


def cn_works(make_notice: Any, officer: User) -> Notice:
    return _eea(make_notice, contract_type="works", cpv_main="45214200",
                estimated_value=Decimal("90000000"), title_en="New school building",
                description_en="Construction of a new lower secondary school.")


def cn_supplies_state(make_notice: Any, officer: User) -> Notice:
    from tests.conftest import make_org, make_user

    state = make_org(OrganizationKind.AUTHORITY, "Statens vegvesen", BuyerType.STATE)
    buyer_officer = make_user("officer@vegvesen.test", state, "procurement_officer")
    return _eea(make_notice, buyer=state, by=buyer_officer, contract_type="supplies",
                cpv_main="34144900", title_en="Electric service cars",
                description_en="Purchase of 60 electric service cars.")


def cn_utilities(make_notice: Any, officer: User) -> Notice:
    from tests.conftest import make_org, make_user

    utility = make_org(OrganizationKind.AUTHORITY, "Statnett SF", BuyerType.UTILITIES)
    buyer_officer = make_user("officer@statnett.test", utility, "procurement_officer")
    return _eea(make_notice, buyer=utility, by=buyer_officer, contract_type="supplies",
                cpv_main="31170000", estimated_value=Decimal("140000000"),
                title_en="Power transformers", description_en="Two 420/132 kV transformers.")


def cn_changed_deadline(make_notice: Any, officer: User) -> Notice:
    notice = cn_open_lots(make_notice, officer)
    assert notice.submission_deadline is not None
    services.notice_change_publish(
        notice=notice, by=officer, reason="Fristen forlenges etter spørsmål fra markedet.",
        fields={"submission_deadline": notice.submission_deadline + 7 * DAY})
    notice.refresh_from_db()
    return notice


def cn_changed_description(make_notice: Any, officer: User) -> Notice:
    notice = cn_open(make_notice, officer)
    services.notice_change_publish(
        notice=notice, by=officer, reason="Presisert omfang.",
        fields={"description": notice.description + " Også idrettshaller.",
                "description_en": notice.description_en + " Sports halls too."})
    notice.refresh_from_db()
    return notice


def cn_cancelled(make_notice: Any, officer: User) -> Notice:
    notice = cn_open(make_notice, officer)
    services.notice_cancel(notice=notice, by=officer, reason="Behovet er falt bort.")
    notice.refresh_from_db()
    return notice


def _planned() -> Any:
    return timezone.localdate() + 60 * DAY


def pin_eea(make_notice: Any, officer: User) -> Notice:
    return make_notice(kind="pin", estimated_value=EEA, title_en="Planned cleaning contract",
                       description_en="Market dialogue in the spring.", cpv_main="90910000",
                       contract_type="services", planned_notice_date=_planned())


def pin_eea_lots(make_notice: Any, officer: User) -> Notice:
    return make_notice(kind="pin", estimated_value=EEA, lots=SERVICE_LOTS, cpv_main="90910000",
                       contract_type="services", planned_notice_date=_planned())


def pin_eea_changed(make_notice: Any, officer: User) -> Notice:
    notice = pin_eea(make_notice, officer)
    services.notice_change_publish(notice=notice, by=officer, reason="Ny verdi.",
                                   fields={"estimated_value": Decimal("6000000")})
    notice.refresh_from_db()
    return notice


def national_open(make_notice: Any, officer: User) -> Notice:
    return make_notice()


def national_lots(make_notice: Any, officer: User) -> Notice:
    return make_notice(lots=NATIONAL_LOTS)


def national_lots_below_total(make_notice: Any, officer: User) -> Notice:
    return make_notice(lots=[NATIONAL_LOTS[0], {**NATIONAL_LOTS[1], "estimated_value": "500000"}])


def national_restricted(make_notice: Any, officer: User) -> Notice:
    now = timezone.now()
    return make_notice(procedure_type="restricted", request_deadline=now + 10 * DAY,
                       submission_deadline=now + 30 * DAY, question_deadline=now + 5 * DAY,
                       candidates_min=3)


def national_negotiated(make_notice: Any, officer: User) -> Notice:
    now = timezone.now()
    return make_notice(procedure_type="neg-w-call", request_deadline=now + 10 * DAY,
                       submission_deadline=now + 30 * DAY, question_deadline=now + 5 * DAY)


def national_social(make_notice: Any, officer: User) -> Notice:
    return make_notice(contract_type="social", cpv_main="85000000")


def voluntary_part_i(make_notice: Any, officer: User) -> Notice:
    return make_notice(kind="voluntary", estimated_value=Decimal("500000"),
                       contract_type="supplies", cpv_main="39100000")


def national_changed(make_notice: Any, officer: User) -> Notice:
    notice = national_lots(make_notice, officer)
    services.notice_change_publish(notice=notice, by=officer, reason="Presisering.",
                                   fields={"title": notice.title + " (Bergenhus)"})
    notice.refresh_from_db()
    return notice


def national_cancelled(make_notice: Any, officer: User) -> Notice:
    notice = national_open(make_notice, officer)
    services.notice_cancel(notice=notice, by=officer, reason="Behovet er falt bort.")
    notice.refresh_from_db()
    return notice


def national_pin(make_notice: Any, officer: User) -> Notice:
    return make_notice(kind="pin", estimated_value=Decimal("1500000"),
                       contract_type="works", cpv_main="45000000")


def national_pin_lots(make_notice: Any, officer: User) -> Notice:
    return make_notice(kind="pin", estimated_value=Decimal("1800000"), contract_type="works",
                       cpv_main="45000000", lots=NATIONAL_LOTS)


# Award notices (29 / E4): the contract notice with its award criteria, opened bids, sent
# decisions and contracts (tests/notices/award_fixtures.py), then the published award notice.

def _awarded(make_notice: Any, officer: User, *, eea: bool, lots: list[dict[str, Any]] | None,
             plan: Callable[[Notice, User, list[Any]], None]) -> Notice:
    from tests.notices.award_fixtures import add_bids, publish_award_notice, with_model

    if eea:
        now = timezone.now()
        extra: dict[str, Any] = {"max_lots_submitted": 2} if lots else {}
        draft = _eea(make_notice, publish=False, lots=lots,
                     submission_deadline=now + 35 * DAY, question_deadline=now + 25 * DAY,
                     **extra)
    else:
        draft = make_notice(publish=False, lots=lots)
    contract_notice = with_model(draft, officer)
    bids = add_bids(contract_notice, rejected=1)
    plan(contract_notice, officer, bids)
    return publish_award_notice(make_notice, contract_notice, officer)


def _one_winner(notice: Notice, officer: User, bids: list[Any]) -> None:
    from tests.notices.award_fixtures import Win, decide

    decide(notice, officer, wins=[Win(bids[0], Decimal("4200000"))])


def _framework(notice: Notice, officer: User, bids: list[Any]) -> None:
    from tests.notices.award_fixtures import Win, decide

    decide(notice, officer, outcome="framework",
           wins=[Win(bids[0], Decimal("3000000")), Win(bids[1], Decimal("2000000"))])


def _lot_and_no_award(notice: Notice, officer: User, bids: list[Any]) -> None:
    from tests.notices.award_fixtures import Win, decide

    decide(notice, officer, lot_number=1, wins=[Win(bids[1], Decimal("2300000"))])
    decide(notice, officer, lot_number=2, outcome="no_award",
           reason="Alle tilbud oversteg budsjettet.")


def can_one_winner(make_notice: Any, officer: User) -> Notice:
    return _awarded(make_notice, officer, eea=True, lots=None, plan=_one_winner)


def can_framework(make_notice: Any, officer: User) -> Notice:
    return _awarded(make_notice, officer, eea=True, lots=None, plan=_framework)


def can_lots(make_notice: Any, officer: User) -> Notice:
    return _awarded(make_notice, officer, eea=True, lots=SERVICE_LOTS, plan=_lot_and_no_award)


def national_can_one_winner(make_notice: Any, officer: User) -> Notice:
    return _awarded(make_notice, officer, eea=False, lots=None, plan=_one_winner)


def national_can_framework(make_notice: Any, officer: User) -> Notice:
    return _awarded(make_notice, officer, eea=False, lots=None, plan=_framework)


def national_can_lots(make_notice: Any, officer: User) -> Notice:
    return _awarded(make_notice, officer, eea=False, lots=NATIONAL_LOTS, plan=_lot_and_no_award)


Scenario = Callable[[Any, User], Notice]
# name -> (builder, expected subtype)
SCENARIOS: dict[str, tuple[Scenario, str]] = {
    "cn_open": (cn_open, "16"),
    "cn_open_lots": (cn_open_lots, "16"),
    "cn_restricted": (cn_restricted, "16"),
    "cn_negotiated_lots": (cn_negotiated_lots, "16"),
    "cn_dialogue": (cn_dialogue, "16"),
    "cn_innovation": (cn_innovation, "16"),
    "cn_accelerated": (cn_accelerated, "16"),
    "cn_works": (cn_works, "16"),
    "cn_supplies_state": (cn_supplies_state, "16"),
    "cn_utilities": (cn_utilities, "16"),
    "cn_changed_deadline": (cn_changed_deadline, "16"),
    "cn_changed_description": (cn_changed_description, "16"),
    "cn_cancelled": (cn_cancelled, "16"),
    "pin_eea": (pin_eea, "4"),
    "pin_eea_lots": (pin_eea_lots, "4"),
    "pin_eea_changed": (pin_eea_changed, "4"),
    "national_open": (national_open, "E3"),
    "national_lots": (national_lots, "E3"),
    "national_lots_below_total": (national_lots_below_total, "E3"),
    "national_restricted": (national_restricted, "E3"),
    "national_negotiated": (national_negotiated, "E3"),
    "national_social": (national_social, "E3"),
    "voluntary_part_i": (voluntary_part_i, "E3"),
    "national_changed": (national_changed, "E3"),
    "national_cancelled": (national_cancelled, "E3"),
    "national_pin": (national_pin, "E2"),
    "national_pin_lots": (national_pin_lots, "E2"),
    "can_one_winner": (can_one_winner, "29"),
    "can_framework": (can_framework, "29"),
    "can_lots": (can_lots, "29"),
    "national_can_one_winner": (national_can_one_winner, "E4"),
    "national_can_framework": (national_can_framework, "E4"),
    "national_can_lots": (national_can_lots, "E4"),
}
AWARD_SCENARIOS = [name for name, (_build, subtype) in SCENARIOS.items()
                   if subtype in ("29", "E4")]
