"""Opening the bids of a tender (ETB-1 §8): every write of an opening session.

Flow: after the deadline the authority starts a session (`opening_start`), which creates an
ephemeral HPKE key pair for the session: the public half is stored on the session, the private
half only in the cache (Redis in production, locmem when embedded) with a TTL. Each committee
member's client opens the member's sealed shares and HPKE-seals each plain share to the
session key before sending it (`opening_add_shares`; the CLI route sends plain shares and the
server seals them on receipt, before anything is persisted). When every bid has k shares the
background job (`opening_run`, via bids.opening.tasks with the session id only) unseals the
shares in memory, reconstructs each DEK, checks key commitment and context, stream-decrypts
the blob into private scratch space and moves the plaintext to private storage. Per-bid steps
are idempotent and statuses flip by compare-and-swap, so a failed run resumes where it stopped
(`opening_resume`). When everything is open the session key is deleted from the cache.

Secrets: plain shares and DEKs exist only in memory inside these functions; they are never
logged, stored, put in a task message or an exception message.
"""

from __future__ import annotations

import hmac
import io
import logging
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from backend.formatting import format_oslo
from bids import permissions
from bids.models import (
    BidEvent,
    BidEventKind,
    CommitteeMember,
    SealedShare,
    Submission,
    SubmissionStatus,
)
from bids.notifications import announce
from bids.opening.models import (
    OpenedBid,
    OpenedBidStatus,
    OpeningSession,
    OpeningShare,
    OpeningStatus,
)
from bids.opening.transitions import opened_bid_flip, opening_flip
from crypto.canonical import context_hash as compute_context_hash
from crypto.canonical import validate_context
from crypto.constants import HEADER_LEN
from crypto.envelope import recover_dek
from crypto.errors import ContextMismatch, EtbError, InvalidContext
from crypto.payload import BlobDigest, open_stream, read_header
from crypto.shares import public_key_from_hex, public_key_hex
from notices.models import Notice, NoticeStatus

log = logging.getLogger(__name__)

TAG_LEN = 16
SHARE_LEN = 33
SESSION_SHARE_INFO = "ANBUD/opening-share|"
PROGRESS_INTERVAL = 1.0  # seconds between progress writes to the database
STALE_AFTER = timedelta(minutes=10)  # an OPENING session without heartbeat may be resumed
_SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

def key_ttl() -> int:
    return int(getattr(settings, "BIDS_OPENING_KEY_TTL", 24 * 3600))


# --- the session key ----------------------------------------------------------------------


def session_share_info(session_id: Any, context_hash_hex: str, key_id: str) -> bytes:
    """HPKE info binding a re-sealed share to one session, one submission and one member."""
    return f"{SESSION_SHARE_INFO}{session_id}|{context_hash_hex}|{key_id}".encode()


def reseal_share(share: bytes, *, session_public_key: str, session_id: Any,
                 context_hash_hex: str, key_id: str) -> bytes:
    """Seal a plain share to the session key (what the member's browser does)."""
    return _SUITE.encrypt(bytes(share), public_key_from_hex(session_public_key),
                          session_share_info(session_id, context_hash_hex, key_id))


def _cache_key(session: OpeningSession) -> str:
    return f"bids:opening:{session.pk}:{session.key_generation}:sk"


def _new_session_key(session: OpeningSession) -> str:
    private = ec.generate_private_key(ec.SECP256R1())
    scalar = private.private_numbers().private_value.to_bytes(32, "big")
    cache.set(_cache_key(session), scalar.hex(), timeout=key_ttl())
    return public_key_hex(private)


def _session_private_key(session: OpeningSession) -> ec.EllipticCurvePrivateKey | None:
    scalar = cache.get(_cache_key(session))
    if not scalar:
        return None
    return ec.derive_private_key(int(scalar, 16), ec.SECP256R1())


def session_key_available(session: OpeningSession) -> bool:
    return cache.get(_cache_key(session)) is not None


def _unseal(row: OpeningShare, key: ec.EllipticCurvePrivateKey, session: OpeningSession,
            context_hash_hex: str) -> bytes:
    try:
        share = _SUITE.decrypt(bytes.fromhex(row.resealed), key,
                               session_share_info(session.pk, context_hash_hex, row.key_id))
    except (InvalidTag, ValueError):
        raise ApplicationError(
            _("A share was not sealed to this opening session's key; the member must send it "
              "again from a freshly loaded opening page."), code="share_not_for_session") from None
    if len(share) != SHARE_LEN or share[-1] == 0:
        raise ApplicationError(_("A share is malformed."), code="bad_share")
    return share


# --- events (the status flips are in bids.opening.transitions) -------------------------------


def _event(session: OpeningSession, kind: BidEventKind, *, by: User | None, at: datetime,
           submission: Submission | None = None, **data: Any) -> BidEvent:
    return BidEvent.objects.create(notice_id=session.notice_id, submission=submission, kind=kind,
                                   by=by, at=at, data={"session": str(session.pk), **data})


# --- permissions ------------------------------------------------------------------------------


def is_editor(user: User | Any, notice: Notice) -> bool:
    return permissions.may_run_opening(user, notice)


def member_seats(user: User | Any, notice: Notice) -> list[CommitteeMember]:
    """The committee seats of a user on a tender (active ones, plus removed ones that still
    hold a key an older manifest sealed shares to)."""
    if not user.is_authenticated:
        return []
    return list(CommitteeMember.objects.filter(committee__notice=notice, user=user)
                .exclude(key_id="").order_by("pk"))


def is_active_member(user: User | Any, notice: Notice) -> bool:
    return permissions.is_committee_member(user, notice)


def may_read_opened(user: User | Any, notice: Notice) -> bool:
    """Opened content: the committee, the procurement officers and the external advisers,
    each after a declaration of no conflict of interest (bids.permissions)."""
    return permissions.may_read_opened(user, notice)


# --- starting ----------------------------------------------------------------------------------


def _expected_submissions(notice: Notice) -> list[Submission]:
    return list(Submission.objects.filter(
        notice=notice, status__in=[SubmissionStatus.SEALED, SubmissionStatus.OPENED])
        .select_related("manifest", "supplier").order_by("received_at", "pk"))


def plaintext_bytes(submission: Submission) -> int:
    size, chunks = submission.size or 0, submission.chunks or 0
    return max(0, size - HEADER_LEN - TAG_LEN * chunks)


@transaction.atomic
def opening_start(*, notice: Notice, by: User, now: datetime | None = None) -> OpeningSession:
    """The authority opens the session after the deadline (refused before it)."""
    if not is_editor(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can start the opening.")
                        % {"buyer": notice.buyer.name})
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=notice.pk)
    now = now or db_now()  # the database clock, read with the tender row locked
    if notice.status == NoticeStatus.CANCELLED:
        raise Conflict(_("The competition is cancelled; there is nothing to open."))
    deadline = notice.submission_deadline
    if deadline is None or now < deadline:
        raise ApplicationError(
            _("Bids can only be opened after the deadline (%(deadline)s).")
            % {"deadline": format_oslo(deadline, "seconds", empty="-")},
            code="before_deadline")
    if not hasattr(notice, "committee"):
        raise ApplicationError(_("This tender has no opening committee."), code="no_committee")
    if OpeningSession.objects.filter(notice=notice).exists():
        raise Conflict(_("The opening session has already been started."))
    session = OpeningSession(notice=notice, started_by=by, started_at=now, deadline=deadline,
                             key_expires_at=now + timedelta(seconds=key_ttl()))
    session.public_key = _new_session_key(session)
    session.save()
    subs = _expected_submissions(notice)
    OpenedBid.objects.bulk_create([OpenedBid(session=session, submission=s) for s in subs])
    session.bids_total = len(subs)
    session.bytes_total = sum(plaintext_bytes(s) for s in subs)
    session.tree_head = _deadline_tree_head(notice, now=now)
    session.save(update_fields=["bids_total", "bytes_total", "tree_head"])
    announce(_event(session, BidEventKind.OPENING_STARTED, by=by, at=now, bids=len(subs)))
    if not subs:
        session.log_check = check_log(session)
        session.save(update_fields=["log_check"])
        opening_flip(session, OpeningStatus.COLLECTING, OpeningStatus.OPENED, by=by, at=now,
                     reason="no bids", finished_at=now)
        cache.delete(_cache_key(session))
    return session


def _deadline_tree_head(notice: Notice, *, now: datetime) -> Any:
    from bids.models import SignedTreeHead

    sth = SignedTreeHead.objects.filter(notice=notice).first()
    if sth is not None:
        return sth
    # The deadline job normally closed the tender (log entry + tree head); do it now if it has
    # not run yet. No bid can be received after the deadline, so the set is the same.
    from bids.submission import tender_close

    return tender_close(notice=notice, now=now)


@transaction.atomic
def opening_renew_key(*, session: OpeningSession, by: User,
                      now: datetime | None = None) -> OpeningSession:
    """A lost or expired session key: new key pair, and the members send their shares again.

    Shares sealed to the old key cannot be opened by anyone any more and are deleted.
    """
    now = now or timezone.now()
    if not is_editor(by, session.notice):
        raise Forbidden(_("Only procurement officers can renew the opening session."))
    session = OpeningSession.objects.select_for_update().get(pk=session.pk)
    if session.status == OpeningStatus.OPENED:
        raise Conflict(_("All bids are already opened."))
    cache.delete(_cache_key(session))
    session.key_generation += 1
    session.public_key = _new_session_key(session)
    session.key_expires_at = now + timedelta(seconds=key_ttl())
    session.save(update_fields=["key_generation", "public_key", "key_expires_at"])
    dropped, _rows = session.shares.all().delete()
    _event(session, BidEventKind.OPENING_KEY_RENEWED, by=by, at=now,
           generation=session.key_generation, dropped_shares=dropped)
    return session


# --- shares -------------------------------------------------------------------------------------


def opening_shares_for_member(*, session: OpeningSession, by: User,
                              now: datetime | None = None) -> list[dict[str, Any]]:
    """Release the member's sealed shares (after the deadline only); the release is logged."""
    now = now or db_now()  # deadlines: the database clock
    seats = member_seats(by, session.notice)
    if not seats:
        raise Forbidden(_("Only members of the opening committee receive shares."))
    if now < session.deadline:
        raise ApplicationError(_("Shares are released only after the deadline."),
                               code="before_deadline")
    key_ids = [seat.key_id for seat in seats]
    bids = {b.submission_id: b for b in session.bids.select_related("submission")}
    sent = set(OpeningShare.objects.filter(session=session, key_id__in=key_ids,
                                           key_generation=session.key_generation)
               .values_list("submission_id", "key_id"))
    rows = []
    for share in SealedShare.objects.filter(submission_id__in=bids, key_id__in=key_ids):
        sub = bids[share.submission_id].submission
        rows.append({
            "submission": str(sub.pk), "key_id": share.key_id, "context": sub.context,
            "context_hash": sub.context_hash, "sealed_share": share.sealed_share,
            "sent": (sub.pk, share.key_id) in sent,
            "opened": bids[share.submission_id].status == OpenedBidStatus.OPENED,
        })
    rows.sort(key=lambda r: (r["submission"], r["key_id"]))
    _event(session, BidEventKind.OPENING_SHARES_RELEASED, by=by, at=now, key_ids=key_ids,
           count=len(rows))
    return rows


@dataclass
class _Incoming:
    submission: Submission
    seat: CommitteeMember
    resealed: bytes


def _parse_share(item: Any, *, session: OpeningSession, seats: Mapping[str, CommitteeMember],
                 by_id: Mapping[str, Submission], by_hash: Mapping[str, Submission]) -> _Incoming:
    if not isinstance(item, Mapping):
        raise ApplicationError(_("Each share must be an object."), code="invalid")
    key_id = item.get("key_id")
    seat = seats.get(key_id) if isinstance(key_id, str) else None
    if seat is None:
        raise Forbidden(_("You can only send shares of your own committee key."))
    if "share" in item:  # plain share from the command-line client: seal it at once
        sub = by_hash.get(str(item.get("context_hash", "")))
        if sub is None:
            raise ApplicationError(_("A share names a submission that is not being opened."),
                                   code="unknown_submission")
        try:
            share = bytes.fromhex(str(item["share"]))
        except ValueError:
            raise ApplicationError(_("A share is not hex."), code="bad_share") from None
        if len(share) != SHARE_LEN or share[-1] == 0:
            raise ApplicationError(_("A share is malformed."), code="bad_share")
        resealed = reseal_share(share, session_public_key=session.public_key,
                                session_id=session.pk, context_hash_hex=sub.context_hash,
                                key_id=seat.key_id)
        del share
    else:
        sub = by_id.get(str(item.get("submission", "")))
        if sub is None:
            raise ApplicationError(_("A share names a submission that is not being opened."),
                                   code="unknown_submission")
        try:
            resealed = bytes.fromhex(str(item.get("resealed", "")))
        except ValueError:
            raise ApplicationError(_("A share is not hex."), code="bad_share") from None
        if len(resealed) != 65 + SHARE_LEN + TAG_LEN:
            raise ApplicationError(_("A re-sealed share must be 114 bytes."), code="bad_share")
    return _Incoming(submission=sub, seat=seat, resealed=resealed)


@transaction.atomic
def opening_add_shares(*, session: OpeningSession, by: User, shares: Sequence[Any],
                       now: datetime | None = None) -> OpeningSession:
    """Store a member's shares, sealed to the session key; start the job when k are in."""
    now = now or db_now()  # deadlines: the database clock
    session = OpeningSession.objects.select_for_update().select_related("notice").get(
        pk=session.pk)
    if session.status == OpeningStatus.OPENED:
        raise Conflict(_("All bids are already opened; no more shares are needed."))
    if now < session.deadline:
        raise ApplicationError(_("Shares are accepted only after the deadline."),
                               code="before_deadline")
    seats = {seat.key_id: seat for seat in member_seats(by, session.notice)}
    if not seats:
        raise Forbidden(_("Only members of the opening committee send shares."))
    if not shares:
        raise ApplicationError(_("No shares were sent."), code="invalid")
    key = _session_private_key(session)
    if key is None:
        raise Conflict(_("The opening session's key has expired. Ask the procurement officer "
                         "to renew the session, then send your shares again."),
                       code="session_key_expired")
    subs = [b.submission for b in session.bids.select_related("submission")]
    by_id = {str(s.pk): s for s in subs}
    by_hash = {s.context_hash: s for s in subs}
    incoming = [_parse_share(item, session=session, seats=seats, by_id=by_id, by_hash=by_hash)
                for item in shares]
    owned = set(SealedShare.objects.filter(submission__in=subs, key_id__in=list(seats))
                .values_list("submission_id", "key_id"))
    for inc in incoming:
        if (inc.submission.pk, inc.seat.key_id) not in owned:
            raise ApplicationError(_("This bid has no share for your key."), code="no_share")
        row = OpeningShare(session=session, submission=inc.submission, member=inc.seat,
                           key_id=inc.seat.key_id, resealed=inc.resealed.hex(),
                           key_generation=session.key_generation, received_at=now)
        _unseal(row, key, session, inc.submission.context_hash)  # checks it opens, then drops it
        OpeningShare.objects.update_or_create(
            session=session, submission=inc.submission, key_id=inc.seat.key_id,
            defaults={"member": inc.seat, "resealed": row.resealed, "received_at": now,
                      "key_generation": session.key_generation})
    _event(session, BidEventKind.OPENING_SHARES_RECEIVED, by=by, at=now,
           key_ids=sorted({inc.seat.key_id for inc in incoming}), count=len(incoming))
    _maybe_start_job(session, by=by, at=now)
    return session


def share_counts(session: OpeningSession) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for sub_id in (OpeningShare.objects.filter(session=session,
                                               key_generation=session.key_generation)
                   .values_list("submission_id", flat=True)):
        counts[sub_id] = counts.get(sub_id, 0) + 1
    return counts


def ready_to_open(session: OpeningSession) -> bool:
    counts = share_counts(session)
    pending = session.bids.exclude(status=OpenedBidStatus.OPENED).select_related("submission")
    return all(counts.get(b.submission_id, 0) >= int(b.submission.context["k"])
               for b in pending)


def _maybe_start_job(session: OpeningSession, *, by: User | None, at: datetime) -> None:
    if session.status not in (OpeningStatus.COLLECTING, OpeningStatus.FAILED):
        return
    if not ready_to_open(session):
        return
    opening_flip(session, session.status, OpeningStatus.OPENING, by=by, at=at,
                 reason="k shares received", heartbeat_at=at, error="")
    _enqueue(session)


def _enqueue(session: OpeningSession) -> None:
    from bids.opening.tasks import open_bids

    session_id = str(session.pk)
    transaction.on_commit(lambda: open_bids.delay(session_id))


@transaction.atomic
def opening_resume(*, session: OpeningSession, by: User,
                   now: datetime | None = None) -> OpeningSession:
    """Resume a stopped session (or one whose worker died) where it stopped."""
    now = now or timezone.now()
    if not permissions.may_resume_opening(by, session.notice):
        raise Forbidden(_("Only the authority or the committee can resume the opening."))
    session = OpeningSession.objects.select_for_update().get(pk=session.pk)
    if session.status == OpeningStatus.FAILED:
        if not ready_to_open(session):
            raise ApplicationError(_("Some bids still lack enough shares; the committee "
                                     "members must send theirs first."), code="not_ready")
        opening_flip(session, OpeningStatus.FAILED, OpeningStatus.OPENING, by=by, at=now,
                     reason="resumed", heartbeat_at=now, error="")
    elif session.status == OpeningStatus.OPENING:
        stale = OpeningSession.objects.filter(
            pk=session.pk, status=OpeningStatus.OPENING,
            heartbeat_at__lt=now - STALE_AFTER).update(heartbeat_at=now)
        if stale != 1:
            raise Conflict(_("The opening is running; wait for it to finish."))
        _event(session, BidEventKind.OPENING_RESUMED, by=by, at=now, reason="no heartbeat")
    else:
        raise Conflict(_("There is nothing to resume."))
    # The previous worker is dead (failed, or no heartbeat): its plaintext scratch goes now.
    opening_scratch_cleanup(session=session)
    _enqueue(session)
    return session


# --- the job ------------------------------------------------------------------------------------


def private_dir(path: Path) -> Path:
    """`path` (and any parent this creates) as a folder only the service user can enter."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # mkdir's mode is masked by the umask and not applied to existing folders
    return path


def scratch_dir() -> Path:
    """Where the opening decrypts a bid before it authenticates (mkstemp files, 0600)."""
    return Path(settings.DATA_DIR) / "scratch" / "opening"


def opening_scratch_cleanup(*, session: OpeningSession | None = None,
                            idle: timedelta = STALE_AFTER, now: datetime | None = None) -> int:
    """Remove decrypted scratch files that a killed opening left behind. Returns how many.

    A running job writes its scratch file continuously, so a file idle for `idle` belongs to a
    dead worker. With `session` (at resume, once the session is known to be stopped) every
    file of that session goes, however fresh.
    """
    folder = scratch_dir()
    if not folder.is_dir():
        return 0
    moment = (now or timezone.now()).timestamp()
    pattern = f".open-{session.pk}-*.partial" if session is not None else ".open-*.partial"
    removed = 0
    for path in folder.glob(pattern):
        try:
            if session is None and moment - path.stat().st_mtime < idle.total_seconds():
                continue
            path.unlink()
            removed += 1
        except FileNotFoundError:  # the job finished with it meanwhile
            continue
    return removed


def private_storage() -> Storage:
    """Where opened plaintext lives: never under a publicly served path."""
    if "private" in settings.STORAGES:
        return storages["private"]
    backend = str(settings.STORAGES["default"].get("BACKEND", ""))  # type: ignore[attr-defined]
    if isinstance(default_storage, FileSystemStorage) or not backend.endswith("S3Storage"):
        location = private_dir(Path(settings.DATA_DIR) / "private")
        # Opened plaintext is readable by the service user only (files 0600, folders 0700).
        return FileSystemStorage(location=str(location), base_url="/nowhere/",
                                 file_permissions_mode=0o600, directory_permissions_mode=0o700)
    return default_storage  # S3: private bucket, no public ACL


def open_blob(sub: Submission) -> BinaryIO:
    """The stored sealed blob of a submission as one stream (one object, or its parts)."""
    from bids.storage import ConcatenatedReader

    names = list(sub.parts.order_by("index").values_list("storage_name", flat=True))
    if not names:
        return default_storage.open(sub.blob_name, "rb")  # type: ignore[return-value]
    return io.BufferedReader(ConcatenatedReader(names), buffer_size=1 << 20)  # type: ignore[return-value]


class _TempFile(File):
    """A scratch file the filesystem storage may move into place instead of copying."""

    def temporary_file_path(self) -> str:
        return str(self.name)


class _ProgressSink:
    def __init__(self, sink: BinaryIO, session_id: Any) -> None:
        self.sink, self.session_id = sink, session_id
        self.total = 0
        self._unreported = 0
        self._last = time.monotonic()

    def write(self, data: Any) -> int:
        written = self.sink.write(data)
        n = len(data) if written is None else written
        self.total += n
        self._unreported += n
        if time.monotonic() - self._last >= PROGRESS_INTERVAL:
            self.flush_progress()
        return n

    def pending(self) -> int:
        """Bytes not yet reported; the caller records them with the bid's result."""
        pending, self._unreported = self._unreported, 0
        return pending

    def flush_progress(self) -> None:
        if self._unreported:
            OpeningSession.objects.filter(pk=self.session_id).update(
                bytes_done=F("bytes_done") + self._unreported, heartbeat_at=timezone.now())
            self._unreported = 0
            self._last = time.monotonic()


def expected_digest(sub: Submission) -> BlobDigest:
    return BlobDigest(header_hash=bytes.fromhex(sub.header_hash), root=bytes.fromhex(sub.root),
                      size=int(sub.size or 0), chunks=int(sub.chunks or 0),
                      context_hash=bytes.fromhex(sub.context_hash))


def _check_context(sub: Submission) -> bytes:
    """The stored context is the one this submission was issued, for its own manifest."""
    context = sub.context
    try:
        validate_context(context, sub.manifest.manifest)
    except InvalidContext:
        raise ContextMismatch("the stored context does not fit the bid's manifest") from None
    digest = compute_context_hash(context)
    if not hmac.compare_digest(digest.hex(), sub.context_hash):
        raise ContextMismatch("the stored context hash does not match the context")
    if (context["submission"] != str(sub.pk) or context["tender"] != sub.manifest.manifest[
            "tender"] or context["manifest"] != sub.manifest.manifest_hash):
        raise ContextMismatch("the context names another submission, tender or manifest")
    return digest


def _list_tar(path: str) -> list[dict[str, Any]]:
    files = []
    with tarfile.open(path, mode="r:") as archive:
        for member in archive:
            if member.isreg():
                files.append({"name": member.name, "size": member.size,
                              "offset": member.offset_data})
    return files


def _open_one(session: OpeningSession, bid: OpenedBid, key: ec.EllipticCurvePrivateKey,
              *, now: datetime) -> None:
    sub = bid.submission
    rows = list(OpeningShare.objects.filter(session=session, submission=sub,
                                            key_generation=session.key_generation)
                .order_by("received_at", "pk"))
    expected_hash = _check_context(sub)
    shares = [_unseal(row, key, session, sub.context_hash) for row in rows]
    scratch = private_dir(scratch_dir())
    # Named by session, so a resume can remove exactly what its dead worker left.
    fd, tmp_name = tempfile.mkstemp(prefix=f".open-{session.pk}-", suffix=".partial",
                                    dir=scratch)
    sink: _ProgressSink | None = None
    try:
        with open_blob(sub) as blob, os.fdopen(fd, "wb") as staging:
            header = read_header(blob)
            if not hmac.compare_digest(header.context_hash, expected_hash):
                raise ContextMismatch("the blob was sealed for another submission context")
            recovery = recover_dek(shares, k=int(sub.context["k"]), header=header)
            del shares
            bad = [rows[i].key_id for i in recovery.bad_shares]
            sink = _ProgressSink(staging, session.pk)
            open_stream(blob, sink, recovery.dek,  # type: ignore[arg-type]
                        expected_context_hash=expected_hash,
                        expected_digest=expected_digest(sub), header=header)
            used = [r.key_id for i, r in enumerate(rows) if i not in recovery.bad_shares]
            del recovery
        files = _list_tar(tmp_name)
        plaintext_size = os.path.getsize(tmp_name)
        storage = private_storage()
        name = f"opened/{session.pk}/{sub.pk}.tar"
        if storage.exists(name):  # a previous attempt stored it but did not record it
            storage.delete(name)
        with open(tmp_name, "rb") as fh:
            stored = storage.save(name, _TempFile(fh, name=tmp_name))
    except BaseException:
        if sink is not None:  # the partial plaintext does not count as progress
            sink.flush_progress()
            OpeningSession.objects.filter(pk=session.pk).update(
                bytes_done=F("bytes_done") - sink.total)
        raise
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    with transaction.atomic():
        if bad:
            _event(session, BidEventKind.OPENING_BAD_SHARE, by=None, at=now, submission=sub,
                   key_ids=bad)
        # The bid and its submission flip together (Conflict: another run opened it).
        opened_bid_flip(bid, bid.status, OpenedBidStatus.OPENED, at=now,
                        data={"opened_with": used, "files": len(files)},
                        storage_name=stored, plaintext_size=plaintext_size, files=files,
                        bad_key_ids=bad, opened_with=used, error="", error_code="",
                        opened_at=now, attempts=F("attempts") + 1)
        OpeningSession.objects.filter(pk=session.pk).update(
            bids_done=F("bids_done") + 1,
            bytes_done=F("bytes_done") + (sink.pending() if sink else 0),
            heartbeat_at=timezone.now())
        _log_opened(session, sub, now=now)


def _log_opened(session: OpeningSession, sub: Submission, *, now: datetime) -> None:
    from bids.tlog import log_append

    log_append(kind="envelope.opened", notice=sub.notice, at=now, data={
        "tender": sub.context["tender"], "context_hash": sub.context_hash, "root": sub.root,
        "session": str(session.pk)})


def _mark_failed(session: OpeningSession, bid: OpenedBid, exc: EtbError | ApplicationError,
                 *, now: datetime) -> None:
    code = getattr(exc, "code", "failed")
    message = _bid_failure_message(exc)
    try:
        opened_bid_flip(bid, bid.status, OpenedBidStatus.FAILED, at=now,
                        data={"code": code, "message": message}, error_code=code,
                        error=message, attempts=F("attempts") + 1)
    except Conflict:
        pass  # another run got to this bid first; its result stands


def _bid_failure_message(exc: Exception) -> str:
    code = getattr(exc, "code", "")
    if code in ("key_commit_mismatch",) or type(exc).__name__ == "KeyCommitMismatch":
        return _("The shares do not reconstruct this bid's key: a share is wrong. Another "
                 "committee member's share is needed to find it.")
    if type(exc).__name__ == "NotEnoughShares":
        return _("Not enough shares yet.")
    if isinstance(exc, ApplicationError):
        return exc.message
    return str(exc)  # EtbError messages never carry key material (crypto/errors.py)


def opening_run(*, session_id: Any, now: datetime | None = None) -> OpeningSession:
    """The background job: open every bid that is not open yet. Idempotent, resumable."""
    session = OpeningSession.objects.select_related("notice").get(pk=session_id)
    if session.status != OpeningStatus.OPENING:
        return session
    at = now or timezone.now()
    key = _session_private_key(session)
    if key is None:
        opening_flip(session, OpeningStatus.OPENING, OpeningStatus.FAILED, by=None, at=at,
                     reason="session key expired", error=_(
                         "The opening session's key has expired; renew the session and ask the "
                         "members to send their shares again."))
        return session
    opened = session.bids.filter(status=OpenedBidStatus.OPENED)
    OpeningSession.objects.filter(pk=session.pk).update(
        bids_done=opened.count(), heartbeat_at=timezone.now(),
        bytes_done=sum(plaintext_bytes(b.submission) for b in opened.select_related(
            "submission")))
    for bid in session.bids.select_related("submission", "submission__manifest").order_by("pk"):
        if bid.status == OpenedBidStatus.OPENED:
            continue
        try:
            _open_one(session, bid, key, now=now or timezone.now())
        except (EtbError, ApplicationError) as exc:
            if isinstance(exc, Conflict):
                continue
            _mark_failed(session, bid, exc, now=now or timezone.now())
        except Exception as exc:
            # Unexpected (storage, database): stop here; everything opened so far is kept.
            log.error("opening %s stopped at submission %s: %s", session.pk,
                      bid.submission_id, type(exc).__name__)
            opening_flip(session, OpeningStatus.OPENING, OpeningStatus.FAILED, by=None,
                         at=now or timezone.now(), reason="error",
                         error=_("The opening stopped because of a technical error (%(kind)s). "
                                 "Nothing opened so far is lost; resume the opening.")
                         % {"kind": type(exc).__name__})
            return session
    session.refresh_from_db()
    failed = session.bids.exclude(status=OpenedBidStatus.OPENED).count()
    end = now or timezone.now()
    OpeningSession.objects.filter(pk=session.pk).update(bids_failed=failed)
    if failed:
        opening_flip(session, OpeningStatus.OPENING, OpeningStatus.FAILED, by=None, at=end,
                     reason="bids failed", error=_(
                         "%(n)s bid(s) could not be opened. See the reason next to each bid; send "
                         "more shares, then resume.") % {"n": failed})
        return session
    check = check_log(session)
    opening_flip(session, OpeningStatus.OPENING, OpeningStatus.OPENED, by=None, at=end,
                 reason="all bids opened", finished_at=end, log_check=check)
    cache.delete(_cache_key(session))  # nothing left to open: the session key goes
    return session


# --- the transparency log check -----------------------------------------------------------------


def check_log(session: OpeningSession) -> dict[str, Any]:
    """The tree head at the deadline proves the opened set is exactly the received set."""
    from bids.opening.log_check import verify_opened_set

    return verify_opened_set(session)


# --- reading opened content -------------------------------------------------------------------


def opened_bid_get(*, session: OpeningSession, submission_id: Any, user: User | Any) -> OpenedBid:
    if not may_read_opened(user, session.notice):
        # An evaluator without a declaration of no conflict is refused (403) and the refusal
        # recorded; everyone else learns nothing (404).
        from evaluation.impartiality.services import bid_content_gate

        bid_content_gate(user=user, notice=session.notice, what=f"opened bid {submission_id}")
        raise NotFound(_("No such bid."))
    bid = session.bids.filter(submission_id=submission_id,
                              status=OpenedBidStatus.OPENED).select_related("submission").first()
    if bid is None:
        raise NotFound(_("No such bid."))
    return bid


def _stream(storage: Storage, name: str, offset: int, length: int,
            block: int = 1 << 20) -> Iterator[bytes]:
    with storage.open(name, "rb") as fh:
        fh.seek(offset)
        remaining = length
        while remaining > 0:
            data = fh.read(min(block, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data


@dataclass
class OpenedRead:
    filename: str
    size: int
    chunks: Iterator[bytes]


def opened_file_read(*, session: OpeningSession, submission_id: Any, user: User,
                     file_index: int | None = None, now: datetime | None = None) -> OpenedRead:
    """Read one opened file (or the whole opened tar); every read is logged as an event."""
    now = now or timezone.now()
    bid = opened_bid_get(session=session, submission_id=submission_id, user=user)
    storage = private_storage()
    if file_index is None:
        filename, offset = f"{bid.submission.supplier.name}-{bid.submission_id}.tar", 0
        size = int(bid.plaintext_size or 0)
        label = "(tar)"
    else:
        try:
            entry = bid.files[file_index]
        except (IndexError, TypeError):
            raise NotFound(_("No such file.")) from None
        filename, offset, size = entry["name"], int(entry["offset"]), int(entry["size"])
        label = filename
    _event(session, BidEventKind.OPENED_READ, by=user, at=now, submission=bid.submission,
           file=label)
    return OpenedRead(filename=filename, size=size,
                      chunks=_stream(storage, bid.storage_name, offset, size))


def opening_get(*, notice: Notice) -> OpeningSession | None:
    return OpeningSession.objects.filter(notice=notice).select_related("tree_head").first()


def opened_total_bytes(session: OpeningSession) -> int:
    return int(session.bids.aggregate(n=Sum("plaintext_size"))["n"] or 0)
