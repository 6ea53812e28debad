"""People are told what waits for them, in the inbox and by e-mail, in their own language,
with an absolute link to the page of the task: committee members when they are named, when
their key is needed and when the opening can start or has started; the bidder when its receipt
is issued (attached; it then follows the notice); the buyer when a question arrives. "My tasks"
lists the same for members and officers."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from bids import committee as committee_services
from bids import submission as submission_services
from bids.keys import platform_public_key_hex
from bids.models import CommitteeMember
from bids.opening import services as opening
from crypto.receipts import verify_receipt
from notices.following.models import Follow, InboxKind, InboxMessage
from notices.questions import services as questions
from tests.bids.conftest import Tender, enrol_fake_keys, set_deadline, submit
from tests.conftest import api_client_for, make_user


@pytest.fixture(autouse=True)
def english_site(settings: Any) -> None:
    """Messages in English for people who chose no language (the site's default is bokmål;
    the first test checks that)."""
    settings.LANGUAGE_CODE = "en"


def inbox(user: User, kind: str) -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(user=user, kind=kind).order_by("pk"))


def mails_to(user: User) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


def web(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_it_tells_each_member_named_to_a_committee_in_their_own_language(
        make_notice: Any, officer: User, committee_users: list[User], settings: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    settings.LANGUAGE_CODE = "nb"
    english, norwegian, site_default = committee_users
    User.objects.filter(pk=english.pk).update(language="en")
    User.objects.filter(pk=norwegian.pk).update(language="nb")
    notice = make_notice(publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        committee_services.committee_configure(notice=notice, by=officer,
                                               members=committee_users, k=2)
    for user in committee_users:
        [message] = inbox(user, InboxKind.COMMITTEE)
        seat = CommitteeMember.objects.get(committee__notice=notice, user=user)
        assert message.path == f"/bids/notices/{notice.pk}/committee/{seat.pk}/key/"
        assert message.url == f"http://testserver{message.path}"
        assert message.url in message.body  # the e-mail's link is absolute
        [sent] = mails_to(user)
        assert sent.body == message.body
    [en] = inbox(english, InboxKind.COMMITTEE)
    assert en.subject.startswith("You are on the opening committee: ")
    assert "Your key is needed first" in en.body
    [nb] = inbox(norwegian, InboxKind.COMMITTEE)
    assert nb.subject.startswith("Du er med i åpningskomiteen: ")
    assert "Først trengs nøkkelen din" in nb.body
    # A member with no choice gets the site's language (bokmål).
    assert inbox(site_default, InboxKind.COMMITTEE)[0].subject.startswith("Du er med i")
    # Saving the same committee again tells nobody twice; a member added later is told.
    newcomer = make_user("member9@bergen.example", notice.buyer, Role.COMMITTEE_MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        committee_services.committee_configure(notice=notice, by=officer,
                                                members=[*committee_users, newcomer], k=2)
    assert InboxMessage.objects.filter(kind=InboxKind.COMMITTEE).count() == 4
    assert len(inbox(newcomer, InboxKind.COMMITTEE)) == 1


def test_it_asks_the_members_without_a_key_when_the_officer_reminds_them(
        make_notice: Any, officer: User, committee_users: list[User],
        django_capture_on_commit_callbacks: Any) -> None:
    notice = make_notice(publish=False)
    committee_services.committee_configure(notice=notice, by=officer, members=committee_users,
                                           k=2)
    enrol_fake_keys(notice, committee_users[:1])
    client = web(officer)
    page = client.get(f"/bids/notices/{notice.pk}/committee/").content.decode()
    assert 'id="remind-members"' in page and "Ask the 2 members without a key" in page
    for _round in range(2):  # twice the same day: told once
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/bids/notices/{notice.pk}/committee/remind/")
        assert response.status_code == 302
    assert inbox(committee_users[0], InboxKind.KEY_NEEDED) == []
    for user in committee_users[1:]:
        [message] = inbox(user, InboxKind.KEY_NEEDED)
        assert message.subject.startswith("Your opening key is needed")
        assert "/key/" in message.path
    assert web(committee_users[0]).post(
        f"/bids/notices/{notice.pk}/committee/remind/").status_code == 403


def test_it_tells_when_the_opening_can_start_and_when_it_has_started(
        tender: Tender, officer: User, supplier_api: Any, authority_admin: User,
        django_capture_on_commit_callbacks: Any) -> None:
    submit(supplier_api, tender.notice, b"et tilbud")
    set_deadline(tender.notice, timedelta(seconds=-1))
    with django_capture_on_commit_callbacks(execute=True):
        submission_services.tenders_close_due()
    opening_path = f"/bids/notices/{tender.notice.pk}/opening/"
    for user in (officer, authority_admin, *[m.user for m in tender.members]):
        [ready] = inbox(user, InboxKind.OPENING_READY)
        assert ready.path == opening_path
        assert "1 sealed bid was received before it" in ready.body
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_start(notice=tender.notice, by=officer)
    assert inbox(officer, InboxKind.OPENING_STARTED) == []  # the officer started it
    for member in tender.members:
        [started] = inbox(member.user, InboxKind.OPENING_STARTED)
        assert started.subject.startswith("The opening has started, your key is needed")
        assert started.path == opening_path and "type your passphrase" in started.body


def test_the_bidder_gets_its_receipt_attached_and_then_follows_the_notice(
        tender: Tender, supplier_user: User, supplier_api: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started, response = submit(supplier_api, tender.notice, b"et tilbud")
    assert response.status_code == 201
    assert Follow.objects.filter(user=supplier_user, notice=tender.notice).exists()
    [message] = inbox(supplier_user, InboxKind.RECEIPT)
    assert message.path == f"/bids/notices/{tender.notice.pk}/bid/{started['id']}/receipt/"
    [sent] = mails_to(supplier_user)
    assert sent.subject.startswith("[Anbud] Bid received: ")
    [(name, content, content_type)] = sent.attachments
    assert name == f"receipt-{tender.notice.reference}-{started['id']}.json"
    assert content_type == "application/json"
    receipt = verify_receipt(json.loads(content), bytes.fromhex(platform_public_key_hex()))
    assert receipt["submission"] == started["id"]
    # It follows the notice from now on: a change notice reaches it.
    from notices.services import notice_change_publish

    with django_capture_on_commit_callbacks(execute=True):
        notice_change_publish(notice=tender.notice, by=tender.notice.created_by,
                              reason="Presisering.", fields={"description": "Presisert."})
    assert len(inbox(supplier_user, InboxKind.CHANGE)) == 1


def test_the_buyer_is_told_when_a_question_arrives(
        make_notice: Any, officer: User, authority_admin: User, supplier_user: User,
        committee_users: list[User], django_capture_on_commit_callbacks: Any) -> None:
    notice = make_notice()
    with django_capture_on_commit_callbacks(execute=True):
        question = questions.question_ask(notice=notice, by=supplier_user,
                                          text="Gjelder rammeavtalen også Åsane?")
    for user in (officer, authority_admin):
        [message] = inbox(user, InboxKind.QUESTION)
        assert message.path == f"/workspace/notices/{notice.pk}/questions/#question-{question.pk}"
        assert "Gjelder rammeavtalen også Åsane?" in message.body
        assert len(mails_to(user)) == 1
    assert not InboxMessage.objects.filter(user__in=[supplier_user, *committee_users]).exists()


def test_inbox_links_are_absolute_from_the_site_address(
        settings: Any, make_notice: Any, officer: User, supplier_user: User,
        django_capture_on_commit_callbacks: Any) -> None:
    settings.ANBUD_SITE_URL = "http://192.168.1.20:8080"
    notice = make_notice()
    with django_capture_on_commit_callbacks(execute=True):
        questions.question_ask(notice=notice, by=supplier_user, text="Et spørsmål?")
    [message] = inbox(officer, InboxKind.QUESTION)
    link = f"http://192.168.1.20:8080/workspace/notices/{notice.pk}/questions/#question-"
    assert link in message.body
    page = web(officer).get("/inbox/").content.decode()
    assert f'<a href="{link}' in page  # the subject, the button and the link in the text
    assert page.count(f'href="{link}') >= 3
    api = api_client_for(officer).get("/api/inbox/").json()["results"][0]
    assert api["url"].startswith(link) and api["has_attachment"] is False


def test_a_person_chooses_the_language_of_their_emails_on_the_account_page(
        make_notice: Any, officer: User, supplier_user: User,
        django_capture_on_commit_callbacks: Any) -> None:
    client = web(officer, "nb")
    page = client.get("/accounts/").content.decode()
    assert "Språk i e-postene og innboksen din" in page
    response = client.post("/accounts/", {"language": "en"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    officer.refresh_from_db()
    assert officer.language == "en"
    assert client.post("/accounts/", {"language": "xx"}).status_code == 400
    notice = make_notice()
    with django_capture_on_commit_callbacks(execute=True):
        questions.question_ask(notice=notice, by=supplier_user, text="Et spørsmål?")
    assert inbox(officer, InboxKind.QUESTION)[0].subject.startswith("New question: ")


def test_my_tasks_shows_members_and_officers_what_waits_for_them(
        make_notice: Any, officer: User, committee_users: list[User], tender: Tender,
        supplier_api: Any) -> None:
    draft = make_notice(publish=False, title="Utkast med komité")
    committee_services.committee_configure(notice=draft, by=officer, members=committee_users,
                                           k=2)
    member = committee_users[0]
    page = web(member).get("/bids/tasks/").content.decode()
    seat = CommitteeMember.objects.get(committee__notice=draft, user=member)
    assert 'href="/bids/tasks/" aria-current="page"' in page  # the menu entry
    assert f'href="/bids/notices/{draft.pk}/committee/{seat.pk}/key/"' in page
    assert "Enrol your opening key" in page
    # The tender's members have keys: they wait for the deadline; then the officer starts.
    assert "Nothing to do until the deadline" in web(tender.members[0].user).get(
        "/bids/tasks/").content.decode()
    submit(supplier_api, tender.notice, b"et tilbud")
    set_deadline(tender.notice, timedelta(seconds=-1))
    officer_page = web(officer).get("/bids/tasks/").content.decode()
    assert "start the opening" in officer_page
    assert f'href="/bids/notices/{tender.notice.pk}/opening/"' in officer_page
    opening.opening_start(notice=tender.notice, by=officer)
    member_page = web(tender.members[0].user).get("/bids/tasks/").content.decode()
    assert "The opening has started: unlock your key" in member_page


@pytest.mark.parametrize("language", ["en", "nb"])
def test_followers_hear_of_a_change_notice_in_their_own_language(
        make_notice: Any, officer: User, supplier_user: User, language: str,
        django_capture_on_commit_callbacks: Any) -> None:
    from notices.following.services import follow_create
    from notices.services import notice_change_publish

    User.objects.filter(pk=supplier_user.pk).update(language=language)
    notice = make_notice()
    follow_create(user=supplier_user, notice=notice, now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        notice_change_publish(notice=notice, by=officer, reason="Presisering.",
                              fields={"description": "Endret."})
    [message] = inbox(supplier_user, InboxKind.CHANGE)
    assert message.subject.startswith({"en": "Change notice", "nb": "Endringskunngjøring"}[
        language])
    assert message.url == f"http://testserver/notices/{notice.pk}/"


@pytest.mark.parametrize(("bids", "english", "norwegian"), [
    (1, "1 sealed bid was received before it", "1 forseglet tilbud kom inn før den"),
    (2, "2 sealed bids were received before it", "2 forseglede tilbud kom inn før den")])
def test_the_opening_can_start_message_counts_bids_in_each_language(
        tender: Tender, officer: User, supplier_api: Any, other_supplier_user: User,
        django_capture_on_commit_callbacks: Any, bids: int, english: str,
        norwegian: str) -> None:
    submit(supplier_api, tender.notice, b"et tilbud")
    if bids == 2:
        submit(api_client_for(other_supplier_user), tender.notice, b"et annet tilbud")
    member = tender.members[0].user
    User.objects.filter(pk=officer.pk).update(language="en")
    User.objects.filter(pk=member.pk).update(language="nb")
    set_deadline(tender.notice, timedelta(seconds=-1))
    with django_capture_on_commit_callbacks(execute=True):
        submission_services.tenders_close_due()
    [en] = inbox(officer, InboxKind.OPENING_READY)
    [nb] = inbox(member, InboxKind.OPENING_READY)
    assert english in en.body and norwegian in nb.body
