"""Following a notice: every follower hears about every change once, by inbox and e-mail."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from notices import services
from notices.documents import services as documents
from notices.following import services as following
from notices.following import tasks as following_tasks
from notices.following.models import Follow, InboxKind, InboxMessage
from notices.models import NoticeEvent
from notices.services import notice_deadline_extend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


@pytest.fixture
def notice(make_notice):
    return make_notice(title="Vask av kontorlokaler i Bergen")


@pytest.fixture
def followers(notice, supplier_user, other_supplier_user, now):
    following.follow_create(user=supplier_user, notice=notice, now=now)
    following.follow_create(user=other_supplier_user, notice=notice, now=now)
    return [supplier_user, other_supplier_user]


def follow_url(notice):
    return f"/api/notices/{notice.pk}/follow/"


# --- the follow endpoint, with the four actors ----------------------------------------

def test_it_lets_a_supplier_follow_and_unfollow(api_for, notice, supplier_user):
    client = api_for(supplier_user)
    response = client.post(follow_url(notice))
    assert response.status_code == 201
    assert response.json() == {"following": True, "followers": 1}
    assert client.post(follow_url(notice)).status_code == 200  # twice is not an error
    assert Follow.objects.filter(notice=notice).count() == 1
    assert client.get(follow_url(notice)).json()["following"] is True
    assert client.delete(follow_url(notice)).status_code == 204
    assert client.get(follow_url(notice)).json() == {"following": False, "followers": 0}


def test_it_lets_another_supplier_follow_too(api_for, notice, other_supplier_user):
    assert api_for(other_supplier_user).post(follow_url(notice)).status_code == 201


def test_it_refuses_an_authority_officer(api_for, notice, officer, other_officer):
    for user in (officer, other_officer):
        response = api_for(user).post(follow_url(notice))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


def test_it_requires_sign_in(api_for, notice):
    assert api_for(None).post(follow_url(notice)).status_code == 401
    assert api_for(None).get(follow_url(notice)).status_code == 401


def test_it_hides_drafts(api_for, make_notice, supplier_user):
    draft = make_notice(publish=False)
    assert api_for(supplier_user).post(follow_url(draft)).status_code == 404


def test_it_refuses_to_follow_a_cancelled_notice(api_for, notice, officer, supplier_user):
    services.notice_cancel(notice=notice, by=officer, reason="Behovet er bortfalt.")
    response = api_for(supplier_user).post(follow_url(notice))
    assert response.status_code == 409


# --- notifications ------------------------------------------------------------------------

def messages_for(user):
    return list(InboxMessage.objects.filter(user=user))


def test_it_tells_every_follower_once_about_a_change_notice(
        notice, officer, followers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_change_publish(notice=notice, by=officer, reason="Presisering.",
                                       fields={"description": "Ny beskrivelse av oppdraget."})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in followers)
    for user in followers:
        [message] = messages_for(user)
        assert message.kind == InboxKind.CHANGE
        assert "Presisering." in message.body
        assert "Ny beskrivelse av oppdraget." in message.body
        assert message.emailed_at is not None


def test_a_retried_task_sends_nothing_twice(notice, officer, followers,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_change_publish(notice=notice, by=officer, reason="Presisering.",
                                       fields={"description": "Endret."})
    event = NoticeEvent.objects.get(notice=notice, kind="notice.changed")
    following_tasks.notify_event.apply(args=[event.pk])
    following_tasks.notify_event.apply(args=[event.pk])
    assert following.notification_send(event_id=event.pk) == 0
    assert len(mail.outbox) == 2
    assert InboxMessage.objects.filter(event=event).count() == 2


def test_it_sends_one_task_per_event(notice, officer, followers,
                                     django_capture_on_commit_callbacks):
    with mock.patch.object(following_tasks.notify_event, "delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        services.notice_change_publish(notice=notice, by=officer, reason="Presisering.",
                                       fields={"description": "Endret."})
    event = NoticeEvent.objects.get(notice=notice, kind="notice.changed")
    delay.assert_called_once_with(event.pk)


def test_it_says_when_the_deadline_changed(notice, officer, followers,
                                           django_capture_on_commit_callbacks):
    new_deadline = notice.submission_deadline + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        notice_deadline_extend(notice=notice, by=officer, submission_deadline=new_deadline)
    for user in followers:
        [message] = messages_for(user)
        assert message.kind == InboxKind.DEADLINE
        assert "deadline for tenders has changed" in message.body
        assert message.subject.startswith("Deadline changed")
    assert all("Deadline changed" in m.subject for m in mail.outbox)


def test_it_tells_followers_about_a_new_document_version(
        notice, officer, followers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version, _warnings = documents.document_upload(
            notice=notice, by=officer, stream=io.BytesIO(b"%PDF-1.7 v1"),
            filename="konkurransegrunnlag.pdf", size=11)
    with django_capture_on_commit_callbacks(execute=True):
        documents.document_upload(
            notice=notice, by=officer, stream=io.BytesIO(b"%PDF-1.7 v2"),
            filename="konkurransegrunnlag.pdf", size=11, document=version.document,
            note="Rettet prisskjema")
    for user in followers:
        received = messages_for(user)
        assert [m.kind for m in received] == [InboxKind.DOCUMENT, InboxKind.DOCUMENT]
        assert "Rettet prisskjema" in received[0].body  # newest first
    assert len(mail.outbox) == 4


def test_it_tells_followers_about_a_cancellation(notice, officer, followers,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_cancel(notice=notice, by=officer, reason="Behovet er bortfalt.")
    for user in followers:
        [message] = messages_for(user)
        assert message.kind == InboxKind.CANCELLED
        assert "Behovet er bortfalt." in message.body
    assert len(mail.outbox) == 2


def test_it_does_not_tell_people_who_stopped_following(
        notice, officer, followers, supplier_user, django_capture_on_commit_callbacks):
    following.follow_delete(user=supplier_user, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_cancel(notice=notice, by=officer, reason="Avlyst.")
    assert messages_for(supplier_user) == []
    assert len(mail.outbox) == 1


def test_it_keeps_the_change_when_e_mail_fails_and_retries_later(
        notice, officer, followers, now, django_capture_on_commit_callbacks):
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                    side_effect=OSError("smtp down")), \
            django_capture_on_commit_callbacks(execute=True):
        version = services.notice_change_publish(notice=notice, by=officer, reason="Endring.",
                                                 fields={"description": "Endret."})
    assert version.pk  # the change notice is published regardless
    assert InboxMessage.objects.filter(emailed_at__isnull=True).count() == 2
    assert mail.outbox == []
    sent = following.notification_retry_unsent(now=now + timedelta(minutes=5))
    assert sent == 2 and len(mail.outbox) == 2
    assert following.notification_retry_unsent(now=now + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 2


# --- inbox API and pages ------------------------------------------------------------------

@pytest.fixture
def inbox_items(notice, officer, followers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_change_publish(notice=notice, by=officer, reason="Presisering.",
                                       fields={"description": "Endret."})
    return InboxMessage.objects.all()


def test_the_inbox_lists_only_my_messages(api_for, inbox_items, supplier_user, officer,
                                          other_officer):
    body = api_for(supplier_user).get("/api/inbox/").json()
    assert body["count"] == 1
    assert body["results"][0]["kind"] == "change"
    assert body["results"][0]["notice"]["reference"].startswith("ANB-")
    for user in (officer, other_officer):
        assert api_for(user).get("/api/inbox/").json()["count"] == 0
    assert api_for(None).get("/api/inbox/").status_code == 401


def test_it_marks_messages_read(api_for, inbox_items, supplier_user, other_supplier_user):
    mine = InboxMessage.objects.get(user=supplier_user)
    theirs = InboxMessage.objects.get(user=other_supplier_user)
    client = api_for(supplier_user)
    assert client.post(f"/api/inbox/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/api/inbox/{mine.pk}/read/")
    assert response.json() == {"marked": 1, "unread": 0}
    assert client.get("/api/inbox/?unread=1").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api_for(other_supplier_user).post("/api/inbox/read/", {}, format="json").json() == {
        "marked": 1, "unread": 0}
    assert client.post("/api/inbox/read/", {"ids": ["x"]}, format="json").status_code == 400
    assert api_for(None).post("/api/inbox/read/").status_code == 401


def test_the_inbox_page_shows_messages(client, inbox_items, supplier_user, other_supplier_user):
    client.force_login(supplier_user)
    page = client.get(reverse("following:inbox"))
    assert page.status_code == 200
    assert "Presisering." in page.content.decode()
    client.post(reverse("following:inbox-read"))
    assert InboxMessage.objects.get(user=supplier_user).read_at is not None
    assert InboxMessage.objects.get(user=other_supplier_user).read_at is None


def test_the_inbox_page_needs_sign_in(client):
    response = client.get(reverse("following:inbox"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_follow_button_follows_and_unfollows(client, notice, supplier_user, other_officer):
    client.force_login(supplier_user)
    url = reverse("following:follow", kwargs={"pk": notice.pk})
    assert client.post(url).status_code == 302
    assert Follow.objects.filter(user=supplier_user, notice=notice).exists()
    client.post(url, {"action": "unfollow", "next": "https://evil.example/"})
    assert not Follow.objects.filter(user=supplier_user, notice=notice).exists()
    client.force_login(other_officer)
    client.post(url)
    assert not Follow.objects.filter(user=other_officer).exists()
    assert client.get(url).status_code == 405


def test_back_to_back_uploads_are_each_announced(notice, officer, followers):
    from notices.models import Notice
    from notices.signals import notice_changed

    # Two uploads commit before either announcement runs; one signal must not lose one.
    for content in (b"%PDF-1.7 a", b"%PDF-1.7 b"):
        documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(content),
                                  filename="vedlegg.pdf", size=10)
    notice_changed.send(sender=Notice, notice_id=notice.pk, change="document", version=1)
    notice_changed.send(sender=Notice, notice_id=notice.pk, change="document", version=1)
    for user in followers:
        assert [m.kind for m in messages_for(user)] == [InboxKind.DOCUMENT] * 2
    assert len(mail.outbox) == 4


def test_a_new_follower_hears_only_what_happens_after(notice, officer, supplier_user,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_change_publish(notice=notice, by=officer, reason="Før.",
                                       fields={"description": "Først."})
    following.follow_create(user=supplier_user, notice=notice)
    event = NoticeEvent.objects.get(notice=notice, kind="notice.changed")
    assert following.notification_send(event_id=event.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_change_publish(notice=notice, by=officer, reason="Etter.",
                                       fields={"description": "Så."})
    assert [m.body.count("Etter.") for m in messages_for(supplier_user)] == [1]


def test_the_unread_count_tag(rf, inbox_items, supplier_user):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template("{% load following_tags %}{% inbox_unread %}")
    request = rf.get("/")
    request.user = supplier_user
    assert template.render(Context({"request": request})) == "1"
    request.user = AnonymousUser()
    assert template.render(Context({"request": request})) == "0"


def test_huge_ids_are_refused_not_crashing(api_for, officer, supplier_user):
    big = 10**30
    for url in (f"/api/questions/{big}/answer/", f"/api/questions/{big}/merge/"):
        r = api_for(officer).post(url, {"text": "x", "into": big}, format="json")
        assert r.status_code in (400, 404), (url, r.status_code)
    r = api_for(supplier_user).post("/api/inbox/read/", {"ids": [big]}, format="json")
    assert r.status_code in (400, 404), "inbox"
    r = api_for(supplier_user).post(f"/api/inbox/{big}/read/")
    assert r.status_code in (400, 404), "inbox1"
    r = api_for(supplier_user).get(f"/api/saved-searches/{big}/")
    assert r.status_code in (400, 404), "saved"
    r = api_for(supplier_user).post(f"/api/notices/{big}/follow/")
    assert r.status_code in (400, 404), "follow"
