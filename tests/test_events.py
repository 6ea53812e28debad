"""Event rows are the record: nothing edits or deletes one (model, queryset, admin, cascade).

One row of each event table is written by a real service; then every path that could change
or remove it is tried. Deleting a draft notice still works and takes the draft's trail with
it (nothing about a draft was ever public); the trail of anything public is protected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts import services as accounts
from accounts.models import AccountEvent, AccountEventKind, Organization, Role, User
from backend.admin import ReadOnlyAdmin
from backend.events import Event, EventImmutable
from bids import committee
from bids.models import BidEvent, BidEventKind
from evaluation.models import EvaluationEvent, EvaluationEventKind
from notices import services
from notices.models import Notice, NoticeEvent, NoticeEventKind
from notices.questions import services as questions
from notices.questions.models import Question, QuestionEvent, QuestionEventKind
from tests.bids.conftest import enrol_fake_keys
from tests.conftest import make_user

EVENT_MODELS: list[type[Event]] = [NoticeEvent, QuestionEvent, BidEvent, AccountEvent,
                                   EvaluationEvent]
KINDS: dict[type[Event], type[models.TextChoices]] = {
    NoticeEvent: NoticeEventKind, QuestionEvent: QuestionEventKind, BidEvent: BidEventKind,
    AccountEvent: AccountEventKind, EvaluationEvent: EvaluationEventKind}


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser(email="ops@anbud.example", password="x" * 12)


@pytest.fixture
def trail(make_notice: Callable[..., Notice], officer: User, authority: Organization,
          supplier_user: User) -> dict[type[Event], Event]:
    """One event of each table, each written by its service."""
    members = [make_user(f"m{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(2)]
    draft = make_notice(publish=False)
    committee.committee_configure(notice=draft, by=officer, members=members, k=2)
    enrol_fake_keys(draft, members, prefix="k")
    notice = services.notice_publish(notice=draft, by=officer)
    questions.question_ask(notice=notice, by=supplier_user, text="Kan vi levere i to omganger?")
    # After the deadline a member declares impartiality (an evaluation event).
    from evaluation.impartiality.services import impartiality_declare

    Notice.objects.filter(pk=notice.pk).update(
        submission_deadline=timezone.now() - timedelta(seconds=1))
    impartiality_declare(notice=notice, by=members[0], has_conflict=False)
    accounts.supplier_signup(name="Vestland Elektro AS", email="kari@vestland.example",
                             password="correct horse battery staple", full_name="Kari",
                             org_number=_free_org_number())
    return {model: model.objects.order_by("-pk").first() for model in EVENT_MODELS}


def _free_org_number() -> str:
    from tests.conftest import make_org_number

    return make_org_number(9999)


def _row(event: Event) -> dict[str, Any]:
    return type(event).objects.filter(pk=event.pk).values().get()


# --- the model and the queryset ---------------------------------------------------------------


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_it_refuses_to_save_or_delete_an_existing_event(trail: dict[type[Event], Event],
                                                        model: type[Event]) -> None:
    event = trail[model]
    before = _row(event)
    event.data = {"rewritten": True}
    with pytest.raises(EventImmutable):
        event.save()
    with pytest.raises(EventImmutable):
        event.save(update_fields=["data"])
    with pytest.raises(EventImmutable):
        event.delete()
    assert _row(event) == before


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_it_refuses_queryset_updates_and_deletes(trail: dict[type[Event], Event],
                                                 model: type[Event]) -> None:
    event = trail[model]
    before = _row(event)
    for queryset in (model.objects.filter(pk=event.pk), model.objects.all(),
                     model._base_manager.filter(pk=event.pk)):
        with pytest.raises(EventImmutable):
            queryset.update(kind="rewritten")
        with pytest.raises(EventImmutable):
            queryset.delete()
    with pytest.raises(EventImmutable):
        model.objects.bulk_update([event], ["data"])
    with pytest.raises(EventImmutable):
        model.objects.update_or_create(pk=event.pk, defaults={"data": {}})
    assert _row(event) == before


def test_it_refuses_deletes_through_a_related_manager(trail: dict[type[Event], Event]) -> None:
    notice_event = trail[NoticeEvent]
    assert isinstance(notice_event, NoticeEvent)
    with pytest.raises(EventImmutable):
        notice_event.notice.events.all().delete()
    with pytest.raises(EventImmutable):
        notice_event.notice.events.update(data={})
    assert NoticeEvent.objects.filter(pk=notice_event.pk).exists()


def test_an_unsaved_copy_with_an_existing_pk_cannot_overwrite_a_row(
        trail: dict[type[Event], Event]) -> None:
    event = trail[NoticeEvent]
    assert isinstance(event, NoticeEvent)
    before = _row(event)
    copy = NoticeEvent(pk=event.pk, notice_id=event.notice_id, kind=NoticeEventKind.CANCELLED,
                       at=event.at, data={})
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert _row(event) == before


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_every_kind_written_is_a_member_of_its_enumeration(trail: dict[type[Event], Event],
                                                           model: type[Event]) -> None:
    kinds = KINDS[model]
    assert model._meta.get_field("kind").choices == kinds.choices
    written = set(model.objects.values_list("kind", flat=True))
    assert written and written <= set(kinds.values)


def test_the_kind_values_are_unchanged_stored_data() -> None:
    # A rename would orphan stored rows and change the public record.
    assert NoticeEventKind.KIND_CHANGED == "notice.kind_changed"
    assert NoticeEventKind.PUBLISHED == "status.published"
    assert BidEventKind.LATE_REFUSED == "submission.late_refused"
    assert BidEventKind.OPENING_RUNNING == "opening.opening"
    assert QuestionEventKind.MERGE_RECEIVED == "question.merge_received"
    assert AccountEventKind.MEMBERSHIP_REMOVED == "membership.removed"
    assert BidEventKind.REJECTED == "submission.rejected"
    assert EvaluationEventKind.ACCESS_REFUSED == "impartiality.access_refused"
    assert EvaluationEventKind.ADVISER_NAMED == "impartiality.adviser_named"
    assert len(NoticeEventKind) + len(QuestionEventKind) + len(BidEventKind) + len(
        AccountEventKind) == 50  # + notice.kind_changed (notice type of a draft)
    # + organization.updated (evaluation.contract: a supplier's company size)


# --- cascades ---------------------------------------------------------------------------------


def test_deleting_a_draft_takes_its_trail_with_it(make_notice: Callable[..., Notice],
                                                  officer: User, authority: Organization) -> None:
    members = [make_user(f"m{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(2)]
    draft = make_notice(publish=False)
    committee.committee_configure(notice=draft, by=officer, members=members, k=2)
    assert NoticeEvent.objects.filter(notice=draft).exists()
    assert BidEvent.objects.filter(notice=draft).exists()
    services.notice_delete_draft(notice=draft, by=officer)
    assert not Notice.objects.filter(pk=draft.pk).exists()
    assert not NoticeEvent.objects.filter(notice_id=draft.pk).exists()
    assert not BidEvent.objects.filter(notice_id=draft.pk).exists()


def test_the_trail_of_a_published_notice_cannot_be_deleted(trail: dict[type[Event], Event]
                                                           ) -> None:
    notice = trail[NoticeEvent].notice  # type: ignore[attr-defined]
    counts = {model: model.objects.count() for model in EVENT_MODELS}
    with pytest.raises(ProtectedError), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Question.objects.filter(notice=notice).delete()
    assert Notice.objects.filter(pk=notice.pk).exists()
    assert {model: model.objects.count() for model in EVENT_MODELS} == counts


def test_people_and_organisations_with_a_history_cannot_be_deleted(
        trail: dict[type[Event], Event], officer: User) -> None:
    organization = trail[AccountEvent].organization  # type: ignore[attr-defined]
    with pytest.raises(ProtectedError), transaction.atomic():
        officer.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).delete()
    assert User.objects.filter(pk=officer.pk).exists()
    assert NoticeEvent.objects.filter(by=officer).exists()


# --- the admin -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_the_admin_shows_events_read_only_without_delete(
        trail: dict[type[Event], Event], superuser: User, model: type[Event]) -> None:
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdmin)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    event = trail[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_a_superuser_cannot_delete_or_change_an_event_in_the_admin(
        trail: dict[type[Event], Event], superuser: User, model: type[Event]) -> None:
    event = trail[model]
    before = _row(event)
    client = Client()
    client.force_login(superuser)
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert client.get(base).status_code == 200
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}{event.pk}/change/", {"kind": "rewritten"}).status_code == 403
    assert client.post(base, {"action": "delete_selected", "_selected_action": [event.pk],
                              "post": "yes"}).status_code in (200, 302)
    assert _row(event) == before
