"""How notice text becomes index terms: words, their folded and stemmed forms, compound parts.

Engine-neutral rules (pure functions over strings); Tantivy supplies the tokenizer and the
Snowball stemmers, the rest is here so that the index and the query side always agree.

- Words: Tantivy's simple tokenizer (anything that is not a Unicode letter or digit splits;
  æ, ø, å stay inside words), words longer than 40 characters dropped, lowercased.
- Folded: the word through ASCII folding (ø -> o, å -> a, æ -> ae), for people who type
  without the Norwegian letters.
- Stems: every word gets a bokmål stem and an English stem. The bokmål stem is the Snowball
  Norwegian stemmer applied twice (it strips one suffix a time, so "bærbare" -> "bærbar" ->
  "bærb" meets "bærbar" -> "bærb"), then a few rules for what Snowball leaves apart:
  the vowel drop in -el/-er nouns ("legemiddel"/"legemidler", "vinter"/"vintre"), a final
  doubled consonant ("sykehjemmet" -> "sykehjemm" -> "sykehjem") and the inflections of
  short words that Snowball does not touch ("veier", "veien" -> "vei").
- Compound parts: see `head_split` and `modifier_split`, used by the backend against the
  vocabulary of the index (docs/search.md, "Word forms").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import tantivy

MAX_WORD = 40
VOWELS = frozenset("aeiouyæøå")
LINKING = ("s", "e")          # fuge letters between compound parts: fylke-s-veg, ferje-kai
MIN_PART = 3                  # shortest compound part that is split off
MIN_QUERY_PART = 4            # shortest searched word that is looked for inside compounds
LONG_PART = 5                 # parts this long on both sides of a split need no evidence


def _builder(*filters: Any) -> Any:
    builder = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
               .filter(tantivy.Filter.remove_long(MAX_WORD))
               .filter(tantivy.Filter.lowercase()))
    for item in filters:
        builder = builder.filter(item)
    return builder.build()


WORDS = _builder()
FOLD = _builder(tantivy.Filter.ascii_fold())
_NB_STEMMER = _builder(tantivy.Filter.stemmer("Norwegian"))
_EN_STEMMER = _builder(tantivy.Filter.stemmer("English"))
SPACES = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
          .filter(tantivy.Filter.remove_long(MAX_WORD * 2)).build())


def words(text: str) -> list[str]:
    return list(WORDS.analyze(text)) if text else []


@lru_cache(maxsize=200_000)
def folded(word: str) -> str:
    out = FOLD.analyze(word)
    return out[0] if out else word


def _snowball(analyzer: Any, word: str) -> str:
    out = analyzer.analyze(word)
    return out[0] if len(out) == 1 and out[0] else word


@lru_cache(maxsize=200_000)
def stem_nb(word: str) -> str:
    """The bokmål stem of one lowercased word (a number is its own)."""
    if word.isdigit():
        return word
    stem = _snowball(_NB_STEMMER, _snowball(_NB_STEMMER, word))
    if len(stem) <= 6:
        # Snowball leaves short words whose vowels run together alone ("veier", "sjøen").
        for ending in ("ene", "en", "er", "et"):
            rest = stem[: -len(ending)]
            if stem.endswith(ending) and len(rest) >= 3 and rest[-1] in VOWELS:
                stem = rest
                break
    if len(stem) >= 5 and stem.endswith("el") and stem[-3] not in VOWELS:
        stem = stem[:-2] + "l"                    # legemiddel -> legemiddl (legemidler)
    if len(stem) >= 5 and stem[-1] == "r" and stem[-2] not in VOWELS | {"r"}:
        stem = stem[:-1]                           # vintre -> vintr -> vint (vinter)
    if len(stem) >= 4 and stem[-1] == "l" and stem[-2] == stem[-3] \
            and stem[-2] not in VOWELS:
        stem = stem[:-3] + stem[-2] + "l"          # legemiddl -> legemidl
    if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in VOWELS:
        stem = stem[:-1]                           # sykehjemm -> sykehjem
    return stem


@lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    if word.isdigit():
        return word
    return _snowball(_EN_STEMMER, word)


@lru_cache(maxsize=200_000)
def stems(word: str) -> tuple[str, ...]:
    """The bokmål stem, then the English one if it differs."""
    nb, en = stem_nb(word), stem_en(word)
    return (nb,) if nb == en else (nb, en)


class StemTable(dict[str, str]):
    """word -> its stems joined by spaces, computed once per word (a plain dict lookup per
    token: the index build maps a million notices' words through it). Its keys are the words
    it has seen, numbers left out: an index build's table is also its vocabulary."""

    def __init__(self, limit: int | None = 500_000) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, word: str) -> str:
        if word.isdigit():
            return word     # a number is its own stem; not kept (one per reference number)
        if self.limit is not None and len(self) > self.limit:
            self.clear()
        value = self[word] = " ".join(stems(word))
        return value


def stem_text(tokens: list[str], table: StemTable) -> str:
    """Every stem of every word, space-separated (the index's `stem` field)."""
    return " ".join(map(table.__getitem__, tokens))


def fold_text(tokens: list[str]) -> str:
    return " ".join(folded(token) for token in tokens)


def without_linking(part: str) -> list[str]:
    """A first compound part as written and without a linking letter (fylkes -> fylke)."""
    out = [part]
    if len(part) > MIN_PART and part[-1] in LINKING:
        out.append(part[:-1])
    return out


def after_linking(rest: str) -> list[str]:
    """A last compound part as written and without a leading linking letter, which the
    stem of the first part may have left (ferj|edrift -> drift)."""
    out = [rest]
    if len(rest) > MIN_PART and rest[0] in LINKING:
        out.append(rest[1:])
    return out


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Edit distance with adjacent transpositions, capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)
