# ruff: noqa: E501
"""CPV and NUTS code lists: lookup, validation and loading from the official files.

The full lists (CPV 2008, 9,454 codes with English and Norwegian labels; NUTS 2024) are loaded
into CpvCode / NutsCode by `manage.py load_codelists`. Until they are, the 45 CPV divisions and
the Norwegian NUTS regions below keep the embedded demo usable: a CPV code is then accepted
when its division exists, a Norwegian NUTS code when it is one of Norway's regions.
"""

from __future__ import annotations

import csv
import io
import threading
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction

from notices.codelists.models import CpvCode, NutsCode

# (code, check digit, English label, Norwegian label): the CPV 2008 divisions.
CPV_DIVISIONS: tuple[tuple[str, str, str, str], ...] = (
    ('03000000', '1', 'Agricultural, farming, fishing, forestry and related products',
     'Landbruk, gårdsbruk, fiske, skogsbruk og relaterte produkter'),
    ('09000000', '3', 'Petroleum products, fuel, electricity and other sources of energy',
     'Oljeprodukter, brensel, elektrisitet og andre energikilder'),
    ('14000000', '1', 'Mining, basic metals and related products',
     'Gruvedrift, grunnmetaller og relaterte produkter'),
    ('15000000', '8', 'Food, beverages, tobacco and related products',
     'Næringsmidler, drikkevarer, tobakk og relaterte produkter'),
    ('16000000', '5', 'Agricultural machinery',
     'Landbruksmaskiner'),
    ('18000000', '9', 'Clothing, footwear, luggage articles and accessories',
     'Klær, fottøy, bagasjeartikler og tilbehør'),
    ('19000000', '6', 'Leather and textile fabrics, plastic and rubber materials',
     'Lær og tekstilstoffer, plast- og gummimaterialer.'),
    ('22000000', '0', 'Printed matter and related products',
     'Trykksaker og relaterte produkter.'),
    ('24000000', '4', 'Chemical products',
     'Kjemikalske produkter'),
    ('30000000', '9', 'Office and computing machinery, equipment and supplies except furniture and software packages',
     'Kontor- og PC-maskineri, utstyr og forsyninger bortsett fra møbler og programvarepakker'),
    ('31000000', '6', 'Electrical machinery, apparatus, equipment and consumables; lighting',
     'Elektrisk maskineri, apparater, utstyr og forbruksvarer; Belysning'),
    ('32000000', '3', 'Radio, television, communication, telecommunication and related equipment',
     'Radio-, fjernsyn-, og telekommunikasjon samt  tilhørende utstyr'),
    ('33000000', '0', 'Medical equipments, pharmaceuticals and personal care products',
     'Medisinsk utstyr, legemidler og utstyr til personlig pleie'),
    ('34000000', '7', 'Transport equipment and auxiliary products to transportation',
     'Transportutstyr og hjelpeprodukter til transport'),
    ('35000000', '4', 'Security, fire-fighting, police and defence equipment',
     'Sikkerhets-, brannslukkings-, politi- og forsvarsutstyr'),
    ('37000000', '8', 'Musical instruments, sport goods, games, toys, handicraft, art materials and accessories',
     'Musikkinstrumenter, sportsvarer, spill, leker, kunsthåndtverk- og kunstnerartikler, tilbehør.'),
    ('38000000', '5', 'Laboratory, optical and precision equipments (excl. glasses)',
     'Laboratorie-, optisk- og presisjonsutstyr (bortsett fra briller)'),
    ('39000000', '2', 'Furniture (incl. office furniture), furnishings, domestic appliances (excl. lighting) and cleaning products',
     'Møbler (inkludert kontor møbler), inventar, husholdningsmaskiner, (utenom belysning) og rengjøringsmidler'),
    ('41000000', '9', 'Collected and purified water',
     'Oppsamlet og renset vann '),
    ('42000000', '6', 'Industrial machinery',
     'Industrimaskiner'),
    ('43000000', '3', 'Machinery for mining, quarrying, construction equipment',
     'Maskineri til mining, steinbryting, konstruksjonsutstyr'),
    ('44000000', '0', 'Construction structures and materials; auxiliary products to construction (except electric apparatus)',
     'Konstruksjonsstrukturer og materiale; reserveprodukter til konstruksjon (bortsett fra elektriske apparater)'),
    ('45000000', '7', 'Construction work',
     'Bygge- og anleggsvirksomhet'),
    ('48000000', '8', 'Software package and information systems',
     'Programvare og informasjonssystemer'),
    ('50000000', '5', 'Repair and maintenance services',
     'Reperasjons- og vedlikeholdstjenester'),
    ('51000000', '9', 'Installation services (except software)',
     'Installasjonstjenester (bortsett fra programvare)'),
    ('55000000', '0', 'Hotel, restaurant and retail trade services',
     'Tjenester relatert til Hotell- og restaurantvirksomhet, Detaljhandel'),
    ('60000000', '8', 'Transport services (excl. Waste transport)',
     'Transporttjenester (bortsett fra avfallstransport)'),
    ('63000000', '9', 'Supporting and auxiliary transport services; travel agencies services',
     'Hjelpevirksomhet i forbindelse med transport; reisebyråvirksomhet'),
    ('64000000', '6', 'Postal and telecommunications services',
     'Post- og telekommunikasjonstjenester'),
    ('65000000', '3', 'Public utilities',
     'Offentlige ytelser'),
    ('66000000', '0', 'Financial and insurance services',
     'Finansielle- og forsikringsformidlingstjenester'),
    ('70000000', '1', 'Real estate services',
     'Virksomhet i forbindelse med fast eiendom'),
    ('71000000', '8', 'Architectural, construction, engineering and inspection services',
     'Arkitekt-, konstruksjons-, ingeniør- og  inspeksjonstjenester'),
    ('72000000', '5', 'IT services: consulting, software development, Internet and support',
     'Datatjenester: rådgivning, programvareutvikling, internett og systemstøtte '),
    ('73000000', '2', 'Research and development services and related consultancy services',
     'Forsknings- og utviklingsvirksomhet og tilhørende konsulenttjenester'),
    ('75000000', '6', 'Administration, defence and social security services',
     'Offentlig administrasjon, forsvars og trygdetjenester'),
    ('76000000', '3', 'Services related to the oil and gas industry',
     'Tjenester i forbindelse med olje- og gass-industrien'),
    ('77000000', '0', 'Agricultural, forestry, horticultural, aquacultural and apicultural services',
     'Landbruk, skogbruk, hagebruk, akvakultur og bi-avltjenester'),
    ('79000000', '4', 'Business services: law, marketing, consulting, recruitment, printing and security',
     'Forretningstjenester: lov, reklame, rådgiving, ansettelse, trykking og sikkerhet'),
    ('80000000', '4', 'Education and training services',
     'Tjenester i forbindelse med trening og utdannelse'),
    ('85000000', '9', 'Health and social work services',
     'Helse- og sosial tjenesteyting'),
    ('90000000', '7', 'Sewage, refuse, cleaning and environmental services',
     'Avløp, søppel, sanitære og miljømessige tjenester'),
    ('92000000', '1', 'Recreational, cultural and sporting services',
     'Rekreasjon, kultur og sport'),
    ('98000000', '3', 'Other community, social and personal services',
     'Andre kommunale, sosiale og personlige tjenester'),
)

# Norway's NUTS 2024 level-3 regions (code, name).
NUTS_NORWAY_LEVEL3: tuple[tuple[str, str], ...] = (
    ('NO020', 'Innlandet'),
    ('NO060', 'Trøndelag/Trööndelage'),
    ('NO071', 'Nordland/Nordlánnda'),
    ('NO072', 'Troms/Romsa/Tromssa'),
    ('NO073', 'Finnmark/Finnmárku/Finmarkku'),
    ('NO081', 'Oslo'),
    ('NO083', 'Østfold'),
    ('NO084', 'Akershus'),
    ('NO085', 'Buskerud'),
    ('NO092', 'Agder'),
    ('NO093', 'Vestfold'),
    ('NO094', 'Telemark'),
    ('NO0A1', 'Rogaland'),
    ('NO0A2', 'Vestland'),
    ('NO0A3', 'Møre og Romsdal'),
    ('NO0B1', 'Jan Mayen'),
    ('NO0B2', 'Svalbard'),
    ('NOZZZ', 'Extra-Regio NUTS 3'),
)
COUNTRY_LABELS = {"NO": "Norge"}


@dataclass(frozen=True)
class CpvEntry:
    code: str
    check_digit: str
    level: int
    parent: str
    label_en: str
    label_nb: str


@dataclass(frozen=True)
class NutsEntry:
    code: str
    level: int
    parent: str
    country: str
    label: str


def _nuts_tree(level3: Iterable[tuple[str, str]]) -> list[NutsEntry]:
    """NUTS levels 0-2 derived from level-3 codes; a parent's label lists its children."""
    children: dict[str, list[str]] = {}
    entries: dict[str, NutsEntry] = {}
    for code, label in level3:
        entries[code] = NutsEntry(code, 3, code[:4], code[:2], label)
        for n in (2, 3, 4):
            children.setdefault(code[:n], [])
            if n < 4:
                if code[: n + 1] not in children[code[:n]]:
                    children[code[:n]].append(code[: n + 1])
            else:
                children[code[:n]].append(code)
    for parent in sorted(children, key=len, reverse=True):
        names = [entries[c].label for c in children[parent] if c in entries]
        if len(parent) == 2:
            label = COUNTRY_LABELS.get(parent, parent)
        elif len(children[parent]) == 1 and children[parent][0] in entries:
            label = names[0]
        else:
            label = ", ".join(names)
            label = label if len(label) <= 200 else label[:199] + "…"
        entries[parent] = NutsEntry(parent, len(parent) - 2, parent[:-1] if len(parent) > 2
                                    else "", parent[:2], label)
    for code, entry in list(entries.items()):
        if len(code) == 3:
            # NUTS 1: the country when it has one region of this level (plus Extra-Regio).
            regular = [c for c in children[code[:2]] if not c.endswith("Z")]
            label = ("Extra-Regio NUTS 1" if code.endswith("Z") else
                     entries[code[:2]].label if len(regular) == 1 else entry.label)
            entries[code] = NutsEntry(code, 1, code[:2], code[:2], label)
    return sorted(entries.values(), key=lambda e: e.code)


BUILTIN_CPV = [CpvEntry(code, check, 1, "", en, nb) for code, check, en, nb in CPV_DIVISIONS]
BUILTIN_NUTS = _nuts_tree(NUTS_NORWAY_LEVEL3)


# --- lookup -------------------------------------------------------------------------------

CACHE_VERSION_KEY = "codelists:version"


class _Cache:
    """All codes in memory for type-ahead (9,454 CPV codes fit easily). Lowercased labels
    make the search case-insensitive for æ, ø and å on every database (SQLite's LIKE only
    folds ASCII). Refreshed when the number of rows changes or a load changed rows (the
    loader bumps a version in the shared cache, so every process sees it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cpv: tuple[Any, list[tuple[CpvEntry, str]]] = (None, [])
        self.nuts: tuple[Any, list[tuple[NutsEntry, str]]] = (None, [])

    @staticmethod
    def version(model: Any) -> tuple[int, str]:
        return model.objects.count(), cache.get(CACHE_VERSION_KEY, "")

    def cpv_entries(self) -> list[tuple[CpvEntry, str]]:
        rows = self.version(CpvCode)
        with self.lock:
            if self.cpv[0] != rows:
                entries = ([CpvEntry(c.code, c.check_digit, c.level, c.parent_id or "",
                                     c.label_en, c.label_nb)
                            for c in CpvCode.objects.order_by("code")] if rows[0]
                           else BUILTIN_CPV)
                self.cpv = (rows, [(e, f"{e.label_en}\n{e.label_nb}".casefold())
                                   for e in entries])
            return self.cpv[1]

    def nuts_entries(self) -> list[tuple[NutsEntry, str]]:
        rows = self.version(NutsCode)
        with self.lock:
            if self.nuts[0] != rows:
                entries = ([NutsEntry(n.code, n.level, n.parent_id or "", n.country, n.label)
                            for n in NutsCode.objects.order_by("code")] if rows[0]
                           else BUILTIN_NUTS)
                self.nuts = (rows, [(e, e.label.casefold()) for e in entries])
            return self.nuts[1]


_cache = _Cache()


def _rank(entries: list[tuple[Any, str]], query: str, limit: int) -> list[Any]:
    """Code prefix matches first; then labels starting with the words, then containing them;
    broader codes before narrower ones."""
    text = " ".join(query.split()).casefold()
    if not text:
        return []
    code_query = text.upper().split("-")[0]
    words = text.split()
    scored = []
    for entry, labels in entries:
        if entry.code.startswith(code_query):
            rank = 0
        elif all(word in labels for word in words):
            starts = any(line.startswith(text) for line in labels.split("\n"))
            rank = 1 if starts else 2
        else:
            continue
        scored.append((rank, entry.level, entry.code, entry))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


def cpv_lookup(query: str, limit: int = 20) -> list[CpvEntry]:
    return _rank(_cache.cpv_entries(), query, limit)


def nuts_lookup(query: str, limit: int = 20) -> list[NutsEntry]:
    return _rank(_cache.nuts_entries(), query, limit)


def _index(entries: list[tuple[Any, str]]) -> dict[str, Any]:
    """Codes to entries, built once per loaded list (the list object is cached)."""
    key = id(entries)
    found = _indexes.get(key)
    if found is None:
        found = {entry.code: entry for entry, _labels in entries}
        _indexes.clear()
        _indexes[key] = found
    return found


_indexes: dict[int, dict[str, Any]] = {}


def cpv_label(code: str, language: str = "nb") -> str:
    entry = _index(_cache.cpv_entries()).get(code)
    if entry is None:
        return ""
    return entry.label_nb if language.startswith(("nb", "no", "nn")) else entry.label_en


@dataclass(frozen=True)
class CodeLabel:
    """A code as people read it: its label, or (with only the divisions loaded) the label of
    the nearest broader code it belongs to."""

    code: str
    label: str
    broader: str = ""  # the code whose label this is, when not the code's own


def cpv_describe(code: str, language: str = "nb") -> CodeLabel:
    """The label of a CPV code in the language, or of the nearest broader code in the list
    (45420000 -> 45400000 -> 45000000), or none."""
    code = (code or "").split("-")[0]
    candidates = [code] + [code[:n].ljust(8, "0") for n in range(7, 1, -1)
                           if code[:n].ljust(8, "0") != code]
    for candidate in dict.fromkeys(candidates):
        label = cpv_label(candidate, language)
        if label:
            return CodeLabel(code, label, "" if candidate == code else candidate)
    return CodeLabel(code, "")


def nuts_describe(code: str) -> CodeLabel:
    """The name of a NUTS region (or of the broader region it belongs to)."""
    index = _index(_cache.nuts_entries())
    for n in range(len(code or ""), 1, -1):
        entry = index.get(code[:n])
        if entry is not None:
            return CodeLabel(code, entry.label, "" if n == len(code) else code[:n])
    return CodeLabel(code, "")


# --- validation ---------------------------------------------------------------------------

def cpv_exists(code: str) -> bool:
    """Is this 8-digit code in the loaded CPV list (or, with none loaded, its division)?"""
    if CpvCode.objects.exists():
        return CpvCode.objects.filter(pk=code).exists()
    return any(code[:2] == division[:2] for division, *_rest in CPV_DIVISIONS)


def nuts_exists(code: str) -> bool:
    """Is this NUTS code (any level) in the loaded list? With none loaded, Norwegian codes
    must be Norway's regions and other countries' codes are accepted by their form."""
    if NutsCode.objects.exists():
        return NutsCode.objects.filter(pk=code).exists()
    if code.startswith("NO"):
        return any(entry.code == code for entry in BUILTIN_NUTS)
    return True


# --- loading ------------------------------------------------------------------------------

def _read_text(source: str | Path) -> str:
    text = str(source)
    if text.startswith(("https://", "http://")):
        with urllib.request.urlopen(text, timeout=60) as response:  # noqa: S310 (scheme checked)
            return response.read().decode("utf-8-sig")
    return Path(text).read_text(encoding="utf-8-sig")


def read_cpv(source: str | Path) -> list[CpvEntry]:
    """The official CPV 2008 list as CSV: code, code_with_check_digit, level, parent,
    label_en, label_nb."""
    rows = csv.DictReader(io.StringIO(_read_text(source)))
    missing = {"code", "code_with_check_digit", "level", "parent", "label_en",
               "label_nb"} - set(rows.fieldnames or [])
    if missing:
        raise ValueError(f"{source}: not a CPV list (missing columns: {', '.join(sorted(missing))})")
    return [CpvEntry(r["code"].strip(), r["code_with_check_digit"].strip()[-1], int(r["level"]),
                     r["parent"].strip(), r["label_en"].strip(), r["label_nb"].strip())
            for r in rows if r["code"].strip()]


def read_nuts(source: str | Path) -> list[NutsEntry]:
    """NUTS 2024 level-3 regions as CSV: code, country_prefix, nuts1, nuts2, name, name_en;
    levels 0-2 are derived from the codes."""
    rows = csv.DictReader(io.StringIO(_read_text(source)))
    if not {"code", "name"} <= set(rows.fieldnames or []):
        raise ValueError(f"{source}: not a NUTS list (needs the columns code and name)")
    return _nuts_tree((r["code"].strip(), r["name"].strip()) for r in rows if r["code"].strip())


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _upsert(model: Any, rows: dict[str, dict[str, Any]]) -> LoadResult:
    """Insert new codes and update changed ones; loading the same list twice changes nothing.

    `rows` maps each code to its field values. A change bumps the lookup cache version."""
    existing = {row.code: row for row in model.objects.all()}
    result, new, changed = LoadResult(), [], []
    field_names: list[str] = []
    for code, fields in rows.items():
        field_names = list(fields)
        row = existing.get(code)
        if row is None:
            new.append(model(code=code, **fields))
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(row, k, v)
            changed.append(row)
        else:
            result.unchanged += 1
    model.objects.bulk_create(new, batch_size=1000)
    if changed:
        model.objects.bulk_update(changed, field_names, batch_size=1000)
    result.created, result.updated = len(new), len(changed)
    if new or changed:
        cache.set(CACHE_VERSION_KEY, uuid.uuid4().hex, None)
    return result


@transaction.atomic
def cpv_load(entries: list[CpvEntry]) -> LoadResult:
    return _upsert(CpvCode, {e.code: {
        "check_digit": e.check_digit, "level": e.level, "parent_id": e.parent or None,
        "label_en": e.label_en, "label_nb": e.label_nb} for e in entries})


@transaction.atomic
def nuts_load(entries: list[NutsEntry]) -> LoadResult:
    return _upsert(NutsCode, {e.code: {
        "level": e.level, "parent_id": e.parent or None, "country": e.country,
        "label": e.label} for e in entries})
