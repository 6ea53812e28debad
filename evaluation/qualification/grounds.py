"""Where each rejection ground stands in the regulation, per regime of the notice.

Part III (above the EEA thresholds): FOA § 24-2 (the supplier: qualification requirements,
exclusion grounds, misleading information), § 24-8 (the tender: late, substantial deviations,
ambiguities) and § 24-9 (abnormally low tenders). Part II (national procedures): FOA § 9-5,
which holds both kinds. Part I and below: no rejection paragraph; the basic principles of the
Public Procurement Act § 4 apply. Sources in docs/qualification.md.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from evaluation.qualification.models import RejectionGround
from notices.rules.models import Regime

PART_III: dict[str, str] = {
    RejectionGround.LATE: "FOA § 24-8",
    RejectionGround.NOT_QUALIFIED: "FOA § 24-2",
    RejectionGround.DOCUMENTATION_MISSING: "FOA § 24-2",
    RejectionGround.EXCLUSION_GROUND: "FOA § 24-2",
    RejectionGround.FALSE_INFORMATION: "FOA § 24-2",
    RejectionGround.SUBSTANTIAL_DEVIATION: "FOA § 24-8",
    RejectionGround.AMBIGUITY: "FOA § 24-8",
    RejectionGround.ABNORMALLY_LOW: "FOA § 24-9",
}
PART_II: dict[str, str] = {ground: "FOA § 9-5" for ground in RejectionGround.values}
BASIC_PRINCIPLES = "LOA § 4"


def paragraph_for(ground: str, regime: str) -> str:
    """The paragraph a rejection on `ground` is made under, for a notice of `regime`."""
    if regime == Regime.PART_III:
        return PART_III[ground]
    if regime == Regime.PART_II:
        return PART_II[ground]
    return BASIC_PRINCIPLES


def grounds_with_paragraphs(regime: str) -> list[tuple[str, str, str]]:
    """(value, label, paragraph) of every ground, in the enumeration's order."""
    return [(value, str(label), paragraph_for(value, regime))
            for value, label in RejectionGround.choices]


def paragraph_explained(paragraph: str) -> str:
    if paragraph == BASIC_PRINCIPLES:
        return _("the basic principles of the Public Procurement Act § 4 (equal treatment, "
                 "predictability and verifiability)")
    return _("the Public Procurement Regulation (anskaffelsesforskriften) %(paragraph)s") % {
        "paragraph": paragraph.removeprefix("FOA ")}
