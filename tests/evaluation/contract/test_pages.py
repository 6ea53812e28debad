"""The officer's contract page and the API: what each actor gets, and that the forms and
endpoints do what the services do."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanySize, Organization
from backend.clock import db_now
from evaluation.award.models import Contract, Suspension
from tests.conftest import api_client_for
from tests.evaluation.contract.conftest import Awarded, pdf, send_decision

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _lot_url(awarded: Awarded, name: str = "contract:lot") -> str:
    return reverse(name, kwargs={"pk": awarded.notice.pk, "lot": 0})


def _form(awarded: Awarded, data: bytes = b"%PDF signert") -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    return {"supplier": str(awarded.winner.pk), "title": "Rammeavtale", "value": "1 200 000,50",
            "signed_on": today, "starts_on": today, "duration_months": "24",
            "document": pdf(data)}


def test_the_officer_sees_the_standstill_and_signs(awarded: Awarded) -> None:
    client = _client(awarded.officer)
    page = client.get(_lot_url(awarded))
    assert page.status_code == 200
    text = page.content.decode()
    assert "End of the standstill period" in text and "(Norwegian time)" in text
    assert "the contract may be signed" in text
    assert 'id="contract-form"' in text
    data = b"%PDF signert kontrakt"
    response = client.post(_lot_url(awarded, "contract:sign"), _form(awarded, data))
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get()
    assert contract.document_sha256 == hashlib.sha256(data).hexdigest()
    text = client.get(_lot_url(awarded)).content.decode()
    assert contract.document_sha256[:16] in text
    download = client.get(reverse("contract:document", kwargs={
        "pk": awarded.notice.pk, "contract_id": contract.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert "Open the award notice" in text


def test_signing_before_the_end_shows_when_it_is_allowed(cleared: Any) -> None:
    end = db_now() + timedelta(days=4)
    decision = send_decision(cleared.notice, cleared.officer, winners=[cleared.bids[0]],
                             standstill_end=end)
    awarded = Awarded(cleared, decision)
    client = _client(cleared.officer)
    text = client.get(_lot_url(awarded)).content.decode()
    assert "may be signed from" in text
    response = client.post(_lot_url(awarded, "contract:sign"), _form(awarded))
    assert response.status_code == 409
    assert "may be signed from" in response.content.decode()
    assert not Contract.objects.exists()


def test_bad_values_are_shown_next_to_the_field(awarded: Awarded) -> None:
    form = _form(awarded)
    form["value"] = "0"
    response = _client(awarded.officer).post(_lot_url(awarded, "contract:sign"), form)
    assert response.status_code == 400
    assert "Must be more than 0." in response.content.decode()


def test_complaint_recorded_and_lifted_on_the_page(awarded: Awarded) -> None:
    client = _client(awarded.officer)
    response = client.post(_lot_url(awarded, "contract:suspension-record"), {
        "kind": "complaint", "complainant": "Nordlys Renhold AS", "description": "Klage.",
        "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    text = client.get(_lot_url(awarded)).content.decode()
    assert "Signing suspended" in text and "Nordlys Renhold AS" in text
    assert client.post(_lot_url(awarded, "contract:sign"), _form(awarded)).status_code == 409
    lift = reverse("contract:suspension-lift", kwargs={
        "pk": awarded.notice.pk, "lot": 0, "suspension_id": suspension.pk})
    assert client.post(lift, {"reason": ""}).status_code == 400
    assert client.post(lift, {"reason": "Avvist."}).status_code == 302
    assert client.post(_lot_url(awarded, "contract:sign"), _form(awarded)).status_code == 302


def test_who_sees_and_who_acts(awarded: Awarded, other_officer: Any, supplier_user: Any,
                               stranger: Any) -> None:
    url = _lot_url(awarded)
    assert _client(awarded.tender.member).get(url).status_code == 200
    assert 'id="contract-form"' not in _client(awarded.tender.member).get(url).content.decode()
    # A committee member who has not declared impartiality: refused.
    assert _client(awarded.tender.members[1]).get(url).status_code == 403
    for outsider in (other_officer, supplier_user, stranger):
        assert _client(outsider).get(url).status_code == 404
    assert _client(None).get(url).status_code == 302
    sign = _lot_url(awarded, "contract:sign")
    assert _client(awarded.tender.member).post(sign, _form(awarded)).status_code == 403
    assert _client(supplier_user).post(sign, _form(awarded)).status_code == 404
    assert not Contract.objects.exists()


def test_the_overview_links_to_the_contract_page(awarded: Awarded) -> None:
    text = _client(awarded.officer).get(
        reverse("evaluation:overview", kwargs={"pk": awarded.notice.pk})).content.decode()
    assert _lot_url(awarded) in text


def test_the_api(awarded: Awarded, supplier_user: Any) -> None:
    api = api_client_for(awarded.officer)
    base = f"/api/notices/{awarded.notice.pk}/award/"
    status = api.get(base + "lots/0/contract")
    assert status.status_code == 200
    assert status.json()["standstill_over"] is True
    assert status.json()["signing_refused"] == ""
    recorded = api.post(base + "lots/0/contract/suspensions", {
        "kind": "injunction", "complainant": "Bergen tingrett", "description": "Forføyning.",
        "received_on": timezone.localdate().isoformat()}, format="json")
    assert recorded.status_code == 201
    data = b"%PDF api"
    form = {"supplier": awarded.winner.pk, "title": "Avtale", "value": "1000",
            "signed_on": timezone.localdate().isoformat(),
            "starts_on": timezone.localdate().isoformat(), "document": pdf(data)}
    refused = api.post(base + "lots/0/contract/sign", form, format="multipart")
    assert refused.status_code == 409
    assert "suspended" in str(refused.json())
    lifted = api.post(base + f"suspensions/{recorded.json()['id']}/lift",
                      {"reason": "Opphevet."}, format="json")
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    form["document"] = pdf(data)
    signed = api.post(base + "lots/0/contract/sign", form, format="multipart")
    assert signed.status_code == 201, signed.content
    assert signed.json()["document_sha256"] == hashlib.sha256(data).hexdigest()
    document = api.get(base + f"contracts/{signed.json()['id']}/document")
    assert document.status_code == 200
    assert b"".join(document.streaming_content) == data
    again = api.post(base + "notice", format="json")
    assert again.status_code == 409
    assert api_client_for(supplier_user).get(base + "lots/0/contract").status_code == 404
    assert api_client_for(awarded.tender.member).post(base + "notice").status_code == 403


def test_the_api_publishes_a_no_award_notice(cleared: Any) -> None:
    send_decision(cleared.notice, cleared.officer, outcome="no_award",
                  no_award_reason="Ingen tilbud innenfor budsjett.")
    response = api_client_for(cleared.officer).post(
        f"/api/notices/{cleared.notice.pk}/award/notice")
    assert response.status_code == 201
    body = response.json()
    assert body["award_for"] == cleared.notice.pk
    assert body["results"][0]["no_award_reason"] == "Ingen tilbud innenfor budsjett."
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("notices:detail", args=[body["id"]])).content.decode()
    assert "No award" in page and "Ingen tilbud innenfor budsjett." in page


def test_a_supplier_sets_its_company_size(supplier: Organization, supplier_user: Any,
                                          other_supplier_user: Any) -> None:
    url = reverse("accounts:company-size", kwargs={"org_id": supplier.pk})
    members = reverse("accounts:members", kwargs={"org_id": supplier.pk})
    assert 'id="company-size-form"' in _client(supplier_user).get(members).content.decode()
    assert _client(supplier_user).post(url, {"company_size": "small"}).status_code == 302
    supplier.refresh_from_db()
    assert supplier.company_size == CompanySize.SMALL
    assert _client(supplier_user).post(url, {"company_size": "huge"}).status_code == 302
    supplier.refresh_from_db()
    assert supplier.company_size == CompanySize.SMALL
    assert _client(other_supplier_user).post(url, {"company_size": "large"}).status_code == 404
    from accounts.models import AccountEvent

    assert AccountEvent.objects.filter(organization=supplier,
                                       kind="organization.updated").count() == 1


def test_signup_takes_the_company_size(db: Any) -> None:
    from accounts import services
    from tests.conftest import make_org_number

    membership = services.supplier_signup(name="Liten AS", email="a@liten.example",
                                          password="Sv2rt-hemmelig-ord", full_name="A",
                                          org_number=make_org_number(77), country="NO",
                                          company_size="micro")
    assert membership.organization.company_size == CompanySize.MICRO
