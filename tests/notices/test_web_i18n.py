"""The bokmål catalogue is complete: every entry translated, none fuzzy, all compiled."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "backend" / "locale" / "nb" / "LC_MESSAGES"


def _entries() -> list[dict]:
    """msgid, msgid_plural, msgstr[...] and flags of each entry in django.po."""
    entries: list[dict] = []
    current: dict = {"flags": ""}
    key = None
    for line in [*(CATALOGUE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in current:
                entries.append(current)
            current, key = {"flags": ""}, None
        elif line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e["msgid"]]


def test_it_has_a_translation_for_every_entry_and_no_fuzzy_ones():
    entries = _entries()
    assert len(entries) > 500
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in entries
             if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    assert fuzzy == []
    assert empty == []


def test_it_ships_a_compiled_catalogue_that_matches_the_po_file():
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _entries():
        if "msgid_plural" in entry:
            got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            expected = entry["msgstr[0]"]
        else:
            got, expected = compiled.gettext(entry["msgid"]), entry["msgstr"]
        if got != expected:
            stale.append(entry["msgid"])
    assert stale == [], "run: python manage.py compilemessages -l nb --ignore '.venv/*'"
