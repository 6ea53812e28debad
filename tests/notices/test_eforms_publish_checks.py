"""Where a notice lacks what its eForms export needs, the preview and publishing name the
field to fill in (notices/exports/eforms_checks.py, run by check_publishable)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from backend.errors import ApplicationError
from notices import services
from notices.rules import checks as rules

pytestmark = pytest.mark.django_db
EEA = Decimal("5000000")


def problems_of(notice: Any) -> list[str]:
    return rules.check_publishable(notice, at=timezone.now())


def test_it_asks_for_the_english_texts_of_a_ted_notice(make_notice: Any) -> None:
    notice = make_notice(publish=False, kind="cn", estimated_value=EEA, title_en="",
                         description_en="", lots=[{"title": "Del A", "cpv": "50700000"}])
    found = problems_of(notice)
    assert any("Title in English" in p and "official EU language" in p for p in found)
    assert any("Description in English" in p for p in found)
    assert any("English title of lot 1" in p for p in found)


def test_it_needs_no_english_in_a_national_notice(make_notice: Any) -> None:
    notice = make_notice(publish=False, title_en="", description_en="")
    assert problems_of(notice) == []


def test_it_refuses_to_publish_and_names_the_missing_contract_terms(make_notice: Any,
                                                                    officer: Any) -> None:
    notice = make_notice(publish=False, kind="cn", estimated_value=EEA, duration_months=None,
                         tender_validity_days=None,
                         lots=[{"title": "A", "title_en": "A", "cpv": "50700000"},
                               {"title": "B", "title_en": "B", "cpv": "50700000"}])
    with pytest.raises(ApplicationError) as refused:
        services.notice_publish(notice=notice, by=officer)
    message = refused.value.message
    assert "Planned duration (months)" in message and "BT-36" in message
    assert "Tender validity (days)" in message and "BT-98" in message
    assert "Most lots one supplier may tender for" in message and "BT-31" in message


def test_it_asks_two_stage_procedures_for_enough_candidates(make_notice: Any) -> None:
    now = timezone.now()
    fields = {"kind": "cn", "estimated_value": EEA, "procedure_type": "restricted",
              "request_deadline": now + timedelta(days=31),
              "submission_deadline": now + timedelta(days=60)}
    missing = make_notice(publish=False, **fields)
    assert any("Minimum number of candidates" in p and "BT-50" in p
               for p in problems_of(missing))
    too_few = make_notice(publish=False, candidates_min=3, **fields)
    assert any("at least 5 candidates" in p for p in problems_of(too_few))
    enough = make_notice(publish=False, candidates_min=5, **fields)
    assert problems_of(enough) == []


def test_it_refuses_a_cpv_code_that_does_not_fit_the_contract_type(make_notice: Any) -> None:
    notice = make_notice(publish=False, contract_type="works", cpv_main="90620000")
    [problem] = problems_of(notice)
    assert "90620000" in problem and "45000000–45999999" in problem and "BT-262" in problem


def test_it_names_the_buyer_contact_details_ted_requires(make_notice: Any,
                                                         authority: Any) -> None:
    authority.phone = ""
    authority.postal_code = ""
    authority.save()
    notice = make_notice(publish=False, kind="cn", estimated_value=EEA,
                         submission_deadline=timezone.now() + timedelta(days=35))
    [problem] = problems_of(notice)
    assert "telephone" in problem and "postal code" in problem and authority.name in problem
    national = make_notice(publish=False)
    assert problems_of(national) == []  # Doffin's national notices do not require them


def test_it_asks_a_pin_for_ted_for_the_planned_contract_notice_date(make_notice: Any) -> None:
    notice = make_notice(publish=False, kind="pin", estimated_value=EEA,
                         contract_type="services", cpv_main="50700000")
    assert any("Planned date of the contract notice" in p for p in problems_of(notice))
    notice.planned_notice_date = timezone.localdate()
    assert any("must come after" in p for p in problems_of(notice))
    notice.planned_notice_date = timezone.localdate() + timedelta(days=30)
    assert problems_of(notice) == []


def test_it_refuses_a_contract_notice_for_a_procedure_without_one(make_notice: Any) -> None:
    notice = make_notice(publish=False, procedure_type="neg-wo-call")
    assert any("cannot announce a negotiated procedure without prior publication" in p
               for p in problems_of(notice))


def test_the_preview_names_the_missing_field(client: Any, officer: Any,
                                             make_notice: Any) -> None:
    notice = make_notice(publish=False, kind="cn", estimated_value=EEA, title_en="")
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    assert "Title in English" in page.decode()


def test_the_form_asks_for_english_texts_and_explains_why(client: Any, officer: Any,
                                                          make_notice: Any) -> None:
    client.force_login(officer)
    page = client.get("/workspace/notices/new/").content.decode()
    assert 'id="english"' in page and "TED" in page and 'name="title_en"' in page
    assert 'name="lots-0-title_en"' in page
    eea = make_notice(publish=False, kind="cn", estimated_value=EEA)
    page = client.get(f"/workspace/notices/{eea.pk}/edit/").content.decode()
    assert 'id="english"' in page and eea.title_en in page
    national = make_notice(publish=False)
    page = client.get(f"/workspace/notices/{national.pk}/edit/").content.decode()
    assert 'id="english"' not in page and 'name="duration_months"' in page
