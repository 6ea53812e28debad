"""The procurement protocol: every event row of every table of a procurement, in the order of
the procedure, the same data as HTML, PDF and JSON, and nothing that changes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import get_resolver

from backend.events import Event, EventImmutable
from backend.formatting import to_oslo
from evaluation.award.models import AwardEvent
from evaluation.protocol.builder import (
    NOT_A_PROCUREMENT,
    SOURCES,
    STAGE_INDEX,
    STAGE_OF,
    procurement_protocol,
)
from notices.models import Notice, NoticeEvent
from tests.evaluation.protocol.conftest import Procedure

pytestmark = pytest.mark.django_db


def event_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, Event)]


def notice_lookup(model: type[models.Model]) -> str:
    """Found from the model's own fields, not from the builder: a key to Notice, or a key to
    a model that has one (a question's events)."""
    for f in model._meta.get_fields():
        if getattr(f, "many_to_one", False) and f.related_model is Notice:
            return f.name
    for f in model._meta.get_fields():
        if getattr(f, "many_to_one", False) and f.related_model is not None:
            for g in f.related_model._meta.get_fields():
                if getattr(g, "many_to_one", False) and g.related_model is Notice:
                    return f"{f.name}__{g.name}"
    raise AssertionError(f"{model._meta.label}: no way to its notice")


def rows_in_db(notices: list[int]) -> set[str]:
    found = set()
    for model in event_models():
        if model._meta.label in NOT_A_PROCUREMENT:
            continue
        lookup = notice_lookup(model)
        for pk in model._default_manager.filter(**{f"{lookup}__in": notices}).values_list(
                "pk", flat=True):
            found.add(f"{model._meta.label}:{pk}")
    return found


def test_every_event_table_and_kind_is_covered() -> None:
    covered = {s.model for s in SOURCES}
    for model in event_models():
        assert model in covered or model._meta.label in NOT_A_PROCUREMENT, (
            f"{model._meta.label} is an event table the protocol does not read")
    for source in SOURCES:
        for value, _label in source.model._meta.get_field("kind").choices or []:
            assert value in STAGE_OF, f"{source.model._meta.label} kind {value} has no stage"


@pytest.fixture
def full(procedure: Callable[..., Procedure]) -> Procedure:
    return procedure()


def test_the_protocol_lists_every_event_row_of_a_full_procedure(full: Procedure) -> None:
    notices = [full.notice.pk, full.award_notice.pk]  # type: ignore[union-attr]
    protocol = procurement_protocol(full.notice)
    expected = rows_in_db(notices)
    sources = [e.source for e in protocol.entries]
    assert len(sources) == len(set(sources)) == len(expected)
    assert set(sources) == expected
    kinds = {e.kind for e in protocol.entries}
    # Every step of the procedure is there.
    for kind in ("status.published", "question.asked", "question.answered",
                 "submission.sealed", "submission.late_refused", "tender.closed",
                 "opening.opened", "submission.opened", "impartiality.declared",
                 "qualification.rejected", "status.scoring", "scoring.submitted",
                 "consensus.recorded", "status.ranked", "award.drafted", "status.award_sent",
                 "standstill.suspended", "standstill.lifted", "contract.signed",
                 "award_notice.published"):
        assert kind in kinds, kind
    # In the order of the procedure: by stage, then by time.
    keys = [(STAGE_INDEX[e.stage], e.at) for e in protocol.entries]
    assert keys == sorted(keys)
    assert [s.code for s in protocol.stages][:3] == ["preparation", "publication", "questions"]
    assert protocol.stages[-1].code == "award_notice"


def test_who_when_what_and_why(full: Procedure) -> None:
    protocol = procurement_protocol(full.notice)
    rejected = next(e for e in protocol.entries if e.kind == "qualification.rejected")
    assert rejected.who == full.officer.get_full_name()
    assert rejected.organisation == "Bergen kommune"
    assert "@" not in rejected.who
    assert rejected.what == "Bid rejected"
    assert any("Mangler sentral godkjenning" in d for d in rejected.details)
    local = to_oslo(rejected.at)
    assert rejected.when == local.strftime("%d.%m.%Y %H:%M:%S")  # Europe/Oslo
    h = protocol.header
    assert h.buyer == "Bergen kommune" and h.offers == 3 and h.late_attempts == 1
    assert any("Bratt" in r or "Vestkyst" in r for r in h.rejected)
    assert h.awards and "Fjordbygg AS" in h.awards[0]
    assert h.contracts and "Fjordbygg AS" in h.contracts[0]
    assert h.award_notices


def test_html_pdf_and_json_say_the_same(full: Procedure, client: Client,
                                        api_for: Callable[..., Any]) -> None:
    client.force_login(full.officer)
    page = client.get(f"/evaluation/notices/{full.notice.pk}/protocol/")
    assert page.status_code == 200
    html = page.content.decode()
    protocol = procurement_protocol(full.notice)
    for entry in protocol.entries:
        assert f'data-source="{entry.source}"' in html
    assert protocol.tree_head and protocol.tree_head["root"] in html
    pdf = client.get(f"/evaluation/notices/{full.notice.pk}/protocol.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    api = api_for(full.officer).get(f"/api/evaluation/notices/{full.notice.pk}/protocol")
    assert api.status_code == 200
    body = api.json()
    assert [e["source"] for e in body["entries"]] == [e.source for e in protocol.entries]
    assert body["tree_head"]["root"] == protocol.tree_head["root"]
    assert api_for(full.officer).get(
        f"/api/evaluation/notices/{full.notice.pk}/protocol.pdf").content.startswith(b"%PDF")


def test_the_pdf_carries_the_latest_tree_head(full: Procedure) -> None:
    from bids.tlog import sth_latest
    from evaluation.protocol.pdf import protocol_pdf

    head = sth_latest()
    assert head is not None
    pdf = protocol_pdf(procurement_protocol(full.notice), compress=False)
    assert head.root[:32].encode() in pdf and head.signature[:32].encode() in pdf


def test_who_may_read_it(full: Procedure, client: Client, api_for: Callable[..., Any],
                         other_officer: Any) -> None:
    from tests.conftest import make_user

    url = f"/evaluation/notices/{full.notice.pk}/protocol/"
    api = f"/api/evaluation/notices/{full.notice.pk}/protocol"
    # The officer and the cleared members read it.
    for user in (full.officer, full.members[0]):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert api_for(user).get(api).status_code == 200
    # A bidder, another authority's officer, a stranger: 404 (that it exists is not public).
    for user in (full.bidders[0], other_officer, make_user("x@y.example")):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert api_for(user).get(api).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert api_for(None).get(api).status_code == 401


def test_no_interface_changes_the_protocol(full: Procedure, client: Client,
                                           api_for: Callable[..., Any]) -> None:
    # No route of the protocol takes a write method.
    from tests.test_route_matrix import routes

    for route in routes():
        if "protocol" in route.name and route.name.startswith(("evaluation", "api-evaluation")):
            assert route.methods == ("get",), route
    client.force_login(full.officer)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/evaluation/notices/{full.notice.pk}/protocol/")
        assert response.status_code == 405
        response = getattr(api_for(full.officer), method)(
            f"/api/evaluation/notices/{full.notice.pk}/protocol")
        assert response.status_code == 405
    # Event rows refuse update and delete, one by one and in bulk.
    event = AwardEvent.objects.filter(notice=full.notice).first()
    assert event is not None
    event.data = {"changed": True}
    with pytest.raises(EventImmutable):
        event.save()
    with pytest.raises(EventImmutable):
        event.delete()
    with pytest.raises(EventImmutable):
        NoticeEvent.objects.filter(notice=full.notice).update(data={})
    with pytest.raises(EventImmutable):
        NoticeEvent.objects.filter(notice=full.notice).delete()
    # The admin shows every event table read-only.
    from django.contrib import admin

    from backend.admin import ReadOnlyAdmin

    for model in event_models():
        if model in admin.site._registry:
            assert isinstance(admin.site._registry[model], ReadOnlyAdmin), model
    assert AwardEvent in admin.site._registry


def test_unused_resolver_sanity() -> None:
    assert get_resolver("backend.urls")
