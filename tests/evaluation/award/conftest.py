"""A ranked lot for the award tests (tests/evaluation/scores: three opened bids, the
committee scored, consensus agreed, ranking computed).

Prices A 1 000 000, B 1 100 000, C 900 000; quality A 8, B 5, C 6 (climate 6 for all):
A ranks first (7.956), C second (7.6, the cheapest), B third (6.311). So the winner is not
the cheapest offer: the letter needs a justification of the higher price.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from evaluation.scores import services as scores
from tests.evaluation.scores.conftest import Lot, make_lot  # noqa: F401 (fixture)
from tests.evaluation.scores.helpers import agree, prices, score_all

AMOUNTS = ["1000000", "1100000", "900000"]
POINTS = {(0, 0): 8, (1, 0): 5}


def rank(lot: Lot, amounts: list[str] | None = None,
         points: dict[tuple[int, int], float] | None = None) -> Lot:
    prices(lot, amounts or AMOUNTS)
    score_all(lot)
    agree(lot, POINTS if points is None else points)
    scores.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)
    lot.evaluation.refresh_from_db()
    lot.evaluation.notice = lot.notice
    return lot


@pytest.fixture
def ranked(make_lot: Callable[..., Lot],  # noqa: F811 (the fixture)
           django_capture_on_commit_callbacks: Any) -> Lot:
    return rank(make_lot())
