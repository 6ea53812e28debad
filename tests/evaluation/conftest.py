"""Fixtures for the evaluation: a tender whose bids the opening has opened.

The committee's keys are real (the members' shares are opened with them), their wrapped form
is the fake of tests/bids/conftest.py. Two suppliers bid; the deadline is then moved to the
database's "now"; two of three members send their shares and the opening job runs.

Actors: `officer` (procurement officer of the buyer), `members` (the committee; members[0]
is "the member"), `other_officer`, `supplier_user` and `other_supplier_user` (the bidders),
a `stranger` supplier who did not bid, anonymous.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import TestCase

from accounts.models import Organization, OrganizationKind, Role, User
from backend.clock import db_now
from bids import committee as committee_services
from bids import submission as submission_services
from bids.models import CommitteeMember, Submission
from bids.opening import services as opening
from bids.opening.models import OpeningSession
from crypto.envelope import TarEntry, seal_entries
from crypto.member_keys import generate_member_key
from crypto.shares import open_share
from evaluation.criteria.models import QualificationRequirement, RequirementCategory
from evaluation.impartiality.services import impartiality_declare
from notices import services as notice_services
from notices.models import Notice
from tests.bids.conftest import bid_storage, fake_wrapped  # noqa: F401 (fixture)
from tests.conftest import make_org, make_user


@dataclass
class Opened:
    notice: Notice
    officer: User
    members: list[User]
    session: OpeningSession
    bids: list[Submission] = field(default_factory=list)
    requirements: list[QualificationRequirement] = field(default_factory=list)

    @property
    def member(self) -> User:
        return self.members[0]


def seal_and_submit(notice: Notice, supplier: Organization, user: User,
                    files: dict[str, bytes]) -> Submission:
    sub = submission_services.submission_start(notice=notice, supplier=supplier, by=user)
    out = io.BytesIO()
    sealed = seal_entries(
        [TarEntry(name, len(data), 1767225600, io.BytesIO(data)) for name, data in files.items()],
        manifest=sub.manifest.manifest, context=sub.context, out=out,
        expected_manifest_hash=sub.manifest.manifest_hash)
    blob = out.getvalue()
    submission_services.submission_part_put(submission=sub, index=0, stream=io.BytesIO(blob),
                                            sha256=hashlib.sha256(blob).hexdigest(), by=user,
                                            content_length=len(blob))
    submission_services.submission_shares_put(submission=sub, by=user,
                                              document=sealed.shares_document())
    submission_services.submission_finalize(submission=sub, by=user,
                                            claimed=sealed.digest.as_json())
    sub.refresh_from_db()
    return sub


def enrol_committee(notice: Notice, *, officer: User, members: list[User]) -> dict[str, Any]:
    """The committee (k = 2) of the draft, each member's key enrolled; the keys by key id."""
    committee_services.committee_configure(notice=notice, by=officer, members=members, k=2)
    keys: dict[str, Any] = {}
    for user in members:
        seat = CommitteeMember.objects.get(committee__notice=notice, user=user,
                                           removed_at__isnull=True)
        key = generate_member_key()
        key_id = f"e-{notice.pk}-{user.pk}"
        keys[key_id] = key
        committee_services.committee_member_enrol_key(member=seat, by=user,
                                                      wrapped_key=fake_wrapped(key_id, key))
    return keys


def bid_and_open(notice: Notice, *, officer: User, members: list[User], keys: dict[str, Any],
                 bidders: list[tuple[Organization, User, dict[str, bytes]]]) -> Opened:
    """The published notice's bids sealed, the deadline passed, the bids opened by two of the
    members with the keys of `enrol_committee`."""
    committee_services.manifest_ensure(notice=notice)
    bids = [seal_and_submit(notice, org, user, files) for org, user, files in bidders]
    Notice.objects.filter(pk=notice.pk).update(
        submission_deadline=db_now() + timedelta(milliseconds=1))
    notice.refresh_from_db()
    session = opening.opening_start(notice=notice, by=officer)
    for user in members[:2]:
        rows = opening.opening_shares_for_member(session=session, by=user)
        shares = [{"context_hash": r["context_hash"], "key_id": r["key_id"],
                   "share": open_share(bytes.fromhex(r["sealed_share"]), keys[r["key_id"]],
                                       context_hash=bytes.fromhex(r["context_hash"]),
                                       key_id=r["key_id"]).hex()} for r in rows]
        with TestCase.captureOnCommitCallbacks(execute=True):
            opening.opening_add_shares(session=session, by=user, shares=shares)
    session.refresh_from_db()
    for bid in bids:
        bid.refresh_from_db()
    notice.refresh_from_db()
    return Opened(notice=notice, officer=officer, members=members, session=session, bids=bids)


def open_tender(*, officer: User, members: list[User], buyer: Organization,
                bidders: list[tuple[Organization, User, dict[str, bytes]]],
                lots: list[dict[str, Any]] | None = None) -> Opened:
    """A published tender, its bids sealed and opened by k = 2 of the members."""
    from tests.conftest import notice_fields

    notice = notice_services.notice_create(buyer=buyer, by=officer, kind="national",
                                           fields=notice_fields(), lots=lots)
    keys = enrol_committee(notice, officer=officer, members=members)
    notice = notice_services.notice_publish(notice=notice, by=officer)
    return bid_and_open(notice, officer=officer, members=members, keys=keys, bidders=bidders)


def add_requirements(notice: Notice, *specs: tuple[int | None, str]) -> list[
        QualificationRequirement]:
    """Requirements (lot number or None for every lot, title), positions in order."""
    start = QualificationRequirement.objects.filter(notice=notice).count()
    return [QualificationRequirement.objects.create(
        notice=notice, lot_number=lot, position=start + i, title=title,
        category=RequirementCategory.TECHNICAL, documentation="Referanseliste")
        for i, (lot, title) in enumerate(specs, start=1)]


def declare(notice: Notice, *users: User) -> None:
    """Each user declares no conflict of interest (the gate opens for them)."""
    for user in users:
        impartiality_declare(notice=notice, by=user, has_conflict=False)


@pytest.fixture(autouse=True)
def private_storage_dir(settings: Any, bid_storage: Any, tmp_path: Any) -> Any:  # noqa: F811
    """Opened bids and clarification documents in this test's own private folder."""
    root = tmp_path / "private"
    root.mkdir(mode=0o700)
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700}}}
    return root


@pytest.fixture
def members(authority: Organization) -> list[User]:
    return [make_user(f"member{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
            for i in range(3)]


@pytest.fixture
def stranger(db: Any) -> User:
    org = make_org(OrganizationKind.SUPPLIER, "Fremmed AS")
    return make_user("kim@fremmed.example", org, Role.SUPPLIER_ADMIN)


@pytest.fixture
def opened(officer: User, members: list[User], authority: Organization,
           supplier: Organization, supplier_user: User, other_supplier: Organization,
           other_supplier_user: User) -> Opened:
    """Two bids opened: Fjordbygg (tilbud.pdf, referanser.pdf) and Nordlys (offer.pdf)."""
    tender = open_tender(officer=officer, members=members, buyer=authority, bidders=[
        (supplier, supplier_user, {"tilbud.pdf": b"%PDF tilbud", "referanser.pdf": b"ref"}),
        (other_supplier, other_supplier_user, {"offer.pdf": b"%PDF offer"}),
    ])
    tender.requirements = add_requirements(tender.notice, (None, "Referanser fra tre oppdrag"),
                                           (None, "Sentral godkjenning"))
    return tender


@pytest.fixture
def started(opened: Opened) -> Opened:
    """The opened tender with its evaluation started."""
    from evaluation.services import evaluation_start

    evaluation_start(notice=opened.notice, by=opened.officer)
    return opened


@pytest.fixture
def cleared(started: Opened) -> Opened:
    """Started, and the officer and the member have declared no conflict."""
    declare(started.notice, started.officer, started.member)
    return started


@pytest.fixture
def later() -> Callable[..., Any]:
    """later(days=1) -> an aware datetime that far ahead of now."""
    from django.utils import timezone

    return lambda **delta: timezone.now() + timedelta(**delta)
