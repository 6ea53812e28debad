"""The criteria library in the officer's workspace and on the public notice page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role
from evaluation.library import services
from evaluation.library.models import CriterionTemplate, SustainabilityClause
from notices import services as notices
from tests.conftest import make_user


def _client(user: Any = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _model(notice: Any) -> str:
    return f"/workspace/notices/{notice.pk}/evaluation-model/"


def _apply(notice: Any) -> str:
    return f"/workspace/notices/{notice.pk}/evaluation-model/library/apply/"


OWN = {"area": "cleaning", "use": "specification", "ambition": "basic",
       "cpv_prefixes": "9091", "title_nb": "Egen regel", "title_en": "Own rule",
       "text_nb": "Bruk mikrofiber.", "text_en": "Use microfibre.", "source": "Bergen"}


def test_it_suggests_templates_on_the_draft_model_page(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, cpv_main="90911200")
    page = _client(officer).get(_model(notice)).content.decode()
    assert "Suggestions from the criteria library" in page
    assert "Ecolabelled cleaning products" in page
    assert "TCO Certified" not in page
    assert "Counts towards FOA § 7-9" in page


def test_it_adds_a_template_and_shows_it_on_the_public_page(make_notice: Any,
                                                            officer: Any) -> None:
    notice = make_notice(publish=False, cpv_main="90911200")
    client = _client(officer)
    response = client.post(_apply(notice), {"key": "cleaning-chemicals", "version": "1",
                                            "lot": "0", "language": "en"})
    assert response.status_code == 302
    assert SustainabilityClause.objects.get(notice=notice).template_version == 1
    page = client.get(_model(notice)).content.decode()
    assert "From the criteria library: cleaning-chemicals, version 1" in page
    notices.notice_publish(notice=notice, by=officer)
    public = _client().get(f"/notices/{notice.pk}/").content.decode()
    assert "Sustainability requirements and contract conditions" in public
    assert "Ecolabelled cleaning products" in public


def test_it_removes_a_clause_from_a_draft(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, cpv_main="90911200")
    services.template_apply(notice=notice, lot_number=0,
                            template=CriterionTemplate.objects.get(key="cleaning-chemicals"),
                            by=officer)
    url = f"/workspace/notices/{notice.pk}/evaluation-model/library/clauses/1/remove/"
    assert _client(officer).post(url).status_code == 302
    assert not SustainabilityClause.objects.filter(notice=notice).exists()


def test_it_shows_an_error_for_a_template_that_does_not_fit(make_notice: Any,
                                                            officer: Any) -> None:
    notice = make_notice(publish=False)
    response = _client(officer).post(_apply(notice), {"key": "no-such", "lot": "0"},
                                     follow=True)
    assert "No such template" in response.content.decode()
    assert not SustainabilityClause.objects.exists()


@pytest.mark.parametrize(("actor", "status"), [
    ("other_officer", 404), ("member", 403), ("supplier", 404), ("staff", 404),
    ("anon", 302)])
def test_it_refuses_others_to_apply(make_notice: Any, authority: Any, other_officer: Any,
                                    supplier_user: Any, actor: str, status: int) -> None:
    notice = make_notice(publish=False)
    users = {"other_officer": other_officer, "supplier": supplier_user,
             "member": make_user("m@bergen.example", authority, Role.COMMITTEE_MEMBER),
             "staff": make_user("ops@anbud.example"), "anon": None}
    if actor == "staff":
        users["staff"].is_staff = True
        users["staff"].save()
    response = _client(users[actor]).post(_apply(notice), {"key": "cleaning-chemicals",
                                                           "lot": "0"})
    assert response.status_code == status
    assert not SustainabilityClause.objects.exists()


def test_it_lets_an_officer_keep_own_templates(officer: Any, authority: Any) -> None:
    client = _client(officer)
    assert client.get("/workspace/criteria-library/").status_code == 200
    bad = client.post("/workspace/criteria-library/", {**OWN, "title_en": ""})
    assert bad.status_code == 400
    response = client.post("/workspace/criteria-library/", OWN)
    assert response.status_code == 302
    own = CriterionTemplate.objects.get(owner=authority)
    page = client.get(f"/workspace/criteria-library/{own.key}/new-version/").content.decode()
    assert "Use microfibre." in page
    response = client.post(f"/workspace/criteria-library/{own.key}/new-version/",
                           {**OWN, "text_en": "Use microfibre cloths."})
    assert response.status_code == 302
    assert list(CriterionTemplate.objects.filter(key=own.key).values_list(
        "version", "text_en")) == [(2, "Use microfibre cloths."), (1, "Use microfibre.")]


@pytest.mark.parametrize("actor", ["member", "supplier", "staff", "other_officer"])
def test_it_keeps_others_off_an_authoritys_templates(officer: Any, authority: Any,
                                                     other_officer: Any, supplier_user: Any,
                                                     actor: str) -> None:
    own = services.template_create(organization=authority, by=officer,
                                   data={**OWN, "cpv_prefixes": ["9091"]})
    staff = make_user("ops@anbud.example")
    staff.is_staff = True
    staff.save()
    users = {"member": make_user("m@bergen.example", authority, Role.COMMITTEE_MEMBER),
             "supplier": supplier_user, "staff": staff, "other_officer": other_officer}
    client = _client(users[actor])
    url = f"/workspace/criteria-library/{own.key}/new-version/"
    if actor == "other_officer":
        # An officer of another authority has a page of their own, not this template.
        assert client.get("/workspace/criteria-library/").status_code == 200
        assert client.get(url).status_code == 404
    else:
        assert client.get("/workspace/criteria-library/").status_code == 403
        assert client.get(url).status_code == 403
    assert CriterionTemplate.objects.filter(key=own.key).count() == 1


def test_it_keeps_the_panel_out_of_the_page_title(make_notice: Any, officer: Any) -> None:
    import re

    notice = make_notice(publish=False, cpv_main="90911200")
    page = _client(officer).get(_model(notice)).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and "library" not in title.group(1).lower()
    assert page.count('id="library"') == 1
