"""Search as people write it: other inflections (bokmål and English stems), parts of compound
words, and "did you mean" for typos. Every test runs against a real Tantivy index (its own
directory, tests/conftest.py), fed by the notice services or, for the demo's vocabulary, by
the demo's own notice texts.
"""

from __future__ import annotations

import pytest

from notices import search
from notices.demo import NOTICES
from notices.search import analysis
from notices.search.backend import IndexDoc, SearchFilters
from notices.search.tantivy_backend import SCHEMA_VERSION, TantivyBackend
from notices.selectors import NoticeFilters, notice_search_public

pytestmark = pytest.mark.django_db


def find(q: str, **filters) -> list[str]:
    return [n.title for n in notice_search_public(filters=NoticeFilters(q=q, **filters)).notices]


def plain(title: str) -> dict[str, str]:
    """Fields for a notice whose only words are its title (the default description would
    match "rammeavtale" and friends)."""
    return {"title": title, "description": "Se konkurransegrunnlaget."}


@pytest.fixture
def demo_index(tmp_path) -> tuple[TantivyBackend, dict[int, str]]:
    """The demo's notices (notices/demo.py), as the demo publishes them, in a fresh index."""
    backend = TantivyBackend(tmp_path / "demo-index")
    docs = [IndexDoc(id=i, reference=f"DEMO-{i}", title=spec.title,
                     description=spec.description, buyer_name="Bergen kommune", buyer_id=1,
                     lot_titles=[lot[0] for lot in spec.lots], cpv_codes=[spec.cpv],
                     nuts="NO0A2", kind=spec.kind, status="published", published_at=None,
                     deadline=None, estimated_value=None)
            for i, spec in enumerate(NOTICES, start=1)]
    for doc in docs:                       # one at a time, as the index task does
        backend.index([doc])
    return backend, {doc.id: doc.title for doc in docs}


# --- the examples, on the demo's notices ------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("legemiddel", "Legemidler til sykehusapotek"),
    ("legemidlene", "Legemidler til sykehusapotek"),
    ("transformator", "Transformatorer til Sogndal stasjon"),
    ("vaksine", "Legemidler til sykehusapotek"),           # its lot "Vaksiner"
    ("ferje", "Ferjedrift Tromsø–Vengsøy"),
    ("bærbar", "Bærbare PC-er til elever i ungdomsskolen"),
    ("brøyting", "Snøbrøyting av fylkesveger i Nord-Troms"),
])
def test_it_finds_the_demo_notices_in_other_word_forms(demo_index, query, expected):
    backend, titles = demo_index
    found = [titles[i] for i in backend.search(query, SearchFilters(), limit=50).ids]
    assert expected in found


def test_it_suggests_a_spelling_from_the_demo_vocabulary(demo_index):
    backend, _titles = demo_index
    for typo, meant in [("brøytnig", "brøyting"), ("renhld", "renhold"),
                        ("kantindrift", "kantinedrift"), ("Transformatr", "transformatorer")]:
        assert backend.search(typo, SearchFilters()).total == 0
        suggestion = backend.suggest(typo, SearchFilters(), 0)
        assert suggestion is not None and suggestion.query == meant, typo
        assert suggestion.total == backend.search(meant, SearchFilters()).total > 0


# --- stems --------------------------------------------------------------------------------

def test_it_finds_other_inflections_of_bokmål_words(make_notice):
    make_notice(**plain("Legemidler til sykehusapotek"))
    make_notice(**plain("Nye transformatorer"))
    make_notice(**plain("Ferjer til riksvegsamband"))
    make_notice(**plain("Bærbare PC-er"))
    make_notice(title="Helsetjenester", description="Kjøp av vaksiner.")
    make_notice(**plain("Drift av vinteren"))
    make_notice(**plain("Vedlikehold av sykehjemmet"))
    make_notice(**plain("Asfaltering av veiene"))

    assert find("legemiddel") == ["Legemidler til sykehusapotek"]
    assert find("legemidlene") == ["Legemidler til sykehusapotek"]
    assert find("transformatoren") == ["Nye transformatorer"]
    assert find("ferje") == ["Ferjer til riksvegsamband"]
    assert find("bærbar") == ["Bærbare PC-er"]
    assert find("vaksine") == ["Helsetjenester"]
    assert find("vintre") == ["Drift av vinteren"]
    assert find("sykehjem") == ["Vedlikehold av sykehjemmet"]
    assert find("vei") == ["Asfaltering av veiene"]
    # Every word must still match, in some form.
    assert find("bærbar legemiddel") == []


def test_it_finds_english_word_forms(make_notice):
    make_notice(**plain("Supply of medicines and vaccines"))
    make_notice(**plain("Cleaning services for offices"))
    make_notice(**plain("Laptops for schools"))

    assert find("medicine") == ["Supply of medicines and vaccines"]
    assert find("vaccine") == ["Supply of medicines and vaccines"]
    assert find("cleaned office") == ["Cleaning services for offices"]
    assert find("laptop") == ["Laptops for schools"]
    assert find("school") == ["Laptops for schools"]


def test_the_form_as_written_ranks_first(make_notice, now):
    from datetime import timedelta

    make_notice(**plain("Legemidler til sykehus"), at=now)
    make_notice(**plain("Legemiddel til sykehus"), at=now - timedelta(days=5))
    make_notice(**plain("Snøbrøyting i sentrum"), at=now)
    make_notice(**plain("Brøyting av plasser"), at=now - timedelta(days=5))
    make_notice(**plain("Bortkjøring av snø"), at=now - timedelta(days=5))

    assert find("legemiddel") == ["Legemiddel til sykehus", "Legemidler til sykehus"]
    assert find("legemidler") == ["Legemidler til sykehus", "Legemiddel til sykehus"]
    assert find("brøyting") == ["Brøyting av plasser", "Snøbrøyting i sentrum"]
    # The other orders still hold every form.
    assert find("legemiddel", sort="published") == ["Legemidler til sykehus",
                                                    "Legemiddel til sykehus"]


# --- compounds ----------------------------------------------------------------------------

def test_it_finds_words_as_parts_of_compounds(make_notice):
    make_notice(**plain("Snøbrøyting av fylkesveger"))
    make_notice(**plain("Snørydding og brøyting"))
    make_notice(**plain("Rydding av skog"))
    make_notice(**plain("Ny ferjekai på Vengsøy"))
    make_notice(**plain("Ferjedrift og kai"))
    make_notice(**plain("Kantinedrift ved rådhuset"))
    make_notice(**plain("Drift av vannverk"))
    make_notice(**plain("Arkitekttjenester for skole"))

    # Last part: "brøyting" finds "snøbrøyting", since "snø" begins another compound
    # (snørydding) whose rest is a word of its own (rydding).
    assert sorted(find("brøyting")) == ["Snøbrøyting av fylkesveger", "Snørydding og brøyting"]
    # First part, with a linking letter: ferje + kai, ferje + drift (both words too).
    assert sorted(find("ferje")) == ["Ferjedrift og kai", "Ny ferjekai på Vengsøy"]
    assert sorted(find("drift")) == ["Drift av vannverk", "Ferjedrift og kai",
                                     "Kantinedrift ved rådhuset"]
    assert find("kai") == ["Ferjedrift og kai"]       # three letters: not looked for inside
    # Long parts on both sides need no other evidence.
    assert find("tjeneste") == ["Arkitekttjenester for skole"]
    # Compound parts take stems too, and every word must still match.
    assert find("ferjer vengsøy") == ["Ny ferjekai på Vengsøy"]


def test_it_does_not_split_words_by_chance(make_notice):
    make_notice(**plain("Brøyting og strøing"))
    make_notice(**plain("Rammeavtale om kontorrekvisita"))
    make_notice(**plain("Forsikring av bygg"))
    make_notice(**plain("Tjenesteyting til kommunen"))
    make_notice(**plain("Avtale om sikring"))

    assert find("yting") == ["Tjenesteyting til kommunen"]   # not bro|yting
    assert find("tale") == []                          # not rammeav|tale
    assert find("sikring") == ["Avtale om sikring"]    # not for|sikring
    assert sorted(find("avtale")) == ["Avtale om sikring", "Rammeavtale om kontorrekvisita"]


def test_compound_splits_follow_the_vocabulary(tmp_path):
    backend = TantivyBackend(tmp_path / "index")

    def doc(i: int, title: str) -> IndexDoc:
        return IndexDoc(id=i, reference=f"R-{i}", title=title, description="", buyer_name="",
                        buyer_id=1, lot_titles=[], cpv_codes=["45000000"], nuts="NO081",
                        kind="national", status="published", published_at=None, deadline=None,
                        estimated_value=None)

    backend.index([doc(1, "Veisalting"), doc(2, "Salting av fortau")])
    assert backend.search("salting", SearchFilters()).total == 1   # "vei" is not a word yet
    backend.index([doc(3, "Vei til skolen")])
    assert sorted(backend.search("salting", SearchFilters()).ids) == [1, 2]


# --- did you mean -------------------------------------------------------------------------

def test_the_api_says_did_you_mean_for_a_typo(make_notice, api_for):
    make_notice(**plain("Brøyting av veier"), nuts="NO081")
    make_notice(**plain("Brøyting av plasser"), nuts="NO081")
    make_notice(**plain("Brøyting i Bergen"), nuts="NO0A2")
    client = api_for(None)

    body = client.get("/api/notices/", {"q": "brøytnig"}).json()
    assert body["count"] == 0
    assert body["did_you_mean"] == {"q": "brøyting", "count": 3}
    # With the filters of the search: the count is what the respelled search would give.
    body = client.get("/api/notices/", {"q": "brøytnig", "nuts": "NO08"}).json()
    assert body["did_you_mean"] == {"q": "brøyting", "count": 2}
    # Other words and their case stay as typed.
    body = client.get("/api/notices/", {"q": "Brøytnig av plasser"}).json()
    assert body["did_you_mean"] == {"q": "brøyting av plasser", "count": 1}
    # Found, or nothing better: no suggestion.
    assert client.get("/api/notices/", {"q": "brøyting"}).json()["did_you_mean"] is None
    assert client.get("/api/notices/", {"q": "xqzvw"}).json()["did_you_mean"] is None
    assert client.get("/api/notices/", {"nuts": "NO08"}).json()["did_you_mean"] is None


def test_a_rare_word_is_respelled_only_to_a_much_commoner_one(make_notice, api_for):
    for i in range(10):
        make_notice(**plain(f"Ferje nummer {i}"))
    make_notice(**plain("Ferie for ansatte"))
    client = api_for(None)

    # One hit: "ferie" is a word of the index, but "ferje" is ten times commoner.
    body = client.get("/api/notices/", {"q": "ferie"}).json()
    assert body["count"] == 1
    assert body["did_you_mean"] == {"q": "ferje", "count": 10}
    # Enough hits: no question asked.
    assert client.get("/api/notices/", {"q": "ferje"}).json()["did_you_mean"] is None


def test_did_you_mean_is_in_the_openapi_schema(api_for):
    schema = api_for(None).get("/api/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["NoticePage"]
    assert "did_you_mean" in page["properties"]
    assert set(schema["components"]["schemas"]["DidYouMean"]["properties"]) == {"q", "count"}


def test_the_search_page_links_the_suggestion_keeping_the_filters(client, make_notice,
                                                                    english_site):
    make_notice(**plain("Brøyting av veier"), nuts="NO081")
    response = client.get("/", {"q": "brøytnig", "nuts": "NO08", "page": "1"})
    html = response.content.decode()
    assert response.context["did_you_mean"]["url"] == "?q=br%C3%B8yting&nuts=NO08"
    assert 'href="?q=br%C3%B8yting&amp;nuts=NO08"' in html
    assert "Did you mean" in html
    followed = client.get("/" + response.context["did_you_mean"]["url"])
    assert [n.title for n in followed.context["page"].object_list] == ["Brøyting av veier"]


def test_the_search_page_asks_in_bokmål(client, make_notice):
    from django.utils import translation

    make_notice(**plain("Brøyting av veier"))
    with translation.override("nb"):
        html = client.get("/", {"q": "brøytnig"}, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Mente du" in html and "brøyting</a>" in html


# --- what did not change ------------------------------------------------------------------

def test_counts_stay_exact_and_drafts_hidden_with_word_forms(make_notice):
    for i in range(4):
        make_notice(**plain(f"Legemidler parti {i}"))
    make_notice(**plain("Legemiddel i utkast"), publish=False)
    result = notice_search_public(filters=NoticeFilters(q="legemiddel"))
    assert result.count == 4 and len(result.notices) == 4
    assert all("utkast" not in n.title for n in result.notices)
    # Sorted by date the query leaves the exact fields out: the same notices match.
    by_date = notice_search_public(filters=NoticeFilters(q="legemiddel", sort="published"))
    assert by_date.count == 4
    assert {n.pk for n in by_date.notices} == {n.pk for n in result.notices}
    assert search.get_backend().search("parti", SearchFilters(), "published", 0, 0).total == 4


# --- the index format ---------------------------------------------------------------------

def test_an_index_of_an_older_format_is_set_aside_and_the_database_answers(
        make_notice, settings, tmp_path, caplog):
    from django.core.management import call_command

    make_notice(**plain("Legemidler til sykehus"))
    old = tmp_path / "old-index"
    old.mkdir()
    (old / "anbud_schema_version").write_text("1")
    (old / "meta.json").write_text("{}")           # whatever the old version left
    settings.SEARCH_INDEX_DIR = old
    settings.SEARCH_FOLLOW_INLINE = False   # a node before its follower's next round

    before = notice_search_public(filters=NoticeFilters(q="legemidler"))
    assert [n.title for n in before.notices] == ["Legemidler til sykehus"]
    assert before.engine == "database"                # the emptied index is not asked
    assert "search_reindex" in caplog.text
    assert (old / "anbud_schema_version").read_text() == SCHEMA_VERSION

    # The follower finds no position (set aside with the old index) and rebuilds it: in the
    # embedded profile at the next search, on a production node at its next round.
    settings.SEARCH_FOLLOW_INLINE = True
    rebuilt = notice_search_public(filters=NoticeFilters(q="legemiddel"))
    assert [n.title for n in rebuilt.notices] == ["Legemidler til sykehus"]
    assert rebuilt.engine == "index"

    call_command("search_reindex")
    after = notice_search_public(filters=NoticeFilters(q="legemiddel"))
    assert [n.title for n in after.notices] == ["Legemidler til sykehus"]
    assert after.engine == "index"
    assert search.get_backend().num_docs() == 1


# --- the analysis rules -------------------------------------------------------------------

@pytest.mark.parametrize("forms", [
    "legemiddel legemidler legemidlene", "bærbar bærbare", "vaksine vaksiner vaksinene",
    "ferje ferjer ferjene", "vinter vinteren vintre", "sykehjem sykehjemmet",
    "vei veier veien veiene", "transformator transformatorer transformatoren",
    "sykkel sykler syklene", "regel regler",
])
def test_inflections_share_a_bokmål_stem(forms):
    assert len({analysis.stem_nb(word) for word in forms.split()}) == 1, forms


def test_an_index_whose_schema_does_not_match_its_version_file_is_set_aside(tmp_path, caplog):
    import tantivy

    path = tmp_path / "index"
    path.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("something_else")
    tantivy.Index(builder.build(), path=str(path))
    (path / "anbud_schema_version").write_text(SCHEMA_VERSION)

    backend = TantivyBackend(path)
    assert backend.num_docs() == 0
    assert "search_reindex" in caplog.text
    backend.index([IndexDoc(id=1, reference="R-1", title="Legemidler", description="",
                            buyer_name="", buyer_id=1, lot_titles=[], cpv_codes=["33600000"],
                            nuts="NO081", kind="national", status="published",
                            published_at=None, deadline=None, estimated_value=None)])
    assert backend.search("legemiddel", SearchFilters()).ids == [1]
