"""The follow-up pages and API for each actor: the owning authority's officer, another
authority's officer, the contracted supplier, another supplier, anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from evaluation.ethics.models import FollowUpPlan, ReportStatus, SelfReport
from tests.evaluation.ethics.conftest import REPORT

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_who_sees_the_plan(plan: FollowUpPlan, officer: Any, other_officer: Any,
                           supplier_user: Any, other_supplier_user: Any, api_for: Any) -> None:
    url, api_url = f"/follow-ups/{plan.pk}/", f"/api/follow-ups/{plan.pk}"
    for user, web, api in ((officer, 200, 200), (supplier_user, 200, 200),
                           (other_officer, 404, 404), (other_supplier_user, 404, 404)):
        assert _client(user).get(url).status_code == web, user
        assert api_for(user).get(api_url).status_code == api, user
    anonymous = _client(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert api_for(None).get(api_url).status_code == 401
    assert [p["id"] for p in api_for(supplier_user).get("/api/follow-ups").json()] == [plan.pk]
    assert api_for(other_supplier_user).get("/api/follow-ups").json() == []
    page = _client(supplier_user).get(url).content.decode()
    assert 'id="report-form"' in page and 'id="review-form"' not in page
    # The contract page links to the plan.
    contract_page = _client(officer).get(
        f"/evaluation/notices/{plan.contract.notice_id}/lots/0/contract/")
    assert contract_page.status_code == 200
    body = contract_page.content.decode()
    # (The fixture put the terms on the row after publication, so the published terms
    # section is not there; test_terms.py checks it on the notice page.)
    assert f"/follow-ups/{plan.pk}/" in body and "Ethical-trade follow-up of the contract" in body


def test_the_supplier_reports_and_the_officer_reviews_on_the_web(
        plan: FollowUpPlan, officer: Any, supplier_user: Any) -> None:
    supplier = _client(supplier_user)
    form = {"policies": REPORT["policies"], "risk_analysis": REPORT["risk_analysis"],
            "chain_count": "2", "chain-0-name": "Dhaka Garments Ltd", "chain-0-country": "BD",
            "chain-0-produces": "Sying", "chain-1-name": "", "chain-1-country": "",
            "chain-1-produces": ""}
    bad = supplier.post(f"/follow-ups/{plan.pk}/report/",
                        {**form, "chain-0-country": "Bangladesh", "action": "submit"})
    assert bad.status_code == 400 and b"two-letter code" in bad.content
    assert not SelfReport.objects.filter(plan=plan).exists()
    assert supplier.post(f"/follow-ups/{plan.pk}/report/",
                         {**form, "action": "submit"}).status_code == 302
    report = SelfReport.objects.get(plan=plan)
    assert report.status == ReportStatus.SUBMITTED and len(report.supply_chain) == 1
    # The supplier cannot review; the officer can.
    assert supplier.post(f"/follow-ups/{plan.pk}/review/",
                         {"outcome": "accepted"}).status_code == 403
    officer_client = _client(officer)
    page = officer_client.get(f"/follow-ups/{plan.pk}/").content.decode()
    assert "Dhaka Garments Ltd" in page and 'id="review-form"' in page
    assert officer_client.post(f"/follow-ups/{plan.pk}/review/",
                               {"outcome": "accepted"}).status_code == 302
    assert officer_client.post(f"/follow-ups/{plan.pk}/close/", {}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "closed"


def test_the_api_flow_and_its_errors(plan: FollowUpPlan, officer: Any, supplier_user: Any,
                                     other_supplier_user: Any, api_for: Any) -> None:
    supplier, buyer = api_for(supplier_user), api_for(officer)
    base = f"/api/follow-ups/{plan.pk}"
    bad = supplier.put(f"{base}/self-report", {**REPORT, "supply_chain": "x"}, format="json")
    assert bad.status_code == 400 and "supply_chain" in bad.json()["error"]["fields"]
    assert supplier.put(f"{base}/self-report", REPORT, format="json").status_code == 200
    assert api_for(other_supplier_user).post(f"{base}/self-report/submit", {},
                                             format="json").status_code == 404
    assert buyer.post(f"{base}/review", {"outcome": "accepted"},
                      format="json").status_code == 409  # nothing submitted yet
    answer = supplier.post(f"{base}/self-report/submit", {}, format="json")
    assert answer.status_code == 200 and answer.json()["self_report"]["status"] == "submitted"
    assert buyer.post(f"{base}/review", {"outcome": "maybe"}, format="json").status_code == 400
    answer = buyer.post(f"{base}/review", {"outcome": "more_information",
                                           "note": "Mer om fabrikken."}, format="json")
    assert answer.status_code == 200 and answer.json()["self_report"]["status"] == "returned"
    kinds = [e["kind"] for e in answer.json()["events"]]
    assert kinds == ["followup.created", "followup.report_submitted", "followup.report_reviewed"]


@pytest.mark.parametrize("language, name", [("en", "Follow-ups"), ("nb", "Oppfølging")])
def test_the_main_menu_links_to_the_follow_ups_for_authorities_and_suppliers(
        plan: FollowUpPlan, officer: Any, other_officer: Any, supplier_user: Any,
        other_supplier_user: Any, language: str, name: str) -> None:
    link = f'<a href="/follow-ups/">{name}</a>'

    def menu(user: Any, path: str = "/") -> str:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            client.force_login(user)
        page = client.get(path).content.decode()
        return page[page.index('class="site-nav"'):page.index("</nav>")]

    # Everyone who acts for an authority or a supplier may have plans; the list shows theirs.
    for user in (officer, other_officer, supplier_user, other_supplier_user):
        assert link in menu(user), user
    assert "/follow-ups/" not in menu(None)
    assert (f'<a href="/follow-ups/" aria-current="page">{name}</a>'
            in menu(supplier_user, "/follow-ups/"))
