"""The check the opening protocol quotes: the tree head signed at the deadline proves that the
set of bids being opened is exactly the set the log recorded as received (and not withdrawn
or superseded) before the deadline.

Submission entries in the log name no tender (before the opening nobody may learn who bid or
how many bids a tender has); they carry the submission's context hash. The tender's
`tender.closed` entry, written after the deadline, lists the context hashes of its current
bids. The check: the tree head's signature verifies; the log entries below its size hash to its
root; the closed entry is inside that tree; and the three sets agree: bids being opened =
context hashes in the closed entry = this tender's context hashes received minus withdrawn or
superseded in the log.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from bids.models import LogEntry, Submission
from bids.opening.models import OpeningSession
from crypto import merkle
from crypto.errors import EtbError
from crypto.tlog import verify_tree_head

EFFECT = {"submission.received": 1, "submission.withdrawn": -1, "submission.superseded": -1}


def verify_opened_set(session: OpeningSession) -> dict[str, Any]:
    """{"ok", "tree_size", "root", "timestamp", "signature", "public_key", "received",
    "opened", "closed_entry", "missing", "extra", "problems"} in plain words."""
    sth = session.tree_head
    opened = set(session.bids.values_list("submission__context_hash", flat=True))
    result: dict[str, Any] = {"ok": False, "problems": [], "opened": len(opened)}
    if sth is None:
        result["problems"].append(_("No signed tree head was issued at the deadline."))
        return result
    result.update(tree_size=sth.size, root=sth.root, timestamp=sth.timestamp,
                  public_key=sth.public_key, signature=sth.signature)
    try:
        verify_tree_head({"tree_head": {"root": sth.root, "size": sth.size,
                                        "timestamp": sth.timestamp},
                          "signature": sth.signature}, sth.public_key)
        result["signature_ok"] = True
    except EtbError:
        result["signature_ok"] = False
        result["problems"].append(_("The tree head's signature does not verify."))
    rows = list(LogEntry.objects.filter(index__lt=sth.size).order_by("index")
                .values_list("index", "leaf_hash", "entry", "notice_id", "kind"))
    if [r[0] for r in rows] != list(range(sth.size)):
        result["problems"].append(_("The log is missing entries below the tree head's size."))
        return result
    result["root_ok"] = merkle.root_of([bytes.fromhex(r[1]) for r in rows]).hex() == sth.root
    if not result["root_ok"]:
        result["problems"].append(_("The log entries do not hash to the tree head's root."))
    ours = set(Submission.objects.filter(notice_id=session.notice_id)
               .values_list("context_hash", flat=True))
    balance: dict[str, int] = {}
    closed: set[str] | None = None
    for index, _leaf, raw, notice_id, kind in rows:
        entry = json.loads(raw)
        if kind == "tender.closed" and notice_id == session.notice_id:
            closed = set(entry.get("context_hashes", []))
            result["closed_entry"] = index
        digest = entry.get("context_hash")
        if kind in EFFECT and digest in ours:
            balance[digest] = balance.get(digest, 0) + EFFECT[kind]
    received = {digest for digest, n in balance.items() if n > 0}
    result["received"] = len(received)
    result["missing"] = sorted(received - opened)
    result["extra"] = sorted(opened - received)
    if closed is None:
        result["problems"].append(_("The tender-closed entry is not inside the tree head."))
    elif closed != received:
        result["problems"].append(_("The tender-closed entry lists another set of bids than "
                                    "the log received."))
    if result["missing"]:
        result["problems"].append(_("%(n)s bid(s) received in the log before the deadline are "
                                    "not being opened.") % {"n": len(result["missing"])})
    if result["extra"]:
        result["problems"].append(_("%(n)s bid(s) being opened were not received in the log "
                                    "before the deadline.") % {"n": len(result["extra"])})
    result["ok"] = not result["problems"]
    return result
