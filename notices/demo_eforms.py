"""What the demo notices need for eForms: the buyers' contact details, the English texts of
the notices that go to TED (Part III) and the contract terms of contract notices.

Kept beside notices/demo.py (which calls `contact_details` and `notice_extras`), so the demo
publishes through the same eForms checks as real use.
"""

from __future__ import annotations

from datetime import date
from typing import Any

# name -> the contact details TED requires of a buyer (BT-503, BT-506, BT-510, BT-512).
CONTACTS: dict[str, dict[str, str]] = {
    "Bergen kommune": {"street": "Rådhusgaten 10", "postal_code": "5014",
                       "phone": "+47 55 56 55 60", "email": "innkjop@bergen.demo"},
    "Statens vegvesen": {"street": "Postboks 1010 Nordre Ål", "postal_code": "2605",
                         "phone": "+47 22 07 30 00", "email": "anskaffelser@vegvesen.demo"},
    "Oslo universitetssykehus HF": {"street": "Postboks 4956 Nydalen", "postal_code": "0424",
                                    "phone": "+47 91 50 27 70", "email": "innkjop@ous.demo"},
    "Trondheim kommune": {"street": "Munkegata 1", "postal_code": "7004",
                          "phone": "+47 72 54 00 00", "email": "innkjop@trondheim.demo"},
    "Statnett SF": {"street": "Postboks 4904 Nydalen", "postal_code": "0423",
                    "phone": "+47 23 90 30 00", "email": "innkjop@statnett.demo"},
    "Troms fylkeskommune": {"street": "Postboks 6600", "postal_code": "9296",
                            "phone": "+47 77 78 80 00", "email": "innkjop@tromsfylke.demo"},
}

# Norwegian title -> (English title, English description, English lot titles).
ENGLISH: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Renholdstjenester for skoler i Bergen": (
        "Cleaning services for schools in Bergen",
        "Daily and periodic cleaning of 24 schools, with eco-labelled products and fossil-free "
        "vehicles.", ("Schools north", "Schools south")),
    "Planlagt anskaffelse: nytt fagsystem for helse og omsorg": (
        "Planned procurement: new health and care records system",
        "Bergen kommune plans to procure a new electronic patient record system; market "
        "dialogue in spring 2027.", ()),
    "Drift og vedlikehold av riksveg 7, Hardangervidda": (
        "Operation and maintenance of national road 7, Hardangervidda",
        "Operation contract for road 7 across Hardangervidda including winter operation, "
        "2027-2032.", ()),
    "Elektriske tjenestebiler": (
        "Electric service cars", "Purchase of 60 electric service cars with service.", ()),
    "Legemidler til sykehusapotek": (
        "Medicines for hospital pharmacies",
        "Framework agreement for medicines for the hospital pharmacies, several lots.",
        ("Antibiotics", "Analgesics", "Vaccines")),
    "Kantinedrift ved Rikshospitalet og Ullevål": (
        "Canteen operation at Rikshospitalet and Ullevål",
        "Operation of staff canteens with organic and local produce and less food waste.", ()),
    "Pasienttransport med drosje i Oslo og Akershus": (
        "Patient transport by taxi in Oslo and Akershus",
        "Patient journeys by taxi and adapted transport.", ()),
    "Bærbare PC-er til elever i ungdomsskolen": (
        "Laptops for lower secondary pupils",
        "Purchase of 6,000 laptops with software, service and a reuse scheme.", ()),
    "Transformatorer til Sogndal stasjon": (
        "Transformers for Sogndal substation",
        "Delivery of two 420/132 kV power transformers.", ()),
    "Arkitekttjenester for ny videregående skole i Tromsø": (
        "Architectural services for a new upper secondary school in Tromsø",
        "Design of a new upper secondary school for 900 pupils to passive house standard.", ()),
}
# The fewest candidates each two-stage demo procedure invites.
CANDIDATES = {"restricted": 5, "neg-w-call": 3}


def contact_details(name: str) -> dict[str, str]:
    return dict(CONTACTS.get(name, {}))


def notice_extras(*, title: str, procedure: str, lot_count: int, competition: bool,
                  planned: date | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(extra notice fields, extra fields per lot) for one demo notice."""
    fields: dict[str, Any] = {}
    if not competition:
        fields["planned_notice_date"] = planned
    if competition:
        fields.update(duration_months=48 if "riksveg" in title else 24)
        if procedure in ("open", "oth-single"):
            fields["tender_validity_days"] = 90
        if procedure in CANDIDATES:
            fields["candidates_min"] = CANDIDATES[procedure]
        if lot_count > 1:
            fields["max_lots_submitted"] = lot_count
    english = ENGLISH.get(title)
    lots: list[dict[str, Any]] = [{} for _ in range(lot_count)]
    if english:
        fields.update(title_en=english[0], description_en=english[1])
        for index, lot_title in enumerate(english[2][:lot_count]):
            lots[index]["title_en"] = lot_title
    return fields, lots
