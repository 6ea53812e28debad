"""Fuzz the whole API from its OpenAPI schema: no input may produce a server error.

Runs as the owner (an authority officer with a token), so write endpoints are exercised with
real permissions, against published and draft notices in the test database.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from backend.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def fuzz_world(make_notice, officer, supplier_user, api_for):
    # The WSGI app is called directly, so Django would close the test's connection at the end
    # of each request (and with it the test transaction on PostgreSQL). Django's own test
    # client disconnects these handlers the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    make_notice()
    make_notice(publish=False)
    from tests.conftest import api_token_for

    yield api_token_for(officer)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_it_never_answers_with_a_server_error(case, fuzz_world):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_world}"},
                           checks=[not_a_server_error])
