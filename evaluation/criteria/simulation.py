"""The simulator: hypothetical offers scored and ranked under a lot's model before publishing.

Nothing is stored. Offers name their values by criterion position (1, 2, …) as the notice
lists the criteria; the engine (evaluation.scoring) does the arithmetic exactly as it will
for the committee.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from backend.errors import ApplicationError
from evaluation.criteria.selectors import award_criteria_of, scoring_model_of
from evaluation.scoring import Offer, Result, ScoringError, score
from notices.models import Notice

MAX_OFFERS = 50


@dataclass(frozen=True)
class Simulation:
    lot_number: int
    result: Result
    # Criterion key (str(pk)) -> position; offer key -> the name given.
    positions: dict[str, int]
    names: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {
            "lot_number": self.lot_number, "basis": self.result.basis,
            "mode": self.result.mode,
            "rows": [{
                "name": self.names[row.offer_key], "rank": row.rank,
                "scores": {str(self.positions[key]): value for key, value in row.scores.items()},
                "total": row.total, "evaluated_price": row.evaluated_price, "price": row.price,
            } for row in self.result.rows],
            "tie_break_notes": [note.text for note in self.result.tie_break_notes],
            "tie_break_rule": self.result.tie_break_rule,
        }


def _number(value: Any, *, field: str) -> float:
    if isinstance(value, bool):
        raise ApplicationError(_("A number is expected."), fields={field: [_("A number.")]})
    try:
        number = float(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        raise ApplicationError(_("“%(value)s” is not a number.") % {"value": value},
                               fields={field: [_("A number.")]}) from None
    if not math.isfinite(number):
        raise ApplicationError(_("“%(value)s” is not a number.") % {"value": value},
                               fields={field: [_("A number.")]})
    return number


def simulate(*, notice: Notice, lot_number: Any, offers: Any) -> Simulation:
    """Score `offers` ([{"name", "values": {position: amount or points}}]) under the lot's
    model. Raises ApplicationError naming the offer and the criterion at fault."""
    if not isinstance(offers, list) or not offers:
        raise ApplicationError(_("Enter at least one offer."),
                               fields={"offers": [_("At least one offer.")]})
    if len(offers) > MAX_OFFERS:
        raise ApplicationError(_("At most %(n)s offers.") % {"n": MAX_OFFERS},
                               fields={"offers": [_("Too many offers.")]})
    try:
        number = int(str(lot_number if lot_number not in (None, "") else 0))
    except ValueError:
        raise ApplicationError(_("Give the lot number."),
                               fields={"lot_number": [_("A lot number.")]}) from None
    model = scoring_model_of(notice, number)
    rows = list(award_criteria_of(notice, number).order_by("position"))
    by_position = {row.position: str(row.pk) for row in rows}
    built: list[Offer] = []
    names: dict[str, str] = {}
    for index, offer in enumerate(offers):
        at = f"offers[{index}]"
        if not isinstance(offer, dict) or not isinstance(offer.get("values"), dict):
            raise ApplicationError(_("Offer %(n)s needs its values by criterion.")
                                   % {"n": index + 1}, fields={at: [_("Values expected.")]})
        name = str(offer.get("name") or "").strip()[:100] or chr(ord("A") + index % 26)
        values: dict[str, float] = {}
        for raw_key, raw_value in offer["values"].items():
            try:
                position = int(str(raw_key))
            except ValueError:
                position = -1
            if position not in by_position:
                raise ApplicationError(
                    _("Offer “%(name)s”: the lot has no criterion %(key)s.")
                    % {"name": name, "key": raw_key}, fields={f"{at}.values": [_("Unknown "
                                                                               "criterion.")]})
            values[by_position[position]] = _number(raw_value, field=f"{at}.values.{position}")
        key = f"offer-{index + 1}"
        names[key] = name
        built.append(Offer(key=key, values=values))
    try:
        result = score(model, built, seed=f"simulation:{notice.reference}:{number}")
    except ScoringError as exc:
        at_fault = {v: k for k, v in by_position.items()}.get(exc.criterion_key or "")
        offer_name = names.get(exc.offer_key or "", "")
        if offer_name and at_fault:
            message = _("Offer “%(name)s”, criterion %(n)s: the value cannot be scored (a price "
                        "above NOK 0, or points between 0 and 10).") % {"name": offer_name,
                                                                       "n": at_fault}
        else:
            message = _("The offers cannot be scored under this model: %(why)s") % {
                "why": exc.message}
        raise ApplicationError(message, fields={"offers": [message]}) from None
    return Simulation(lot_number=number, result=result,
                      positions={v: k for k, v in by_position.items()}, names=names)
