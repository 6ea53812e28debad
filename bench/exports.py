"""Benchmark the open-data exports at scale: OCDS release packages and eForms XML.

    nice -n 10 .venv/bin/python bench/exports.py               # 100,000 notices, fresh SQLite
    nice -n 10 .venv/bin/python bench/exports.py --n 10000     # a quicker run

Loads N published notices (a third with two or three lots, one in ten with a change notice)
into a fresh database by bulk insert (not through the services, for speed), then runs each
export in a fresh subprocess, one after the other (one core at a time):

- OCDS: `manage.py export_ocds --out DIR` (every release, 10,000 per package file, streamed);
- eForms: the eForms XML of every published version (`notices.exports.eforms.notice_xml`,
  what `GET /api/notices/{id}/eforms` and the daily ZIP write), read in chunks of 500
  notices and written into ZIP files of 10,000 notices each.

Reports throughput (notices per second) and the peak resident memory of each subprocess
above a baseline subprocess that only starts Django (`manage.py check`), so memory growth
with N would show. Writes the result to bench/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OBJECTS = [("Renhold av skoler", "90910000", "services"),
           ("Vedlikehold av kommunale bygg", "45453000", "works"),
           ("Skoleskyss", "60130000", "services"), ("Datamaskiner og nettbrett", "30213000",
                                                    "supplies"),
           ("Kantinedrift", "55520000", "services"), ("Arbeidsklær", "18100000", "supplies"),
           ("Asfaltering av veier", "45233222", "works"), ("Legemidler", "33600000",
                                                         "supplies")]
PLACES = ["NO081", "NO084", "NO0A2", "NO060", "NO071", "NO072", "NO0A1"]


def _peak(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of a command, measured with /usr/bin/time-like wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    output = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    last = output.strip().splitlines()[-1] if output.strip() else ""
    print(f"  {last}")
    return seconds, usage.ru_maxrss


def load(n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import Organization
    from notices.models import Lot, Notice, NoticeVersion

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    rnd = random.Random(7)
    orgs = [Organization(kind="authority", name=f"Kommune {i}", buyer_type="other",
                         national_id=f"BENCH{i}", country="NO", city="Bergen",
                         nuts=rnd.choice(PLACES), postal_code="5014", phone="+47 55 00 00 00",
                         email=f"post{i}@kommune.example") for i in range(300)]
    Organization.objects.bulk_create(orgs, batch_size=500)
    buyers = list(Organization.objects.values_list("pk", "name", "national_id"))
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    for offset in range(0, n, 5000):
        notices, lot_rows, snaps = [], [], []
        for i in range(offset, min(n, offset + 5000)):
            title, cpv, nature = rnd.choice(OBJECTS)
            buyer_pk, buyer_name, buyer_id = rnd.choice(buyers)
            published = now - timedelta(days=rnd.randint(1, 700), minutes=rnd.randint(0, 1439))
            deadline = published + timedelta(days=rnd.randint(20, 45))
            lots = ([(f"Delkontrakt {k}", cpv, 1_000_000) for k in range(1, rnd.choice((2, 3)) + 1)]
                    if i % 3 == 0 else [])
            fields = {
                "title": f"{title} {i}", "description": f"{title}: rammeavtale i to år.",
                "contract_type": nature, "procedure_type": "open", "cpv_main": cpv,
                "cpv_additional": [], "nuts": rnd.choice(PLACES),
                "estimated_value": "1800000.00", "submission_deadline": deadline.isoformat(),
                "question_deadline": (deadline - timedelta(days=7)).isoformat(),
                "accelerated": False, "accelerated_reason": "", "request_deadline": None,
                "title_en": "", "description_en": "", "accelerated_reason_en": "",
                "duration_months": 24, "tender_validity_days": 90, "max_lots_submitted": None,
                "max_lots_awarded": None, "candidates_min": None, "planned_notice_date": None,
            }
            notices.append(Notice(
                reference=f"ANB-B-{i:07d}", buyer_id=buyer_pk, kind="national",
                status="closed" if deadline < now else "published", title=fields["title"],
                description=fields["description"], contract_type=nature,
                procedure_type="open", cpv_main=cpv, nuts=fields["nuts"],
                estimated_value=1_800_000, submission_deadline=deadline,
                question_deadline=deadline - timedelta(days=7), regime="part2",
                version=2 if i % 10 == 0 else 1, published_at=published,
                procedure_uuid=uuid.uuid4(), duration_months=24, tender_validity_days=90))
            lot_rows.append(lots)
            snaps.append((fields, published, buyer_name, buyer_id, lots))
        with transaction.atomic():
            created = Notice.objects.bulk_create(notices, batch_size=2000)
            Lot.objects.bulk_create(
                [Lot(notice_id=notice.pk, number=k, title=t, cpv=c, estimated_value=v)
                 for notice, lots in zip(created, lot_rows, strict=True)
                 for k, (t, c, v) in enumerate(lots, start=1)], batch_size=5000)
            versions = []
            for notice, (fields, published, buyer_name, buyer_id, lots) in zip(
                    created, snaps, strict=True):
                snap = {**fields, "kind": "national", "reference": notice.reference,
                        "buyer": buyer_name, "buyer_id": f"NO-{buyer_id}", "regime": "part2",
                        "lots": [{"number": k, "title": t, "description": "", "cpv": c,
                                  "estimated_value": f"{v}.00", "title_en": "",
                                  "description_en": "", "duration_months": None}
                                 for k, (t, c, v) in enumerate(lots, start=1)]}
                versions.append(NoticeVersion(notice_id=notice.pk, number=1, kind="original",
                                              snapshot=snap, published_at=published,
                                              notice_uuid=uuid.uuid4()))
                if notice.version == 2:
                    changed = {**snap, "description": snap["description"] + " Endret."}
                    versions.append(NoticeVersion(
                        notice_id=notice.pk, number=2, kind="change", snapshot=changed,
                        diff=[{"field": "description", "old": snap["description"],
                               "new": changed["description"]}],
                        reason="Presisering.", published_at=published + timedelta(days=1),
                        notice_uuid=uuid.uuid4()))
            NoticeVersion.objects.bulk_create(versions, batch_size=5000)
    print(f"loaded {n:,} notices in {time.perf_counter() - started:.0f} s")


def eforms_worker(out: Path) -> None:
    """Subprocess: the eForms XML of every published version, into one ZIP."""
    import zipfile

    import django

    django.setup()
    from notices.exports import eforms
    from notices.models import Notice, NoticeStatus

    notices = (Notice.objects.exclude(status=NoticeStatus.DRAFT).select_related("buyer")
               .prefetch_related("versions").order_by("pk"))
    # ZIP files of at most 10,000 notices each: a ZIP keeps its directory (one entry per
    # file) in memory until it is closed, so one archive for everything would grow with N.
    count = files = 0
    archive = None
    for notice in notices.iterator(chunk_size=500):
        for version in notice.versions.all():
            if count % 10_000 == 0:
                if archive is not None:
                    archive.close()
                files += 1
                archive = zipfile.ZipFile(out.parent / f"{out.stem}-{files:05d}.zip", "w",
                                          compression=zipfile.ZIP_DEFLATED)
            xml = eforms.notice_xml(notice, base_url="https://anbud.example/",
                                    version=version.number)
            assert archive is not None
            archive.writestr(f"{notice.reference}-v{version.number:02d}.xml", xml)
            count += 1
    if archive is not None:
        archive.close()
    print(f"{count} eForms notices written in {files} ZIP file(s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--data-dir", default="", help="keep the data here (default: temp)")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--worker", choices=["load", "eforms"], help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "load":
        load(args.n)
        return
    if args.worker == "eforms":
        eforms_worker(Path(args.out))
        return

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="anbud-bench-exports-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ANBUD_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "backend.settings.base"}
    env.pop("DATABASE_URL", None)
    python = sys.executable
    print(f"data dir: {data_dir}; notices: {args.n:,}")
    _peak([python, __file__, "--worker", "load", "--n", str(args.n)], env)
    _secs, baseline = _peak([python, "manage.py", "check"], env)
    ocds_dir = data_dir / "ocds"
    ocds_s, ocds_kib = _peak([python, "manage.py", "export_ocds", "--out", str(ocds_dir)], env)
    ocds_bytes = sum(p.stat().st_size for p in ocds_dir.glob("*.json"))
    zip_path = data_dir / "eforms.zip"
    eforms_s, eforms_kib = _peak([python, __file__, "--worker", "eforms", "--out",
                                  str(zip_path)], env)
    zip_bytes = sum(p.stat().st_size for p in data_dir.glob("eforms-*.zip"))
    versions = args.n + args.n // 10
    rows = [
        ("OCDS release packages (`export_ocds`)", ocds_s, ocds_kib, ocds_bytes),
        ("eForms XML, every version, ZIPs of 10,000", eforms_s, eforms_kib, zip_bytes),
    ]
    report = ["| export | time | notices/s | releases or notices/s | peak RSS above "
              "baseline | output |", "|---|--:|--:|--:|--:|--:|"]
    for name, seconds, kib, size in rows:
        report.append(f"| {name} | {seconds:.0f} s | {args.n / seconds:,.0f} | "
                      f"{versions / seconds:,.0f} | {(kib - baseline) / 1024:.0f} MiB | "
                      f"{size / 1024 / 1024:.0f} MiB |")
    table = "\n".join(report)
    print(table)
    print(f"baseline (manage.py check): {baseline / 1024:.0f} MiB")
    if not args.no_write:
        section = (
            "\n## open data: exports\n\n"
            f"Command: `nice -n 10 .venv/bin/python bench/exports.py --n {args.n}`\n"
            f"Date: {datetime.now(UTC):%Y-%m-%d (%H:%MZ)}, Python "
            f"{sys.version.split()[0]}, SQLite (embedded profile, throwaway data directory), "
            "2 vCPU shared with other jobs, Linux.\n\n"
            f"{args.n:,} published national notices (a third with lots, one in ten with a "
            f"change notice: {versions:,} versions), bulk-loaded; each export runs alone in "
            "a fresh subprocess. Peak RSS is the subprocess's high-water mark minus that of "
            f"`manage.py check` ({baseline / 1024:.0f} MiB).\n\n{table}\n")
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write(section)


if __name__ == "__main__":
    main()
