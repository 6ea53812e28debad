"""The platform's transparency log (ETB-1 §10): append, signed tree heads, proofs, verify.

Entries are canonical JSON and never name a bidder before the opening: a submission is
logged by its context hash and digest, so the log does not even tell how many bids a tender
has until the tender-closed entry, written after the deadline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, NotFound
from bids import conf
from bids.clock import lock_log
from bids.keys import platform_public_key_hex, platform_signing_key
from bids.models import LogEntry, SignedTreeHead
from crypto import merkle
from crypto.errors import EtbError
from crypto.tlog import entry_bytes, entry_leaf_hash, sign_tree_head, tree_head, verify_tree_head
from notices.models import Notice


def log_append(*, kind: str, data: dict[str, Any], notice: Notice | None = None,
               at: datetime | None = None) -> LogEntry:
    """Append one entry; the caller's transaction holds the log lock until it commits."""
    return log_append_many([(kind, data)], notice=notice, at=at)[0]


def log_append_many(entries: list[tuple[str, dict[str, Any]]], *, notice: Notice | None = None,
                    at: datetime | None = None) -> list[LogEntry]:
    """Append (kind, data) entries in order: one lock, one read of the log's end, one insert.

    Each entry stores the Merkle frontier of the tree it ends, built from the previous
    entry's: O(log n) hashes, never a read of the whole log.
    """
    assert transaction.get_connection().in_atomic_block, "log_append needs a transaction"
    lock_log()
    at = at or db_now()
    last = LogEntry.objects.order_by("-index").values_list("index", "frontier").first()
    first = 0 if last is None else last[0] + 1
    builder = merkle.StreamingRoot() if last is None else _builder(first, last[1])
    rows = []
    for offset, (kind, data) in enumerate(entries):
        raw = entry_bytes({"kind": kind, **data})
        leaf = entry_leaf_hash(raw)
        builder.add_leaf_hash(leaf)
        rows.append(LogEntry(index=first + offset, kind=kind, entry=raw.decode("utf-8"),
                             leaf_hash=leaf.hex(), frontier=_frontier_text(builder),
                             notice=notice, created_at=at))
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        return rows
    return LogEntry.objects.bulk_create(rows)


def _frontier_text(builder: merkle.StreamingRoot) -> str:
    return "".join(node.hex() for node in builder.frontier())


def _builder(size: int, frontier: str) -> merkle.StreamingRoot:
    """The tree of `size` entries, from the frontier stored on entry size - 1.

    An entry written before frontiers were kept has none: the leaves are read once, and the
    next entry stores the frontier, so this happens once per log.
    """
    if frontier:
        nodes = [bytes.fromhex(frontier[i:i + 64]) for i in range(0, len(frontier), 64)]
        return merkle.StreamingRoot.from_frontier(size, nodes)
    builder = merkle.StreamingRoot()
    for leaf in _leaves(size):
        builder.add_leaf_hash(leaf)
    return builder


def _root_at(size: int, last: LogEntry | None = None) -> bytes:
    """MTH of the first `size` entries, from the frontier on entry size - 1 (one row read)."""
    if size == 0:
        return merkle.EMPTY_ROOT
    if last is None or last.index != size - 1:
        frontier = (LogEntry.objects.filter(index=size - 1).values_list("frontier", flat=True)
                    .first())
        if frontier is None:
            raise ApplicationError(_("The log has fewer entries than asked for."),
                                   code="log_size")
    else:
        frontier = last.frontier
    return _builder(size, frontier).root()


def log_size() -> int:
    return LogEntry.objects.count()


def _leaves(size: int) -> list[bytes]:
    hexes = list(LogEntry.objects.filter(index__lt=size).order_by("index")
                 .values_list("leaf_hash", flat=True))
    if len(hexes) != size:
        raise ApplicationError(_("The log has fewer entries than asked for."), code="log_size")
    return [bytes.fromhex(h) for h in hexes]


def sth_as_json(sth: SignedTreeHead) -> dict[str, Any]:
    return {"tree_head": {"root": sth.root, "size": sth.size, "timestamp": sth.timestamp},
            "signature": sth.signature}


@transaction.atomic
def sth_issue(*, reason: str = "periodic", notice: Notice | None = None,
              at: datetime | None = None) -> SignedTreeHead:
    """Sign the tree head over every entry appended so far."""
    lock_log()
    return _sth_sign(size=LogEntry.objects.count(), reason=reason, notice=notice, at=at)


def _sth_sign(*, size: int, reason: str, notice: Notice | None,
              at: datetime | None, last: LogEntry | None = None) -> SignedTreeHead:
    """The log lock is held by the caller's transaction. `last`: entry size - 1, if in hand."""
    at = at or db_now()
    root = _root_at(size, last)
    signed = sign_tree_head(tree_head(size=size, root=root, timestamp=at),
                            platform_signing_key())
    head = signed["tree_head"]
    return SignedTreeHead.objects.create(
        size=size, root=head["root"], timestamp=head["timestamp"],
        signature=signed["signature"], public_key=platform_public_key_hex(), notice=notice,
        reason=reason, created_at=at)


def sth_latest() -> SignedTreeHead | None:
    """The newest tree head, or None before the first one. A read: it never signs one.

    Tree heads are signed by the writes that need one at once (the committee manifest, a
    bid's receipt, the tender-closed entry) and by the periodic job, which covers every
    other entry within BIDS_STH_INTERVAL; so the latest head may lag the log by that much.
    """
    return SignedTreeHead.objects.order_by("-size", "-created_at", "-pk").first()


def sth_after_append(*, at: datetime | None = None, size: int | None = None,
                     last: LogEntry | None = None) -> SignedTreeHead:
    """Inside the appending transaction: sign a head over the entries just appended.

    `last`: the entry this transaction appended last (its frontier gives the root, no read);
    or `size`, the log's size after this transaction's appends (last index + 1). Either way
    the caller's log_append took the log lock, held until commit, so no count is needed.
    Never tied to a notice: a notice's own tree head is its deadline head (tender_close).
    """
    assert transaction.get_connection().in_atomic_block, "sth_after_append needs a transaction"
    if last is not None:
        return _sth_sign(size=last.index + 1, reason="append", notice=None, at=at, last=last)
    if size is None:
        return sth_issue(reason="append", at=at)
    return _sth_sign(size=size, reason="append", notice=None, at=at)


def sth_periodic(*, now: datetime | None = None) -> SignedTreeHead | None:
    """Bookkeeping: a tree head at least every BIDS_STH_INTERVAL seconds. Idempotent."""
    now = now or db_now()
    latest = SignedTreeHead.objects.order_by("-created_at", "-pk").first()
    interval = timedelta(seconds=conf.get("BIDS_STH_INTERVAL"))
    if latest is not None and latest.created_at > now - interval:
        return None
    return sth_issue(reason="periodic", at=now)


def inclusion_proof(*, index: int, tree_size: int | None = None) -> dict[str, Any]:
    """The proof that entry `index` is in the tree of `tree_size` (default: latest STH).

    A read: an entry that no signed tree head covers yet gets a clear 409, not a new head.
    """
    sth = None
    if tree_size is None:
        sth = sth_latest()
        if sth is None or sth.size <= index:
            if not LogEntry.objects.filter(index=index).exists():
                raise NotFound(_("There is no log entry with that index."))
            minutes = max(1, conf.get("BIDS_STH_INTERVAL") // 60)
            raise Conflict(_("Entry %(index)s is not yet covered by a signed tree head; the "
                             "next one is issued within %(minutes)s minutes. Ask again then.")
                           % {"index": index, "minutes": minutes}, code="not_yet_signed")
        tree_size = sth.size
    try:
        entry = LogEntry.objects.get(index=index)
    except LogEntry.DoesNotExist:
        raise NotFound(_("There is no log entry with that index.")) from None
    if not 0 <= index < tree_size:
        raise ApplicationError(_("The entry is not in a tree of that size."), code="bad_size")
    leaves = _leaves(tree_size)
    proof: dict[str, Any] = {
        "entry": json.loads(entry.entry),
        "leaf": entry.leaf_hash,
        "index": index,
        "tree_size": tree_size,
        "path": [p.hex() for p in merkle.inclusion_proof(leaves, index)],
        "root": merkle.root_of(leaves).hex(),
        "public_key": platform_public_key_hex(),
    }
    if sth is not None:
        proof["signed_tree_head"] = sth_as_json(sth)
    return proof


def consistency_proof(*, first: int, second: int) -> dict[str, Any]:
    if not 0 < first <= second:
        raise ApplicationError(_("Give two tree sizes with 0 < first <= second."),
                               code="bad_size")
    if second > log_size():
        raise ApplicationError(_("The log is not that large yet."), code="bad_size")
    leaves = _leaves(second)
    return {
        "first": first,
        "second": second,
        "first_root": merkle.root_of(leaves[:first]).hex(),
        "second_root": merkle.root_of(leaves).hex(),
        "path": [p.hex() for p in merkle.consistency_proof(leaves, first)],
    }


@dataclass
class LogReport:
    entries: int
    tree_heads: int
    problems: list[str]


def log_verify() -> LogReport:
    """Recompute every leaf and every signed tree head; plain-word problems, empty if sound."""
    problems: list[str] = []
    leaves: list[bytes] = []
    builder = merkle.StreamingRoot()
    roots: dict[int, bytes] = {0: builder.root()}
    for position, (index, raw, leaf, frontier) in enumerate(
            LogEntry.objects.order_by("index")
            .values_list("index", "entry", "leaf_hash", "frontier").iterator()):
        if index != position:
            problems.append(f"entry {position} is missing (found index {index} instead)")
            break
        try:
            entry = json.loads(raw)
            if entry_bytes(entry).decode("utf-8") != raw:
                problems.append(f"entry {index} is not canonical JSON")
        except (ValueError, EtbError):
            problems.append(f"entry {index} is not a JSON object")
        computed = entry_leaf_hash(raw.encode("utf-8"))
        if computed.hex() != leaf:
            problems.append(f"entry {index}: stored leaf hash does not match the entry")
        leaves.append(computed)
        builder.add_leaf_hash(computed)
        if frontier and frontier != _frontier_text(builder):
            problems.append(f"entry {index}: stored Merkle frontier does not match the entries")
        roots[index + 1] = builder.root()
    heads = list(SignedTreeHead.objects.order_by("size", "pk"))
    public_key = platform_public_key_hex()
    for sth in heads:
        try:
            verify_tree_head(sth_as_json(sth), sth.public_key or public_key)
        except EtbError:
            problems.append(f"tree head #{sth.pk} (size {sth.size}): signature does not verify")
        expected = roots.get(sth.size)
        if expected is None:
            problems.append(f"tree head #{sth.pk} names size {sth.size}, beyond the log")
        elif expected.hex() != sth.root:
            problems.append(f"tree head #{sth.pk} (size {sth.size}): root does not match "
                            "the entries")
    return LogReport(entries=len(leaves), tree_heads=len(heads), problems=problems)
