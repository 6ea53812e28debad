"""Committee and keys: naming members and k, enrolling keys, the publish check, manifests,
and a member leaving before the deadline."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accounts.models import Role
from backend.errors import ApplicationError, Forbidden
from bids import committee as services
from bids.models import BidEvent, CommitteeMember, LogEntry, Manifest, Submission
from bids.selectors import manifest_hash_for_notice
from crypto.canonical import manifest_hash
from crypto.member_keys import generate_member_key
from notices import services as notice_services
from notices.models import NoticeVersion
from tests.bids.conftest import Tender, enrol_fake_keys, fake_wrapped, submit
from tests.conftest import api_client_for, make_user


def test_it_names_the_committee_and_warns_when_one_lost_key_would_lose_the_tender(
        make_notice: Any, officer: Any, committee_users: list[Any]) -> None:
    notice = make_notice(publish=False)
    result = services.committee_configure(notice=notice, by=officer,
                                          members=committee_users[:2], k=2)
    assert result.warnings and "one lost key" in result.warnings[0]
    result = services.committee_configure(notice=notice, by=officer, members=committee_users,
                                          k=2)
    assert result.warnings == []
    assert CommitteeMember.objects.filter(committee__notice=notice,
                                          removed_at__isnull=True).count() == 3


@pytest.mark.parametrize(("n", "k"), [(1, 1), (2, 1), (2, 3)])
def test_it_refuses_impossible_thresholds(make_notice: Any, officer: Any,
                                          committee_users: list[Any], n: int, k: int) -> None:
    notice = make_notice(publish=False)
    with pytest.raises(ApplicationError):
        services.committee_configure(notice=notice, by=officer, members=committee_users[:n],
                                     k=k)


def test_it_refuses_members_from_outside_the_authority(make_notice: Any, officer: Any,
                                                       committee_users: list[Any],
                                                       supplier_user: Any) -> None:
    notice = make_notice(publish=False)
    with pytest.raises(ApplicationError, match="must belong to"):
        services.committee_configure(notice=notice, by=officer,
                                     members=[*committee_users[:2], supplier_user], k=2)
    with pytest.raises(Forbidden):
        services.committee_configure(notice=notice, by=supplier_user,
                                     members=committee_users, k=2)


def test_it_blocks_publishing_until_every_member_has_a_key(
        make_notice: Any, officer: Any, committee_users: list[Any]) -> None:
    notice = make_notice(publish=False)
    services.committee_configure(notice=notice, by=officer, members=committee_users, k=2)
    first = CommitteeMember.objects.get(committee__notice=notice, user=committee_users[0])
    services.committee_member_enrol_key(member=first, by=committee_users[0],
                                        wrapped_key=fake_wrapped("alice", generate_member_key()))
    with pytest.raises(ApplicationError) as caught:
        notice_services.notice_publish(notice=notice, by=officer)
    assert "2 of 3 committee members have not enrolled a key" in caught.value.message
    assert "member1" in caught.value.message and "member2" in caught.value.message
    enrol_fake_keys(notice, committee_users[1:], start=1)
    notice_services.notice_publish(notice=notice, by=officer)


def test_it_accepts_only_the_wrapped_form_of_a_key(tender: Tender,
                                                   committee_users: list[Any]) -> None:
    member = tender.members[0]
    record = fake_wrapped("x1", generate_member_key())
    for bad in ({**record, "passphrase": "hunter2"}, {**record, "iterations": 1000},
                {k: v for k, v in record.items() if k != "wrapped"}, {**record, "kdf": "none"}):
        with pytest.raises(ApplicationError):
            services.committee_member_enrol_key(member=member.member, by=member.user,
                                                wrapped_key=bad)
    with pytest.raises(Forbidden):
        services.committee_member_enrol_key(member=member.member, by=committee_users[1],
                                            wrapped_key=record)


def test_it_freezes_manifest_v1_on_publication_and_logs_it(
        make_notice: Any, officer: Any, committee_users: list[Any],
        django_capture_on_commit_callbacks: Any) -> None:
    notice = make_notice(publish=False)
    services.committee_configure(notice=notice, by=officer, members=committee_users, k=2)
    enrol_fake_keys(notice, committee_users, prefix="k")
    with django_capture_on_commit_callbacks(execute=True):
        notice_services.notice_publish(notice=notice, by=officer)
    manifest = Manifest.objects.get(notice=notice)
    assert manifest.number == 1
    assert manifest.manifest_hash == manifest_hash(manifest.manifest).hex()
    assert [m["key_id"] for m in manifest.manifest["members"]] == ["k0", "k1", "k2"]
    assert manifest_hash_for_notice(notice) == manifest.manifest_hash
    entry = json.loads(LogEntry.objects.get(index=manifest.log_index).entry)
    assert entry["kind"] == "manifest.published"
    assert entry["manifest_hash"] == manifest.manifest_hash
    public = api_client_for(None).get(f"/api/notices/{notice.pk}/committee").json()
    assert public["manifest_hash"] == manifest.manifest_hash


def test_a_member_leaving_publishes_a_new_manifest_and_asks_bids_to_reseal(
        make_tender: Any, officer: Any, supplier_user: Any,
        authority: Any) -> None:
    tender = make_tender(k=2, n=3)
    client = api_client_for(supplier_user)
    started, response = submit(client, tender.notice, b"offer sealed to v1")
    assert response.status_code == 201
    leaving = tender.members[2]
    manifest = services.committee_member_remove(member=leaving.member, by=officer,
                                                reason="changed jobs")
    assert manifest is not None and manifest.number == 2
    assert [m["key_id"] for m in manifest.manifest["members"]] == sorted(
        m.key_id for m in tender.members[:2])
    version = NoticeVersion.objects.filter(notice=tender.notice).order_by("-number").first()
    assert version.kind == "change" and "changed jobs" in version.reason
    assert manifest.manifest_hash in tender.notice.__class__.objects.get(
        pk=tender.notice.pk).description
    old = Submission.objects.get(pk=started["id"])
    assert old.reseal_requested and "Seal and submit your bid again" in old.reseal_reason
    assert BidEvent.objects.filter(submission=old, kind="submission.reseal_requested").exists()
    assert services.manifest_openable(old.manifest)  # two of its three members remain
    v1 = Manifest.objects.get(notice=tender.notice, number=1)
    assert v1.superseded_at is not None
    kinds = list(LogEntry.objects.filter(notice=tender.notice).values_list("kind", flat=True))
    assert kinds.count("manifest.published") == 2
    # A new bid is sealed to the new manifest.
    fresh = client.post(f"/api/notices/{tender.notice.pk}/submissions/", {}, format="json")
    assert fresh.json()["manifest_hash"] == manifest.manifest_hash
    # Removing one more would leave fewer than k: refused.
    with pytest.raises(ApplicationError, match="needed to open"):
        services.committee_member_remove(member=tender.members[1].member, by=officer,
                                         reason="ill")


def test_a_lost_key_is_replaced_by_enrolling_again_and_republishing(
        make_tender: Any, officer: Any, authority: Any) -> None:
    tender = make_tender(k=2, n=3)
    lost = tender.members[0]
    services.committee_member_remove(member=lost.member, by=officer, reason="forgot the "
                                     "passphrase", key_lost=True)
    # v1 still has two of its three members with the same key: its bids stay openable.
    assert services.manifest_openable(Manifest.objects.get(notice=tender.notice, number=1))
    newcomer = make_user("member9@bergen.example", authority, Role.COMMITTEE_MEMBER)
    seat = services.committee_member_add(notice=tender.notice, user=newcomer, by=officer)
    services.committee_member_enrol_key(member=seat, by=newcomer,
                                        wrapped_key=fake_wrapped("new-9", generate_member_key()))
    manifest = services.manifest_republish(notice=tender.notice, by=officer,
                                           reason="A new member joined the committee.")
    assert manifest.number == 3
    assert "new-9" in [m["key_id"] for m in manifest.manifest["members"]]


def test_the_member_enrols_through_the_api(make_notice: Any, officer: Any,
                                           committee_users: list[Any]) -> None:
    notice = make_notice(publish=False)
    officer_api = api_client_for(officer)
    response = officer_api.put(f"/api/notices/{notice.pk}/committee",
                               {"members": [u.email for u in committee_users], "k": 2},
                               format="json")
    assert response.status_code == 200, response.json()
    member = response.json()["members"][0]
    record = fake_wrapped("api-key", generate_member_key())
    mine = api_client_for(committee_users[0])
    response = mine.put(f"/api/notices/{notice.pk}/committee/members/{member['id']}/key",
                        record, format="json")
    assert response.status_code == 200, response.json()
    assert mine.get(f"/api/notices/{notice.pk}/committee/members/{member['id']}/key"
                    ).json() == record
    other = api_client_for(committee_users[1])
    assert other.get(f"/api/notices/{notice.pk}/committee/members/{member['id']}/key"
                     ).status_code == 404
