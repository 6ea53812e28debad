"""The default search engine: an embedded Tantivy index (BM25, exact counts) on local disk.

One directory per index (settings.SEARCH_INDEX_DIR, by default DATA_DIR / "search"). Tantivy
allows one writer per directory at a time; the indexing task is the only writer in normal
operation (see notices/search/tasks.py), and every write opens the writer, commits and lets go, so
`search_reindex` in another process simply waits its turn. Readers are lock-free and see a
write once it is committed.

Text is tokenized by the "nb" analyzer: Tantivy's simple tokenizer (splits on anything that is
not a Unicode letter or digit, so æ, ø and å stay inside words), long-token removal and
lowercasing. Beside the words as written, each notice holds all its text again as ASCII-folded
words ("broyting" finds "brøyting") and as bokmål and English stems ("legemiddel" finds
"legemidler"), both at a lower weight (analysis.py). A small second index under `words/`
holds the vocabulary, one document per distinct word: the searched words are looked up in it
as parts of compounds ("brøyting" finds "snøbrøyting") and, when a search finds next to
nothing, as a spelling suggestion ("brøytnig" -> "brøyting"). docs/search.md explains both.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import tantivy

from notices.search import analysis
from notices.search.backend import (
    COMPETITION_KINDS,
    PLANNING_KINDS,
    RESULT_KINDS,
    IndexDoc,
    SearchFilters,
    SearchHits,
    Sort,
    Suggestion,
)

log = logging.getLogger(__name__)

# 2: the `stem` field (word forms), `phase` (the part of the phase that does not depend on
#    the clock) and the `words/` vocabulary index (compounds, spelling, folded spellings).
# 3: numbers are their own stems (no longer cut: "000100" was "00010") and stay out of the
#    vocabulary.
# 4: the text fields keep term frequencies but no positions (no query is a phrase: BM25 needs
#    only the frequencies), and the id is a fast field only, not stored.
SCHEMA_VERSION = "4"
NO_DEADLINE = 2**53          # sorts after every real deadline
MAX_QUERY_TERMS = 32
WRITER_HEAP = 64_000_000
WORDS_HEAP = 15_000_000
# The rebuild's indexing threads and memory per thread (settings SEARCH_REBUILD_THREADS and
# SEARCH_REBUILD_HEAP_MB): the Python side builds documents in one thread, Tantivy tokenizes
# and writes segments in these.
REBUILD_HEAP_MB = 128
REBUILD_THREADS = max(2, min(8, os.cpu_count() or 2))
LOCK_WAIT_SECONDS = 30.0

TEXT_BOOSTS = {"title": 3.0, "reference": 3.0, "buyer": 1.5, "lots": 1.5, "description": 1.0}
TEXT_FIELDS = tuple(TEXT_BOOSTS)   # in the order _document reads them from an IndexDoc
FOLDED_BOOST = 0.4
STEM_BOOST = 0.7              # the bokmål stem: "legemiddel" for "legemidler"
EN_STEM_BOOST = 0.5           # the English stem where it differs
COMPOUND_BOOST = 0.3          # a constant score: found only as part of a compound
COMPOUND_CANDIDATES = 200     # the most frequent vocabulary words tried per searched word
SPELLING_CANDIDATES = 50
MORE_POPULAR = 10             # a known word is respelled only to one this many times commoner

_write_lock = threading.Lock()   # one writer per process; the directory lock covers processes


NB = analysis.WORDS
NB_FOLD = analysis.FOLD


def _schema() -> Any:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("id", indexed=True, fast=True)
    for name in TEXT_BOOSTS:
        b.add_text_field(name, tokenizer_name="nb", index_option="freq")
    b.add_text_field("folded", tokenizer_name="nb_fold", index_option="freq")
    b.add_text_field("stem", tokenizer_name="spaces", index_option="freq")
    for name in ("cpv", "nuts", "kind", "status", "phase"):
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    b.add_integer_field("buyer_id", indexed=True, fast=True)
    b.add_integer_field("published", indexed=True, fast=True)
    b.add_integer_field("deadline", indexed=True, fast=True)
    b.add_float_field("value", indexed=True, fast=True)
    return b.build()


def _words_schema() -> Any:
    """The vocabulary: one document per distinct word of any indexed notice."""
    b = tantivy.SchemaBuilder()
    b.add_text_field("word", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("stem", tokenizer_name="raw", index_option="basic")
    b.add_text_field("rev", tokenizer_name="raw", index_option="basic")   # the stem reversed
    b.add_text_field("folded", tokenizer_name="raw", index_option="basic")
    return b.build()


def _phase_of(kind: str, status: str) -> str:
    """The part of a notice's phase that does not depend on the clock (see _phase_query)."""
    if kind in PLANNING_KINDS:
        return "planning"
    if kind in RESULT_KINDS:
        return "award"
    if kind in COMPETITION_KINDS and status == "published":
        return "competing"
    return ""


def _epoch(value: datetime | None, default: int) -> int:
    return int(value.timestamp()) if value is not None else default


def _prefixes(code: str, shortest: int) -> set[str]:
    return {code[:n] for n in range(shortest, len(code) + 1)}


@functools.lru_cache(maxsize=50_000)
def _cpv_terms(codes: tuple[str, ...]) -> list[str]:
    """The cpv field: every prefix of every code from its division down (the tree filter)."""
    terms: set[str] = set()
    for code in codes:
        terms |= _prefixes(code.rstrip("0").ljust(2, "0"), 2)
    return sorted(terms)


@functools.lru_cache(maxsize=5_000)
def _nuts_terms(nuts: str) -> list[str]:
    return sorted(_prefixes(nuts, 2)) if nuts else []


def _max_edits(word: str) -> int:
    """How many edits a respelling may make: none below four letters, one up to five."""
    return 0 if len(word) < 4 else 1 if len(word) <= 5 else 2


def _rebuild_writer_settings() -> tuple[int, int]:
    """The rebuild writer's threads and heap per thread in MB, from the settings if set."""
    from django.conf import settings

    threads = int(getattr(settings, "SEARCH_REBUILD_THREADS", 0) or 0) or REBUILD_THREADS
    heap_mb = int(getattr(settings, "SEARCH_REBUILD_HEAP_MB", 0) or 0) or REBUILD_HEAP_MB
    # Tantivy asks for at least 15 MB and at most about 4 GB per thread.
    return max(1, threads), max(15, min(heap_mb, 4000))


@contextlib.contextmanager
def _engine_errors() -> Iterator[None]:
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        # A Rust panic arrives as pyo3's PanicException, a BaseException: make it an
        # ordinary error so the caller can fall back to the database.
        raise RuntimeError(f"search engine failed: {exc}") from exc


class TantivyBackend:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.schema = _schema()
        self.words_schema = _words_schema()
        self._index: Any = None
        self._words: Any = None
        self._open_lock = threading.Lock()
        self._compounds_cache: dict[str, list[str]] = {}
        self._compounds_generation = -1

    # --- the index ------------------------------------------------------------------------

    def _open(self) -> Any:
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    self._index, self._words = self._open_or_create()
        return self._index

    def _open_words(self) -> Any:
        self._open()
        return self._words

    def _open_or_create(self) -> tuple[Any, Any]:
        version_file = self.path / "anbud_schema_version"
        if self.path.exists() and any(self.path.iterdir()) and (not version_file.exists()
                                   or version_file.read_text().strip() != SCHEMA_VERSION):
            self._set_aside("has another schema version")
        try:
            index, words = self._open_dirs()
        except ValueError as exc:
            if "schema does not match" not in str(exc):
                raise
            self._set_aside("does not match its schema version file")
            index, words = self._open_dirs()
        version_file.write_text(SCHEMA_VERSION)
        return index, words

    def _set_aside(self, why: str) -> None:
        """An index of another format is useless: start empty. Until the operator runs
        search_reindex (the upgrade notes say so), the database answers every search
        (notices.selectors: an empty index is never asked)."""
        log.warning("search index at %s %s; recreating it empty: run "
                    "`manage.py search_reindex`", self.path, why)
        shutil.rmtree(self.path)

    def _open_dirs(self) -> tuple[Any, Any]:
        (self.path / "words").mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        index.register_tokenizer("nb", NB)
        index.register_tokenizer("nb_fold", NB_FOLD)
        index.register_tokenizer("spaces", analysis.SPACES)
        words = tantivy.Index(self.words_schema, path=str(self.path / "words"), reuse=True)
        return index, words

    def _writer(self, index: Any, heap: int = WRITER_HEAP, threads: int = 1) -> Any:
        """Take the directory's writer lock, waiting for another writer to finish."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return index.writer(heap_size=heap, num_threads=threads)
            except ValueError as exc:  # LockBusy: another process is writing
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _document(self, doc: IndexDoc, stems: analysis.StemTable) -> Any:
        """The index document of a notice; its words go into `stems` (the vocabulary)."""
        texts = (doc.title, doc.reference, doc.buyer_name, " ".join(doc.lot_titles),
                 doc.description)
        fields: dict[str, Any] = {name: [value] for name, value
                                  in zip(TEXT_FIELDS, texts, strict=True) if value}
        all_text = " ".join(v for v in texts if v)
        fields["id"] = [doc.id]
        fields["folded"] = [all_text]
        fields["stem"] = [analysis.stem_text(analysis.words(all_text), stems)]
        fields["cpv"] = _cpv_terms(tuple(doc.cpv_codes))
        fields["nuts"] = _nuts_terms(doc.nuts)
        fields["kind"] = [doc.kind]
        fields["status"] = [doc.status]
        phase = _phase_of(doc.kind, doc.status)
        if phase:
            fields["phase"] = [phase]
        fields["buyer_id"] = [doc.buyer_id]
        fields["published"] = [_epoch(doc.published_at, 0)]
        fields["deadline"] = [_epoch(doc.deadline, NO_DEADLINE)]
        if doc.estimated_value is not None:
            fields["value"] = [float(doc.estimated_value)]
        return tantivy.Document.from_dict(fields, self.schema)

    @staticmethod
    def _word_document(word: str) -> Any:
        stem = analysis.stem_nb(word)
        return tantivy.Document(word=[word], stem=[stem], rev=[stem[::-1]],
                                folded=[analysis.folded(word)])

    # --- writes ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _batch(self, index: Any = None, heap: int = WRITER_HEAP,
               threads: int = 1) -> Iterator[Any]:
        """One write batch: committed if the body returns, rolled back if it raises; the
        writer's merge threads are joined either way. Callers hold the process lock."""
        writer = self._writer(index if index is not None else self._open(), heap=heap,
                              threads=threads)
        try:
            yield writer
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    def _add_words(self, words: set[str], *, replace: bool = False) -> None:
        """Add the words the vocabulary does not hold yet (all of them, after a wipe, with
        `replace`). The vocabulary only grows between rebuilds: a word whose last notice
        went away stays, which costs nothing (suggestions are checked against the notices)."""
        index = self._open_words()
        # Numbers (the parts of reference numbers, one per notice) are neither compound parts
        # nor spelling candidates: a million of them made most of the vocabulary.
        words = {w for w in words if not w.isdigit()}
        if not replace:
            index.reload()
            searcher = index.searcher()
            words = {w for w in words if not searcher.doc_freq("word", w)}
            if not words:
                return
        with self._batch(index, heap=WORDS_HEAP) as writer:
            if replace:
                writer.delete_all_documents()
            for word in sorted(words):
                writer.add_document(self._word_document(word))

    def index(self, notices: Iterable[IndexDoc]) -> None:
        stems = analysis.StemTable(limit=None)   # this batch's words
        with _write_lock:
            with self._batch() as writer:
                for doc in notices:
                    document = self._document(doc, stems)
                    writer.delete_documents_by_term("id", doc.id)
                    writer.add_document(document)
            self._add_words(set(stems))

    def delete(self, ids: Iterable[int]) -> None:
        with _write_lock, self._batch() as writer:
            for notice_id in ids:
                writer.delete_documents_by_term("id", int(notice_id))

    def rebuild(self, notices: Iterable[IndexDoc]) -> int:
        count = 0
        # Every word of every notice, stemmed once: the table is also the new vocabulary.
        stems = analysis.StemTable(limit=None)
        with _write_lock:
            threads, heap_mb = _rebuild_writer_settings()
            with self._batch(heap=heap_mb * 1_000_000 * threads, threads=threads) as writer:
                writer.delete_all_documents()
                for doc in notices:
                    writer.add_document(self._document(doc, stems))
                    count += 1
            self._add_words(set(stems), replace=True)
        return count

    # --- reads: words, their forms and their compounds -------------------------------------

    def _word_query(self, word: str, ranked: bool, words: Any) -> Any:
        """Every way one searched word can match: as written (ranked by field), folded, by
        its stems, or as the first or last part of a compound word of the vocabulary. The
        stem covers the word as written, so unranked searches leave the exact fields out.
        (If the vocabulary lags behind the notices, because adding to it failed after the
        notices were committed, the retried index task repairs it.)"""
        term, boost = tantivy.Query.term_query, tantivy.Query.boost_query
        nb, *english = analysis.stems(word)
        compounds = self._compounds(word, words)
        folded = analysis.folded(word)
        options = []
        if words.doc_freq("folded", folded) > (1 if words.doc_freq("word", word) else 0):
            # Only if the vocabulary spells it another way (broyting: brøyting); otherwise
            # the stem finds the same notices, and a common word's postings cost twice.
            options.append(boost(term(self.schema, "folded", folded), FOLDED_BOOST))
        if not ranked:
            # Which notices match, not how well: every stem and compound as one term set.
            stems = [nb, *english, *compounds]
            options.append(term(self.schema, "stem", nb) if len(stems) == 1
                           else tantivy.Query.term_set_query(self.schema, "stem", stems))
            return options[0] if len(options) == 1 else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, option) for option in options])
        options += [boost(term(self.schema, f, word), b) for f, b in TEXT_BOOSTS.items()]
        options.append(boost(term(self.schema, "stem", nb), STEM_BOOST))
        options += [boost(term(self.schema, "stem", s), EN_STEM_BOOST) for s in english]
        if compounds:
            options.append(boost(tantivy.Query.term_set_query(self.schema, "stem", compounds),
                                 COMPOUND_BOOST))
        return tantivy.Query.disjunction_max_query(options, tie_breaker=0.2)

    def _text_query(self, text: str, ranked: bool = True) -> Any:
        terms = list(dict.fromkeys(NB.analyze(text)))[:MAX_QUERY_TERMS]
        if not terms:
            return None
        words = self._words_searcher()
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, self._word_query(term, ranked, words)) for term in terms])

    def _words_searcher(self) -> Any:
        index = self._open_words()
        index.reload()
        searcher = index.searcher()
        generation = int(searcher.num_docs)   # the vocabulary only grows between rebuilds
        if generation != self._compounds_generation or len(self._compounds_cache) > 10_000:
            self._compounds_cache = {}
            self._compounds_generation = generation
        return searcher

    @staticmethod
    def _known(words: Any, part: str) -> bool:
        """Is `part` a word of the vocabulary (as written, or the stem of one)?"""
        return any(words.doc_freq("word", p) or words.doc_freq("stem", p)
                   for p in {part, analysis.stem_nb(part)})

    def _first_part(self, words: Any, part: str, compound: str) -> bool:
        """May `part` be the first part of `compound`? If it is a word of its own (also
        without a linking s or e: fylkes-veg), or if it begins another compound of the
        vocabulary whose rest is a word (snø: snørydding = snø + rydding)."""
        if any(self._known(words, p) for p in analysis.without_linking(part)):
            return True
        for other, _count in words.terms_with_prefix("stem", part, limit=COMPOUND_CANDIDATES):
            rest = other[len(part):]
            if other != compound and len(rest) >= analysis.MIN_PART and any(
                    self._known(words, r) for r in analysis.after_linking(rest)
                    if len(r) >= analysis.MIN_PART):
                return True
        return False

    def _longer_word(self, words: Any, compound: str, split: int, head: bool) -> bool:
        """Does a word longer than the searched one end (head) or begin the compound?
        Then the split at `split` cuts that word: "yting" in snø|brøyting."""
        if head:
            return any(self._known(words, compound[i:])
                       for i in range(analysis.MIN_PART, split))
        return any(self._known(words, compound[:i])
                   for i in range(split + 1, len(compound) - analysis.MIN_PART + 1))

    def _compounds(self, word: str, words: Any) -> list[str]:
        """Stems of vocabulary words that are compounds with the word as their last part
        (brøyting: snøbrøyting) or first part (ferje: ferjedrift, ferjekai). The other part
        must be a word too (`_first_part`, `_known`): "yting" does not find "brøyting", as
        "brø" is not one. Parts of five letters or more on both sides need no such
        evidence (tjenest: arkitekttjenest), as chance splits that long are rare."""
        cached = self._compounds_cache.get(word)
        if cached is not None:
            return cached
        stem = analysis.stem_nb(word)
        found: set[str] = set()
        if len(stem) >= analysis.MIN_QUERY_PART:
            for reversed_stem, _count in words.terms_with_prefix("rev", stem[::-1],
                                                                 limit=COMPOUND_CANDIDATES):
                compound = reversed_stem[::-1]
                first = compound[: len(compound) - len(stem)]
                if len(first) < analysis.MIN_PART:
                    continue
                if self._first_part(words, first, compound) or (
                        len(stem) >= analysis.LONG_PART and len(first) >= analysis.LONG_PART
                        and not self._longer_word(words, compound, len(first), head=True)):
                    found.add(compound)
        # First part: by the stem, and by the word as written where the stemmer cut more
        # than an inflection (sikkerhet -> sik; sikkerhet|s|tjenest).
        for first in dict.fromkeys((stem, word)):
            if len(first) < analysis.MIN_QUERY_PART:
                continue
            for compound, _count in words.terms_with_prefix("stem", first,
                                                            limit=COMPOUND_CANDIDATES):
                rests = [r for r in analysis.after_linking(compound[len(first):])
                         if len(r) >= analysis.MIN_PART]
                if any(self._known(words, r) for r in rests) or (
                        len(first) >= analysis.LONG_PART
                        and any(len(r) >= analysis.LONG_PART for r in rests)
                        and not self._longer_word(words, compound, len(first), head=False)):
                    found.add(compound)
        result = sorted(found)
        self._compounds_cache[word] = result
        return result

    # --- reads: spelling ------------------------------------------------------------------

    def suggest(self, query: str, filters: SearchFilters, total: int) -> Suggestion | None:
        """A respelling of `query` from the vocabulary that finds more than `total` notices
        with these filters, or None. Each word of four letters or more that no notice has
        (in any form) is replaced by the commonest vocabulary word within one edit (words
        of up to five letters) or two; a word that some notice has is replaced only by one
        at least MORE_POPULAR times commoner."""
        with _engine_errors():
            return self._suggest(query, filters, total)

    def _suggest(self, query: str, filters: SearchFilters, total: int) -> Suggestion | None:
        tokens = list(dict.fromkeys(NB.analyze(query)))[:MAX_QUERY_TERMS]
        if not tokens:
            return None
        index = self._open()
        index.reload()
        searcher = index.searcher()
        words = self._words_searcher()
        replacements: dict[str, str] = {}
        for token in tokens:
            if len(token) < 4 or token.isdigit():
                continue
            better = self._respell(token, searcher, words)
            if better:
                replacements[token] = better
        if not replacements:
            return None
        suggested = query
        for token, better in replacements.items():   # words: letters and digits only
            suggested = re.sub(rf"(?<!\w){re.escape(token)}(?!\w)", better, suggested,
                               flags=re.IGNORECASE)
        hits = self.search(suggested, filters, offset=0, limit=0).total
        return Suggestion(query=suggested, total=hits) if hits > total else None

    @staticmethod
    def _frequency(searcher: Any, word: str) -> int:
        """In how many notices the word occurs in some form (its stem, or folded)."""
        return max(int(searcher.doc_freq("stem", analysis.stem_nb(word))),
                   int(searcher.doc_freq("folded", analysis.folded(word))))

    def _respell(self, token: str, searcher: Any, words: Any) -> str:
        """The best respelling of one word, or "": vocabulary words within the allowed
        edits as written or by their stems (transformatr: transformatorer), the nearest
        first, then the commonest."""
        own = self._frequency(searcher, token) or self.search(
            token, SearchFilters(), offset=0, limit=0).total   # found as a compound part?
        stem = analysis.stem_nb(token)
        allowed = {"word": (token, _max_edits(token)), "stem": (stem, _max_edits(stem))}
        best: tuple[int, int, str] | None = None
        for distance in (1, 2):
            clauses = [(tantivy.Occur.Should, tantivy.Query.fuzzy_term_query(
                self.words_schema, field, text, distance=distance, transposition_cost_one=True))
                for field, (text, edits) in allowed.items() if distance <= edits]
            if not clauses:
                break
            hits = words.search(tantivy.Query.boolean_query(clauses),
                                limit=SPELLING_CANDIDATES).hits
            for _score, address in hits:
                candidate = words.doc(address)["word"][0]
                candidate_stem = analysis.stem_nb(candidate)
                if candidate == token or candidate_stem == stem:
                    continue
                frequency = self._frequency(searcher, candidate)
                if not frequency or frequency < own * MORE_POPULAR:
                    continue
                nearness = min(
                    analysis.damerau_levenshtein(token, candidate, limit=distance + 1),
                    analysis.damerau_levenshtein(stem, candidate_stem, limit=distance + 1))
                key = (nearness, -frequency, candidate)
                if best is None or key < best:
                    best = key
            if best is not None:
                break
        return best[2] if best is not None else ""

    def _terms(self, field: str, values: Iterable[str]) -> Any:
        return tantivy.Query.term_set_query(self.schema, field, list(values))

    def _int_range(self, field: str, lower: int | None, upper: int | None,
                   include_lower: bool = True) -> Any:
        return tantivy.Query.range_query(self.schema, field, tantivy.FieldType.Integer,
                                         lower_bound=lower, upper_bound=upper,
                                         include_lower=include_lower)

    def _phase_query(self, phase: str, now: datetime) -> Any:
        """The phase by the clock. `phase` holds what does not depend on it (planning,
        award, or competing: published with a competition kind), so the only per-query
        work is the deadline range over the few competing notices."""
        clock = int(now.timestamp())
        if phase == "planning":
            return self._terms("phase", ["planning"])
        competing = (tantivy.Occur.Must, self._terms("phase", ["competing"]))
        if phase == "competition":
            return tantivy.Query.boolean_query([
                competing,
                (tantivy.Occur.Must, self._int_range("deadline", clock, NO_DEADLINE - 1,
                                                     include_lower=False)),
            ])
        # result: award notices, closed notices, and competitions whose deadline has passed
        passed = tantivy.Query.boolean_query([
            competing, (tantivy.Occur.Must, self._int_range("deadline", None, clock))])
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, self._terms("phase", ["award"])),
            (tantivy.Occur.Should, self._terms("status", ["closed"])),
            (tantivy.Occur.Should, passed),
        ])

    def _filter_queries(self, f: SearchFilters) -> Iterator[Any]:
        if f.cpv_prefix:
            yield tantivy.Query.term_query(self.schema, "cpv", f.cpv_prefix)
        if f.nuts_prefix:
            yield tantivy.Query.term_query(self.schema, "nuts", f.nuts_prefix)
        if f.kinds:
            yield self._terms("kind", f.kinds)
        if f.statuses:
            yield self._terms("status", f.statuses)
        if f.phase:
            yield self._phase_query(f.phase, f.now or datetime.now().astimezone())
        if f.deadline_after or f.deadline_before:
            yield self._int_range("deadline", _epoch(f.deadline_after, -NO_DEADLINE),
                                  _epoch(f.deadline_before, NO_DEADLINE - 1))
        if f.published_after or f.published_before:
            yield self._int_range("published", _epoch(f.published_after, 1),
                                  _epoch(f.published_before, NO_DEADLINE))
        if f.buyer_ids is not None:
            if not f.buyer_ids:
                yield tantivy.Query.empty_query()
            else:
                yield tantivy.Query.term_set_query(self.schema, "buyer_id", list(f.buyer_ids))
        if f.value_min is not None or f.value_max is not None:
            yield tantivy.Query.range_query(
                self.schema, "value", tantivy.FieldType.Float,
                lower_bound=float(f.value_min) if f.value_min is not None else -1.0,
                upper_bound=float(f.value_max) if f.value_max is not None else 1e15)

    def _query(self, text: str, f: SearchFilters, ranked: bool = True) -> Any:
        clauses = []
        text_query = self._text_query(text, ranked) if text.strip() else None
        if text_query is not None:
            clauses.append((tantivy.Occur.Must, text_query))
        elif text.strip():
            return tantivy.Query.empty_query()   # only punctuation: nothing can match
        for query in self._filter_queries(f):
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)))
        if not clauses:
            return tantivy.Query.all_query()
        if text_query is None:
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def search(self, query: str, filters: SearchFilters, sort: Sort = "relevance",
               offset: int = 0, limit: int = 20) -> SearchHits:
        with _engine_errors():
            return self._search(query, filters, sort, offset, limit)

    def _search(self, query: str, filters: SearchFilters, sort: Sort, offset: int,
                limit: int) -> SearchHits:
        index = self._open()
        index.reload()
        searcher = index.searcher()
        options: dict[str, Any] = {}
        if sort == "published" or (sort == "relevance" and not query.strip()):
            options = {"order_by_field": "published", "order": tantivy.Order.Desc}
        elif sort == "deadline":
            options = {"order_by_field": "deadline", "order": tantivy.Order.Asc}
        # Scores matter only for a page by relevance: otherwise the exact-field clauses,
        # which the stems already cover, are left out.
        ranked = sort == "relevance" and limit > 0
        # Tantivy needs a limit of at least 1, even when only the count is wanted.
        result = searcher.search(self._query(query, filters, ranked), limit=max(limit, 1),
                                 count=True, offset=offset, **options)
        addresses = [hit[1] for hit in result.hits][: max(limit, 0)]
        ids = [int(i) for i in searcher.fast_field_values("id", addresses)] if addresses else []
        return SearchHits(ids=ids, total=int(result.count or 0))

    def count(self, query: str, filters: SearchFilters) -> int:
        return self.search(query, filters, offset=0, limit=0).total

    def num_docs(self) -> int:
        index = self._open()
        index.reload()
        return int(index.searcher().num_docs)
