"""Fuzz the whole API from its OpenAPI schema: no input may produce a server error.

Runs as the owner (an authority officer with a token), so write endpoints are exercised with
real permissions, against published and draft notices in the test database.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from backend.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def fuzz_world(make_notice, officer, supplier_user, api_for):
    make_notice()
    make_notice(publish=False)
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=officer)[0].key


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_it_never_answers_with_a_server_error(case, fuzz_world):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_world}"},
                           checks=[not_a_server_error])
