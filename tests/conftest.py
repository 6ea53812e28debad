"""Shared fixtures: the four actors every endpoint is tested with, and notice factories.

Actors: `officer` (procurement officer of the owning authority `authority`), `other_officer`
(of `other_authority`), `supplier_user` (of `supplier`), and anonymous. API clients carry
token authentication, as real integrations do.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.models import (
    ApiToken,
    BuyerType,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from notices import services
from notices.models import Notice

_org_numbers = itertools.count(1)


def make_org_number(seq: int) -> str:
    """A valid, unique Norwegian organisation number (MOD11) for test organisations."""
    from accounts.orgnumber import org_number_check_digit

    for candidate in itertools.count(91000000 + seq * 7):
        digit = org_number_check_digit(str(candidate))
        if digit is not None:
            return f"{candidate}{digit}"
    raise AssertionError("unreachable")


def make_org(kind: str, name: str, buyer_type: str = "") -> Organization:
    # The contact details an eForms notice for TED needs of its buyer (BT-503, 506, 507, 512).
    return Organization.objects.create(kind=kind, name=name, buyer_type=buyer_type,
                                       org_number=make_org_number(next(_org_numbers)), city="Oslo",
                                       postal_code="0150", nuts="NO081", phone="+47 22 00 00 00",
                                       email=f"post@{name.split()[0].lower()}.example")


def make_user(email: str, org: Organization | None = None, role: str = "",
              password: str = "correct horse battery staple") -> User:
    user = User.objects.create_user(email=email, password=password, full_name=email.split("@")[0])
    if org is not None:
        Membership.objects.create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def authority(db: Any) -> Organization:
    return make_org(OrganizationKind.AUTHORITY, "Bergen kommune", BuyerType.OTHER)


@pytest.fixture
def other_authority(db: Any) -> Organization:
    return make_org(OrganizationKind.AUTHORITY, "Statens vegvesen", BuyerType.STATE)


@pytest.fixture
def supplier(db: Any) -> Organization:
    return make_org(OrganizationKind.SUPPLIER, "Fjordbygg AS")


@pytest.fixture
def other_supplier(db: Any) -> Organization:
    return make_org(OrganizationKind.SUPPLIER, "Nordlys Renhold AS")


@pytest.fixture
def officer(authority: Organization) -> User:
    return make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER)


@pytest.fixture
def authority_admin(authority: Organization) -> User:
    return make_user("admin@bergen.example", authority, Role.AUTHORITY_ADMIN)


@pytest.fixture
def other_officer(other_authority: Organization) -> User:
    return make_user("officer@vegvesen.example", other_authority, Role.PROCUREMENT_OFFICER)


@pytest.fixture
def supplier_user(supplier: Organization) -> User:
    return make_user("anna@fjordbygg.example", supplier, Role.SUPPLIER_ADMIN)


@pytest.fixture
def other_supplier_user(other_supplier: Organization) -> User:
    return make_user("ola@nordlys.example", other_supplier, Role.SUPPLIER_ADMIN)


@pytest.fixture(autouse=True)
def search_index_dir(settings: Any, tmp_path: Any) -> Any:
    """Every test gets its own search index: ids repeat across test databases."""
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    return settings.SEARCH_INDEX_DIR


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Tests read messages in English (the source language); nb tests override explicitly."""
    with translation.override("en"):
        yield


def api_token_for(user: User, name: str = "tests") -> str:
    """A fresh API token (django-rest-knox) for the user; returns the secret to send."""
    _token, secret = ApiToken.objects.create(user=user, name=name)
    return secret


def api_client_for(user: User | None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def page_as(user: User, path: str, language: str) -> str:
    """The HTML of a page as `user` sees it in `language` ("nb" or "en"); it must answer 200."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.fixture
def api_for() -> Callable[[User | None], APIClient]:
    """api_for(user) -> an API client with that user's token (None: anonymous)."""
    return api_client_for


@pytest.fixture
def now() -> datetime:
    return timezone.now()


def notice_fields(**overrides: Any) -> dict[str, Any]:
    """A complete national notice (Part II for an 'other' authority) with a 3-week deadline.

    It carries what an EEA notice needs as well (English texts, duration, tender validity),
    so the same fields publish as a contract notice when the value is above the threshold.
    """
    start = overrides.pop("start", None) or timezone.now()
    fields: dict[str, Any] = {
        "title": "Rammeavtale om vedlikehold av kommunale bygg",
        "description": "Bergen kommune skal inngå rammeavtale om snekker- og tømrerarbeider.",
        "title_en": "Framework agreement for the maintenance of municipal buildings",
        "description_en": "Bergen kommune will conclude a framework agreement for carpentry.",
        "duration_months": 24,
        "tender_validity_days": 90,
        "contract_type": "works",
        "procedure_type": "open",
        "cpv_main": "45000000",
        "nuts": "NO0A2",
        "estimated_value": Decimal("1800000"),
        "submission_deadline": start + timedelta(days=21),
        "question_deadline": start + timedelta(days=14),
    }
    fields.update(overrides)
    if "contract_type" not in overrides:
        # The contract type that fits the main CPV code, as eForms requires (BT-262):
        # 45 works, 03-44 and 48 goods, the rest services.
        cpv = str(fields.get("cpv_main") or "")
        fields["contract_type"] = ("works" if cpv.startswith("45") else
                                   "supplies" if cpv[:2] < "45" or cpv.startswith("48")
                                   else "services")
    return fields


@pytest.fixture
def make_notice(officer: User, authority: Organization) -> Callable[..., Notice]:
    """make_notice(publish=True, kind="national", lots=None, **fields)."""

    def factory(*, publish: bool = True, kind: str = "national", by: User | None = None,
                buyer: Organization | None = None, lots: list[dict[str, Any]] | None = None,
                at: datetime | None = None, **fields: Any) -> Notice:
        if kind == "cn" and "contract_type" not in fields:
            # Above the EEA threshold for services (works have a far higher one), with a CPV
            # code of the services divisions, as eForms requires of a services contract.
            fields = {"contract_type": "services", "cpv_main": "50700000", **fields}
        notice = services.notice_create(buyer=buyer or authority, by=by or officer, kind=kind,
                                        fields=notice_fields(start=at, **fields), lots=lots, now=at)
        if publish:
            notice = services.notice_publish(notice=notice, by=by or officer, now=at)
        return notice

    return factory


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool((marker is not None and marker.kwargs.get("transaction"))
                or names & {"transactional_db", "live_server"})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a transactional test's flush, put back the rows the data migrations seeded.

    A flush empties every table, including the procurement rules and code lists that the
    migrations seed; later tests in the same run would find no thresholds. Runs after all
    fixture teardown, so it comes after the flush whatever the fixture order.
    """
    yield
    if nextitem is None or not _is_transactional(item):
        # The last test: the session's test database is already torn down, and no later test
        # needs the seeded rows.
        return
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    from notices.rules.models import Threshold

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents and not Threshold.objects.using(connection.alias).exists():
                # A flush without serialized_rollback re-creates content types and
                # permissions (post_migrate): empty every table again first, so the
                # serialized rows go back into a clean database.
                call_command("flush", interactive=False, inhibit_post_migrate=True,
                             database=connection.alias, verbosity=0)
                connection.creation.deserialize_db_from_string(contents)
                # The rows came back with their ids: move the sequences past them.
                sql = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
                if sql:
                    with connection.cursor() as cursor:
                        for statement in sql:
                            cursor.execute(statement)
