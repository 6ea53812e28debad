"""The public statistics against a small data set computed by hand (docstring of `world`)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import CompanySize, Organization, OrganizationKind
from bids.models import Committee, Manifest, Submission, SubmissionStatus
from bids.opening.models import OpenedBid, OpenedBidStatus, OpeningSession
from evaluation.award.models import AwardDecision, AwardStatus, AwardWinner, Contract
from evaluation.criteria.models import AwardCriterion, CriterionKind, LotAwardTerms
from evaluation.ethics.models import (
    EthicalTerms,
    FollowUpEvent,
    FollowUpEventKind,
    FollowUpPlan,
    NoticeEthicalTerms,
    RiskCategory,
)
from evaluation.models import LotEvaluation
from evaluation.statistics.models import StatCell, StatNotice
from evaluation.statistics.selectors import Filters, statistics_get
from evaluation.statistics.services import statistics_rebuild, statistics_refresh
from notices.models import DocumentVersion, Notice, NoticeEvent, NoticeEventKind, TenderDocument
from tests.conftest import make_org, make_user

pytestmark = pytest.mark.django_db

T = datetime(2026, 1, 10, 10, 0, tzinfo=UTC)
seq = iter(range(1, 1000))


def notice(buyer: Organization, kind: str, **fields: Any) -> Notice:
    values = {"reference": f"ST-{next(seq):04d}", "buyer": buyer, "kind": kind,
              "status": "published", "title": "t", "contract_type": "services",
              "cpv_main": "45000000", "nuts": "NO081", "regime": "part2", "version": 1,
              "published_at": T}
    values.update(fields)
    return Notice.objects.create(**values)


def offer(n: Notice, supplier: Organization, status: str, session: OpeningSession,
          manifest: Manifest) -> Submission:
    sub = Submission.objects.create(notice=n, supplier=supplier, status=status,
                                    manifest=manifest, context={}, context_hash="0" * 64,
                                    created_at=T)
    OpenedBid.objects.create(session=session, submission=sub, status=OpenedBidStatus.OPENED)
    return sub


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Authorities A and B; suppliers small, large, and one of unstated size.

    N1 national/part2, A, NO081, CPV 45, 2026-01-10: documents, electronic bids, evaluation,
       climate criterion 30 %, option "quality-nor-env-cri", ethical terms; award notice
       published; 3 opened bids (small, large, unstated; the last rejected); decision sent
       2026-02-20 (41 days); winner offered 1,000,000, contract 1,200,000; a follow-up plan
       with a reviewed self-report.
    N2 cn/part3, A, NO0A2, CPV 72, 2026-02-01: committee without electronic bids; climate
       criteria 10 % (lot 1) and 30 % (lot 2): 20 %; option "quality-nor-env-exe".
    N3 pin, no regime, B, NO081, CPV 45, 2025-06-01.   N4 a draft of A (never counted).
    N5 voluntary/part1, B, NO081, CPV 90, 2026-05-05, cancelled.
    CAN1 the award notice of N1 (A, NO081, CPV 45, 2026-03-01).
    """
    a = make_org("authority", "Alfa kommune", "other")
    b = make_org("authority", "Beta kommune", "other")
    small = make_org("supplier", "Liten AS")
    small.company_size = CompanySize.SMALL
    small.save()
    large = make_org("supplier", "Stor ASA")
    large.company_size = CompanySize.LARGE
    large.save()
    unstated = make_org("supplier", "Ukjent AS")
    officer = make_user("officer@alfa.example", a, "officer")
    n1 = notice(a, "national")
    n2 = notice(a, "cn", regime="part3", nuts="NO0A2", cpv_main="72000000",
                published_at=datetime(2026, 2, 1, 9, tzinfo=UTC))
    n3 = notice(b, "pin", regime="", published_at=datetime(2025, 6, 1, 9, tzinfo=UTC))
    notice(a, "national", status="draft", published_at=None)
    n5 = notice(b, "voluntary", regime="part1", cpv_main="90000000", status="cancelled",
                published_at=datetime(2026, 5, 5, 9, tzinfo=UTC))
    can1 = notice(a, "can", award_for=n1, published_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    doc = TenderDocument.objects.create(notice=n1, title="Konkurransegrunnlag")
    DocumentVersion.objects.create(document=doc, number=1, file="x.pdf", filename="x.pdf",
                                   size=1, sha256="0" * 64, content_type="application/pdf",
                                   uploaded_at=T)
    Committee.objects.create(notice=n1, electronic_bids=True)
    Committee.objects.create(notice=n2, electronic_bids=False)
    LotEvaluation.objects.create(notice=n1, started_at=T, started_by=officer)
    AwardCriterion.objects.create(position=1, notice=n1, name="Klima", kind=CriterionKind.CLIMATE,
                                  weight=Decimal(30), method="points")
    AwardCriterion.objects.create(position=2, notice=n1, name="Pris", kind=CriterionKind.PRICE,
                                  weight=Decimal(70), method="price_linear")
    AwardCriterion.objects.create(position=3, notice=n2, lot_number=1, name="Klima",
                                  kind=CriterionKind.CLIMATE, weight=Decimal(10), method="points")
    AwardCriterion.objects.create(position=4, notice=n2, lot_number=2, name="Klima",
                                  kind=CriterionKind.CLIMATE, weight=Decimal(30), method="points")
    LotAwardTerms.objects.create(notice=n1, climate_option="quality-nor-env-cri")
    LotAwardTerms.objects.create(notice=n2, lot_number=1, climate_option="quality-nor-env-exe")
    terms = EthicalTerms.objects.first() or EthicalTerms.objects.create(
        key="t", version=1, title_nb="t", title_en="t", text_nb="t", text_en="t", source="s",
        valid_from=date(2024, 1, 1))
    category = RiskCategory.objects.first() or RiskCategory.objects.create(
        code="textiles", name_nb="t", name_en="t", cpv_prefixes=["18"],
        valid_from=date(2024, 1, 1))
    NoticeEthicalTerms.objects.create(notice=n1, terms=terms, category=category, chosen_at=T,
                                      chosen_by=officer)
    manifest = Manifest.objects.create(notice=n1, number=1, manifest={"k": 2},
                                       manifest_hash="0" * 64, published_at=T)
    session = OpeningSession.objects.create(notice=n1, started_at=T, deadline=T,
                                            public_key="x", key_expires_at=T)
    win = offer(n1, small, SubmissionStatus.OPENED, session, manifest)
    offer(n1, large, SubmissionStatus.OPENED, session, manifest)
    offer(n1, unstated, SubmissionStatus.REJECTED, session, manifest)
    decision = AwardDecision.objects.create(
        notice=n1, status=AwardStatus.SENT, created_at=T, created_by=officer,
        sent_at=datetime(2026, 2, 20, 10, tzinfo=UTC), sent_by=officer,
        evaluation=LotEvaluation.objects.get(notice=n1))
    AwardWinner.objects.create(decision=decision, submission=win, supplier=small, rank=1,
                               value=Decimal(1_000_000))
    contract = Contract.objects.create(
        notice=n1, decision=decision, supplier=small, title="Kontrakt",
        value=Decimal(1_200_000), signed_on=date(2026, 2, 25), starts_on=date(2026, 3, 1),
        recorded_at=T, recorded_by=officer)
    plan = FollowUpPlan.objects.create(contract=contract, terms=terms, category=category,
                                       self_report_due=date(2026, 6, 1), created_at=T)
    FollowUpEvent.objects.create(plan=plan, kind=FollowUpEventKind.SELF_REPORT_REVIEWED,
                                 by=officer, at=T)
    statistics_rebuild()
    return {"a": a, "b": b, "n1": n1, "n2": n2, "n3": n3, "n5": n5, "can1": can1,
            "officer": officer}


def kinds(figures: dict[str, Any]) -> dict[str, int]:
    return {row["code"]: row["count"] for row in figures["notices"]["by_kind"]}


def test_it_computes_every_statistic_of_the_hand_computed_set(world):
    f = statistics_get(Filters())
    assert f["notices"]["total"] == 5  # the draft is not counted
    assert kinds(f) == {"pin": 1, "cn": 1, "national": 1, "voluntary": 1, "can": 1, "veat": 0}
    assert {r["code"]: r["count"] for r in f["notices"]["by_regime"]} == {
        "below": 0, "part1": 1, "part2": 2, "part3": 1, "none": 1}
    assert f["offers"] == {"tenders": 1, "offers": 3, "average": 3.0, "sme": 1,
                           "sme_share": 0.3333}
    e = f["electronic"]
    assert e["procedures"] == 3
    assert e["documents"] == {"count": 1, "share": 0.3333}
    assert e["submission"] == {"count": 1, "share": 0.3333}
    assert e["evaluation"] == {"count": 1, "share": 0.3333}
    c = f["climate"]
    assert c["with_criteria"] == {"count": 2, "share": 0.6667}
    assert c["average_weight"] == 25.0  # (30 + (10 + 30) / 2) / 2
    assert {o["code"]: o["count"] for o in c["options"]} == {
        "quality-nor-env-cri": 1, "quality-nor-env-exe": 1}
    assert f["ethical_trade"] == {"notices_with_terms": 1, "contracts": 1,
                                  "contracts_with_terms": 1, "share": 1.0,
                                  "follow_up_plans": 1, "follow_ups_done": 1}
    v = f["awarded_value"]
    assert v["total"] == 1_200_000 and v["awarded"] == 1
    assert {r["code"]: (r["value"], r["notices"]) for r in v["by_cpv_division"]} == {
        "45": (1_200_000, 3), "72": (0, 1), "90": (0, 1)}
    assert {r["code"]: (r["value"], r["notices"]) for r in v["by_region"]} == {
        "NO081": (1_200_000, 4), "NO0A2": (0, 1)}
    t = f["time_to_award"]
    assert t["count"] == 1 and t["average_days"] == 41.0
    assert {b["band"]: b["count"] for b in t["bands"]}["31-60"] == 1


def test_it_filters_by_year_authority_region_and_cpv(world):
    assert statistics_get(Filters(year=2025))["notices"]["total"] == 1
    assert statistics_get(Filters(year=2026))["notices"]["total"] == 4
    by_b = statistics_get(Filters(authority=world["b"]))
    assert kinds(by_b)["pin"] == 1 and by_b["notices"]["total"] == 2
    by_a = statistics_get(Filters(authority=world["a"], year=2026))
    assert by_a["notices"]["total"] == 3 and by_a["awarded_value"]["total"] == 1_200_000
    assert statistics_get(Filters(region="NO0A"))["notices"]["total"] == 1
    assert statistics_get(Filters(region="NO081"))["notices"]["total"] == 4
    assert statistics_get(Filters(cpv="45"))["notices"]["total"] == 3
    # The buyer's own rows and the cells give the same figures for the same notices.
    both = statistics_get(Filters(authority=world["a"]))
    assert both["climate"] == statistics_get(Filters(year=2026, cpv="72"))["climate"] | {
        "procedures": 2, "with_criteria": {"count": 2, "share": 1.0}, "average_weight": 25.0,
        "options": both["climate"]["options"]}


def test_the_refresh_follows_a_change_from_the_event_tables(world):
    n2 = world["n2"]
    Notice.objects.filter(pk=n2.pk).update(nuts="NO081", cpv_main="45000000")
    NoticeEvent.objects.create(notice=n2, kind=NoticeEventKind.CHANGED, by=world["officer"],
                               at=datetime.now(UTC) - timedelta(minutes=5))
    new = notice(world["b"], "veat", published_at=datetime(2026, 7, 1, tzinfo=UTC))
    NoticeEvent.objects.create(notice=new, kind=NoticeEventKind.PUBLISHED, at=datetime.now(UTC))
    assert statistics_refresh() == 2
    f = statistics_get(Filters())
    assert f["notices"]["total"] == 6 and kinds(f)["veat"] == 1
    assert statistics_get(Filters(region="NO0A"))["notices"]["total"] == 0
    incremental = sorted(StatCell.objects.filter(value__gt=0).values_list(
        "year", "nuts", "cpv_division", "measure", "value"))
    assert statistics_refresh() == 0  # nothing new: idempotent
    statistics_rebuild()
    assert incremental == sorted(StatCell.objects.filter(value__gt=0).values_list(
        "year", "nuts", "cpv_division", "measure", "value"))
    assert StatNotice.objects.count() == 6


def test_the_json_and_the_csv_give_the_same_figures(world):
    client = Client()
    data = client.get("/api/statistics/?year=2026").json()
    assert data == statistics_get(Filters(year=2026)) | {"filters": data["filters"]}
    response = client.get("/api/statistics.csv?year=2026")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = {(r["section"], r["key"]): r["value"] for r in csv.DictReader(
        io.StringIO(response.content.decode()))}
    assert rows[("notices", "total")] == str(data["notices"]["total"]) == "4"
    assert rows[("offers", "sme")] == "1"
    assert rows[("awarded_value_by_cpv_division", "45")] == "1200000"
    assert rows[("electronic", "documents_share")] == str(data["electronic"]["documents"]["share"])
    assert rows[("time_to_award", "average_days")] == "41.0"


@pytest.mark.parametrize("query, field", [
    ("year=20x6", "year"), ("year=99999", "year"), ("authority=abc", "authority"),
    ("authority=999999", "authority"), ("region=no'1", "region"), ("cpv=4500", "cpv"),
    ("cpv=%C3%A5", "cpv")])
def test_it_refuses_a_bad_filter_naming_the_field(world, query, field):
    client = Client()
    for path in ("/api/statistics/", "/api/statistics.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert field in response.json()["error"]["fields"]
    page = client.get(f"/statistics/?{query}")
    assert page.status_code == 400 and b'id="err_' + field.encode() + b'"' in page.content


def test_a_supplier_is_no_authority_filter(world):
    supplier = Organization.objects.filter(kind=OrganizationKind.SUPPLIER).first()
    response = Client().get(f"/api/statistics/?authority={supplier.pk}")
    assert response.status_code == 400 and "authority" in response.json()["error"]["fields"]


@pytest.mark.parametrize("language, words", [
    ("nb", ["Statistikk", "Kunngjøringer", "1 200 000"]),
    ("en", ["Statistics", "Notices", "1,200,000"])])
def test_the_page_shows_the_figures_in_both_languages(world, language, words):
    client = Client(headers={"Accept-Language": language})
    with translation.override(language):
        page = client.get(f"/statistics/?authority={world['a'].pk}")
    assert page.status_code == 200
    text = page.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    for word in words:
        assert word in text
    assert "Alfa kommune" in text and 'integrity="sha384-' in text
    assert 'id="t-cpv"' in text


@pytest.mark.parametrize("language, name", [("nb", "Statistikk"), ("en", "Statistics")])
def test_the_main_menu_links_to_the_statistics_for_anyone(db, language, name):
    client = Client(headers={"Accept-Language": language})
    link = f'<li><a href="/statistics/">{name}</a></li>'
    with translation.override(language):
        front = client.get("/").content.decode()
        page = client.get("/statistics/").content.decode()
    menu = front[front.index('class="site-nav"'):front.index("</nav>")]
    assert link in menu
    assert f'<a href="/statistics/" aria-current="page">{name}</a>' in page


def test_the_rebuild_command(world):
    out = io.StringIO()
    StatCell.objects.all().delete()
    call_command("statistics_rebuild", stdout=out)
    assert "5 public notices" in out.getvalue()
    assert statistics_get(Filters())["notices"]["total"] == 5


def test_beat_rebuilds_every_night_besides_the_refresh():
    from celery.schedules import crontab
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["evaluation-statistics-refresh"]["task"] == "evaluation.statistics.refresh"
    nightly = schedule["evaluation-statistics-rebuild-nightly"]
    assert nightly["task"] == "evaluation.statistics.rebuild"
    assert isinstance(nightly["schedule"], crontab)
    assert nightly["schedule"].hour == {3} and nightly["schedule"].minute == {15}
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"


def test_the_nightly_task_picks_up_a_change_that_wrote_no_event(world):
    from celery import current_app

    from notices.management.commands.run_scheduler import tick

    n2 = world["n2"]
    # An edit that writes no event (the admin, a data migration): the refresh cannot see it.
    before = statistics_get(Filters(region="NO0A"))["notices"]["total"]
    assert before >= 1
    Notice.objects.filter(pk=n2.pk).update(nuts="NO081")
    assert statistics_refresh() == 0
    assert statistics_get(Filters(region="NO0A"))["notices"]["total"] == before
    current_app.loader.import_default_modules()
    task = current_app.tasks["evaluation.statistics.rebuild"]
    assert task.apply(throw=True).result == 5
    assert statistics_get(Filters(region="NO0A"))["notices"]["total"] == before - 1
    # The embedded scheduler runs the same entry by name.
    assert tick(due={"evaluation-statistics-rebuild-nightly"}) == {
        "evaluation-statistics-rebuild-nightly": 5}


def test_the_embedded_scheduler_waits_for_a_crontab_entrys_time_of_day():
    from celery.schedules import crontab

    from notices.management.commands.run_scheduler import _interval, _is_crontab

    entry = {"task": "x", "schedule": crontab(hour=3, minute=15)}
    assert _is_crontab(entry) and 0 < _interval(entry) <= 24 * 3600
    assert _interval({"task": "y", "schedule": 60.0}) == 60.0
    assert not _is_crontab({"task": "y", "schedule": 60.0})


@pytest.mark.parametrize("language, header", [("nb", "Antall"), ("en", "Number")])
def test_the_procedures_table_heads_its_counts_as_a_count(world, language, header):
    client = Client(headers={"Accept-Language": language})
    page = client.get(f"/statistics/?authority={world['a'].pk}").content.decode()
    table = page[page.index('id="t-procedures"'):]
    head = table[table.index("<thead>"):table.index("</thead>")]
    assert f'<th scope="col">{header}</th>' in head
    assert "Nummer" not in head
