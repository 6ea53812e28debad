"""The demo's evaluation models: every demo competition gets realistic award criteria (price
40 % linear, quality 30 %, climate and environment 30 %) and qualification requirements,
set through the service before the notice is published, so they are frozen with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import User
from evaluation.criteria.checks import COMPETITION_KINDS
from evaluation.criteria.selectors import lot_numbers_of
from evaluation.criteria.services import evaluation_model_set
from notices.models import Notice

CRITERIA: list[dict[str, Any]] = [
    {"kind": "price", "name": "Pris", "method": "price_linear", "weight": "40",
     "description": "Samlet evaluert pris for mengdene i prisskjemaet, eks. mva."},
    {"kind": "quality", "name": "Kvalitet og gjennomføring", "method": "points", "weight": "30",
     "description": "Leverandørens plan for gjennomføring, bemanning og kvalitetssikring.",
     "scale": "0: ikke besvart eller uegnet; 5: tilfredsstillende og realistisk; "
              "10: svært god og godt dokumentert.",
     "sub_criteria": [
         {"name": "Gjennomføringsplan", "weight": "60",
          "description": "Fremdrift, risiko og tiltak."},
         {"name": "Bemanning og kompetanse", "weight": "40",
          "description": "CV-er for nøkkelpersoner."}]},
    {"kind": "climate", "name": "Klima og miljø", "method": "points", "weight": "30",
     "description": "Reduksjon av klimagassutslipp i kontraktsperioden: utslippsfrie "
                    "kjøretøy og maskiner, transport og avfall.",
     "scale": "0: ingen tiltak ut over minstekravene; 5: halvparten av transporten "
              "utslippsfri; 10: all transport og alle maskiner utslippsfrie fra oppstart."},
]
REQUIREMENTS: list[dict[str, Any]] = [
    {"category": "exclusion", "espd_code": "",
     "title": "Skatter og avgifter er betalt",
     "documentation": "Skatteattest, ikke eldre enn seks måneder."},
    {"category": "suitability", "espd_code": "",
     "title": "Registrert i foretaksregister",
     "documentation": "Firmaattest fra Brønnøysundregistrene eller tilsvarende."},
    {"category": "economic", "espd_code": "",
     "title": "Tilfredsstillende økonomisk og finansiell kapasitet",
     "description": "Leverandøren må ha økonomi til å gjennomføre kontrakten.",
     "documentation": "Årsregnskap med noter for de to siste årene, eller kredittvurdering."},
    {"category": "technical", "espd_code": "",
     "title": "Erfaring fra tilsvarende oppdrag",
     "documentation": "Inntil tre referanser fra de siste tre årene med beskrivelse, verdi "
                      "og kontaktperson."},
]


def add_demo_models(notice: Notice, *, by: User, now: datetime) -> None:
    """Give a demo competition notice its evaluation model (each lot the same model)."""
    if notice.kind not in COMPETITION_KINDS:
        return
    terms = {"basis": "best_ratio", "by_priority": False,
             "climate_option": "quality-nor-env-criteria", "climate_justification": ""}
    for number in lot_numbers_of(notice):
        evaluation_model_set(notice=notice, by=by, lot_number=number, terms=terms,
                             criteria=CRITERIA, now=now,
                             requirements=REQUIREMENTS if number == lot_numbers_of(notice)[0]
                             else None)
