"""The criteria library: the seed, suggestions by CPV, copying into a notice, versions."""

from __future__ import annotations

from typing import Any

import pytest

from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from evaluation.criteria.models import AwardCriterion, LotAwardTerms, QualificationRequirement
from evaluation.criteria.selectors import frozen_model_of
from evaluation.library import services
from evaluation.library.models import (
    Area,
    CriterionTemplate,
    SustainabilityClause,
    TemplateApplication,
    Use,
)
from evaluation.library.selectors import suggest_templates, template_get, template_list
from notices import services as notices
from notices.models import NoticeEvent
from tests.conftest import make_user

OWN = {"area": "cleaning", "use": "specification", "ambition": "basic",
       "cpv_prefixes": ["9091"], "title_nb": "Egen renholdsregel", "title_en": "Own cleaning rule",
       "text_nb": "Bruk mikrofiber.", "text_en": "Use microfibre.", "source": "Bergen kommune"}


def _template(key: str) -> CriterionTemplate:
    return CriterionTemplate.objects.get(key=key, version=1)


def test_it_seeds_two_levels_and_two_uses_for_every_area(db: Any) -> None:
    rows = CriterionTemplate.objects.filter(owner__isnull=True)
    assert rows.count() >= 25
    for area in Area.values:
        if area == "general":
            continue
        mine = rows.filter(area=area)
        assert {"basic", "advanced"} <= set(mine.values_list("ambition", flat=True)), area
        assert len(set(mine.values_list("use", flat=True))) >= 2, area
    for row in rows:
        assert row.source and row.text_nb and row.text_en and row.title_nb and row.title_en
        assert row.documentation_nb and row.verification_en
        if row.use == Use.AWARD:
            assert row.suggested_weight
    ems = rows.get(key="general-environmental-management")
    assert ems.use == Use.QUALIFICATION and ems.cpv_prefixes == []


def test_it_suggests_by_cpv_most_specific_first(db: Any) -> None:
    found = suggest_templates(cpv_codes=["34144900"])
    keys = [s.template.key for s in found]
    assert keys[0] == "transport-zero-emission-cars"  # prefix 34144900: 8 digits
    assert "general-environmental-management" == keys[-1]  # fits any procurement: last
    assert not any(s.template.area == "cleaning" for s in found)
    cleaning = [s.template.key for s in suggest_templates(cpv_codes=["90910000"])]
    assert {"cleaning-chemicals", "cleaning-service-ecolabel"} <= set(cleaning)
    assert not any(k.startswith("ict-") for k in cleaning)


def test_it_suggests_only_the_newest_active_version_and_own_authority(
        officer: Any, authority: Any, other_authority: Any) -> None:
    staff = make_user("ops@anbud.example")
    staff.is_staff = True
    staff.save()
    v2 = services.template_new_version(template=_template("cleaning-chemicals"), by=staff,
                                       changes={"text_en": "Revised."})
    own = services.template_create(organization=authority, by=officer, data=OWN)
    found = suggest_templates(cpv_codes=["90911200"], owner_id=authority.pk)
    chemicals = [s.template for s in found if s.template.key == "cleaning-chemicals"]
    assert chemicals == [v2]
    assert own in [s.template for s in found]
    assert own.key not in [s.template.key for s in suggest_templates(
        cpv_codes=["90911200"], owner_id=other_authority.pk)]
    services.template_new_version(template=v2, by=staff, changes={"active": False})
    assert "cleaning-chemicals" not in [s.template.key for s in suggest_templates(
        cpv_codes=["90911200"])]


def test_it_copies_a_clause_with_its_version_and_later_versions_change_nothing(
        make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, cpv_main="90911200")
    template = _template("cleaning-chemicals")
    applied = services.template_apply(notice=notice, lot_number=0, template=template,
                                      by=officer)
    clause = SustainabilityClause.objects.get(notice=notice)
    assert (clause.kind, clause.template_key, clause.template_version) == (
        "specification", "cleaning-chemicals", 1)
    assert clause.text == template.text_nb
    assert (applied.template_key, applied.template_version) == ("cleaning-chemicals", 1)
    assert NoticeEvent.objects.filter(notice=notice, kind="notice.draft_updated",
                                      data__template="cleaning-chemicals").exists()
    staff = make_user("ops@anbud.example")
    staff.is_staff = True
    staff.save()
    services.template_new_version(template=template, by=staff,
                                  changes={"text_nb": "Helt ny tekst."})
    clause.refresh_from_db()
    assert clause.text == template.text_nb
    assert CriterionTemplate.objects.get(key="cleaning-chemicals", version=1).text_nb \
        == template.text_nb


def test_it_freezes_clauses_in_the_published_snapshot(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, cpv_main="90911200")
    services.template_apply(notice=notice, lot_number=0,
                            template=_template("cleaning-chemicals"), by=officer)
    services.template_apply(notice=notice, lot_number=0,
                            template=_template("cleaning-service-ecolabel"), by=officer)
    notice = notices.notice_publish(notice=notice, by=officer)
    snapshot = notice.versions.get(number=1).snapshot
    assert [c["template_key"] for c in snapshot["sustainability_clauses"]] == [
        "cleaning-chemicals"]
    assert snapshot["sustainability_clauses"][0]["template_version"] == 1
    frozen = frozen_model_of(notice)
    assert frozen is not None
    climate = frozen.model["lots"][0]["criteria"][-1]
    assert climate["kind"] == "climate" and "cleaning-service-ecolabel" in climate["description"]
    with pytest.raises(Conflict):
        services.template_apply(notice=notice, lot_number=0,
                                template=_template("cleaning-chemicals"), by=officer)


def test_it_adds_an_award_criterion_to_a_new_lot_model(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, cpv_main="30213100")
    services.template_apply(notice=notice, lot_number=0, template=_template("ict-lifetime"),
                            by=officer)
    rows = list(AwardCriterion.objects.filter(notice=notice).order_by("position"))
    assert [(r.kind, r.weight) for r in rows] == [("price", 70), ("climate", 30)]
    assert rows[1].method == "points" and rows[1].scale
    assert "Fra kriteriebiblioteket: ict-lifetime, versjon 1" in rows[1].description
    assert LotAwardTerms.objects.get(notice=notice).climate_option == "quality-nor-env-criteria"


def test_it_takes_the_weight_from_price_in_an_existing_model(make_notice: Any,
                                                             officer: Any) -> None:
    from tests.evaluation.scores.conftest import add_criteria

    notice = make_notice(publish=False, cpv_main="45000000")
    add_criteria(notice, officer)  # price 40, quality 40, climate 20
    services.template_apply(notice=notice, lot_number=0,
                            template=_template("buildings-zero-emission-site"), by=officer)
    weights = list(AwardCriterion.objects.filter(notice=notice).order_by("position")
                   .values_list("kind", "weight"))
    assert weights == [("price", 10), ("quality", 40), ("climate", 20), ("climate", 30)]
    with pytest.raises(ApplicationError) as caught:
        services.template_apply(notice=notice, lot_number=0,
                                template=_template("buildings-breeam-nor"), by=officer)
    assert "lot_number" in caught.value.fields
    assert AwardCriterion.objects.filter(notice=notice).count() == 4


def test_it_adds_a_qualification_requirement(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False)
    services.template_apply(notice=notice, lot_number=0,
                            template=_template("general-environmental-management"),
                            by=officer, language="en")
    req = QualificationRequirement.objects.get(notice=notice)
    assert req.category == "technical" and req.espd_code == "envir-certif-indep"
    assert req.title.startswith("Environmental management")
    assert "general-environmental-management, version 1" in req.description
    assert TemplateApplication.objects.get(notice=notice).use == "qualification"


def test_it_refuses_strangers_other_authorities_templates_and_unknown_lots(
        make_notice: Any, officer: Any, other_officer: Any, other_authority: Any,
        authority: Any) -> None:
    notice = make_notice(publish=False)
    template = _template("buildings-energy-class")
    with pytest.raises(Forbidden):
        services.template_apply(notice=notice, lot_number=0, template=template,
                                by=other_officer)
    foreign = services.template_create(organization=other_authority, by=other_officer,
                                       data=OWN)
    with pytest.raises(Forbidden):
        services.template_apply(notice=notice, lot_number=0, template=foreign, by=officer)
    with pytest.raises(ApplicationError):
        services.template_apply(notice=notice, lot_number=7, template=template, by=officer)
    assert not SustainabilityClause.objects.exists()


def test_it_refuses_an_old_version(make_notice: Any, officer: Any, authority: Any) -> None:
    own = services.template_create(organization=authority, by=officer, data=OWN)
    services.template_new_version(template=own, by=officer, changes={"text_en": "v2"})
    notice = make_notice(publish=False)
    with pytest.raises(Conflict):
        services.template_apply(notice=notice, lot_number=0, template=own, by=officer)


def test_it_lets_only_editors_keep_own_templates(authority: Any, officer: Any,
                                                 other_officer: Any) -> None:
    from accounts.models import Role

    member = make_user("member@bergen.example", authority, Role.COMMITTEE_MEMBER)
    for user in (member, other_officer):
        with pytest.raises(Forbidden):
            services.template_create(organization=authority, by=user, data=OWN)
    own = services.template_create(organization=authority, by=officer, data=OWN)
    assert own.key.startswith(f"org{authority.pk}-") and own.version == 1
    with pytest.raises(Forbidden):
        services.template_new_version(template=own, by=other_officer, changes={})
    with pytest.raises(Forbidden):
        services.template_new_version(template=_template("ict-take-back"), by=officer,
                                      changes={})
    v2 = services.template_new_version(template=own, by=officer, changes={"text_nb": "Ny."})
    assert (v2.version, v2.text_nb, v2.title_nb) == (2, "Ny.", OWN["title_nb"])
    with pytest.raises(Conflict):
        services.template_new_version(template=own, by=officer, changes={})


def test_it_names_each_bad_field(authority: Any, officer: Any) -> None:
    bad = {**OWN, "area": "space", "cpv_prefixes": ["x1"], "title_en": "",
           "suggested_weight": 30, "climate_code": "quality-nor-env-nope",
           "counts_for_climate": True}
    with pytest.raises(ApplicationError) as caught:
        services.template_create(organization=authority, by=officer, data=bad)
    assert {"area", "cpv_prefixes", "title_en", "suggested_weight", "climate_code"} <= set(
        caught.value.fields)
    assert not CriterionTemplate.objects.filter(owner=authority).exists()


def test_it_hides_an_authoritys_templates_from_others(authority: Any, officer: Any,
                                                      other_officer: Any) -> None:
    own = services.template_create(organization=authority, by=officer, data=OWN)
    assert own in template_list(user=officer)
    assert own not in template_list(user=other_officer)
    with pytest.raises(NotFound):
        template_get(user=other_officer, key=own.key)
    assert template_get(user=officer, key=own.key) == own


def test_it_changes_a_published_notice_only_by_a_change_notice_before_the_deadline(
        make_notice: Any, officer: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tests.evaluation.scores.conftest import add_criteria

    draft = make_notice(publish=False, cpv_main="45000000")
    add_criteria(draft, officer)
    notice = notices.notice_publish(notice=draft, by=officer)
    with pytest.raises(ApplicationError):
        services.template_apply_by_change(notice=notice, lot_number=0, by=officer, reason=" ",
                                          template=_template("buildings-energy-class"))
    version, applied = services.template_apply_by_change(
        notice=notice, lot_number=0, template=_template("buildings-zero-emission-site"),
        by=officer, reason="Utslippsfri byggeplass vektlegges.")
    assert version.number == 2 and applied.template_version == 1
    criteria = version.snapshot["evaluation_model"]["lots"][0]["criteria"]
    assert [c["weight"] for c in criteria] == ["10.00", "40.00", "20.00", "30.00"]
    version, _applied = services.template_apply_by_change(
        notice=notice, lot_number=0, template=_template("general-environmental-management"),
        by=officer, reason="Krav om miljøledelse.")
    assert version.snapshot["evaluation_model"]["requirements"][-1]["espd_code"] \
        == "envir-certif-indep"
    version, _applied = services.template_apply_by_change(
        notice=notice, lot_number=0, template=_template("buildings-tropical-timber"),
        by=officer, reason="Krav om tropisk tømmer.")
    assert version.number == 4
    assert version.snapshot["sustainability_clauses"][0]["template_key"] \
        == "buildings-tropical-timber"
    assert "sustainability_clauses" in {c["field"] for c in version.diff}
    with pytest.raises(Conflict):
        services.template_apply_by_change(
            notice=notice, lot_number=0, template=_template("buildings-energy-class"),
            by=officer, reason="For sent.", now=timezone.now() + timedelta(days=60))
    assert SustainabilityClause.objects.filter(notice=notice).count() == 1
