"""The default search engine: an embedded Tantivy index (BM25, exact counts) on local disk.

One directory per index (settings.SEARCH_INDEX_DIR, by default DATA_DIR / "search"). Tantivy
allows one writer per directory at a time; the indexing task is the only writer in normal
operation (see notices/search/tasks.py), and every write opens the writer, commits and lets go, so
`search_reindex` in another process simply waits its turn. Readers are lock-free and see a
write once it is committed.

Text is tokenized by the "nb" analyzer: Tantivy's simple tokenizer (splits on anything that is
not a Unicode letter or digit, so æ, ø and å stay inside words), long-token removal and
lowercasing. A second, ASCII-folded copy of all text (ø -> o, å -> a, æ -> ae) lets
"broyting" find "brøyting" at a lower weight.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import tantivy

from notices.search.backend import (
    COMPETITION_KINDS,
    PLANNING_KINDS,
    RESULT_KINDS,
    IndexDoc,
    SearchFilters,
    SearchHits,
    Sort,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
NO_DEADLINE = 2**53          # sorts after every real deadline
MAX_QUERY_TERMS = 32
WRITER_HEAP = 64_000_000
REBUILD_HEAP = 256_000_000
LOCK_WAIT_SECONDS = 30.0

TEXT_BOOSTS = {"title": 3.0, "reference": 3.0, "buyer": 1.5, "lots": 1.5, "description": 1.0}
FOLDED_BOOST = 0.4

_write_lock = threading.Lock()   # one writer per process; the directory lock covers processes


def _analyzer(fold: bool) -> Any:
    builder = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
               .filter(tantivy.Filter.remove_long(40))
               .filter(tantivy.Filter.lowercase()))
    if fold:
        builder = builder.filter(tantivy.Filter.ascii_fold())
    return builder.build()


NB = _analyzer(fold=False)
NB_FOLD = _analyzer(fold=True)


def _schema() -> Any:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in TEXT_BOOSTS:
        b.add_text_field(name, tokenizer_name="nb")
    b.add_text_field("folded", tokenizer_name="nb_fold", index_option="freq")
    for name in ("cpv", "nuts", "kind", "status"):
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    b.add_integer_field("buyer_id", indexed=True, fast=True)
    b.add_integer_field("published", indexed=True, fast=True)
    b.add_integer_field("deadline", indexed=True, fast=True)
    b.add_float_field("value", indexed=True, fast=True)
    return b.build()


def _epoch(value: datetime | None, default: int) -> int:
    return int(value.timestamp()) if value is not None else default


def _prefixes(code: str, shortest: int) -> set[str]:
    return {code[:n] for n in range(shortest, len(code) + 1)}


class TantivyBackend:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.schema = _schema()
        self._index: Any = None
        self._open_lock = threading.Lock()

    # --- the index ------------------------------------------------------------------------

    def _open(self) -> Any:
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    self._index = self._open_or_create()
        return self._index

    def _open_or_create(self) -> Any:
        version_file = self.path / "anbud_schema_version"
        if self.path.exists() and (not version_file.exists()
                                   or version_file.read_text().strip() != SCHEMA_VERSION):
            # An index from another schema version is useless: start empty; the operator
            # runs search_reindex (the upgrade notes say so).
            log.warning("search index at %s has another schema version; recreating it",
                        self.path)
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        index.register_tokenizer("nb", NB)
        index.register_tokenizer("nb_fold", NB_FOLD)
        version_file.write_text(SCHEMA_VERSION)
        return index

    def _writer(self, heap: int = WRITER_HEAP, threads: int = 1) -> Any:
        """Take the directory's writer lock, waiting for another writer to finish."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return self._open().writer(heap_size=heap, num_threads=threads)
            except ValueError as exc:  # LockBusy: another process is writing
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _document(self, doc: IndexDoc) -> Any:
        texts = {
            "title": doc.title, "reference": doc.reference, "buyer": doc.buyer_name,
            "lots": " ".join(doc.lot_titles), "description": doc.description,
        }
        fields: dict[str, Any] = {name: [value] for name, value in texts.items() if value}
        fields["id"] = [doc.id]
        fields["folded"] = [" ".join(v for v in texts.values() if v)]
        cpv: set[str] = set()
        for code in doc.cpv_codes:
            cpv |= _prefixes(code.rstrip("0").ljust(2, "0"), 2)
        fields["cpv"] = sorted(cpv)
        fields["nuts"] = sorted(_prefixes(doc.nuts, 2)) if doc.nuts else []
        fields["kind"] = [doc.kind]
        fields["status"] = [doc.status]
        fields["buyer_id"] = [doc.buyer_id]
        fields["published"] = [_epoch(doc.published_at, 0)]
        fields["deadline"] = [_epoch(doc.deadline, NO_DEADLINE)]
        if doc.estimated_value is not None:
            fields["value"] = [float(doc.estimated_value)]
        return tantivy.Document(**fields)

    # --- writes ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _batch(self, heap: int = WRITER_HEAP, threads: int = 1) -> Iterator[Any]:
        """One write batch under the process lock: committed if the body returns, rolled
        back if it raises; the writer's merge threads are joined either way."""
        with _write_lock:
            writer = self._writer(heap=heap, threads=threads)
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()

    def index(self, notices: Iterable[IndexDoc]) -> None:
        with self._batch() as writer:
            for doc in notices:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))

    def delete(self, ids: Iterable[int]) -> None:
        with self._batch() as writer:
            for notice_id in ids:
                writer.delete_documents_by_term("id", int(notice_id))

    def rebuild(self, notices: Iterable[IndexDoc]) -> int:
        count = 0
        with self._batch(heap=REBUILD_HEAP, threads=2) as writer:
            writer.delete_all_documents()
            for doc in notices:
                writer.add_document(self._document(doc))
                count += 1
        return count

    # --- reads ----------------------------------------------------------------------------

    def _text_query(self, text: str) -> Any:
        terms = list(dict.fromkeys(NB.analyze(text)))[:MAX_QUERY_TERMS]
        if not terms:
            return None
        musts = []
        for term in terms:
            options = [tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, f, term), b)
                       for f, b in TEXT_BOOSTS.items()]
            for folded in dict.fromkeys(NB_FOLD.analyze(term)):
                options.append(tantivy.Query.boost_query(
                    tantivy.Query.term_query(self.schema, "folded", folded), FOLDED_BOOST))
            musts.append((tantivy.Occur.Must,
                          tantivy.Query.disjunction_max_query(options, tie_breaker=0.2)))
        return tantivy.Query.boolean_query(musts)

    def _terms(self, field: str, values: Iterable[str]) -> Any:
        return tantivy.Query.term_set_query(self.schema, field, list(values))

    def _int_range(self, field: str, lower: int | None, upper: int | None,
                   include_lower: bool = True) -> Any:
        return tantivy.Query.range_query(self.schema, field, tantivy.FieldType.Integer,
                                         lower_bound=lower, upper_bound=upper,
                                         include_lower=include_lower)

    def _phase_query(self, phase: str, now: datetime) -> Any:
        clock = int(now.timestamp())
        if phase == "planning":
            return self._terms("kind", PLANNING_KINDS)
        competing = [
            (tantivy.Occur.Must, self._terms("status", ["published"])),
            (tantivy.Occur.Must, self._terms("kind", COMPETITION_KINDS)),
        ]
        if phase == "competition":
            return tantivy.Query.boolean_query([
                *competing,
                (tantivy.Occur.Must, self._int_range("deadline", clock, NO_DEADLINE - 1,
                                                     include_lower=False)),
            ])
        # result: award notices, closed notices, and competitions whose deadline has passed
        passed = tantivy.Query.boolean_query([
            *competing, (tantivy.Occur.Must, self._int_range("deadline", None, clock))])
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, self._terms("kind", RESULT_KINDS)),
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

    def _query(self, text: str, f: SearchFilters) -> Any:
        clauses = []
        text_query = self._text_query(text) if text.strip() else None
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
        try:
            return self._search(query, filters, sort, offset, limit)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            # A Rust panic arrives as pyo3's PanicException, a BaseException: make it an
            # ordinary error so the caller can fall back to the database.
            raise RuntimeError(f"search engine failed: {exc}") from exc

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
        # Tantivy needs a limit of at least 1, even when only the count is wanted.
        result = searcher.search(self._query(query, filters), limit=max(limit, 1), count=True,
                                 offset=offset, **options)
        addresses = [hit[1] for hit in result.hits][: max(limit, 0)]
        ids = [int(i) for i in searcher.fast_field_values("id", addresses)] if addresses else []
        return SearchHits(ids=ids, total=int(result.count or 0))

    def count(self, query: str, filters: SearchFilters) -> int:
        return self.search(query, filters, offset=0, limit=0).total

    def num_docs(self) -> int:
        index = self._open()
        index.reload()
        return int(index.searcher().num_docs)
