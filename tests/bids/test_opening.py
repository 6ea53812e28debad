"""Opening (ETB-1 §8): k of n committee members open the bids after the deadline.

The crypto library plays the members: each opens its sealed shares with its private key and
re-seals them to the session key, as the browser does (or sends them plain, as the CLI does).
Bids are submitted through the submission services; the deadline is then moved to "just now"
(the database clock), so every receipt is before it and the opening may start.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.apps import apps
from django.conf import settings
from django.core.cache import cache as django_cache
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Organization, Role, User
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from bids import committee as committee_services
from bids import submission
from bids.models import BidEvent, Submission, SubmissionStatus
from bids.opening import services as opening
from bids.opening.models import OpenedBidStatus, OpeningSession, OpeningStatus
from bids.opening.protocol import protocol_data, protocol_pdf
from crypto.envelope import TarEntry, recover_dek, seal_entries
from crypto.member_keys import generate_member_key, wrap_member_key
from crypto.payload import read_header
from crypto.shares import open_share
from notices.models import Notice
from tests.bids.conftest import declare_impartiality, storage_fails_on_second_read
from tests.conftest import make_user

MARKER = b"PRICE-MARKER-7f3a9c"
PASSPHRASE = "lang og hemmelig passfrase for komiteen"


@cache
def member_key(i: int) -> tuple[ec.EllipticCurvePrivateKey, dict[str, Any]]:
    """Member keys, generated and wrapped (600 000 PBKDF2 iterations) once per test run."""
    key = generate_member_key()
    return key, wrap_member_key(key, key_id=f"member-{i:02d}", passphrase=PASSPHRASE)


@dataclass
class Tender:
    notice: Notice
    officer: User
    members: list[User]
    keys: dict[str, ec.EllipticCurvePrivateKey]
    bids: list[Submission] = field(default_factory=list)
    plaintexts: dict[str, bytes] = field(default_factory=dict)


def setup_tender(make_notice: Callable[..., Notice], officer: User, authority: Organization,
                 *, n: int = 3, k: int = 2) -> Tender:
    """A published tender with an n-member committee whose keys are all enrolled."""
    start = timezone.now() - timedelta(days=20)
    notice = make_notice(publish=False, at=start)
    members = [make_user(f"member{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(1, n + 1)]
    result = committee_services.committee_configure(notice=notice, by=officer,
                                                    members=members, k=k, now=start)
    keys = {}
    for i, (user, seat) in enumerate(zip(members, result.committee.members.order_by("pk"),
                                         strict=True), start=1):
        key, wrapped = member_key(i)
        committee_services.committee_member_enrol_key(member=seat, by=user,
                                                      wrapped_key=wrapped, now=start)
        keys[wrapped["key_id"]] = key
    from notices import services

    notice = services.notice_publish(notice=notice, by=officer, now=start)
    committee_services.manifest_ensure(notice=notice, now=start)
    return Tender(notice=notice, officer=officer, members=members, keys=keys)


def submit(tender: Tender, supplier: Organization, user: User, files: dict[str, bytes],
           *, tamper: bool = False) -> Submission:
    """A bid sealed on the supplier's side (as the CLI does) and uploaded in two parts."""
    sub = submission.submission_start(notice=tender.notice, supplier=supplier, by=user)
    out = io.BytesIO()
    sealed = seal_entries(
        [TarEntry(name, len(data), 1767225600, io.BytesIO(data)) for name, data in files.items()],
        manifest=sub.manifest.manifest, context=sub.context, out=out,
        expected_manifest_hash=sub.manifest.manifest_hash)
    blob = out.getvalue()
    cut = len(blob) // 2
    for index, part in enumerate((blob[:cut], blob[cut:])):
        submission.submission_part_put(submission=sub, index=index, stream=io.BytesIO(part),
                                       sha256=hashlib.sha256(part).hexdigest(), by=user,
                                       content_length=len(part))
    submission.submission_shares_put(submission=sub, by=user, document=sealed.shares_document())
    submission.submission_finalize(submission=sub, by=user, claimed=sealed.digest.as_json())
    sub.refresh_from_db()
    tender.bids.append(sub)
    tender.plaintexts[str(sub.pk)] = b"".join(files.values())
    return sub


def pass_deadline(tender: Tender) -> None:
    """Move the deadline to the database's 'now': every receipt is before it."""
    Notice.objects.filter(pk=tender.notice.pk).update(
        submission_deadline=db_now() + timedelta(milliseconds=1))
    tender.notice.refresh_from_db()


def plain_shares(session: OpeningSession, tender: Tender, user: User) -> list[dict[str, Any]]:
    """What a member's client computes: the member's plain shares, one per bid."""
    rows = opening.opening_shares_for_member(session=session, by=user)
    return [{"submission": r["submission"], "key_id": r["key_id"],
             "context_hash": r["context_hash"],
             "share": open_share(bytes.fromhex(r["sealed_share"]), tender.keys[r["key_id"]],
                                 context_hash=bytes.fromhex(r["context_hash"]),
                                 key_id=r["key_id"])}
            for r in rows]


def browser_shares(session: OpeningSession, tender: Tender, user: User,
                   *, corrupt: bool = False) -> list[dict[str, Any]]:
    """Opened shares re-sealed to the session key, as the opening page sends them."""
    out = []
    for row in plain_shares(session, tender, user):
        share = bytearray(row["share"])
        if corrupt:
            share[0] ^= 0x5A
        out.append({"submission": row["submission"], "key_id": row["key_id"],
                    "resealed": opening.reseal_share(
                        bytes(share), session_public_key=session.public_key,
                        session_id=session.pk, context_hash_hex=row["context_hash"],
                        key_id=row["key_id"]).hex()})
    return out


def send(session: OpeningSession, tender: Tender, user: User, capture: Any,
         **kwargs: Any) -> OpeningSession:
    with capture(execute=True):
        opening.opening_add_shares(session=session, by=user,
                                   shares=browser_shares(session, tender, user, **kwargs))
    session.refresh_from_db()
    return session


@pytest.fixture
def tender(make_notice: Callable[..., Notice], officer: User, authority: Organization,
           supplier: Organization, supplier_user: User, other_supplier: Organization,
           other_supplier_user: User) -> Tender:
    t = setup_tender(make_notice, officer, authority)
    submit(t, supplier, supplier_user, {"tilbud.txt": b"Pris: 1 000 000 NOK " + MARKER,
                                        "vedlegg.csv": b"a,b\n1,2\n"})
    submit(t, other_supplier, other_supplier_user,
           {"offer.txt": b"Price 990 000 NOK " + MARKER + b"\n" * 5000})
    pass_deadline(t)
    return t


def read_all(read: opening.OpenedRead) -> bytes:
    return b"".join(read.chunks)


# --- the opening ----------------------------------------------------------------------------


def test_it_opens_every_bid_with_k_of_n_members(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    assert session.status == OpeningStatus.COLLECTING
    assert session.bids_total == 2
    session = send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.COLLECTING  # one member is not enough (k = 2)
    session = send(session, tender, tender.members[2], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED, session.error
    assert session.bids_done == 2 and session.bytes_done == session.bytes_total > 0
    assert session.log_check["ok"], session.log_check
    declare_impartiality(tender.notice, [tender.officer, tender.members[1]])
    for sub in tender.bids:
        sub.refresh_from_db()
        assert sub.status == SubmissionStatus.OPENED
        bid = opening.opened_bid_get(session=session, submission_id=sub.pk, user=tender.officer)
        whole = read_all(opening.opened_file_read(session=session, submission_id=sub.pk,
                                                  user=tender.officer))
        with tarfile.open(fileobj=io.BytesIO(whole)) as archive:
            content = b"".join(archive.extractfile(m).read() for m in archive)  # type: ignore[union-attr]
        assert content == tender.plaintexts[str(sub.pk)]
        first = read_all(opening.opened_file_read(session=session, submission_id=sub.pk,
                                                  user=tender.members[1], file_index=0))
        assert MARKER in first
        assert sorted(bid.opened_with) == ["member-01", "member-03"]
    # The session key is gone once everything is open.
    assert not opening.session_key_available(session)
    kinds = list(BidEvent.objects.filter(notice=tender.notice).values_list("kind", flat=True))
    assert "opening.opened" in kinds and kinds.count("submission.opened") == 2


def test_it_opens_with_plain_shares_from_the_command_line_client(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    for user in tender.members[:2]:
        cli = [{"context_hash": r["context_hash"], "key_id": r["key_id"],
                "share": r["share"].hex()} for r in plain_shares(session, tender, user)]
        with django_capture_on_commit_callbacks(execute=True):
            opening.opening_add_shares(session=session, by=user, shares=cli)
    session.refresh_from_db()
    assert session.status == OpeningStatus.OPENED
    # Only the re-sealed form was stored.
    for row in session.shares.all():
        assert len(bytes.fromhex(row.resealed)) == 114


def test_it_refuses_before_the_deadline(make_notice: Callable[..., Notice], officer: User,
                                        authority: Organization) -> None:
    t = setup_tender(make_notice, officer, authority)
    with pytest.raises(ApplicationError, match="after the deadline"):
        opening.opening_start(notice=t.notice, by=officer)
    assert not OpeningSession.objects.exists()


def test_it_refuses_shares_released_before_the_deadline(tender: Tender) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    with pytest.raises(ApplicationError, match="after the deadline"):
        opening.opening_shares_for_member(session=session, by=tender.members[0],
                                          now=session.deadline - timedelta(seconds=1))


def test_it_needs_k_shares(tender: Tender, django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    session = send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    assert not opening.ready_to_open(session)
    # Forcing the job with k-1 shares opens nothing.
    OpeningSession.objects.filter(pk=session.pk).update(status=OpeningStatus.OPENING)
    session = opening.opening_run(session_id=session.pk)
    assert session.status == OpeningStatus.FAILED
    assert session.bids.filter(status=OpenedBidStatus.OPENED).count() == 0
    assert {b.error_code for b in session.bids.all()} == {"not_enough_shares"}
    with pytest.raises(ApplicationError, match="lack enough shares"):
        opening.opening_resume(session=session, by=tender.officer)


def test_it_detects_a_wrong_share_and_opens_with_another_member(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    session = send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks,
                   corrupt=True)
    # Exactly k shares, one wrong: the key commitment catches it, nothing is released.
    assert session.status == OpeningStatus.FAILED
    assert {b.error_code for b in session.bids.all()} == {"key_commit_mismatch"}
    assert not list((Path(settings.DATA_DIR) / "private").glob(f"opened/{session.pk}/*"))
    # A third member's share lets the server find the bad one and open.
    session = send(session, tender, tender.members[2], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED, session.error
    for bid in session.bids.all():
        assert bid.bad_key_ids == ["member-02"]
    assert BidEvent.objects.filter(kind="opening.bad_share").count() == 2


def test_it_resumes_after_a_failure_halfway(
        tender: Tender, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    calls = storage_fails_on_second_read(monkeypatch)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.FAILED
    assert session.bids_done == 1
    first = session.bids.get(status=OpenedBidStatus.OPENED)
    stored_name = first.storage_name
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_resume(session=session, by=tender.officer)
    session.refresh_from_db()
    assert session.status == OpeningStatus.OPENED, session.error
    assert session.bids_done == 2 and session.bytes_done == session.bytes_total
    assert calls["n"] == 3  # the bid opened before the failure was not opened again
    first.refresh_from_db()
    assert first.storage_name == stored_name
    assert session.log_check["ok"]


def test_it_resumes_a_run_whose_worker_died(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):  # the task never runs
        opening.opening_add_shares(session=session, by=tender.members[1],
                                   shares=browser_shares(session, tender, tender.members[1]))
    session.refresh_from_db()
    assert session.status == OpeningStatus.OPENING
    with pytest.raises(Conflict):
        opening.opening_resume(session=session, by=tender.officer)  # still fresh
    later = timezone.now() + timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_resume(session=session, by=tender.officer, now=later)
    session.refresh_from_db()
    assert session.status == OpeningStatus.OPENED


def test_it_renews_an_expired_session_key(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    django_cache.delete(opening._cache_key(session))  # the cache lost the key (TTL, restart)
    with pytest.raises(Conflict, match="expired"):
        opening.opening_add_shares(session=session, by=tender.members[1],
                                   shares=browser_shares(session, tender, tender.members[1]))
    session = opening.opening_renew_key(session=session, by=tender.officer)
    assert session.key_generation == 2 and session.shares.count() == 0
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED


def test_only_members_send_their_own_shares(
        tender: Tender, supplier_user: User, django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    shares = browser_shares(session, tender, tender.members[0])
    with pytest.raises(Forbidden):
        opening.opening_add_shares(session=session, by=supplier_user, shares=shares)
    with pytest.raises(Forbidden):  # another member cannot send member-01's share
        opening.opening_add_shares(session=session, by=tender.members[1], shares=shares)
    with pytest.raises(Forbidden):
        opening.opening_shares_for_member(session=session, by=tender.officer)


def test_it_opens_a_tender_without_bids(make_notice: Callable[..., Notice], officer: User,
                                        authority: Organization) -> None:
    t = setup_tender(make_notice, officer, authority)
    pass_deadline(t)
    session = opening.opening_start(notice=t.notice, by=officer)
    assert session.status == OpeningStatus.OPENED
    assert session.log_check["ok"], session.log_check


# --- the protocol ---------------------------------------------------------------------------


def test_the_protocol_lists_every_bid_and_the_tree_head(
        tender: Tender, supplier: Organization, supplier_user: User,
        django_capture_on_commit_callbacks: Any) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    data = protocol_data(session)
    assert [b.submission for b in data.bids] == [str(s.pk) for s in tender.bids]
    assert {b.supplier for b in data.bids} == {"Fjordbygg AS", "Nordlys Renhold AS"}
    assert all(b.root and b.received_at and b.received_at < data.deadline for b in data.bids)
    assert [o.key_id for o in data.openers] == ["member-01", "member-02"]
    assert data.tree_head["ok"] and data.tree_head["tree_size"] == session.tree_head.size
    assert protocol_pdf(data).startswith(b"%PDF")
    text = protocol_pdf(data, compress=False).decode("latin-1")
    for bid in tender.bids:
        assert all(bid.root[i:i + 16] in text for i in range(0, 64, 16))
        assert bid.supplier.name in text
    assert session.tree_head.root[:32] in text and session.tree_head.root[32:] in text


def test_the_log_check_catches_a_bid_missing_from_the_opening(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:
    from bids.opening.log_check import verify_opened_set

    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    session.bids.filter(submission=tender.bids[0]).delete()
    check = verify_opened_set(session)
    assert not check["ok"]
    assert check["missing"] == [tender.bids[0].context_hash]


# --- reading opened content -------------------------------------------------------------------


@pytest.fixture
def opened(tender: Tender, django_capture_on_commit_callbacks: Any) -> OpeningSession:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    # Bid content is read after a declaration of no conflict of interest.
    declare_impartiality(tender.notice, [tender.officer, *tender.members])
    return session


def test_committee_and_procurement_officers_read_opened_bids(
        tender: Tender, opened: OpeningSession) -> None:
    sub = tender.bids[0]
    for reader in (tender.officer, *tender.members):
        data = read_all(opening.opened_file_read(session=opened, submission_id=sub.pk,
                                                 user=reader, file_index=0))
        assert MARKER in data
    reads = BidEvent.objects.filter(kind="opened.read", submission=sub)
    assert reads.count() == 4
    assert {e.by for e in reads} == {tender.officer, *tender.members}
    assert all(e.data["file"] == "tilbud.txt" for e in reads)


def test_nobody_else_reads_opened_bids(
        tender: Tender, opened: OpeningSession, supplier_user: User, other_supplier_user: User,
        other_officer: User, authority: Organization) -> None:
    from django.contrib.auth.models import AnonymousUser

    admin_only = make_user("admin2@bergen.example", authority, Role.AUTHORITY_ADMIN)
    sub = tender.bids[0]
    for stranger in (supplier_user, other_supplier_user, other_officer, AnonymousUser(),
                     admin_only):
        with pytest.raises(NotFound):
            opening.opened_file_read(session=opened, submission_id=sub.pk,
                                     user=stranger, file_index=0)  # type: ignore[arg-type]
    assert not BidEvent.objects.filter(kind="opened.read").exists()


def test_opened_content_is_outside_public_storage(opened: OpeningSession) -> None:
    for bid in opened.bids.all():
        path = Path(settings.DATA_DIR) / "private" / bid.storage_name
        assert path.is_file()
        assert not (Path(settings.MEDIA_ROOT) / bid.storage_name).exists()


def _database_text() -> str:
    chunks = []
    for model in apps.get_models():
        for row in model.objects.all().values():
            chunks.append(json.dumps(row, default=str, ensure_ascii=False))
    return "\n".join(chunks)


def test_nothing_secret_is_left_after_the_opening(
        tender: Tender, django_capture_on_commit_callbacks: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    secrets = [PASSPHRASE]
    for user in tender.members[:2]:
        for row in plain_shares(session, tender, user):
            secrets.append(row["share"].hex())
    for key in tender.keys.values():
        secrets.append(f"{key.private_numbers().private_value:064x}")
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED
    # The DEKs, recomputed here from the plain shares, appear nowhere either.
    for sub in tender.bids:
        from bids.opening.services import open_blob

        with open_blob(sub) as blob:
            header = read_header(blob)
        plain = [bytes.fromhex(r["share"].hex()) for u in tender.members[:2]
                 for r in plain_shares(session, tender, u) if r["submission"] == str(sub.pk)]
        secrets.append(recover_dek(plain, k=2, header=header).dek.hex())
    db = _database_text().lower()
    logs = "\n".join(r.getMessage() for r in caplog.records).lower()
    for secret in secrets:
        assert secret.lower() not in db
        assert secret.lower() not in logs
    assert MARKER.decode() not in db and MARKER.decode() not in logs
    # Plaintext exists only in private storage, never in the public media folder.
    media = b"".join(p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert MARKER not in media
    scratch = Path(settings.DATA_DIR) / "scratch"
    assert not [p for p in scratch.rglob("*") if p.is_file()]


def test_the_protocol_names_an_unfinished_upload_as_never_completed(
        make_notice: Callable[..., Notice], officer: User, authority: Organization,
        supplier: Organization, supplier_user: User, other_supplier: Organization,
        other_supplier_user: User) -> None:
    from django.utils import translation

    t = setup_tender(make_notice, officer, authority)
    submit(t, supplier, supplier_user, {"tilbud.txt": b"pris"})
    unfinished = submission.submission_start(notice=t.notice, supplier=other_supplier,
                                             by=other_supplier_user)
    part = b"\x00" * 200
    submission.submission_part_put(submission=unfinished, index=0, stream=io.BytesIO(part),
                                   sha256=hashlib.sha256(part).hexdigest(),
                                   by=other_supplier_user)
    cancelled = submission.submission_start(notice=t.notice, supplier=supplier,
                                            by=supplier_user)
    submission.submission_withdraw(submission=cancelled, by=supplier_user)
    pass_deadline(t)
    session = opening.opening_start(notice=t.notice, by=officer)
    with translation.override("en"):
        data = protocol_data(session)
        text = protocol_pdf(data, compress=False).decode("latin-1")
    assert [b.supplier for b in data.bids] == ["Fjordbygg AS"]
    assert [r.supplier for r in data.not_received] == ["Nordlys Renhold AS"]
    assert data.not_received[0].reason == ("Upload never completed before the deadline: no "
                                           "receipt, not opened")
    assert "Nordlys Renhold AS" in text and "Bids not received before the deadline" in text
    assert "ejected" not in text  # no rejection (avvisning): nobody decided one
    with translation.override("nb"):
        data = protocol_data(session)
        text = protocol_pdf(data, compress=False).decode("latin-1")
        page = render_to_string("bids/protocol.html", {"p": data, "notice": t.notice})
    assert data.not_received[0].reason.startswith("Opplastingen ble aldri fullført før fristen")
    assert "avvist" not in page.lower() and "Avvist" not in text
    assert "Tilbud som ikke ble mottatt innen fristen" in page


def test_the_protocol_lists_a_late_attempt_once(
        make_notice: Callable[..., Notice], officer: User, authority: Organization,
        supplier: Organization, supplier_user: User) -> None:
    from django.utils import translation

    t = setup_tender(make_notice, officer, authority)
    late = submission.submission_start(notice=t.notice, supplier=supplier, by=supplier_user)
    part = b"\x00" * 200
    submission.submission_part_put(submission=late, index=0, stream=io.BytesIO(part),
                                   sha256=hashlib.sha256(part).hexdigest(), by=supplier_user)
    pass_deadline(t)
    with pytest.raises(ApplicationError):
        submission.submission_finalize(submission=late, by=supplier_user, claimed={})
    session = opening.opening_start(notice=t.notice, by=officer)
    with translation.override("en"):
        data = protocol_data(session)
    assert [(r.supplier, r.reason) for r in data.not_received] == [
        ("Fjordbygg AS", "Arrived after the deadline; nothing was accepted")]


def test_the_task_message_carries_only_the_session_id(
        tender: Tender, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bids.opening import tasks as opening_tasks

    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(opening_tasks.open_bids, "delay", lambda *args, **kw: sent.append(
        (args, kw)))
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert sent == [((str(session.pk),), {})]
