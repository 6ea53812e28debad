"""Fuzz the whole API from its OpenAPI schema: the schema tells the truth.

Runs twice, as an authority officer and as a supplier, each with an API token, against a
published and a draft notice in the test database. Every answer must be a documented status
code with a documented content type, headers and body; a 5xx or a mismatch fails.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from backend.wsgi import application
from notices.documents.services import document_upload
from notices.following.saved_searches import saved_search_create
from notices.questions.services import question_ask
from tests.conftest import api_token_for

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


# Ids of what the fuzz world holds, set by the fixture; half of the generated path parameters
# are swapped for these, so the fuzzer reaches real objects and checks their bodies too.
KNOWN: dict[str, list[Any]] = {}


@schema.hook
def flatmap_path_parameters(ctx: Any, parameters: dict[str, Any] | None) -> Any:
    if not parameters or not KNOWN:
        return st.just(parameters)
    path = ctx.operation.path
    known = dict(parameters)
    for name in parameters:
        if name in ("id", "notice_id") and path.startswith("/api/notices/"):
            known[name] = st.sampled_from(KNOWN["notice"])
        elif path.startswith("/api/questions/") and name == "id":
            known[name] = st.sampled_from(KNOWN["question"])
        elif path.startswith("/api/saved-searches/") and name == "id":
            known[name] = st.sampled_from(KNOWN["saved_search"])
        elif name == "document_id":
            known[name] = st.sampled_from(KNOWN["document"])
        elif name == "number":
            known[name] = st.just(1)
    drawn = st.fixed_dictionaries({name: value if isinstance(value, st.SearchStrategy)
                                   else st.just(value) for name, value in known.items()})
    return st.one_of(st.just(parameters), drawn)


def authorization_for(user: User) -> str:
    """The Authorization header of a new API token for the user (tests.conftest makes it, as
    for every other API test)."""
    return f"Token {api_token_for(user)}"


@pytest.fixture(params=["officer", "supplier_user"])
def fuzz_world(request: pytest.FixtureRequest, make_notice, officer: User,
               supplier_user: User) -> Iterator[str]:
    # The WSGI app is called directly, so Django would close the test's connection at the end
    # of each request (and with it the test transaction on PostgreSQL). Django's own test
    # client disconnects these handlers the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    published, draft = make_notice(), make_notice(publish=False)
    version, _warnings = document_upload(notice=published, by=officer, filename="vilkår.pdf",
                                         stream=io.BytesIO(b"%PDF-1.4 fuzz"), size=13)
    question = question_ask(notice=published, by=supplier_user, text="Gjelder rammeavtalen "
                                                                     "hele kommunen?")
    user = request.getfixturevalue(request.param)
    saved = saved_search_create(user=supplier_user, name="Bygg", params={"cpv": "45000000"})
    KNOWN.update(notice=[published.pk, draft.pk], document=[version.document_id],
                 question=[question.pk], saved_search=[saved.pk])
    try:
        yield authorization_for(user)
    finally:
        KNOWN.clear()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_it_answers_as_the_schema_says(case, fuzz_world):
    case.call_and_validate(headers={"Authorization": fuzz_world}, checks=CHECKS)
