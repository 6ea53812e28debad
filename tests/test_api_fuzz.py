"""Fuzz the whole API from its OpenAPI schema: the schema tells the truth.

Runs twice, as an authority officer and as a supplier, each with an API token, against a
published and a draft notice in the test database. Every answer must be a documented status
code with a documented content type, headers and body; a 5xx or a mismatch fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from backend.wsgi import application
from tests.conftest import api_client_for

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


def authorization_for(user: User) -> str:
    """The Authorization header of an API token for the user: the one place that knows how
    tokens are made is the conftest helper the other API tests use."""
    return str(api_client_for(user)._credentials["HTTP_AUTHORIZATION"])


@pytest.fixture(params=["officer", "supplier_user"])
def fuzz_world(request: pytest.FixtureRequest, make_notice) -> Iterator[str]:
    # The WSGI app is called directly, so Django would close the test's connection at the end
    # of each request (and with it the test transaction on PostgreSQL). Django's own test
    # client disconnects these handlers the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    make_notice()
    make_notice(publish=False)
    try:
        yield authorization_for(request.getfixturevalue(request.param))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_it_answers_as_the_schema_says(case, fuzz_world):
    case.call_and_validate(headers={"Authorization": fuzz_world}, checks=CHECKS)
