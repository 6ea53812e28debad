"""The public search page: filters as shareable URLs, phase by the clock, suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [notice.title for notice in response.context["page"].object_list]


def test_it_searches_words_cpv_tree_and_region(client, make_notice):
    make_notice(title="Brøyting av skolegårder", cpv_main="90620000", nuts="NO081")
    make_notice(title="Vedlikehold av sykehjem på Tøyen", cpv_main="45453000", nuts="NO081")
    assert titles(client.get("/?q=brøyting")) == ["Brøyting av skolegårder"]
    assert titles(client.get("/?cpv=45000000&nuts=NO08")) == ["Vedlikehold av sykehjem på Tøyen"]
    # A code chosen in the picker arrives with its label; the code is what counts.
    assert titles(client.get("/?cpv=45000000 Bygge- og anleggsarbeid")) == [
        "Vedlikehold av sykehjem på Tøyen"]


def test_it_filters_by_phase_using_the_clock(client, make_notice, now):
    make_notice(title="Åpen konkurranse")
    make_notice(title="Frist passert", at=now - timedelta(days=30))
    assert titles(client.get("/?phase=competition")) == ["Åpen konkurranse"]


def test_it_sorts_by_deadline(client, make_notice, now):
    make_notice(title="Sen frist", submission_deadline=now + timedelta(days=40),
                question_deadline=now + timedelta(days=20))
    make_notice(title="Tidlig frist")
    assert titles(client.get("/?sort=deadline")) == ["Tidlig frist", "Sen frist"]


def test_an_empty_result_suggests_loosening_a_filter(client, make_notice):
    make_notice(title="Brøyting", cpv_main="90620000", nuts="NO081")
    response = client.get("/?q=brøyting&nuts=NO0A2")
    assert titles(response) == []
    suggestion = response.context["suggestions"][0]
    assert suggestion["count"] == 1 and "nuts" not in suggestion["url"]
    assert suggestion["url"] in response.content.decode()


def test_bad_filters_are_explained_not_crashed(client, make_notice):
    make_notice()
    response = client.get("/?cpv=snø&value_min=abc&deadline_after=tomorrow")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"cpv", "value_min", "deadline_after"} <= set(errors)


def test_drafts_never_appear(client, make_notice):
    make_notice(publish=False, title="Hemmelig utkast")
    assert titles(client.get("/?q=utkast")) == []
