"""The search-backend interface: what any full-text engine behind the notice board must do.

The database stays the source of truth. An engine holds a derived copy of the public notices
(`IndexDoc`), answers full-text queries with an exact hit count, and can be rebuilt from the
database at any time. Callers re-check every id against the database visibility filter, so a
stale or wrong index can hide a notice for a moment but never reveal one.

The default engine is Tantivy (`tantivy_backend.TantivyBackend`), embedded, under the data
directory. A deployment beyond one machine implements this Protocol over a distributed engine
(OpenSearch, see docs/search.md) and names it in the SEARCH_BACKEND setting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, NamedTuple, Protocol

Sort = Literal["relevance", "published", "deadline"]
Phase = Literal["", "planning", "competition", "result"]

# Notice kinds by phase. "competition" is further limited by the clock (deadline in the
# future), "result" also takes in competition notices whose deadline has passed.
PLANNING_KINDS = ("pin",)
RESULT_KINDS = ("can", "veat")
COMPETITION_KINDS = ("cn", "national", "voluntary")


class IndexDoc(NamedTuple):
    """What the engine knows of one public notice. Built from the database (documents.py).
    A named tuple rather than a frozen dataclass: an index rebuild makes a million of them,
    and a tuple is made in a fifth of the time."""

    id: int
    reference: str
    title: str
    description: str
    buyer_name: str
    buyer_id: int
    lot_titles: list[str]
    cpv_codes: list[str]          # main, additional and lot codes, 8 digits each
    nuts: str
    kind: str
    status: str
    published_at: datetime | None
    deadline: datetime | None
    estimated_value: Decimal | float | None   # as the database driver returns it


@dataclass(frozen=True)
class SearchFilters:
    """Engine-neutral filters. Empty values mean "no filter"; all given filters must match."""

    cpv_prefix: str = ""          # "45" matches every 45xxxxxx code, "4521" every 4521xxxx
    nuts_prefix: str = ""         # "NO08" matches NO081 ... NO085
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    phase: Phase = ""
    now: datetime | None = None   # the clock for the phase
    deadline_after: datetime | None = None
    deadline_before: datetime | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    buyer_ids: tuple[int, ...] | None = None   # None: any buyer; (): no buyer matched
    value_min: Decimal | None = None
    value_max: Decimal | None = None


@dataclass
class SearchHits:
    ids: list[int] = field(default_factory=list)   # in result order
    total: int = 0                                   # exact number of matching documents


@dataclass(frozen=True)
class Suggestion:
    """"Did you mean": the query respelled from the index vocabulary, and its hits."""

    query: str
    total: int


class SearchBackend(Protocol):
    def index(self, notices: Iterable[IndexDoc]) -> None:
        """Add or replace these notices (by id). Single writer: one caller at a time."""

    def delete(self, ids: Iterable[int]) -> None:
        """Remove these notices; unknown ids are ignored."""

    def search(self, query: str, filters: SearchFilters, sort: Sort = "relevance",
               offset: int = 0, limit: int = 20) -> SearchHits:
        """Ids of matching notices in order and the exact total. Empty query: filters only.

        A word matches as written, without æ/ø/å, in another inflection (its bokmål or
        English stem) and as the first or last part of a compound word; as written ranks
        highest."""

    def suggest(self, query: str, filters: SearchFilters, total: int) -> Suggestion | None:
        """For a query that found `total` (few) notices: the query with misspelt words
        replaced by words of the index that finds more with the same filters, or None."""

    def rebuild(self, notices: Iterable[IndexDoc]) -> int:
        """Replace the whole index with these notices; return how many were indexed."""

    def num_docs(self) -> int:
        """How many notices the index holds (0: not built yet, the database answers)."""
