"""After a real opening (k of n members, ETB-1), the ESPD response sealed in each bid is read
and given requirement by requirement; only evaluators who declared no conflict of interest
read it, through the API (member, conflicted member, officer, other authority, bidder,
anonymous)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organization, User
from bids.models import BidEvent
from bids.opening import services as opening
from bids.opening.models import OpenedBid, OpeningStatus
from evaluation.espd.response import EconomicOperator, response_xml
from evaluation.espd.selectors import espd_answers_for, espd_document_for
from evaluation.models import ImpartialityDeclaration
from notices.models import Notice
from tests.bids.conftest import bid_storage  # noqa: F401  (bids' storage, per test)
from tests.bids.test_opening import Tender, pass_deadline, send, setup_tender, submit
from tests.evaluation.espd_support import (
    EXAMPLE_RESPONSE,
    LOTS,
    add_requirements,
    espd_standards,  # noqa: F401
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(make_notice: Callable[..., Notice], officer: User, authority: Organization,
           supplier: Organization, supplier_user: User, other_supplier: Organization,
           other_supplier_user: User, espd_standards: Path,  # noqa: F811
           django_capture_on_commit_callbacks: Any) -> Tender:
    """Two bids with an ESPD response each (one built here, one the official example made
    elsewhere under another name) and one without; opened by two of three members."""
    tender = setup_tender(functools.partial(make_notice, lots=LOTS), officer, authority)
    add_requirements(tender.notice)
    espd = response_xml(tender.notice, operator=EconomicOperator.of(supplier),
                        criteria={"crime-org": False, "tax-pay": False},
                        answers={"C29_SC_gen-year-to/RG1/RSG1/QSG2/Q2":
                                 {"amount": "7500000", "currency": "NOK"}})
    submit(tender, supplier, supplier_user, {"tilbud.pdf": b"%PDF-1.4 tilbud",
                                             "espd-response.xml": espd})
    submit(tender, other_supplier, other_supplier_user,
           {"offer.txt": b"Price 990 000 NOK", "Our-ESPD.xml": EXAMPLE_RESPONSE.read_bytes()})
    third = Organization.objects.create(kind="supplier", name="Tredje AS",
                                        org_number="", country="SE", national_id="556000-0001")
    from accounts.models import Membership, Role

    third_user = User.objects.create_user(email="eva@tredje.example", password="x" * 16)
    Membership.objects.create(user=third_user, organization=third, role=Role.SUPPLIER_ADMIN)
    submit(tender, third, third_user, {"anbud.txt": b"Pris 1 200 000"})
    pass_deadline(tender)
    session = opening.opening_start(notice=tender.notice, by=officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED, session.error
    return tender


def declare(user: User, notice: Notice, *, conflict: bool = False) -> None:
    ImpartialityDeclaration.objects.create(notice=notice, user=user, has_conflict=conflict,
                                           explanation="Styremedlem" if conflict else "",
                                           declared_at=timezone.now())


def opened_bid(tender: Tender, index: int) -> OpenedBid:
    return OpenedBid.objects.get(submission=tender.bids[index])


def test_it_reads_the_sealed_response_requirement_by_requirement(opened: Tender) -> None:
    answers = espd_answers_for(opened_bid(opened, 0))
    assert [a.requirement.title for a in answers] == [
        "Ikke dømt for deltakelse i en kriminell organisasjon", "Skatter og avgifter er betalt",
        "Registrert i Foretaksregisteret", "Omsetning", "Erfaring", "Kvalitetssikring",
        "HMS-egenerklæring"]
    by_code = {a.criterion_code: a for a in answers}
    assert by_code["crime-org"].main_answer is False and not by_code["crime-org"].problems
    assert by_code["tax-pay"].values[0].value == "No"
    assert by_code["gen-year-to"].values[0].value == "7500000 NOK"
    assert by_code["trade-regist"].problems == ("The supplier gave no answer to this "
                                                "criterion.",)
    # Per lot: lot 1 has the turnover requirement, lot 2 the quality certificate.
    lot1 = [a.criterion_code for a in espd_answers_for(opened_bid(opened, 0), lot_number=1)]
    assert "gen-year-to" in lot1 and "qu-certif-indep" not in lot1


def test_it_reads_a_response_made_elsewhere_under_another_name(opened: Tender) -> None:
    bid = opened_bid(opened, 1)
    document = espd_document_for(bid)
    assert document.filename == "Our-ESPD.xml" and document.found
    assert document.parsed is not None and document.parsed.schema_checked
    assert any("PP.20170419.1024-9" in p for p in document.problems)
    crime = espd_answers_for(bid, document=document)[0]
    assert crime.main_answer is True
    assert any("exclusion ground may apply" in p for p in crime.problems)


def test_it_says_so_when_a_bid_has_no_espd_response(opened: Tender) -> None:
    answers = espd_answers_for(opened_bid(opened, 2))
    assert answers[0].problems == ("The bid has no ESPD response (no file named "
                                   "espd-response.xml).",)
    assert not any(a.values for a in answers)


def test_it_reports_a_malformed_response_in_a_bid_as_a_problem(
        make_notice: Callable[..., Notice], officer: User, authority: Organization,
        supplier: Organization, supplier_user: User,
        django_capture_on_commit_callbacks: Any) -> None:
    tender = setup_tender(make_notice, officer, authority)
    add_requirements(tender.notice)
    submit(tender, supplier, supplier_user, {"espd-response.xml": b"<not-closed>"})
    pass_deadline(tender)
    session = opening.opening_start(notice=tender.notice, by=officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    answers = espd_answers_for(opened_bid(tender, 0))
    assert answers[0].problems[0].startswith(
        "The ESPD response in the bid could not be read: The ESPD response is not "
        "well-formed XML (line 1")


# --- who may read it, through the API ---------------------------------------------------------


def url(tender: Tender, index: int = 0) -> str:
    return f"/api/notices/{tender.notice.pk}/submissions/{tender.bids[index].pk}/espd"


def test_it_gives_a_declared_member_and_officer_the_answers_and_records_the_read(
        opened: Tender, officer: User, api_for: Callable[..., Any]) -> None:
    member = opened.members[0]
    declare(member, opened.notice)
    declare(officer, opened.notice)
    for user in (member, officer):
        response = api_for(user).get(url(opened))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["found"] is True and body["file"] == "espd-response.xml"
        assert body["supplier"] == "Fjordbygg AS"
        assert body["answers"][0]["criterion_code"] == "crime-org"
        assert body["answers"][0]["values"][0]["value"] == "No"
    reads = BidEvent.objects.filter(notice=opened.notice, kind="opened.read",
                                    data__file="espd-response.xml")
    assert reads.count() == 2
    lot = api_for(member).get(url(opened) + "?lot=2").json()
    assert "gen-year-to" not in [a["criterion_code"] for a in lot["answers"]]
    assert api_for(member).get(url(opened) + "?lot=x").status_code == 400


def test_it_refuses_a_conflicted_member_and_anyone_who_has_not_declared(
        opened: Tender, officer: User, api_for: Callable[..., Any]) -> None:
    conflicted = opened.members[0]
    declare(conflicted, opened.notice, conflict=True)
    for user in (conflicted, opened.members[1], officer):
        refused = api_for(user).get(url(opened))
        assert refused.status_code == 403, user
        assert "conflict of interest" in refused.json()["error"]["message"]
    assert not BidEvent.objects.filter(notice=opened.notice, kind="opened.read").exists()


def test_it_hides_the_answers_from_everyone_else(
        opened: Tender, other_officer: User, supplier_user: User,
        other_supplier_user: User, api_for: Callable[..., Any]) -> None:
    declare(other_officer, opened.notice)  # a declaration gives no role
    for user in (other_officer, supplier_user, other_supplier_user):
        assert api_for(user).get(url(opened)).status_code == 404, user
    anonymous = api_for(None).get(url(opened))
    assert anonymous.status_code == 401 and anonymous.headers.get("WWW-Authenticate")


def test_it_answers_404_for_a_bid_that_is_not_opened(
        opened: Tender, api_for: Callable[..., Any]) -> None:
    member = opened.members[0]
    declare(member, opened.notice)
    nobody = "00000000-0000-0000-0000-000000000000"
    missing = f"/api/notices/{opened.notice.pk}/submissions/{nobody}/espd"
    assert api_for(member).get(missing).status_code == 404


def test_it_renders_the_answers_beside_each_requirement(opened: Tender) -> None:
    from django.template import Context, Template
    from django.template.loader import render_to_string

    bid = opened_bid(opened, 0)
    document = espd_document_for(bid)
    answers = espd_answers_for(bid, document=document)
    html = render_to_string("evaluation/espd/_answers.html",
                            {"espd_answers": answers, "espd_document": document})
    assert "ESPD response espd-response.xml from Fjordbygg AS." in html
    assert "Ikke dømt for deltakelse i en kriminell organisasjon" in html
    assert "7500000 NOK" in html and "The supplier gave no answer to this criterion." in html
    one = Template("{% load espd %}{% with a=answers|espd_for:requirement %}"
                   "{% include 'evaluation/espd/_answer.html' with answer=a %}{% endwith %}")
    rendered = one.render(Context({"answers": answers,
                                   "requirement": answers[3].requirement}))
    assert "7500000 NOK" in rendered and "Your answer" not in rendered
