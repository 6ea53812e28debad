"""Benchmark the public statistics (page and API) at scale.

    .venv/bin/python bench/stats_page.py               # 100,000 notices, fresh SQLite
    .venv/bin/python bench/stats_page.py --n 1000000   # 1M notices
    .venv/bin/python bench/stats_page.py --database-url postgres://postgres@127.0.0.1:5432/anbud_bench_stats
                                                       # PostgreSQL (the database is recreated)

Bulk-inserts N synthetic notices with bench/search.py's loader (not through the services),
adds electronic-bid committees to half of the competitions (bulk insert), then times
`statistics_rebuild` (what `manage.py statistics_rebuild` runs) and, with Django's test client
(in process: routing, middleware, templates/DRF; no socket), p50/p95 of the page, the JSON API
and the CSV over several filter combinations, against a baseline measured in the same run
(`/healthz`). Peak memory is the process's maximum resident set size (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import _load, percentile, use_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL URL; the database is dropped and created again "
                             "(default: a fresh SQLite file in --data-dir)")
    args = parser.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="anbud-bench-stats-"))
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    os.environ["ANBUD_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    use_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import Organization
    from bids.models import Committee
    from evaluation.statistics.models import StatCell, StatNotice
    from evaluation.statistics.services import statistics_rebuild
    from notices.models import Notice

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    now = datetime.now(UTC).replace(microsecond=0)
    load_s = _load(args.n, now)
    started = time.perf_counter()
    competitions = list(Notice.objects.filter(kind__in=["cn", "national", "voluntary"])
                        .exclude(status="draft").values_list("pk", flat=True))
    with transaction.atomic():
        Committee.objects.bulk_create([Committee(notice_id=pk, electronic_bids=True)
                                       for pk in competitions[::2]], batch_size=5000)
    extra_s = time.perf_counter() - started
    print(f"loaded {args.n:,} notices in {load_s:.0f} s (+{extra_s:.0f} s committees)")
    started = time.perf_counter()
    counted = statistics_rebuild()
    rebuild_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after the bulk writes
            cursor.execute("ANALYZE")
    print(f"statistics_rebuild: {counted:,} notices in {rebuild_s:.0f} s; "
          f"{StatCell.objects.count():,} cells, {StatNotice.objects.count():,} notice rows")

    buyer = Organization.objects.filter(kind="authority").order_by("pk").first()
    assert buyer is not None
    year = now.year
    shapes = [
        ("no filter", {}),
        ("year", {"year": year}),
        ("year + region NO08", {"year": year, "region": "NO08"}),
        ("CPV 45 + region NO0A2", {"cpv": "45", "region": "NO0A2"}),
        ("authority (one buyer)", {"authority": buyer.pk}),
        ("authority + year + CPV 90", {"authority": buyer.pk, "year": year, "cpv": "90"}),
    ]
    client = Client()

    def timed(path: str, params: dict) -> list[float]:
        out = []
        for i in range(args.runs + 5):
            t0 = time.perf_counter()
            response = client.get(path, params)
            elapsed = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if i >= 5:
                out.append(elapsed)
        return out

    load_before = os.getloadavg()[0]
    base = timed("/healthz", {})
    rows = [("baseline: /healthz", percentile(base, 50), percentile(base, 95))]
    for label, params in shapes:
        for kind, path in (("page", "/statistics/"), ("JSON", "/api/statistics/"),
                           ("CSV", "/api/statistics.csv")):
            ms = timed(path, params)
            rows.append((f"{kind}: {label}", percentile(ms, 50), percentile(ms, 95)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base95 = rows[0][2]
    table = "| request | p50 | p95 | p95 / baseline |\n|---|---:|---:|---:|\n" + "\n".join(
        f"| {label} | {p50:.1f} ms | {p95:.1f} ms | {p95 / base95:.1f}x |"
        for label, p50, p95 in rows)
    print(table)
    worst = max(p95 for _l, _a, p95 in rows[1:])
    print(f"worst p95 {worst:.1f} ms (target < 200 ms); peak RSS {peak:.0f} MiB")
    command = ".venv/bin/python bench/stats_page.py" + (
        f" --n {args.n}" if args.n != 100_000 else "") + (
        f" --database-url {args.database_url}" if args.database_url else "")
    section = f"""### {args.n:,} notices, {engine}

Command: `{command}` (`--runs {args.runs}` per request shape)
Date: {datetime.now(UTC):%Y-%m-%d %H:%MZ}, {os.cpu_count()} vCPU shared with other work
(load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}).
Bulk load {load_s:.0f} s; `statistics_rebuild` {rebuild_s:.0f} s ({counted:,} public
notices; {StatCell.objects.count():,} cells). Peak RSS of the process {peak:.0f} MiB.
Worst p95 {worst:.1f} ms (target < 200 ms).

{table}
"""
    if not args.no_write:
        path = ROOT / "bench" / "RESULTS.md"
        text = path.read_text(encoding="utf-8")
        marker = "## statistics\n"
        if marker not in text:
            text = text.rstrip("\n") + "\n\n" + marker + (
                "\nbench/stats_page.py: the public statistics page and API over summary "
                "tables (docs/statistics.md), against /healthz in the same run.\n")
        head, _sep, tail = text.partition(marker)
        rest = tail.split("\n## ", 1)
        body = rest[0]
        title = section.split("\n", 1)[0]
        chunks = [c for c in body.split("\n### ") if c and not ("### " + c).startswith(title)]
        body = "\n### ".join(chunks).rstrip("\n") + "\n\n" + section
        text = head + marker + body + ("\n## " + rest[1] if len(rest) > 1 else "")
        path.write_text(text, encoding="utf-8")
        print("written to bench/RESULTS.md (## statistics)")


if __name__ == "__main__":
    main()
