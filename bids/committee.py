"""The opening committee: members, k, their enrolled keys and the frozen manifests (ETB-1 §1, §7).

The authority names the members (people with a membership in the buyer authority) and k.
Each member enrols a key generated and wrapped on the member's side; the server only ever
stores the public key and the passphrase-wrapped private key. The manifest is frozen when the
notice is published (version 1) and again whenever the committee changes before the deadline
(with a change notice and a log entry); bids sealed under an older manifest are asked to
re-seal, and stay openable while k of that manifest's members remain.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import is_member_of
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from backend.formatting import format_number
from bids.models import (
    BidEvent,
    BidEventKind,
    Committee,
    CommitteeMember,
    Manifest,
    Submission,
    SubmissionStatus,
)
from bids.notifications import announce
from bids.permissions import may_manage_committee
from bids.tlog import log_append, sth_after_append
from crypto.canonical import KEY_ID_RE, manifest_hash, validate_manifest, validate_public_key_hex
from crypto.constants import MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS
from crypto.errors import EtbError
from crypto.member_keys import STORED_KEYS
from notices.models import Notice, NoticeStatus

logger = logging.getLogger(__name__)
MANIFEST_LINE_RE = re.compile(
    r"\n*Opening committee manifest: version \d+, SHA-256 [0-9a-f]{64}\.?$")


@dataclass(frozen=True)
class CommitteeResult:
    committee: Committee
    warnings: list[str]


def bid_event(notice: Notice, kind: BidEventKind, *, by: User | None, at: datetime,
              submission: Submission | None = None, **data: Any) -> BidEvent:
    return BidEvent.objects.create(notice=notice, submission=submission, kind=kind, by=by,
                                   at=at, data=data)


def _require_editor(notice: Notice, by: User) -> None:
    if not may_manage_committee(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can change the opening "
                          "committee.") % {"buyer": notice.buyer.name})


def _active_members(committee: Committee) -> list[CommitteeMember]:
    return list(committee.members.filter(removed_at__isnull=True).select_related("user")
                .order_by("added_at", "pk"))


def _warnings(n: int, k: int) -> list[str]:
    if n < k + 1:
        return [_("With %(n)s members and %(k)s needed to open, one lost key makes the bids "
                  "impossible to open. Name at least one more member than k.") % {"n": n, "k": k}]
    return []


def _check_k(n: int, k: int) -> None:
    if n < 2:
        raise ApplicationError(_("An opening committee needs at least 2 members."),
                               fields={"members": [_("At least 2.")]})
    if not 2 <= k <= n:
        raise ApplicationError(_("The number of members needed to open (k) must be between 2 "
                                 "and the number of members (%(n)s).") % {"n": n},
                               fields={"k": [_("2 to n.")]})
    if n > 255:
        raise ApplicationError(_("An opening committee has at most 255 members."),
                               fields={"members": [_("At most 255.")]})


def _deadline_passed(notice: Notice) -> bool:
    return notice.submission_deadline is not None and notice.submission_deadline <= db_now()


@transaction.atomic
def committee_configure(*, notice: Notice, by: User, members: list[User], k: int,
                        electronic_bids: bool = True, max_bid_bytes: int | None = None,
                        now: datetime | None = None) -> CommitteeResult:
    """Name the committee and k while the notice is a draft (later: add/remove members)."""
    now = now or timezone.now()
    _require_editor(notice, by)
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=notice.pk)
    if notice.status != NoticeStatus.DRAFT:
        raise Conflict(_("The committee and k are fixed when the notice is published; add or "
                         "remove a member instead."))
    unique = list(dict.fromkeys(members))
    if electronic_bids:
        _check_k(len(unique), k)
    outsiders = [u.email for u in unique
                 if not is_member_of(u, notice.buyer_id)]
    if outsiders:
        raise ApplicationError(_("Committee members must belong to %(buyer)s: %(who)s does "
                                 "not.") % {"buyer": notice.buyer.name,
                                            "who": ", ".join(outsiders)},
                               fields={"members": [_("Not a member of the authority.")]})
    if max_bid_bytes is not None and max_bid_bytes <= 0:
        raise ApplicationError(_("The largest bid must be a positive number of bytes."),
                               fields={"max_bid_bytes": [_("Positive.")]})
    committee, created = Committee.objects.get_or_create(
        notice=notice, defaults={"k": k, "electronic_bids": electronic_bids,
                                 "max_bid_bytes": max_bid_bytes, "created_by": by})
    if not created:
        Committee.objects.filter(pk=committee.pk).update(
            k=k, electronic_bids=electronic_bids, max_bid_bytes=max_bid_bytes)
        committee.refresh_from_db()
    current = {m.user_id: m for m in _active_members(committee)}
    wanted = {u.pk for u in unique}
    for user_id, member in current.items():
        if user_id not in wanted:
            CommitteeMember.objects.filter(pk=member.pk, removed_at__isnull=True).update(
                removed_at=now, removed_reason="removed while the notice was a draft")
    for user in unique:
        if user.pk not in current:
            CommitteeMember.objects.create(committee=committee, user=user, added_at=now)
    announce(bid_event(notice, BidEventKind.COMMITTEE_CONFIGURED, by=by, at=now, k=k,
                       members=[u.email for u in unique], electronic_bids=electronic_bids,
                       max_bid_bytes=max_bid_bytes))
    return CommitteeResult(committee=committee, warnings=_warnings(len(unique), k))


def _validate_wrapped_key(wrapped_key: Any) -> dict[str, Any]:
    if not isinstance(wrapped_key, dict) or set(wrapped_key) != STORED_KEYS:
        raise ApplicationError(
            _("Send the wrapped key exactly as the browser or `anbud-etb keygen` produced it: "
              "key_id, public_key, kdf, iterations, salt, nonce, wrapped. Never send a "
              "passphrase or an unwrapped key."), code="bad_key")
    if wrapped_key["kdf"] != "pbkdf2-sha256":
        raise ApplicationError(_("The key must be wrapped with pbkdf2-sha256."), code="bad_key")
    iterations = wrapped_key["iterations"]
    if isinstance(iterations, bool) or not isinstance(iterations, int) or \
            not MIN_PBKDF2_ITERATIONS <= iterations <= MAX_PBKDF2_ITERATIONS:
        raise ApplicationError(_("The key must be wrapped with at least %(n)s PBKDF2 "
                                 "iterations.") % {"n": format_number(MIN_PBKDF2_ITERATIONS)},
                               code="bad_key")
    key_id = wrapped_key["key_id"]
    if not isinstance(key_id, str) or not KEY_ID_RE.fullmatch(key_id):
        raise ApplicationError(_("The key id may hold letters, digits and . _ @ : + - only."),
                               code="bad_key")
    try:
        validate_public_key_hex(wrapped_key["public_key"])
        for name, length in (("salt", 16), ("nonce", 12)):
            value = bytes.fromhex(wrapped_key[name])
            if len(value) != length:
                raise ValueError
        if len(bytes.fromhex(wrapped_key["wrapped"])) < 64:
            raise ValueError
    except (EtbError, ValueError, TypeError):
        raise ApplicationError(_("The wrapped key is damaged (public key, salt, nonce or "
                                 "wrapped bytes)."), code="bad_key") from None
    return dict(wrapped_key)


@transaction.atomic
def committee_member_enrol_key(*, member: CommitteeMember, by: User, wrapped_key: Any,
                               now: datetime | None = None) -> CommitteeMember:
    """A member enrols the key generated and wrapped on the member's side."""
    now = now or timezone.now()
    if member.user_id != by.pk:
        raise Forbidden(_("Only the member can enrol their own key."))
    stored = _validate_wrapped_key(wrapped_key)
    notice = Notice.objects.select_for_update().get(pk=member.committee.notice_id)
    if _deadline_passed(notice) or notice.status not in (NoticeStatus.DRAFT,
                                                         NoticeStatus.PUBLISHED):
        raise Conflict(_("Keys cannot change after the deadline: the bids are sealed to the "
                         "keys enrolled before it."))
    clash = (CommitteeMember.objects.filter(committee=member.committee, removed_at__isnull=True)
             .exclude(pk=member.pk))
    if clash.filter(key_id=stored["key_id"]).exists() or \
            clash.filter(public_key=stored["public_key"]).exists():
        raise ApplicationError(_("Another member of this committee already uses that key id "
                                 "or key. Generate a new key."), code="bad_key")
    changed = CommitteeMember.objects.filter(pk=member.pk, removed_at__isnull=True).update(
        key_id=stored["key_id"], public_key=stored["public_key"], wrapped_key=stored,
        enrolled_at=now)
    if changed != 1:
        raise Conflict(_("You are no longer on this committee."))
    member.refresh_from_db()
    bid_event(notice, BidEventKind.KEY_ENROLLED, by=by, at=now, member=by.email,
              key_id=stored["key_id"], public_key=stored["public_key"])
    # After publication a new key takes effect when a procurement officer publishes the new
    # manifest (manifest_republish), because that is a change notice.
    return member


@transaction.atomic
def manifest_republish(*, notice: Notice, by: User, reason: str,
                       now: datetime | None = None) -> Manifest:
    """Publish a new manifest version from the committee as it is now (change notice)."""
    now = now or timezone.now()
    _require_editor(notice, by)
    if not reason.strip():
        raise ApplicationError(_("Say why the committee changed; the reason is published."),
                               fields={"reason": [_("Required.")]})
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=notice.pk)
    if notice.status != NoticeStatus.PUBLISHED or _deadline_passed(notice):
        raise Conflict(_("The manifest can change only while the notice is published and "
                         "before the deadline."))
    problems = committee_problems(notice, now)
    if problems:
        raise ApplicationError(problems, code="committee_not_ready")
    return _republish(notice, by=by, now=now, reason=reason.strip())


@transaction.atomic
def committee_member_add(*, notice: Notice, user: User, by: User,
                         now: datetime | None = None) -> CommitteeMember:
    now = now or timezone.now()
    _require_editor(notice, by)
    committee = _committee_of(notice)
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=notice.pk)
    if _deadline_passed(notice):
        raise Conflict(_("The committee cannot change after the deadline."))
    if not is_member_of(user, notice.buyer_id):
        raise ApplicationError(_("Committee members must belong to %(buyer)s.")
                               % {"buyer": notice.buyer.name},
                               fields={"user": [_("Not a member of the authority.")]})
    if committee.members.filter(user=user, removed_at__isnull=True).exists():
        raise Conflict(_("%(who)s is already on the committee.") % {"who": user.email})
    member = CommitteeMember.objects.create(committee=committee, user=user, added_at=now)
    announce(bid_event(notice, BidEventKind.MEMBER_ADDED, by=by, at=now, member=user.email))
    return member


@transaction.atomic
def committee_remind_keys(*, notice: Notice, by: User) -> int:
    """An officer asks the members who have not enrolled a key to do it (inbox and e-mail,
    after commit). Returns how many members are asked."""
    _require_editor(notice, by)
    committee = _committee_of(notice)
    missing = [m for m in _active_members(committee) if not m.has_key]
    if missing:
        from bids import tasks

        notice_id = notice.pk

        def send() -> None:
            try:
                tasks.notify_keys_needed.delay(notice_id)
            except Exception:
                logger.exception("reminding the committee of notice %s failed", notice_id)

        transaction.on_commit(send)
    return len(missing)


@transaction.atomic
def committee_member_remove(*, member: CommitteeMember, by: User, reason: str,
                            key_lost: bool = False,
                            now: datetime | None = None) -> Manifest | None:
    """A member leaves (or has lost the key): before the deadline only; new manifest if frozen."""
    now = now or timezone.now()
    notice = member.committee.notice
    _require_editor(notice, by)
    if not reason.strip():
        raise ApplicationError(_("Say why the member leaves; the reason is published."),
                               fields={"reason": [_("Required.")]})
    notice = Notice.objects.select_for_update().select_related("buyer").get(pk=notice.pk)
    if _deadline_passed(notice) or notice.status not in (NoticeStatus.DRAFT,
                                                         NoticeStatus.PUBLISHED):
        raise Conflict(_("The committee cannot change after the deadline."))
    committee = member.committee
    remaining = committee.members.filter(removed_at__isnull=True).exclude(pk=member.pk).count()
    if notice.status == NoticeStatus.PUBLISHED and remaining < max(2, committee.k):
        raise ApplicationError(_("Only %(remaining)s members would remain, but %(k)s are needed "
                                 "to open the bids. Add a member first.")
                               % {"remaining": remaining, "k": committee.k},
                               code="committee_too_small")
    changed = CommitteeMember.objects.filter(pk=member.pk, removed_at__isnull=True).update(
        removed_at=now, removed_reason=reason.strip())
    if changed != 1:
        raise Conflict(_("That member has already left the committee."))
    kind = BidEventKind.KEY_LOST if key_lost else BidEventKind.MEMBER_REMOVED
    bid_event(notice, kind, by=by, at=now, member=member.user.email, key_id=member.key_id,
              reason=reason.strip())
    if notice.status == NoticeStatus.PUBLISHED and Manifest.objects.filter(notice=notice).exists():
        who = member.user.get_full_name()
        text = (_("%(who)s has lost the opening key: %(reason)s") if key_lost
                else _("%(who)s left the opening committee: %(reason)s"))
        return _republish(notice, by=by, now=now,
                          reason=text % {"who": who, "reason": reason.strip()})
    return None


def _committee_of(notice: Notice) -> Committee:
    try:
        return Committee.objects.get(notice=notice)
    except Committee.DoesNotExist:
        raise NotFound(_("This notice has no opening committee.")) from None


def manifest_build(committee: Committee) -> dict[str, Any]:
    members = sorted(({"key_id": m.key_id, "public_key": m.public_key}
                      for m in _active_members(committee) if m.has_key),
                     key=lambda item: item["key_id"])
    manifest = {"tender": committee.notice.reference, "k": committee.k, "members": members}
    validate_manifest(manifest)
    return manifest


def committee_problems(notice: Notice, at: datetime) -> list[str]:
    """The publish check: every member of the committee has enrolled a key."""
    committee = Committee.objects.filter(notice=notice).first()
    if committee is None or not committee.electronic_bids:
        return []
    members = _active_members(committee)
    problems = []
    if len(members) < 2 or not 2 <= committee.k <= len(members):
        problems.append(_("The opening committee needs at least 2 members and k between 2 and "
                          "the number of members (now %(n)s members, k = %(k)s).")
                        % {"n": len(members), "k": committee.k})
    missing = [m.user.get_full_name() for m in members if not m.has_key]
    if missing:
        problems.append(ngettext(
            "%(missing)s of %(n)s committee members has not enrolled a key: %(who)s.",
            "%(missing)s of %(n)s committee members have not enrolled a key: %(who)s.",
            len(missing)) % {"missing": len(missing), "n": len(members),
                             "who": ", ".join(missing)})
    return problems


def committee_warnings(notice: Notice, at: datetime) -> list[str]:
    """The preview's warning: a competition that will take no electronic bids."""
    from notices.rules.checks import COMPETITION_KINDS

    if notice.kind not in COMPETITION_KINDS:
        return []
    committee = Committee.objects.filter(notice=notice).first()
    if committee is None:
        return [_("This notice will take no electronic bids: it has no opening committee. "
                  "Suppliers will see that the tender takes no bids on the platform. To take "
                  "sealed bids, name the opening committee (at least 2 members, each of whom "
                  "enrols a key) before you publish; it cannot be added afterwards.")]
    if not committee.electronic_bids:
        return [_("This notice will take no electronic bids: its opening committee is set "
                  "up without them. Suppliers will see that the tender takes no bids on the "
                  "platform.")]
    return []


def _freeze(notice: Notice, *, number: int, reason: str, at: datetime) -> Manifest:
    committee = _committee_of(notice)
    manifest = manifest_build(committee)
    digest = manifest_hash(manifest).hex()
    Manifest.objects.filter(notice=notice, superseded_at__isnull=True).update(superseded_at=at)
    entry = log_append(kind="manifest.published", notice=notice, data={
        "tender": notice.reference, "version": number, "manifest_hash": digest,
        "k": manifest["k"], "n": len(manifest["members"]),
        "deadline": notice.submission_deadline.isoformat() if notice.submission_deadline
        else ""})
    sth_after_append()  # the tender's first entry: suppliers check it against a signed head
    return Manifest.objects.create(notice=notice, number=number, manifest=manifest,
                                   manifest_hash=digest, reason=reason, published_at=at,
                                   log_index=entry.index)


@transaction.atomic
def manifest_ensure(*, notice: Notice, now: datetime | None = None) -> Manifest | None:
    """Freeze manifest v1 of a published notice with electronic bids. Idempotent."""
    now = now or timezone.now()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    existing = Manifest.objects.filter(notice=notice).order_by("-number").first()
    if existing is not None:
        return existing
    committee = Committee.objects.filter(notice=notice, electronic_bids=True).first()
    if committee is None or notice.status == NoticeStatus.DRAFT:
        return None
    manifest = _freeze(notice, number=1, reason="published", at=now)
    bid_event(notice, BidEventKind.MANIFEST_PUBLISHED, by=None, at=now, version=1,
              manifest_hash=manifest.manifest_hash)
    return manifest


def _republish(notice: Notice, *, by: User, now: datetime, reason: str) -> Manifest:
    from notices.services import notice_change_publish

    previous = Manifest.objects.filter(notice=notice).order_by("-number").first()
    number = (previous.number if previous else 0) + 1
    manifest = _freeze(notice, number=number, reason=reason, at=now)
    description = MANIFEST_LINE_RE.sub("", notice.description or "").rstrip()
    line = (f"Opening committee manifest: version {number}, SHA-256 "
            f"{manifest.manifest_hash}.")
    notice_change_publish(notice=notice, by=by, now=now, reason=reason,
                          fields={"description": f"{description}\n\n{line}".strip()})
    bid_event(notice, BidEventKind.MANIFEST_PUBLISHED, by=by, at=now, version=number,
              manifest_hash=manifest.manifest_hash, reason=reason)
    stale = Submission.objects.filter(notice=notice, status=SubmissionStatus.SEALED).exclude(
        manifest=manifest)
    for submission in stale:
        Submission.objects.filter(pk=submission.pk).update(
            reseal_requested=True,
            reseal_reason=_("The opening committee changed (%(reason)s). Seal and submit your "
                            "bid again before the deadline; your earlier bid still counts "
                            "until you do.") % {"reason": reason})
        bid_event(notice, BidEventKind.RESEAL_REQUESTED, by=by, at=now, submission=submission,
                  manifest_version=number)
    return manifest


def on_notice_changed(sender: Any, *, notice_id: int, change: str, **kwargs: Any) -> None:
    """After commit of a publication: freeze manifest v1 and log it."""
    if change != "published":
        return
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is not None:
        manifest_ensure(notice=notice)


def manifest_current(notice: Notice) -> Manifest | None:
    return Manifest.objects.filter(notice=notice, superseded_at__isnull=True).order_by(
        "-number").first()


def manifest_hash_for_notice(notice: Notice) -> str:
    """The current manifest hash, shown on the notice page ('' without electronic bids)."""
    manifest = manifest_current(notice)
    return manifest.manifest_hash if manifest else ""


def manifest_openable(manifest: Manifest) -> bool:
    """At least k members of this manifest are still on the committee with the same key."""
    keys = {(m["key_id"], m["public_key"]) for m in manifest.manifest["members"]}
    remaining = sum(1 for m in CommitteeMember.objects.filter(
        committee__notice=manifest.notice, removed_at__isnull=True)
        if (m.key_id, m.public_key) in keys)
    return remaining >= manifest.k
