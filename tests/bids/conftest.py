"""Fixtures for bids: a published tender with an opening committee whose members enrolled
keys, and helpers that seal a bid client-side (with crypto/) and submit it through the API.

Member private keys stay in the test (as they stay on the member's device); the server gets
the public key and a wrapped-key record. Wrapping for real costs 600,000 PBKDF2 rounds per
key, so the record here has the right shape with random bytes: the server cannot tell.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from bids import committee as committee_services
from bids.models import CommitteeMember
from crypto.envelope import TarEntry, seal_entries
from crypto.member_keys import generate_member_key
from crypto.shares import public_key_hex
from notices.models import Notice
from tests.conftest import api_client_for, make_user

PART = 512 * 1024  # parts smaller than a chunk, so every bid has several


@dataclass
class MemberKey:
    user: User
    member: CommitteeMember
    key_id: str
    private_key: Any
    public_key: str


@dataclass
class Tender:
    notice: Notice
    members: list[MemberKey] = field(default_factory=list)


def fake_wrapped(key_id: str, private_key: Any) -> dict[str, Any]:
    return {"key_id": key_id, "public_key": public_key_hex(private_key),
            "kdf": "pbkdf2-sha256", "iterations": 600_000, "salt": secrets.token_hex(16),
            "nonce": secrets.token_hex(12), "wrapped": secrets.token_hex(154)}


def enrol_fake_keys(notice: Notice, users: Sequence[User], *, prefix: str = "m",
                    start: int = 0) -> None:
    """Each of `users` enrols a fresh key on the notice's committee, named prefix0, prefix1..."""
    for i, user in enumerate(users, start=start):
        member = CommitteeMember.objects.get(committee__notice=notice, user=user)
        committee_services.committee_member_enrol_key(
            member=member, by=user, wrapped_key=fake_wrapped(f"{prefix}{i}", generate_member_key()))


def declare_impartiality(notice: Notice, users: Sequence[User]) -> None:
    """Each of `users` declares no conflict of interest for the notice (after its deadline):
    opened bid content is for evaluators who have (evaluation.permissions)."""
    from evaluation.impartiality.services import impartiality_declare

    for user in users:
        impartiality_declare(notice=notice, by=user, has_conflict=False)


def storage_fails_on_second_read(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The opening job's second read of a sealed blob raises, as when storage goes away;
    returns the read counter ({"n": reads so far})."""
    from bids.opening import services as opening

    real_open_blob, calls = opening.open_blob, {"n": 0}

    def flaky(sub: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("storage went away")
        return real_open_blob(sub)

    monkeypatch.setattr(opening, "open_blob", flaky)
    return calls


@pytest.fixture(autouse=True)
def bid_storage(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "storage"
    root.mkdir()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}}}
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    return root


@pytest.fixture(scope="module")
def restore_seeded_data(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """For modules with transactional tests: after the module, put back the rows the data
    migrations seeded (rules, code lists), which the flush after a transactional test removes,
    so later tests in the same process find them."""
    yield
    from django.db import connection

    from notices.rules.models import Threshold

    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents and not Threshold.objects.exists():
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def committee_users(authority: Organization) -> list[User]:
    return [make_user(f"member{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
            for i in range(3)]


@pytest.fixture
def make_tender(make_notice: Callable[..., Notice], officer: User,
                committee_users: list[User]) -> Callable[..., Tender]:
    """make_tender(k=2, n=3, deadline=timedelta(days=21)) -> a published tender with keys."""

    def factory(*, k: int = 2, n: int = 3, max_bid_bytes: int | None = None,
                electronic_bids: bool = True) -> Tender:
        notice = make_notice(publish=False)
        users = committee_users[:n]
        committee_services.committee_configure(notice=notice, by=officer, members=users, k=k,
                                               electronic_bids=electronic_bids,
                                               max_bid_bytes=max_bid_bytes)
        tender = Tender(notice=notice)
        for i, user in enumerate(users):
            member = CommitteeMember.objects.get(committee__notice=notice, user=user,
                                                 removed_at__isnull=True)
            key = generate_member_key()
            key_id = f"m{i}-{notice.pk}-{secrets.token_hex(3)}"
            committee_services.committee_member_enrol_key(
                member=member, by=user, wrapped_key=fake_wrapped(key_id, key))
            member.refresh_from_db()
            tender.members.append(MemberKey(user, member, key_id, key, public_key_hex(key)))
        from notices import services

        tender.notice = services.notice_publish(notice=notice, by=officer)
        committee_services.manifest_ensure(notice=tender.notice)
        return tender

    return factory


@pytest.fixture
def tender(make_tender: Callable[..., Tender]) -> Tender:
    return make_tender()


def set_deadline(notice: Notice, delta: timedelta) -> None:
    """Move the deadline relative to now (tests only; bypasses the change-notice rules)."""
    Notice.objects.filter(pk=notice.pk).update(submission_deadline=timezone.now() + delta)
    notice.refresh_from_db()


@dataclass
class Sealed:
    blob: bytes
    shares: dict[str, Any]
    digest: dict[str, Any]


def seal_for(started: dict[str, Any], plaintext: bytes, name: str = "tilbud.pdf") -> Sealed:
    """Seal like the browser or the CLI does, to the manifest and context the server issued."""
    out = io.BytesIO()
    sealed = seal_entries([TarEntry(name, len(plaintext), 1_700_000_000, io.BytesIO(plaintext))],
                          manifest=started["manifest"], context=started["context"], out=out,
                          expected_manifest_hash=started["manifest_hash"])
    digest = sealed.digest.as_json()
    return Sealed(out.getvalue(), sealed.shares_document(),
                  {k: digest[k] for k in ("header_hash", "root", "size", "chunks")})


def base(notice: Notice) -> str:
    return f"/api/notices/{notice.pk}/submissions/"


def put_part(client: APIClient, notice: Notice, sid: str, index: int, data: bytes,
             checksum: str | None = None) -> Any:
    return client.put(f"{base(notice)}{sid}/parts/{index}", data=data,
                      content_type="application/octet-stream",
                      HTTP_X_CONTENT_SHA256=checksum or hashlib.sha256(data).hexdigest())


def upload_all(client: APIClient, notice: Notice, sid: str, blob: bytes,
               part: int = PART) -> None:
    for index, start in enumerate(range(0, len(blob), part)):
        response = put_part(client, notice, sid, index, blob[start:start + part])
        assert response.status_code == 201, response.json()


def start(client: APIClient, notice: Notice) -> dict[str, Any]:
    response = client.post(base(notice), {}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def submit(client: APIClient, notice: Notice, plaintext: bytes) -> tuple[dict[str, Any], Any]:
    """The whole client route, three requests: start, the parts, finalise with the sealed
    shares. Returns (start answer, finalize response)."""
    started = start(client, notice)
    sealed = seal_for(started, plaintext)
    upload_all(client, notice, started["id"], sealed.blob)
    return started, finalize(client, notice, started["id"], sealed)


def finalize(client: APIClient, notice: Notice, sid: str, sealed: Sealed,
             *, with_shares: bool = True) -> Any:
    """POST finalize: the digest, and the sealed shares in the same body unless told not."""
    body = {**sealed.digest, **sealed.shares} if with_shares else sealed.digest
    return client.post(f"{base(notice)}{sid}/finalize", body, format="json")


@pytest.fixture
def supplier_api(supplier_user: User) -> APIClient:
    return api_client_for(supplier_user)
