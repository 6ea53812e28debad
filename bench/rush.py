"""The deadline rush: many suppliers seal and submit at once, through gunicorn, on PostgreSQL.

    .venv/bin/python bench/rush.py                       # 200 bids of 1 MiB from 50 clients
    .venv/bin/python bench/rush.py --bids 400 --clients 100 --json

What it does, in one run:
1. creates a fresh PostgreSQL database (default anbud_rush on 127.0.0.1, user postgres),
   migrates it, and creates an authority, a committee of 3 (k = 2) with real wrapped keys, a
   published tender taking electronic bids, and one supplier per client with an API token;
2. starts gunicorn (2 workers) on that database with the bench-only plain upload endpoint
   switched on (ANBUD_BENCH_PLAIN_UPLOAD=1);
3. baseline: the clients POST the same number of blobs of the same sealed size to the plain
   endpoint (stores the bytes, nothing else);
4. the rush: each client, for each of its bids, starts a submission, seals the bid with
   crypto/ to the issued manifest and context (as the browser or the CLI does), and sends
   the whole sealed blob with its SHA-256, the digest and the sealed shares in one request
   (PUT .../blob: two requests a bid). `--parts`: PUT parts of at most --part-size, then
   finalise with the shares (three requests; also what a blob larger than --part-size
   takes); `--separate-shares`: the older four, shares first. Each receipt is verified
   offline with the key from /api/keys/ and checked against the client's digest;
5. waits until the Celery worker has e-mailed every receipt (with `--eager-tasks` the web
   workers did it in the request), then the baseline again; reports successes, errors,
   latency percentiles (whole bid and the finalise call), receipts verified, throughput
   relative to the mean of the baselines (also counting the wait for the e-mails), the CPU
   time of the gunicorn workers and of the Celery worker per item, and the gunicorn
   workers' resident memory (sampled every 0.1 s, and each worker's VmHWM).

Celery: by default as in production, through Redis (`--redis`, a database of its own that
is flushed) to a Celery worker of 2 processes on the same two cores; the receipt e-mail and
inbox message are then not built in the web request. `--eager-tasks` runs them in the web
workers after the commit, as the bench did before.

Sealing is client work (the browser's or the CLI's), and the plain baseline does none, so by
default it is kept out of the timed phases, as the server never sees it: phase 1 (timed)
every client starts its bids; then the bench seals every bid to the context it was issued
(not timed; the SHA-256 of each part computed here too); phase 2 (timed) every client
uploads and finalises its bids in order. bids/s = bids / (phase 1 + phase 2). With
`--seal-inline` the older measurement: each bid is sealed between its start and its upload
inside the timed run, on the same cores as the server.

A bid of "1 MiB" is one file of exactly 1 MiB. Its tar (header, data, end blocks, rounded to
10 KiB records) is a little over 1 MiB, so ETB-1 pads it to two 1 MiB chunks: the sealed blob
is 2 MiB + 147 bytes. The baseline posts blobs of exactly the sealed size.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MiB = 1 << 20


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": MiB, "G": 1 << 30}
    text = text.strip().upper()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- setup (Django ORM in this process, before gunicorn starts) ------------------------------

def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_data(clients: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.db import connections

    from accounts.models import ApiToken, BuyerType, Membership, Organization, Role, User
    from bids import committee as committee_services
    from bids.models import CommitteeMember
    from crypto.member_keys import generate_member_key, wrap_member_key
    from notices import services as notice_services

    def org_number(seq: int) -> str:
        from accounts.orgnumber import org_number_check_digit

        candidate = 92000000 + seq * 11
        while True:
            digit = org_number_check_digit(str(candidate))
            if digit is not None:
                return f"{candidate}{digit}"
            candidate += 1

    authority = Organization.objects.create(kind="authority", name="Rush kommune",
                                            buyer_type=BuyerType.OTHER, org_number=org_number(0))
    officer = User.objects.create_user(email="officer@rush.example", password=None)
    Membership.objects.create(user=officer, organization=authority,
                              role=Role.PROCUREMENT_OFFICER)
    members = []
    for i in range(3):
        user = User.objects.create_user(email=f"member{i}@rush.example", password=None)
        Membership.objects.create(user=user, organization=authority, role=Role.COMMITTEE_MEMBER)
        members.append(user)
    now = datetime.now(UTC)
    notice = notice_services.notice_create(
        buyer=authority, by=officer, kind="national", fields={
            "title": "Rammeavtale: rush-benchmark", "description": "Benchmark tender.",
            "contract_type": "works", "procedure_type": "open", "cpv_main": "45000000",
            "nuts": "NO0A2", "estimated_value": Decimal("1800000"),
            "submission_deadline": now + timedelta(days=21),
            "question_deadline": now + timedelta(days=14)})
    committee_services.committee_configure(notice=notice, by=officer, members=members, k=2)
    for i, user in enumerate(members):
        key = generate_member_key()
        seat = CommitteeMember.objects.get(committee__notice=notice, user=user)
        committee_services.committee_member_enrol_key(
            member=seat, by=user,
            wrapped_key=wrap_member_key(key, key_id=f"rush-member-{i}",
                                        passphrase=secrets.token_urlsafe(24)))
    notice = notice_services.notice_publish(notice=notice, by=officer)
    committee_services.manifest_ensure(notice=notice)
    tokens = []
    for i in range(clients):
        org = Organization.objects.create(kind="supplier", name=f"Rush leverandør {i} AS",
                                          org_number=org_number(i + 1))
        user = User.objects.create_user(email=f"bidder{i}@rush.example", password=None)
        Membership.objects.create(user=user, organization=org, role=Role.SUPPLIER_ADMIN)
        tokens.append(ApiToken.objects.create(user=user, name="rush")[1])
    connections.close_all()
    return {"notice": notice.pk, "tokens": tokens}


# --- HTTP client ------------------------------------------------------------------------------

class Client:
    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        all_headers = {"Authorization": f"Token {self.token}", **(headers or {})}
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, data: Any = None) -> tuple[int, Any]:
        body = json.dumps(data if data is not None else {}).encode()
        status, raw = self.request(method, path, body,
                                   {"Content-Type": "application/json"})
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, {"raw": raw[:300].decode("latin-1")}


@dataclass
class Outcome:
    ok: bool
    latency: float
    finalize: float = 0.0
    error: str = ""
    receipt: dict[str, Any] | None = None
    digest: dict[str, Any] = field(default_factory=dict)
    started: float = 0.0


def seal(started: dict[str, Any], plaintext: bytes) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    from crypto.envelope import TarEntry, seal_entries

    out = io.BytesIO()
    sealed = seal_entries([TarEntry("tilbud.bin", len(plaintext), 1_700_000_000,
                                    io.BytesIO(plaintext))],
                          manifest=started["manifest"], context=started["context"], out=out,
                          expected_manifest_hash=started["manifest_hash"])
    digest = sealed.digest.as_json()
    return out.getvalue(), sealed.shares_document(), {
        k: digest[k] for k in ("header_hash", "root", "size", "chunks")}


@dataclass
class Sealed:
    blob: bytes
    shares: dict[str, Any]
    digest: dict[str, Any]
    part_hashes: list[str]


def seal_parts(started: dict[str, Any], plaintext: bytes, part_size: int) -> Sealed:
    blob, shares, digest = seal(started, plaintext)
    hashes = [hashlib.sha256(memoryview(blob)[at:at + part_size]).hexdigest()
              for at in range(0, len(blob), part_size)]
    return Sealed(blob, shares, digest, hashes)


def one_bid(client: Client, notice: int, plaintext: bytes,
            separate_shares: bool = False, part_size: int = 64 * MiB,
            combined: bool = False) -> Outcome:
    """Inline sealing (--seal-inline): start, seal, upload, finalise, all timed."""
    began = time.perf_counter()
    base = f"/api/notices/{notice}/submissions/"
    status, started = client.json("POST", base)
    if status != 201:
        return Outcome(False, time.perf_counter() - began, error=f"start {status} {started}")
    sealed = seal_parts(started, plaintext, part_size)
    outcome = upload_and_finalise(client, notice, started["id"], sealed, separate_shares,
                                  part_size, combined)
    outcome.latency += outcome.started - began if outcome.started else 0.0
    return outcome


def blob_body(finalize: dict[str, Any], blob: bytes) -> tuple[str, bytes]:
    """The multipart/form-data body of PUT .../blob: the finalise document, then the blob."""
    boundary = secrets.token_hex(16)
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"finalize\"\r\n"
            f"Content-Type: application/json\r\n\r\n{json.dumps(finalize)}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"blob\"; "
            f"filename=\"bid.etb1\"\r\nContent-Type: application/octet-stream\r\n\r\n")
    return (f"multipart/form-data; boundary={boundary}",
            b"".join([head.encode(), blob, f"\r\n--{boundary}--\r\n".encode()]))


def upload_and_finalise(client: Client, notice: int, sid: str, sealed: Sealed,
                        separate_shares: bool, part_size: int,
                        combined: bool = False) -> Outcome:
    began = time.perf_counter()
    base = f"/api/notices/{notice}/submissions/"
    if combined and len(sealed.part_hashes) == 1:
        # One request: the whole blob and the finalise document (two requests a bid).
        content_type, payload = blob_body({**sealed.digest, **sealed.shares}, sealed.blob)
        status, raw = client.request("PUT", f"{base}{sid}/blob", payload, {
            "Content-Type": content_type,
            "X-Content-SHA256": sealed.part_hashes[0]})
        end = time.perf_counter()
        if status != 201:
            return Outcome(False, end - began, end - began,
                           error=f"blob {status} {raw[:300]!r}", started=began)
        return Outcome(True, end - began, end - began, receipt=json.loads(raw),
                       digest=sealed.digest, started=began)
    view = memoryview(sealed.blob)
    for index, sha in enumerate(sealed.part_hashes):
        status, raw = client.request(
            "PUT", f"{base}{sid}/parts/{index}",
            view[index * part_size:(index + 1) * part_size], {  # type: ignore[arg-type]
                "Content-Type": "application/octet-stream", "X-Content-SHA256": sha})
        if status != 201:
            return Outcome(False, time.perf_counter() - began,
                           error=f"part {status} {raw[:200]!r}")
    shares, digest = sealed.shares, sealed.digest
    body: dict[str, Any] = {**digest, **shares}
    if separate_shares:  # the four-request route: the shares in a request of their own
        status, answer = client.json("POST", f"{base}{sid}/sealed-shares", shares)
        if status != 201:
            return Outcome(False, time.perf_counter() - began, error=f"shares {status} {answer}")
        body = digest
    fin = time.perf_counter()
    status, signed = client.json("POST", f"{base}{sid}/finalize", body)
    end = time.perf_counter()
    if status != 201:
        return Outcome(False, end - began, end - fin, error=f"finalize {status} {signed}",
                       started=began)
    return Outcome(True, end - began, end - fin, receipt=signed, digest=digest, started=began)


def run_presealed(port: int, tokens: list[str], total: int, notice: int, plaintext: bytes,
                  separate_shares: bool, part_size: int,
                  combined: bool = False) -> tuple[list[Outcome], float]:
    """Phase 1 (timed): every client starts its bids. Sealing (not timed). Phase 2 (timed):
    every client uploads and finalises its bids, in the order it started them."""
    base = f"/api/notices/{notice}/submissions/"
    mine: dict[int, list[tuple[dict[str, Any] | None, float, str]]] = {
        i: [] for i in range(len(tokens))}
    lock = threading.Lock()
    counter = iter(range(total))

    def start_all(slot: int) -> None:
        client = Client(port, tokens[slot])
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            began = time.perf_counter()
            try:
                status, started = client.json("POST", base)
                error = "" if status == 201 else f"start {status} {started}"
            except Exception as exc:
                started, error = None, f"start {type(exc).__name__}: {exc}"
            mine[slot].append((started if not error else None, time.perf_counter() - began,
                               error))

    def finish_all(slot: int) -> None:
        client = Client(port, tokens[slot])
        for started, start_latency, error in mine[slot]:
            if started is None:
                outcome = Outcome(False, start_latency, error=error)
            else:
                try:
                    outcome = upload_and_finalise(client, notice, started["id"],
                                                  sealed[started["id"]], separate_shares,
                                                  part_size, combined)
                except Exception as exc:
                    outcome = Outcome(False, 0.0, error=f"{type(exc).__name__}: {exc}")
                outcome.latency += start_latency
            with lock:
                outcomes.append(outcome)

    def run(target: Any) -> float:
        threads = [threading.Thread(target=target, args=(i,)) for i in range(len(tokens))]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - began

    outcomes: list[Outcome] = []
    starting = run(start_all)
    sealed = {started["id"]: seal_parts(started, plaintext, part_size)
              for items in mine.values() for started, _l, _e in items if started is not None}
    finishing = run(finish_all)
    return outcomes, starting + finishing


def one_plain(client: Client, blob: bytes, index: int) -> Outcome:
    began = time.perf_counter()
    status, raw = client.request("POST", "/api/bench/plain-upload", blob, {
        "Content-Type": "application/octet-stream", "X-Name": f"blob-{index}"})
    took = time.perf_counter() - began
    return Outcome(status == 201, took, error="" if status == 201 else f"{status} {raw[:200]!r}")


def run_clients(port: int, tokens: list[str], total: int,
                work: Any) -> tuple[list[Outcome], float]:
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker(token: str) -> None:
        client = Client(port, token)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                outcome = work(client, index)
            except Exception as exc:
                outcome = Outcome(False, 0.0, error=f"{type(exc).__name__}: {exc}")
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(t,)) for t in tokens]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - began


def sealed_size_of(size: int) -> int:
    """The size of the sealed blob of one file of `size` bytes (tar + padding + ETB-1)."""
    from crypto.constants import CHUNK_SIZE, HEADER_LEN, TAG_LEN
    from crypto.tarstream import TarWriter

    class Count:
        length = 0

        def write(self, data: bytes) -> None:
            self.length += len(data)

    counter = Count()
    tar = TarWriter(counter.write)
    tar.add_file("tilbud.bin", size, 1_700_000_000, io.BytesIO(bytes(size)))
    tar.close()
    chunks = max(1, -(-counter.length // CHUNK_SIZE))
    return HEADER_LEN + chunks * (CHUNK_SIZE + TAG_LEN)


class MemorySampler(threading.Thread):
    """Resident memory of gunicorn's workers, every 0.1 s: the peak of each phase (largest
    worker and all workers together), and each worker's kernel high-water mark (VmHWM)."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.master = psutil.Process(master)
        self.phase = "plain_before"
        self.peaks: dict[str, dict[str, float]] = {}
        self.idle: dict[str, float] = {}
        self.hwm: dict[int, float] = {}
        self.running = True
        self.idle = self.sample()
        self.cpu_marks: list[tuple[str, float]] = [(self.phase, self.cpu())]

    def cpu(self) -> float:
        """CPU seconds (user + system) the workers have used so far."""
        return cpu_seconds(self.master.children())

    def sample(self) -> dict[str, float]:
        import psutil

        sizes = []
        for worker in self.master.children():
            try:
                sizes.append(worker.memory_info().rss / MiB)
                with open(f"/proc/{worker.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            self.hwm[worker.pid] = int(line.split()[1]) / 1024
            except (psutil.Error, OSError):
                continue
        return {"largest_worker": max(sizes, default=0.0), "all_workers": sum(sizes)}

    def mark(self, phase: str) -> None:
        self.phase = phase
        self.cpu_marks.append((phase, self.cpu()))

    def run(self) -> None:
        while self.running:
            now = self.sample()
            peak = self.peaks.setdefault(self.phase, {"largest_worker": 0.0,
                                                      "all_workers": 0.0})
            for key, value in now.items():
                peak[key] = max(peak[key], value)
            time.sleep(0.1)

    def stop(self) -> dict[str, Any]:
        self.running = False
        self.join(timeout=5)
        self.sample()
        self.cpu_marks.append(("end", self.cpu()))
        cpu = {phase: round(self.cpu_marks[i + 1][1] - used, 2)
               for i, (phase, used) in enumerate(self.cpu_marks[:-1])}
        rounded = {phase: {k: round(v, 1) for k, v in peak.items()}
                   for phase, peak in self.peaks.items()}
        return {"idle_before": {k: round(v, 1) for k, v in self.idle.items()},
                "peak_by_phase": rounded,
                "worker_vmhwm": sorted(round(v, 1) for v in self.hwm.values()),
                "worker_cpu_s_by_phase": cpu}


def wait_for_receipt_mails(expected: int, timeout: float) -> int:
    """Wait until `expected` receipt messages have been e-mailed; returns how many were."""
    from notices.following.models import InboxKind, InboxMessage

    deadline = time.perf_counter() + timeout
    sent = 0
    while time.perf_counter() < deadline:
        sent = InboxMessage.objects.filter(kind=InboxKind.RECEIPT,
                                           emailed_at__isnull=False).count()
        if sent >= expected:
            break
        time.sleep(0.05)
    return sent


def worker_cpu(process: subprocess.Popen[bytes] | None) -> float:
    """CPU seconds (user + system) of the Celery worker and its children so far."""
    if process is None:
        return 0.0
    import psutil

    root = psutil.Process(process.pid)
    return cpu_seconds([root, *root.children(recursive=True)])


def cpu_seconds(processes: list[Any]) -> float:
    """CPU seconds (user + system) of `processes` (psutil) so far; one that has ended counts
    nothing."""
    import psutil

    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--size", default="1M", help="bid size (the tar plaintext), e.g. 1M")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/anbud_rush")
    parser.add_argument("--separate-shares", action="store_true",
                        help="POST the sealed shares in a request of their own (4 requests a "
                        "bid) instead of with the finalisation (3)")
    parser.add_argument("--seal-inline", action="store_true",
                        help="seal each bid inside the timed run, between its start and its "
                        "upload (the older measurement), instead of between two timed phases")
    parser.add_argument("--parts", action="store_true",
                        help="upload with PUT parts, then POST finalise (3 requests a bid) "
                        "even when the blob fits one part; by default a bid of one part is "
                        "sent with PUT .../blob (blob and finalise in one request: 2 a bid)")
    parser.add_argument("--part-size", default="64M",
                        help="upload parts of at most this size (the server's limit: 64M)")
    parser.add_argument("--eager-tasks", action="store_true",
                        help="run Celery tasks (the receipt e-mail and inbox message) eagerly "
                        "in the web workers, as the bench did before; by default they go "
                        "through Redis (--redis) to a Celery worker (2 processes, the default "
                        "of deploy/prod.sh) on the same machine, as in production")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11",
                        help="broker for the Celery worker (this database is flushed)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    size = parse_size(args.size)
    part_size = parse_size(args.part_size)
    combined = not args.parts and not args.separate_shares
    data_dir = Path(tempfile.mkdtemp(prefix="anbud-rush-"))
    env = {**os.environ, "DATABASE_URL": args.database, "ANBUD_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": "backend.settings.base", "ANBUD_BENCH_PLAIN_UPLOAD": "1",
           "LOG_LEVEL": "WARNING", "DEBUG": "0",
           # Persistent database connections, as a production deployment runs.
           "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60")}
    env.pop("REDIS_URL", None)
    if not args.eager_tasks:
        import redis

        redis.Redis.from_url(args.redis).flushdb()  # no task of an earlier run
        env["REDIS_URL"] = args.redis
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "ANBUD_DATA_DIR",
                                             "DJANGO_SETTINGS_MODULE",
                                             "ANBUD_BENCH_PLAIN_UPLOAD", "LOG_LEVEL")})
    recreate_database(args.database)
    setup = setup_data(args.clients)
    from crypto.receipts import verify_receipt

    port = free_port()
    log_path = data_dir / "gunicorn.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "backend.wsgi:application",
         "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", "gthread" if args.threads > 1 else "sync",
         "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--backlog", "2048",
         "--error-logfile", str(log_path)],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL)  # the console e-mail backend prints every receipt mail
    worker = None
    if not args.eager_tasks:
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "backend", "worker",
             "-Q", "celery", "--concurrency", "2", "--loglevel", "WARNING",
             "-n", f"rush-{port}@%h"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=open(data_dir / "celery.log", "w"))
    try:
        for _ in range(200):
            try:
                status, keys = Client(port, setup["tokens"][0]).json("GET", "/api/keys/")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not start; see {log_path}")
        public_key = keys["public_key"]
        tokens = setup["tokens"]
        # Warm both workers (each loads the URLconf and the views on its first request), so
        # neither phase pays for the imports: concurrent authenticated requests reach both.
        warm = [threading.Thread(target=lambda t=t: [Client(port, t).json(
            "GET", f"/api/notices/{setup['notice']}/committee") for _ in range(3)])
            for t in tokens[:8]]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        memory = MemorySampler(server.pid)
        memory.start()
        plaintext = os.urandom(size)
        sealed_size = sealed_size_of(size)
        blob = os.urandom(sealed_size)

        plain_a, plain_a_time = run_clients(port, tokens, args.bids,
                                            lambda c, i: one_plain(c, blob, i))
        memory.mark("rush")
        celery_cpu_before = worker_cpu(worker)  # its start-up and idle time do not count
        if args.seal_inline:
            bids, bids_time = run_clients(port, tokens, args.bids,
                                          lambda c, i: one_bid(c, setup["notice"], plaintext,
                                                               args.separate_shares, part_size,
                                                               combined))
        else:
            bids, bids_time = run_presealed(port, tokens, args.bids, setup["notice"], plaintext,
                                            args.separate_shares, part_size, combined)
        rush_end = time.perf_counter()
        # The receipt e-mails are sent by the Celery worker, perhaps after the rush: wait
        # until every one is sent (so the second baseline does not share the cores with them)
        # and report how long that took.
        drain = wait_for_receipt_mails(sum(o.ok for o in bids), timeout=600)
        drain_s = time.perf_counter() - rush_end
        celery_cpu = worker_cpu(worker) - celery_cpu_before
        memory.mark("plain_after")
        plain_b, plain_b_time = run_clients(port, tokens, args.bids,
                                            lambda c, i: one_plain(c, blob, i + args.bids))

        rss = memory.stop()
        verified = 0
        for outcome in bids:
            if outcome.ok and outcome.receipt:
                receipt = verify_receipt(outcome.receipt, public_key)
                if all(receipt[k] == outcome.digest[k] for k in outcome.digest):
                    verified += 1
        ok = [o for o in bids if o.ok]
        errors = [o.error for o in bids if not o.ok]
        plain_ok = sum(o.ok for o in plain_a + plain_b)
        plain_rate = (len([o for o in plain_a if o.ok]) / plain_a_time
                      + len([o for o in plain_b if o.ok]) / plain_b_time) / 2
        bid_rate = len(ok) / bids_time
        latencies = [o.latency for o in ok]
        finals = [o.finalize for o in ok]
        plain_lat = [o.latency for o in plain_a + plain_b if o.ok]
        report = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%MZ"),
            "bids": args.bids, "clients": args.clients, "bid_bytes": size,
            "requests_per_bid": 2 if combined and sealed_size <= part_size else
            (4 if args.separate_shares else 3) + len(range(0, sealed_size, part_size)) - 1,
            "sealing": "inline (timed)" if args.seal_inline else "before phase 2 (not timed)",
            "server_rss_mib": rss,
            "load_average": os.getloadavg(),
            "sealed_bytes": sealed_size, "gunicorn": f"{args.workers} workers x "
            f"{args.threads} threads", "successes": len(ok), "errors": len(errors),
            "error_samples": errors[:5], "receipts_verified": verified,
            "latency_s": {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
                          "p99": percentile(latencies, 0.99)},
            "finalize_latency_s": {"p50": percentile(finals, 0.5),
                                   "p95": percentile(finals, 0.95),
                                   "p99": percentile(finals, 0.99)},
            "plain_latency_s": {"p50": percentile(plain_lat, 0.5),
                                "p95": percentile(plain_lat, 0.95),
                                "p99": percentile(plain_lat, 0.99)},
            "bids_per_s": bid_rate, "bids_wall_s": bids_time,
            "plain_uploads_per_s": plain_rate, "plain_ok": plain_ok,
            "plain_errors": 2 * args.bids - plain_ok,
            "throughput_ratio": bid_rate / plain_rate if plain_rate else float("nan"),
            # The gunicorn workers' own CPU per item (load from other jobs does not count):
            # the sealing-free bid against the plain upload, in CPU milliseconds.
            "worker_cpu_ms_per_bid": 1000 * rss["worker_cpu_s_by_phase"].get("rush", 0.0)
            / max(1, len(ok)),
            "worker_cpu_ms_per_plain_upload": 1000 * (
                rss["worker_cpu_s_by_phase"].get("plain_before", 0.0)
                + rss["worker_cpu_s_by_phase"].get("plain_after", 0.0)) / max(1, plain_ok),
            "tasks": "eager, in the web workers" if args.eager_tasks else
            "Redis + Celery worker, concurrency 2 (same machine)",
            "receipt_mails_sent": drain,
            "receipt_mails_drain_s": drain_s,
            # Until the last receipt e-mail was sent: the rush including its notifications.
            "bids_per_s_incl_mails": len(ok) / (bids_time + drain_s),
            "throughput_ratio_incl_mails": len(ok) / (bids_time + drain_s) / plain_rate
            if plain_rate else float("nan"),
            "celery_cpu_ms_per_bid": 1000 * celery_cpu / max(1, len(ok))
            if worker is not None else None,
            "MiB_per_s_bids": bid_rate * sealed_size / MiB,
            "MiB_per_s_plain": plain_rate * sealed_size / MiB,
        }
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            lat, fin, pl = report["latency_s"], report["finalize_latency_s"], \
                report["plain_latency_s"]
            print(f"deadline rush: {args.bids} bids of {args.size} from {args.clients} clients, "
                  f"gunicorn {report['gunicorn']}, PostgreSQL")
            print(f"  successes {len(ok)}/{args.bids}, errors {len(errors)}, receipts verified "
                  f"{verified}/{len(ok)}")
            print(f"  latency per bid (start, seal, upload, finalise with shares): p50 "
                  f"{lat['p50']:.3f} s, p95 {lat['p95']:.3f} s, p99 {lat['p99']:.3f} s")
            print(f"  finalise call: p50 {fin['p50']:.3f} s, p95 {fin['p95']:.3f} s, "
                  f"p99 {fin['p99']:.3f} s")
            print(f"  plain upload: p50 {pl['p50']:.3f} s, p95 {pl['p95']:.3f} s, "
                  f"p99 {pl['p99']:.3f} s")
            print(f"  throughput: {bid_rate:.1f} bids/s ({report['MiB_per_s_bids']:.1f} MiB/s) "
                  f"vs plain {plain_rate:.1f} uploads/s ({report['MiB_per_s_plain']:.1f} MiB/s)"
                  f": ratio {report['throughput_ratio']:.2f}")
            print(f"  server memory (MiB) and CPU (s): {json.dumps(rss)}")
            print(f"  worker CPU: {report['worker_cpu_ms_per_bid']:.1f} ms a bid, "
                  f"{report['worker_cpu_ms_per_plain_upload']:.1f} ms a plain upload")
            for sample in errors[:5]:
                print(f"  error: {sample}")
        return 0 if not errors and verified == len(ok) else 1
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    raise SystemExit(main())
