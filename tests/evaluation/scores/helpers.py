"""Small helpers for the scoring tests: fill a member's sheet, agree a consensus."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import User
from evaluation.scores import services
from evaluation.scores.services import ScoreInput
from tests.evaluation.scores.conftest import Lot

REASON = "Godt beskrevet gjennomføring med tydelig bemanning og plan."


def fill(lot: Lot, member: User, points: dict[tuple[int, int], float] | None = None,
         default: float = 6) -> None:
    """Save a complete draft: points[(offer index, criterion index)] or `default`."""
    rows = [ScoreInput(submission_id=str(offer.pk), criterion_id=c.pk,
                       points=str((points or {}).get((i, j), default)), reason=REASON)
            for i, offer in enumerate(lot.offers) for j, c in enumerate(lot.points)]
    services.scores_save(evaluation=lot.evaluation, by=member, scores=rows)


def score_all(lot: Lot, sheets: dict[int, dict[tuple[int, int], float]] | None = None) -> None:
    """Every member fills and submits (sheets[member index] overrides points)."""
    for m, member in enumerate(lot.members):
        fill(lot, member, (sheets or {}).get(m))
        services.scores_submit(evaluation=lot.evaluation, by=member)


def prices(lot: Lot, amounts: list[str]) -> None:
    for offer, amount in zip(lot.offers, amounts, strict=True):
        services.price_record(evaluation=lot.evaluation, submission_id=offer.pk,
                              criterion_id=lot.price.pk, amount=amount,
                              document="tilbud.pdf", by=lot.officer)


def agree(lot: Lot, points: dict[tuple[int, int], float]) -> None:
    for i, offer in enumerate(lot.offers):
        for j, c in enumerate(lot.points):
            services.consensus_record(
                evaluation=lot.evaluation, submission_id=offer.pk, criterion_id=c.pk,
                points=Decimal(str(points.get((i, j), 6))),
                justification="Komiteen er enig etter gjennomgang av besvarelsene.",
                by=lot.officer)


def scoring_world(notice: object, officer: User, member: User) -> None:
    """For tests/test_route_matrix.py: the closed notice's lot 0 at the scoring step, with
    published award criteria (tests.evaluation.scores.conftest.add_criteria, called on the
    draft before publication), the officer and one member cleared by declaration."""
    from tests.evaluation.scores.conftest import declare, start_scoring

    declare(notice, officer)  # type: ignore[arg-type]
    declare(notice, member)  # type: ignore[arg-type]
    start_scoring(notice, officer)  # type: ignore[arg-type]
