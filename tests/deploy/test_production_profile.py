"""The production profile, started for real with the operator's script (deploy/prod.sh).

HAProxy in front of two gunicorn processes, a Celery worker, the search writer and beat, on
PostgreSQL (a database of its own), Redis (a db number of its own, the cache), RabbitMQ (a
vhost of its own, the broker) and S3 (moto's server mode), all on free ports. The journey goes
over HTTP through the proxy only: an officer publishes a notice with a document and a
committee, a supplier follows it, another asks a question that the officer answers, two
suppliers submit bids sealed on their side (crypto.envelope), and two members open them with
their keys. Then it checks that both web processes served requests, that the worker ran the
tasks (the opening, the e-mails), that the files are in S3 and not on local disk, and that
stopping the script leaves no process behind.

The one step that is not HTTP: the tender deadline is moved to "now" in the database (as
tests/bids/test_opening.py does), since no one waits weeks for a deadline.

It runs in CI's PostgreSQL pass (DATABASE_URL=postgres://…); elsewhere it is skipped with the
reason. Under CI=true a missing service (RabbitMQ, HAProxy, Redis) fails it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "prod.sh"
PYTHON = sys.executable
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery staple"
MARKER = b"PRICE-MARKER-prod-smoke"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"the production-profile smoke test needs {reason} in CI")
    pytest.skip(f"production-profile smoke test: {reason}")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Profile:
    url: str
    env: dict[str, str]
    state: Path
    process: subprocess.Popen[bytes]
    broker_url: str
    nodes: list[str] = field(default_factory=list)

    def log(self, name: str) -> str:
        path = self.state / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def tails(self) -> str:
        return "\n".join(f"--- {name}.log\n" + self.log(name)[-3000:]
                         for name in ("setup", "web1", "web2", "worker", "beat", "proxy"))


def _requirements() -> dict[str, str]:
    """The servers of the PostgreSQL pass, or a skip (a failure under CI) saying what lacks."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        pytest.skip("production-profile smoke test: runs in the PostgreSQL pass "
                    "(DATABASE_URL=postgres://…, as CI's second pass sets)")
    redis_url = os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0"
    broker = os.environ.get("ANBUD_SMOKE_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672")
    db = urllib.parse.urlsplit(database_url)
    redis = urllib.parse.urlsplit(redis_url)
    amqp = urllib.parse.urlsplit(broker)
    if not _port_open(db.hostname or "127.0.0.1", db.port or 5432):
        _missing("PostgreSQL")
    if not _port_open(redis.hostname or "127.0.0.1", redis.port or 6379):
        _missing("Redis")
    if not _port_open(amqp.hostname or "127.0.0.1", amqp.port or 5672):
        _missing("RabbitMQ on 5672 (rabbitmq-server -detached)")
    if shutil.which("rabbitmqctl") is None:
        _missing("rabbitmqctl (a vhost of its own)")
    if shutil.which("haproxy") is None:
        _missing("HAProxy (apt-get install haproxy)")
    return {"database": database_url, "redis": redis_url, "broker": broker}


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def _admin_sql(database_url: str, sql: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _wait(what: str, check: Callable[[], Any], timeout: float, profile: Profile | None = None,
          every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if profile is not None and profile.process.poll() is not None:
            raise AssertionError(f"deploy/prod.sh ended while waiting for {what}\n"
                                 + profile.tails())
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n"
                                 + (profile.tails() if profile else ""))
        time.sleep(every)


def _stop(process: subprocess.Popen[bytes]) -> list[str]:
    """SIGTERM to the script, as an operator's Ctrl-C; the processes of its group left after."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            pass
    left = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(process.pid)],
                          capture_output=True, text=True).stdout.strip().splitlines()
    if left or process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    servers = _requirements()
    tag = secrets.token_hex(4)
    name = f"anbud_smoke_{tag}"
    proxy, web1, web2, s3 = _free_ports(4)
    db = urllib.parse.urlsplit(servers["database"])._replace(path=f"/{name}").geturl()
    redis_db = os.environ.get("ANBUD_SMOKE_REDIS_DB", "13")
    redis = urllib.parse.urlsplit(servers["redis"])._replace(path=f"/{redis_db}").geturl()
    broker = f"{servers['broker'].rstrip('/')}/{name}"
    _rabbitmqctl("add_vhost", name)
    _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    state = tmp_path_factory.mktemp("prod")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANBUD_", "PYTEST_", "DJANGO_", "CELERY_"))}
    env.update({
        "ANBUD_PYTHON": PYTHON, "ANBUD_PROD_STATE": str(state),
        "DATABASE_URL": db, "REDIS_URL": redis, "ANBUD_BROKER_URL": broker,
        "ANBUD_PROXY_PORT": str(proxy), "ANBUD_WEB1_PORT": str(web1),
        "ANBUD_WEB2_PORT": str(web2), "ANBUD_S3_PORT": str(s3),
        "ANBUD_WEB_WORKERS": "1", "ANBUD_WORKER_CONCURRENCY": "2",
        "ANBUD_LOAD_CODELISTS": "0", "ANBUD_HEARTBEAT_SECONDS": "5",
        "ANBUD_STOP_SECONDS": "20",
    })
    out = open(state / "prod.out", "wb")  # closed at teardown
    process = subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=env, stdout=out,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    prof = Profile(url=f"http://127.0.0.1:{proxy}", env=env, state=state, process=process,
                   broker_url=broker)
    try:
        yield prof
    finally:
        left = _stop(process)
        out.close()
        _admin_sql(servers["database"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            _rabbitmqctl("delete_vhost", name)
        except subprocess.CalledProcessError:
            pass
        assert not left, f"processes left after deploy/prod.sh stopped: {left}"


# --- an HTTP client through the proxy ----------------------------------------------------------


class Client:
    """requests through the proxy, remembering which web process answered each one."""

    def __init__(self, profile: Profile, token: str | None = None) -> None:
        import requests

        self.profile = profile
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "en"
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, expect: int | tuple[int, ...] = 200,
             **kwargs: Any) -> Any:
        response = self.session.request(method, self.profile.url + path, timeout=120, **kwargs)
        self.profile.nodes.append(response.headers.get("X-Anbud-Node", ""))
        allowed = expect if isinstance(expect, tuple) else (expect,)
        assert response.status_code in allowed, (
            f"{method} {path}: {response.status_code} {response.text[:2000]}")
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, expect: int | tuple[int, ...] = (200, 201),
             **kwargs: Any) -> Any:
        if body is not None:
            kwargs["json"] = body
        return self.call("POST", path, expect=expect, **kwargs)

    def put(self, path: str, body: Any = None, expect: int | tuple[int, ...] = (200, 201),
            **kwargs: Any) -> Any:
        if body is not None:
            kwargs["json"] = body
        return self.call("PUT", path, expect=expect, **kwargs)


def _manage(profile: Profile, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=180,
                            env={**profile.env, "DJANGO_SETTINGS_MODULE": "backend.settings.base",
                                 "ANBUD_DATA_DIR": str(profile.state / "data")})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# The people of the journey: made with the test factories, as an administrator would invite
# them (the invitation e-mails are not what this test is about).
PEOPLE = """
from accounts.models import BuyerType, OrganizationKind, Role
from tests.conftest import make_org, make_user
bergen = make_org(OrganizationKind.AUTHORITY, "Bergen kommune", BuyerType.OTHER)
make_user("officer@bergen.example", bergen, Role.PROCUREMENT_OFFICER)
for i in range(3):
    make_user(f"member{i}@bergen.example", bergen, Role.COMMITTEE_MEMBER)
fjordbygg = make_org(OrganizationKind.SUPPLIER, "Fjordbygg AS")
make_user("anna@fjordbygg.example", fjordbygg, Role.SUPPLIER_ADMIN)
nordlys = make_org(OrganizationKind.SUPPLIER, "Nordlys Renhold AS")
make_user("ola@nordlys.example", nordlys, Role.SUPPLIER_ADMIN)
"""


def _sign_in(profile: Profile, email: str) -> Client:
    response = Client(profile).post("/api/auth/token/", {
        "email": email, "password": PASSWORD, "name": "smoke test"}, expect=201)
    return Client(profile, response.json()["token"])


def _notice_body() -> dict[str, Any]:
    from tests.conftest import notice_fields

    body = {key: (value.isoformat() if hasattr(value, "isoformat") else str(value))
            for key, value in notice_fields().items()}
    return {**body, "kind": "national"}


def _submit(client: Client, notice_id: int, plaintext: bytes) -> tuple[str, dict[str, Any]]:
    """A bid sealed on the supplier's side and uploaded in parts, as the CLI does."""
    from tests.bids.conftest import seal_for

    base = f"/api/notices/{notice_id}/submissions/"
    started = client.post(base, {}, expect=201).json()
    sealed = seal_for(started, plaintext, name="tilbud.txt")
    part = 64 * 1024
    for index, begin in enumerate(range(0, len(sealed.blob), part)):
        data = sealed.blob[begin:begin + part]
        client.put(f"{base}{started['id']}/parts/{index}", data=data, expect=201, headers={
            "Content-Type": "application/octet-stream",
            "X-Content-SHA256": hashlib.sha256(data).hexdigest()})
    client.post(f"{base}{started['id']}/sealed-shares", sealed.shares, expect=201)
    receipt = client.post(f"{base}{started['id']}/finalize", sealed.digest, expect=201).json()
    return started["id"], receipt


def _pass_deadline(profile: Profile, notice_id: int) -> None:
    """The one step outside HTTP: the deadline becomes the database's "now"."""
    import psycopg

    with psycopg.connect(profile.env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("UPDATE notices_notice SET submission_deadline = now(), "
                     "question_deadline = LEAST(question_deadline, now()) WHERE id = %s",
                     [notice_id])
    time.sleep(0.2)


def _worker_stats(profile: Profile) -> dict[str, Any]:
    from celery import Celery

    app = Celery(broker=profile.broker_url)
    try:
        return app.control.inspect(timeout=3).stats() or {}
    finally:
        app.close()


def _s3_keys(profile: Profile) -> list[str]:
    import boto3

    env = profile.env
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{env['ANBUD_S3_PORT']}",
                      aws_access_key_id="anbud-local", aws_secret_access_key="anbud-local-secret",
                      region_name="eu-north-1")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="anbud")
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


# --- the journey -------------------------------------------------------------------------------


def test_the_production_profile_runs_a_whole_tender(profile: Profile) -> None:
    from crypto.member_keys import generate_member_key
    from crypto.shares import open_share
    from tests.bids.conftest import fake_wrapped

    anonymous = Client(profile)
    _wait("the proxy and both web processes to be ready",
          lambda: _ready(profile), timeout=300, profile=profile, every=1.0)
    _manage(profile, "shell", "-c", PEOPLE)

    officer = _sign_in(profile, "officer@bergen.example")
    members = [_sign_in(profile, f"member{i}@bergen.example") for i in range(3)]
    anna = _sign_in(profile, "anna@fjordbygg.example")
    ola = _sign_in(profile, "ola@nordlys.example")

    # The officer drafts the notice, uploads the tender documents, names the committee.
    notice_id = officer.post("/api/notices/", _notice_body(), expect=201).json()["id"]
    document = b"%PDF-1.4\nKonkurransegrunnlag for vedlikehold\n" + secrets.token_bytes(50_000)
    uploaded = officer.post(f"/api/notices/{notice_id}/documents/", expect=201,
                            files={"file": ("konkurransegrunnlag.pdf", document,
                                            "application/pdf")},
                            data={"title": "Konkurransegrunnlag"}).json()
    committee = officer.put(f"/api/notices/{notice_id}/committee", {
        "members": [f"member{i}@bergen.example" for i in range(3)], "k": 2}).json()
    seats = {seat["name"]: seat["id"] for seat in committee["members"]}
    keys: dict[str, Any] = {}
    for i, client in enumerate(members):
        key = generate_member_key()
        key_id = f"smoke-{notice_id}-{i}"
        keys[key_id] = key
        client.put(f"/api/notices/{notice_id}/committee/members/{seats[f'member{i}']}/key",
                   fake_wrapped(key_id, key))
    officer.post(f"/api/notices/{notice_id}/publish/", {})

    # Anyone downloads the document; a supplier follows; another asks; the officer answers.
    listed = anonymous.get(f"/api/notices/{notice_id}/documents/").json()
    assert listed and listed[0]["title"] == "Konkurransegrunnlag", listed
    assert uploaded["sha256"] == hashlib.sha256(document).hexdigest()
    download = f"/api/notices/{notice_id}/documents/{listed[0]['id']}/versions/1/download/"
    assert hashlib.sha256(anonymous.get(download).content).hexdigest() == \
        hashlib.sha256(document).hexdigest()
    ola.post(f"/api/notices/{notice_id}/follow/", {})
    asked = anna.post(f"/api/notices/{notice_id}/questions/",
                      {"text": "Gjelder rammeavtalen også uteområder?"}, expect=201).json()
    officer.post(f"/api/questions/{asked['id']}/answer/",
                 {"text": "Nei, bare bygningene.", "public": True})
    inbox = _wait("the follower's inbox message about the answer",
                  lambda: [m for m in ola.get("/api/inbox/").json()["results"]
                           if m["notice"]["id"] == notice_id],
                  timeout=60, profile=profile)
    assert inbox

    # Two suppliers submit bids sealed on their side.
    bids = {}
    for client, text in ((anna, b"Pris: 1 000 000 NOK "), (ola, b"Price 990 000 NOK ")):
        submission_id, receipt = _submit(client, notice_id, text + MARKER)
        assert receipt["receipt"]["submission"] == submission_id
        bids[submission_id] = text + MARKER

    # After the deadline the officer starts the opening; two of three members send shares.
    _pass_deadline(profile, notice_id)
    session = officer.post(f"/api/notices/{notice_id}/opening", expect=201).json()["session"]
    for client in members[:2]:
        rows = client.get(f"/api/openings/{session}/my-shares").json()["shares"]
        assert len(rows) == 2
        shares = [{"key_id": row["key_id"], "context_hash": row["context_hash"],
                   "share": open_share(bytes.fromhex(row["sealed_share"]), keys[row["key_id"]],
                                       context_hash=bytes.fromhex(row["context_hash"]),
                                       key_id=row["key_id"]).hex()} for row in rows]
        client.post(f"/api/openings/{session}/shares", {"shares": shares}, expect=200)
    status = _wait("the worker to open the bids",
                   lambda: _opened(officer, session), timeout=90, profile=profile)
    assert status["bids_done"] == 2 and status["log_check"]["ok"], status
    members[2].post(f"/api/notices/{notice_id}/evaluation/declaration",
                    {"has_conflict": False}, expect=201)
    for submission_id, plaintext in bids.items():
        got = members[2].get(f"/api/openings/{session}/bids/{submission_id}/files/0")
        assert got.content == plaintext

    # Both web processes served the journey (HAProxy names them; its log agrees).
    assert {"web1", "web2"} <= set(profile.nodes), profile.nodes
    proxy_log = profile.log("proxy")
    assert "web/web1 " in proxy_log and "web/web2 " in proxy_log

    # The worker ran the tasks: the opening and the e-mails, not the web processes.
    stats = _worker_stats(profile)
    worker = next((v for k, v in stats.items() if k.startswith("anbud-worker@")), None)
    assert worker is not None, stats
    totals = worker["total"]
    assert totals.get("bids.opening_tasks.open_bids", 0) >= 1, totals
    for task in ("notices.following_tasks.notify_event",  # the answer, to the follower
                 "notices.following_tasks.notify_question_asked",  # the question, to the buyer
                 "bids.tasks.notify_bid_event"):  # receipts, the opening, to the committee
        assert totals.get(task, 0) >= 1, totals
    worker_log = profile.log("worker")
    assert "ola@nordlys.example" in worker_log  # the answer's e-mail, sent by the worker
    for node in ("web1", "web2"):
        assert "ola@nordlys.example" not in profile.log(node)
    _wait("beat's heartbeat, run by the worker",
          lambda: "backend.heartbeat[" in profile.log("worker"), timeout=30, profile=profile)

    # Documents and bids are in S3, nothing on the local disk.
    stored = _s3_keys(profile)
    assert any(key.startswith("documents/") for key in stored), stored
    assert any(key.startswith(f"bids/{notice_id}/") for key in stored), stored
    media = profile.state / "data" / "media"
    local = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert local == [], local

    # Every process's health check passes (`deploy/prod.sh check`, as docs/operations.md says).
    check = subprocess.run(["bash", str(SCRIPT), "check"], cwd=ROOT, env=profile.env,
                           capture_output=True, text=True, timeout=180)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("ok ") == 6, check.stdout


def _ready(profile: Profile) -> bool:
    import requests

    ports = [profile.env["ANBUD_WEB1_PORT"], profile.env["ANBUD_WEB2_PORT"]]
    urls = [f"http://127.0.0.1:{port}/readyz" for port in ports]
    try:
        if not all(requests.get(url, timeout=10).status_code == 200 for url in urls):
            return False
        # Ready means in HAProxy's rotation too: a process whose first health check was slow
        # (a loaded machine) is out until `rise` checks pass, so wait until the proxy has
        # handed requests to both (round robin: four tries see both when both are in).
        seen = set()
        for _ in range(4):
            answer = requests.get(profile.url + "/readyz", timeout=10)
            if answer.status_code != 200:
                return False
            seen.add(answer.headers.get("X-Anbud-Node", ""))
        return {"web1", "web2"} <= seen
    except requests.RequestException:
        return False


def _opened(officer: Client, session: str) -> dict[str, Any] | None:
    status = officer.get(f"/api/openings/{session}/").json()
    assert status["status"] != "failed", status
    return status if status["status"] == "opened" else None

