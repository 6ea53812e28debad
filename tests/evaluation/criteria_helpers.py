"""Evaluation models for the criteria tests: plain dicts as the API and the services take them."""

from __future__ import annotations

from typing import Any

CRITERIA_CODE = "quality-nor-env-criteria"


def price(weight: Any = "40", method: str = "price_linear", **extra: Any) -> dict[str, Any]:
    return {"kind": "price", "name": "Pris", "method": method, "weight": weight,
            "description": "Samlet pris for de oppgitte mengdene i prisskjemaet.", **extra}


def quality(weight: Any = "30", **extra: Any) -> dict[str, Any]:
    return {"kind": "quality", "name": "Kvalitet", "method": "points", "weight": weight,
            "description": "Gjennomføringsplan og bemanning.",
            "scale": "0: ikke besvart; 5: tilfredsstillende; 10: svært godt.", **extra}


def climate(weight: Any = "30", **extra: Any) -> dict[str, Any]:
    return {"kind": "climate", "name": "Klima og miljø", "method": "points", "weight": weight,
            "description": "Utslippsfrie kjøretøy og maskiner i kontraktsperioden.",
            "scale": "0: fossile kjøretøy; 10: alle kjøretøy utslippsfrie.", **extra}


def terms(option: str = CRITERIA_CODE, justification: str = "", basis: str = "best_ratio",
          by_priority: bool = False) -> dict[str, Any]:
    return {"basis": basis, "by_priority": by_priority, "climate_option": option,
            "climate_justification": justification}


def weighted(price_weight: Any = "40", quality_weight: Any = "30",
             climate_weight: Any = "30") -> list[dict[str, Any]]:
    return [price(price_weight), quality(quality_weight), climate(climate_weight)]


def requirement(**extra: Any) -> dict[str, Any]:
    return {"category": "economic", "title": "Tilfredsstillende økonomisk kapasitet",
            "description": "Leverandøren skal ha en økonomisk stabilitet som gjør at den kan "
                           "gjennomføre kontrakten.",
            "documentation": "Årsregnskap for de to siste årene og kredittvurdering.",
            "espd_code": "", **extra}


def lot_body(lot_number: int = 0, **overrides: Any) -> dict[str, Any]:
    """One lot as the API's PUT takes it."""
    return {"lot_number": lot_number, **terms(), "criteria": weighted(), **overrides}
