"""The ethical-trade terms on a notice: offered only for high-risk CPV codes, frozen into the
published version, shown on the public page, changed after publication only by a change
notice."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.ethics import services
from evaluation.ethics.models import EthicalTerms, NoticeEthicalTerms
from notices.models import Notice, NoticeEvent, NoticeEventKind
from notices.services import notice_publish

pytestmark = pytest.mark.django_db
TEXTILES = {"cpv_main": "18100000", "title": "Arbeidsklær til driftsavdelingen"}


def _new_edition() -> EthicalTerms:
    old = EthicalTerms.objects.get(key="ethical-trade", version=1)
    return EthicalTerms.objects.create(
        key=old.key, version=2, title_nb="Nye vilkår", title_en="New terms", text_nb="Ny tekst",
        text_en="New text", self_report_months=6, source=old.source,
        valid_from=datetime.date(2026, 1, 2))


def test_the_terms_are_offered_only_for_high_risk_codes(make_notice: Callable[..., Notice],
                                                        officer: Any) -> None:
    works = make_notice(publish=False)
    assert services.terms_offer(works, on=timezone.localdate()) is None
    with pytest.raises(Conflict):
        services.ethical_terms_choose(notice=works, by=officer)
    assert not NoticeEthicalTerms.objects.exists()
    clothes = make_notice(publish=False, **TEXTILES)
    offer = services.terms_offer(clothes, on=timezone.localdate())
    assert offer is not None and offer[0].code == "textiles" and offer[1].version == 1


def test_chosen_terms_are_frozen_into_the_published_version(
        make_notice: Callable[..., Notice], officer: Any, other_officer: Any) -> None:
    draft = make_notice(publish=False, **TEXTILES)
    with pytest.raises(Forbidden):
        services.ethical_terms_choose(notice=draft, by=other_officer)
    chosen, version = services.ethical_terms_choose(notice=draft, by=officer)
    assert version is None and chosen.terms.version == 1
    assert NoticeEvent.objects.filter(notice=draft, kind=NoticeEventKind.DRAFT_UPDATED,
                                      data__fields=["ethical_terms"]).exists()
    published = notice_publish(notice=draft, by=officer)
    snapshot = published.versions.get(number=1).snapshot["ethical_terms"]
    assert snapshot["key"] == "ethical-trade" and snapshot["version"] == 1
    assert snapshot["category"] == "textiles" and len(snapshot["text_sha256"]) == 64
    # A later edition changes nothing in what the notice published.
    _new_edition()
    published.refresh_from_db()
    assert published.versions.get(number=1).snapshot["ethical_terms"] == snapshot
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/notices/{published.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Contract terms for ethical trade" in body and "version 1" in body
    assert "Textiles, clothing and footwear" in body


def test_a_published_notice_changes_its_terms_only_by_a_change_notice(
        make_notice: Callable[..., Notice], officer: Any) -> None:
    notice = make_notice(**TEXTILES)
    with pytest.raises(ApplicationError) as exc:
        services.ethical_terms_choose(notice=notice, by=officer)
    assert "reason" in exc.value.fields
    _chosen, version = services.ethical_terms_choose(notice=notice, by=officer,
                                                     reason="Vilkår for etisk handel.")
    assert version is not None and version.number == 2
    assert [c["field"] for c in version.diff] == ["ethical_terms"]
    removed = services.ethical_terms_remove(notice=notice, by=officer, reason="Ved en feil.")
    assert removed is not None and removed.snapshot["ethical_terms"] is None


def test_the_workspace_page_and_the_api(make_notice: Callable[..., Notice], officer: Any,
                                        supplier_user: Any, api_for: Any) -> None:
    draft = make_notice(publish=False, **TEXTILES)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    url = f"/workspace/notices/{draft.pk}/ethical-trade/"
    page = client.get(url)
    assert page.status_code == 200 and b"Add the terms to the notice" in page.content
    assert client.post(url, {"action": "choose"}).status_code == 302
    assert NoticeEthicalTerms.objects.filter(notice=draft).exists()
    api = api_for(officer)
    answer = api.get(f"/api/notices/{draft.pk}/ethical-terms")
    assert answer.status_code == 200 and answer.json()["chosen"]["version"] == 1
    assert api.delete(f"/api/notices/{draft.pk}/ethical-terms").status_code == 200
    assert not NoticeEthicalTerms.objects.filter(notice=draft).exists()
    assert api.put(f"/api/notices/{draft.pk}/ethical-terms", {},
                   format="json").json()["chosen"]["key"] == "ethical-trade"
    assert api.delete(f"/api/notices/{draft.pk}/ethical-terms").status_code == 200
    assert api.delete(f"/api/notices/{draft.pk}/ethical-terms").status_code == 409
    assert api_for(supplier_user).get(
        f"/api/notices/{draft.pk}/ethical-terms").status_code == 404
    works = make_notice(publish=False)
    refused = client.post(f"/workspace/notices/{works.pk}/ethical-trade/", {"action": "choose"})
    assert refused.status_code == 409 and b"not in a high-risk category" in refused.content
