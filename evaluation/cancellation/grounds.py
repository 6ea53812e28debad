"""The objective reasons (saklig grunn) a competition may be cancelled for, and the paragraph
each regime cites: FOA § 25-4 (Part III), FOA § 10-4 (Part II); below the national threshold
the basic principles of the Public Procurement Act § 4. The list follows the typical grounds
in the guidance (DFØ, KOFA practice); "other" needs the reasons to carry the weight. The
values are stored in the cancellation event: never rename one. Sources in docs/protocol.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from notices.rules.models import Regime


class CancellationGround(models.TextChoices):
    NO_TENDERS = "no_tenders", _("No tenders were received")
    NO_ACCEPTABLE = "no_acceptable", _(
        "No acceptable or suitable tenders (all rejected or none fits the need)")
    FUNDING = "funding", _("The tenders exceed the available funding")
    CHANGED_NEEDS = "changed_needs", _("The need has changed or fallen away")
    ERRORS = "errors", _(
        "Errors in the competition documents or the procedure that cannot be corrected")
    OTHER = "other", _("Another objective reason, described in the reasons")


def cancellation_paragraph(regime: str) -> str:
    if regime == Regime.PART_III:
        return "FOA § 25-4"
    if regime == Regime.PART_II:
        return "FOA § 10-4"
    return "LOA § 4"
