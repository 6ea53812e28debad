"""Benchmark the opening of sealed bids (bids.opening.services): throughput and peak memory.

    .venv/bin/python bench/open.py                  # 100 bids of 10 MiB (default)
    .venv/bin/python bench/open.py --bids 20 --mib 5

Setup (not timed): a throwaway data directory and SQLite database, a tender with a 3-member
committee (k = 2), N bids of M MiB sealed with the ETB-1 library and submitted through the
submission services (uploaded in 8 MiB parts, finalised, receipts issued), the deadline moved
to "now", an opening session started and two members' shares sent (the crypto library plays
the members: open the sealed share, re-seal it to the session key).

Timed: `opening_run` - the background job - unsealing the shares, reconstructing each DEK
(key-commitment check), stream-decrypting every blob from storage (chunk authentication +
Merkle root + digest check against the receipt) into scratch space, listing the tar, moving
it to private storage, recording the result, and the transparency-log check.

Baseline: the same stored blobs, read part by part from the same storage, with one
AES-256-GCM pass per 1 MiB chunk (encrypt, same cost as decrypt) plus one SHA-256 pass over
the ciphertext, written to a temporary file in the same scratch folder. Ratio = opening
throughput / baseline throughput (target >= 0.5).

Peak memory: VmHWM is reset (/proc/self/clear_refs) right before `opening_run`; reported as
VmHWM after the run minus VmRSS before it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(tempfile.mkdtemp(prefix="anbud-bench-open-"))
os.environ["ANBUD_DATA_DIR"] = str(DATA)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

MiB = 1 << 20
PART = 8 * MiB


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


Keys = dict[str, ec.EllipticCurvePrivateKey]


def setup(bids: int, mib: int) -> tuple[object, list[object], Keys]:
    from accounts.models import BuyerType, OrganizationKind, Role
    from backend.clock import db_now
    from bids import committee as committee_services
    from bids import submission
    from crypto.envelope import TarEntry, seal_entries
    from crypto.member_keys import generate_member_key, wrap_member_key
    from notices import services
    from notices.models import Notice
    from tests.conftest import make_org, make_user, notice_fields

    call_command("migrate", verbosity=0)
    authority = make_org(OrganizationKind.AUTHORITY, "Bergen kommune", BuyerType.OTHER)
    officer = make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER)
    start = timezone.now() - timedelta(days=20)
    notice = services.notice_create(buyer=authority, by=officer, kind="national",
                                    fields=notice_fields(start=start), now=start)
    members = [make_user(f"m{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(3)]
    committee = committee_services.committee_configure(notice=notice, by=officer,
                                                       members=members, k=2,
                                                       now=start).committee
    keys = {}
    for i, (user, seat) in enumerate(zip(members, committee.members.order_by("pk"),
                                         strict=True)):
        key = generate_member_key()
        wrapped = wrap_member_key(key, key_id=f"member-{i}", passphrase="bench passphrase 1")  # noqa: S106
        committee_services.committee_member_enrol_key(member=seat, by=user, wrapped_key=wrapped,
                                                      now=start)
        keys[f"member-{i}"] = key
    notice = services.notice_publish(notice=notice, by=officer, now=start)
    committee_services.manifest_ensure(notice=notice, now=start)
    block = os.urandom(MiB)
    payload = (block * mib)[: mib * MiB - 16 * 1024]  # tar header + end: exactly mib MiB
    print(f"setup: sealing and submitting {bids} bids of {mib} MiB ...", file=sys.stderr)
    for n in range(bids):
        org = make_org(OrganizationKind.SUPPLIER, f"Leverandør {n:03d} AS")
        user = make_user(f"s{n}@supplier.example", org, Role.SUPPLIER_ADMIN)
        sub = submission.submission_start(notice=notice, supplier=org, by=user)
        out = io.BytesIO()
        sealed = seal_entries([TarEntry("tilbud.bin", len(payload), 0, io.BytesIO(payload))],
                              manifest=sub.manifest.manifest, context=sub.context, out=out)
        blob = out.getbuffer()
        for index, offset in enumerate(range(0, len(blob), PART)):
            part = bytes(blob[offset:offset + PART])
            submission.submission_part_put(submission=sub, index=index,
                                           stream=io.BytesIO(part),
                                           sha256=hashlib.sha256(part).hexdigest(), by=user,
                                           content_length=len(part))
        del blob
        submission.submission_shares_put(submission=sub, by=user,
                                         document=sealed.shares_document())
        submission.submission_finalize(submission=sub, by=user,
                                       claimed=sealed.digest.as_json())
    Notice.objects.filter(pk=notice.pk).update(
        submission_deadline=db_now() + timedelta(milliseconds=1))
    notice.refresh_from_db()
    return notice, [officer, *members], keys


def start_session(notice: object, people: list[object],
                  keys: dict[str, ec.EllipticCurvePrivateKey]) -> object:
    from bids.opening import services as opening
    from bids.opening.models import OpeningSession, OpeningStatus
    from crypto.shares import open_share

    officer, *members = people
    session = opening.opening_start(notice=notice, by=officer)  # type: ignore[arg-type]
    for member in members[:2]:
        rows = opening.opening_shares_for_member(session=session, by=member)  # type: ignore[arg-type]
        shares = []
        for row in rows:
            share = open_share(bytes.fromhex(row["sealed_share"]), keys[row["key_id"]],
                               context_hash=bytes.fromhex(row["context_hash"]),
                               key_id=row["key_id"])
            shares.append({"submission": row["submission"], "key_id": row["key_id"],
                           "resealed": opening.reseal_share(
                               share, session_public_key=session.public_key,
                               session_id=session.pk, context_hash_hex=row["context_hash"],
                               key_id=row["key_id"]).hex()})
        # No commit hooks run here (autocommit, on_commit fires at once): keep the job for the
        # timed section by flipping the status ourselves after the shares are in.
        opening.opening_add_shares(session=session, by=member, shares=shares)  # type: ignore[arg-type]
    session.refresh_from_db()  # type: ignore[attr-defined]
    assert session.status in (OpeningStatus.OPENING, OpeningStatus.OPENED)  # type: ignore[attr-defined]
    return OpeningSession.objects.get(pk=session.pk)  # type: ignore[attr-defined]


def baseline(notice: object) -> tuple[float, int]:
    from bids.models import Submission, SubmissionStatus
    from bids.opening.services import open_blob

    aead = AESGCM(os.urandom(32))
    nonce = os.urandom(12)
    scratch = DATA / "scratch" / "baseline"
    scratch.mkdir(parents=True, exist_ok=True)
    total = 0
    kept = []  # outputs are kept until the end, as the opening keeps its plaintext
    began = time.perf_counter()
    for sub in Submission.objects.filter(notice=notice, status__in=[
            SubmissionStatus.SEALED, SubmissionStatus.OPENED]):
        out = tempfile.NamedTemporaryFile(dir=scratch)
        with open_blob(sub) as blob:
            blob.read(115)
            while chunk := blob.read(MiB + 16):
                total += len(chunk)
                hashlib.sha256(b"\x00" + chunk).digest()
                out.write(aead.encrypt(nonce, chunk[:-16], None)[:-16])
        out.flush()
        kept.append(out)
    elapsed = time.perf_counter() - began
    for out in kept:
        out.close()
    return elapsed, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=100)
    parser.add_argument("--mib", type=int, default=10)
    args = parser.parse_args()

    from unittest import mock

    from bids.opening import services as opening
    from bids.opening.models import OpeningStatus

    notice, people, keys = setup(args.bids, args.mib)
    # Start the session with the job deferred, so that only opening_run is timed.
    with mock.patch.object(opening, "_enqueue", lambda session: None):
        session = start_session(notice, people, keys)
    base_s, base_bytes = baseline(notice)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        opening.opening_run(session_id=session.pk)  # type: ignore[attr-defined]
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return
    rss_before = status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    began = time.perf_counter()
    session = opening.opening_run(session_id=session.pk)  # type: ignore[attr-defined]
    open_s = time.perf_counter() - began
    hwm = status_kib("VmHWM")
    peak = hwm - rss_before
    assert session.status == OpeningStatus.OPENED, session.error
    assert session.log_check["ok"], session.log_check
    blob_bytes = sum(s.submission.size for s in session.bids.select_related("submission"))
    open_rate = blob_bytes / open_s / MiB
    base_rate = base_bytes / base_s / MiB
    print(f"bids opened: {session.bids_done} x {args.mib} MiB "
          f"({blob_bytes / MiB:.0f} MiB sealed)")
    print(f"opening_run: {open_s:.2f} s, {open_rate:.0f} MiB/s")
    print(f"baseline (AES-256-GCM + SHA-256, same blobs, same storage): {base_s:.2f} s, "
          f"{base_rate:.0f} MiB/s")
    print(f"ratio: {open_rate / base_rate:.2f} (target >= 0.5)")
    print(f"peak RSS during opening: {hwm / 1024:.1f} MiB (VmHWM), "
          f"{peak / 1024:.1f} MiB above the RSS before it ({rss_before / 1024:.1f} MiB)")


if __name__ == "__main__":
    main()
