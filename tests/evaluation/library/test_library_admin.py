"""Platform staff keep the national library in the admin; a copied row stays as it was."""

from __future__ import annotations

from typing import Any

from django.test import Client

from accounts.models import User
from evaluation.library import services
from evaluation.library.models import CriterionTemplate


def _staff() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(email="ops@anbud.example",
                                                     password="x" * 12))
    return client


def test_it_lists_and_adds_templates_for_staff(db: Any) -> None:
    client = _staff()
    base = "/admin/evaluation/criteriontemplate/"
    assert client.get(base).status_code == 200
    template = CriterionTemplate.objects.get(key="ict-take-back")
    assert client.get(f"{base}{template.pk}/change/").status_code == 200
    response = client.post(f"{base}add/", {
        "key": "ict-take-back", "version": "2", "area": "ict", "cpv_prefixes": '["302"]',
        "use": "contract", "ambition": "basic", "title_nb": "Retur", "title_en": "Take-back",
        "text_nb": "Ta tilbake.", "text_en": "Take back.", "source": "EU GPP",
        "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CriterionTemplate.objects.filter(key="ict-take-back").count() == 2


def test_it_refuses_to_change_a_copied_version(make_notice: Any, officer: Any) -> None:
    template = CriterionTemplate.objects.get(key="cleaning-chemicals")
    services.template_apply(notice=make_notice(publish=False, cpv_main="90911200"),
                            lot_number=0, template=template, by=officer)
    client = _staff()
    url = f"/admin/evaluation/criteriontemplate/{template.pk}/change/"
    assert client.post(url, {"text_nb": "Endret."}).status_code == 403
    assert client.post(f"/admin/evaluation/criteriontemplate/{template.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    template.refresh_from_db()
    assert template.text_nb != "Endret."
    assert client.get("/admin/evaluation/templateapplication/").status_code == 200
