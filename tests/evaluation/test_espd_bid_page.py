"""The bid page carries the ESPD section when the notice asks for an ESPD: the questions of
the request, the build and check routes, and the ESPD module pinned like the sealing code."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Organization, User
from notices.models import Notice
from tests.bids.test_opening import setup_tender
from tests.evaluation.espd_support import add_requirements, espd_standards  # noqa: F401

pytestmark = pytest.mark.django_db
MODULE = Path(__file__).resolve().parents[2] / "evaluation" / "static" / "espd" / "bid_espd.js"


def page(user: User, notice: Notice) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(f"/bids/notices/{notice.pk}/bid/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_asks_the_espd_questions_on_the_bid_page(
        make_notice: Callable[..., Notice], officer: User, authority: Organization,
        supplier_user: User,
        espd_standards: Path) -> None:  # noqa: F811
    tender = setup_tender(make_notice, officer, authority)
    add_requirements(tender.notice)
    html = page(supplier_user, tender.notice)
    assert 'id="espd-section"' in html
    assert f'data-build-url="/api/notices/{tender.notice.pk}/espd-response/build"' in html
    assert 'data-espd-id="C1_EG_crime-org/QG1/Q1"' in html
    assert "requirement: Skatter og avgifter er betalt — Dokumentasjon" in html
    # The ESPD module sees the answers before sealing: pinned by the import map like ETB-1.
    found = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None
    pins = json.loads(found.group(1))["integrity"]
    digest = base64.b64encode(hashlib.sha384(MODULE.read_bytes()).digest()).decode()
    assert pins["/static/espd/bid_espd.js"] == f"sha384-{digest}"


def test_it_leaves_the_section_out_when_no_espd_is_asked_for(
        make_notice: Callable[..., Notice], officer: User, authority: Organization,
        supplier_user: User) -> None:
    tender = setup_tender(make_notice, officer, authority)
    assert 'id="espd-section"' not in page(supplier_user, tender.notice)


def test_it_lists_the_espd_module_among_the_published_script_hashes(client: Client) -> None:
    listed = {item["path"]: item for item in client.get("/api/scripts/").json()["scripts"]}
    assert listed["espd/bid_espd.js"]["sha256"] == hashlib.sha256(MODULE.read_bytes()).hexdigest()
