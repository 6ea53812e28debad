"""The migration that adds the stored eForms identifiers gives every existing notice and
version its own UUID version 4 (a column default would give them all the same one)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("notices", "0009_inbox_evaluation_kinds")]
AFTER = [("notices", "0010_eforms_identity_and_terms")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_fills_a_fresh_uuid4_for_every_existing_notice_and_version() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    from accounts.models import Organization  # accounts stays at its latest migration

    Notice = apps.get_model("notices", "Notice")
    NoticeVersion = apps.get_model("notices", "NoticeVersion")
    buyer = Organization.objects.create(kind="authority", name="Bergen kommune",
                                        buyer_type="other", org_number="964338531")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    for n in range(3):
        notice = Notice.objects.create(reference=f"ANB-2026-{n:06d}", buyer_id=buyer.pk,
                                       kind="national", status="published", title=f"N{n}",
                                       contract_type="works", cpv_main="45000000",
                                       nuts="NO0A2", version=2, published_at=at)
        for number in (1, 2):
            NoticeVersion.objects.create(notice=notice, number=number, kind="original",
                                         snapshot={}, published_at=at)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    procedures = list(apps.get_model("notices", "Notice").objects.values_list(
        "procedure_uuid", flat=True))
    versions = list(apps.get_model("notices", "NoticeVersion").objects.values_list(
        "notice_uuid", flat=True))
    assert len(set(procedures)) == 3 and len(set(versions)) == 6
    assert all(uuid.UUID(str(value)).version == 4 for value in procedures + versions)
    MigrationExecutor(connection).migrate(latest)
