"""Submitting a sealed bid: start, upload parts, sealed shares, finalise, withdraw.

The server never sees a DEK or a plain share on the client routes; on the server-sealing
route the plaintext passes through memory once, from the request stream into the sealer,
and the DEK exists only inside `crypto.envelope.seal_entries`.

The deadline is decided by the database clock, read after the notice row is locked
(SELECT ... FOR UPDATE) in the transaction that issues the receipt.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, cast

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SUPPLIER_ROLES, Organization, OrganizationKind, User
from accounts.selectors import user_has_role
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, Forbidden, TooLarge
from backend.formatting import format_number, format_oslo, format_size
from bids import conf
from bids.clock import lock_notice_shared
from bids.committee import bid_event, manifest_current, manifest_ensure
from bids.keys import platform_public_key_hex, platform_signing_key
from bids.models import (
    BidEvent,
    BidEventKind,
    Committee,
    LogEntry,
    Receipt,
    SealedShare,
    Sealing,
    SignedTreeHead,
    Submission,
    SubmissionStatus,
    UploadPart,
)
from bids.notifications import announce
from bids.storage import (
    ConcatenatedReader,
    HashingPartWriter,
    PartWriter,
    Readable,
    delete_folder,
    delete_quietly,
    new_part_name,
    part_prefix,
    store_stream,
)
from bids.tlog import log_append, log_append_many, sth_after_append, sth_issue
from bids.transitions import submission_flip
from crypto.canonical import context_hash as compute_context_hash
from crypto.constants import SEALED_SHARE_LEN
from crypto.envelope import TarEntry, seal_entries
from crypto.errors import EtbError
from crypto.payload import BlobDigest, BlobVerifier
from crypto.receipts import build_receipt, sign_receipt
from crypto.tarstream import validate_name
from notices.following.services import follow_ensure
from notices.models import Notice, NoticeStatus

log = logging.getLogger(__name__)

class DeadlinePassed(ApplicationError):
    status_code = 409
    default_code = "deadline_passed"
    deadline: datetime | None = None


def deadline_text(deadline: datetime) -> str:
    return format_oslo(deadline, "deadline")


def _late(notice: Notice) -> DeadlinePassed:
    assert notice.submission_deadline is not None
    late = DeadlinePassed(_("The deadline %(deadline)s has passed; nothing was submitted.")
                          % {"deadline": deadline_text(notice.submission_deadline)})
    late.deadline = notice.submission_deadline
    return late


def max_bid_bytes(committee: Committee) -> int:
    return committee.max_bid_bytes or int(conf.get("BID_MAX_BYTES"))


def _too_large_text(limit: int) -> str:
    return (_("The bid is larger than this tender accepts (%(size)s, %(bytes)s bytes sealed). "
              "Nothing more was stored; remove or compress files and start again.")
            % {"size": format_size(limit), "bytes": format_number(limit)})


def _require_supplier(by: User, supplier: Organization) -> None:
    if supplier.kind != OrganizationKind.SUPPLIER:
        raise Forbidden(_("Only suppliers submit bids."))
    if not user_has_role(by, supplier, SUPPLIER_ROLES):
        raise Forbidden(_("Only users of %(supplier)s can act on its bids.")
                        % {"supplier": supplier.name})


def _bids_committee(notice: Notice) -> Committee:
    # Loaded with the notice when the caller asked for it (select_related("notice__committee")
    # or submission_start), otherwise read.
    if Notice.committee.is_cached(notice):  # type: ignore[attr-defined]
        try:
            committee: Committee | None = notice.committee
        except Committee.DoesNotExist:
            committee = None
    else:
        committee = Committee.objects.filter(notice=notice).first()
    if committee is None or not committee.electronic_bids:
        raise ApplicationError(_("This tender does not take electronic bids."),
                               code="no_electronic_bids")
    return committee


def _check_open(notice: Notice, *, clock: datetime | None = None) -> datetime:
    if notice.status == NoticeStatus.CANCELLED:
        raise Conflict(_("The tender has been cancelled; nothing was submitted."),
                       code="cancelled")
    clock = clock or db_now()
    if notice.submission_deadline is not None and notice.submission_deadline <= clock:
        raise _late(notice)
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("The tender is not open for bids."), code="not_open")
    return clock


# --- start -----------------------------------------------------------------------------------

class _NoManifestYet(Exception):
    pass


def submission_start(*, notice: Notice, supplier: Organization, by: User,
                     envelope: str = "offer", sealing: str = Sealing.CLIENT,
                     now: datetime | None = None) -> Submission:
    """Issue a submission id and the context to seal to (ETB-1 §2), before sealing starts."""
    now = now or timezone.now()
    try:
        return _start(notice=notice, supplier=supplier, by=by, envelope=envelope,
                      sealing=sealing, now=now)
    except _NoManifestYet:
        # Frozen here only for a tender published before manifests were frozen at publication.
        # Not under the shared lock (taking the row exclusively while other starts share it
        # could deadlock): in a transaction of its own, then the start again.
        manifest_ensure(notice=notice, now=now)
        return _start(notice=notice, supplier=supplier, by=by, envelope=envelope,
                      sealing=sealing, now=now, ensured=True)


@transaction.atomic
def _start(*, notice: Notice, supplier: Organization, by: User, envelope: str, sealing: str,
           now: datetime, ensured: bool = False) -> Submission:
    _require_supplier(by, supplier)
    committee = _bids_committee(notice)
    if envelope != "offer":
        raise ApplicationError(_("ETB-1 v1 has one envelope, 'offer'."), code="bad_envelope")
    # The clock decides: the tender row locked first (shared: starts do not wait for one
    # another, deadline changes and finalisations wait for them), then the database clock.
    notice = lock_notice_shared(notice.pk)
    _check_open(notice)
    Notice.committee.related.set_cached_value(notice, committee)  # type: ignore[attr-defined]
    manifest = manifest_current(notice)
    if manifest is None and not ensured:
        raise _NoManifestYet
    if manifest is None:
        raise ApplicationError(_("This tender does not take electronic bids."),
                               code="no_electronic_bids")
    submission = Submission(notice=notice, supplier=supplier, created_by=by, manifest=manifest,
                            envelope=envelope, sealing=sealing, created_at=now)
    context = {
        "bidder": supplier.identifier,
        "envelope": envelope,
        "k": manifest.k,
        "manifest": manifest.manifest_hash,
        "n": len(manifest.manifest["members"]),
        "submission": str(submission.id),
        "tender": notice.reference,
    }
    submission.context = context
    submission.context_hash = compute_context_hash(context).hex()
    submission.save(force_insert=True)
    bid_event(notice, BidEventKind.SUBMISSION_STARTED, by=by, at=now, submission=submission,
              sealing=sealing)
    return submission


# --- parts -----------------------------------------------------------------------------------

def _require_uploading(submission: Submission, status: str | None = None) -> None:
    """`status`: the row's status as just read under its lock, if newer than the object's."""
    status = status or submission.status
    if status != SubmissionStatus.UPLOADING:
        raise Conflict(_("This bid is %(status)s; parts can only be uploaded before it is "
                         "finalised. Start a new submission to change your bid.")
                       % {"status": SubmissionStatus(status).label.lower()},
                       code="not_uploading")


def submission_part_put(*, submission: Submission, index: int, stream: Readable,
                        sha256: str, by: User, content_length: int | None = None,
                        now: datetime | None = None) -> UploadPart:
    """Store one part of the sealed blob, streamed; refused and deleted if the checksum fails."""
    now = now or timezone.now()
    _require_supplier(by, submission.supplier)
    _require_uploading(submission)
    notice = submission.notice
    committee = _bids_committee(notice)
    _check_open(notice)
    if index < 0 or index > 1_000_000:
        raise ApplicationError(_("The part number must be between 0 and %(max)s.")
                               % {"max": format_number(1_000_000)}, code="bad_part")
    part_max = int(conf.get("BID_PART_MAX_BYTES"))
    limit = max_bid_bytes(committee)
    others = (UploadPart.objects.filter(submission=submission).exclude(index=index)
              .aggregate(total=Sum("size"))["total"] or 0)
    room = min(part_max, limit - others)
    too_large = (_too_large_text(limit) if room < part_max else
                 _("A part may be at most %(size)s (%(bytes)s bytes); split the upload into "
                   "smaller parts.") % {"size": format_size(part_max),
                                        "bytes": format_number(part_max)})
    if content_length is not None and content_length > room:
        raise TooLarge(too_large)
    name = new_part_name(notice.pk, str(submission.pk), index)
    stored, size, digest = store_stream(name, stream, limit=max(room, 0), too_large=too_large)
    if content_length is not None and size != content_length:
        delete_quietly(stored)
        raise ApplicationError(_("The part ended after %(size)s of %(length)s bytes; nothing "
                                 "was stored. Send it again.")
                               % {"size": format_number(size),
                                  "length": format_number(content_length)},
                               code="incomplete_part")
    if digest != sha256:
        delete_quietly(stored)
        raise ApplicationError(_("Part %(index)s arrived damaged: its SHA-256 does not match "
                                 "the checksum you sent. Nothing was stored; send the part "
                                 "again.") % {"index": index}, code="checksum_mismatch")
    old_name = ""
    try:
        with transaction.atomic():
            # Decided again where the part is recorded: the tender row locked (briefly: the
            # bytes are already stored), then the database clock. A part that finished
            # streaming after the deadline is refused and its file removed below. Shared:
            # parts of other bids are recorded meanwhile; a deadline change waits.
            _check_open(lock_notice_shared(notice.pk))
            locked = Submission.objects.select_for_update().get(pk=submission.pk)
            _require_uploading(locked)
            old = UploadPart.objects.filter(submission=submission, index=index).first()
            if old is not None:
                old_name = old.storage_name
                old.delete()
            part = UploadPart.objects.create(submission=submission, index=index, size=size,
                                             sha256=digest, storage_name=stored,
                                             received_at=now)
            bid_event(notice, BidEventKind.PART_RECEIVED, by=by, at=now,
                      submission=submission, index=index, size=size, sha256=digest)
    except (IntegrityError, ApplicationError):
        delete_quietly(stored)
        raise
    if old_name and old_name != stored:
        delete_quietly(old_name)
    return part


# --- sealed shares -----------------------------------------------------------------------------

def _clean_shares(submission: Submission, document: Any) -> list[tuple[str, str]]:
    shares = document.get("sealed_shares") if isinstance(document, dict) else document
    if isinstance(document, dict):
        if document.get("context_hash", submission.context_hash) != submission.context_hash:
            raise ApplicationError(_("The sealed shares were made for another submission "
                                     "(context hash differs). Seal again with this "
                                     "submission's context."), code="context_mismatch")
        if document.get("manifest_hash", submission.manifest.manifest_hash) != \
                submission.manifest.manifest_hash:
            raise ApplicationError(_("The sealed shares were made for another committee "
                                     "manifest."), code="manifest_mismatch")
    if not isinstance(shares, list):
        raise ApplicationError(_('Send {"sealed_shares": [{"key_id", "sealed_share"}, ...]}.'),
                               code="bad_shares")
    expected = submission.manifest.key_ids
    cleaned: dict[str, str] = {}
    for item in shares:
        if not isinstance(item, dict) or set(item) != {"key_id", "sealed_share"}:
            raise ApplicationError(_("Each sealed share is {key_id, sealed_share}."),
                                   code="bad_shares")
        key_id, hex_share = item["key_id"], item["sealed_share"]
        if key_id not in expected:
            raise ApplicationError(_("Key %(key)s is not in this tender's committee manifest.")
                                   % {"key": repr(key_id)}, code="bad_shares")
        if key_id in cleaned:
            raise ApplicationError(_("Two shares for key %(key)s.") % {"key": repr(key_id)},
                                   code="bad_shares")
        try:
            raw = bytes.fromhex(hex_share) if isinstance(hex_share, str) else b""
        except ValueError:
            raw = b""
        if len(raw) != SEALED_SHARE_LEN or hex_share != raw.hex():
            raise ApplicationError(_("The sealed share for %(key)s must be %(n)s bytes as "
                                     "lowercase hex.") % {"key": repr(key_id),
                                                          "n": SEALED_SHARE_LEN},
                                   code="bad_shares")
        cleaned[key_id] = hex_share
    missing = [k for k in expected if k not in cleaned]
    if missing:
        raise ApplicationError(_("Sealed shares are missing for %(keys)s: send one per "
                                 "committee member.") % {"keys": ", ".join(missing)},
                               code="bad_shares")
    return sorted(cleaned.items())


@transaction.atomic
def submission_shares_put(*, submission: Submission, by: User, document: Any,
                          now: datetime | None = None) -> list[SealedShare]:
    now = now or timezone.now()
    _require_supplier(by, submission.supplier)
    # Sealed shares after the deadline would complete a bid late: the tender row locked, then
    # the database clock, whether or not the close job has run.
    _check_open(Notice.objects.select_for_update().get(pk=submission.notice_id))
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    _require_uploading(locked)
    cleaned = _clean_shares(submission, document)
    SealedShare.objects.filter(submission=submission).delete()
    rows = SealedShare.objects.bulk_create(
        [SealedShare(submission=submission, key_id=k, sealed_share=v) for k, v in cleaned])
    bid_event(submission.notice, BidEventKind.SHARES_RECEIVED, by=by, at=now,
              submission=submission, key_ids=[k for k, _v in cleaned])
    return rows


# --- finalise --------------------------------------------------------------------------------

def _parts_fingerprint(submission: Submission) -> list[tuple[int, str, str, int]]:
    return list(UploadPart.objects.filter(submission=submission).order_by("index")
                .values_list("index", "storage_name", "sha256", "size"))


def _verify_stored_blob(submission: Submission,
                        parts: list[tuple[int, str, str, int]]) -> BlobDigest:
    if not parts:
        raise ApplicationError(_("No parts have been uploaded."), code="no_parts")
    for position, (index, *_rest) in enumerate(parts):
        if index != position:
            raise ApplicationError(_("Part %(index)s is missing; upload it and finalise again.")
                                   % {"index": position}, code="missing_part")
    verifier = BlobVerifier()
    reader = ConcatenatedReader([name for _i, name, _s, _z in parts])
    buf = bytearray(1024 * 1024)
    view = memoryview(buf)
    try:
        while got := reader.readinto(view):
            verifier.write(view[:got])
        return verifier.finish()
    except EtbError as exc:
        raise ApplicationError(_("The uploaded blob is not a valid sealed bid: %(problem)s "
                                 "Nothing was submitted.") % {"problem": exc},
                               code=exc.code) from None
    finally:
        reader.close()


def _check_claim(digest: BlobDigest, claimed: Any, submission: Submission) -> None:
    if digest.context_hash.hex() != submission.context_hash:
        raise ApplicationError(_("The blob was sealed to another context (its header's "
                                 "context hash is not this submission's). Seal again with the "
                                 "context the server issued; nothing was submitted."),
                               code="context_mismatch")
    if not isinstance(claimed, dict):
        raise ApplicationError(_("Send the digest you computed: header_hash, root, size, "
                                 "chunks."), code="digest_required")
    ours = digest.as_json()
    wrong = [name for name in ("header_hash", "root", "size", "chunks")
             if claimed.get(name) != ours[name]]
    if wrong:
        raise ApplicationError(_("The uploaded blob does not match your digest (%(fields)s "
                                 "differ): a part is damaged or missing. Check the parts and "
                                 "finalise again; nothing was submitted.")
                               % {"fields": ", ".join(wrong)}, code="digest_mismatch")


@dataclass(frozen=True)
class Finalised:
    submission: Submission
    receipt: Receipt
    superseded: list[Submission]


def submission_finalize(*, submission: Submission, by: User, claimed: Any,
                        shares: Any = None, now: datetime | None = None) -> Finalised:
    """Verify the stored blob against the claimed digest, then seal it in before the deadline.

    `shares` (optional): the sealed shares document ({"sealed_shares": [...], optional
    "context_hash", "manifest_hash"}), stored in the same transaction as the receipt, so a
    bid costs three requests (start, part, finalise). Without it the shares must have been
    sent before (POST .../sealed-shares).
    """
    _require_supplier(by, submission.supplier)
    _require_uploading(submission)
    committee = _bids_committee(submission.notice)
    # Checked before any byte is read: a bad share document is a 400 that changes nothing.
    cleaned = _clean_shares(submission, shares) if shares is not None else None
    try:
        # An early answer from a fresh read (the caller's notice may be stale), so a late
        # attempt is refused as late before any byte is read; the binding check is in
        # _commit, with the row locked.
        fresh = Notice.objects.get(pk=submission.notice_id)
        _check_open(fresh)
        parts = _parts_fingerprint(submission)
        digest = _verify_stored_blob(submission, parts)
        _check_claim(digest, claimed, submission)
        if digest.size > max_bid_bytes(committee):
            raise TooLarge(_too_large_text(max_bid_bytes(committee)))
        return _commit(submission, digest, parts, by=by, now=now, shares=cleaned, notice=fresh)
    except DeadlinePassed as late:
        _record_late(submission, by=by, deadline=late.deadline)
        raise


# --- upload and finalise in one request ---------------------------------------------------------

class BlobUpload:
    """The whole sealed blob of a submission, pushed in pieces as the request body arrives
    (`submission_blob_open`): stored in parts, its SHA-256 and its ETB-1 digest computed on
    the way, capped at the limit. Nothing is read back; nothing is recorded until
    `submission_blob_finalize`."""

    def __init__(self, submission: Submission, limit: int, too_large: str) -> None:
        self.submission = submission
        self._writer = HashingPartWriter(
            submission.notice_id, str(submission.pk), int(conf.get("BID_SERVER_PART_BYTES")),
            limit, too_large)
        self._verifier = BlobVerifier()
        self.received = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        try:
            self._writer.write(data)
            self._verifier.write(data)
        except EtbError as exc:
            self.discard()
            raise _not_a_blob(exc) from None
        except BaseException:
            self.discard()
            raise

    def close(self) -> None:
        self.received = True

    def finish(self) -> tuple[list[tuple[int, str, str, int]], str, BlobDigest]:
        """(parts as (index, name, sha256, size), the blob's SHA-256, its digest)."""
        if not self.received or self._writer.total == 0:
            raise ApplicationError(_("Send the sealed blob as the file field 'blob'."),
                                   code="no_parts", fields={"blob": [_("Required.")]})
        self._writer.close()
        try:
            digest = self._verifier.finish()
        except EtbError as exc:
            raise _not_a_blob(exc) from None
        parts = [(index, name, sha, size) for index, name, size, sha in self._writer.parts]
        return parts, self._writer.sha256.hexdigest(), digest

    def discard(self) -> None:
        self._writer.discard()


def _not_a_blob(exc: EtbError) -> ApplicationError:
    return ApplicationError(_("The uploaded blob is not a valid sealed bid: %(problem)s "
                              "Nothing was submitted.") % {"problem": exc}, code=exc.code)


def submission_blob_open(*, submission: Submission, by: User,
                         content_length: int | None = None) -> BlobUpload:
    """Before any byte of the body is read: may `by` send this submission's whole blob now?

    The combined route takes a blob of at most one part (BID_PART_MAX_BYTES) and within the
    tender's limit. The deadline answer here is early (the database clock, no lock), so a late
    upload is refused before its bytes are read; the binding check is in `_commit`.
    """
    _require_supplier(by, submission.supplier)
    _require_uploading(submission)
    committee = _bids_committee(submission.notice)
    _check_open(submission.notice)
    part_max = int(conf.get("BID_PART_MAX_BYTES"))
    bid_max = max_bid_bytes(committee)
    limit = min(part_max, bid_max)
    too_large = (_too_large_text(bid_max) if bid_max <= part_max else
                 _("A bid sent in one request may be at most %(size)s (%(bytes)s bytes); upload "
                   "a larger one in parts and then finalise.")
                 % {"size": format_size(part_max), "bytes": format_number(part_max)})
    # The multipart body carries the finalise document and framing besides the blob.
    if content_length is not None and content_length > limit + BLOB_BODY_OVERHEAD:
        raise TooLarge(too_large)
    return BlobUpload(submission, limit, too_large)


# Room for the finalise document (a few hundred bytes per committee member) and the
# multipart framing on top of the blob itself.
BLOB_BODY_OVERHEAD = 1024 * 1024


def submission_blob_finalize(*, upload: BlobUpload, by: User, sha256: str, claimed: Any,
                             shares: Any = None, now: datetime | None = None) -> Finalised:
    """Finalise the blob received by `upload` in the same request: checked against the
    SHA-256 and the digest the client sent, then recorded and sealed in exactly as
    `submission_finalize` does (tender row locked, database clock, log entry, signed receipt,
    one transaction). Any refusal deletes what was stored and changes nothing else."""
    submission = upload.submission
    try:
        cleaned = _clean_shares(submission, shares) if shares is not None else None
        parts, whole, digest = upload.finish()
        if whole != sha256:
            raise ApplicationError(_("The blob arrived damaged: its SHA-256 does not match the "
                                     "checksum you sent. Nothing was submitted; send it "
                                     "again."), code="checksum_mismatch")
        _check_claim(digest, claimed, submission)
        return _commit(submission, digest, parts, by=by, now=now, shares=cleaned,
                       notice=submission.notice, record_parts=True)
    except DeadlinePassed as late:
        upload.discard()
        _record_late(submission, by=by, deadline=late.deadline)
        raise
    except BaseException:
        upload.discard()
        raise


def _record_late(submission: Submission, *, by: User | None,
                 deadline: datetime | None = None) -> None:
    """A refused late finalisation, for the opening protocol. Written after the rollback of
    the refused attempt, so it is the only trace of it; nothing about the bid changes."""
    clock = db_now()
    deadline = deadline or submission.notice.submission_deadline
    with transaction.atomic():
        BidEvent.objects.create(
            notice_id=submission.notice_id, submission=submission,
            kind=BidEventKind.LATE_REFUSED, by=by, at=clock,
            data={"attempted_at": _rfc3339(clock),
                  "deadline": _rfc3339(deadline) if deadline else ""})


def _commit(submission: Submission, digest: BlobDigest,
            parts: list[tuple[int, str, str, int]], *, by: User,
            now: datetime | None, shares: list[tuple[str, str]] | None = None,
            notice: Notice | None = None, record_parts: bool = False) -> Finalised:
    """`notice`: the tender as read before (for following it; the lock reads it again).

    `record_parts`: `parts` were stored by this request (the combined upload and finalise
    route) and are recorded here, under the locks, replacing any parts uploaded before;
    otherwise `parts` is what was verified and must still be what the database holds."""
    replaced: list[str] = []
    with transaction.atomic():
        # The bidder follows the notice from now on, and hears of its receipt (attached).
        # In this transaction (no receipt, no follow), but before the tender lock is taken:
        # nothing here needs it.
        known = notice or submission.notice
        if known.status == NoticeStatus.PUBLISHED:  # otherwise refused below, under the lock
            # `by` acts for the supplier (checked by the caller, _require_supplier).
            follow_ensure(bidder=by, notice=known, now=now)
        notice = Notice.objects.select_for_update().get(pk=submission.notice_id)
        clock = _check_open(notice)  # the database clock, with the tender row locked
        now = now or clock
        status = (Submission.objects.select_for_update().filter(pk=submission.pk)
                  .values_list("status", flat=True).get())
        _require_uploading(submission, status)
        if record_parts:
            replaced = _drop_parts(submission, keep_shares=True)
            UploadPart.objects.bulk_create(
                [UploadPart(submission=submission, index=index, size=size, sha256=sha,
                            storage_name=name, received_at=now)
                 for index, name, sha, size in parts])
        elif _parts_fingerprint(submission) != parts:
            raise Conflict(_("Parts changed while the bid was being finalised; finalise "
                             "again."))
        if shares is not None:
            # Carried with the finalisation: stored with the receipt, or not at all.
            SealedShare.objects.filter(submission=submission).delete()
            SealedShare.objects.bulk_create(
                [SealedShare(submission=submission, key_id=k, sealed_share=v) for k, v in shares])
        elif set(SealedShare.objects.filter(submission=submission)
                 .values_list("key_id", flat=True)) != set(submission.manifest.key_ids):
            raise ApplicationError(_("Send the sealed shares (one per committee member) before "
                                     "or with the finalisation; nothing was submitted."),
                                   code="shares_missing")
        superseded = []
        earlier = (Submission.objects.select_for_update()
                   .filter(notice=notice, supplier=submission.supplier,
                           status=SubmissionStatus.SEALED).exclude(pk=submission.pk))
        entries: list[tuple[str, dict[str, Any]]] = []
        for old in earlier:
            submission_flip(old, SubmissionStatus.SEALED, SubmissionStatus.SUPERSEDED, by=by,
                            at=now, savepoint=False)
            entries.append(("submission.superseded", {
                "context_hash": old.context_hash, "by_context_hash": submission.context_hash,
                "at": clock.isoformat()}))
            superseded.append(old)
        entries.append(("submission.received", {
            "context_hash": submission.context_hash, "header_hash": digest.header_hash.hex(),
            "root": digest.root.hex(), "received_at": _rfc3339(clock)}))
        # One log lock and one read of the log's end for every entry of this bid.
        entry = log_append_many(entries, at=clock)[-1]
        receipt_body = build_receipt(
            submission=str(submission.pk), tender=notice.reference,
            bidder=submission.supplier.identifier, digest=digest, received_at=clock,
            sealing=submission.sealing, log_index=entry.index)
        signed = sign_receipt(receipt_body, platform_signing_key())
        event_data: dict[str, Any] = {}
        if shares is not None:
            event_data["key_ids"] = [k for k, _v in shares]
        if record_parts:  # received with the finalisation: the parts are part of this event
            event_data["parts"] = [{"index": index, "size": size, "sha256": sha}
                                   for index, _name, sha, size in parts]
        sealed_event = submission_flip(
            submission, SubmissionStatus.UPLOADING, SubmissionStatus.SEALED, by=by, at=now,
            savepoint=False, size=digest.size, chunks=digest.chunks, root=digest.root.hex(),
            header_hash=digest.header_hash.hex(), received_at=clock, log_index=entry.index,
            blob_name=f"bids/{notice.pk}/{submission.pk}/", data=event_data or None)
        receipt = Receipt.objects.create(submission=submission, receipt=signed["receipt"],
                                         signature=signed["signature"],
                                         public_key=platform_public_key_hex(), issued_at=clock)
        # So the receipt's inclusion proof is there at once; the log lock is already held and
        # the tree size known from the entry just appended.
        sth_after_append(at=clock, last=entry)
        announce(sealed_event)
    if replaced:  # parts uploaded before, replaced by the ones recorded with the receipt
        def _delete_replaced() -> None:
            for name in replaced:
                delete_quietly(name)

        transaction.on_commit(_delete_replaced)
    return Finalised(submission=submission, receipt=receipt, superseded=superseded)


def _rfc3339(moment: datetime) -> str:
    from crypto.timestamps import format_timestamp

    return format_timestamp(moment)


# --- withdraw --------------------------------------------------------------------------------

def submission_withdraw(*, submission: Submission, by: User,
                        now: datetime | None = None) -> Submission:
    """Withdraw a sealed bid (or abandon an unfinished upload) before the deadline."""
    _require_supplier(by, submission.supplier)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=submission.notice_id)
        clock = _check_open(notice)
        now = now or clock
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status == SubmissionStatus.UPLOADING:
            submission_flip(submission, SubmissionStatus.UPLOADING, SubmissionStatus.ABANDONED,
                            by=by, at=now)
            names = _drop_parts(submission)
            def _delete_parts() -> None:
                for n in names:
                    delete_quietly(n)

            transaction.on_commit(_delete_parts)
            return submission
        if locked.status != SubmissionStatus.SEALED:
            raise Conflict(_("This bid is %(status)s; only the current sealed bid can be "
                             "withdrawn.") % {"status": locked.get_status_display().lower()},
                           code="not_sealed")
        submission_flip(submission, SubmissionStatus.SEALED, SubmissionStatus.WITHDRAWN, by=by,
                        at=now)
        log_append(kind="submission.withdrawn", at=clock, data={
            "context_hash": submission.context_hash, "at": _rfc3339(clock)})
    return submission


def _drop_parts(submission: Submission, *, keep_shares: bool = False) -> list[str]:
    names = list(UploadPart.objects.filter(submission=submission)
                 .values_list("storage_name", flat=True))
    if names:
        UploadPart.objects.filter(submission=submission).delete()
    if not keep_shares:
        SealedShare.objects.filter(submission=submission).delete()
    return names


# --- server-side sealing -----------------------------------------------------------------------

class _ExactReader:
    """Reads exactly `length` bytes from a request stream; a short body is an error."""

    def __init__(self, source: Readable, length: int) -> None:
        self._source = source
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        want = self._left if size is None or size < 0 else min(size, self._left)
        data = self._source.read(min(want, 1024 * 1024))
        if not data:
            raise ApplicationError(_("The upload ended early; nothing was submitted. Send the "
                                     "file again."), code="incomplete_upload")
        self._left -= len(data)
        return data


def submission_seal_on_server(*, notice: Notice, supplier: Organization, by: User,
                              stream: Readable, filename: str, length: int,
                              now: datetime | None = None) -> Finalised:
    """Seal a plaintext file on the fly from the request stream (ETB-1 `sealing: server`).

    The plaintext goes request stream -> tar writer -> sealer -> storage parts; it is never
    written anywhere in the clear. The DEK lives only inside seal_entries.
    """
    try:
        validate_name(filename)
    except EtbError:
        raise ApplicationError(_("Give the file a plain name (no folders), e.g. tilbud.pdf, in "
                                 "the X-Filename header."), code="bad_filename") from None
    if length < 0:
        raise ApplicationError(_("Send the file with a Content-Length."),
                               code="length_required")
    committee = _bids_committee(notice)
    limit = max_bid_bytes(committee)
    if length > limit:
        raise TooLarge(_too_large_text(limit))
    submission = submission_start(notice=notice, supplier=supplier, by=by,
                                  sealing=Sealing.SERVER, now=now)
    writer = PartWriter(notice.pk, str(submission.pk), int(conf.get("BID_SERVER_PART_BYTES")),
                        limit, _too_large_text(limit))
    mtime = int((now or timezone.now()).timestamp())
    try:
        # TarEntry only ever calls read() on its source; _ExactReader provides exactly that.
        source = cast(BinaryIO, _ExactReader(stream, length))
        sealed = seal_entries([TarEntry(filename, length, mtime, source)],
                              manifest=submission.manifest.manifest, context=submission.context,
                              out=writer,  # type: ignore[arg-type]
                              expected_manifest_hash=submission.manifest.manifest_hash)
        writer.close()
        with transaction.atomic():
            for index, name, size, digest in writer.parts:
                UploadPart.objects.create(submission=submission, index=index, size=size,
                                          sha256=digest, storage_name=name,
                                          received_at=now or timezone.now())
            SealedShare.objects.bulk_create(
                [SealedShare(submission=submission, key_id=s["key_id"],
                             sealed_share=s["sealed_share"]) for s in sealed.sealed_shares])
            bid_event(notice, BidEventKind.SEALED_ON_SERVER, by=by, at=now or timezone.now(),
                      submission=submission, size=sealed.digest.size)
    except BaseException:
        writer.discard()
        _abandon_quietly(submission)
        raise
    try:
        return _commit(submission, sealed.digest, _parts_fingerprint(submission), by=by,
                       now=now)
    except ApplicationError as exc:
        if isinstance(exc, DeadlinePassed):
            _record_late(submission, by=by, deadline=exc.deadline)
        _abandon_quietly(submission)
        raise


def _abandon_quietly(submission: Submission) -> None:
    """After a failed server-side sealing: the upload is given up, its parts deleted."""
    try:
        with transaction.atomic():
            submission_flip(submission, SubmissionStatus.UPLOADING, SubmissionStatus.ABANDONED,
                            by=None, at=timezone.now())
            names = _drop_parts(submission)
    except Conflict:
        return  # no longer uploading (sealed meanwhile): its parts are the bid, keep them
    for name in names:
        delete_quietly(name)


# --- bookkeeping -------------------------------------------------------------------------------

def submissions_cleanup_unfinished(*, now: datetime | None = None) -> int:
    """Delete unfinished uploads of tenders whose deadline has passed. Idempotent."""
    clock = db_now()
    now = now or clock
    stale = Submission.objects.filter(status=SubmissionStatus.UPLOADING,
                                      notice__submission_deadline__lte=clock)
    count = 0
    for submission in stale.select_related("notice"):
        try:
            with transaction.atomic():
                submission_flip(submission, SubmissionStatus.UPLOADING,
                                SubmissionStatus.ABANDONED, by=None, at=now,
                                data={"reason": "unfinished at the deadline"})
                names = _drop_parts(submission)
        except Conflict:
            continue  # finalised or cleaned up by another worker meanwhile
        for name in names:
            delete_quietly(name)
        # A worker killed mid-part leaves a file that no UploadPart row names: it never
        # counted, and goes with the rest of the submission's folder.
        delete_folder(part_prefix(submission.notice_id, str(submission.pk)))
        count += 1
    return count


def tender_close(*, notice: Notice, now: datetime | None = None) -> SignedTreeHead | None:
    """After the deadline: log 'tender closed' with the set of bids, sign the tree head.

    Idempotent: one deadline tree head per tender. Locks the notice row first, so every
    finalisation that read the clock before the deadline has committed its log entry.
    """
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        clock = db_now()
        if locked.submission_deadline is None or locked.submission_deadline > clock:
            return None
        if not Committee.objects.filter(notice=locked).exists():
            return None
        if SignedTreeHead.objects.filter(notice=locked).exists():
            return None
        current = sorted(Submission.objects.filter(
            notice=locked, status__in=[SubmissionStatus.SEALED, SubmissionStatus.OPENED])
            .values_list("context_hash", flat=True))
        log_append(kind="tender.closed", notice=locked, at=clock, data={
            "tender": locked.reference, "deadline": _rfc3339(locked.submission_deadline),
            "entries": len(current), "context_hashes": current})
        announce(bid_event(locked, BidEventKind.TENDER_CLOSED, by=None, at=now or clock,
                           entries=len(current)))
        return sth_issue(reason="deadline", notice=locked, at=clock)


def tenders_close_due(*, now: datetime | None = None) -> int:
    clock = db_now()
    due = (Notice.objects.filter(committee__isnull=False, submission_deadline__lte=clock)
           .exclude(pk__in=SignedTreeHead.objects.filter(notice__isnull=False)
                    .values("notice_id")))
    closed = 0
    for notice in due:
        if tender_close(notice=notice, now=now) is not None:
            closed += 1
    return closed


def _log_deadline_change(notice_id: int) -> None:
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if not Committee.objects.filter(notice=notice).exists():
            return
        last = (LogEntry.objects.filter(notice=notice, kind__in=["manifest.published",
                                                                 "deadline.changed"])
                .order_by("-index").first())
        if last is None or notice.submission_deadline is None:
            return
        previous = json.loads(last.entry).get("deadline", "")
        current = notice.submission_deadline.isoformat()
        if previous == current:
            return
        log_append(kind="deadline.changed", notice=notice, data={
            "tender": notice.reference, "deadline": current, "previous": previous})


def on_notice_changed(sender: Any, *, notice_id: int, change: str, **kwargs: Any) -> None:
    if change == "changed":
        _log_deadline_change(notice_id)
    elif change in ("closed", "cancelled"):
        notice = Notice.objects.filter(pk=notice_id).first()
        if notice is not None:
            tender_close(notice=notice)

