"""Shared helpers of the ESPD tests: the official files (read by path, never copied), a notice
with several kinds of requirements and lots, and the XSD check."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from evaluation.criteria.models import QualificationRequirement
from evaluation.espd import schema
from notices.models import Notice

ESPD = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "espd"
EXAMPLE_RESPONSE = ESPD / "xml-examples" / "ESPD-Response.xml"
EXAMPLE_REQUEST = ESPD / "xml-examples" / "ESPD-Request.xml"
LOTS = [
    {"title": "Snekkerarbeider", "description": "Snekker- og tømrerarbeider.",
     "cpv": "45420000", "estimated_value": "1000000"},
    {"title": "Malerarbeider", "description": "Maling av bygg.", "cpv": "45442100",
     "estimated_value": "800000"},
]


def require_espd_standards() -> None:
    """Skip when ../shared/standards/espd is not checked out beside the repository; under
    CI=true that is a failure, since CI must check against the official schema."""
    if (ESPD / "ubl-2.3").is_dir() and EXAMPLE_RESPONSE.is_file():
        return
    message = f"the ESPD standards are not at {ESPD} (checked out beside the repository)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def espd_standards() -> Path:
    require_espd_standards()
    return ESPD


def xsd_problems(xml: bytes | etree._Element, kind: schema.Kind) -> list[str]:
    root = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    problems = schema.schema_problems(root, kind)
    assert problems is not None, "the XSD must be there for this test"
    return [str(p) for p in problems]


def add_requirements(notice: Notice) -> list[QualificationRequirement]:
    """One of each kind: exclusion grounds for every lot, selection criteria per lot, and one
    requirement without an ESPD criterion. (The criteria services own writing these rows;
    the tests write them directly, as a published notice would carry them.)"""
    rows = [
        dict(category="exclusion", espd_code="crime-org", title="Ikke dømt for deltakelse i en "
             "kriminell organisasjon"),
        dict(category="exclusion", espd_code="tax-pay", title="Skatter og avgifter er betalt",
             documentation="Skatteattest, ikke eldre enn seks måneder"),
        dict(category="suitability", espd_code="trade-regist", title="Registrert i "
             "Foretaksregisteret", documentation="Firmaattest"),
        dict(category="economic", espd_code="gen-year-to", lot_number=1,
             title="Omsetning", description="Minst NOK 5 millioner per år siste tre år"),
        dict(category="technical", espd_code="work-perform", title="Erfaring",
             description="Tre referanseprosjekter av tilsvarende art"),
        dict(category="technical", espd_code="d726bac9-e153-4e75-bfca-c5385587766d",
             lot_number=2, title="Kvalitetssikring", description="ISO 9001 eller tilsvarende"),
        dict(category="technical", espd_code="", title="HMS-egenerklæring"),
    ]
    return [QualificationRequirement.objects.create(notice=notice, position=i, **row)
            for i, row in enumerate(rows, start=1)]


def notice_with_requirements(make_notice: Callable[..., Notice], **kwargs: Any) -> Notice:
    notice = make_notice(lots=LOTS, **kwargs)
    add_requirements(notice)
    return notice
