"""The bokmål catalogue is complete: every message of every app translated, none fuzzy, all
compiled.

The message ids are taken from the sources the way `makemessages` takes them (gettext calls in
Python, {% translate %} and {% blocktranslate %} in templates, through Django's own
`templatize`), without xgettext, and compared with django.po as it is on the branch: a message
with no entry, an empty or a fuzzy one fails, naming the file.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

CATALOGUE = Path(settings.BASE_DIR) / "backend" / "locale" / "nb" / "LC_MESSAGES"
ROOT = Path(settings.BASE_DIR)


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
        if "msgctxt" in entry:  # a message with a context (pgettext)
            got, expected = compiled.pgettext(entry["msgctxt"], entry["msgid"]), entry["msgstr"]
        elif "msgid_plural" in entry:
            got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            expected = entry["msgstr[0]"]
        else:
            got, expected = compiled.gettext(entry["msgid"]), entry["msgstr"]
        if got != expected:
            stale.append(entry["msgid"])
    assert stale == [], "run: python manage.py compilemessages -l nb --ignore '.venv/*'"


# --- every message in the sources -----------------------------------------------------------

# As `make messages`: everything but the virtual env and the tests (and what git ignores).
IGNORED = {".venv", "tests", ".git", "data", "node_modules", "staticfiles", ".mypy_cache",
           ".ruff_cache", ".pytest_cache", ".hypothesis"}
# gettext functions: how many leading string arguments are (context, singular, plural).
KEYWORDS = {"_": ("s",), "gettext": ("s",), "gettext_lazy": ("s",), "gettext_noop": ("s",),
            "ngettext": ("s", "p"), "ngettext_lazy": ("s", "p"),
            "pgettext": ("c", "s"), "pgettext_lazy": ("c", "s"),
            "npgettext": ("c", "s", "p"), "npgettext_lazy": ("c", "s", "p")}


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str = ""
    context: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)


def _files(*suffixes: str) -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT).parts
        if rel and (rel[0] in IGNORED or any(p.startswith(".") for p in rel)):
            continue
        if path.suffix in suffixes and path.is_file():
            yield path


def _message(kinds: tuple[str, ...], args: list[str]) -> Message:
    values = dict(zip(kinds, args, strict=False))
    return Message(msgid=values["s"], plural=values.get("p", ""), context=values.get("c", ""))


def python_messages(path: Path) -> Iterator[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        kinds = KEYWORDS.get(name)
        if kinds is None or len(node.args) < len(kinds):
            continue
        args = node.args[:len(kinds)]
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            yield _message(kinds, [a.value for a in args])  # type: ignore[attr-defined]


STRING = re.compile(r"""\s*u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*,?""")
CALL = re.compile(r"\b(npgettext|pgettext|ngettext|gettext)\(")


def template_messages(path: Path) -> Iterator[Message]:
    """Django's templatize() turns {% translate %} and friends into gettext calls."""
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in CALL.finditer(text):
        kinds = KEYWORDS[match.group(1)]
        position, args = match.end(), []
        for _kind in kinds:
            found = STRING.match(text, position)
            if found is None:
                break
            args.append(ast.literal_eval(found.group(1)))
            position = found.end()
        if len(args) == len(kinds):
            yield _message(kinds, args)


def source_messages() -> dict[tuple[str, str], tuple[Message, set[str]]]:
    found: dict[tuple[str, str], tuple[Message, set[str]]] = {}
    for path in _files(".py"):
        for message in python_messages(path):
            found.setdefault(message.key, (message, set()))[1].add(str(path.relative_to(ROOT)))
    for path in _files(".html", ".txt"):
        for message in template_messages(path):
            found.setdefault(message.key, (message, set()))[1].add(str(path.relative_to(ROOT)))
    return found



def test_every_message_in_the_sources_has_a_bokmal_translation() -> None:
    entries = {(e.get("msgctxt", ""), e["msgid"]): e for e in _entries()}
    problems = []
    for key, (message, where) in sorted(source_messages().items()):
        entry = entries.get(key)
        files = ", ".join(sorted(where))
        if entry is None:
            problems.append(f"no entry: {message.msgid!r} ({files})")
        elif "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {message.msgid!r} ({files})")
        elif not all(str(v).strip() for k, v in entry.items() if k.startswith("msgstr")):
            problems.append(f"not translated: {message.msgid!r} ({files})")
        elif message.plural and entry.get("msgid_plural") != message.plural:
            problems.append(f"plural differs: {message.msgid!r} ({files})")
    assert not problems, (f"{len(problems)} messages lack a bokmål translation in django.po "
                          "(append entries at its end, then compilemessages):\n"
                          + "\n".join(problems))


def test_the_extractor_finds_what_makemessages_finds() -> None:
    """The two extractors read real sources: a template's blocktranslate with a plural and a
    Python ngettext come out as makemessages writes them."""
    found = source_messages()
    assert ("", "%(counter)s unread message.") in found
    assert found[("", "%(counter)s unread message.")][0].plural == "%(counter)s unread messages."
    assert ("", "Only published notices can be followed; this one is %(status)s.") in found
    assert ("", "%(days)d day and %(hours)d hours left") in found
    entries = {e["msgid"]: e for e in _entries()}
    assert entries["Inbox"]["msgstr"] == "Innboks"


# --- no message a person reads is written without gettext ---------------------------------

ERROR_CLASSES = {"ApplicationError", "NotFound", "Forbidden", "Conflict", "TooLarge",
                 "ValidationError", "PermissionDenied", "Http404"}


def _app_sources() -> Iterator[Path]:
    """The Python of every Django app and backend/, without migrations and commands (whose
    output is for operators, in English)."""
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"backend"}
    for path in _files(".py"):
        rel = path.relative_to(ROOT).parts
        if rel[0] in apps and "migrations" not in rel and "management" not in rel:
            yield path


def _is_plain_text(node: ast.AST) -> bool:
    """An f-string, or a string literal with words in it (not a code such as "bad_key")."""
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value)


def untranslated_messages(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    errors = set(ERROR_CLASSES) | {
        node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
        and any(getattr(b, "id", "") in ERROR_CLASSES for b in node.bases)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        candidates: list[ast.AST] = []
        if name in errors:
            candidates += node.args[:1]
            for keyword in node.keywords:
                if keyword.arg == "fields" and isinstance(keyword.value, ast.Dict):
                    for value in keyword.value.values:
                        if isinstance(value, ast.List):
                            candidates += value.elts
        elif (name in {"success", "error", "warning", "info"} and isinstance(func, ast.Attribute)
              and getattr(func.value, "id", "") == "messages"):
            candidates += node.args[1:2]
        for candidate in candidates:
            if _is_plain_text(candidate):
                line = getattr(candidate, "lineno", 0)
                yield f"{path.relative_to(ROOT)}:{line}: {ast.unparse(candidate)[:70]}"


def test_no_error_or_page_message_is_written_without_gettext() -> None:
    """Errors (the ApplicationError family, form and serializer errors, 404s) and the
    messages of the web views reach people: each is a gettext call, so it is translated."""
    found = [line for path in _app_sources() for line in untranslated_messages(path)]
    assert not found, "wrap these messages in gettext (_):\n" + "\n".join(found)


def test_the_message_scan_finds_an_untranslated_error(tmp_path: Path) -> None:
    source = tmp_path / "services.py"
    source.write_text(
        "from backend.errors import ApplicationError, Conflict\n"
        "class Late(ApplicationError):\n    pass\n"
        "def f(x):\n"
        "    raise Late(f'The deadline {x} has passed.')\n"
        "def g():\n"
        "    raise Conflict(_('Translated.'), fields={'k': ['Two to n.']})\n"
        "def h():\n"
        "    raise ApplicationError(_('Fine.'), code='bad_key')\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = list(untranslated_messages(source))
    finally:
        ROOT = saved
    assert [line.split(":")[1] for line in found] == ["5", "7"]
