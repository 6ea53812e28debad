"""Public search: full text through the index, filters, phase by the clock, counts, safety.

Runs on SQLite and, with DATABASE_URL set, on PostgreSQL. Each test has its own index
directory (tests/notices/conftest.py) that services feed as they publish.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from notices import search, services
from notices.models import Notice, NoticeStatus
from notices.search.backend import IndexDoc, SearchFilters
from notices.selectors import NoticeFilters, notice_list_public, notice_search_public

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "index-filters", "index-text"])
def q(request, settings) -> str:
    """Run a filter test three ways: filter-only from the database, filter-only from the
    index, and with a word every test notice has (the index, ranked by text)."""
    settings.SEARCH_FILTERS_FROM_INDEX = request.param != "database"
    return "rammeavtale" if request.param == "index-text" else ""


def titles(result) -> list[str]:
    return [n.title for n in result.notices]


def find(q: str = "", now=None, **filters) -> list[str]:
    return titles(notice_search_public(filters=NoticeFilters(q=q, **filters), now=now))


def api_titles(client, query: str) -> list[str]:
    response = client.get(f"/api/notices/?{query}")
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


# --- Norwegian text -----------------------------------------------------------------------

def test_it_finds_norwegian_words_with_ae_oe_aa(make_notice):
    make_notice(title="Brøyting av kommunale veier", description="Vinterdrift i Åsane.")
    make_notice(title="Vedlikehold av sykehjem på Tøyen", description="Ærlig håndverk.")
    make_notice(title="Renhold av skoler")

    assert find("brøyting") == ["Brøyting av kommunale veier"]
    assert find("BRØYTING") == ["Brøyting av kommunale veier"]
    assert find("vedlikehold av sykehjem på Tøyen") == ["Vedlikehold av sykehjem på Tøyen"]
    assert find("tøyen") == ["Vedlikehold av sykehjem på Tøyen"]
    assert find("åsane") == ["Brøyting av kommunale veier"]
    assert find("ærlig") == ["Vedlikehold av sykehjem på Tøyen"]
    # Typed without the Norwegian letters, found through the folded copy.
    assert find("broyting") == ["Brøyting av kommunale veier"]
    assert find("toyen") == ["Vedlikehold av sykehjem på Tøyen"]
    # ø is a letter of the word, not a separator: "br" and "yting" are not words here.
    assert find("yting") == []


def test_it_searches_buyer_lots_and_reference(make_notice, other_officer, other_authority):
    with_lot = make_notice(title="Driftstjenester", lots=[
        {"title": "Snørydding av parkeringsplasser", "cpv": "90620000"}])
    make_notice(title="Asfaltering", by=other_officer, buyer=other_authority,
                estimated_value=Decimal("1400000"))

    assert find("snørydding") == ["Driftstjenester"]
    assert find("vegvesen") == ["Asfaltering"]          # buyer: Statens vegvesen
    assert find(with_lot.reference) == ["Driftstjenester"]


def test_all_words_must_match(make_notice):
    make_notice(title="Brøyting og strøing", description="Vinterdrift.")
    make_notice(title="Brøyting av plasser", description="Vinterdrift.")
    assert find("brøyting strøing") == ["Brøyting og strøing"]


def test_it_ranks_by_relevance(make_notice, now):
    make_notice(title="Kontormøbler", description="Levering av møbler, også kantinemøbler.",
                at=now - timedelta(days=1))
    make_notice(title="Kantinedrift ved rådhuset", description="Kantinedrift for ansatte.",
                at=now - timedelta(days=2))
    # The older notice has the word in its title (and twice): it comes first.
    assert find("kantinedrift") == ["Kantinedrift ved rådhuset"]
    make_notice(title="Renhold", description="Renhold av kantine og kantinedrift i helgene.",
                at=now)
    assert find("kantinedrift") == ["Kantinedrift ved rådhuset", "Renhold"]
    assert find("kantinedrift", sort="published") == ["Renhold", "Kantinedrift ved rådhuset"]


# --- filters ------------------------------------------------------------------------------

def test_cpv_filter_follows_the_tree_over_main_additional_and_lot_codes(make_notice, q):
    make_notice(title="Main", cpv_main="45453000")
    make_notice(title="Additional", cpv_main="71000000", cpv_additional=["45233141"])
    make_notice(title="Lot", cpv_main="79000000", lots=[{"title": "Del 1", "cpv": "45210000"}])
    make_notice(title="Other", cpv_main="90620000")

    assert sorted(find(q, cpv="45000000")) == ["Additional", "Lot", "Main"]
    assert sorted(find(q, cpv="45000000-7")) == ["Additional", "Lot", "Main"]
    assert find(q, cpv="45400000") == ["Main"]
    assert find(q, cpv="4521") == ["Lot"]
    assert find(q, cpv="45210000") == ["Lot"]
    assert find(q, cpv="45211000") == []       # narrower than the lot's code
    assert find(q, cpv="90000000") == ["Other"]


def test_nuts_filter_matches_by_prefix(make_notice, q):
    make_notice(title="Oslo", nuts="NO081")
    make_notice(title="Østfold", nuts="NO083")
    make_notice(title="Rogaland", nuts="NO0A1")

    assert sorted(find(q, nuts="NO08")) == ["Oslo", "Østfold"]
    assert find(q, nuts="no081") == ["Oslo"]
    assert sorted(find(q, nuts="NO")) == ["Oslo", "Rogaland", "Østfold"]
    assert find(q, nuts="SE") == []


def test_phase_follows_the_clock(make_notice, now, q):
    make_notice(title="Plan", kind="pin", at=now)
    make_notice(title="Soon", at=now, submission_deadline=now + timedelta(days=10),
                question_deadline=now + timedelta(days=5))
    make_notice(title="Later", at=now, submission_deadline=now + timedelta(days=30),
                question_deadline=now + timedelta(days=20))
    make_notice(title="Award", kind="can", at=now)

    assert find(q, phase="planning", now=now) == ["Plan"]
    assert find(q, phase="competition", now=now, sort="deadline") == ["Soon", "Later"]
    assert find(q, phase="result", now=now) == ["Award"]

    # Eleven days on, nobody has closed "Soon", but the clock says its deadline has passed.
    later = now + timedelta(days=11)
    assert find(q, phase="competition", now=later) == ["Later"]
    assert sorted(find(q, phase="result", now=later)) == ["Award", "Soon"]
    assert Notice.objects.get(title="Soon").status == NoticeStatus.PUBLISHED


def test_value_deadline_publication_and_buyer_filters(make_notice, now, q, other_officer,
                                                      other_authority):
    make_notice(title="Small", estimated_value=Decimal("1400000"), at=now - timedelta(days=3),
                submission_deadline=now + timedelta(days=20),
                question_deadline=now + timedelta(days=10))
    make_notice(title="Large", estimated_value=Decimal("2200000"), at=now,
                submission_deadline=now + timedelta(days=40),
                question_deadline=now + timedelta(days=30))
    make_notice(title="Road", by=other_officer, buyer=other_authority, at=now,
                estimated_value=Decimal("1400000"))

    assert sorted(find(q, value_min=Decimal("1500000"))) == ["Large"]
    assert sorted(find(q, value_max=Decimal("1400000"))) == ["Road", "Small"]
    assert find(q, deadline_after=now + timedelta(days=30)) == ["Large"]
    assert sorted(find(q, deadline_before=now + timedelta(days=25))) == ["Road", "Small"]
    assert find(q, published_before=now - timedelta(days=1)) == ["Small"]
    assert find(q, buyer="vegvesen") == ["Road"]
    assert find(q, buyer=other_authority.org_number) == ["Road"]
    assert find(q, buyer="nobody at all") == []


def test_sort_by_deadline_and_publication(make_notice, now, q):
    make_notice(title="A", at=now - timedelta(days=2), submission_deadline=now + timedelta(days=30),
                question_deadline=now + timedelta(days=20))
    make_notice(title="B", at=now - timedelta(days=1), submission_deadline=now + timedelta(days=15),
                question_deadline=now + timedelta(days=10))
    make_notice(title="C", kind="pin", at=now, submission_deadline=None,
                question_deadline=None)   # no deadline: last when sorted by deadline
    assert find(q, sort="deadline") == ["B", "A", "C"]
    assert find(q, sort="published") == ["C", "B", "A"]


def test_the_index_and_the_database_agree(make_notice, now, settings):
    """Filter-only queries may come from the database or the index, text queries from the
    index: for a word every notice has, all must return the same notices in order."""
    specs = [
        ("45453000", "NO081", "national", 0), ("45233141", "NO083", "national", 5),
        ("90620000", "NO0A1", "pin", 0), ("72000000", "NO081", "can", 0),
        ("45000000", "NO060", "national", 40),
    ]
    for i, (cpv, nuts, kind, days) in enumerate(specs):
        make_notice(title=f"Rammeavtale {i}", cpv_main=cpv, nuts=nuts, kind=kind,
                    at=now - timedelta(days=i),
                    submission_deadline=now + timedelta(days=days or 21 + i),
                    question_deadline=now + timedelta(days=(days or 21 + i) - 2))
    combos = [{}, {"cpv": "45000000"}, {"nuts": "NO08"}, {"phase": "competition"},
              {"phase": "result"}, {"phase": "planning"}, {"kind": "national", "nuts": "NO0"},
              {"sort": "deadline"}, {"cpv": "4523", "sort": "deadline"}]
    later = now + timedelta(days=10)
    for combo in combos:
        for clock in (now, later):
            settings.SEARCH_FILTERS_FROM_INDEX = False
            db = find("", now=clock, **{"sort": "published", **combo})
            settings.SEARCH_FILTERS_FROM_INDEX = True
            assert find("", now=clock, **{"sort": "published", **combo}) == db, combo
            index = find("rammeavtale", now=clock, **{"sort": "published", **combo})
            assert db == index, combo


# --- safety and counts --------------------------------------------------------------------

def test_drafts_are_never_found(make_notice):
    draft = make_notice(title="Hemmelig utkast om brøyting", publish=False)
    make_notice(title="Brøyting i sentrum")
    assert find("brøyting") == ["Brøyting i sentrum"]
    assert find("utkast") == []

    # Even if the index wrongly held the draft, the database re-check hides it.
    search.get_backend().index([IndexDoc(
        id=draft.pk, reference=draft.reference, title=draft.title, description="",
        buyer_name="", buyer_id=draft.buyer_id, lot_titles=[], cpv_codes=["45000000"],
        nuts="NO0A1", kind="national", status="published", published_at=None, deadline=None,
        estimated_value=None)])
    assert search.get_backend().search("utkast", SearchFilters()).ids == [draft.pk]
    result = notice_search_public(filters=NoticeFilters(q="brøyting"))
    assert titles(result) == ["Brøyting i sentrum"]
    assert result.count == 1


def test_cancelled_and_deleted_notices_follow_the_index(make_notice, officer):
    notice = make_notice(title="Kantinedrift")
    services.notice_cancel(notice=notice, by=officer, reason="Behovet er borte.")
    assert find("kantinedrift", status="cancelled") == ["Kantinedrift"]
    assert find("kantinedrift", phase="competition") == []


def test_counts_are_exact_and_pages_link(make_notice, api_for, now):
    for i in range(25):
        make_notice(title=f"Rammeavtale nummer {i}", at=now - timedelta(minutes=i))
    make_notice(title="Noe helt annet")
    client = api_for(None)

    body = client.get("/api/notices/?q=rammeavtale&page_size=10").json()
    assert body["count"] == 26   # every default notice says "rammeavtale" in its description
    body = client.get("/api/notices/?q=nummer&page_size=10").json()
    assert body["count"] == 25 and len(body["results"]) == 10
    assert body["previous"] is None and "page=2" in body["next"]
    page3 = client.get("/api/notices/?q=nummer&page_size=10&page=3").json()
    assert page3["count"] == 25 and len(page3["results"]) == 5 and page3["next"] is None
    seen = {item["id"] for p in (1, 2, 3) for item in client.get(
        f"/api/notices/?q=nummer&page_size=10&page={p}").json()["results"]}
    assert len(seen) == 25
    assert client.get("/api/notices/?page_size=10").json()["count"] == 26


def test_the_api_takes_phase_and_sort(make_notice, api_for, now):
    make_notice(title="Plan", kind="pin")
    make_notice(title="Konkurranse")
    client = api_for(None)
    assert api_titles(client, "phase=planning") == ["Plan"]
    assert api_titles(client, "phase=competition&sort=deadline") == ["Konkurranse"]
    assert api_titles(client, "q=rammeavtale&phase=competition&sort=relevance") == ["Konkurranse"]
    assert api_titles(client, "q=rammeavtale&cpv=45000000&nuts=NO0A") == ["Konkurranse", "Plan"] \
        or api_titles(client, "q=rammeavtale&cpv=45000000&nuts=NO0A") == ["Plan", "Konkurranse"]


def test_empty_results_suggest_which_filter_to_drop(make_notice, api_for):
    make_notice(title="Brøyting", nuts="NO081", cpv_main="90620000")
    make_notice(title="Brøyting to", nuts="NO081", cpv_main="90620000")
    client = api_for(None)

    body = client.get("/api/notices/?q=brøyting&nuts=NO0A&cpv=90000000").json()
    assert body["count"] == 0 and body["results"] == []
    assert body["suggestions"] == [
        {"remove": "nuts", "count": 2, "message": "Remove the place (NUTS) filter: 2 hits"}]
    body = client.get("/api/notices/?nuts=NO08&phase=planning").json()
    assert [s["remove"] for s in body["suggestions"]] == ["phase"]
    assert client.get("/api/notices/?q=brøyting").json()["suggestions"] == []


@pytest.mark.parametrize("query, field", [
    ("phase=later", "phase"), ("sort=random", "sort"), ("page=0", "page"),
    ("page_size=1000", "page_size"), ("page=abc", "page"), ("page=600&page_size=20", "page"),
    ("value_min=5&value_max=1", "value_min"), ("value_min=-1", "value_min"),
    ("deadline_after=2026-12-01T00:00&deadline_before=2026-11-01T00:00", "deadline_after"),
    ("cpv=abc", "cpv"), ("nuts=N", "nuts"), ("published_after=yesterday", "published_after"),
    ("q=" + "x" * 201, "q"),
])
def test_bad_query_parameters_get_a_clear_400(api_for, query, field):
    response = api_for(None).get(f"/api/notices/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"]
    assert field in error["fields"]


@pytest.mark.parametrize("q", ['"', "(((", "title:x AND", "*", "-", "a" * 120, "ø" * 41])
def test_odd_text_never_breaks_the_search(make_notice, api_for, q):
    make_notice(title="Brøyting")
    response = api_for(None).get("/api/notices/", {"q": q})
    assert response.status_code == 200
    assert response.json()["count"] == 0


# --- keeping the index in step ------------------------------------------------------------

def test_the_index_follows_publication_after_commit(make_notice, officer, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    monkeypatch.undo()   # the real path: the notice_changed signal, sent after commit
    with django_capture_on_commit_callbacks(execute=True):
        notice = make_notice(title="Skoleskyss")
    assert find("skoleskyss") == ["Skoleskyss"]
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_change_publish(notice=notice, by=officer, reason="Ny tittel.",
                                       fields={"title": "Skoleskyss og turkjøring"})
    assert find("turkjøring") == ["Skoleskyss og turkjøring"]
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_cancel(notice=notice, by=officer, reason="Avlyst.")
    assert find("skoleskyss", status="cancelled") == ["Skoleskyss og turkjøring"]
    assert find("skoleskyss", status="published") == []


def test_the_index_task_removes_what_is_no_longer_public(make_notice):
    from notices.search.tasks import search_index_notice

    notice = make_notice(title="Skoleskyss")
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.DRAFT)
    assert search_index_notice.delay(notice.pk).get() == "deleted"
    assert search.get_backend().search("skoleskyss", SearchFilters()).total == 0
    assert search_index_notice(987654) == "deleted"   # unknown ids are fine


def test_reindex_rebuilds_from_the_database(make_notice, settings, tmp_path, capsys):
    make_notice(title="Brøyting")
    make_notice(title="Renhold")
    make_notice(title="Utkast", publish=False)
    settings.SEARCH_INDEX_DIR = tmp_path / "fresh-index"
    # Without a follower (production between a node's start and its first search_follow
    # round), an empty index is never asked: the database answers, words by substring.
    settings.SEARCH_FOLLOW_INLINE = False
    before = notice_search_public(filters=NoticeFilters(q="brøyting"))
    assert titles(before) == ["Brøyting"] and before.engine == "database"
    assert sorted(find()) == ["Brøyting", "Renhold"]
    call_command("search_reindex")
    assert "Indexed 2 notices" in capsys.readouterr().out
    after = notice_search_public(filters=NoticeFilters(q="brøyting"))
    assert titles(after) == ["Brøyting"] and after.engine == "index"
    assert find("utkast") == []
    call_command("search_reindex")    # twice is the same
    assert notice_search_public(filters=NoticeFilters(q="rammeavtale")).count == 2


def test_reindex_reads_the_rows_as_the_follower_does(make_notice, settings, tmp_path, now):
    """The rebuild reads raw rows in keyset batches (no Django converters): the same
    IndexDocs as the follower's read, aware datetimes, JSON codes decoded; and it honours
    the writer settings."""
    make_notice(title="Hovedkode", cpv_main="45453000", estimated_value=Decimal("1250000.50"),
                at=now - timedelta(days=3))
    make_notice(title="Tilleggskode", cpv_main="71000000", cpv_additional=["45233141"],
                lots=[{"title": "Del 1", "cpv": "45210000"}], kind="pin")
    make_notice(title="Utkast", publish=False)
    make_notice(title="Siste", cpv_main="90620000", estimated_value=Decimal("900000"))
    ids = list(Notice.objects.order_by("pk").values_list("pk", flat=True))
    bulk = list(search._docs_bulk(batch_size=2))
    assert bulk == list(search.public_docs(ids))
    assert [d.title for d in bulk] == ["Hovedkode", "Tilleggskode", "Siste"]
    stored = {n.pk: n for n in Notice.objects.all()}
    for doc in bulk:
        notice = stored[doc.id]
        assert doc.published_at == notice.published_at and doc.published_at.tzinfo
        assert doc.deadline == notice.submission_deadline
        assert float(doc.estimated_value or 0) == float(notice.estimated_value or 0)
    assert bulk[1].cpv_codes == ["71000000", "45233141", "45210000"]

    settings.SEARCH_INDEX_DIR = tmp_path / "fresh-index"
    settings.SEARCH_REBUILD_THREADS = 1
    settings.SEARCH_REBUILD_HEAP_MB = 20
    settings.SEARCH_FILTERS_FROM_INDEX = True
    assert search.rebuild_index() == 3
    assert sorted(find("", cpv="4523")) == ["Tilleggskode"]
    assert find("", value_min=Decimal("1250000.25"), value_max=Decimal("1250000.75")) == [
        "Hovedkode"]
    assert find("del") == ["Tilleggskode"]


def test_the_database_answers_if_the_engine_fails(make_notice, monkeypatch):
    make_notice(title="Brøyting av veier")

    def broken(*args, **kwargs):
        raise OSError("index unreadable")

    monkeypatch.setattr(type(search.get_backend()), "search", broken)
    result = notice_search_public(filters=NoticeFilters(q="brøyting"))
    assert titles(result) == ["Brøyting av veier"] and result.engine == "database"


def test_existing_callers_keep_working(make_notice):
    make_notice(title="Brøyting")
    qs = notice_list_public(filters=NoticeFilters(q="brøyt", ordering="submission_deadline"))
    assert [n.title for n in qs] == ["Brøyting"]
