"""The evaluation model and the offers it scores: plain frozen dataclasses and their checks.

`validate_model` returns the problems of a model as plain English sentences (an empty list means
the model can be used); the Django side shows them when the officer saves or publishes the award
criteria. `validate_offers` raises `ScoringError` naming the offer and the criterion at fault.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

Method = Literal["price_linear", "price_proportional", "price_minmax", "points", "priced_quality"]
Kind = Literal["price", "cost", "quality", "climate"]
Basis = Literal["lowest_price", "lowest_cost", "best_ratio"]

METHODS: tuple[str, ...] = get_args(Method)
KINDS: tuple[str, ...] = get_args(Kind)
BASES: tuple[str, ...] = get_args(Basis)

#: Kinds measured as an amount in NOK (lower is better).
AMOUNT_KINDS: frozenset[str] = frozenset({"price", "cost"})
#: Kinds scored with points by the committee (higher is better).
POINTS_KINDS: frozenset[str] = frozenset({"quality", "climate"})
#: Methods that turn an amount into points out of 10 relative to the other offers.
PRICE_METHODS: frozenset[str] = frozenset({"price_linear", "price_proportional", "price_minmax"})
#: Tolerance on the sum of the weights (100).
WEIGHT_TOLERANCE = 1e-9


class ScoringError(ValueError):
    """A model or an offer that cannot be scored. `str(error)` is a plain English sentence."""

    def __init__(
        self,
        message: str,
        *,
        offer_key: str | None = None,
        criterion_key: str | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.offer_key = offer_key
        self.criterion_key = criterion_key
        self.problems: tuple[str, ...] = tuple(problems) or (message,)


@dataclass(frozen=True)
class Criterion:
    """One award criterion of a lot.

    `weight` is a percentage (the weights of a model sum to 100); `priority` (1 = most important)
    replaces the weights where the procedure ranks the criteria instead. `nok_per_point` is the
    NOK value of one point of a quality or climate criterion in a priced-quality model.
    `max_points` is the top of the points scale of a points criterion (0..max_points).
    """

    key: str
    kind: Kind
    method: Method
    weight: float | None = None
    priority: int | None = None
    nok_per_point: float | None = None
    max_points: float = 10.0


@dataclass(frozen=True)
class Model:
    """The award basis and the criteria, in the order the notice lists them."""

    basis: Basis
    criteria: tuple[Criterion, ...]

    @property
    def is_priced_quality(self) -> bool:
        return any(c.method == "priced_quality" for c in self.criteria)

    @property
    def uses_priorities(self) -> bool:
        return bool(self.criteria) and all(c.priority is not None for c in self.criteria)

    def criterion(self, key: str) -> Criterion:
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class Offer:
    """One offer to score: its key (the submission id) and one value per criterion key.

    A value is an amount in NOK for a price or cost criterion, and the consensus points
    (0..max_points) for a points criterion. Decimals are accepted anywhere a number is and
    turned into floats for the arithmetic.
    """

    key: str
    values: Mapping[str, float]


def is_finite_number(value: object) -> bool:
    """A finite int, float or Decimal (Django's DecimalField); never a bool."""
    if type(value) is float:
        return math.isfinite(value)
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int | float) and math.isfinite(value)


def validate_model(model: Model) -> list[str]:
    """Return the problems of `model` as plain sentences; an empty list means it can be used.

    Checked: at least one criterion; keys present and unique; known kinds and methods; a method
    that fits the kind (price and cost: `price_linear`, `price_proportional`, `price_minmax` or
    `priced_quality`; quality and climate: `points`); a positive points scale; the award basis
    (lowest price: one price criterion; lowest cost: one price or cost criterion; best ratio:
    weights above 0 summing to 100 within 1e-9, or a unique whole-number priority from 1 on
    every criterion and no weights, never a mix); priced quality (one price or cost criterion
    with that method, at least one quality or climate criterion, each with a positive
    `nok_per_point`, no weights or priorities, best-ratio basis); `nok_per_point` only in
    priced quality.
    """
    problems: list[str] = []
    criteria = model.criteria
    if model.basis not in BASES:
        problems.append(
            f"The award basis {model.basis!r} is unknown; use one of {', '.join(BASES)}."
        )
    if not criteria:
        problems.append("The model has no award criteria.")
        return problems

    seen: set[str] = set()
    for c in criteria:
        if not isinstance(c.key, str) or not c.key:
            problems.append("Every criterion needs a key (a non-empty string).")
            continue
        if c.key in seen:
            problems.append(f"Criterion {c.key}: the key is used more than once.")
        seen.add(c.key)
        if c.kind not in KINDS:
            problems.append(
                f"Criterion {c.key}: the kind {c.kind!r} is unknown; use one of {', '.join(KINDS)}."
            )
            continue
        if c.method not in METHODS:
            problems.append(f"Criterion {c.key}: the scoring method {c.method!r} is unknown.")
            continue
        if c.kind in AMOUNT_KINDS and c.method == "points":
            problems.append(
                f"Criterion {c.key}: a {c.kind} criterion is scored by a price formula or by "
                "priced quality, not with points."
            )
        if c.kind in POINTS_KINDS and c.method != "points":
            problems.append(
                f"Criterion {c.key}: a {c.kind} criterion is scored with points, "
                f"not with {c.method}."
            )
        if not is_finite_number(c.max_points) or c.max_points <= 0:
            problems.append(f"Criterion {c.key}: the top of the points scale must be above 0.")
        if c.weight is not None and (not is_finite_number(c.weight) or not 0 < c.weight <= 100):
            problems.append(f"Criterion {c.key}: the weight must be above 0 and at most 100.")
        if c.priority is not None and (
            not isinstance(c.priority, int) or isinstance(c.priority, bool) or c.priority < 1
        ):
            problems.append(f"Criterion {c.key}: the priority must be a whole number from 1.")

    if model.basis == "lowest_price" or model.basis == "lowest_cost":
        problems.extend(_check_lowest(model))
    elif model.is_priced_quality:
        problems.extend(_check_priced_quality(model))
    elif model.basis == "best_ratio":
        problems.extend(_check_best_ratio(model))

    if not model.is_priced_quality:
        for c in criteria:
            if c.nok_per_point is not None:
                problems.append(
                    f"Criterion {c.key}: a NOK value per point is used only in priced quality."
                )
    return problems


def _check_lowest(model: Model) -> list[str]:
    problems: list[str] = []
    allowed = {"price"} if model.basis == "lowest_price" else {"price", "cost"}
    label = "lowest price" if model.basis == "lowest_price" else "lowest cost"
    wanted = "price" if model.basis == "lowest_price" else "price or cost"
    if len(model.criteria) != 1 or model.criteria[0].kind not in allowed:
        problems.append(f"Award on {label} has exactly one criterion, of kind {wanted}.")
        return problems
    c = model.criteria[0]
    if c.method == "priced_quality":
        problems.append(
            f"Criterion {c.key}: priced quality needs the best price-quality ratio basis."
        )
    if c.weight is not None and abs(c.weight - 100) > WEIGHT_TOLERANCE:
        problems.append(f"Criterion {c.key}: the only criterion weighs 100 or has no weight.")
    if c.priority is not None:
        problems.append(f"Criterion {c.key}: award on {label} does not rank criteria.")
    return problems


def _check_priced_quality(model: Model) -> list[str]:
    problems: list[str] = []
    if model.basis != "best_ratio":
        problems.append("Priced quality needs the best price-quality ratio basis.")
    priced = [c for c in model.criteria if c.method == "priced_quality"]
    amounts = [c for c in model.criteria if c.kind in AMOUNT_KINDS]
    if len(priced) != 1 or len(amounts) != 1:
        problems.append(
            "Priced quality has exactly one price or cost criterion, scored by priced quality."
        )
    points = [c for c in model.criteria if c.kind in POINTS_KINDS]
    if not points:
        problems.append("Priced quality needs at least one quality or climate criterion.")
    for c in points:
        if c.nok_per_point is None or not is_finite_number(c.nok_per_point) or c.nok_per_point <= 0:
            problems.append(
                f"Criterion {c.key}: priced quality needs the NOK value of one point (above 0)."
            )
    for c in model.criteria:
        if c.weight is not None or c.priority is not None:
            problems.append(
                f"Criterion {c.key}: priced quality uses no weights or priorities; "
                "the NOK value per point does their work."
            )
    return problems


def _check_best_ratio(model: Model) -> list[str]:
    problems: list[str] = []
    criteria = model.criteria
    weighted = [c for c in criteria if c.weight is not None]
    ranked = [c for c in criteria if c.priority is not None]
    if weighted and ranked:
        problems.append("Use either weights or priorities for all criteria, not both.")
    elif ranked:
        if len(ranked) != len(criteria):
            missing = ", ".join(c.key for c in criteria if c.priority is None)
            problems.append(f"Every criterion needs a priority (missing: {missing}).")
        priorities = [c.priority for c in ranked]
        if len(set(priorities)) != len(priorities):
            problems.append("Two criteria have the same priority; each priority is used once.")
    elif weighted:
        if len(weighted) != len(criteria):
            missing = ", ".join(c.key for c in criteria if c.weight is None)
            problems.append(f"Every criterion needs a weight (missing: {missing}).")
        elif all(is_finite_number(c.weight) for c in weighted):
            total = math.fsum(float(c.weight or 0) for c in weighted)
            if abs(total - 100) > WEIGHT_TOLERANCE:
                problems.append(f"The weights sum to {total:g}, not 100.")
    else:
        problems.append(
            "Best price-quality ratio needs a weight on every criterion, or a priority."
        )
    return problems


def validate_offers(model: Model, offers: Sequence[Offer]) -> None:
    """Raise `ScoringError` at the first offer that cannot be scored under `model`.

    Checked: offer keys present and unique; a value for every criterion and none for an unknown
    one; every value a finite number; an amount above 0 for price and cost criteria; points
    within 0..max_points for points criteria. The model must be valid (`validate_model`).
    """
    criteria = model.criteria
    known = {c.key for c in criteria}
    seen: set[str] = set()
    for offer in offers:
        key = offer.key
        if not isinstance(key, str) or not key:
            raise ScoringError("Every offer needs a key (a non-empty string).")
        if key in seen:
            raise ScoringError(f"Offer {key}: the key is used more than once.", offer_key=key)
        seen.add(key)
        values = offer.values
        for c in criteria:
            if c.key not in values:
                raise ScoringError(
                    f"Offer {key}: no value for criterion {c.key}.",
                    offer_key=key,
                    criterion_key=c.key,
                )
            value = values[c.key]
            if not is_finite_number(value):
                raise ScoringError(
                    f"Offer {key}, criterion {c.key}: the value must be a finite number.",
                    offer_key=key,
                    criterion_key=c.key,
                )
            if c.kind in AMOUNT_KINDS:
                if value <= 0:
                    raise ScoringError(
                        f"Offer {key}, criterion {c.key}: the amount must be above NOK 0.",
                        offer_key=key,
                        criterion_key=c.key,
                    )
            elif not 0 <= value <= c.max_points:
                raise ScoringError(
                    f"Offer {key}, criterion {c.key}: the points must be between 0 and "
                    f"{c.max_points:g}.",
                    offer_key=key,
                    criterion_key=c.key,
                )
        if len(values) != len(criteria):
            unknown = sorted(k for k in values if k not in known)
            if unknown:
                raise ScoringError(
                    f"Offer {key}: criterion {unknown[0]} is not in the model.",
                    offer_key=key,
                    criterion_key=unknown[0],
                )


def check_model(model: Model) -> None:
    """Raise `ScoringError` listing every problem of `model`, if it has any."""
    problems = validate_model(model)
    if problems:
        raise ScoringError(" ".join(problems), problems=problems)
