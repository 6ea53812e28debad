"""Benchmark the public notice search at scale, through the API and engine-only.

    .venv/bin/python bench/search.py                      # 100,000 notices, fresh SQLite
    .venv/bin/python bench/search.py --n 1000000          # 1M notices
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/anbud_bench

Loads N synthetic notices (realistic Norwegian procurement vocabulary; "rammeavtale" in about
38 % of them) into a fresh database by bulk insert (not through the services, for speed),
builds the Tantivy index from the database (`rebuild_index`, what `search_reindex` runs), then
times each query shape through the API with Django's test client (in process: URL routing,
middleware, DRF, the selector with its database re-check, serialization of 20 results; no
HTTP socket) and engine-only (the same query straight to the search backend: ids + exact
count). Reports p50 / p95 over --runs repetitions per shape, rotating query words.
With --database-url the named PostgreSQL database is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# --- vocabulary ---------------------------------------------------------------------------

OBJECTS = [
    ("brøyting og strøing", "90620000"), ("snørydding", "90620000"),
    ("vedlikehold av kommunale bygg", "45453000"), ("rehabilitering av skolebygg", "45453100"),
    ("vedlikehold av sykehjem", "45453000"), ("nybygg av barnehage", "45214100"),
    ("asfaltering av veier", "45233222"), ("vedlikehold av veier", "45233141"),
    ("renhold av kontorlokaler", "90910000"), ("vinduspuss", "90911300"),
    ("kantinedrift", "55520000"), ("matlevering til sykehjem", "15000000"),
    ("skoleskyss", "60130000"), ("pasienttransport", "60130000"),
    ("IT-driftstjenester", "72500000"), ("lisenser for programvare", "48000000"),
    ("konsulenttjenester innen IT", "72000000"), ("datamaskiner og nettbrett", "30213000"),
    ("kontorrekvisita", "30190000"), ("møbler til kontor", "39130000"),
    ("medisinsk forbruksmateriell", "33140000"), ("legemidler", "33600000"),
    ("arbeidsklær", "18100000"), ("rådgivende ingeniørtjenester", "71300000"),
    ("arkitekttjenester", "71200000"), ("juridisk bistand", "79100000"),
    ("revisjonstjenester", "79200000"), ("vakt- og sikkerhetstjenester", "79710000"),
    ("avfallshåndtering", "90500000"), ("drift av vannverk", "65100000"),
    ("el-biler til hjemmetjenesten", "34100000"), ("drivstoff", "09100000"),
    ("elektrisk kraft", "09310000"), ("trykksaker", "22000000"),
    ("opplæring og kurs", "80500000"), ("helsetjenester", "85100000"),
    ("barnevernstjenester", "85311000"), ("tolketjenester", "79540000"),
    ("grøntanlegg og parkdrift", "77310000"), ("feiing og tilsyn", "90915000"),
]
PREFIXES = ["Rammeavtale om", "Rammeavtale for", "Anskaffelse av", "Kjøp av", "Levering av",
            "Konkurranse om", "Avtale om", "Innkjøp av"]
FILLER = (
    "kommunen skal inngå avtale med en leverandør om levering av tjenester i hele "
    "avtaleperioden oppdragsgiver ønsker tilbud på utførelse med høy kvalitet og lave "
    "klimagassutslipp tilbyder må dokumentere erfaring fra tilsvarende oppdrag kravene "
    "fremgår av konkurransegrunnlaget kontrakten gjelder i to år med opsjon på forlengelse "
    "leveransen omfatter planlegging gjennomføring og oppfølging det stilles krav til "
    "miljøledelse lærlinger og lønns- og arbeidsvilkår tildeling skjer på grunnlag av pris "
    "kvalitet og miljø spørsmål stilles gjennom plattformen innen fristen"
).split()
PLACES = [("Oslo", "NO081"), ("Østfold", "NO083"), ("Akershus", "NO084"), ("Buskerud", "NO085"),
          ("Innlandet", "NO020"), ("Vestfold", "NO093"), ("Telemark", "NO094"),
          ("Agder", "NO092"), ("Rogaland", "NO0A1"), ("Vestland", "NO0A2"),
          ("Møre og Romsdal", "NO0A3"), ("Trøndelag", "NO060"), ("Nordland", "NO071"),
          ("Troms", "NO072"), ("Finnmark", "NO073")]
BUYER_KINDS = ["kommune", "fylkeskommune", "helseforetak", "universitet", "etat"]
TEXT_QUERIES = ["brøyting", "vedlikehold sykehjem", "renhold", "skoleskyss", "asfaltering",
                "kantinedrift", "legemidler", "arkitekttjenester", "snørydding",
                "IT-driftstjenester", "juridisk bistand", "barnehage", "vinduspuss"]
# Forms the notices do not use as written: found by their stems.
FORM_QUERIES = ["legemiddel", "sykehjemmet", "barnehagene", "veiene", "tolketjeneste",
                "møbel", "datamaskin", "nettbrettene", "trykksak", "lisens",
                "veien", "sykehjemmene", "kurset"]
# Words the notices use as the last or first part of compounds (kantinedrift, snørydding).
COMPOUND_QUERIES = ["drift", "sikkerhet", "transport", "skyss", "tjeneste", "ingeniør",
                    "avtale", "kantine", "skole", "pasient", "lokaler", "materiell", "park"]
# Misspellings: no hits, so the API answers with a respelling ("did you mean").
TYPO_QUERIES = ["brøytnig", "renhlod", "skoleskys", "asfaltring", "kantindrift", "legemider",
                "vindupuss", "arkitektjenester", "snørydning", "barnhage", "tolketjenster",
                "elektirsk", "avfallshåndtring"]


def notice_rows(n: int, buyers: list[tuple[int, str]], now: datetime, seed: int = 7):
    """Yield (notice kwargs, lot titles+codes) for n synthetic notices."""
    rnd = random.Random(seed)
    for i in range(n):
        obj, cpv = rnd.choice(OBJECTS)
        place, nuts = rnd.choice(PLACES)
        buyer_id, buyer_nuts = rnd.choice(buyers)
        common = rnd.random() < 0.38
        prefix = rnd.choice(PREFIXES[:2]) if common else rnd.choice(PREFIXES[2:])
        title = f"{prefix} {obj} i {place}"
        words = rnd.choices(FILLER, k=rnd.randint(25, 60))
        description = (f"{obj.capitalize()} for {place}. " + " ".join(words) + ".")
        if common and rnd.random() < 0.3:
            description += " Rammeavtalen gjelder hele regionen."
        roll = rnd.random()
        kind = "pin" if roll < 0.08 else "can" if roll < 0.23 else rnd.choice(
            ["national", "national", "cn", "voluntary"])
        published = now - timedelta(days=rnd.uniform(0, 720))
        deadline = None if kind in ("pin", "can") else published + timedelta(
            days=rnd.randint(14, 60), hours=12)
        status = "closed" if deadline and deadline <= now else "published"
        if rnd.random() < 0.02:
            status = "cancelled"
        if rnd.random() < 0.03:
            status = "draft"           # drafts must never be found
        additional = [rnd.choice(OBJECTS)[1]] if rnd.random() < 0.3 else []
        lots = ([(f"Delkontrakt {k}: {rnd.choice(OBJECTS)[0]}", rnd.choice(OBJECTS)[1])
                 for k in range(1, rnd.randint(2, 4))] if rnd.random() < 0.2 else [])
        yield {
            "reference": f"BENCH-{i:08d}", "buyer_id": buyer_id, "kind": kind, "status": status,
            "title": title, "description": description, "contract_type": "services",
            "procedure_type": "open", "cpv_main": cpv, "cpv_additional": additional,
            "nuts": nuts if rnd.random() < 0.8 else buyer_nuts,
            "estimated_value": Decimal(rnd.randrange(100_000, 50_000_000, 10_000)),
            "submission_deadline": deadline,
            "question_deadline": deadline - timedelta(days=7) if deadline else None,
            "regime": "part2", "version": 1,
            "published_at": None if status == "draft" else published,
        }, lots


def use_database(database_url: str | None) -> None:
    """A fresh PostgreSQL database at `database_url` (dropped and created), or, without one,
    the embedded SQLite database of ANBUD_DATA_DIR. Before django.setup()."""
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
        return
    import psycopg

    base, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = database_url


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60, help="repetitions per query shape")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--data-dir", default="", help="keep the data here (default: temp)")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--reuse", action="store_true", help=(
        "with --data-dir (SQLite): keep the notices an earlier run with the same --n loaded "
        "there, and the index if this schema version built it"))
    parser.add_argument("--load-only", action="store_true",
                        help="load the notices into --data-dir (no index), then stop")
    args = parser.parse_args()
    if args.reuse and (not args.data_dir or args.database_url):
        parser.error("--reuse needs --data-dir and SQLite")

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="anbud-bench-search-"))
    if args.data_dir and data_dir.exists() and not args.reuse:
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["ANBUD_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    use_database(args.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from notices import search
    from notices.models import Notice
    from notices.search.backend import SearchFilters
    from notices.selectors import DID_YOU_MEAN_BELOW

    settings.ALLOWED_HOSTS = ["*"]
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"database: {engine}; data dir: {data_dir}; notices: {args.n:,}")
    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")

    now = datetime.now(UTC).replace(microsecond=0)
    loaded = Notice.objects.count()
    if loaded and not (args.reuse and loaded == args.n):
        parser.error(f"{data_dir} holds {loaded:,} notices, not {args.n:,}")
    timings_file = data_dir / "bench-timings.json"
    timings = json.loads(timings_file.read_text()) if loaded and timings_file.exists() else {}
    if loaded:
        print(f"reusing the {loaded:,} notices loaded by an earlier run")
    else:
        timings = {"load_s": _load(args.n, now)}
        print(f"loaded {args.n:,} notices in {timings['load_s']:.1f} s")
        timings_file.write_text(json.dumps(timings))
    public = Notice.objects.exclude(status="draft").count()
    if args.load_only:
        return

    backend = search.get_backend()
    if args.reuse and backend.num_docs() == public and "build_s" in timings:
        print(f"index: reusing the {public:,} notices this schema version indexed")
    else:
        started = time.perf_counter()
        indexed = search.rebuild_index()   # what `search_reindex` runs
        timings["build_s"] = time.perf_counter() - started
        timings_file.write_text(json.dumps(timings))
        print(f"index: {indexed:,} notices in {timings['build_s']:.1f} s")
    index_path = search.index_dir()
    size = sum(p.stat().st_size for p in index_path.rglob("*") if p.is_file())
    print(f"index size {size / 2**20:.0f} MiB")
    client = Client()
    common_count = backend.search("rammeavtale", SearchFilters(), "relevance", 0, 1).total

    def phase_filters() -> SearchFilters:
        return SearchFilters(phase="competition", now=datetime.now(UTC))

    def ask_engine(q: str, filters: SearchFilters, sort: str = "relevance") -> Any:
        """What the selector asks the engine: a page of ids with the count and, with words
        and fewer than DID_YOU_MEAN_BELOW hits, a respelling."""
        hits = backend.search(q, filters, sort, 0, 20)
        if q and hits.total < DID_YOU_MEAN_BELOW:
            backend.suggest(q, filters, hits.total)
        return hits

    # (label, the words it rotates over, API parameters, the engine's work)
    shapes: list[tuple[str, list[str], Any, Any]] = [
        ("text only, by relevance, with count", TEXT_QUERIES,
         lambda w: {"q": w},
         lambda w: ask_engine(w, SearchFilters())),
        ("text + CPV + NUTS", TEXT_QUERIES,
         lambda w: {"q": w, "cpv": "45000000", "nuts": "NO08"},
         lambda w: ask_engine(w, SearchFilters(cpv_prefix="45", nuts_prefix="NO08"))),
        ("phase=competition, sort by deadline", TEXT_QUERIES,
         lambda w: {"phase": "competition", "sort": "deadline"},
         lambda w: ask_engine("", phase_filters(), "deadline")),
        (f"common word 'rammeavtale' ({common_count:,} hits), by publication date",
         TEXT_QUERIES,
         lambda w: {"q": "rammeavtale", "sort": "published"},
         lambda w: ask_engine("rammeavtale", SearchFilters(), "published")),
        ("other word forms (legemiddel, sykehjemmet, ...), by relevance", FORM_QUERIES,
         lambda w: {"q": w},
         lambda w: ask_engine(w, SearchFilters())),
        ("compound parts (drift, sikkerhet, transport, ...), by relevance", COMPOUND_QUERIES,
         lambda w: {"q": w},
         lambda w: ask_engine(w, SearchFilters())),
        ("typos, no hits, with did you mean (brøytnig, ...)", TYPO_QUERIES,
         lambda w: {"q": w},
         lambda w: ask_engine(w, SearchFilters())),
    ]
    rows = []
    load_before = os.getloadavg()[0]
    for label, queries, api_params, engine_work in shapes:
        api_ms, engine_ms, counts, suggested = [], [], [], 0
        for i in range(args.runs + 5):
            word = queries[i % len(queries)]
            t0 = time.perf_counter()
            response = client.get("/api/notices/", api_params(word))
            t1 = time.perf_counter()
            assert response.status_code == 200, response.content[:300]
            t2 = time.perf_counter()
            hits = engine_work(word)
            t3 = time.perf_counter()
            if i >= 5:      # the first five warm caches
                api_ms.append((t1 - t0) * 1000)
                engine_ms.append((t3 - t2) * 1000)
                counts.append(response.json()["count"])
                suggested += response.json()["did_you_mean"] is not None
                assert hits.total >= 0
        rows.append((label, percentile(api_ms, 50), percentile(api_ms, 95),
                     percentile(engine_ms, 50), percentile(engine_ms, 95),
                     int(statistics.median(counts)), suggested, len(api_ms)))

    load_during = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
    header = ("| query shape | API p50 | API p95 | engine p50 | engine p95 | hits (median) "
              "| did you mean |\n|---|---:|---:|---:|---:|---:|---:|")
    lines = [header] + [f"| {label} | {a50:.1f} ms | {a95:.1f} ms | {e50:.1f} ms | "
                        f"{e95:.1f} ms | {hits:,} | {suggested}/{runs} |"
                        for label, a50, a95, e50, e95, hits, suggested, runs in rows]
    table = "\n".join(lines)
    print(table)

    command = ".venv/bin/python bench/search.py" + (f" --n {args.n}" if args.n != 100_000
                                                   else "") + (
        " --database-url " + args.database_url if args.database_url else "") + (
        f" --data-dir {args.data_dir} --reuse" if args.reuse else "")
    reused = (" (loaded and indexed once by an earlier run of the same command, then "
              "reused)" if args.reuse else "")
    load_s, build_s = timings.get("load_s", float("nan")), timings.get("build_s", float("nan"))
    subsection = f"""### {args.n:,} notices, {engine}

Command: `{command}` (`--runs {args.runs}` per shape)
Date: {datetime.now(UTC):%Y-%m-%d %H:%MZ}, tantivy {_tantivy_version()}, {os.cpu_count()} vCPU;
load average during the queries {load_during} (other work shared the machine).

{args.n:,} synthetic notices ({public:,} public; the rest drafts, which must never be found),
bulk-inserted in {load_s:.0f} s{reused}.
Index build (`search_reindex`, reading the database):
{build_s:.1f} s; index size {size / 2**20:.0f} MiB.

{table}
"""
    if not args.no_write:
        _write_section(ROOT / "bench" / "RESULTS.md", subsection)
        print("written to bench/RESULTS.md (## search)")


def _load(n: int, now: datetime) -> float:
    """Bulk-insert n synthetic notices (not through the services, for speed)."""
    from django.db import connection, transaction

    from accounts.models import Organization
    from notices.models import Lot, Notice

    started = time.perf_counter()
    orgs = []
    rnd = random.Random(1)
    for i in range(400):
        place, nuts = rnd.choice(PLACES)
        orgs.append(Organization(kind="authority", name=f"{place} {rnd.choice(BUYER_KINDS)} {i}",
                                 buyer_type="other", national_id=f"BENCH{i}", country="NO",
                                 city=place, nuts=nuts))
    Organization.objects.bulk_create(orgs, batch_size=500)
    buyers = list(Organization.objects.values_list("pk", "nuts"))
    batch: list[Notice] = []
    batch_lots: list[list[tuple[str, str]]] = []

    def flush() -> None:
        with transaction.atomic():
            created = Notice.objects.bulk_create(batch, batch_size=2000)
            Lot.objects.bulk_create(
                [Lot(notice_id=notice.pk, number=k, title=title, cpv=cpv)
                 for notice, lots in zip(created, batch_lots, strict=True)
                 for k, (title, cpv) in enumerate(lots, start=1)], batch_size=5000)
        batch.clear()
        batch_lots.clear()

    for fields, lots in notice_rows(n, buyers, now):
        batch.append(Notice(**fields))
        batch_lots.append(lots)
        if len(batch) >= 10_000:
            flush()
    if batch:
        flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


INTRO = """## search

Synthetic notices with a Norwegian procurement vocabulary ("rammeavtale" in about 38 % of
them, 40 kinds of purchase, 15 regions, lots on a fifth, 3 % drafts). API = Django's test
client in process (routing, middleware, DRF, the selector with its database re-check of the
ids, 20 results serialized; no socket). Engine = the same query straight to the Tantivy
backend (ids of the top 20 + exact count, and the respelling when a search with words finds
fewer than three notices, as the selector asks). p50 / p95 over the runs, rotating the query
words. Filter-only queries (the phase shape) go to the index as well
(SEARCH_FILTERS_FROM_INDEX). Word forms: words the notices hold only in other inflections
(found by their stems); compound parts: words the notices hold as the first or last part of
compounds (kantinedrift, sikkerhetstjenester) as well as on their own; typos: misspellings
that find nothing, answered with "did you mean" ("did you mean" column: answers that had one).
"""


def _tantivy_version() -> str:
    from importlib.metadata import version

    return version("tantivy")


def _write_section(path: Path, subsection: str) -> None:
    """Put this run's subsection into "## search" (replacing a run of the same size and
    database), leaving every other section of the file alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    path.write_text(merge_section(text, subsection), encoding="utf-8")


def merge_section(text: str, subsection: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == "## search"), None)
    if start is None:
        before, body, after = text.rstrip("\n") + "\n\n", "", ""
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        before, body, after = "".join(lines[:start]), "".join(lines[start:end]), \
            "".join(lines[end:])
    runs = {}
    for chunk in body.split("\n### ")[1:]:
        runs[chunk.split("\n", 1)[0].strip()] = "### " + chunk.rstrip("\n") + "\n"
    runs[subsection.split("\n", 1)[0][4:].strip()] = subsection.rstrip("\n") + "\n"
    ordered = sorted(runs.items(), key=lambda kv: int(kv[0].split()[0].replace(",", "")))
    section = INTRO + "\n" + "\n".join(run for _key, run in ordered)
    return before + section + ("\n" + after if after else "")


if __name__ == "__main__":
    main()
