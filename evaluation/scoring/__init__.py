"""The scoring engine of the evaluation: pure Python, no Django.

The Django side (award criteria on the notice, the committee's consensus scores) builds a
`Model` and `Offer`s and calls `score`, `sensitivity`, `divergence` and `abnormally_low`.
See `ranking` for the ranking rule, the tie-break (`TIE_BREAK_RULE`) and the rounding,
`methods` for the formulas, `sensitivity` and `flags` for the checks shown to the committee.
"""

from __future__ import annotations

from .flags import Divergence, LowFlag, LowReason, abnormally_low, divergence
from .methods import points_score, price_score, price_scores
from .model import (
    Basis,
    Criterion,
    Kind,
    Method,
    Model,
    Offer,
    ScoringError,
    check_model,
    validate_model,
    validate_offers,
)
from .ranking import (
    DISPLAY_DECIMALS_NOK,
    DISPLAY_DECIMALS_POINTS,
    TIE_BREAK_RULE,
    RankingMode,
    Result,
    Row,
    TieNote,
    draw_hash,
    rank,
    ranking_mode,
    score,
)
from .sensitivity import (
    THRESHOLD_REASONS,
    PriceThreshold,
    RankReversal,
    Sensitivity,
    WeightMove,
    sensitivity,
)

__all__ = [
    "DISPLAY_DECIMALS_NOK",
    "DISPLAY_DECIMALS_POINTS",
    "THRESHOLD_REASONS",
    "TIE_BREAK_RULE",
    "Basis",
    "Criterion",
    "Divergence",
    "Kind",
    "LowFlag",
    "LowReason",
    "Method",
    "Model",
    "Offer",
    "PriceThreshold",
    "RankReversal",
    "RankingMode",
    "Result",
    "Row",
    "ScoringError",
    "Sensitivity",
    "TieNote",
    "WeightMove",
    "abnormally_low",
    "check_model",
    "divergence",
    "draw_hash",
    "points_score",
    "price_score",
    "price_scores",
    "rank",
    "ranking_mode",
    "score",
    "sensitivity",
    "validate_model",
    "validate_offers",
]
