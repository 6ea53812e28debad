"""Regime derivation at and around every threshold, and the publishing checks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notices.models import DeadlineRule, Regime, Threshold
from notices.rules import checks as rules
from notices.rules.models import LateChangeRule, ThresholdKind

ON = date(2026, 6, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("buyer_type", "contract_type", "eea"), [
    ("state", "supplies", 1_490_000),
    ("state", "services", 1_490_000),
    ("other", "services", 2_300_000),
    ("other", "works", 57_800_000),
    ("state", "works", 57_800_000),
    ("other", "social", 7_800_000),
    ("utilities", "services", 4_600_000),
])
def test_it_derives_the_regime_at_each_eea_threshold(buyer_type, contract_type, eea):
    def regime(value: int) -> str:
        return rules.regime_for(value=Decimal(value), buyer_type=buyer_type,
                                contract_type=contract_type, on=ON).regime

    assert regime(eea - 1) == Regime.PART_II
    assert regime(eea) == Regime.PART_III  # at the threshold counts as above
    assert regime(eea + 1) == Regime.PART_III


@pytest.mark.django_db
@pytest.mark.parametrize("buyer_type", ["state", "other", "utilities"])
def test_it_derives_the_national_regimes_at_their_boundaries(buyer_type):
    def regime(value: str) -> str:
        return rules.regime_for(value=Decimal(value), buyer_type=buyer_type,
                                contract_type="services", on=ON).regime

    assert regime("0") == Regime.BELOW
    assert regime("99999.99") == Regime.BELOW
    assert regime("100000") == Regime.PART_I
    assert regime("1299999.99") == Regime.PART_I
    assert regime("1300000") == Regime.PART_II


@pytest.mark.django_db
def test_it_uses_the_rule_valid_on_the_date():
    Threshold.objects.create(kind=ThresholdKind.EEA, buyer_type="state", category="goods_services",
                             amount=Decimal("1600000"), valid_from=date(2027, 1, 1))
    before = rules.regime_for(value=Decimal("1500000"), buyer_type="state",
                              contract_type="supplies", on=date(2026, 12, 31))
    after = rules.regime_for(value=Decimal("1500000"), buyer_type="state",
                             contract_type="supplies", on=date(2027, 1, 1))
    assert (before.regime, before.eea) == (Regime.PART_III, Decimal("1490000"))
    assert (after.regime, after.eea) == (Regime.PART_II, Decimal("1600000"))


@pytest.mark.django_db
def test_it_explains_the_regime_in_plain_words():
    result = rules.regime_for(value=Decimal("900000"), buyer_type="other",
                              contract_type="services", on=ON)
    assert "national threshold" in result.explain(Decimal("900000"))
    assert "1,300,000" in result.explain(Decimal("900000")) or "1\xa0300\xa0000" in result.explain(
        Decimal("900000"))


@pytest.mark.django_db
def test_it_refuses_an_eea_deadline_shorter_than_30_days(make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value=Decimal("5000000"),
                         submission_deadline=now + timedelta(days=12, hours=1),
                         question_deadline=now + timedelta(days=5))
    problems = rules.check_publishable(notice, at=now)
    assert any("12 days after publication" in p and "at least 30 days" in p for p in problems)


@pytest.mark.django_db
def test_it_accepts_a_shortened_deadline_only_with_a_reason(make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value=Decimal("5000000"),
                         submission_deadline=now + timedelta(days=16),
                         question_deadline=now + timedelta(days=10), accelerated=True)
    problems = rules.check_publishable(notice, at=now)
    assert any("Explain why the deadline is shortened" in p for p in problems)
    assert not any("at least" in p for p in problems)


@pytest.mark.django_db
def test_it_refuses_a_notice_kind_that_does_not_fit_the_regime(make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value=Decimal("900000"))
    problems = rules.check_publishable(notice, at=now)
    assert any("Part I" in p and "“Voluntary notice (Part I)”" in p for p in problems)


@pytest.mark.django_db
def test_it_requires_the_question_deadline_before_the_tender_deadline(make_notice, now):
    notice = make_notice(publish=False, question_deadline=now + timedelta(days=30))
    problems = rules.check_publishable(notice, at=now)
    assert any("deadline for questions" in p for p in problems)


@pytest.mark.django_db
def test_it_refuses_lots_worth_more_than_the_whole(make_notice, now):
    notice = make_notice(publish=False, estimated_value=Decimal("1500000"), lots=[
        {"title": "A", "cpv": "45000000", "estimated_value": "1000000"},
        {"title": "B", "cpv": "45000000", "estimated_value": "1000000"},
    ])
    problems = rules.check_publishable(notice, at=now)
    assert any("lots add up to" in p for p in problems)


@pytest.mark.django_db
def test_a_complete_national_notice_has_no_problems(make_notice, now):
    notice = make_notice(publish=False)
    assert rules.check_publishable(notice, at=now) == []


# --- minimum periods per phase, with the regime named from data ------------------------------

PART_III = Decimal("5000000")  # above the EEA threshold of an "other" authority (NOK 2.3 M)
PART_II = Decimal("1800000")  # between the national and the EEA threshold
DAY = timedelta(days=1)
JUST_SHORT = timedelta(minutes=1)


def minimum_problems(notice, at):
    return [p for p in rules.check_publishable(notice, at=at) if "needs at least" in p]


@pytest.mark.django_db
@pytest.mark.parametrize(("short", "problems"), [(False, 0), (True, 1)])
def test_it_checks_an_open_part_iii_procedure_at_the_boundary_day(make_notice, now, short,
                                                                   problems):
    deadline = now + 30 * DAY - (JUST_SHORT if short else timedelta(0))
    notice = make_notice(publish=False, kind="cn", estimated_value=PART_III,
                         submission_deadline=deadline, question_deadline=now + 20 * DAY)
    found = minimum_problems(notice, now)
    assert len(found) == problems
    if short:
        assert "29 days after publication" in found[0]
        assert "open procedure under Part III (EEA procedure)" in found[0]
        assert "at least 30 days (FOA § 20-1)" in found[0]
        assert "EEA threshold" not in found[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("procedure", "request_source", "tender_source"), [
    ("restricted", "FOA § 20-2 (1)", "FOA § 20-2 (2)"),
    ("neg-w-call", "FOA § 20-3 (1)", "FOA § 20-3 (2)"),
])
def test_it_checks_a_two_stage_part_iii_procedure_per_phase(make_notice, now, procedure,
                                                             request_source, tender_source):
    def notice_with(request, tender):
        return make_notice(publish=False, kind="cn", estimated_value=PART_III,
                           procedure_type=procedure, request_deadline=request,
                           submission_deadline=tender, question_deadline=now + 20 * DAY,
                           candidates_min=5)

    exact = notice_with(now + 30 * DAY, now + 55 * DAY)
    assert rules.check_publishable(exact, at=now) == []

    short_request = notice_with(now + 30 * DAY - JUST_SHORT, now + 55 * DAY)
    [problem] = minimum_problems(short_request, now)
    assert "requests to participate is 29 days after publication" in problem
    assert "under Part III (EEA procedure)" in problem
    assert f"at least 30 days ({request_source})" in problem

    # Before, the tender deadline was held against the request rule (30 days from
    # publication): a tender deadline 25 days after the requests passed that check only by
    # accident, and the seeded tender rows were never read.
    short_tender = notice_with(now + 30 * DAY, now + 55 * DAY - JUST_SHORT)
    [problem] = minimum_problems(short_tender, now)
    assert "24 days after the deadline for requests to participate" in problem
    assert "at least 25 days for tenders" in problem and tender_source in problem


@pytest.mark.django_db
def test_it_uses_the_reduced_days_of_each_phase_when_shortened(make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value=PART_III,
                         procedure_type="restricted", request_deadline=now + 15 * DAY,
                         submission_deadline=now + 25 * DAY, question_deadline=now + 10 * DAY,
                         accelerated=True, accelerated_reason="Forhåndskunngjøring 2026-03.",
                         accelerated_reason_en="Prior information notice 2026-03.",
                         candidates_min=5)
    assert rules.check_publishable(notice, at=now) == []
    notice.submission_deadline -= JUST_SHORT
    [problem] = minimum_problems(notice, now)
    assert "at least 10 days for tenders" in problem


@pytest.mark.django_db
def test_it_requires_a_request_deadline_only_for_two_stage_procedures(make_notice, now):
    restricted = make_notice(publish=False, kind="cn", estimated_value=PART_III,
                             procedure_type="restricted", submission_deadline=now + 60 * DAY)
    assert any("Set the deadline for requests to participate" in p
               for p in rules.check_publishable(restricted, at=now))
    after = make_notice(publish=False, kind="cn", estimated_value=PART_III,
                        procedure_type="restricted", request_deadline=now + 61 * DAY,
                        submission_deadline=now + 60 * DAY)
    assert any("must come before the deadline for tenders" in p
               for p in rules.check_publishable(after, at=now))
    open_with_request = make_notice(publish=False, request_deadline=now + 10 * DAY)
    assert any("The open procedure takes no requests to participate" in p
               for p in rules.check_publishable(open_with_request, at=now))


@pytest.mark.django_db
@pytest.mark.parametrize("procedure", ["open", "restricted", "neg-w-call"])
def test_it_sets_no_minimum_in_part_ii_without_a_rule_row(make_notice, now, procedure):
    # Part II sets no minimum periods (only reasonable ones): no seeded row, no refusal.
    two_stage = procedure != "open"
    notice = make_notice(publish=False, estimated_value=PART_II, procedure_type=procedure,
                         request_deadline=now + 5 * DAY if two_stage else None,
                         submission_deadline=now + 10 * DAY, question_deadline=now + 2 * DAY)
    assert rules.check_publishable(notice, at=now) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("procedure", "phase"), [
    ("open", "tender"), ("restricted", "request"), ("restricted", "tender"),
    ("neg-w-call", "request"), ("neg-w-call", "tender")])
def test_it_names_part_ii_in_the_message_of_a_part_ii_rule_row(make_notice, now, procedure,
                                                               phase):
    DeadlineRule.objects.create(regime=Regime.PART_II, procedure_type=procedure, phase=phase,
                                days=20, valid_from=date(2020, 1, 1), source="intern policy")
    two_stage = procedure != "open"

    def notice_with(short_by):
        request = now + 20 * DAY - (short_by if phase == "request" else timedelta(0))
        tender = (request if two_stage else now) + 20 * DAY
        if phase == "tender":
            tender -= short_by
        return make_notice(publish=False, estimated_value=PART_II, procedure_type=procedure,
                           request_deadline=request if two_stage else None,
                           submission_deadline=tender, question_deadline=now + 2 * DAY)

    assert rules.check_publishable(notice_with(timedelta(0)), at=now) == []
    [problem] = minimum_problems(notice_with(JUST_SHORT), now)
    assert "under Part II (national procedure) needs at least 20 days" in problem
    assert "(intern policy)" in problem and "EEA" not in problem


@pytest.mark.django_db
def test_it_reads_the_deadline_rule_valid_on_the_publication_date(make_notice, now):
    today = timezone.localdate(now)
    DeadlineRule.objects.filter(regime="part3", procedure_type="open").update(
        valid_to=today - DAY)
    DeadlineRule.objects.create(regime="part3", procedure_type="open", phase="tender", days=35,
                                valid_from=today, source="FOA § 20-1 (new)")
    notice = make_notice(publish=False, kind="cn", estimated_value=PART_III,
                         submission_deadline=now + 30 * DAY, question_deadline=now + 20 * DAY)
    [problem] = minimum_problems(notice, now)
    assert "at least 35 days (FOA § 20-1 (new))" in problem


# --- the late-change period --------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("regime", "days"), [("part3", 6), ("part2", 6), ("part1", 6)])
def test_it_seeds_a_late_change_period_for_every_regime(regime, days):
    rule = rules.late_change_rule(regime=regime, on=ON)
    assert rule is not None and rule.days == days and rule.reduced_days == 4
    assert rule.source


@pytest.mark.django_db
def test_it_finds_a_change_late_from_the_rule_row_valid_on_the_day(make_notice, now):
    notice = make_notice(submission_deadline=now + 10 * DAY, question_deadline=now + 2 * DAY)
    deadline = notice.submission_deadline
    assert rules.late_change(notice, at=deadline - 6 * DAY) is None  # exactly 6 days: in time
    late = rules.late_change(notice, at=deadline - 6 * DAY + JUST_SHORT)
    assert late is not None and late.days == 6
    # Staff record a longer period for Part II from tomorrow: changes from then use it.
    tomorrow = timezone.localdate(now) + DAY
    LateChangeRule.objects.create(regime=Regime.PART_II, days=8, reduced_days=5,
                                  valid_from=tomorrow, source="new rule")
    assert rules.late_change(notice, at=deadline - 7 * DAY) is not None
    assert rules.late_change(notice, at=now) is None
    late = rules.late_change(notice, at=deadline - 8 * DAY + JUST_SHORT)
    assert late is not None and (late.days, late.source) == (8, "new rule")
    # After the deadline nothing is late: there is no deadline left to extend.
    assert rules.late_change(notice, at=deadline) is None
    assert rules.late_change(notice, at=deadline + DAY) is None


@pytest.mark.django_db
def test_the_seeded_late_change_source_is_quoted_in_the_pages_language(make_notice, now):
    from django.utils import translation

    notice = make_notice(submission_deadline=now + 10 * DAY, question_deadline=now + 2 * DAY)
    at = notice.submission_deadline - 2 * DAY
    with translation.override("nb"):
        late = rules.late_change(notice, at=at)
    assert late is not None and late.source.startswith("veiledende: del I og II")
    with translation.override("en"):
        late = rules.late_change(notice, at=at)
    assert late is not None and late.source.startswith("guidance: Parts I and II")


@pytest.mark.django_db
def test_it_warns_about_late_documents_with_the_rule_row(make_notice, officer, now, settings,
                                                         tmp_path):
    import io

    from notices.documents import services as documents

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    notice = make_notice(submission_deadline=now + 10 * DAY, question_deadline=now + 2 * DAY)
    deadline = notice.submission_deadline

    def upload(at):
        return documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(b"x"),
                                         filename="vedlegg.pdf", size=1, now=at)[1]

    assert upload(deadline - 6 * DAY) == []
    [warning] = upload(deadline - 6 * DAY + JUST_SHORT)
    assert "less than 6 days before the deadline" in warning
    assert rules.late_change_rule(regime=Regime.PART_II, on=ON).source in warning


@pytest.mark.django_db
def test_it_extends_the_tender_deadline_after_the_requests_are_in(make_notice, officer, now):
    from notices.services import notice_deadline_extend

    published = now - 40 * DAY
    notice = make_notice(kind="cn", estimated_value=PART_III, procedure_type="restricted",
                         at=published, request_deadline=published + 30 * DAY, candidates_min=5,
                         submission_deadline=published + 60 * DAY,
                         question_deadline=published + 50 * DAY)
    assert notice.request_deadline < now  # the requests are in
    version = notice_deadline_extend(notice=notice, by=officer,
                                     submission_deadline=published + 70 * DAY, now=now)
    assert version.snapshot["submission_deadline"] == (published + 70 * DAY).isoformat()
