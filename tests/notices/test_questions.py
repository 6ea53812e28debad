"""Questions and answers: privacy of questions, anonymised answers, deadlines, merging."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from backend.formatting import format_oslo
from notices.following import services as following
from notices.following.models import Follow, InboxKind, InboxMessage
from notices.questions import services as questions
from notices.questions.models import Question, QuestionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


@pytest.fixture
def notice(make_notice):
    return make_notice(title="Rammeavtale om snekkerarbeider")


@pytest.fixture
def asked(notice, supplier_user, now):
    return questions.question_ask(notice=notice, by=supplier_user, now=now,
                                  text="Kan dere oppgi forventet årlig volum?")


def identity_of(user, org):
    return [user.full_name, user.email, org.name, org.org_number]


def questions_url(notice):
    return f"/api/notices/{notice.pk}/questions/"


# --- asking -------------------------------------------------------------------------------

def test_a_supplier_asks_a_question(api_for, notice, supplier_user):
    response = api_for(supplier_user).post(questions_url(notice),
                                           {"text": "Hva er volumet?"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "open"
    question = Question.objects.get()
    assert question.supplier.name == "Fjordbygg AS"
    assert question.events.get().kind == "question.asked"


def test_authorities_and_strangers_cannot_ask(api_for, notice, officer, other_officer):
    for user in (officer, other_officer):
        response = api_for(user).post(questions_url(notice), {"text": "?"}, format="json")
        assert response.status_code == 403
    assert api_for(None).post(questions_url(notice), {"text": "?"},
                              format="json").status_code == 401
    assert not Question.objects.exists()


def test_an_empty_question_is_refused(api_for, notice, supplier_user):
    response = api_for(supplier_user).post(questions_url(notice), {"text": "  "},
                                           format="json")
    assert response.status_code == 400


def test_asking_after_the_question_deadline_is_refused(api_for, make_notice, supplier_user, now):
    # Published 15 days ago: the question deadline (14 days) passed yesterday.
    late = make_notice(at=now - timedelta(days=15))
    response = api_for(supplier_user).post(questions_url(late), {"text": "For sent?"},
                                           format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "question_deadline_passed"
    assert format_oslo(late.question_deadline, "short") in error["message"]
    assert "Oslo time" in error["message"]
    assert not Question.objects.exists()


def test_the_deadline_is_checked_against_the_given_clock(notice, supplier_user):
    with pytest.raises(questions.ApplicationError):
        questions.question_ask(notice=notice, by=supplier_user, text="?",
                               now=notice.question_deadline)
    questions.question_ask(notice=notice, by=supplier_user, text="?",
                           now=notice.question_deadline - timedelta(seconds=1))


def test_questions_on_a_draft_are_not_found(api_for, make_notice, supplier_user):
    draft = make_notice(publish=False)
    response = api_for(supplier_user).post(questions_url(draft), {"text": "?"}, format="json")
    assert response.status_code == 404


# --- who sees what ------------------------------------------------------------------------

def test_a_private_question_is_seen_by_the_asker_and_the_buyer_only(
        api_for, notice, asked, supplier_user, other_supplier_user, officer, other_officer):
    own = api_for(supplier_user).get(questions_url(notice)).json()
    assert [q["text"] for q in own["questions"]] == [asked.text]
    assert "supplier" not in own["questions"][0]
    buyer = api_for(officer).get(questions_url(notice)).json()
    assert buyer["questions"][0]["supplier"]["name"] == "Fjordbygg AS"
    for user in (other_supplier_user, other_officer, None):
        body = api_for(user).get(questions_url(notice)).json()
        assert body["questions"] == []
        assert asked.text not in json.dumps(body)


def test_a_colleague_in_the_same_company_sees_the_question(api_for, notice, asked, supplier):
    from tests.conftest import make_user

    colleague = make_user("per@fjordbygg.example", supplier, "supplier_user")
    body = api_for(colleague).get(questions_url(notice)).json()
    assert [q["id"] for q in body["questions"]] == [asked.pk]


def render_section(notice, user):
    request = RequestFactory().get(f"/notices/{notice.pk}/")
    request.user = user
    template = Template("{% load following_tags %}{% notice_questions_section notice %}")
    return template.render(Context({"request": request, "notice": notice}))


def test_the_published_answer_never_shows_who_asked(
        api_for, client, notice, asked, supplier, supplier_user, other_supplier_user, officer,
        django_capture_on_commit_callbacks):
    from django.contrib.auth.models import AnonymousUser

    response = api_for(officer).post(f"/api/questions/{asked.pk}/answer/", {
        "text": "Forventet volum er 2 000 timer per år.", "public": True,
        "question_text": "Hva er forventet årlig volum?"}, format="json")
    assert response.status_code == 201
    assert set(response.json()) == {"id", "question", "answer", "published_at", "public",
                                    "warnings"}
    secrets = identity_of(supplier_user, supplier)
    for user in (None, other_supplier_user, supplier_user):
        body = api_for(user).get(questions_url(notice)).json()
        assert body["answers"][0]["question"] == "Hva er forventet årlig volum?"
        published = json.dumps(body["answers"])
        for secret in secrets:
            assert secret not in published
    for user in (AnonymousUser(), other_supplier_user):
        html = render_section(notice, user)
        assert "Forventet volum er 2 000 timer per år." in html
        for secret in secrets:
            assert secret not in html
    page = client.get(reverse("notices:detail", kwargs={"pk": notice.pk}))
    for secret in secrets:
        assert secret not in page.content.decode()


def test_the_asker_sees_their_own_question_and_the_ask_form(notice, asked, supplier_user,
                                                            other_supplier_user):
    html = render_section(notice, supplier_user)
    assert asked.text in html
    assert 'name="text"' in html
    assert asked.text not in render_section(notice, other_supplier_user)


# --- answering ----------------------------------------------------------------------------

def answer_url(question):
    return f"/api/questions/{question.pk}/answer/"


def test_only_the_buyer_answers(api_for, asked, supplier_user, other_supplier_user,
                                other_officer):
    for user in (supplier_user, other_supplier_user, other_officer):
        response = api_for(user).post(answer_url(asked), {"text": "Svar"}, format="json")
        assert response.status_code == 404
    assert api_for(None).post(answer_url(asked), {"text": "Svar"},
                              format="json").status_code == 401
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.OPEN


def test_a_committee_member_of_the_buyer_cannot_answer(api_for, asked, authority):
    from tests.conftest import make_user

    member = make_user("komite@bergen.example", authority, "committee_member")
    response = api_for(member).post(answer_url(asked), {"text": "Svar"}, format="json")
    assert response.status_code == 403


def test_a_question_is_answered_once(api_for, asked, officer):
    client = api_for(officer)
    assert client.post(answer_url(asked), {"text": "Svar"}, format="json").status_code == 201
    assert client.post(answer_url(asked), {"text": "Igjen"}, format="json").status_code == 409


def test_a_published_answer_goes_to_every_follower(
        api_for, notice, asked, officer, supplier_user, other_supplier_user, supplier,
        django_capture_on_commit_callbacks):
    following.follow_create(user=supplier_user, notice=notice)
    following.follow_create(user=other_supplier_user, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        api_for(officer).post(answer_url(asked), {"text": "Ja, 2 000 timer."}, format="json")
    assert len(mail.outbox) == 2
    for user in (supplier_user, other_supplier_user):
        [message] = InboxMessage.objects.filter(user=user)
        assert message.kind == InboxKind.ANSWER
        assert "Ja, 2 000 timer." in message.body
        for secret in identity_of(supplier_user, supplier):
            assert secret not in message.body
    for sent in mail.outbox:
        for secret in identity_of(supplier_user, supplier):
            assert secret not in sent.body and secret not in sent.subject


def test_a_published_answer_reaches_the_asker_who_does_not_follow(
        api_for, notice, asked, officer, supplier_user, other_supplier_user,
        django_capture_on_commit_callbacks):
    """The page that took the question promised the answer in the asker's inbox."""
    assert not Follow.objects.filter(user=supplier_user, notice=notice).exists()
    with django_capture_on_commit_callbacks(execute=True):
        api_for(officer).post(answer_url(asked), {"text": "Ja, 2 000 timer."}, format="json")
    [message] = InboxMessage.objects.filter(user=supplier_user)
    assert message.kind == InboxKind.ANSWER and "Ja, 2 000 timer." in message.body
    assert [m.to for m in mail.outbox] == [[supplier_user.email]]
    # Nobody else asked or follows: nobody else hears.
    assert not InboxMessage.objects.filter(user=other_supplier_user).exists()


def test_a_private_answer_is_seen_by_the_asker_only(
        api_for, notice, asked, officer, supplier_user, other_supplier_user,
        django_capture_on_commit_callbacks):
    following.follow_create(user=other_supplier_user, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(officer).post(answer_url(asked), {
            "text": "Gjelder bare deres avtale.", "public": False}, format="json")
    assert response.status_code == 201
    own = api_for(supplier_user).get(questions_url(notice)).json()
    assert own["answers"] == []
    assert own["questions"][0]["answer"]["text"] == "Gjelder bare deres avtale."
    other = api_for(other_supplier_user).get(questions_url(notice)).json()
    assert "Gjelder bare deres avtale." not in json.dumps(other)
    assert [m.to for m in mail.outbox] == [[supplier_user.email]]
    assert InboxMessage.objects.get().kind == InboxKind.PRIVATE_ANSWER
    assert not InboxMessage.objects.filter(user=other_supplier_user).exists()


def test_a_late_answer_warns_to_consider_extending_the_deadline(api_for, make_notice,
                                                                supplier_user, officer, now):
    late = make_notice(at=now - timedelta(days=16))  # tender deadline in 5 days
    question = questions.question_ask(notice=late, by=supplier_user, text="?",
                                      now=now - timedelta(days=10))
    response = api_for(officer).post(answer_url(question), {"text": "Svar"}, format="json")
    assert response.status_code == 201
    [warning] = response.json()["warnings"]
    assert "consider extending the deadline" in warning


def test_an_early_answer_has_no_warning(api_for, asked, officer):
    response = api_for(officer).post(answer_url(asked), {"text": "Svar"}, format="json")
    assert response.json()["warnings"] == []


# --- merging ------------------------------------------------------------------------------

def merge_url(question):
    return f"/api/questions/{question.pk}/merge/"


def test_answering_a_merged_question_answers_all(api_for, notice, asked, officer,
                                                 other_supplier_user,
                                                 django_capture_on_commit_callbacks):
    duplicate = questions.question_ask(notice=notice, by=other_supplier_user,
                                       text="Hvor mange timer i året?")
    client = api_for(officer)
    response = client.post(merge_url(duplicate), {"into": asked.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "merged"
    # The merged question cannot be answered on its own.
    assert client.post(answer_url(duplicate), {"text": "x"}, format="json").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_url(asked), {"text": "Om lag 2 000.", "public": False},
                    format="json")
    body = api_for(other_supplier_user).get(questions_url(notice)).json()
    assert body["questions"][0]["answer"]["text"] == "Om lag 2 000."
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["anna@fjordbygg.example", "ola@nordlys.example"])
    kinds = [e.kind for e in Question.objects.get(pk=duplicate.pk).events.all()]
    assert kinds == ["question.asked", "question.merged", "question.answered"]


def test_merging_is_for_the_buyer_only(api_for, notice, asked, supplier_user, other_officer,
                                       other_supplier_user):
    duplicate = questions.question_ask(notice=notice, by=other_supplier_user, text="Volum?")
    for user in (supplier_user, other_supplier_user, other_officer):
        assert api_for(user).post(merge_url(duplicate), {"into": asked.pk},
                                  format="json").status_code == 404
    assert api_for(None).post(merge_url(duplicate), {"into": asked.pk},
                              format="json").status_code == 401


def test_merging_checks_its_input(api_for, make_notice, notice, asked, officer, supplier_user):
    client = api_for(officer)
    assert client.post(merge_url(asked), {"into": asked.pk}, format="json").status_code == 400
    assert client.post(merge_url(asked), {"into": "x"}, format="json").status_code == 400
    elsewhere = questions.question_ask(notice=make_notice(), by=supplier_user, text="?")
    assert client.post(merge_url(asked), {"into": elsewhere.pk},
                       format="json").status_code == 404


# --- extending the deadline ---------------------------------------------------------------

def extend_url(notice):
    return f"/api/notices/{notice.pk}/extend-deadline/"


def test_extending_the_deadline_publishes_a_change_notice(api_for, notice, officer,
                                                          supplier_user,
                                                          django_capture_on_commit_callbacks):
    following.follow_create(user=supplier_user, notice=notice)
    new = (notice.submission_deadline + timedelta(days=7)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(officer).post(extend_url(notice), {"submission_deadline": new},
                                         format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "change"
    assert [c["field"] for c in response.json()["diff"]] == ["submission_deadline"]
    notice.refresh_from_db()
    assert notice.version == 2
    assert InboxMessage.objects.get(user=supplier_user).kind == InboxKind.DEADLINE


def test_extending_needs_a_later_deadline(api_for, notice, officer):
    earlier = (notice.submission_deadline - timedelta(days=1)).isoformat()
    response = api_for(officer).post(extend_url(notice), {"submission_deadline": earlier},
                                     format="json")
    assert response.status_code == 400
    assert "submission_deadline" in response.json()["error"]["fields"]
    assert api_for(officer).post(extend_url(notice), {}, format="json").status_code == 400


def test_only_the_buyer_extends(api_for, notice, supplier_user, other_officer):
    new = (notice.submission_deadline + timedelta(days=7)).isoformat()
    for user in (supplier_user, other_officer):
        response = api_for(user).post(extend_url(notice), {"submission_deadline": new},
                                      format="json")
        assert response.status_code == 403
    assert api_for(None).post(extend_url(notice), {"submission_deadline": new},
                              format="json").status_code == 401
    notice.refresh_from_db()
    assert notice.version == 1


# --- web pages ----------------------------------------------------------------------------

def test_the_web_form_asks_and_refuses_after_the_deadline(client, make_notice, notice,
                                                          supplier_user, now):
    client.force_login(supplier_user)
    url = reverse("questions:question-ask", kwargs={"pk": notice.pk})
    response = client.post(url, {"text": "Hva er volumet?"})
    assert response.status_code == 302
    assert Question.objects.filter(notice=notice).count() == 1
    late = make_notice(at=now - timedelta(days=15))
    response = client.post(reverse("questions:question-ask", kwargs={"pk": late.pk}),
                           {"text": "For sent?"})
    assert response.status_code == 400
    html = response.content.decode()
    assert format_oslo(late.question_deadline, "short") in html
    assert 'role="alert"' in html


def test_the_queue_is_for_the_buyer(client, notice, asked, officer, supplier_user,
                                    other_officer):
    url = reverse("questions:question-queue", kwargs={"pk": notice.pk})
    client.force_login(officer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Fjordbygg AS" in page.content.decode()
    assert asked.text in page.content.decode()
    for user in (supplier_user, other_officer):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_queue_answers_merges_and_extends(client, notice, asked, officer,
                                              other_supplier_user):
    duplicate = questions.question_ask(notice=notice, by=other_supplier_user, text="Volum?")
    client.force_login(officer)
    response = client.post(reverse("questions:question-merge",
                                   kwargs={"question_id": duplicate.pk}),
                           {f"m{duplicate.pk}-into": asked.pk})
    assert response.status_code == 302
    response = client.post(reverse("questions:question-answer",
                                   kwargs={"question_id": asked.pk}), {
        f"a{asked.pk}-question_text": "Hva er volumet?", f"a{asked.pk}-text": "2 000 timer.",
        f"a{asked.pk}-public": "public"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.ANSWERED and asked.answer.public
    response = client.post(reverse("questions:extend-deadline", kwargs={"pk": notice.pk}),
                           {"submission_deadline": "2000-01-01T12:00"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    new = notice.submission_deadline + timedelta(days=7)
    response = client.post(reverse("questions:extend-deadline", kwargs={"pk": notice.pk}), {
        "submission_deadline": new.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.version == 2


def test_the_answer_form_shows_errors(client, asked, officer):
    client.force_login(officer)
    response = client.post(reverse("questions:question-answer",
                                   kwargs={"question_id": asked.pk}),
                           {f"a{asked.pk}-question_text": "", f"a{asked.pk}-text": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_queue_shows_the_question_deadline_in_force(client, make_notice, officer, now):
    """A notice without a deadline of its own for questions takes them until the tender
    deadline: the queue says so, as the notice page does (it said "—")."""
    notice = make_notice(submission_deadline=now + timedelta(days=20), question_deadline=None)
    assert notice.question_deadline is None
    client.force_login(officer)
    page = client.get(reverse("questions:question-queue", kwargs={"pk": notice.pk}))
    shown = f'for questions: {format_oslo(notice.submission_deadline, "short")}'
    assert shown in " ".join(page.content.decode().split())
